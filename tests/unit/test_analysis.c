// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the analysis side: the statistics against answers numpy
 * and scipy computed (tests/fixtures/stats.json, made by gen_stats.py),
 * matrix config parsing (points, keys, order) and every config error
 * with its exact message, and the result-file reader's errors.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "config.h"

#define FIXTURE	"tests/fixtures/stats.json"

#include "tap.h"

/* Relative 1e-9: numpy interpolates in another order than we do. */
static bool close_to(double got, double want)
{
	double tol = 1e-9 * (fabs(want) > 1 ? fabs(want) : 1);

	return fabs(got - want) <= tol;
}

static size_t doubles(json_t *arr, double *out, size_t max)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (n < max)
			out[n++] = json_number_value(v);
	return n;
}

static void test_summaries(json_t *fx)
{
	static const char *const keys[] = {
		"median", "min", "max", "p90", "mad", "mean", "sd", "cv",
		"ci_lo", "ci_hi",
	};
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(fx, "summary"), i, c) {
		double x[64], got[10];
		size_t n = doubles(json_object_get(c, "x"), x, 64);
		struct mb_stats st;
		char name[96];

		CHECK(!mb_stats_compute(x, n, &st), "stats computed");
		got[0] = st.median;
		got[1] = st.min;
		got[2] = st.max;
		got[3] = st.p90;
		got[4] = st.mad;
		got[5] = st.mean;
		got[6] = st.sd;
		got[7] = st.cv;
		got[8] = st.ci_lo;
		got[9] = st.ci_hi;
		for (size_t k = 0; k < 10; k++) {
			double want = json_number_value(json_object_get(c,
								keys[k]));

			snprintf(name, sizeof(name), "sample %zu (n=%zu): %s "
				 "%.12g == %.12g", i, n, keys[k], got[k], want);
			CHECK(close_to(got[k], want), name);
		}
	}
}

static void test_mannwhitney(json_t *fx)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(fx, "mannwhitney"), i, c) {
		double x[128], y[128];
		size_t nx = doubles(json_object_get(c, "x"), x, 128);
		size_t ny = doubles(json_object_get(c, "y"), y, 128);
		double u = json_number_value(json_object_get(c, "u"));
		double p = json_number_value(json_object_get(c, "p"));
		bool exact = json_is_true(json_object_get(c, "exact"));
		struct mb_mwu r;
		char name[128];

		CHECK(!mb_mannwhitney(x, nx, y, ny, &r), "mwu computed");
		snprintf(name, sizeof(name), "mwu %zu (%zu vs %zu, %s): U %g "
			 "== %g, p %.12g == %.12g", i, nx, ny,
			 exact ? "exact" : "normal", r.u, u, r.p, p);
		CHECK(r.exact == exact && r.u == u && close_to(r.p, p), name);
	}
}

static void test_stats_edges(void)
{
	double one = 5, lo, hi, x[4] = { 1, 2, 3, 4 };
	struct mb_mwu r;
	uint64_t s1 = 42, s2 = 42;

	CHECK(mb_bootstrap_ci(&one, 1, 100, 1, 0.95, &lo, &hi) == 0 &&
	      lo == 5 && hi == 5, "bootstrap of one value is that value");
	CHECK(mb_bootstrap_ci(x, 0, 100, 1, 0.95, &lo, &hi) < 0,
	      "bootstrap of nothing fails");
	CHECK(mb_mannwhitney(x, 0, x, 4, &r) < 0, "mwu of an empty side fails");
	CHECK(mb_rng_next(&s1) == 0xbdd732262feb6e95ULL &&
	      mb_rng_next(&s2) == 0xbdd732262feb6e95ULL,
	      "splitmix64: the first value for seed 42, twice");
	CHECK(mb_quantile(x, 4, 0.9) == 3.7 || close_to(mb_quantile(x, 4, 0.9),
							3.7),
	      "p90 of 1..4 is 3.7 (linear interpolation)");
}

/* ---- configs --------------------------------------------------------- */

static int parse(const char *text, struct mb_matrix_cfg *cfg,
		 struct mb_point **pts, size_t *n, char *err, size_t len)
{
	*pts = NULL;
	if (mb_config_parse_text("t.conf", text, cfg, err, len))
		return -1;
	*pts = mb_config_points(cfg, n, err, len);
	return *pts ? 0 : -1;
}

static void good(const char *name, const char *text, const char *keys,
		 unsigned int repeat, unsigned int warmup)
{
	struct mb_matrix_cfg cfg;
	struct mb_point *pts;
	char err[256], all[4096] = "", msg[4400];
	size_t n = 0, len = 0;
	bool ok;

	ok = !parse(text, &cfg, &pts, &n, err, sizeof(err));
	for (size_t i = 0; ok && i < n; i++)
		len += snprintf(all + len, sizeof(all) - len, "%s%s",
				i ? "|" : "", pts[i].key);
	snprintf(msg, sizeof(msg), "config %s: points %s", name,
		 ok ? all : err);
	CHECK(ok && !strcmp(all, keys), msg);
	if (ok) {
		snprintf(msg, sizeof(msg), "config %s: repeat %u warmup %u",
			 name, pts[n - 1].sec->repeat, pts[n - 1].sec->warmup);
		CHECK(pts[n - 1].sec->repeat == repeat &&
		      pts[n - 1].sec->warmup == warmup, msg);
	} else {
		printf("#   want %s\n", keys);
	}
	free(pts);
	mb_config_free(&cfg);
}

static void bad(const char *text, const char *want)
{
	struct mb_matrix_cfg cfg;
	struct mb_point *pts;
	char err[256] = "", msg[512];
	size_t n;

	parse(text, &cfg, &pts, &n, err, sizeof(err));
	snprintf(msg, sizeof(msg), "bad config -> \"%s\"", err);
	CHECK(!pts && !strcmp(err, want), msg);
	if (pts || strcmp(err, want))
		printf("#   want \"%s\"\n", want);
	free(pts);
	mb_config_free(&cfg);
}

static void test_configs(void)
{
	struct mb_matrix_cfg cfg;
	struct mb_point *pts;
	char err[256];
	size_t n;

	good("no sections", "strategy = base v6.10\nmem = 1G 4G\n",
	     "strategy=base mem=1G rodata=full|"
	     "strategy=v6.10 mem=1G rodata=full|"
	     "strategy=base mem=4G rodata=full|"
	     "strategy=v6.10 mem=4G rodata=full", 1, 0);
	good("defaults and sections",
	     "# defaults\nrepeat = 3\nwarmup = 1\n\n[a]\nmem = 1G\n"
	     "[b]  # a comment\nstrategy = lazy-unmap\nmem = 2G\n"
	     "rodata = on off\nrepeat = 5\n",
	     "strategy=base mem=1G rodata=full|"
	     "strategy=lazy-unmap mem=2G rodata=on|"
	     "strategy=lazy-unmap mem=2G rodata=off", 5, 1);
	good("continuation lines and CRLF",
	     "strategy = base\r\n  no-cont-remap  # more\r\n\tv6.10\r\n"
	     "mem = 64M\r\n",
	     "strategy=base mem=64M rodata=full|"
	     "strategy=no-cont-remap mem=64M rodata=full|"
	     "strategy=v6.10 mem=64M rodata=full", 1, 0);
	good("extra axes, accel, deterministic",
	     "mem = 1G\nbacking = anon thp\nprefault = none guest\n"
	     "accel = tcg\ndeterministic = yes\n",
	     "strategy=base mem=1G rodata=full backing=anon prefault=none "
	     "accel=tcg deterministic|"
	     "strategy=base mem=1G rodata=full backing=thp prefault=none "
	     "accel=tcg deterministic|"
	     "strategy=base mem=1G rodata=full backing=anon "
	     "prefault=guest accel=tcg deterministic|"
	     "strategy=base mem=1G rodata=full backing=thp prefault=guest "
	     "accel=tcg deterministic", 1, 0);
	good("granule and va_bits axes, spelled as the record does",
	     "mem = 16G\ngranule = 16k 64K\nva_bits = 48 52\n",
	     "strategy=base mem=16G rodata=full granule=16K va_bits=48|"
	     "strategy=base mem=16G rodata=full granule=64K va_bits=48|"
	     "strategy=base mem=16G rodata=full granule=16K va_bits=52|"
	     "strategy=base mem=16G rodata=full granule=64K va_bits=52", 1, 0);
	good("force_bbml2: bbml2-* points only",
	     "mem = 1G\nstrategy = base bbml2-blocks bbml2-repaint\n"
	     "force_bbml2 = yes\n",
	     "strategy=base mem=1G rodata=full|"
	     "strategy=bbml2-blocks mem=1G rodata=full force_bbml2|"
	     "strategy=bbml2-repaint mem=1G rodata=full force_bbml2", 1, 0);
	good("sizes as written", "mem = 1T 1536M 512G\n",
	     "strategy=base mem=1T rodata=full|"
	     "strategy=base mem=1536M rodata=full|"
	     "strategy=base mem=512G rodata=full", 1, 0);

	/* strategy = all is every strategy, in mapbench list's order */
	CHECK(!parse("strategy = all\nrodata = all\nmem = 1G\n", &cfg, &pts,
		     &n, err, sizeof(err)) &&
	      n == (size_t)MB_NR_STRATEGIES * MB_NR_RODATA &&
	      pts[0].strategy == 0 && pts[1].strategy == 1 &&
	      pts[MB_NR_STRATEGIES].rodata == pts[0].rodata + 1,
	      "strategy = all, rodata = all: the full product in order");
	CHECK(!strcmp(cfg.sec[0].name, "t"),
	      "a config without sections is one matrix named after the file");
	free(pts);
	mb_config_free(&cfg);

	bad("strateg = base\nmem = 1G\n",
	    "t.conf:1: unknown key 'strateg' (did you mean 'strategy'?)");
	bad("mem = 1G\nfoo = 1\n",
	    "t.conf:2: unknown key 'foo' (keys: strategy mem rodata repeat "
	    "warmup timeout accel deterministic force_bbml2 backing "
	    "prefault layout cpu granule va_bits)");
	bad("mem = 1G\ngranule = 8K\n",
	    "t.conf:2: granule '8K' is not 4K, 16K or 64K");
	bad("mem = 1G\ngranule = 4K 4k\n", "t.conf:2: granule '4K' given twice");
	bad("mem = 1G\nva_bits = 53\n",
	    "t.conf:2: 'va_bits' must be a whole number 36..52, not '53'");
	bad("mem = 1G\ngranule = 4K 16K\nva_bits = 47\n",
	    "t.conf: granule 4K with va_bits 47: the kernel offers 39, 48 "
	    "or 52 (a section per granule)");
	bad("[g]\nmem = 1G\nva_bits = 42\n",
	    "t.conf:1: [g]: granule 4K with va_bits 42: the kernel offers 39, "
	    "48 or 52 (a section per granule)");
	bad("mem = 1G\nforce_bbml2 = sure\n",
	    "t.conf:2: 'force_bbml2' must be yes or no, not 'sure'");
	bad("mem = 1G\nstrategy = nope\n",
	    "t.conf:2: unknown strategy 'nope' (mapbench list shows them)");
	bad("mem = 12Q\n", "t.conf:1: '12Q' is not a size (e.g. 1G, 512M, 1T)");
	bad("mem = 32M\n", "t.conf:1: mem '32M' is outside 64M..256T or not a "
	    "multiple of 4K");
	bad("mem = 1G 1G\n", "t.conf:1: mem '1G' given twice");
	bad("mem = 1G\nrepeat = 0\n",
	    "t.conf:2: 'repeat' must be a whole number 1..1000, not '0'");
	bad("mem = 1G\nrepeat = 3 4\n", "t.conf:2: 'repeat' takes one value, "
	    "not 2");
	bad("mem = 1G\nrepeat = 3\n  4\n", "t.conf:3: 'repeat' takes one "
	    "value: it cannot continue on the next line");
	bad("mem = 1G\nwarmup = -1\n",
	    "t.conf:2: 'warmup' must be a whole number 0..100, not '-1'");
	bad("mem = 1G\ntimeout = 10s\n",
	    "t.conf:2: 'timeout' must be a whole number 1..86400, not '10s'");
	bad("mem = 1G\nmem = 2G\n", "t.conf:2: 'mem' given twice");
	bad("mem =\n", "t.conf:1: 'mem' has no value");
	bad("[a]\nmem = 1G\n[a]\nmem = 2G\n",
	    "t.conf:3: section [a] given twice (first at line 1)");
	bad("[a]\nstrategy = base\n", "t.conf:1: [a]: no 'mem' sizes given");
	bad("strategy = base\n", "t.conf: no 'mem' sizes given");
	bad("mem 1G\n", "t.conf:1: expected 'key = values' or '[section]'");
	bad("  1G\n", "t.conf:1: indented line continues no key");
	bad("[a b]\nmem = 1G\n", "t.conf:1: section name 'a b' is not 1..47 "
	    "of [A-Za-z0-9_.-]");
	bad("[a] x\n", "t.conf:1: a section header is '[name]' alone on its "
	    "line");
	bad("strategy = base all\nmem = 1G\n",
	    "t.conf:1: 'all' must be the only strategy");
	bad("mem = 1G\nrodata = half\n",
	    "t.conf:2: rodata 'half' is not full, on, off or all");
	bad("mem = 1G\naccel = hvf\n",
	    "t.conf:2: accel 'hvf' is not auto, kvm or tcg");
	bad("mem = 1G\ndeterministic = maybe\n",
	    "t.conf:2: 'deterministic' must be yes or no, not 'maybe'");
	bad("mem = 1G\naccel = kvm\ndeterministic = yes\n",
	    "t.conf: deterministic needs accel tcg (QEMU icount), not kvm");
	bad("mem = 1G\nbacking = THP\n", "t.conf:2: backing value 'THP' is "
	    "not a short word of [a-z0-9:._-]");
	bad("[a]\nmem = 1G\n[b]\nmem = 1G 2G\n", "t.conf:3: [b] repeats the "
	    "point 'strategy=base mem=1G rodata=full' of [a]");
	bad("mem = 1G\x01\n", "t.conf:1: control character in line");
}

/* ---- result files ---------------------------------------------------- */

static void load_bad(const char *name, const char *text, const char *want)
{
	char path[64], err[512] = "", msg[700], expect[512];
	struct mb_runset set = { 0 };
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "/tmp/mb-ta-%d.jsonl", (int)getpid());
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		CHECK(0, "write a temp file");
		return;
	}
	r = mb_runs_load(&set, path, err, sizeof(err));
	snprintf(expect, sizeof(expect), "%s%s", path, want);
	snprintf(msg, sizeof(msg), "results %s -> \"%s\"", name, err);
	CHECK(r < 0 && !strcmp(err, expect), msg);
	if (r >= 0 || strcmp(err, expect))
		printf("#   want \"%s\"\n", expect);
	mb_runs_free(&set);
	unlink(path);
}

#define REC(extra) "{\"strategy\":\"base\",\"rodata\":\"full\"," \
	"\"accel\":\"kvm\",\"status\":\"ok\",\"ram\":{\"total\":1073741824}," \
	"\"timing\":{\"ticks\":2500,\"cntfrq\":25000000}" extra "}\n"

static void test_results(void)
{
	char path[64], err[256];
	struct mb_runset set = { 0 };
	FILE *f;

	load_bad("empty", "", ": no records");
	load_bad("not JSON", REC("") "{oops\n", ":2: not JSON: string or "
		 "'}' expected near 'oops'");
	load_bad("cut last line", REC("") REC("") "{\"strategy\":\"ba",
		 ":3: incomplete last line (an interrupted write?)");
	load_bad("no strategy", "{\"rodata\":\"full\"}\n",
		 ":1: record has no 'strategy'");
	load_bad("bad type", REC(",\"deterministic\":\"yes\""),
		 ":1: 'deterministic' is not true or false");
	load_bad("no timing", "{\"strategy\":\"base\",\"rodata\":\"full\","
		 "\"accel\":\"kvm\",\"status\":\"ok\",\"ram\":{\"total\":1}}\n",
		 ":1: ok record has no 'timing'");
	load_bad("negative ticks", "{\"strategy\":\"base\",\"rodata\":\"full\","
		 "\"accel\":\"kvm\",\"status\":\"ok\",\"ram\":{\"total\":1},"
		 "\"timing\":{\"ticks\":-1,\"cntfrq\":5}}\n",
		 ":1: 'ticks' is not a non-negative integer");
	load_bad("bad outcome", REC(",\"matrix\":{\"outcome\":\"meh\"}"),
		 ":1: 'matrix.outcome' is not ok, failed or skipped");
	load_bad("pretty, broken at line 3", "{\n \"strategy\": \"base\",\n"
		 " \"rodata\": ,\n}\n", ":3: not JSON: unexpected token near "
		 "','");

	/* unknown fields are ignored; ms = ticks / cntfrq */
	snprintf(path, sizeof(path), "/tmp/mb-ta-%d.jsonl", (int)getpid());
	f = fopen(path, "w");
	if (f) {
		fputs(REC(",\"future\":{\"x\":[1,2]},\"iter_ticks\":[1,2]")
		      "\n" REC(",\"matrix\":{\"host\":\"h\",\"warmup\":true}"),
		      f);
		fclose(f);
	}
	CHECK(!mb_runs_load(&set, path, err, sizeof(err)) && set.n == 2 &&
	      set.v[0].ms == 0.1 && set.v[0].line == 1 &&
	      !strcmp(set.v[0].host, "unknown-host") &&
	      !strcmp(set.v[1].host, "h") && set.v[1].warmup &&
	      set.v[1].line == 3, "records with unknown fields load; blank "
	      "lines are skipped");
	mb_runs_free(&set);

	/* run options: defaults left out, layout to the column, KFENCE in */
	f = fopen(path, "w");
	if (f) {
		fputs(REC(",\"options\":{\"layout\":\"altra-2s\","
			  "\"backing\":\"thp\",\"prefault\":\"none\","
			  "\"pmu\":false,\"cpu\":null,\"iterations\":1}")
		      REC(",\"options\":{\"layout\":\"mem\",\"pmu\":true,"
			  "\"cpu\":3},\"layout\":{\"kfence_size\":2097152},"
			  "\"matrix\":{\"axes\":{\"backing\":\"anon\","
			  "\"prefault\":\"guest\"}}"), f);
		fclose(f);
	}
	CHECK(!mb_runs_load(&set, path, err, sizeof(err)) && set.n == 2 &&
	      !strcmp(set.v[0].layout, "altra-2s") &&
	      !strcmp(set.v[0].opts, "backing=thp") && !set.v[1].layout[0] &&
	      !strcmp(set.v[1].opts, "cpu=3 kfence=2M pmu=yes prefault=guest"),
	      "run options: non-defaults sorted, the layout apart");
	mb_runs_free(&set);
	unlink(path);
	load_bad("a granule that is none",
		 REC(",\"page_shift\":13"),
		 ":1: 'page_shift' 13 is not 12, 14 or 16");
	load_bad("axes against options",
		 REC(",\"options\":{\"backing\":\"thp\"},\"matrix\":"
		     "{\"axes\":{\"backing\":\"anon\"}}"),
		 ":1: option 'backing' is 'thp' in one place and 'anon' in "
		 "another");
}

/*
 * The account on batch-barriers' counts at 1G: each counted op charged
 * to exactly one unit (the lazy flush's clears are not fixmap pairs),
 * every unit priced, integer picoticks, the classes' shares rounded.
 */
static void test_explain(void)
{
	static const uint64_t unit_want[MB_NR_UNITS] = {
		[MB_UNIT_fixmap_pair] = 6, [MB_UNIT_dsb_ishst_isb] = 1557,
		[MB_UNIT_dsb_ishst] = 507, [MB_UNIT_tlbi] = 505,
		[MB_UNIT_dsb_ish] = 33, [MB_UNIT_zero_page] = 507,
		[MB_UNIT_pgtable_alloc] = 507,
	};
	static const int pm_want[MB_NR_XCLASS] = {
		[MB_XC_ptes] = 646, [MB_XC_walk] = 169, [MB_XC_tables] = 127,
		[MB_XC_barriers] = 4, [MB_XC_tlb] = 4,
	};
	struct mb_run r = { .file = "t", .line = 1, .ticks = 200000,
			    .cntfrq = 1000000000, .have_counts = true,
			    .have_cal = true, .floor_ticks = 1000 };
	struct mb_explain x;
	char err[256];
	bool same = true;

	r.counts[MB_CTR_tlbi_vaale1is] = 511;
	r.counts[MB_CTR_dsb_ishst] = 2076;
	r.counts[MB_CTR_dsb_ish] = 39;
	r.counts[MB_CTR_isb] = 1569;
	r.counts[MB_CTR_fixmap_map] = 511;
	r.counts[MB_CTR_fixmap_unmap] = 511;
	r.counts[MB_CTR_tables_l1] = 1;
	r.counts[MB_CTR_tables_l2] = 1;
	r.counts[MB_CTR_tables_l3] = 505;
	r.counts[MB_CTR_bytes_zeroed] = 2076672;
	r.counts[MB_CTR_leaf_stores] = 258567;
	r.counts[MB_CTR_table_stores] = 507;
	r.counts[MB_CTR_ptes] = 258560;
	r.counts[MB_CTR_windows] = 16160;
	r.counts[MB_CTR_pmds] = 505;
	r.counts[MB_CTR_walks] = 3;
	r.counts[MB_CTR_lazy_flushes] = 32;
	r.counts[MB_CTR_lazy_clears] = 505;
	r.counts[MB_CTR_allocs] = 507;
	r.unit_pt[MB_UNIT_fixmap_pair] = 5000000;
	r.unit_pt[MB_UNIT_dsb_ishst_isb] = 400000;
	r.unit_pt[MB_UNIT_dsb_ishst] = 250000;
	r.unit_pt[MB_UNIT_isb] = 250000;
	r.unit_pt[MB_UNIT_tlbi] = 100000;
	r.unit_pt[MB_UNIT_dsb_ish] = 300000;
	r.unit_pt[MB_UNIT_zero_page] = 16000000;
	r.unit_pt[MB_UNIT_pgtable_alloc] = 30000000;
	r.code_pt[MB_CODE_ptes] = 500000;
	r.code_pt[MB_CODE_windows] = 2000000;
	r.code_pt[MB_CODE_pmds] = 3000000;
	r.code_pt[MB_CODE_tables] = 4000000;
	r.code_pt[MB_CODE_walks] = 5000000;
	r.code_pt[MB_CODE_lazy_flushes] = 6000000;
	r.code_pt[MB_CODE_lazy_clears] = 1000000;
	r.code_pt[MB_CODE_map_mem] = 7000000;
	CHECK(!mb_explain_run(&r, &r, &x, err, sizeof(err)),
	      "explain: batch-barriers' counts decompose");
	for (unsigned int u = 0; u < MB_NR_UNITS; u++)
		same &= x.ch.unit[u] == unit_want[u];
	CHECK(same, "explain: ops per direct unit exact (6 fixmap pairs: "
	      "the 505 lazy clears are not __set_fixmap() calls)");
	same = x.ch.code[MB_CODE_ptes] == 258560 &&
	       x.ch.code[MB_CODE_tables] == 507 &&
	       x.ch.code[MB_CODE_map_mem] == 1 && x.ch.unpriced == 0;
	for (unsigned int c = 0; c < MB_NR_XCLASS; c++)
		same &= x.share_pm[c] == pm_want[c];
	CHECK(same, "explain: code events, classes' shares (0.1%) exact, "
	      "nothing unpriced");
	CHECK(x.predicted_pt == 190023950000LL &&
	      x.residual_pt == 9976050000LL &&
	      x.residual_pm == 50,
	      "explain: predicted and residual exact, in picoticks");
	/* 16K: the zero_page unit zeroes one 16K page */
	r.page_shift = 14;
	CHECK(!mb_explain_run(&r, &r, &x, err, sizeof(err)) &&
	      x.ch.unit[MB_UNIT_zero_page] == 2076672 / 16384,
	      "explain: at 16K, bytes zeroed / 16K pages");
	r.page_shift = 16;
	CHECK(!mb_explain_run(&r, &r, &x, err, sizeof(err)) &&
	      x.ch.unit[MB_UNIT_zero_page] == 2076672 / 65536,
	      "explain: at 64K, bytes zeroed / 64K pages");
	r.page_shift = 12;
	r.have_cal = false;
	CHECK(mb_explain_run(&r, &r, &x, err, sizeof(err)) &&
	      !strcmp(err, "t:1: record has no unit costs ('calibration': "
		      "run without --no-calibrate)"),
	      "explain: no unit costs, one line");
	r.old_cal = true;
	CHECK(mb_explain_run(&r, &r, &x, err, sizeof(err)) &&
	      strstr(err, "from before the account"),
	      "explain: a calibration from before ABI 9, one line");
	r.have_cal = true;
	r.code_pt[MB_CODE_ptes] = INT64_MAX / 1000;
	CHECK(mb_explain_run(&r, &r, &x, err, sizeof(err)) &&
	      strstr(err, "do not fit 64 bits"), "explain: overflow caught");
	r.code_pt[MB_CODE_ptes] = 500000;
	/* a matrix point's other runs: the calibrated run's prices */
	{
		struct mb_run o = r;

		o.have_cal = false;
		o.old_cal = false;
		o.ticks = r.ticks * 2;
		o.line = 2;
		for (unsigned int u = 0; u < MB_NR_UNITS; u++)
			o.unit_pt[u] = 0;
		CHECK(!mb_explain_run(&o, &r, &x, err, sizeof(err)) &&
		      x.predicted_pt == 190023950000LL &&
		      x.measured_pt == 2 * 200000000000ULL &&
		      x.floor_ticks == r.floor_ticks,
		      "explain: a run priced by its point's calibrated run");
		CHECK(mb_explain_run(&o, &o, &x, err, sizeof(err)) &&
		      !strcmp(err, "t:2: record has no unit costs "
			      "('calibration': run without --no-calibrate)"),
		      "explain: ... and not by its own missing prices");
		o.cntfrq = r.cntfrq + 1;
		CHECK(mb_explain_run(&o, &r, &x, err, sizeof(err)) &&
		      strstr(err, "its point's calibration (t:1)"),
		      "explain: prices from a counter of another rate refused");
	}
}

int main(void)
{
	json_error_t je;
	json_t *fx = json_load_file(FIXTURE, 0, &je);

	if (!fx) {
		printf("not ok - %s: %s (run from the source tree)\n", FIXTURE,
		       je.text);
		return 1;
	}
	test_summaries(fx);
	test_mannwhitney(fx);
	test_stats_edges();
	test_configs();
	test_results();
	test_explain();
	json_decref(fx);
	printf("test_analysis: %d passed, %d failed\n", nr_tests - nr_failed,
	       nr_failed);
	return nr_failed ? 1 : 0;
}
