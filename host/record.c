// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names shared by the CLI and the reports, and the validation of the
 * result record read back from the guest.  The record is untrusted: it
 * is copied, then every field the host uses is checked before use.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "record.h"
#include "esr.h"

static const char *const strategy_names[] = {
#define MB_STRAT_NAME(id, name, cli, desc) [id] = cli,
	MB_STRATEGY_LIST(MB_STRAT_NAME)
#undef MB_STRAT_NAME
};

static const char *const rodata_names[] = {
	[MB_RODATA_FULL] = "full",
	[MB_RODATA_ON] = "on",
	[MB_RODATA_OFF] = "off",
};

static const char *const status_names[] = {
	[MB_ST_OK] = "ok",
	[MB_ST_RUNNING] = "running",
	[MB_ST_BAD_PARAMS] = "bad-params",
	[MB_ST_UNSUPPORTED] = "unsupported",
	[MB_ST_NOMEM] = "out-of-memory",
	[MB_ST_VERIFY_FAILED] = "verify-failed",
	[MB_ST_EXCEPTION] = "exception",
	[MB_ST_BUG] = "bug",
};

const char *mb_strategy_name(unsigned int id)
{
	return id < MB_NR_STRATEGIES ? strategy_names[id] : "?";
}

/* name's index in names[0..n-1], -1 when it is none of them */
static int index_of(const char *const *names, unsigned int n,
		    const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

int mb_strategy_from_name(const char *name)
{
	return index_of(strategy_names, MB_NR_STRATEGIES, name);
}

const char *mb_rodata_name(unsigned int id)
{
	return id < MB_NR_RODATA ? rodata_names[id] : "?";
}

int mb_rodata_from_name(const char *name)
{
	return index_of(rodata_names, MB_NR_RODATA, name);
}

const char *mb_status_name(unsigned int st)
{
	return st < MB_NR_STATUS ? status_names[st] : "?";
}

void mb_params_finish(struct mb_params *p)
{
	p->magic = MB_PARAMS_MAGIC;
	p->abi_version = MB_ABI_VERSION;
	p->size = sizeof(*p);
	if (!p->page_shift)
		p->page_shift = 12;
	if (!p->va_bits)
		p->va_bits = 48;
}

static uint64_t ram_top(const struct mb_params *p)
{
	const struct mb_bank *b = &p->banks[p->nr_banks - 1];

	return b->base + b->size;
}

static int in_ram(const struct mb_params *p, uint64_t a)
{
	for (unsigned int i = 0; i < p->nr_banks; i++)
		if (a >= p->banks[i].base &&
		    a - p->banks[i].base <= p->banks[i].size)
			return 1;
	return 0;
}

/* Structural checks: is this a record at all, and about this run? */
static const char *check_shape(const struct mb_result *r,
			       const struct mb_params *p)
{
	uint64_t sum;

	if (r->magic != MB_RESULT_MAGIC)
		return "no result record (bad magic)";
	if (r->abi_version != MB_ABI_VERSION || r->size != sizeof(*r))
		return "result record of another ABI version";
	sum = mb_fnv1a(MB_FNV_OFFSET, r, offsetof(struct mb_result, checksum));
	if (sum != r->checksum)
		return "result record checksum mismatch";
	if (r->status >= MB_NR_STATUS)
		return "result record status out of range";
	if (r->status == MB_ST_EXCEPTION || r->status == MB_ST_BAD_PARAMS)
		return NULL;	/* written before the rest was known */
	if (r->page_shift != 12 && r->page_shift != 14 && r->page_shift != 16)
		return "result record granule out of range";
	if (r->strategy != p->strategy || r->rodata != p->rodata)
		return "result record is for another strategy or rodata mode";
	if (r->page_shift != p->page_shift || r->va_bits != p->va_bits)
		return "result record is for another granule or VA size";
	return NULL;
}

/* --iterations and --pmu: as many builds as asked, the first one being
 * the window in t_start/t_end, nothing beyond nr_iters. */
static const char *check_iters(const struct mb_result *r,
			       const struct mb_params *p)
{
	uint32_t want = p->iterations ? p->iterations : 1;

	if (r->nr_iters != want)
		return "result record has another number of iterations";
	if (r->iter_ticks[0] != r->t_end - r->t_start)
		return "result record's first iteration is not its window";
	if (r->pmu != !!(p->flags & MB_PF_PMU))
		return "result record's PMU flag is not what was asked";
	for (uint32_t i = want; i < MB_MAX_ITERS; i++)
		if (r->iter_ticks[i] || r->iter_cycles[i])
			return "result record has data beyond its iterations";
	for (uint32_t i = 0; !r->pmu && i < want; i++)
		if (r->iter_cycles[i])
			return "result record has cycles without the PMU";
	return NULL;
}

/* One measured unit: rounds as the ABI fixes them, reps a power of two
 * in range, min <= median <= max within a second, cycles only with the
 * PMU. */
static bool unit_ok(const struct mb_result *r, const struct mb_unit *u)
{
	return u->rounds == MB_CAL_ROUNDS && u->reps &&
	       u->reps <= MB_CAL_MAX_REPS && !(u->reps & (u->reps - 1)) &&
	       u->min_pt <= u->median_pt && u->median_pt <= u->max_pt &&
	       u->max_pt <= r->cntfrq * MB_CAL_PICO &&
	       (r->pmu || !u->median_pc);
}

/* Probes: as many as the ABI allows, each timed in rounds as the units,
 * under a minute a build; nothing beyond nr_probes. */
static const char *check_probes(const struct mb_result *r)
{
	static const struct mb_probe zero;

	if (r->nr_probes > MB_MAX_PROBES)
		return "result record probe count out of range";
	for (uint32_t k = 0; k < MB_MAX_PROBES; k++) {
		const struct mb_probe *q = &r->probes[k];

		if (k >= r->nr_probes) {
			if (memcmp(q, &zero, sizeof(zero)))
				return "result record has data beyond its probes";
			continue;
		}
		if (q->rounds != MB_PROBE_ROUNDS || !q->nr_banks ||
		    q->kind >= MB_NR_PROBE_KINDS ||
		    q->nr_banks > MB_PROBE_MAX_BANKS || !q->reps ||
		    q->reps > MB_CAL_MAX_REPS || (q->reps & (q->reps - 1)) ||
		    q->median_pt > r->cntfrq * MB_CAL_PICO * 60)
			return "result record probe out of range";
	}
	return NULL;
}

/*
 * The calibration: all zero with --no-calibrate; otherwise every direct
 * unit and store form measured (DC ZVA may be absent: all zero), a
 * counter step within a second, the probes in range, and the floor
 * exactly mb_floor_of() the final map's tables and the stores.
 */
static const char *check_units(const struct mb_result *r,
			       const struct mb_params *p)
{
	const size_t from = offsetof(struct mb_result, calibrated);
	const size_t to = offsetof(struct mb_result, checksum);
	uint64_t pages = (ram_top(p) - p->banks[0].base) >> r->page_shift;
	unsigned __int128 floor;
	struct mb_floor f;

	if (p->flags & MB_PF_NO_CALIBRATE) {
		for (size_t i = from; i < to; i++)
			if (((const unsigned char *)r)[i])
				return "result record has unit costs it was not asked for";
		return NULL;
	}
	if (r->calibrated != 1)
		return "result record has no unit costs";
	if (!r->cnt_res || r->cnt_res > r->cntfrq)
		return "result record counter resolution out of range";
	for (unsigned int i = 0; i < MB_NR_UNITS; i++)
		if (!unit_ok(r, &r->units[i]))
			return "result record unit cost out of range";
	for (unsigned int i = 0; i < MB_NR_STORES; i++) {
		static const struct mb_unit zero;
		const struct mb_unit *u = &r->stores[i];

		if (i == MB_STORE_dc_zva && !memcmp(u, &zero, sizeof(zero)))
			continue;
		if (!unit_ok(r, u))
			return "result record store rate out of range";
	}
	if (check_probes(r))
		return check_probes(r);
	f = mb_floor_of(r);
	floor = ((unsigned __int128)f.data_bytes * f.data_pt +
		 (unsigned __int128)f.zero_bytes * f.zero_pt) / MB_CAL_PICO;
	if (r->floor_tables > pages || r->floor_root_descs > r->floor_descs ||
	    r->floor_descs - r->floor_root_descs >
	    r->floor_tables << (r->page_shift - 3) ||
	    r->floor_buffer > (pages << r->page_shift) ||
	    (r->floor_buffer & 255) || r->floor_ticks != floor)
		return "result record floor does not match its tables";
	return NULL;
}

/* Consistency of a completed record with what the host asked for. */
static const char *check_done(const struct mb_result *r,
			      const struct mb_params *p)
{
	const char *why;

	if (r->nr_banks != p->nr_banks ||
	    memcmp(r->banks, p->banks, sizeof(r->banks[0]) * p->nr_banks))
		return "result record describes other RAM banks";
	if (!r->cntfrq || r->t_end < r->t_start)
		return "result record has no valid timing";
	if (r->kernel_start > r->kernel_end || !in_ram(p, r->kernel_start) ||
	    !in_ram(p, r->kernel_end) || r->image_start > r->image_end ||
	    !in_ram(p, r->image_start) || !in_ram(p, r->image_end) ||
	    r->data_start > r->data_end ||
	    (r->data_end && (!in_ram(p, r->data_start) ||
			     !in_ram(p, r->data_end))))
		return "result record layout outside guest RAM";
	if (r->kfence_end - r->kfence_start != p->kfence_size ||
	    (p->kfence_size && (!in_ram(p, r->kfence_start) ||
				!in_ram(p, r->kfence_end))))
		return "result record KFENCE pool does not match the request";
	if (r->alloc_low < p->banks[0].base || r->alloc_low > ram_top(p) ||
	    r->alloc_pages > (ram_top(p) - p->banks[0].base) / 4096)
		return "result record allocator state out of range";
	if (r->verify.pages_checked > (ram_top(p) - p->banks[0].base) / 4096)
		return "result record verify counts out of range";
	why = check_iters(r, p);
	if (why)
		return why;
	return check_units(r, p);
}

int mb_record_check(const void *raw, size_t len, const struct mb_params *p,
		    struct mb_result *out, char *err, size_t errlen)
{
	const struct mb_result *r = out;
	const char *why;
	char esr[128];

	if (len < sizeof(*out)) {
		snprintf(err, errlen, "result record truncated (%zu bytes)",
			 len);
		return MB_EXIT_GUEST;
	}
	memcpy(out, raw, sizeof(*out));
	why = check_shape(r, p);
	if (why) {
		snprintf(err, errlen, "%s", why);
		return MB_EXIT_GUEST;
	}

	switch (r->status) {
	case MB_ST_OK:
	case MB_ST_VERIFY_FAILED:
		why = check_done(r, p);
		if (why) {
			snprintf(err, errlen, "%s", why);
			return MB_EXIT_GUEST;
		}
		if (r->status == MB_ST_OK && !r->verify.errors &&
		    r->digest == r->digest_counted)
			return MB_EXIT_OK;
		if (r->digest != r->digest_counted && !r->verify.errors)
			snprintf(err, errlen, "guest verification failed: "
				 "counting pass built a different map "
				 "(digest 0x%016" PRIx64 " vs 0x%016" PRIx64
				 ")", r->digest, r->digest_counted);
		else
			snprintf(err, errlen, "guest verification failed: "
				 "%" PRIu64 " errors, first at VA 0x%" PRIx64
				 " (descriptor 0x%" PRIx64 ", expected 0x%"
				 PRIx64 ")", r->verify.errors,
				 r->verify.first_bad_va,
				 r->verify.first_bad_desc,
				 r->verify.first_expected);
		return MB_EXIT_GUEST;
	case MB_ST_EXCEPTION:
		mb_esr_describe(r->exc.esr, esr, sizeof(esr));
		snprintf(err, errlen, "guest took an exception: %s; ESR 0x%"
			 PRIx64 " FAR 0x%" PRIx64 " ELR 0x%" PRIx64 " SPSR 0x%"
			 PRIx64 ", vector %u (%s), MMU %s", esr, r->exc.esr,
			 r->exc.far, r->exc.elr, r->exc.spsr,
			 r->exc.vector & 15, mb_vector_name(r->exc.vector),
			 r->exc.mmu_on ? "on" : "off");
		return MB_EXIT_GUEST;
	case MB_ST_RUNNING:
		snprintf(err, errlen, "guest stopped before finishing "
			 "(record still says running)");
		return MB_EXIT_GUEST;
	case MB_ST_UNSUPPORTED:
		snprintf(err, errlen, "strategy %s is not built into this "
			 "guest", mb_strategy_name(r->strategy));
		return MB_EXIT_GUEST;
	default:
		snprintf(err, errlen, "guest failed: %s (detail %u)",
			 mb_status_name(r->status), r->detail);
		return MB_EXIT_GUEST;
	}
}
