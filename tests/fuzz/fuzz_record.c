// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: the result-record decoder (mb_record_check) on
 * arbitrary bytes.  The first byte picks what the host asked for
 * (iterations, PMU, one or two banks); when its top bit is set the
 * harness makes magic, version, size and checksum right, so the fuzzer
 * gets past them to the field checks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "record.h"
#include "esr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_params p = { 0 };
	struct mb_result r, out;
	char err[MB_ERRLEN], esr[128];
	uint8_t mode;
	int rc;

	if (!size)
		return 0;
	mode = data[0];
	data++;
	size--;
	p.strategy = MB_STRAT_base;
	p.rodata = MB_RODATA_FULL;
	p.page_shift = 12;
	p.va_bits = 48;
	p.iterations = mode & 15;
	p.flags = mode & 16 ? MB_PF_PMU : 0;
	p.nr_banks = mode & 32 ? 2 : 1;
	p.banks[0].base = MB_RAM_BASE;
	p.banks[0].size = UINT64_C(1) << 30;
	p.banks[1].base = UINT64_C(1) << 32;
	p.banks[1].size = UINT64_C(1) << 30;
	mb_params_finish(&p);

	memset(&r, 0, sizeof(r));
	memcpy(&r, data, size < sizeof(r) ? size : sizeof(r));
	if (mode & 128) {
		r.magic = MB_RESULT_MAGIC;
		r.abi_version = MB_ABI_VERSION;
		r.size = sizeof(r);
		r.checksum = mb_fnv1a(MB_FNV_OFFSET, &r,
				      offsetof(struct mb_result, checksum));
	}
	err[0] = '\0';
	rc = mb_record_check(&r, size < sizeof(r) && !(mode & 64) ?
			     size : sizeof(r), &p, &out, err, sizeof(err));
	if (rc != MB_EXIT_OK && rc != MB_EXIT_GUEST)
		abort();
	if (rc && (!err[0] || strchr(err, '\n')))
		abort();
	/* an accepted record is internally consistent */
	if (!rc && (out.nr_iters != (p.iterations ? p.iterations : 1) ||
		    out.t_end < out.t_start || out.nr_banks != p.nr_banks))
		abort();
	mb_esr_describe(r.exc.esr, esr, sizeof(esr));
	(void)mb_vector_name(r.exc.vector);
	return 0;
}
