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
 * --predict's points are priced with each machine's prices, their
 * counts derived affinely from two counted sizes when the file lacks
 * them.  docs/ANALYSIS.md, "Explaining a published table".
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

/* ---- --predict: points the table lacks ------------------------------- */

#define MAX_PRED	32

/* A --predict point: its counts, exact or derived from two sizes. */
struct ppoint {
	struct cpoint c;
	uint64_t from[2];	/* the counted sizes derived from; 0: exact */
};

struct plist {
	struct ppoint v[MAX_PRED];
	size_t n;
};

/* One --predict item, STRATEGY@SIZE (cut at its '@'); no counts yet. */
static int parse_point(char *item, struct ppoint *p, char *err,
		       size_t errlen)
{
	char *at = strrchr(item, '@');

	if (!at || at == item || !at[1])
		return mb_errf(-1, err, errlen, "--predict: '%s' is not "
			       "STRATEGY@SIZE", item);
	*at++ = '\0';
	if (mb_strategy_from_name(item) < 0)
		return mb_errf(-1, err, errlen, "--predict: '%s@%s': '%s' is "
			       "no strategy (mapbench list)", item, at, item);
	if (mb_parse_size(at, &p->c.mem))
		return mb_errf(-1, err, errlen, "--predict: '%s@%s': '%s' is "
			       "not a size like 64G", item, at, at);
	snprintf(p->c.strategy, sizeof(p->c.strategy), "%s", item);
	return 0;
}

/* The comma-separated list of --predict; NULL is none. */
static int parse_predict(const char *list, struct plist *pl, char *err,
			 size_t errlen)
{
	char *s, *item, *next;
	int ret = 0;

	pl->n = 0;
	if (!list)
		return 0;
	s = strdup(list);
	if (!s)
		return mb_errf(-1, err, errlen, "out of memory");
	for (item = s; item && !ret; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		if (pl->n == MAX_PRED)
			ret = mb_errf(-1, err, errlen, "--predict: more than "
				      "%d points", MAX_PRED);
		else
			ret = parse_point(item, &pl->v[pl->n++], err, errlen);
	}
	free(s);
	return ret;
}

static uint64_t dist(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* q nearer to mem than p (a tie: the smaller size); any q beats no p. */
static bool nearer(const struct cpoint *q, const struct cpoint *p,
		   uint64_t mem)
{
	if (!p)
		return true;
	if (dist(q->mem, mem) != dist(p->mem, mem))
		return dist(q->mem, mem) < dist(p->mem, mem);
	return q->mem < p->mem;
}

/* The counts of s at the two sizes nearest to mem (first line of a
 * size, as find_counts()); -1 if s is counted at fewer than two. */
static int nearest_two(const struct cset *cs, const char *s, uint64_t mem,
		       const struct cpoint **a, const struct cpoint **b)
{
	*a = *b = NULL;
	for (size_t i = 0; i < cs->n; i++) {
		const struct cpoint *q = &cs->v[i];

		if (strcmp(q->strategy, s) || (*a && q->mem == (*a)->mem) ||
		    (*b && q->mem == (*b)->mem))
			continue;
		if (nearer(q, *a, mem)) {
			*b = *a;
			*a = q;
		} else if (nearer(q, *b, mem)) {
			*b = q;
		}
	}
	return *b ? 0 : -1;
}

/*
 * Each folded count of p, affine in the size through a and b
 * (interpolated or extrapolated); one below zero, extrapolating down
 * past a fixed part, is none.
 */
static void derive(struct ppoint *p, const struct cpoint *a,
		   const struct cpoint *b)
{
	double f = ((double)p->c.mem - (double)a->mem) /
		   ((double)b->mem - (double)a->mem);

	for (int j = 0; j < NR_FP; j++) {
		p->c.x[j] = a->x[j] + (b->x[j] - a->x[j]) * f;
		if (p->c.x[j] < 0)
			p->c.x[j] = 0;
	}
	p->from[0] = a->mem < b->mem ? a->mem : b->mem;
	p->from[1] = a->mem < b->mem ? b->mem : a->mem;
}

/* A size as tools/fit-counts.sh takes it: NG, else NM. */
static void counts_size(uint64_t mem, char *buf, size_t len)
{
	if (!(mem & ((1ull << 30) - 1)))
		snprintf(buf, len, "%" PRIu64 "G", mem >> 30);
	else
		snprintf(buf, len, "%" PRIu64 "M", mem >> 20);
}

/* p's counts: the file's at its size, else derived from two others. */
static int resolve_point(const struct cset *cs, struct ppoint *p,
			 const char *path, char *err, size_t errlen)
{
	const struct cpoint *e = find_counts(cs, p->c.strategy, p->c.mem);
	const struct cpoint *a, *b;
	char s1[32], s2[32];

	p->from[0] = p->from[1] = 0;
	if (e) {
		memcpy(p->c.x, e->x, sizeof(p->c.x));
		return 0;
	}
	if (!nearest_two(cs, p->c.strategy, p->c.mem, &a, &b)) {
		derive(p, a, b);
		return 0;
	}
	mb_format_size(p->c.mem, s1, sizeof(s1));
	counts_size(p->c.mem, s2, sizeof(s2));
	return mb_errf(-1, err, errlen, "%s: no counts for %s at %s, nor at "
		       "two other sizes (tools/fit-counts.sh \"%s\" \"%s\")",
		       path, p->c.strategy, s1, p->c.strategy, s2);
}

static int resolve_predict(const struct cset *cs, struct plist *pl,
			   const char *path, char *err, size_t errlen)
{
	for (size_t i = 0; i < pl->n; i++)
		if (resolve_point(cs, &pl->v[i], path, err, errlen))
			return -1;
	return 0;
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

/* What a fit reads and how it writes, for every machine alike. */
struct fit_in {
	const struct table *t;		/* the table fitted */
	const struct table *k;		/* --check's, or NULL */
	const struct cset *cs;
	const struct plist *pl;		/* --predict's points */
	const char *path;		/* the table's */
	bool csv;
};

/* How near a set of cells comes: the largest |relative error|, where. */
struct tally {
	size_t n, without;	/* cells with counts, without */
	double worst;		/* its relative error, signed */
	const char *row;
	uint64_t mem;
};

static void tally_add(struct tally *y, const char *row, uint64_t mem,
		      double e)
{
	if (!y->n++ || fabs(e) > fabs(y->worst)) {
		y->worst = e;
		y->row = row;
		y->mem = mem;
	}
}

/* " within 3.5% (worst: batch-barriers 256G -3.5%)" */
static void tally_print(struct mb_buf *b, const struct tally *y)
{
	char s[32];

	mb_format_size(y->mem, s, sizeof(s));
	mb_bprintf(b, " within %.1f%% (worst: %s %s %+.1f%%)",
		   100 * fabs(y->worst), y->row, s, 100 * y->worst);
}

static void fitted_summary(struct mb_buf *b, const struct tally *y)
{
	mb_bprintf(b, "  the fit reproduces all %zu cells", y->n);
	tally_print(b, y);
	mb_bprintf(b, "\n");
}

static void check_summary(struct mb_buf *b, const struct tally *y)
{
	mb_bprintf(b, "  the other table: ");
	if (y->n) {
		mb_bprintf(b, "%zu cell%s with counts", y->n,
			   y->n == 1 ? "" : "s");
		tally_print(b, y);
		if (y->without)
			mb_bprintf(b, ", %zu without counts", y->without);
	} else {
		mb_bprintf(b, "no cell with counts, %zu without", y->without);
	}
	mb_bprintf(b, "\n");
}

/* One cell of the --check table set against the fitted prices. */
static void check_cell(const struct fit_in *in, const char *mach, size_t r,
		       size_t c, const double *beta, struct tally *y,
		       struct mb_buf *b)
{
	const struct table *k = in->k;
	const struct cpoint *p = find_counts(in->cs, k->row[r], k->mem[c]);
	double pr = p ? predict(p, beta) : 0, ms = k->ms[r][c];
	char s1[32], s2[32];

	mb_format_size(k->mem[c], s2, sizeof(s2));
	if (in->csv) {
		if (!p)
			return;
		csv_q(b, mach);
		mb_bprintf(b, "check,");
		csv_q(b, k->row[r]);
		mb_bprintf(b, "%s,%.6g,%.6g,%.4f\n", s2, pr, ms, pr / ms - 1);
		return;
	}
	if (!p) {
		y->without++;
		mb_bprintf(b, "  %-16s %-8s %10g %10s %8s\n", k->row[r], s2,
			   ms, "-", "no counts");
		return;
	}
	tally_add(y, k->row[r], k->mem[c], pr / ms - 1);
	fmt_ms(pr, s1, sizeof(s1));
	mb_bprintf(b, "  %-16s %-8s %10g %10s %+7.1f%%\n", k->row[r], s2, ms,
		   s1, 100 * (pr / ms - 1));
}

/* The --check table's cells of this machine, and how near they come. */
static void check_machine(const struct fit_in *in, const char *mach,
			  const double *beta, struct mb_buf *b)
{
	const struct table *k = in->k;
	struct tally y = { 0 };
	bool head = false;

	for (size_t c = 0; c < k->ncols; c++) {
		if (strcmp(k->mach[c], mach))
			continue;
		for (size_t r = 0; r < k->nrows; r++) {
			if (k->ms[r][c] < 0)
				continue;
			if (!head && !in->csv)
				mb_bprintf(b, "  checked against the other "
					   "table:\n");
			head = true;
			check_cell(in, mach, r, c, beta, &y, b);
		}
	}
	if (head && !in->csv)
		check_summary(b, &y);
}

/* The machine's columns of the table, by index; how many. */
static size_t machine_cols(const struct table *t, const char *mach,
			   size_t *cols)
{
	size_t nc = 0;

	for (size_t c = 0; c < t->ncols; c++)
		if (!strcmp(t->mach[c], mach))
			cols[nc++] = c;
	return nc;
}

/* A cell's equation, divided by its time (the relative error). */
static int fit_rows(const struct fit_in *in, const size_t *cols, size_t nc,
		    double a[][NR_FP], double *y, size_t *m, char *err,
		    size_t errlen)
{
	const struct table *t = in->t;

	*m = 0;
	for (size_t i = 0; i < nc; i++)
		for (size_t r = 0; r < t->nrows; r++) {
			const struct cpoint *p;
			size_t c = cols[i];

			if (t->ms[r][c] < 0)
				continue;
			p = find_counts(in->cs, t->row[r], t->mem[c]);
			if (!p)
				return mb_errf(-1, err, errlen,
					       "%s: no counts for %s at %s "
					       "(tools/fit-counts.sh)",
					       in->path, t->row[r], t->col[c]);
			for (int j = 0; j < NR_FP; j++)
				a[*m][j] = p->x[j] / t->ms[r][c];
			y[(*m)++] = 1.0;
		}
	return 0;
}

/* The machine's prices, its number of cells and rms relative error. */
static int fit_prices(const struct fit_in *in, const char *mach,
		      const size_t *cols, size_t nc, double *beta, size_t *m,
		      double *rms, char *err, size_t errlen)
{
	static double a[MAX_ROWS * MAX_COLS][NR_FP];
	double y[MAX_ROWS * MAX_COLS], ss = 0;

	if (fit_rows(in, cols, nc, a, y, m, err, errlen))
		return -1;
	if (*m < NR_FP)
		return mb_errf(-1, err, errlen,
			       "%s: machine '%s' has %zu cells, the fit needs "
			       "at least %d", in->path, *mach ? mach : "-",
			       *m, NR_FP);
	if (nnls(a, y, *m, beta))
		return mb_errf(-1, err, errlen,
			       "%s: machine '%s': the counts cannot tell the "
			       "prices apart", in->path, mach);
	for (size_t r = 0; r < *m; r++) {
		double e = 1.0;

		for (int j = 0; j < NR_FP; j++)
			e -= a[r][j] * beta[j];
		ss += e * e;
	}
	*rms = sqrt(ss / *m);
	return 0;
}

static void print_prices(const struct fit_in *in, const char *mach,
			 size_t m, double rms, const double *beta,
			 struct mb_buf *b)
{
	if (in->csv) {
		for (int j = 0; j < NR_FP; j++) {
			csv_q(b, mach);
			mb_bprintf(b, "price,%s,,%.6g,,\n", fp_names[j],
				   beta[j] * 1e6);
		}
		return;
	}
	mb_bprintf(b, "Machine '%s': %zu cells, rms relative error %.1f%%\n"
		   "  fitted price per op, ns:", mach, m, 100 * rms);
	for (int j = 0; j < NR_FP; j++)
		mb_bprintf(b, "  %s %.4g", fp_names[j], beta[j] * 1e6);
	mb_bprintf(b, "\n\n  %-16s %-8s %10s %10s %8s\n", "strategy", "RAM",
		   "measured", "fitted", "error");
}

/* Every fitted cell, measured against fitted; the tally of them. */
static void print_cells(const struct fit_in *in, const char *mach,
			const size_t *cols, size_t nc, const double *beta,
			struct tally *y, struct mb_buf *b)
{
	const struct table *t = in->t;
	char s1[32], s2[32];

	for (size_t i = 0; i < nc; i++)
		for (size_t r = 0; r < t->nrows; r++) {
			size_t c = cols[i];
			double pr, ms = t->ms[r][c];

			if (ms < 0)
				continue;
			pr = predict(find_counts(in->cs, t->row[r], t->mem[c]),
				     beta);
			mb_format_size(t->mem[c], s2, sizeof(s2));
			tally_add(y, t->row[r], t->mem[c], pr / ms - 1);
			if (in->csv) {
				csv_q(b, mach);
				mb_bprintf(b, "cell,");
				csv_q(b, t->row[r]);
				mb_bprintf(b, "%s,%.6g,%.6g,%.4f\n", s2, pr,
					   ms, pr / ms - 1);
				continue;
			}
			fmt_ms(pr, s1, sizeof(s1));
			mb_bprintf(b, "  %-16s %-8s %10g %10s %+7.1f%%\n",
				   t->row[r], s2, ms, s1,
				   100 * (pr / ms - 1));
		}
}

/* Every strategy with counts at these sizes that the table lacks. */
static void print_others(const struct fit_in *in, const char *mach,
			 const size_t *cols, size_t nc, const double *beta,
			 struct mb_buf *b)
{
	char s1[32], s2[32];

	for (size_t k = 0; k < in->cs->n; k++) {
		const struct cpoint *p = &in->cs->v[k];
		bool here = false;

		if (in_table(in->t, p->strategy))
			continue;
		for (size_t i = 0; i < nc; i++)
			if (in->t->mem[cols[i]] == p->mem)
				here = true;
		if (!here)
			continue;
		mb_format_size(p->mem, s2, sizeof(s2));
		if (in->csv) {
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
}

/* The fitted table's cell of mach for strategy at mem: ms, or < 0. */
static double table_cell(const struct table *t, const char *mach,
			 const char *strategy, uint64_t mem)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (strcmp(t->mach[c], mach) || t->mem[c] != mem)
			continue;
		for (size_t r = 0; r < t->nrows; r++)
			if (!strcmp(t->row[r], strategy))
				return t->ms[r][c];
	}
	return -1;
}

/* One --predict point with the machine's prices; where its counts are
 * (and the table's time, when the point is one of its cells). */
static void print_point(const struct fit_in *in, const char *mach,
			const struct ppoint *p, const double *beta,
			struct mb_buf *b)
{
	char s1[32], s2[32], f1[32], f2[32], m[32] = "-";
	double ms = table_cell(in->t, mach, p->c.strategy, p->c.mem);

	mb_format_size(p->c.mem, s2, sizeof(s2));
	if (in->csv) {
		csv_q(b, mach);
		mb_bprintf(b, "predict,");
		csv_q(b, p->c.strategy);
		mb_bprintf(b, "%s,%.6g,,\n", s2, predict(&p->c, beta));
		return;
	}
	fmt_ms(predict(&p->c, beta), s1, sizeof(s1));
	if (ms >= 0)
		snprintf(m, sizeof(m), "%g", ms);
	mb_bprintf(b, "  %-16s %-8s %10s %10s ", p->c.strategy, s2, m, s1);
	if (!p->from[0]) {
		mb_bprintf(b, "exact counts\n");
		return;
	}
	mb_format_size(p->from[0], f1, sizeof(f1));
	mb_format_size(p->from[1], f2, sizeof(f2));
	mb_bprintf(b, "from counts at %s, %s\n", f1, f2);
}

static void print_predict(const struct fit_in *in, const char *mach,
			  const double *beta, struct mb_buf *b)
{
	if (!in->pl->n)
		return;
	if (!in->csv)
		mb_bprintf(b, "  predicted (--predict):\n");
	for (size_t i = 0; i < in->pl->n; i++)
		print_point(in, mach, &in->pl->v[i], beta, b);
}

/* One machine: its columns, the fit, its cells, the predictions. */
static int fit_machine(const struct fit_in *in, const char *mach,
		       struct mb_buf *b, char *err, size_t errlen)
{
	size_t cols[MAX_COLS], nc, m;
	struct tally y = { 0 };
	double beta[NR_FP], rms;

	nc = machine_cols(in->t, mach, cols);
	if (fit_prices(in, mach, cols, nc, beta, &m, &rms, err, errlen))
		return -1;
	print_prices(in, mach, m, rms, beta, b);
	print_cells(in, mach, cols, nc, beta, &y, b);
	print_others(in, mach, cols, nc, beta, b);
	if (!in->csv)
		fitted_summary(b, &y);
	print_predict(in, mach, beta, b);
	if (in->k)
		check_machine(in, mach, beta, b);
	if (!in->csv)
		mb_bprintf(b, "\n");
	return 0;
}

static void print_title(const char *table, bool csv, struct mb_buf *b)
{
	if (csv)
		mb_bprintf(b, "machine,kind,strategy,ram,ms,measured_ms,"
			   "rel_error\n");
	else
		mb_bprintf(b, "Unit costs fitted to %s (non-negative least "
			   "squares of the relative error,\nper machine; "
			   "prices: docs/ANALYSIS.md, \"Explaining a published "
			   "table\")\n\n", table);
}

/* Every machine of in->t, each fitted once, in the table's order. */
static int fit_all(const struct fit_in *in, struct mb_buf *b, char *err,
		   size_t errlen)
{
	const struct table *t = in->t;

	for (size_t c = 0; c < t->ncols; c++) {
		bool seen = false;

		for (size_t d = 0; d < c; d++)
			if (!strcmp(t->mach[d], t->mach[c]))
				seen = true;
		if (!seen && fit_machine(in, t->mach[c], b, err, errlen))
			return -1;
	}
	return 0;
}

int mb_fit_table(const char *table, const char *check, const char *counts,
		 const char *predict, bool csv, struct mb_buf *b, char *err,
		 size_t errlen)
{
	struct table *k = check ? malloc(sizeof(*k)) : NULL;
	struct table *t = malloc(sizeof(*t));
	struct cset *cs = malloc(sizeof(*cs));
	struct plist *pl = malloc(sizeof(*pl));
	struct fit_in in = {
		.t = t, .k = k, .cs = cs, .pl = pl, .path = table, .csv = csv,
	};
	int ret = -1;

	if (!t || !cs || !pl || (check && !k)) {
		mb_errf(-1, err, errlen, "out of memory");
		goto out;
	}
	if (parse_predict(predict, pl, err, errlen) ||
	    mb_fit_table_load(table, t, err, errlen) ||
	    (check && mb_fit_table_load(check, k, err, errlen)) ||
	    counts_load(counts, cs, err, errlen) ||
	    resolve_predict(cs, pl, counts, err, errlen))
		goto out;
	print_title(table, csv, b);
	ret = fit_all(&in, b, err, errlen);
out:
	free(k);
	free(t);
	free(cs);
	free(pl);
	return ret;
}
