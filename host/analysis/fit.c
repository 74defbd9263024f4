// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench explain --fit: unit costs fitted to a table measured without
 * mapbench (a cover letter's map_mem() times, strategy x machine+size),
 * from the exact op counts of each strategy at each size.  The counts
 * come from a file of JSON lines (tools/fit-counts.sh runs the unit
 * tier's engine, build/unit/mapsim, for each point; result records with
 * `counts` work as well).  Ops are charged to classes as explain does,
 * then folded to the few prices a table of totals can tell apart; the
 * fit is non-negative least squares of the relative error, per machine.
 * docs/ANALYSIS.md, "Explaining a published table".
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* The fitted prices (fold() says which ops each one prices). */
enum fit_param { FP_FLUSH, FP_SYNC, FP_STORE, FP_BARRIER, NR_FP };
static const char *const fp_names[NR_FP] = {
	"flush", "sync", "store", "barrier",
};

#define MAX_COLS	MB_FIT_MAX_COLS
#define MAX_ROWS	MB_FIT_MAX_ROWS
#define MAX_PTS		512
#define table		mb_fit_table

struct cpoint {
	char strategy[32];
	uint64_t mem;
	double x[NR_FP];
};

struct cset {
	struct cpoint v[MAX_PTS];
	size_t n;
};

/* ---- the counts ------------------------------------------------------ */

/*
 * Ops per fitted price, from the counters: every counted op in exactly
 * one.  A TLB flush is its dsb ish (or dsb nsh) with the TLBIs it waits
 * for; a "dsb ishst; isb" pair wherever it is (after a descriptor store,
 * a fixmap map or clear) is one sync; the barriers left unpaired are
 * one "barrier" each; descriptor stores are "store", with the table
 * pages' zeroing and allocation folded in (their counts move with the
 * stores in every strategy, so a table of totals cannot part them).
 */
static void fold(const uint64_t *counts, double *x)
{
	uint64_t ishst = counts[MB_CTR_dsb_ishst], isb = counts[MB_CTR_isb];
	uint64_t sync = ishst < isb ? ishst : isb;

	x[FP_FLUSH] = (double)(counts[MB_CTR_dsb_ish] +
			       counts[MB_CTR_dsb_nsh]);
	x[FP_SYNC] = (double)sync;
	x[FP_STORE] = (double)(counts[MB_CTR_leaf_stores] +
			       counts[MB_CTR_table_stores]);
	x[FP_BARRIER] = (double)(ishst + isb - 2 * sync);
}

/* One line of the counts file: strategy, size, every counter. */
static int count_point(json_t *o, struct cpoint *p, const char *path,
		       unsigned int ln, char *err, size_t errlen)
{
	json_t *s = json_object_get(o, "strategy");
	json_t *c = json_object_get(o, "counts");
	json_t *m = json_object_get(o, "mem");
	uint64_t counts[MB_NR_COUNTERS];

	if (!json_is_string(s) || !json_is_object(c))
		return mb_errf(-1, err, errlen, "%s:%u: no 'strategy' and "
			       "'counts'", path, ln);
	snprintf(p->strategy, sizeof(p->strategy), "%s",
		 json_string_value(s));
	if (!m) {
		m = json_object_get(o, "ram");
		m = json_is_object(m) ? json_object_get(m, "total") : NULL;
	}
	p->mem = json_is_integer(m) && json_integer_value(m) > 0 ?
		 (uint64_t)json_integer_value(m) : 0;
	if (!p->mem)
		return mb_errf(-1, err, errlen, "%s:%u: no 'mem' or "
			       "'ram.total'", path, ln);
	/* the operation counters (to table_stores): fold() prices those;
	 * the code-path counters after them are the account's */
	memset(counts, 0, sizeof(uint64_t) * MB_NR_COUNTERS);
	for (unsigned int i = 0; i <= MB_CTR_table_stores; i++) {
		json_t *v = json_object_get(c, mb_counter_names[i]);

		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return mb_errf(-1, err, errlen, "%s:%u: counts.%s is "
				       "not a count", path, ln,
				       mb_counter_names[i]);
		counts[i] = json_integer_value(v);
	}
	fold(counts, p->x);
	return 0;
}

static int counts_load(const char *path, struct cset *cs, char *err,
		       size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned int ln = 0;
	int ret = 0;

	cs->n = 0;
	if (!f)
		return mb_errf(-1, err, errlen, "cannot read %s: %s", path,
			       strerror(errno));
	while (!ret && getline(&line, &cap, f) > 0) {
		json_error_t je;
		json_t *o;

		ln++;
		if (strspn(line, " \t\r\n") == strlen(line))
			continue;
		if (cs->n == MAX_PTS) {
			ret = mb_errf(-1, err, errlen, "%s:%u: more than %d "
				      "points", path, ln, MAX_PTS);
			break;
		}
		o = json_loads(line, 0, &je);
		if (!o) {
			ret = mb_errf(-1, err, errlen, "%s:%u: %s", path, ln,
				      je.text);
			break;
		}
		ret = count_point(o, &cs->v[cs->n], path, ln, err, errlen);
		if (!ret)
			cs->n++;
		json_decref(o);
	}
	free(line);
	fclose(f);
	if (!ret && !cs->n)
		ret = mb_errf(-1, err, errlen, "%s: no counts", path);
	return ret;
}

static const struct cpoint *find_counts(const struct cset *cs,
					const char *strategy, uint64_t mem)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].mem == mem && !strcmp(cs->v[i].strategy, strategy))
			return &cs->v[i];
	return NULL;
}

/* ---- the fit --------------------------------------------------------- */

/*
 * Least squares on the parameters in mask, by the normal equations
 * (at most NR_FP unknowns; Gaussian elimination with partial pivoting).
 * -1 if singular on that subset.
 */
static int solve(double a[][NR_FP], const double *y, size_t m,
		 unsigned int mask, double *beta)
{
	double ata[NR_FP][NR_FP + 1];
	int idx[NR_FP], k = 0;

	for (int j = 0; j < NR_FP; j++)
		if (mask & (1u << j))
			idx[k++] = j;
	memset(ata, 0, sizeof(ata));
	for (int i = 0; i < k; i++) {
		for (int j = 0; j < k; j++)
			for (size_t r = 0; r < m; r++)
				ata[i][j] += a[r][idx[i]] * a[r][idx[j]];
		for (size_t r = 0; r < m; r++)
			ata[i][k] += a[r][idx[i]] * y[r];
	}
	for (int c = 0; c < k; c++) {
		int p = c;

		for (int r = c + 1; r < k; r++)
			if (fabs(ata[r][c]) > fabs(ata[p][c]))
				p = r;
		if (fabs(ata[p][c]) < 1e-9 * (fabs(ata[c][c]) + 1e-300) ||
		    ata[p][c] == 0)
			return -1;
		for (int j = 0; j <= k; j++) {
			double t = ata[c][j];

			ata[c][j] = ata[p][j];
			ata[p][j] = t;
		}
		for (int r = 0; r < k; r++) {
			double f;

			if (r == c)
				continue;
			f = ata[r][c] / ata[c][c];
			for (int j = c; j <= k; j++)
				ata[r][j] -= f * ata[c][j];
		}
	}
	memset(beta, 0, NR_FP * sizeof(*beta));
	for (int i = 0; i < k; i++)
		beta[idx[i]] = ata[i][k] / ata[i][i];
	return 0;
}

/*
 * Non-negative least squares by enumeration: every subset of the
 * prices, solved unconstrained; the best whose prices are all >= 0.
 * With 4 prices that is 16 solves, and exact (the NNLS optimum is the
 * unconstrained optimum on its own support).
 */
static int nnls(double a[][NR_FP], const double *y, size_t m, double *beta)
{
	double best = INFINITY, b[NR_FP];
	bool found = false;

	for (unsigned int mask = 1; mask < (1u << NR_FP); mask++) {
		double ss = 0;
		bool ok = true;

		if (solve(a, y, m, mask, b))
			continue;
		for (int j = 0; j < NR_FP; j++)
			if (b[j] < 0)
				ok = false;
		if (!ok)
			continue;
		for (size_t r = 0; r < m; r++) {
			double e = y[r];

			for (int j = 0; j < NR_FP; j++)
				e -= a[r][j] * b[j];
			ss += e * e;
		}
		if (ss < best) {
			best = ss;
			memcpy(beta, b, sizeof(b));
			found = true;
		}
	}
	return found ? 0 : -1;
}

static double predict(const struct cpoint *p, const double *beta)
{
	double t = 0;

	for (int j = 0; j < NR_FP; j++)
		t += p->x[j] * beta[j];
	return t;
}

/* A CSV field from the table's text: quoted, quotes doubled. */
static void csv_q(struct mb_buf *b, const char *s)
{
	mb_bprintf(b, "\"");
	for (; *s; s++)
		mb_bprintf(b, *s == '"' ? "\"\"" : "%c", *s);
	mb_bprintf(b, "\",");
}

static void fmt_ms(double ms, char *buf, size_t len)
{
	mb_format_ms(ms < 0 ? 0 : ms, buf, len);
}

static bool in_table(const struct table *t, const char *s)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(t->row[i], s))
			return true;
	return false;
}

/* One machine: its columns, the cells with counts, the fit, the rest. */
static void check_machine(const struct table *k, const char *mach,
			  const struct cset *cs, const double *beta, bool csv,
			  struct mb_buf *b)
{
	bool head = false;
	char s1[32], s2[32];

	for (size_t c = 0; c < k->ncols; c++) {
		if (strcmp(k->mach[c], mach))
			continue;
		for (size_t r = 0; r < k->nrows; r++) {
			const struct cpoint *p;
			double pr;

			if (k->ms[r][c] < 0)
				continue;
			p = find_counts(cs, k->row[r], k->mem[c]);
			mb_format_size(k->mem[c], s2, sizeof(s2));
			if (csv) {
				if (!p)
					continue;
				csv_q(b, mach);
				mb_bprintf(b, "check,");
				csv_q(b, k->row[r]);
				mb_bprintf(b, "%s,%.6g,%.6g,%.4f\n", s2,
					   predict(p, beta), k->ms[r][c],
					   predict(p, beta) / k->ms[r][c] - 1);
				continue;
			}
			if (!head)
				mb_bprintf(b, "  checked against the other "
					   "table:\n");
			head = true;
			if (!p) {
				mb_bprintf(b, "  %-16s %-8s %10g %10s %8s\n",
					   k->row[r], s2, k->ms[r][c], "-",
					   "no counts");
				continue;
			}
			pr = predict(p, beta);
			fmt_ms(pr, s1, sizeof(s1));
			mb_bprintf(b, "  %-16s %-8s %10g %10s %+7.1f%%\n",
				   k->row[r], s2, k->ms[r][c], s1,
				   100 * (pr / k->ms[r][c] - 1));
		}
	}
}

static int fit_machine(const struct table *t, const struct table *k,
		       const char *mach, const struct cset *cs, bool csv,
		       struct mb_buf *b, const char *path, char *err,
		       size_t errlen)
{
	static double a[MAX_ROWS * MAX_COLS][NR_FP];
	double y[MAX_ROWS * MAX_COLS], beta[NR_FP], ss = 0;
	size_t m = 0, cols[MAX_COLS], nc = 0;
	char s1[32], s2[32];

	for (size_t c = 0; c < t->ncols; c++)
		if (!strcmp(t->mach[c], mach))
			cols[nc++] = c;
	for (size_t i = 0; i < nc; i++)
		for (size_t r = 0; r < t->nrows; r++) {
			const struct cpoint *p;
			size_t c = cols[i];

			if (t->ms[r][c] < 0)
				continue;
			p = find_counts(cs, t->row[r], t->mem[c]);
			if (!p)
				return mb_errf(-1, err, errlen,
					       "%s: no counts for %s at %s "
					       "(tools/fit-counts.sh)", path,
					       t->row[r], t->col[c]);
			/* relative error: each row divided by its time */
			for (int j = 0; j < NR_FP; j++)
				a[m][j] = p->x[j] / t->ms[r][c];
			y[m++] = 1.0;
		}
	if (m < NR_FP)
		return mb_errf(-1, err, errlen,
			       "%s: machine '%s' has %zu cells, the fit needs "
			       "at least %d", path, *mach ? mach : "-", m,
			       NR_FP);
	if (nnls(a, y, m, beta))
		return mb_errf(-1, err, errlen,
			       "%s: machine '%s': the counts cannot tell the "
			       "prices apart", path, mach);
	for (size_t r = 0; r < m; r++) {
		double e = 1.0;

		for (int j = 0; j < NR_FP; j++)
			e -= a[r][j] * beta[j];
		ss += e * e;
	}
	if (csv) {
		for (int j = 0; j < NR_FP; j++) {
			csv_q(b, mach);
			mb_bprintf(b, "price,%s,,%.6g,,\n", fp_names[j],
				   beta[j] * 1e6);
		}
	} else {
		mb_bprintf(b, "Machine '%s': %zu cells, rms relative error "
			   "%.1f%%\n  fitted price per op, ns:", mach, m,
			   100 * sqrt(ss / m));
		for (int j = 0; j < NR_FP; j++)
			mb_bprintf(b, "  %s %.4g", fp_names[j], beta[j] * 1e6);
		mb_bprintf(b, "\n\n  %-16s %-8s %10s %10s %8s\n", "strategy",
			   "RAM", "measured", "fitted", "error");
	}
	for (size_t i = 0; i < nc; i++)
		for (size_t r = 0; r < t->nrows; r++) {
			size_t c = cols[i];
			const struct cpoint *p;
			double pr;

			if (t->ms[r][c] < 0)
				continue;
			p = find_counts(cs, t->row[r], t->mem[c]);
			pr = predict(p, beta);
			mb_format_size(t->mem[c], s2, sizeof(s2));
			if (csv) {
				csv_q(b, mach);
				mb_bprintf(b, "cell,");
				csv_q(b, t->row[r]);
				mb_bprintf(b, "%s,%.6g,%.6g,%.4f\n", s2, pr,
					   t->ms[r][c],
					   pr / t->ms[r][c] - 1);
				continue;
			}
			fmt_ms(pr, s1, sizeof(s1));
			mb_bprintf(b, "  %-16s %-8s %10g %10s %+7.1f%%\n",
				   t->row[r], s2, t->ms[r][c], s1,
				   100 * (pr / t->ms[r][c] - 1));
		}
	/* every strategy with counts at these sizes that the table lacks */
	for (size_t k = 0; k < cs->n; k++) {
		const struct cpoint *p = &cs->v[k];
		bool here = false;

		if (in_table(t, p->strategy))
			continue;
		for (size_t i = 0; i < nc; i++)
			if (t->mem[cols[i]] == p->mem)
				here = true;
		if (!here)
			continue;
		mb_format_size(p->mem, s2, sizeof(s2));
		if (csv) {
			csv_q(b, mach);
			mb_bprintf(b, "predicted,");
			csv_q(b, p->strategy);
			mb_bprintf(b, "%s,%.6g,,\n", s2, predict(p, beta));
			continue;
		}
		fmt_ms(predict(p, beta), s1, sizeof(s1));
		mb_bprintf(b, "  %-16s %-8s %10s %10s %8s\n", p->strategy, s2,
			   "-", s1, "predicted");
	}
	if (k)
		check_machine(k, mach, cs, beta, csv, b);
	if (!csv)
		mb_bprintf(b, "\n");
	return 0;
}

int mb_fit_table(const char *table, const char *check, const char *counts,
		 bool csv, struct mb_buf *b, char *err, size_t errlen)
{
	struct table *k = check ? malloc(sizeof(*k)) : NULL;
	struct table *t = malloc(sizeof(*t));
	struct cset *cs = malloc(sizeof(*cs));
	int ret = -1;

	if (!t || !cs || (check && !k)) {
		mb_errf(-1, err, errlen, "out of memory");
		goto out;
	}
	if (mb_fit_table_load(table, t, err, errlen) ||
	    (check && mb_fit_table_load(check, k, err, errlen)) ||
	    counts_load(counts, cs, err, errlen))
		goto out;
	if (csv)
		mb_bprintf(b, "machine,kind,strategy,ram,ms,measured_ms,"
			   "rel_error\n");
	else
		mb_bprintf(b, "Unit costs fitted to %s (non-negative least "
			   "squares of the relative error,\nper machine; "
			   "prices: docs/ANALYSIS.md, \"Explaining a published "
			   "table\")\n\n", table);
	for (size_t c = 0; c < t->ncols; c++) {
		bool seen = false;

		for (size_t d = 0; d < c; d++)
			if (!strcmp(t->mach[d], t->mach[c]))
				seen = true;
		if (!seen && fit_machine(t, k, t->mach[c], cs, csv, b, table,
					 err, errlen))
			goto out;
	}
	ret = 0;
out:
	free(k);
	free(t);
	free(cs);
	return ret;
}
