/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * host/analysis/: the analysis side of mapbench -- the matrix runner,
 * result files read back, statistics, the cover-letter table, plots and
 * the regression gate.  None of it touches a VM: the runner starts
 * `mapbench run` children, everything else reads their JSON.  Below it:
 * the run side's names and defaults (../record.h, ../options.h), matrix
 * configs (../config.h), whether /dev/kvm is usable (../accel.h) and the
 * base layer (../util.h); never the VMM (../kvm/, tests/unit/archdoc.sh).
 * Above it: the CLI (../cli.h) and the lab (../lab/).
 */
#ifndef MAPBENCH_ANALYSIS_H
#define MAPBENCH_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mapbench/abi.h>
#include "util.h"
#include "record.h"
#include "account.h"

/* ---- stats.c --------------------------------------------------------- */

#define MB_BOOT_RESAMPLES	10000
/* "mapbench" in ASCII */
#define MB_BOOT_SEED		0x6d617062656e6368ULL

struct mb_stats {
	size_t n;
	double median, min, max, p90, mad, mean, sd, cv;
	double ci_lo, ci_hi;		/* 95% bootstrap CI of the median */
};

/* splitmix64: tiny, and trivially reproduced by the fixture generator. */
uint64_t mb_rng_next(uint64_t *state);
/* Linear interpolation between order statistics (numpy's default). */
double mb_quantile(const double *sorted, size_t n, double q);
double mb_median_sorted(const double *sorted, size_t n);
/* Percentile bootstrap of the median; deterministic for a given seed. */
int mb_bootstrap_ci(const double *x, size_t n, unsigned int resamples,
		    uint64_t seed, double level, double *lo, double *hi);
/* Everything in struct mb_stats; x need not be sorted.  -1: no memory. */
int mb_stats_compute(const double *x, size_t n, struct mb_stats *st);

struct mb_mwu {
	double u;			/* U of the first sample */
	double p;			/* two-sided p-value */
	bool exact;			/* exact distribution, else normal */
};
/* Mann-Whitney U test, as scipy.stats.mannwhitneyu(two-sided). */
int mb_mannwhitney(const double *x, size_t nx, const double *y, size_t ny,
		   struct mb_mwu *res);

/* ---- results.c: result files ----------------------------------------- */


enum mb_run_outcome {
	MB_OUT_OK,
	MB_OUT_FAILED,
	MB_OUT_SKIPPED,
};

/* The suffix of a bbml2-* run's strategy forced with --force-bbml2
 * (options.force_bbml2): "bbml2-blocks (forced)" in every table, plot
 * and comparison. */
#define MB_FORCED	" (forced)"

/* One run as the analysis sees it: the fields it needs, nothing else. */
struct mb_run {
	const char *file;		/* the runset owns it */
	unsigned int line;
	char host[64];			/* matrix.host or cpu_model */
	char strategy[32];
	char rodata[8];
	char accel[8];			/* kvm | tcg */
	char layout[48];		/* --layout as given, or "" */
	char opts[160];			/* other options, "k=v k=v" */
	char point[256];		/* matrix.point, or "" */
	char reason[200];		/* failed / skipped: why */
	uint64_t mem;			/* total guest RAM, bytes */
	unsigned int nbanks;
	unsigned int page_shift;	/* the granule built, 12 if unsaid */
	bool emulated, deterministic, warmup;
	enum mb_run_outcome outcome;
	int run_idx;			/* matrix.run, or -1 */
	double ms;			/* timing.ticks / cntfrq */
	uint64_t ticks;
	bool have_counts;
	uint64_t counts[MB_NR_COUNTERS];
	/* the final map: the digest of a run record, or of a kernel-check
	 * side, and a kernel-check side's first runs */
	bool have_digest;
	uint64_t digest;
	unsigned int nhead;
	char head[MB_MAP_HEAD][MB_MAP_LINE];
	/* calibration: unit costs and the floor (absent: have_cal false) */
	bool have_cal;
	bool old_cal;			/* a calibration from before ABI 9 */
	uint64_t cntfrq;		/* timing.cntfrq, 0 if absent */
	uint64_t unit_pt[MB_NR_UNITS];	/* direct units, picoticks per op */
	int64_t code_pt[MB_NR_CODES];	/* code units, picoticks per event */
	uint64_t floor_ticks;
};

struct mb_runset {
	struct mb_run *v;
	size_t n, cap;
	char **files;
	size_t nfiles;
};


/* Append every record of a JSON-lines file (or one JSON document); a
 * directory means its results.jsonl. */
int mb_runs_load(struct mb_runset *set, const char *path, char *err,
		 size_t errlen);
void mb_runs_free(struct mb_runset *set);
/* Fill r from one parsed record (exposed for the matrix runner). */
struct json_t;
int mb_run_from_json(struct json_t *o, struct mb_run *r, char *err,
		     size_t errlen);

/* A point of the comparison: every run with the same key. */
struct mb_group {
	const struct mb_run *key;	/* first run: its key fields */
	double *ms;			/* measured, ok, non-warm-up runs */
	size_t n, cap;
	size_t warmups, failed, skipped;
	const char *why;		/* a failure or skip reason */
	const struct mb_run *counted;	/* an ok run with counts */
	struct mb_stats st;
};

struct mb_groups {
	struct mb_group *v;
	size_t n, cap;
};

enum mb_key_flags {
	MB_KEY_NO_HOST = 1,		/* compare --ignore-host */
};

/* Group runs by host x layout x strategy x options. */
int mb_group_runs(const struct mb_runset *set, unsigned int flags,
		  struct mb_groups *g);
void mb_groups_free(struct mb_groups *g);
bool mb_same_key(const struct mb_run *a, const struct mb_run *b,
		 unsigned int flags);
/* "rodata=full tcg EMULATED deterministic backing=thp" */
void mb_options_label(const struct mb_run *r, char *buf, size_t len);
/* "16G" or "16G (2 banks)" */
void mb_layout_label(const struct mb_run *r, char *buf, size_t len);
/* Sort order of strategies: mapbench list's, unknown names after. */
int mb_strategy_rank(const char *name);

/* ---- units.c ---------------------------------------------------------- */

/* "42%", "42", "0.5%" -> 0.42 etc.; -1 on junk. */
int mb_parse_percent(const char *s, double *out);
/* "1.25", "12.5", "151" -- the table's ms */
void mb_format_ms(double ms, char *buf, size_t len);

/* ---- explain.c: where the time goes ----------------------------------- */

/* Counters by name: mb_run.counts[MB_CTR_x] */
/*
 * The account (../account.h) shown in classes: each direct and code unit
 * belongs to one (docs/ANALYSIS.md, "The account").
 */
#define MB_XCLASS_LIST(X)	\
	X(ptes)			\
	X(walk)			\
	X(tables)		\
	X(fixmap)		\
	X(barriers)		\
	X(tlb)			\
	X(split)		\
	X(tmpmap)

enum mb_xclass {
#define MB_XC_ENUM(name) MB_XC_##name,
	MB_XCLASS_LIST(MB_XC_ENUM)
#undef MB_XC_ENUM
	MB_NR_XCLASS
};

extern const char *const mb_xclass_names[MB_NR_XCLASS];
enum mb_xclass mb_unit_class(unsigned int unit);
enum mb_xclass mb_code_class(unsigned int code);

struct mb_explain {
	struct mb_charge ch;		/* ops of every unit */
	int64_t unit_pt[MB_NR_UNITS];	/* ops x price, picoticks */
	int64_t code_pt[MB_NR_CODES];
	int64_t pt[MB_NR_XCLASS];	/* per class */
	int64_t predicted_pt;
	uint64_t measured_pt;
	int64_t residual_pt;		/* measured - predicted */
	uint64_t floor_ticks, cntfrq;
	int share_pm[MB_NR_XCLASS];	/* of measured, 0.1%, rounded */
	int residual_pm;		/* the residual's, 0.1%, rounded */
};

struct mb_xpoint {
	const struct mb_run *run;	/* the group's median run */
	const struct mb_group *group;
	struct mb_explain x;
};

/* r's account at cal's prices (cal: r, or its point's calibrated run) */
int mb_explain_run(const struct mb_run *r, const struct mb_run *cal,
		   struct mb_explain *x, char *err, size_t errlen);
/* One point per group with counts, sorted for the tables.  need_cal
 * (explain): every one must decompose, else the error; otherwise
 * (report, plot) points without unit costs are left out. */
int mb_explain_points(const struct mb_runset *set, const struct mb_groups *g,
		      bool need_cal, struct mb_xpoint **out, size_t *nout,
		      char *err, size_t errlen);
struct mb_buf;
void mb_explain_text(struct mb_buf *b, const struct mb_xpoint *p, size_t n);
void mb_explain_csv(struct mb_buf *b, const struct mb_xpoint *p, size_t n);

/* ---- fit_table.c: a table of times measured elsewhere ----------------- */

#define MB_FIT_MAX_COLS	16
#define MB_FIT_MAX_ROWS	32

struct mb_fit_table {
	char col[MB_FIT_MAX_COLS][64];	/* header as given */
	char mach[MB_FIT_MAX_COLS][64];	/* header without its size */
	uint64_t mem[MB_FIT_MAX_COLS];
	size_t ncols;
	char row[MB_FIT_MAX_ROWS][32];	/* strategies */
	double ms[MB_FIT_MAX_ROWS][MB_FIT_MAX_COLS];	/* < 0: empty */
	size_t nrows;
};

int mb_fit_table_read(FILE *f, const char *name, struct mb_fit_table *t,
		      char *err, size_t errlen);
int mb_fit_table_load(const char *path, struct mb_fit_table *t, char *err,
		      size_t errlen);

/* ---- fit.c: unit costs fitted to a table measured elsewhere ----------- */

/*
 * check: another table (or NULL) the fitted prices are set against;
 * predict: "STRATEGY@SIZE,..." (or NULL), points predicted per machine.
 */
int mb_fit_table(const char *table, const char *check, const char *counts,
		 const char *predict, bool csv, struct mb_buf *b, char *err,
		 size_t errlen);

#endif /* MAPBENCH_ANALYSIS_H */
