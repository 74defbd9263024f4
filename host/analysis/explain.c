// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench explain: where a run's time goes.  The account
 * (../account.h): every event the counting pass counted charged to one
 * unit, priced as the same guest measured it (direct units) or its
 * probes priced it (code units), summed into classes and set against the
 * measured time and the floor, in integer picoticks.  The residual is
 * what the prices leave unexplained.  docs/ANALYSIS.md, "The account".
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"

const char *const mb_xclass_names[MB_NR_XCLASS] = {
#define MB_XC_NAME(name) #name,
	MB_XCLASS_LIST(MB_XC_NAME)
#undef MB_XC_NAME
};

enum mb_xclass mb_unit_class(unsigned int unit)
{
	switch (unit) {
	case MB_UNIT_fixmap_pair:
		return MB_XC_fixmap;
	case MB_UNIT_tlbi:
	case MB_UNIT_flush_local:
	case MB_UNIT_flush_all:
	case MB_UNIT_ttbr:
		return MB_XC_tlb;
	case MB_UNIT_zero_page:
	case MB_UNIT_pgtable_alloc:
	case MB_UNIT_free_scan:
		return MB_XC_tables;
	default:
		return MB_XC_barriers;
	}
}

enum mb_xclass mb_code_class(unsigned int code)
{
	switch (code) {
	case MB_CODE_ptes:
	case MB_CODE_ptes_live:
	case MB_CODE_ptes_fill:
	case MB_CODE_fills:
	case MB_CODE_blocks:
	case MB_CODE_pud_blocks:
		return MB_XC_ptes;
	case MB_CODE_tables:
	case MB_CODE_tables_freed:
		return MB_XC_tables;
	case MB_CODE_splits:
	case MB_CODE_split_scans:
	case MB_CODE_cont_clears:
		return MB_XC_split;
	case MB_CODE_lazy_flushes:
	case MB_CODE_lazy_clears:
		return MB_XC_tlb;
	case MB_CODE_tmp_ptes:
	case MB_CODE_tmp_windows:
	case MB_CODE_tmp_pmds:
	case MB_CODE_tmp_tables:
	case MB_CODE_tmp_blocks:
	case MB_CODE_tmp_walks:
	case MB_CODE_tmp_pgds:
	case MB_CODE_tmp_puds:
	case MB_CODE_tmp_cpmds:
	case MB_CODE_tmp_pud_blocks:
		return MB_XC_tmpmap;
	default:
		return MB_XC_walk;
	}
}

static int permille(int64_t part, uint64_t whole)
{
	double v = (double)part * 1000 / (double)whole;

	return (int)(v < 0 ? v - 0.5 : v + 0.5);
}

/*
 * A run's account: its counts charged to units (mb_account_charge()),
 * each priced as the guest of cal measured it (direct units) or its
 * probes priced it (code units), against r's measured time.  cal is r,
 * or the run of r's point that calibrated (a matrix calibrates once per
 * point).  Integer picoticks; the residual is what the prices leave
 * unexplained.
 */
int mb_explain_run(const struct mb_run *r, const struct mb_run *cal,
		   struct mb_explain *x, char *err, size_t errlen)
{
	int64_t sum = 0, t;

	memset(x, 0, sizeof(*x));
	if (!r->have_counts)
		return mb_errf(-1, err, errlen, "%s:%u: record has no 'counts'",
			       r->file, r->line);
	if (!cal->have_cal)
		return mb_errf(-1, err, errlen, cal->old_cal ?
			       "%s:%u: record's calibration is from before "
			       "the account (no 'calibration.code'): run it "
			       "again with this mapbench" :
			       "%s:%u: record has no unit costs "
			       "('calibration': run without --no-calibrate)",
			       cal->file, cal->line);
	if (cal->cntfrq != r->cntfrq)
		return mb_errf(-1, err, errlen, "%s:%u: record's counter runs "
			       "at %" PRIu64 " Hz, its point's calibration "
			       "(%s:%u) at %" PRIu64 " Hz", r->file, r->line,
			       r->cntfrq, cal->file, cal->line, cal->cntfrq);
	mb_account_charge(r->counts, r->page_shift, &x->ch);
	for (unsigned int u = 0; u < MB_NR_UNITS; u++) {
		if (x->ch.unit[u] > INT64_MAX || cal->unit_pt[u] > INT64_MAX ||
		    __builtin_mul_overflow((int64_t)x->ch.unit[u],
					   (int64_t)cal->unit_pt[u], &t) ||
		    __builtin_add_overflow(sum, t, &sum))
			goto overflow;
		x->unit_pt[u] = t;
		x->pt[mb_unit_class(u)] += t;
	}
	for (unsigned int c = 0; c < MB_NR_CODES; c++) {
		if (x->ch.code[c] > INT64_MAX ||
		    __builtin_mul_overflow((int64_t)x->ch.code[c],
					   cal->code_pt[c], &t) ||
		    __builtin_add_overflow(sum, t, &sum))
			goto overflow;
		x->code_pt[c] = t;
		x->pt[mb_code_class(c)] += t;
	}
	x->predicted_pt = sum;
	if (__builtin_mul_overflow(r->ticks, MB_CAL_PICO, &x->measured_pt) ||
	    x->measured_pt > INT64_MAX)
		goto overflow;
	if (!x->measured_pt)
		return mb_errf(-1, err, errlen,
			       "%s:%u: the measured time is zero ticks",
			       r->file, r->line);
	x->residual_pt = (int64_t)x->measured_pt - x->predicted_pt;
	x->floor_ticks = cal->floor_ticks;
	x->cntfrq = r->cntfrq;
	for (unsigned int c = 0; c < MB_NR_XCLASS; c++)
		x->share_pm[c] = permille(x->pt[c], x->measured_pt);
	x->residual_pm = permille(x->residual_pt, x->measured_pt);
	return 0;
overflow:
	return mb_errf(-1, err, errlen,
		       "%s:%u: counts x unit costs do not fit 64 bits",
		       r->file, r->line);
}

/* ---- the points: one per group, its median run ----------------------- */

static int cmp_ticks(const void *a, const void *b)
{
	const struct mb_run *x = *(const struct mb_run *const *)a;
	const struct mb_run *y = *(const struct mb_run *const *)b;

	return x->ticks < y->ticks ? -1 : x->ticks > y->ticks;
}

/*
 * The run of the group whose ticks are the (lower) median, with its own
 * counts; NULL if no run of it has counts.  *cal: the run whose prices
 * explain it -- itself if it calibrated, else the group's first measured
 * run that did (a matrix calibrates a point once), else itself.
 */
static const struct mb_run *median_run(const struct mb_runset *set,
				       const struct mb_group *g,
				       const struct mb_run **cal)
{
	const struct mb_run **v, *pick = NULL;
	size_t n = 0;

	*cal = NULL;
	v = calloc(set->n ? set->n : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < set->n; i++) {
		const struct mb_run *r = &set->v[i];

		if (r->outcome == MB_OUT_OK && !r->warmup && r->have_counts &&
		    mb_same_key(g->key, r, 0)) {
			v[n++] = r;
			if (!*cal && r->have_cal)
				*cal = r;
		}
	}
	if (n) {
		qsort(v, n, sizeof(*v), cmp_ticks);
		pick = v[(n - 1) / 2];
		if (pick->have_cal || !*cal)
			*cal = pick;
	}
	free(v);
	return pick;
}

static int cmp_point(const void *a, const void *b)
{
	const struct mb_xpoint *x = a, *y = b;
	int d;

	d = strcmp(x->run->host, y->run->host);
	if (!d)
		d = strcmp(x->run->rodata, y->run->rodata);
	if (!d)
		d = strcmp(x->run->accel, y->run->accel);
	if (!d)
		d = (int)x->run->deterministic - (int)y->run->deterministic;
	if (!d)
		d = strcmp(x->run->opts, y->run->opts);
	if (!d)
		d = mb_strategy_rank(x->run->strategy) -
		    mb_strategy_rank(y->run->strategy);
	if (!d)
		d = strcmp(x->run->strategy, y->run->strategy);
	if (!d)
		d = x->run->mem < y->run->mem ? -1 : x->run->mem > y->run->mem;
	if (!d)
		d = strcmp(x->run->layout, y->run->layout);
	return d;
}

int mb_explain_points(const struct mb_runset *set, const struct mb_groups *g,
		      bool need_cal, struct mb_xpoint **out, size_t *nout,
		      char *err, size_t errlen)
{
	struct mb_xpoint *p = calloc(g->n ? g->n : 1, sizeof(*p));
	size_t n = 0;

	if (!p)
		return mb_errf(-1, err, errlen, "out of memory");
	for (size_t i = 0; i < g->n; i++) {
		const struct mb_run *cal, *r = median_run(set, &g->v[i], &cal);

		if (!r)
			continue;
		if (!cal->have_cal && !need_cal)
			continue;
		if (mb_explain_run(r, cal, &p[n].x, err, errlen)) {
			if (!need_cal)
				continue;	/* report, plot: not this */
			free(p);
			return -1;
		}
		p[n].run = r;
		p[n].group = &g->v[i];
		n++;
	}
	if (!n && need_cal) {
		free(p);
		return mb_errf(-1, err, errlen,
			       "no ok run with op counts in the input");
	}
	qsort(p, n, sizeof(*p), cmp_point);
	*out = p;
	*nout = n;
	return 0;
}

/* ---- output ---------------------------------------------------------- */

static double pt_ms(int64_t pt, uint64_t cntfrq)
{
	return (double)pt / (double)MB_CAL_PICO * 1e3 / (double)cntfrq;
}

static void ms_text(double ms, char *buf, size_t len)
{
	if (ms < 0) {
		buf[0] = '-';
		mb_format_ms(-ms, buf + 1, len - 1);
	} else {
		mb_format_ms(ms, buf, len);
	}
}

static void pm_text(int pm, char *buf, size_t len)
{
	snprintf(buf, len, "%s%d.%d", pm < 0 ? "-" : "", abs(pm) / 10,
		 abs(pm) % 10);
}

static bool same_table(const struct mb_run *a, const struct mb_run *b)
{
	return !strcmp(a->host, b->host) && !strcmp(a->rodata, b->rodata) &&
	       !strcmp(a->accel, b->accel) &&
	       a->deterministic == b->deterministic &&
	       !strcmp(a->opts, b->opts);
}

static int col_width(unsigned int c)
{
	int w = (int)strlen(mb_xclass_names[c]);

	return w < 6 ? 6 : w;
}

/* Exact picoticks as ticks: "613933.000000" */
static void pt_ticks(struct mb_buf *b, int64_t pt)
{
	uint64_t a = pt < 0 ? -(uint64_t)pt : (uint64_t)pt;

	mb_bprintf(b, "%s%" PRIu64 ".%06" PRIu64, pt < 0 ? "-" : "",
		   (uint64_t)(a / MB_CAL_PICO), (uint64_t)(a % MB_CAL_PICO));
}

void mb_explain_text(struct mb_buf *b, const struct mb_xpoint *p, size_t n)
{
	char opts[256], lay[64], m1[32], m2[32], m3[32], s[16];
	int w = 15;	/* the strategy column: its longest label */

	for (size_t i = 0; i < n; i++)
		if ((int)strlen(p[i].run->strategy) > w)
			w = (int)strlen(p[i].run->strategy);
	for (size_t i = 0; i < n; i++) {
		const struct mb_run *r = p[i].run;
		const struct mb_explain *x = &p[i].x;

		if (!i || !same_table(p[i - 1].run, r)) {
			mb_options_label(r, opts, sizeof(opts));
			mb_bprintf(b, "%sWhere the time goes: %s, %s\n",
				   i ? "\n" : "", r->host, opts);
			mb_bprintf(b, "(shares of the measured time, %%; "
				   "predicted = direct units x their costs + "
				   "code units x their probe prices)\n\n");
			mb_bprintf(b, "%-*s %-7s %10s %10s %9s %8s",
				   w, "strategy", "RAM", "measured", "predicted",
				   "residual", "x floor");
			for (unsigned int c = 0; c < MB_NR_XCLASS; c++)
				mb_bprintf(b, " %*s", col_width(c),
					   mb_xclass_names[c]);
			mb_bprintf(b, " %6s %s\n", "resid", "unpriced ops");
		}
		mb_layout_label(r, lay, sizeof(lay));
		ms_text(pt_ms(x->measured_pt, x->cntfrq), m1, sizeof(m1));
		ms_text(pt_ms(x->predicted_pt, x->cntfrq), m2, sizeof(m2));
		ms_text(pt_ms(x->residual_pt, x->cntfrq), m3, sizeof(m3));
		mb_bprintf(b, "%-*s %-7s %10s %10s %9s", w, r->strategy,
			   lay, m1, m2, m3);
		if (x->floor_ticks)
			mb_bprintf(b, " %7.1fx", (double)x->measured_pt /
				   ((double)x->floor_ticks * MB_CAL_PICO));
		else
			mb_bprintf(b, " %8s", "-");
		for (unsigned int c = 0; c < MB_NR_XCLASS; c++) {
			pm_text(x->share_pm[c], s, sizeof(s));
			mb_bprintf(b, " %*s", col_width(c), s);
		}
		pm_text(x->residual_pm, s, sizeof(s));
		mb_bprintf(b, " %6s %" PRIu64 "\n", s, x->ch.unpriced);
	}
	if (n)
		mb_bprintf(b, "\nms from the median run's ticks; classes: "
			   "docs/ANALYSIS.md, \"The account\".\n");
}

static void csv_field(struct mb_buf *b, const char *s)
{
	mb_bprintf(b, "\"");
	for (; *s; s++)
		mb_bprintf(b, *s == '"' ? "\"\"" : "%c", *s);
	mb_bprintf(b, "\",");
}

void mb_explain_csv(struct mb_buf *b, const struct mb_xpoint *p, size_t n)
{
	mb_bprintf(b, "host,strategy,mem_bytes,banks,rodata,accel,emulated,"
		   "deterministic,options,cntfrq,measured_ticks,"
		   "predicted_ticks,residual_ticks,floor_ticks");
	for (unsigned int u = 0; u < MB_NR_UNITS; u++)
		mb_bprintf(b, ",unit_%s_n,unit_%s_ticks", mb_unit_names[u],
			   mb_unit_names[u]);
	for (unsigned int u = 0; u < MB_NR_CODES; u++)
		mb_bprintf(b, ",code_%s_n,code_%s_ticks", mb_code_names[u],
			   mb_code_names[u]);
	for (unsigned int c = 0; c < MB_NR_XCLASS; c++)
		mb_bprintf(b, ",%s_share_pm", mb_xclass_names[c]);
	mb_bprintf(b, ",residual_share_pm,unpriced\n");
	for (size_t i = 0; i < n; i++) {
		const struct mb_run *r = p[i].run;
		const struct mb_explain *x = &p[i].x;

		csv_field(b, r->host);
		csv_field(b, r->strategy);
		mb_bprintf(b, "%" PRIu64 ",%u,%s,%s,%d,%d,", r->mem, r->nbanks,
			   r->rodata, r->accel, r->emulated,
			   r->deterministic);
		csv_field(b, r->opts);
		mb_bprintf(b, "%" PRIu64 ",", x->cntfrq);
		pt_ticks(b, x->measured_pt);
		mb_bprintf(b, ",");
		pt_ticks(b, x->predicted_pt);
		mb_bprintf(b, ",");
		pt_ticks(b, x->residual_pt);
		mb_bprintf(b, ",%" PRIu64, x->floor_ticks);
		for (unsigned int u = 0; u < MB_NR_UNITS; u++) {
			mb_bprintf(b, ",%" PRIu64 ",", x->ch.unit[u]);
			pt_ticks(b, x->unit_pt[u]);
		}
		for (unsigned int u = 0; u < MB_NR_CODES; u++) {
			mb_bprintf(b, ",%" PRIu64 ",", x->ch.code[u]);
			pt_ticks(b, x->code_pt[u]);
		}
		for (unsigned int c = 0; c < MB_NR_XCLASS; c++)
			mb_bprintf(b, ",%d", x->share_pm[c]);
		mb_bprintf(b, ",%d,%" PRIu64 "\n", x->residual_pm,
			   x->ch.unpriced);
	}
}

/* ---- the command ----------------------------------------------------- */

static const struct mb_opt explain_opts[] = {
	MB_OPT("format", 'f', true, required_argument, "text|csv",
	       MB_ARG_CHOICE, "text|csv", "A table (default) or CSV."),
	MB_OPT("output", 'o', true, required_argument, "FILE", MB_ARG_FILE,
	       NULL, "Write to FILE (atomically) instead of standard output."),
	MB_OPT("fit", 'F', false, required_argument, "TABLE", MB_ARG_FILE,
	       NULL, "Fit per-op prices to a table measured without mapbench "
	       "(a cover letter's, markdown or CSV)."),
	MB_OPT("counts", 'c', false, required_argument, "FILE", MB_ARG_FILE,
	       NULL, "With --fit: the exact op counts of each strategy at "
	       "each size (tools/fit-counts.sh writes them)."),
	MB_OPT("check", 'k', false, required_argument, "TABLE", MB_ARG_FILE,
	       NULL, "With --fit: set the prediction against another table."),
	MB_OPT("predict", 'p', false, required_argument,
	       "STRATEGY@SIZE[,...]", MB_ARG_NONE, NULL,
	       "With --fit: predict these points with each machine's prices, "
	       "from the counts at that size, else derived affinely from the "
	       "two nearest sizes counted."),
	MB_OPT_HELP,
	MB_OPT_END
};

const struct mb_cmd mb_explain_cmd = {
	.name = "explain",
	.summary = "where the time goes: each op class priced by its unit "
		   "cost",
	.synopsis = "FILE...\n--fit TABLE --counts FILE [--check TABLE] "
		    "[--predict STRATEGY@SIZE[,...]]",
	.text = "Charges every op the counting pass counted to one class "
		"(fixmap pairs, stores with their barriers, bare stores, lone "
		"barriers, zeroed pages, allocations), prices each class with "
		"the unit cost the same guest measured after the build, and "
		"sets the sum against the measured time and the floor "
		"(docs/ANALYSIS.md).\n\n"
		"With --fit, fits per-op prices to a published table from the "
		"exact op counts, prints the prices, every cell's error, how "
		"near the fit comes (and to --check's table), a prediction for "
		"every other strategy, and one for each --predict point.",
	.opts = explain_opts,
};

int mb_cmd_explain(int argc, char **argv)
{
	struct mb_getopt gopt = { 0 };
	const char *out = NULL, *fit = NULL, *counts = NULL, *check = NULL;
	const char *pred = NULL;
	struct mb_runset set = { 0 };
	struct mb_groups g = { 0 };
	struct mb_buf b = { 0 };
	struct mb_xpoint *p = NULL;
	bool csv = false;
	int opt, ret = MB_EXIT_OK;
	char err[512];
	size_t n = 0;

	while ((opt = mb_cli_getopt(&mb_explain_cmd, &gopt, argc, argv,
				     MB_EXIT_USAGE)) != -1) {
		switch (opt) {
		case 'f':
			if (!strcmp(optarg, "csv"))
				csv = true;
			else if (strcmp(optarg, "text"))
				mb_die("--format: '%s' is not text or csv",
				       optarg);
			break;
		case 'F':
			fit = optarg;
			break;
		case 'c':
			counts = optarg;
			break;
		case 'k':
			check = optarg;
			break;
		case 'p':
			pred = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		}
	}
	if (out && mb_check_file_name(out, err, sizeof(err)))
		mb_die("%s", err);
	if (fit) {
		if (optind != argc)
			mb_die("explain --fit takes no result files ('%s')",
			       argv[optind]);
		if (!counts)
			mb_die("explain --fit needs --counts FILE "
			       "(tools/fit-counts.sh writes one)");
		if (mb_fit_table(fit, check, counts, pred, csv, &b, err,
				 sizeof(err)))
			mb_die("%s", err);
	} else {
		if (counts || check || pred)
			mb_die("--%s goes with --fit", counts ? "counts" :
			       check ? "check" : "predict");
		if (optind == argc) {
			mb_usage_synopsis(&mb_explain_cmd, stderr);
			return MB_EXIT_USAGE;
		}
		for (int i = optind; i < argc; i++)
			if (mb_runs_load(&set, argv[i], err, sizeof(err)))
				mb_die("%s", err);
		if (mb_group_runs(&set, 0, &g))
			mb_die("out of memory");
		if (mb_explain_points(&set, &g, true, &p, &n, err,
				      sizeof(err)))
			mb_die("%s", err);
		if (csv)
			mb_explain_csv(&b, p, n);
		else
			mb_explain_text(&b, p, n);
	}
	if (b.oom)
		mb_die("out of memory");
	if (out && mb_write_atomic(out, b.p, b.len, err, sizeof(err))) {
		fprintf(stderr, "mapbench: %s\n", err);
		ret = MB_EXIT_VMM;
	} else if (!out && (fwrite(b.p, 1, b.len, stdout) != b.len ||
			    fflush(stdout))) {
		fprintf(stderr, "mapbench: writing the output failed\n");
		ret = MB_EXIT_VMM;
	}
	free(p);
	mb_buf_free(&b);
	mb_groups_free(&g);
	mb_runs_free(&set);
	return ret;
}
