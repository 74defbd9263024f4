// SPDX-License-Identifier: GPL-2.0-only
/*
 * Results out: a JSON file (written atomically, so a reader never sees
 * half a report) and a one-line human summary.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util.h"
#include "options.h"
#include "cpufeat.h"
#include "kimage.h"
#include "record.h"
#include "hostinfo.h"
#include "kvm/kvmstats.h"
#include "run.h"
#include "account.h"
#include "report.h"

#define SCHEMA_VERSION	1
#define NOMEM		"out of memory building the JSON report"
#define MIDR_PATH	"/sys/devices/system/cpu/cpu0/regs/identification/" \
			"midr_el1"

/* Building state: the first failure's message and exit code win. */
struct jctx {
	char *err;
	size_t errlen;
	int code;
};

static __attribute__((format(printf, 3, 4)))
void fail(struct jctx *c, int code, const char *fmt, ...)
{
	va_list ap;

	if (c->code)
		return;
	va_start(ap, fmt);
	c->code = mb_verrf(code, c->err, c->errlen, fmt, ap);
	va_end(ap);
}

static void put(struct jctx *c, json_t *o, const char *key, json_t *v)
{
	/* json_object_set_new() drops v on failure, and fails on NULL. */
	if (json_object_set_new(o, key, v))
		fail(c, MB_EXIT_VMM, NOMEM);
}

/* json_int_t is signed 64 bit: anything above that is a broken record. */
static void put_u64(struct jctx *c, json_t *o, const char *key, uint64_t v)
{
	if (v > INT64_MAX) {
		fail(c, MB_EXIT_GUEST,
		     "%s = %" PRIu64 " does not fit a JSON integer", key, v);
		return;
	}
	put(c, o, key, json_integer(v));
}

static void put_hex(struct jctx *c, json_t *o, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	put(c, o, key, json_string(buf));
}

static void put_hex16(struct jctx *c, json_t *o, const char *key,
		      uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
	put(c, o, key, json_string(buf));
}

/* Host strings go in as printable ASCII, so jansson never sees bad UTF-8. */
static void put_str(struct jctx *c, json_t *o, const char *key,
		    const char *s)
{
	char buf[256];
	size_t i;

	if (!s)
		s = "?";
	for (i = 0; s[i] && i + 1 < sizeof(buf); i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	put(c, o, key, json_string(buf));
}

/* New sub-object of o under key (NULL if that failed; callers cope). */
static json_t *sub(struct jctx *c, json_t *o, const char *key)
{
	json_t *s = json_object();

	/* o owns s from here on; s lives as long as the whole tree */
	if (json_object_set_new(o, key, s)) {
		fail(c, MB_EXIT_VMM, NOMEM);
		return NULL;
	}
	return s;
}

/* ---- host facts ------------------------------------------------------ */

/* "key<tabs>: value" from /proc/cpuinfo, first occurrence. */
static bool cpuinfo_field(const char *key, char *val, size_t len)
{
	size_t klen = strlen(key);
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line + klen;

		if (strncmp(line, key, klen) || (*p != ' ' && *p != '\t' &&
						 *p != ':'))
			continue;
		p = strchr(p, ':');
		if (!p)
			continue;
		p += strspn(p + 1, " \t") + 1;
		p[strcspn(p, "\n")] = '\0';
		snprintf(val, len, "%s", p);
		found = true;
	}
	fclose(f);
	return found;
}

static void put_host(struct jctx *c, json_t *root,
		     const struct mb_outcome *out)
{
	json_t *h = sub(c, root, "host");
	char model[256], impl[32], part[32], midr[64], thp[32];
	struct utsname u;
	FILE *f;

	if (!h)
		return;
	if (!uname(&u)) {
		put_str(c, h, "kernel", u.release);
		put_str(c, h, "machine", u.machine);
	}
	if (cpuinfo_field("model name", model, sizeof(model))) {
		put_str(c, h, "cpu_model", model);
	} else if (cpuinfo_field("CPU implementer", impl, sizeof(impl)) &&
		   cpuinfo_field("CPU part", part, sizeof(part))) {
		snprintf(model, sizeof(model), "implementer %s part %s", impl,
			 part);
		put_str(c, h, "cpu_model", model);
	}
	/* the CPU the vCPU ran on, else cpu0 */
	if (out->host_cpu >= 0)
		put(c, h, "cpu", json_integer(out->host_cpu));
	else
		put(c, h, "cpu", json_null());
	f = out->have_midr ? NULL : fopen(MIDR_PATH, "r");
	if (out->have_midr)
		put_hex(c, h, "midr", out->host_midr);
	if (f) {
		unsigned long long v;
		char *end;

		if (fgets(midr, sizeof(midr), f)) {
			errno = 0;
			v = strtoull(midr, &end, 16);
			if (!errno && end != midr && (*end == '\n' || !*end))
				put_hex(c, h, "midr", v);
		}
		fclose(f);
	}
	put(c, h, "page_size", json_integer(sysconf(_SC_PAGESIZE)));
	put(c, h, "ncpus", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	if (!mb_thp_mode(thp, sizeof(thp)))
		put_str(c, h, "thp_enabled", thp);
	else
		put(c, h, "thp_enabled", json_null());
	if (out->host_cntfrq)
		put_u64(c, h, "cntfrq", out->host_cntfrq);
	else
		put(c, h, "cntfrq", json_null());
	if (out->vm_hwm_kb)
		put_u64(c, h, "vm_hwm_kb", out->vm_hwm_kb);
}

/* ---- the record ------------------------------------------------------ */

/* ticks in ns as a JSON value: null without a counter frequency. */
static json_t *ns_json(uint64_t ticks, uint64_t frq)
{
	unsigned __int128 ns;

	if (!frq)
		return json_null();
	ns = (unsigned __int128)ticks * 1000000000u / frq;
	return json_integer(ns > INT64_MAX ? INT64_MAX : (json_int_t)ns);
}

/* Builds [from, to): ticks, ns and (vPMU) cycles, as arrays under o. */
static void put_iter_arrays(struct jctx *c, json_t *o,
			    const struct mb_result *r, unsigned int from,
			    unsigned int to)
{
	json_t *t = json_array(), *n = json_array(), *y = json_array();

	if (!t || !n || !y) {
		json_decref(t);
		json_decref(n);
		json_decref(y);
		fail(c, MB_EXIT_VMM, NOMEM);
		return;
	}
	for (unsigned int i = from; i < to; i++) {
		if (r->iter_ticks[i] > INT64_MAX ||
		    r->iter_cycles[i] > INT64_MAX)
			fail(c, MB_EXIT_GUEST,
			     "iteration %u does not fit a JSON integer", i);
		else if (json_array_append_new(t,
					       json_integer(r->iter_ticks[i])) ||
			 json_array_append_new(y,
					       json_integer(r->iter_cycles[i])))
			fail(c, MB_EXIT_VMM, NOMEM);
		if (json_array_append_new(n, ns_json(r->iter_ticks[i],
						     r->cntfrq)))
			fail(c, MB_EXIT_VMM, NOMEM);
	}
	put(c, o, "ticks", t);
	put(c, o, "ns", n);
	if (r->pmu)
		put(c, o, "cycles", y);
	else
		json_decref(y);
}

/* The median of the warm builds (sorted copy; n <= MB_MAX_ITERS). */
static uint64_t median_ticks(const uint64_t *v, unsigned int n)
{
	uint64_t s[MB_MAX_ITERS];

	memcpy(s, v, n * sizeof(*v));
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j && s[j - 1] > s[j]; j--) {
			uint64_t t = s[j];

			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	return n & 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/*
 * --iterations K: the first build (cold: its stage-2 faults, cache and
 * TLB misses) is timing.ticks as always and timing.cold; the K-1 later
 * builds over the same pages (warm) are in timing.warm.
 */
static void put_iters(struct jctx *c, json_t *timing,
		      const struct mb_result *r)
{
	unsigned int n = r->nr_iters;
	json_t *o;

	if (!n || n > MB_MAX_ITERS) {
		fail(c, MB_EXIT_GUEST, "record has %u iterations", n);
		return;
	}
	put(c, timing, "iterations", json_integer(n));
	o = sub(c, timing, "cold");
	if (o) {
		put_u64(c, o, "ticks", r->iter_ticks[0]);
		put(c, o, "ns", ns_json(r->iter_ticks[0], r->cntfrq));
		if (r->pmu)
			put_u64(c, o, "cycles", r->iter_cycles[0]);
	}
	o = sub(c, timing, "warm");
	if (o) {
		put(c, o, "n", json_integer(n - 1));
		put_iter_arrays(c, o, r, 1, n);
		if (n > 1) {
			uint64_t min = r->iter_ticks[1];

			for (unsigned int i = 2; i < n; i++)
				if (r->iter_ticks[i] < min)
					min = r->iter_ticks[i];
			put_u64(c, o, "min_ticks", min);
			put_u64(c, o, "median_ticks",
				median_ticks(r->iter_ticks + 1, n - 1));
		}
	}
}

/* One measured unit: picoticks per op (per byte for a store form). */
static void put_unit(struct jctx *c, json_t *o, const struct mb_result *r,
		     const struct mb_unit *u)
{
	put_u64(c, o, "picoticks", u->median_pt);
	put_u64(c, o, "min_picoticks", u->min_pt);
	put_u64(c, o, "max_picoticks", u->max_pt);
	put(c, o, "ticks", json_real((double)u->median_pt / MB_CAL_PICO));
	if (r->cntfrq)
		put(c, o, "ns", json_real((double)u->median_pt * 1e3 /
					  r->cntfrq));
	if (r->pmu)
		put_u64(c, o, "picocycles", u->median_pc);
	put(c, o, "reps", json_integer(u->reps));
	put(c, o, "rounds", json_integer(u->rounds));
}

/* calibration.probes: each probe's time and counts, as measured. */
static void put_probes(struct jctx *c, json_t *cal, const struct mb_result *r)
{
	json_t *a = json_array(), *o, *n;

	if (!a || json_object_set_new(cal, "probes", a)) {
		fail(c, MB_EXIT_VMM, NOMEM);
		return;
	}
	for (uint32_t k = 0; k < r->nr_probes; k++) {
		const struct mb_probe *p = &r->probes[k];

		o = json_object();
		if (!o || json_array_append_new(a, o)) {
			fail(c, MB_EXIT_VMM, NOMEM);
			return;
		}
		put_u64(c, o, "picoticks", p->median_pt);
		put(c, o, "ticks", json_real((double)p->median_pt /
					     MB_CAL_PICO));
		put(c, o, "banks", json_integer(p->nr_banks));
		put(c, o, "kind", json_string(p->kind == MB_PROBE_TMP_MAP ?
					      "tmp_map" : "map_mem"));
		put(c, o, "reps", json_integer(p->reps));
		put(c, o, "rounds", json_integer(p->rounds));
		n = sub(c, o, "counts");
		for (unsigned int i = 0; n && i < MB_NR_CTRS; i++)
			if (p->counts[i])
				put_u64(c, n, mb_counter_names[i],
					p->counts[i]);
	}
}

/* calibration.code: the code units priced from the probes. */
static void put_code(struct jctx *c, json_t *cal, const struct mb_result *r,
		     bool nonneg)
{
	struct mb_code_prices pr;
	json_t *code, *o;

	if (mb_account_prices(r, nonneg, &pr))
		return;
	code = sub(c, cal, "code");
	if (!code)
		return;
	put(c, code, "probes", json_integer(pr.probes));
	put(c, code, "rms_picoticks", json_integer((json_int_t)llround(pr.rms_pt)));
	o = sub(c, code, "units");
	for (unsigned int i = 0; o && i < MB_NR_CODES; i++) {
		json_t *u = sub(c, o, mb_code_names[i]);

		if (!u)
			return;
		put(c, u, "picoticks", json_integer(pr.pt[i]));
		put(c, u, "ticks", json_real((double)pr.pt[i] / MB_CAL_PICO));
		put(c, u, "state", json_string(mb_code_state_names[pr.state[i]]));
	}
}

/*
 * The calibration (docs/JSON.md "calibration"): direct units, store
 * rates, probes, the code units' prices and the floor, measured in the
 * guest after verification; absent with --no-calibrate.
 */
static void put_units(struct jctx *c, json_t *root, const struct mb_result *r,
		      bool nonneg)
{
	json_t *cal, *units, *o;
	struct mb_floor f;

	if (!r->calibrated)
		return;
	cal = sub(c, root, "calibration");
	if (!cal)
		return;
	put_u64(c, cal, "cntfrq", r->cntfrq);
	put_u64(c, cal, "resolution_ticks", r->cnt_res);
	put(c, cal, "rounds", json_integer(MB_CAL_ROUNDS));
	put(c, cal, "min_round_ticks", json_integer(MB_CAL_MIN_TICKS));
	units = sub(c, cal, "units");
	for (unsigned int i = 0; units && i < MB_NR_UNITS; i++) {
		o = sub(c, units, mb_unit_names[i]);
		if (!o)
			return;
		put_unit(c, o, r, &r->units[i]);
	}
	units = sub(c, cal, "stores");
	for (unsigned int i = 0; units && i < MB_NR_STORES; i++) {
		if (!r->stores[i].rounds)
			continue;	/* a form this CPU does not allow */
		o = sub(c, units, mb_store_names[i]);
		if (!o)
			return;
		put_unit(c, o, r, &r->stores[i]);
	}
	put_probes(c, cal, r);
	put_code(c, cal, r, nonneg);
	o = sub(c, cal, "floor");
	if (!o)
		return;
	f = mb_floor_of(r);
	put_u64(c, o, "tables", r->floor_tables);
	put_u64(c, o, "descriptors", r->floor_descs);
	put_u64(c, o, "root_descriptors", r->floor_root_descs);
	put_u64(c, o, "data_bytes", f.data_bytes);
	put_u64(c, o, "zero_bytes", f.zero_bytes);
	put_u64(c, o, "data_picoticks_per_byte", f.data_pt);
	put_u64(c, o, "zero_picoticks_per_byte", f.zero_pt);
	put_u64(c, o, "buffer_bytes", r->floor_buffer);
	put_u64(c, o, "ticks", r->floor_ticks);
	put(c, o, "ns", ns_json(r->floor_ticks, r->cntfrq));
}

/* nonneg: a timed run's code units are priced >= 0 (account.h) */
static void put_record(struct jctx *c, json_t *root, const struct mb_result *r,
		       bool nonneg)
{
	uint64_t ticks = r->t_end - r->t_start;
	json_t *o;

	/* what the guest says it built, checked against the params */
	put_str(c, root, "granule", mb_granule_name(r->page_shift));
	put(c, root, "page_shift", json_integer(r->page_shift));
	put(c, root, "va_bits", json_integer(r->va_bits));

	o = sub(c, root, "layout");
	if (o) {
		put_hex(c, o, "page_offset", r->page_offset);
		put_hex(c, o, "phys_offset", r->phys_offset);
		put_hex(c, o, "kernel_start", r->kernel_start);
		put_hex(c, o, "kernel_end", r->kernel_end);
		put_hex(c, o, "image_start", r->image_start);
		put_hex(c, o, "image_end", r->image_end);
		if (r->data_end > r->data_start) {
			put_hex(c, o, "data_start", r->data_start);
			put_hex(c, o, "data_end", r->data_end);
		}
		if (r->kfence_end > r->kfence_start) {
			put_hex(c, o, "kfence_start", r->kfence_start);
			put_hex(c, o, "kfence_end", r->kfence_end);
			put_u64(c, o, "kfence_size",
				r->kfence_end - r->kfence_start);
		}
		put_hex(c, o, "alloc_low", r->alloc_low);
		put_u64(c, o, "alloc_pages", r->alloc_pages);
	}

	o = sub(c, root, "timing");
	if (o) {
		put_u64(c, o, "cntfrq", r->cntfrq);
		if (r->t_end < r->t_start)
			fail(c, MB_EXIT_GUEST,
			     "timer went backwards in the record");
		put_u64(c, o, "ticks", ticks);
		if (r->cntfrq) {
			/* 128 bit: ticks * 1e9 overflows 64 after ~5 min */
			unsigned __int128 ns = (unsigned __int128)ticks *
					       1000000000u / r->cntfrq;

			put_u64(c, o, "ns", ns > UINT64_MAX ? UINT64_MAX : ns);
			put(c, o, "ms", json_real((double)ticks * 1e3 /
						  r->cntfrq));
		} else {
			put(c, o, "ns", json_null());
			put(c, o, "ms", json_null());
		}
		put_iters(c, o, r);
	}

	put_units(c, root, r, nonneg);

	o = sub(c, root, "counts");
	if (o) {
#define MB_PUT_COUNT(name) put_u64(c, o, #name, r->counts.name);
		MB_COUNTER_LIST(MB_PUT_COUNT)
#undef MB_PUT_COUNT
	}

	o = sub(c, root, "verify");
	if (o) {
		put_u64(c, o, "leaves_checked", r->verify.leaves_checked);
		put_u64(c, o, "pages_checked", r->verify.pages_checked);
		put_u64(c, o, "at_checked", r->verify.at_checked);
		put_u64(c, o, "rw_checked", r->verify.rw_checked);
		put_u64(c, o, "errors", r->verify.errors);
		if (r->verify.errors) {
			put_hex(c, o, "first_bad_va", r->verify.first_bad_va);
			put_hex(c, o, "first_bad_desc",
				r->verify.first_bad_desc);
			put_hex(c, o, "first_expected",
				r->verify.first_expected);
		}
	}

	put_hex16(c, root, "digest", r->digest);
	put_hex16(c, root, "digest_counted", r->digest_counted);
	put(c, root, "digests_match",
	    json_boolean(r->digest == r->digest_counted));

	if (r->status == MB_ST_EXCEPTION) {
		o = sub(c, root, "exception");
		if (o) {
			put_hex(c, o, "esr", r->exc.esr);
			put_hex(c, o, "far", r->exc.far);
			put_hex(c, o, "elr", r->exc.elr);
			put_hex(c, o, "spsr", r->exc.spsr);
			put_u64(c, o, "vector", r->exc.vector);
			put(c, o, "mmu_on", json_boolean(r->exc.mmu_on));
		}
	}
}

/* ---- the host side of the run --------------------------------------- */

static void put_options(struct jctx *c, json_t *root,
			const struct mb_run_opts *opts, unsigned int idx,
			unsigned int n)
{
	json_t *o = sub(c, root, "run");
	char buf[32];

	if (o) {
		put(c, o, "index", json_integer(idx));
		put(c, o, "repeat", json_integer(n));
	}
	o = sub(c, root, "options");
	if (!o)
		return;
#define K(name)	mb_okeys[MB_OKEY_##name].json
	put_str(c, o, K(LAYOUT), opts->layout[0] ? opts->layout : "mem");
	put_str(c, o, K(BACKING), mb_backing_name(opts, buf, sizeof(buf)));
	put_str(c, o, K(PREFAULT), mb_prefault_name(opts->prefault));
	put(c, o, K(PMU), json_boolean(opts->pmu));
	if (opts->set & MB_SET_CPU)
		put(c, o, K(CPU), json_integer(opts->cpu));
	else
		put(c, o, K(CPU), json_null());
	put(c, o, K(ITERATIONS), json_integer(opts->params.iterations ?
					      opts->params.iterations : 1));
	put_str(c, o, K(GRANULE), mb_granule_name(opts->params.page_shift));
	put(c, o, K(VA_BITS), json_integer(opts->params.va_bits));
	put(c, o, K(FORCE_BBML2), json_boolean(opts->force_bbml2));
	if (opts->accel == MB_ACCEL_TCG)
		put_str(c, o, K(TCG_CPU), opts->tcg_cpu ? opts->tcg_cpu :
			MB_DEFAULT_TCG_CPU);
	put_str(c, o, K(KERNEL_IMAGE),
		opts->kimage.source == MB_KIMAGE_FILE ? opts->kimage.name :
		mb_kimage_source_name(opts->kimage.source));
#undef K
}

/* The kernel image the alias came from (kimage.h): offsets from _text
 * where known (0 is not written), and where _text was put. */
static void put_kimage(struct jctx *c, json_t *root,
		       const struct mb_run_opts *opts)
{
	const struct mb_kimage *k = &opts->kimage;
	json_t *o = sub(c, root, "kernel_image");

	if (!o)
		return;
	put_str(c, o, "source", mb_kimage_source_name(k->source));
	put_str(c, o, "name", k->name);
	if (k->source == MB_KIMAGE_GUEST)
		return;
	if (k->version[0])
		put_str(c, o, "release", k->version);
	put_hex(c, o, "text", opts->params.alias_text);
	put_hex(c, o, "stext_offset", k->stext);
	put_hex(c, o, "init_begin_offset", k->init_begin);
	if (k->bss_stop) {
		put_hex(c, o, "init_end_offset", k->init_end);
		put_hex(c, o, "bss_stop_offset", k->bss_stop);
	}
	if (k->end)
		put_hex(c, o, "end_offset", k->end);
}

/* The vCPU's ID registers the granule and BBML2 checks read. */
static void put_cpu_features(struct jctx *c, json_t *root,
			     const struct mb_run_opts *opts,
			     const struct mb_outcome *out)
{
	const struct mb_cpu_ids *id = &out->cpu_ids;
	unsigned int st = opts->params.strategy;
	json_t *o;

	if (!out->have_cpu_ids)
		return;
	o = sub(c, root, "cpu_features");
	if (!o)
		return;
	put_str(c, o, "from", out->cpu_ids_from);
	put_hex(c, o, "midr", id->midr);
	put_hex(c, o, "id_aa64mmfr0", id->mmfr0);
	put_hex(c, o, "id_aa64mmfr2", id->mmfr2);
	put(c, o, "pa_bits", json_integer(mb_cpu_pa_bits(id)));
	put(c, o, "bbml2_noabort", json_boolean(out->bbml2_noabort));
	put(c, o, "bbml3", json_boolean(out->bbml3));
	if (mb_strategy_asks_bbml(st)) {
		/* the answer this strategy's kernel asks for: 7.3's BBML3
		 * for v7.2, 6.18's BBML2_NOABORT for the others */
		int cpu = st == MB_STRAT_v7_2 ? out->bbml3 : out->bbml2_noabort;

		put(c, o, "bbml2_forced", json_boolean(opts->force_bbml2 &&
						       !cpu));
	}
	if (st == MB_STRAT_v6_18 || st == MB_STRAT_v7_2)
		put(c, o, "block_path", json_boolean(out->block_path));
}

static void put_memuse(struct jctx *c, json_t *o, const struct mb_memuse *m)
{
	put_u64(c, o, "rss_kb", m->rss_kb);
	put_u64(c, o, "anon_huge_kb", m->anon_huge_kb);
	put_u64(c, o, "hugetlb_kb", m->hugetlb_kb);
}

/* What the host backed guest RAM with, and the peak RSS. */
static void put_memory(struct jctx *c, json_t *root,
		       const struct mb_run_opts *opts,
		       const struct mb_outcome *out)
{
	json_t *o, *a;
	char buf[32];

	if (!out->have_mem)
		return;
	o = sub(c, root, "memory");
	if (!o)
		return;
	put_str(c, o, "backing", mb_backing_name(opts, buf, sizeof(buf)));
	put_u64(c, o, "page_size", out->backing_page);
	put_memuse(c, o, &out->mem_total);
	if (out->have_record)
		put_u64(c, o, "table_bytes",
			out->rec.alloc_pages << (out->rec.page_shift ?
						 out->rec.page_shift : 12));
	put_u64(c, o, "vm_hwm_kb", out->vm_hwm_kb);
	put(c, o, "vm_hwm_reset", json_boolean(out->hwm_reset));
	a = json_array();
	if (!a) {
		fail(c, MB_EXIT_VMM, NOMEM);
		return;
	}
	put(c, o, "banks", a);
	for (unsigned int i = 0; i < opts->params.nr_banks &&
	     i < MB_MAX_BANKS; i++) {
		json_t *b = json_object();

		if (!b || json_array_append_new(a, b)) {
			fail(c, MB_EXIT_VMM, NOMEM);
			return;
		}
		put_memuse(c, b, &out->mem[i]);
	}
}

static void put_prefault(struct jctx *c, json_t *root,
			 const struct mb_run_opts *opts,
			 const struct mb_outcome *out)
{
	json_t *o = sub(c, root, "prefault"), *a;

	if (!o)
		return;
	put_str(c, o, "mode", mb_prefault_name(opts->prefault));
	if (opts->prefault != MB_PREFAULT_HOST)
		return;
	put_u64(c, o, "bytes", out->pf_bytes);
	put(c, o, "threads", json_integer(out->pf_threads));
	put(c, o, "s", json_real(out->pf_s));
	a = json_array();
	if (!a) {
		fail(c, MB_EXIT_VMM, NOMEM);
		return;
	}
	put(c, o, "ranges", a);
	for (unsigned int i = 0; i < out->pf_nr && i <= MB_MAX_BANKS; i++) {
		json_t *b = json_object();

		if (!b || json_array_append_new(a, b)) {
			fail(c, MB_EXIT_VMM, NOMEM);
			return;
		}
		put_hex(c, b, "base", out->pf_ranges[i].base);
		put_u64(c, b, "size", out->pf_ranges[i].size);
	}
}

/* Deltas (counters) or final values (instant, peak), by name. */
static void put_kstats(struct jctx *c, json_t *o, const char *key,
		       const struct mb_kstats *k)
{
	json_t *s = sub(c, o, key);

	for (unsigned int i = 0; s && i < k->nr && i < MB_KSTAT_MAX; i++)
		put_u64(c, s, k->s[i].name, k->s[i].value);
}

static void put_kvm(struct jctx *c, json_t *root,
		    const struct mb_run_opts *opts, const struct mb_outcome *out)
{
	json_t *o = sub(c, root, "kvm"), *s;

	if (!o)
		return;
	put(c, o, "ipa_bits", json_integer(out->ipa_bits));
	put(c, o, "ipa_limit", json_integer(out->ipa_limit));
	if (opts->pmu && out->pmu_irqchip)
		put_str(c, o, "pmu_irqchip", out->pmu_irqchip);
	if (opts->pmu && out->pmu_name[0])
		put_str(c, o, "pmu_host", out->pmu_name);
	if (opts->window_exits) {
		json_t *w = sub(c, o, "window_exits");

		if (w && out->have_wx) {
			put_u64(c, w, "min", out->wx_min);
			put_u64(c, w, "max", out->wx_max);
		} else if (w) {
			put(c, w, "min", json_null());
			put(c, w, "max", json_null());
		}
		if (w) {
			put(c, w, "samples", json_integer(out->wx_samples));
			put_u64(c, w, "offset_slack_ticks", out->wx_slack);
		}
	}
	if (!out->have_kstats) {
		put(c, o, "stats", json_null());
		return;
	}
	s = sub(c, o, "stats");
	if (!s)
		return;
	put_kstats(c, s, "vm", &out->kvm_vm);
	put_kstats(c, s, "vcpu", &out->kvm_vcpu);
}

/*
 * Host time outside the guest: process (or previous run's) end to the
 * first KVM_RUN, and the last exit to VM and RAM gone.  Writing the JSON
 * comes after every run and cannot time itself: -v prints it.
 */
static void put_overhead(struct jctx *c, json_t *root,
			 const struct mb_outcome *out)
{
	json_t *o;

	if (!out->t_entry || !out->t_done)
		return;
	o = sub(c, root, "overhead");
	if (!o)
		return;
	put(c, o, "setup_s", json_real(out->t_entry - out->t_start));
	put(c, o, "guest_s", json_real(out->t_exit - out->t_entry));
	put(c, o, "teardown_s", json_real(out->t_done - out->t_exit));
	put(c, o, "outside_s", json_real(out->t_entry - out->t_start +
					 out->t_done - out->t_exit));
}

static json_t *build(const struct mb_run_opts *opts,
		     const struct mb_outcome *out, unsigned int idx,
		     unsigned int n, struct jctx *c)
{
	const struct mb_params *p = &opts->params;
	const struct mb_result *r = &out->rec;
	bool tcg = opts->accel == MB_ACCEL_TCG;
	json_t *root = json_object(), *o, *banks;
	uint64_t total = 0;

	if (!root) {
		fail(c, MB_EXIT_VMM, NOMEM);
		return NULL;
	}
	put_str(c, root, "mapbench_version", MB_VERSION);
	put(c, root, "schema", json_integer(SCHEMA_VERSION));
	put_str(c, root, "strategy", mb_strategy_name(p->strategy));
	put_str(c, root, "rodata", mb_rodata_name(p->rodata));
	put_str(c, root, "accel", tcg ? "tcg" : "kvm");
	put(c, root, "emulated", json_boolean(tcg));
	put(c, root, "deterministic", json_boolean(opts->deterministic));
	put_str(c, root, "accel_desc", out->accel_desc);
	put_str(c, root, "git_rev", MB_GIT_REV);
	put_options(c, root, opts, idx, n);
	put_kimage(c, root, opts);

	o = sub(c, root, "ram");
	banks = json_array();
	if (o && banks) {
		for (unsigned int i = 0; i < p->nr_banks && i < MB_MAX_BANKS;
		     i++) {
			json_t *b = json_object();
			char h[32];

			if (!b || json_array_append_new(banks, b)) {
				fail(c, MB_EXIT_VMM, NOMEM);
				break;
			}
			mb_format_size(p->banks[i].size, h, sizeof(h));
			put_hex(c, b, "base", p->banks[i].base);
			put_u64(c, b, "size", p->banks[i].size);
			put_str(c, b, "size_h", h);
			total += p->banks[i].size;
		}
		put(c, o, "banks", banks);
		put_u64(c, o, "total", total);
	} else {
		json_decref(banks);
	}

	put_str(c, root, "status", out->have_record ?
		mb_status_name(r->status) : "no-record");
	if (out->have_record) {
		if (r->status != MB_ST_OK)
			put_u64(c, root, "status_detail", r->detail);
		put_record(c, root, r, !opts->deterministic);
	}
	if (out->err[0])
		put_str(c, root, "error", out->err);
	put_host(c, root, out);
	put_cpu_features(c, root, opts, out);
	if (!tcg)
		put_kvm(c, root, opts, out);
	put_memory(c, root, opts, out);
	put_prefault(c, root, opts, out);
	put_overhead(c, root, out);
	put(c, root, "wall_s", json_real(out->wall_s));

	if (c->code) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* ---- writing --------------------------------------------------------- */

/* n records, one compact JSON object a line; NULL: c says why. */
static char *build_lines(const struct mb_run_opts *opts,
			 const struct mb_outcome *outs, unsigned int n,
			 struct jctx *c)
{
	struct mb_buf text = { 0 };

	for (unsigned int i = 0; i < n; i++) {
		json_t *root = build(opts, &outs[i], i, n, c);
		char *line;

		if (!root) {
			mb_buf_free(&text);
			return NULL;
		}
		line = json_dumps(root, JSON_COMPACT |
				  JSON_REAL_PRECISION(12));
		json_decref(root);
		if (line)
			mb_bprintf(&text, "%s\n", line);
		free(line);
		if (!line || text.oom) {
			mb_buf_free(&text);
			fail(c, MB_EXIT_VMM, NOMEM);
			return NULL;
		}
	}
	return text.p;
}

int mb_report_json(const char *path, const struct mb_run_opts *opts,
		   const struct mb_outcome *out, char *err, size_t errlen)
{
	return mb_report_jsonl(path, opts, out, 1, err, errlen);
}

int mb_report_jsonl(const char *path, const struct mb_run_opts *opts,
		    const struct mb_outcome *outs, unsigned int n,
		    char *err, size_t errlen)
{
	struct jctx c = { .err = err, .errlen = errlen };
	char *text;
	int ret;

	text = build_lines(opts, outs, n, &c);
	if (!text)
		return c.code;
	ret = mb_write_atomic(path, text, strlen(text), err, errlen);
	free(text);
	return ret;
}

/* ---- the one-line summary -------------------------------------------- */

void mb_report_line(FILE *f, const struct mb_run_opts *opts,
		    const struct mb_outcome *out)
{
	const struct mb_params *p = &opts->params;
	const struct mb_result *r = &out->rec;
	const struct mb_counts *n = &r->counts;
	uint64_t total = 0, ticks;
	char size[32];

	for (unsigned int i = 0; i < p->nr_banks && i < MB_MAX_BANKS; i++)
		total += p->banks[i].size;
	mb_format_size(total, size, sizeof(size));
	fprintf(f, "%s rodata=%s %s", mb_strategy_name(p->strategy),
		mb_rodata_name(p->rodata), size);
	if (p->page_shift && (p->page_shift != 12 || p->va_bits != 48))
		fprintf(f, " %s/%u", mb_granule_name(p->page_shift),
			p->va_bits);
	fprintf(f, " [%s%s]: ",
		opts->accel == MB_ACCEL_KVM ? "kvm" : opts->deterministic ?
		"tcg, EMULATED, deterministic" : "tcg, EMULATED",
		opts->force_bbml2 ? ", BBML2 FORCED" :
		out->block_path ? ", block path (the CPU's BBML)" : "");
	if (!out->have_record) {
		fprintf(f, "no result: %s\n", out->err[0] ? out->err :
			"unknown error");
		return;
	}
	if (r->status != MB_ST_OK && r->status != MB_ST_VERIFY_FAILED) {
		fprintf(f, "status %s (detail %u)\n",
			mb_status_name(r->status), r->detail);
		return;
	}
	ticks = r->t_end - r->t_start;
	if (r->cntfrq)
		fprintf(f, "%.3f ms (%" PRIu64 " ticks @ %g MHz), ",
			(double)ticks * 1e3 / r->cntfrq, ticks,
			r->cntfrq / 1e6);
	else
		fprintf(f, "? ms (%" PRIu64 " ticks, no CNTFRQ), ", ticks);
	fprintf(f, "tlbi %" PRIu64 ", dsb ishst %" PRIu64 ", isb %" PRIu64
		", tables %" PRIu64 ", ",
		n->tlbi_vaale1is + n->tlbi_vmalle1is + n->tlbi_vmalle1,
		n->dsb_ishst, n->isb,
		mb_counted_tables(n));
	if (r->verify.errors || r->status == MB_ST_VERIFY_FAILED)
		fprintf(f, "verify FAILED (%" PRIu64 " errors, first bad va 0x%"
			PRIx64 ")\n", r->verify.errors,
			r->verify.first_bad_va);
	else
		fprintf(f, "verify ok\n");
}
