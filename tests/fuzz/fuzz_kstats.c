// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: the KVM binary-stats decoder on arbitrary files
 * (seeded with files captured from Linux 6.1), and the delta of a file
 * against itself, which must be all zero for counters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm.h>

#include "util.h"
#include "kvm/kvmstats.h"

static struct mb_kstats k[2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[MB_ERRLEN];

	err[0] = '\0';
	if (mb_kstats_decode(data, size, &k[0], err, sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	if (k[0].nr > MB_KSTAT_MAX ||
	    mb_kstats_delta(&k[0], &k[0], &k[1], err, sizeof(err)))
		abort();
	for (unsigned int i = 0; i < k[1].nr; i++) {
		uint32_t t = k[1].s[i].flags & KVM_STATS_TYPE_MASK;

		if (t != KVM_STATS_TYPE_INSTANT && t != KVM_STATS_TYPE_PEAK &&
		    k[1].s[i].value)
			abort();
	}
	return 0;
}
