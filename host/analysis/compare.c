// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench compare BASELINE CURRENT: the regression gate.  Points are
 * matched by key (host x layout x strategy x options); for each, the
 * change of the median and a two-sided Mann-Whitney U test, as
 * Firecracker's A/B tool does with its permutation test.  A point
 * regresses when it is slower by more than the threshold AND the change
 * is significant.  When both sides are constant (deterministic mode)
 * there is no noise to test against, so any difference is real and
 * only the threshold decides.
 *
 * A point whose final map changed (the digest of its runs, or of a
 * kernel-check side's tables) is a verdict of its own, whatever its
 * time: MAP CHANGED, with the first runs that differ where the records
 * carry them (kernel-check's map_head).
 *
 * Exit: 0 no regression, 1 regression, a changed map or a point that
 * now fails, 2 unusable input.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"

#define EXIT_REGRESSION	1
#define EXIT_UNUSABLE	2

enum verdict {
	V_SAME,			/* within the threshold */
	V_UNSURE,		/* beyond it, but not significant */
	V_IMPROVED,
	V_REGRESSED,
	V_FAILED,		/* ran in the baseline, fails now */
	V_MAP_CHANGED,		/* another final map */
	V_ONLY_BASE,
	V_ONLY_CUR,
};

static const char *const vname[] = {
	[V_SAME] = "same", [V_UNSURE] = "unsure",
	[V_IMPROVED] = "improved", [V_REGRESSED] = "REGRESSION",
	[V_FAILED] = "FAILED", [V_MAP_CHANGED] = "MAP CHANGED",
	[V_ONLY_BASE] = "only-in-baseline",
	[V_ONLY_CUR] = "only-in-current",
};

struct row {
	const struct mb_group *b, *c;
	enum verdict v;
	double delta, p;
	bool exact_const;		/* both sides constant */
	bool underpowered;		/* alpha out of reach for these n */
	char name[480];
	char counts[160];		/* op counts that changed */
	char map[2 * MB_MAP_LINE + 96];	/* how the map changed */
};

struct cmp {
	double threshold, alpha;
	unsigned int flags;
	struct mb_groups gb, gc;
	struct row *rows;
	size_t nrows, caprows;
	unsigned int count[V_ONLY_CUR + 1];
};

static void point_name(const struct mb_group *g, unsigned int flags,
		       char *buf, size_t len)
{
	char lay[80], o[160];

	mb_layout_label(g->key, lay, sizeof(lay));
	mb_options_label(g->key, o, sizeof(o));
	if (flags & MB_KEY_NO_HOST)
		snprintf(buf, len, "%s %s %s", g->key->strategy, lay, o);
	else
		snprintf(buf, len, "%s %s %s @%s", g->key->strategy, lay, o,
			 g->key->host);
}

/* Smallest two-sided p the exact test can give: 2 / C(m+n, m). */
static double min_p(size_t m, size_t n)
{
	double c = 1;

	for (size_t i = 1; i <= m; i++)
		c = c * (double)(n + i) / (double)i;
	return 2 / c;
}

static void count_diff(struct row *r)
{
	const struct mb_run *a = r->b->counted, *b = r->c->counted;
	size_t len = 0;
	int shown = 0;

	if (!a || !b)
		return;
	for (unsigned int i = 0; i < MB_NR_COUNTERS; i++) {
		long long d = (long long)(b->counts[i] - a->counts[i]);

		if (!d)
			continue;
		if (shown++ == 3) {
			snprintf(r->counts + len, sizeof(r->counts) - len,
				 ", ...");
			break;
		}
		len += snprintf(r->counts + len, sizeof(r->counts) - len,
				"%s%s %+lld", len ? ", " : "",
				mb_counter_names[i], d);
		if (len >= sizeof(r->counts))
			break;
	}
}

/* The maps of the two points' counted runs: another digest is another
 * map; the first of the runs both records list that differ says how. */
static void map_diff(struct row *r)
{
	const struct mb_run *a = r->b->counted, *b = r->c->counted;
	unsigned int i, n;

	if (!a || !b || !a->have_digest || !b->have_digest ||
	    a->digest == b->digest)
		return;
	r->v = V_MAP_CHANGED;
	n = a->nhead > b->nhead ? a->nhead : b->nhead;
	for (i = 0; i < n; i++)
		if (i >= a->nhead || i >= b->nhead ||
		    strcmp(a->head[i], b->head[i]))
			break;
	if (i < n)
		snprintf(r->map, sizeof(r->map), "run %u: %s -> %s", i,
			 i < a->nhead ? a->head[i] : "(none)",
			 i < b->nhead ? b->head[i] : "(none)");
	else
		snprintf(r->map, sizeof(r->map),
			 "digest 0x%016" PRIx64 " -> 0x%016" PRIx64,
			 a->digest, b->digest);
}

static void judge(struct cmp *c, struct row *r)
{
	const struct mb_stats *b = &r->b->st, *k = &r->c->st;
	struct mb_mwu u;

	if (!r->c->n) {
		r->v = r->c->failed ? V_FAILED : V_ONLY_BASE;
		return;
	}
	r->delta = b->median > 0 ? k->median / b->median - 1 : 0;
	if (b->min == b->max && k->min == k->max) {
		r->exact_const = true;
		r->p = b->median == k->median ? 1 : 0;
	} else {
		if (mb_mannwhitney(r->b->ms, r->b->n, r->c->ms, r->c->n, &u))
			mb_die("out of memory");
		r->p = u.p;
		r->underpowered = min_p(r->b->n, r->c->n) >= c->alpha;
	}
	if (fabs(r->delta) <= c->threshold)
		r->v = V_SAME;
	else if (r->p >= c->alpha)
		r->v = V_UNSURE;
	else
		r->v = r->delta > 0 ? V_REGRESSED : V_IMPROVED;
	count_diff(r);
	map_diff(r);
}

static struct row *add_row(struct cmp *c)
{
	struct row *r;

	if (c->nrows == c->caprows) {
		c->caprows = c->caprows ? 2 * c->caprows : 64;
		r = realloc(c->rows, c->caprows * sizeof(*r));
		if (!r)
			mb_die("out of memory");
		c->rows = r;
	}
	r = &c->rows[c->nrows++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void match(struct cmp *c)
{
	for (size_t i = 0; i < c->gb.n; i++) {
		const struct mb_group *b = &c->gb.v[i], *k = NULL;
		struct row *r;

		if (!b->n)
			continue;	/* nothing to compare against */
		for (size_t j = 0; j < c->gc.n && !k; j++)
			if (mb_same_key(b->key, c->gc.v[j].key, c->flags))
				k = &c->gc.v[j];
		r = add_row(c);
		r->b = b;
		r->c = k;
		point_name(b, c->flags, r->name, sizeof(r->name));
		if (k)
			judge(c, r);
		else
			r->v = V_ONLY_BASE;
		c->count[r->v]++;
	}
	for (size_t j = 0; j < c->gc.n; j++) {
		const struct mb_group *k = &c->gc.v[j];
		bool found = false;
		struct row *r;

		for (size_t i = 0; i < c->gb.n && !found; i++)
			found = c->gb.v[i].n &&
				mb_same_key(c->gb.v[i].key, k->key, c->flags);
		if (found || !k->n)
			continue;
		r = add_row(c);
		r->c = k;
		r->v = V_ONLY_CUR;
		point_name(k, c->flags, r->name, sizeof(r->name));
		c->count[V_ONLY_CUR]++;
	}
}

static void pfmt(const struct row *r, char *buf, size_t len)
{
	if (r->exact_const)
		snprintf(buf, len, "%s", r->p ? "1 (const)" : "0 (const)");
	else if (r->p < 0.0001)
		snprintf(buf, len, "<0.0001");
	else
		snprintf(buf, len, "%.4f", r->p);
}

/* "+20.2%", "-0.8%", and "0.0%" rather than "-0.0%" */
static void change(double delta, char *buf, size_t len)
{
	if (fabs(delta) < 0.0005)
		snprintf(buf, len, "0.0%%");
	else
		snprintf(buf, len, "%+.1f%%", delta * 100);
}

static bool compared(const struct row *r)
{
	return r->b && r->c && r->c->n;
}

static void summary(struct cmp *c, const char *bname, const char *cname)
{
	size_t w = 5;
	char p[32], d[32];

	printf("mapbench compare: baseline %s vs current %s\n", bname, cname);
	printf("threshold %g%%, alpha %g, Mann-Whitney U two-sided (constant "
	       "samples: exact)\n\n", c->threshold * 100, c->alpha);
	for (size_t i = 0; i < c->nrows; i++)
		if (strlen(c->rows[i].name) > w)
			w = strlen(c->rows[i].name);
	printf("%-11s  %-*s  %12s  %12s  %8s  %s\n", "verdict", (int)w,
	       "point", "baseline ms", "current ms", "change", "p");
	for (size_t i = 0; i < c->nrows; i++) {
		const struct row *r = &c->rows[i];

		if (!compared(r))
			continue;
		pfmt(r, p, sizeof(p));
		change(r->delta, d, sizeof(d));
		printf("%-11s  %-*s  %12.3f  %12.3f  %8s  %s\n", vname[r->v],
		       (int)w, r->name, r->b->st.median, r->c->st.median, d,
		       p);
		if (r->counts[0])
			printf("%13s op counts changed: %s\n", "", r->counts);
		if (r->map[0])
			printf("%13s map changed: %s\n", "", r->map);
		if (r->v == V_UNSURE && r->underpowered)
			printf("%13s n=%zu vs %zu cannot reach p < %g: use "
			       "more repeats\n", "", r->b->n, r->c->n,
			       c->alpha);
	}
	for (size_t i = 0; i < c->nrows; i++) {
		const struct row *r = &c->rows[i];

		if (r->v == V_FAILED)
			printf("FAILED       %s: %s\n", r->name,
			       r->c->why ? r->c->why : "no ok run");
		else if (r->v == V_ONLY_BASE)
			printf("unmatched    %s: only in the baseline\n",
			       r->name);
		else if (r->v == V_ONLY_CUR)
			printf("unmatched    %s: only in the current\n",
			       r->name);
	}
	printf("\nsummary: %u compared: %u regressed, %u improved, %u "
	       "unsure, %u same, %u with another map; %u failed; %u "
	       "unmatched\n",
	       c->count[V_SAME] + c->count[V_UNSURE] + c->count[V_IMPROVED] +
	       c->count[V_REGRESSED] + c->count[V_MAP_CHANGED],
	       c->count[V_REGRESSED], c->count[V_IMPROVED],
	       c->count[V_UNSURE], c->count[V_SAME],
	       c->count[V_MAP_CHANGED], c->count[V_FAILED],
	       c->count[V_ONLY_BASE] + c->count[V_ONLY_CUR]);
}

static void tap(struct cmp *c)
{
	char p[32], d[32];

	printf("TAP version 13\n1..%zu\n", c->nrows);
	for (size_t i = 0; i < c->nrows; i++) {
		const struct row *r = &c->rows[i];
		bool bad = r->v == V_REGRESSED || r->v == V_FAILED ||
			   r->v == V_MAP_CHANGED;

		printf("%s %zu - %s", bad ? "not ok" : "ok", i + 1, r->name);
		if (r->v == V_ONLY_BASE || r->v == V_ONLY_CUR) {
			printf(" # SKIP %s\n", r->v == V_ONLY_BASE ?
			       "only in the baseline" : "only in the current");
			continue;
		}
		if (r->v == V_FAILED) {
			printf("\n  # fails now: %s\n", r->c->why ? r->c->why :
			       "no ok run");
			continue;
		}
		pfmt(r, p, sizeof(p));
		change(r->delta, d, sizeof(d));
		printf(" # %s %s p=%s\n", vname[r->v], d, p);
		if (r->map[0])
			printf("  # map changed: %s\n", r->map);
	}
}

static void xml_str(struct mb_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			mb_bprintf(b, "&lt;");
			break;
		case '>':
			mb_bprintf(b, "&gt;");
			break;
		case '&':
			mb_bprintf(b, "&amp;");
			break;
		case '"':
			mb_bprintf(b, "&quot;");
			break;
		default:
			mb_bprintf(b, "%c", *s);
		}
	}
}

static int junit(struct cmp *c, const char *path)
{
	unsigned int fails = c->count[V_REGRESSED] + c->count[V_FAILED] +
			     c->count[V_MAP_CHANGED];
	unsigned int skips = c->count[V_ONLY_BASE] + c->count[V_ONLY_CUR];
	struct mb_buf b = { 0 };
	char err[300], p[32], msg[200];
	int ret;

	mb_bprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<testsuites name=\"mapbench compare\" tests=\"%zu\" "
		   "failures=\"%u\" errors=\"0\" skipped=\"%u\">\n"
		   "  <testsuite name=\"mapbench compare\" tests=\"%zu\" "
		   "failures=\"%u\" errors=\"0\" skipped=\"%u\">\n"
		   "    <properties>\n"
		   "      <property name=\"threshold\" value=\"%g%%\"/>\n"
		   "      <property name=\"alpha\" value=\"%g\"/>\n"
		   "    </properties>\n", c->nrows, fails, skips, c->nrows,
		   fails, skips, c->threshold * 100, c->alpha);
	for (size_t i = 0; i < c->nrows; i++) {
		const struct row *r = &c->rows[i];
		const struct mb_group *g = r->c ? r->c : r->b;
		char o[256], lay[80];

		mb_options_label(g->key, o, sizeof(o));
		mb_layout_label(g->key, lay, sizeof(lay));
		mb_bprintf(&b, "    <testcase classname=\"mapbench.");
		xml_str(&b, g->key->host);
		mb_bprintf(&b, " ");
		xml_str(&b, o);
		mb_bprintf(&b, "\" name=\"");
		xml_str(&b, g->key->strategy);
		mb_bprintf(&b, " %s\" time=\"%.6f\"", lay,
			   compared(r) ? r->c->st.median / 1000 : 0.0);
		if (r->v == V_ONLY_BASE || r->v == V_ONLY_CUR) {
			mb_bprintf(&b, ">\n      <skipped message=\"only in "
				   "the %s\"/>\n    </testcase>\n",
				   r->v == V_ONLY_BASE ? "baseline" :
				   "current");
			continue;
		}
		if (r->v == V_FAILED) {
			mb_bprintf(&b, ">\n      <failure type=\"failed\" "
				   "message=\"");
			xml_str(&b, r->c->why ? r->c->why : "no ok run");
			mb_bprintf(&b, "\"/>\n    </testcase>\n");
			continue;
		}
		if (r->v == V_MAP_CHANGED) {
			mb_bprintf(&b, ">\n      <failure type=\"map-changed\" "
				   "message=\"the final linear map changed\">");
			xml_str(&b, r->map);
			if (r->counts[0]) {
				mb_bprintf(&b, "; op counts changed: ");
				xml_str(&b, r->counts);
			}
			mb_bprintf(&b, "</failure>\n    </testcase>\n");
			continue;
		}
		if (r->v != V_REGRESSED) {
			mb_bprintf(&b, "/>\n");
			continue;
		}
		pfmt(r, p, sizeof(p));
		snprintf(msg, sizeof(msg), "slower by %+.1f%% (threshold "
			 "%g%%), p=%s", r->delta * 100, c->threshold * 100, p);
		mb_bprintf(&b, ">\n      <failure type=\"regression\" "
			   "message=\"%s\">baseline median %.3f ms (n=%zu), "
			   "current %.3f ms (n=%zu)", msg, r->b->st.median,
			   r->b->n, r->c->st.median, r->c->n);
		if (r->counts[0])
			mb_bprintf(&b, "; op counts changed: %s", r->counts);
		mb_bprintf(&b, "</failure>\n    </testcase>\n");
	}
	mb_bprintf(&b, "  </testsuite>\n</testsuites>\n");
	if (b.oom)
		mb_die("out of memory");
	ret = mb_write_atomic(path, b.p, b.len, err, sizeof(err));
	if (ret)
		fprintf(stderr, "mapbench: %s\n", err);
	mb_buf_free(&b);
	return ret;
}

static void load_side(const char *arg, struct mb_runset *set)
{
	char err[512];

	if (mb_runs_load(set, arg, err, sizeof(err))) {
		fprintf(stderr, "mapbench: %s\n", err);
		exit(EXIT_UNUSABLE);
	}
}

static const struct mb_opt compare_opts[] = {
	MB_OPT("threshold", 't', false, required_argument, "PCT",
	       MB_ARG_NONE, NULL, "A point is a regression when it is this "
	       "much slower (default 5%) and the change is significant."),
	MB_OPT("alpha", 'a', false, required_argument, "P", MB_ARG_NONE,
	       NULL, "The Mann-Whitney U test's significance level (default "
	       "0.01)."),
	MB_OPT("junit", 'j', false, required_argument, "FILE", MB_ARG_FILE,
	       NULL, "Also write a JUnit XML report for CI."),
	MB_FLAG("tap", 'T', false, "Print TAP instead of the summary."),
	MB_FLAG("ignore-host", 'H', false, "Match points whatever host "
		"label they carry."),
	MB_OPT_HELP,
	MB_OPT_END
};

const struct mb_cmd mb_compare_cmd = {
	.name = "compare",
	.summary = "a regression gate: two sets of records, point by point",
	.synopsis = "BASELINE CURRENT",
	.text = "Matches the points of two sets of run records (files or "
		"directories) and calls one a regression when it is slower "
		"than the threshold and a Mann-Whitney U test says the change "
		"is significant; a map whose digest changed is flagged too. "
		"Prints improvements and unmatched points as well.",
	.exits = "0 no regression, 1 a regression (or a failed run, or a "
		 "changed map), 2 unusable input.",
	.opts = compare_opts,
};

int mb_cmd_compare(int argc, char **argv)
{
	struct mb_getopt gopt = { 0 };
	struct cmp c = { .threshold = 0.05, .alpha = 0.01 };
	struct mb_runset sb = { 0 }, sc = { 0 };
	const char *junit_path = NULL;
	bool as_tap = false;
	char *end;
	int opt, ret;

	while ((opt = mb_cli_getopt(&mb_compare_cmd, &gopt, argc, argv,
				     EXIT_UNUSABLE)) != -1) {
		switch (opt) {
		case 't':
			if (mb_parse_percent(optarg, &c.threshold) ||
			    c.threshold > 10) {
				fprintf(stderr, "mapbench: --threshold: '%s' "
					"is not a percentage (e.g. 5%%)\n",
					optarg);
				return EXIT_UNUSABLE;
			}
			break;
		case 'a':
			c.alpha = strtod(optarg, &end);
			if (*end || end == optarg || !(c.alpha > 0) ||
			    c.alpha >= 1) {
				fprintf(stderr, "mapbench: --alpha: '%s' is "
					"not a probability in (0, 1)\n",
					optarg);
				return EXIT_UNUSABLE;
			}
			break;
		case 'j':
			junit_path = optarg;
			break;
		case 'T':
			as_tap = true;
			break;
		case 'H':
			c.flags |= MB_KEY_NO_HOST;
			break;
		}
	}
	if (argc - optind != 2) {
		mb_usage_synopsis(&mb_compare_cmd, stderr);
		return EXIT_UNUSABLE;
	}
	load_side(argv[optind], &sb);
	load_side(argv[optind + 1], &sc);
	if (mb_group_runs(&sb, c.flags, &c.gb) ||
	    mb_group_runs(&sc, c.flags, &c.gc))
		mb_die("out of memory");
	match(&c);
	if (c.count[V_ONLY_BASE] + c.count[V_ONLY_CUR] == c.nrows) {
		fprintf(stderr, "mapbench: no point of %s matches one of %s "
			"(different hosts? try --ignore-host)\n", argv[optind],
			argv[optind + 1]);
		ret = EXIT_UNUSABLE;
		goto out;
	}
	if (as_tap)
		tap(&c);
	else
		summary(&c, argv[optind], argv[optind + 1]);
	fflush(stdout);
	if (junit_path && junit(&c, junit_path)) {
		ret = EXIT_UNUSABLE;
		goto out;
	}
	ret = c.count[V_REGRESSED] || c.count[V_FAILED] ||
	      c.count[V_MAP_CHANGED] ? EXIT_REGRESSION : MB_EXIT_OK;
out:
	free(c.rows);
	mb_groups_free(&c.gb);
	mb_groups_free(&c.gc);
	mb_runs_free(&sb);
	mb_runs_free(&sc);
	return ret;
}
