/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The account of a run's time (account.c): every counted op charged to
 * exactly one unit -- a direct unit (a fixmap pair, a barrier, a TLB
 * flush, a page zeroed, a memblock allocation, ...) or a code unit (a PTE
 * written, a 64K window, a walk, ...) -- and the code units priced from
 * the run's probes.  The run side writes the prices into the record's
 * calibration; explain multiplies them out.  docs/ANALYSIS.md, "The
 * account".
 */
#ifndef MAPBENCH_ACCOUNT_H
#define MAPBENCH_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include <mapbench/abi.h>

extern const char *const mb_unit_names[MB_NR_UNITS];
extern const char *const mb_code_names[MB_NR_CODES];
extern const char *const mb_store_names[MB_NR_STORES];
extern const char *const mb_counter_names[MB_NR_CTRS];

/* What a count vector (MB_NR_CTRS, the record's counter order) buys. */
struct mb_charge {
	uint64_t unit[MB_NR_UNITS];	/* ops of each direct unit */
	uint64_t code[MB_NR_CODES];	/* events of each code unit */
	uint64_t unpriced;		/* counted ops no unit took (0) */
};

void mb_account_charge(const uint64_t *counts, unsigned int page_shift,
		       struct mb_charge *ch);

/* A code unit's price, and how the probes settled it. */
enum mb_code_state {
	MB_CODE_UNPROBED,	/* no probe has the event: price 0 */
	MB_CODE_SOLVED,
	MB_CODE_MERGED,		/* the probes move it only with other
				 * units: they price it, this one is 0 */
	MB_CODE_BOUND,		/* the non-negative fit holds it at 0 */
};

struct mb_code_prices {
	int64_t pt[MB_NR_CODES];	/* picoticks per event */
	enum mb_code_state state[MB_NR_CODES];
	unsigned int probes;		/* probes used */
	double rms_pt;			/* fit's residual over the probes */
};

/*
 * The code units' prices from r's probes: probe time less its direct
 * units, least squares over the code units' counts (Gram-Schmidt in
 * MB_CODE_LIST order; a unit the probes cannot tell from earlier ones
 * is MERGED); nonneg (a timed run): the best prices that are all >= 0,
 * a unit held at 0 BOUND.  Only the probes: never the run's own timed
 * window.  Returns -1 when r has fewer probes than 2.
 */
int mb_account_prices(const struct mb_result *r, bool nonneg,
		      struct mb_code_prices *out);

extern const char *const mb_code_state_names[];

#endif /* MAPBENCH_ACCOUNT_H */
