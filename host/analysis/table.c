// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench report: the cover-letter table.  Rows are strategies, columns
 * host x RAM, cells "ms (delta%)" against a baseline strategy, one table
 * per set of run options (rodata, accel, ...), exactly the shape of the
 * tables in the linear-map series' cover letters.  Below it the notes
 * (emulated, noisy cells, skipped and failed points) and the statistics
 * of every cell.  Text output is plain ASCII, to paste into an email.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"

enum fmt { F_TEXT, F_MARKDOWN, F_CSV, F_JSON };

struct table {
	const struct mb_run *key;	/* its options */
	const struct mb_group **cols;	/* a group per column: host, RAM */
	size_t ncols;
	const char **rows;		/* strategies */
	size_t nrows;
};

struct rep {
	struct mb_groups g;
	struct table *t;
	size_t nt;
	const char *baseline;
	bool have_baseline;
	double max_ci;
	enum fmt fmt;
	struct mb_buf out;
	const struct mb_runset *set;
};

static bool same_opts(const struct mb_run *a, const struct mb_run *b)
{
	return !strcmp(a->rodata, b->rodata) && !strcmp(a->accel, b->accel) &&
	       a->emulated == b->emulated &&
	       a->deterministic == b->deterministic &&
	       !strcmp(a->opts, b->opts);
}

static bool same_col(const struct mb_run *a, const struct mb_run *b)
{
	return !strcmp(a->host, b->host) && a->mem == b->mem &&
	       a->nbanks == b->nbanks && !strcmp(a->layout, b->layout);
}

static const struct mb_group *cell(const struct rep *r,
				   const struct table *t, size_t col,
				   const char *strategy)
{
	const struct mb_run *c = t->cols[col]->key;

	for (size_t i = 0; i < r->g.n; i++) {
		const struct mb_run *k = r->g.v[i].key;

		if (!strcmp(k->strategy, strategy) && same_col(k, c) &&
		    same_opts(k, t->key))
			return &r->g.v[i];
	}
	return NULL;
}

static size_t host_rank(const struct rep *r, const char *host)
{
	for (size_t i = 0; i < r->g.n; i++)
		if (!strcmp(r->g.v[i].key->host, host))
			return i;
	return r->g.n;
}

static const struct rep *sort_rep;

static int cmp_col(const void *a, const void *b)
{
	const struct mb_run *x = (*(const struct mb_group *const *)a)->key;
	const struct mb_run *y = (*(const struct mb_group *const *)b)->key;
	size_t hx = host_rank(sort_rep, x->host);
	size_t hy = host_rank(sort_rep, y->host);

	if (hx != hy)
		return hx < hy ? -1 : 1;
	if (x->mem != y->mem)
		return x->mem < y->mem ? -1 : 1;
	if (x->nbanks != y->nbanks)
		return x->nbanks < y->nbanks ? -1 : 1;
	return strcmp(x->layout, y->layout);
}

static int cmp_strategy(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int rx = mb_strategy_rank(x), ry = mb_strategy_rank(y);

	return rx != ry ? rx - ry : strcmp(x, y);
}

/* Room for element n of an array whose capacity is n rounded up to a
 * power of two: grows exactly when n reaches one. */
static void *grow(void *p, size_t n, size_t size)
{
	if (n & (n - 1) || !n)
		return n ? p : malloc(size);
	p = realloc(p, 2 * n * size);
	if (!p)
		mb_die("out of memory");
	return p;
}

static void build_tables(struct rep *r)
{
	for (size_t i = 0; i < r->g.n; i++) {
		const struct mb_group *g = &r->g.v[i];
		struct table *t = NULL;
		size_t j;

		if (!strcmp(g->key->strategy, r->baseline))
			r->have_baseline = true;
		for (j = 0; j < r->nt; j++)
			if (same_opts(r->t[j].key, g->key))
				t = &r->t[j];
		if (!t) {
			r->t = grow(r->t, r->nt, sizeof(*r->t));
			if (!r->t)
				mb_die("out of memory");
			t = &r->t[r->nt++];
			memset(t, 0, sizeof(*t));
			t->key = g->key;
		}
		for (j = 0; j < t->ncols; j++)
			if (same_col(t->cols[j]->key, g->key))
				break;
		if (j == t->ncols) {
			t->cols = grow(t->cols, t->ncols, sizeof(*t->cols));
			if (!t->cols)
				mb_die("out of memory");
			t->cols[t->ncols++] = g;
		}
		for (j = 0; j < t->nrows; j++)
			if (!strcmp(t->rows[j], g->key->strategy))
				break;
		if (j == t->nrows) {
			t->rows = grow(t->rows, t->nrows, sizeof(*t->rows));
			if (!t->rows)
				mb_die("out of memory");
			t->rows[t->nrows++] = g->key->strategy;
		}
	}
	sort_rep = r;
	for (size_t i = 0; i < r->nt; i++) {
		qsort(r->t[i].cols, r->t[i].ncols, sizeof(*r->t[i].cols),
		      cmp_col);
		qsort(r->t[i].rows, r->t[i].nrows, sizeof(*r->t[i].rows),
		      cmp_strategy);
	}
}

/* ---- cells ----------------------------------------------------------- */

static bool noisy(const struct rep *r, const struct mb_group *g)
{
	return g->n && (g->n < 3 ||
			g->st.ci_hi - g->st.ci_lo > r->max_ci * g->st.median);
}

static bool delta(const struct rep *r, const struct table *t, size_t col,
		  const struct mb_group *g, double *pct)
{
	const struct mb_group *b;

	if (!g || !g->n || !r->have_baseline)
		return false;
	b = cell(r, t, col, r->baseline);
	if (!b || !b->n || b->st.median <= 0)
		return false;
	*pct = (g->st.median / b->st.median - 1) * 100;
	return true;
}

static void format_delta(double pct, char *buf, size_t len)
{
	long v = lround(pct);

	if (!v)
		snprintf(buf, len, "0%%");
	else
		snprintf(buf, len, "%+ld%%", v);
}

static void cell_text(const struct rep *r, const struct table *t,
		      size_t col, const char *strategy, char *buf, size_t len)
{
	const struct mb_group *g = cell(r, t, col, strategy);
	char ms[32], d[32] = "n/a";
	double pct;

	if (!g) {
		snprintf(buf, len, "-");
		return;
	}
	if (!g->n) {
		snprintf(buf, len, "%s", g->failed ? "FAILED" : g->skipped ?
			 "skipped" : "warm-up only");
		return;
	}
	mb_format_ms(g->st.median, ms, sizeof(ms));
	if (delta(r, t, col, g, &pct))
		format_delta(pct, d, sizeof(d));
	if (r->have_baseline)
		snprintf(buf, len, "%s (%s)%s", ms, d, noisy(r, g) ? " *" : "");
	else
		snprintf(buf, len, "%s%s", ms, noisy(r, g) ? " *" : "");
}

static void col_head(const struct mb_group *g, const struct table *t,
		     int line, char *buf, size_t len)
{
	char lay[80];

	if (!line) {
		snprintf(buf, len, "%s", g->key->host);
		return;
	}
	mb_layout_label(g->key, lay, sizeof(lay));
	snprintf(buf, len, "%s%s", lay, t->key->emulated ? ", EMULATED" :
		 "");
}

/* "rodata=full, tcg EMULATED, deterministic, backing=thp" */
static void title_opts(const struct mb_run *k, char *buf, size_t len)
{
	snprintf(buf, len, "rodata=%s, %s%s%s%s%s", k->rodata, k->accel,
		 k->emulated ? " (EMULATED)" : "",
		 k->deterministic ? ", deterministic" : "",
		 k->opts[0] ? ", " : "", k->opts);
}

static void runs_range(const struct rep *r, const struct table *t,
		       size_t *lo, size_t *hi)
{
	*lo = SIZE_MAX;
	*hi = 0;
	for (size_t c = 0; c < t->ncols; c++)
		for (size_t s = 0; s < t->nrows; s++) {
			const struct mb_group *g = cell(r, t, c, t->rows[s]);

			if (!g || !g->n)
				continue;
			*lo = g->n < *lo ? g->n : *lo;
			*hi = g->n > *hi ? g->n : *hi;
		}
	if (*lo == SIZE_MAX)
		*lo = 0;
}

static void title(struct rep *r, const struct table *t)
{
	char o[256], n[32];
	size_t lo, hi;

	title_opts(t->key, o, sizeof(o));
	runs_range(r, t, &lo, &hi);
	if (lo == hi)
		snprintf(n, sizeof(n), "%zu", lo);
	else
		snprintf(n, sizeof(n), "%zu-%zu", lo, hi);
	mb_bprintf(&r->out, "%smap_mem() in ms, median of %s runs%s%s%s%s"
		   "%s%s\n", r->fmt == F_MARKDOWN ? "**" : "", n,
		   r->have_baseline ? " (% vs " : "",
		   r->have_baseline ? r->baseline : "",
		   r->have_baseline ? ")" : "",
		   r->fmt == F_MARKDOWN ? "; " : "\n", o,
		   r->fmt == F_MARKDOWN ? "**" : "");
}

/* ---- text and markdown ----------------------------------------------- */

static void rtrim_line(struct mb_buf *b, size_t start)
{
	while (b->len > start && b->p[b->len - 1] == ' ')
		b->len--;
	mb_bprintf(b, "\n");
}

static void text_table(struct rep *r, const struct table *t)
{
	size_t w0 = 15, *w = calloc(t->ncols, sizeof(*w));
	char buf[256];

	if (!w)
		mb_die("out of memory");
	for (size_t s = 0; s < t->nrows; s++)
		if (strlen(t->rows[s]) + 1 > w0)
			w0 = strlen(t->rows[s]) + 1;
	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = 13;
		for (int l = 0; l < 2; l++) {
			col_head(t->cols[c], t, l, buf, sizeof(buf));
			if (strlen(buf) + 2 > w[c])
				w[c] = strlen(buf) + 2;
		}
		for (size_t s = 0; s < t->nrows; s++) {
			cell_text(r, t, c, t->rows[s], buf, sizeof(buf));
			if (strlen(buf) + 2 > w[c])
				w[c] = strlen(buf) + 2;
		}
	}
	title(r, t);
	mb_bprintf(&r->out, "\n");
	for (int line = 0; line < 5; line++) {
		size_t start = r->out.len;

		if (line == 2 || line == 4) {
			for (size_t i = 0; i < w0; i++)
				mb_bprintf(&r->out, "-");
			for (size_t c = 0; c < t->ncols; c++) {
				mb_bprintf(&r->out, "|");
				for (size_t i = 0; i < w[c]; i++)
					mb_bprintf(&r->out, "-");
			}
			rtrim_line(&r->out, start);
			continue;
		}
		mb_bprintf(&r->out, "%-*s", (int)w0, "");
		for (size_t c = 0; c < t->ncols; c++) {
			if (line == 3)
				snprintf(buf, sizeof(buf), r->have_baseline ?
					 "ms (%%)" : "ms");
			else
				col_head(t->cols[c], t, line, buf,
					 sizeof(buf));
			mb_bprintf(&r->out, "| %-*s", (int)w[c] - 1, buf);
		}
		rtrim_line(&r->out, start);
	}
	for (size_t s = 0; s < t->nrows; s++) {
		size_t start = r->out.len;

		mb_bprintf(&r->out, "%-*s", (int)w0, t->rows[s]);
		for (size_t c = 0; c < t->ncols; c++) {
			cell_text(r, t, c, t->rows[s], buf, sizeof(buf));
			mb_bprintf(&r->out, "| %-*s", (int)w[c] - 1, buf);
		}
		rtrim_line(&r->out, start);
	}
	free(w);
}

static void md_table(struct rep *r, const struct table *t)
{
	char buf[256], h[128];

	title(r, t);
	mb_bprintf(&r->out, "\n|");
	for (size_t c = 0; c < t->ncols; c++) {
		col_head(t->cols[c], t, 0, h, sizeof(h));
		col_head(t->cols[c], t, 1, buf, sizeof(buf));
		mb_bprintf(&r->out, " | %s %s", h, buf);
	}
	mb_bprintf(&r->out, " |\n|---");
	for (size_t c = 0; c < t->ncols; c++)
		mb_bprintf(&r->out, "|---");
	mb_bprintf(&r->out, "|\n");
	for (size_t s = 0; s < t->nrows; s++) {
		mb_bprintf(&r->out, "| %s", t->rows[s]);
		for (size_t c = 0; c < t->ncols; c++) {
			cell_text(r, t, c, t->rows[s], buf, sizeof(buf));
			mb_bprintf(&r->out, " | %s", buf);
		}
		mb_bprintf(&r->out, " |\n");
	}
}

static void where(const struct mb_group *g, char *buf, size_t len)
{
	char lay[80];

	mb_layout_label(g->key, lay, sizeof(lay));
	snprintf(buf, len, "%s %s on %s", g->key->strategy, lay,
		 g->key->host);
}

static void notes(struct rep *r, const struct table *t)
{
	const char *li = r->fmt == F_MARKDOWN ? "- " : "";
	const char *ind = r->fmt == F_MARKDOWN ? "  - " : "    ";
	const char *cont = "  ";	/* a wrapped line */
	bool head = false;
	char w[256], a[32], b[32];

	mb_bprintf(&r->out, "\n");
	if (t->key->emulated)
		mb_bprintf(&r->out, "%sEMULATED: QEMU TCG, not hardware: op "
			   "counts and shapes compare,\n%sabsolute times do "
			   "not.\n", li, cont);
	if (t->key->deterministic)
		mb_bprintf(&r->out, "%sdeterministic: QEMU -icount, CNTVCT "
			   "counts guest instructions:\n%sthe same ticks run "
			   "to run.\n", li, cont);
	for (size_t c = 0; c < t->ncols; c++)
		for (size_t s = 0; s < t->nrows; s++) {
			const struct mb_group *g = cell(r, t, c, t->rows[s]);

			if (!g || !noisy(r, g))
				continue;
			if (!head)
				mb_bprintf(&r->out, "%s%s noisy: fewer than 3 "
					   "runs, or a 95%% CI of the median\n"
					   "%swider than %g%% of it:\n", li,
					   r->fmt == F_MARKDOWN ? "\\*" : "*",
					   cont, r->max_ci * 100);
			head = true;
			where(g, w, sizeof(w));
			snprintf(a, sizeof(a), "%.3f", g->st.ci_lo);
			snprintf(b, sizeof(b), "%.3f", g->st.ci_hi);
			mb_bprintf(&r->out, "%s%s: n=%zu, CI [%s, %s] ms = "
				   "%.1f%%\n", ind, w, g->n, a, b,
				   g->st.median > 0 ? (g->st.ci_hi -
				   g->st.ci_lo) / g->st.median * 100 : 0);
		}
	for (size_t c = 0; c < t->ncols; c++)
		for (size_t s = 0; s < t->nrows; s++) {
			const struct mb_group *g = cell(r, t, c, t->rows[s]);

			if (!g || (!g->failed && !g->skipped))
				continue;
			where(g, w, sizeof(w));
			mb_bprintf(&r->out, "%s%s: %s%s%s\n", li, w,
				   g->skipped ? "skipped" : "failed",
				   g->why ? ": " : "", g->why ? g->why : "");
		}
	if (!r->have_baseline)
		mb_bprintf(&r->out, "%sno runs of the baseline '%s': no "
			   "deltas.\n", li, r->baseline);
}

/* Four significant digits or so: the noise is never finer. */
static void stat_num(double v, char *buf, size_t len)
{
	double a = fabs(v);

	snprintf(buf, len, a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" :
		 a >= 10 ? "%.2f" : "%.3f", v);
}

static void stats_block(struct rep *r, const struct table *t)
{
	bool md = r->fmt == F_MARKDOWN;
	size_t ws = 14, warm = 0;
	char lay[80], v[6][32];

	for (size_t s = 0; s < t->nrows; s++)
		if (strlen(t->rows[s]) > ws)
			ws = strlen(t->rows[s]);
	for (size_t c = 0; c < t->ncols; c++)
		for (size_t s = 0; s < t->nrows; s++) {
			const struct mb_group *g = cell(r, t, c, t->rows[s]);

			if (g && g->warmups > warm)
				warm = g->warmups;
		}
	mb_bprintf(&r->out, "\nStatistics, ms (");
	if (warm)
		mb_bprintf(&r->out, "%zu warm-up run%s per point excluded; ",
			   warm, warm > 1 ? "s" : "");
	mb_bprintf(&r->out, "CI: 95%% of the median,\nbootstrap, %d "
		   "resamples, fixed seed; CV: sd / mean):\n",
		   MB_BOOT_RESAMPLES);
	if (md)
		mb_bprintf(&r->out, "\n| host | RAM | strategy | n | median | "
			   "min | p90 | MAD | CI | CV |\n"
			   "|---|---|---|---|---|---|---|---|---|---|\n");
	for (size_t c = 0; c < t->ncols; c++) {
		size_t n = 0;

		for (size_t s = 0; s < t->nrows; s++) {
			const struct mb_group *g = cell(r, t, c, t->rows[s]);

			n += g && g->n;
		}
		if (!n)
			continue;	/* only failed or skipped: see notes */
		mb_layout_label(t->cols[c]->key, lay, sizeof(lay));
		if (!md)
			mb_bprintf(&r->out, "\n%s, %s:\n  %-*s %3s %9s %9s "
				   "%9s %8s  %-19s %5s\n",
				   t->cols[c]->key->host, lay, (int)ws,
				   "strategy", "n", "median", "min", "p90",
				   "MAD", "CI", "CV");
		for (size_t s = 0; s < t->nrows; s++) {
			const struct mb_group *g = cell(r, t, c, t->rows[s]);
			const struct mb_stats *st;
			char ci[72];

			if (!g || !g->n)
				continue;
			st = &g->st;
			stat_num(st->median, v[0], sizeof(v[0]));
			stat_num(st->min, v[1], sizeof(v[1]));
			stat_num(st->p90, v[2], sizeof(v[2]));
			stat_num(st->mad, v[3], sizeof(v[3]));
			stat_num(st->ci_lo, v[4], sizeof(v[4]));
			stat_num(st->ci_hi, v[5], sizeof(v[5]));
			snprintf(ci, sizeof(ci), "%s..%s", v[4], v[5]);
			if (md)
				mb_bprintf(&r->out, "| %s | %s | %s | %zu | %s "
					   "| %s | %s | %s | %s | %.1f%% |\n",
					   g->key->host, lay, t->rows[s], g->n,
					   v[0], v[1], v[2], v[3], ci,
					   st->cv * 100);
			else
				mb_bprintf(&r->out, "  %-*s %3zu %9s %9s %9s "
					   "%8s  %-19s %4.1f%%\n", (int)ws,
					   t->rows[s], g->n, v[0], v[1], v[2],
					   v[3], ci, st->cv * 100);
		}
	}
}

/* ---- csv and json ---------------------------------------------------- */

static void csv_str(struct mb_buf *b, const char *s, bool comma)
{
	if (strpbrk(s, ",\"\n")) {
		mb_bprintf(b, "\"");
		for (; *s; s++)
			mb_bprintf(b, *s == '"' ? "\"\"" : "%c", *s);
		mb_bprintf(b, "\"");
	} else {
		mb_bprintf(b, "%s", s);
	}
	if (comma)
		mb_bprintf(b, ",");
}

static void csv_point(struct rep *r, const struct table *t, size_t c,
		      const struct mb_group *g)
{
	const struct mb_run *k = g->key;
	const struct mb_stats *st = &g->st;
	char lay[80];
	double pct;

	mb_layout_label(k, lay, sizeof(lay));
	csv_str(&r->out, k->host, true);
	csv_str(&r->out, lay, true);
	mb_bprintf(&r->out, "%llu,%u,", (unsigned long long)k->mem,
		   k->nbanks);
	csv_str(&r->out, k->strategy, true);
	mb_bprintf(&r->out, "%s,%s,%d,%d,", k->rodata, k->accel, k->emulated,
		   k->deterministic);
	csv_str(&r->out, k->opts, true);
	mb_bprintf(&r->out, "%zu,%zu,%zu,%zu,", g->n, g->warmups, g->failed,
		   g->skipped);
	if (g->n)
		mb_bprintf(&r->out, "%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,",
			   st->median, st->min, st->p90, st->mad, st->ci_lo,
			   st->ci_hi, st->cv);
	else
		mb_bprintf(&r->out, ",,,,,,,");
	if (delta(r, t, c, g, &pct))
		mb_bprintf(&r->out, "%.3f,", pct);
	else
		mb_bprintf(&r->out, ",");
	mb_bprintf(&r->out, "%d,", noisy(r, g));
	csv_str(&r->out, g->why ? g->why : "", false);
	mb_bprintf(&r->out, "\n");
}

static json_t *json_point(struct rep *r, const struct table *t, size_t c,
			  const struct mb_group *g)
{
	const struct mb_run *k = g->key;
	const struct mb_stats *st = &g->st;
	json_t *o = json_object();
	char lay[80];
	double pct;

	if (!o)
		mb_die("out of memory");
	mb_layout_label(k, lay, sizeof(lay));
	json_object_set_new(o, "host", json_string(k->host));
	json_object_set_new(o, "ram", json_string(lay));
	json_object_set_new(o, "mem", json_integer(k->mem));
	json_object_set_new(o, "banks", json_integer(k->nbanks));
	json_object_set_new(o, "layout", json_string(k->layout));
	json_object_set_new(o, "strategy", json_string(k->strategy));
	json_object_set_new(o, "rodata", json_string(k->rodata));
	json_object_set_new(o, "accel", json_string(k->accel));
	json_object_set_new(o, "emulated", json_boolean(k->emulated));
	json_object_set_new(o, "deterministic",
			    json_boolean(k->deterministic));
	json_object_set_new(o, "options", json_string(k->opts));
	json_object_set_new(o, "n", json_integer(g->n));
	json_object_set_new(o, "warmups", json_integer(g->warmups));
	json_object_set_new(o, "failed", json_integer(g->failed));
	json_object_set_new(o, "skipped", json_integer(g->skipped));
	if (g->why)
		json_object_set_new(o, "reason", json_string(g->why));
	if (g->n) {
		json_object_set_new(o, "median_ms", json_real(st->median));
		json_object_set_new(o, "min_ms", json_real(st->min));
		json_object_set_new(o, "p90_ms", json_real(st->p90));
		json_object_set_new(o, "mad_ms", json_real(st->mad));
		json_object_set_new(o, "ci95_ms", json_pack("[ff]", st->ci_lo,
							    st->ci_hi));
		json_object_set_new(o, "cv", json_real(st->cv));
		json_object_set_new(o, "noisy", json_boolean(noisy(r, g)));
	}
	json_object_set_new(o, "delta_pct", delta(r, t, c, g, &pct) ?
			    json_real(pct) : json_null());
	return o;
}

static void each_point(struct rep *r, json_t *arr)
{
	for (size_t i = 0; i < r->nt; i++) {
		const struct table *t = &r->t[i];

		for (size_t c = 0; c < t->ncols; c++)
			for (size_t s = 0; s < t->nrows; s++) {
				const struct mb_group *g;

				g = cell(r, t, c, t->rows[s]);
				if (!g)
					continue;
				if (arr)
					json_array_append_new(arr,
						json_point(r, t, c, g));
				else
					csv_point(r, t, c, g);
			}
	}
}

/* Where the time goes, for the points whose runs have unit costs. */
static void explain_section(struct rep *r)
{
	struct mb_xpoint *p;
	char err[512];
	size_t n;

	if (mb_explain_points(r->set, &r->g, false, &p, &n, err, sizeof(err)))
		mb_die("%s", err);
	if (n) {
		mb_bprintf(&r->out, "\n\n");
		if (r->fmt == F_MARKDOWN)
			mb_bprintf(&r->out, "```\n");
		mb_explain_text(&r->out, p, n);
		if (r->fmt == F_MARKDOWN)
			mb_bprintf(&r->out, "```\n");
	}
	free(p);
}

static void emit(struct rep *r)
{
	json_t *root, *arr;
	char *s;

	switch (r->fmt) {
	case F_TEXT:
	case F_MARKDOWN:
		for (size_t i = 0; i < r->nt; i++) {
			if (i)
				mb_bprintf(&r->out, "\n\n");
			if (r->fmt == F_TEXT)
				text_table(r, &r->t[i]);
			else
				md_table(r, &r->t[i]);
			notes(r, &r->t[i]);
			stats_block(r, &r->t[i]);
		}
		explain_section(r);
		break;
	case F_CSV:
		mb_bprintf(&r->out, "host,ram,mem_bytes,banks,strategy,rodata,"
			   "accel,emulated,deterministic,options,n,warmups,"
			   "failed,skipped,median_ms,min_ms,p90_ms,mad_ms,"
			   "ci95_lo_ms,ci95_hi_ms,cv,delta_pct,noisy,note\n");
		each_point(r, NULL);
		break;
	case F_JSON:
		arr = json_array();
		root = json_pack("{s:s?,s:f,s:i,s:o}", "baseline",
				 r->have_baseline ? r->baseline : NULL,
				 "max_ci", r->max_ci, "resamples",
				 MB_BOOT_RESAMPLES, "points", arr);
		if (!root)
			mb_die("out of memory");
		each_point(r, arr);
		s = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
		if (!s)
			mb_die("out of memory");
		mb_bprintf(&r->out, "%s\n", s);
		free(s);
		json_decref(root);
		break;
	}
}

static const struct mb_opt report_opts[] = {
	MB_OPT("format", 'f', true, required_argument,
	       "text|markdown|csv|json", MB_ARG_CHOICE,
	       "text|markdown|csv|json", "Plain ASCII for an email (default), "
	       "markdown, CSV or JSON."),
	MB_OPT("baseline", 'b', true, required_argument, "STRATEGY",
	       MB_ARG_STRATEGY, NULL, "The strategy the deltas are against "
	       "(default base)."),
	MB_OPT("max-ci", 'c', false, required_argument, "PCT", MB_ARG_NONE,
	       NULL, "Star a cell whose 95% confidence interval is wider than "
	       "this share of its median (default 10%)."),
	MB_OPT("output", 'o', true, required_argument, "FILE", MB_ARG_FILE,
	       NULL, "Write to FILE (atomically) instead of standard output."),
	MB_OPT_HELP,
	MB_OPT_END
};

const struct mb_cmd mb_report_cmd = {
	.name = "report",
	.summary = "the cover-letter table: strategies by host and RAM",
	.synopsis = "FILE...",
	.text = "Prints the table of the linear-map series' cover letters "
		"from run records (files or directories of results.jsonl): "
		"strategies by host x RAM, \"ms (delta%)\" against the "
		"baseline, the median of the runs with warm-ups left out. "
		"EMULATED columns say so; cells whose 95% CI is too wide are "
		"starred. Then every cell's median, min, p90, MAD, bootstrap CI "
		"and CV, and where the time goes (mapbench-explain(1)). Records "
		"of several machines become columns of one table.",
	.opts = report_opts,
};

int mb_cmd_report(int argc, char **argv)
{
	struct mb_getopt gopt = { 0 };
	struct rep r = { .baseline = "base", .max_ci = 0.10 };
	struct mb_runset set = { 0 };
	const char *out = NULL;
	bool base_given = false;
	int opt, ret = MB_EXIT_OK;
	char err[512];

	while ((opt = mb_cli_getopt(&mb_report_cmd, &gopt, argc, argv,
				     MB_EXIT_USAGE)) != -1) {
		switch (opt) {
		case 'f':
			if (!strcmp(optarg, "text"))
				r.fmt = F_TEXT;
			else if (!strcmp(optarg, "markdown"))
				r.fmt = F_MARKDOWN;
			else if (!strcmp(optarg, "csv"))
				r.fmt = F_CSV;
			else if (!strcmp(optarg, "json"))
				r.fmt = F_JSON;
			else
				mb_die("--format: '%s' is not text, markdown, "
				       "csv or json", optarg);
			break;
		case 'b':
			r.baseline = optarg;
			base_given = true;
			break;
		case 'c':
			if (mb_parse_percent(optarg, &r.max_ci) ||
			    r.max_ci <= 0 || r.max_ci > 10)
				mb_die("--max-ci: '%s' is not a percentage "
				       "(e.g. 10%%)", optarg);
			break;
		case 'o':
			out = optarg;
			break;
		}
	}
	if (optind == argc) {
		mb_usage_synopsis(&mb_report_cmd, stderr);
		return MB_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++)
		if (mb_runs_load(&set, argv[i], err, sizeof(err)))
			mb_die("%s", err);
	if (mb_group_runs(&set, 0, &r.g))
		mb_die("out of memory");
	r.set = &set;
	build_tables(&r);
	if (base_given && !r.have_baseline)
		mb_die("--baseline: no runs of strategy '%s' in the input",
		       r.baseline);
	emit(&r);
	if (r.out.oom)
		mb_die("out of memory");
	if (out && mb_write_atomic(out, r.out.p, r.out.len, err,
				   sizeof(err))) {
		fprintf(stderr, "mapbench: %s\n", err);
		ret = MB_EXIT_VMM;
	} else if (!out && (fwrite(r.out.p, 1, r.out.len, stdout) != r.out.len
			    || fflush(stdout))) {
		fprintf(stderr, "mapbench: writing the report failed\n");
		ret = MB_EXIT_VMM;
	}
	for (size_t i = 0; i < r.nt; i++) {
		free(r.t[i].cols);
		free(r.t[i].rows);
	}
	free(r.t);
	mb_buf_free(&r.out);
	mb_groups_free(&r.g);
	mb_runs_free(&set);
	return ret;
}
