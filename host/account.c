// SPDX-License-Identifier: GPL-2.0-only
/*
 * The account of a run's time: counts charged to units, code units
 * priced from the probes (account.h).
 */
#include <math.h>
#include <string.h>

#include "account.h"

const char *const mb_unit_names[MB_NR_UNITS] = {
#define MB_UNIT_NAME(name) [MB_UNIT_##name] = #name,
	MB_UNIT_LIST(MB_UNIT_NAME)
#undef MB_UNIT_NAME
};

const char *const mb_code_names[MB_NR_CODES] = {
#define MB_CODE_NAME(name) [MB_CODE_##name] = #name,
	MB_CODE_LIST(MB_CODE_NAME)
#undef MB_CODE_NAME
};

const char *const mb_store_names[MB_NR_STORES] = {
#define MB_STORE_NAME(name) [MB_STORE_##name] = #name,
	MB_STORE_LIST(MB_STORE_NAME)
#undef MB_STORE_NAME
};

const char *const mb_counter_names[MB_NR_CTRS] = {
#define MB_CTR_NAME(name) [MB_CTR_##name] = #name,
	MB_COUNTER_LIST(MB_CTR_NAME)
#undef MB_CTR_NAME
};

const char *const mb_code_state_names[] = {
	[MB_CODE_UNPROBED] = "unprobed",
	[MB_CODE_SOLVED] = "solved",
	[MB_CODE_MERGED] = "merged",
	[MB_CODE_BOUND] = "bound",
};

#define C(name)	(counts[MB_CTR_##name])

static uint64_t take(uint64_t *avail, uint64_t want)
{
	uint64_t n = *avail < want ? *avail : want;

	*avail -= n;
	return n;
}

/* The counter each code unit prices (-1: tables, map_mem, below). */
static const int code_counter[MB_NR_CODES] = {
	[MB_CODE_ptes] = MB_CTR_ptes,
	[MB_CODE_ptes_live] = MB_CTR_ptes_live,
	[MB_CODE_ptes_fill] = MB_CTR_ptes_fill,
	[MB_CODE_fills] = MB_CTR_fills,
	[MB_CODE_windows] = MB_CTR_windows,
	[MB_CODE_pmds] = MB_CTR_pmds,
	[MB_CODE_tables] = -1,
	[MB_CODE_blocks] = MB_CTR_blocks,
	[MB_CODE_walks] = MB_CTR_walks,
	[MB_CODE_pgds] = MB_CTR_pgds,
	[MB_CODE_puds] = MB_CTR_puds,
	[MB_CODE_cpmds] = MB_CTR_cpmds,
	[MB_CODE_pud_blocks] = MB_CTR_pud_blocks,
	[MB_CODE_splits] = MB_CTR_splits,
	[MB_CODE_split_scans] = MB_CTR_split_scans,
	[MB_CODE_cont_clears] = MB_CTR_cont_clears,
	[MB_CODE_tables_freed] = MB_CTR_tables_freed,
	[MB_CODE_lazy_flushes] = MB_CTR_lazy_flushes,
	[MB_CODE_lazy_clears] = MB_CTR_lazy_clears,
	[MB_CODE_tmp_ptes] = MB_CTR_tmp_ptes,
	[MB_CODE_tmp_windows] = MB_CTR_tmp_windows,
	[MB_CODE_tmp_pmds] = MB_CTR_tmp_pmds,
	[MB_CODE_tmp_tables] = MB_CTR_tmp_tables,
	[MB_CODE_tmp_blocks] = MB_CTR_tmp_blocks,
	[MB_CODE_tmp_walks] = MB_CTR_tmp_walks,
	[MB_CODE_tmp_pgds] = MB_CTR_tmp_pgds,
	[MB_CODE_tmp_puds] = MB_CTR_tmp_puds,
	[MB_CODE_tmp_cpmds] = MB_CTR_tmp_cpmds,
	[MB_CODE_tmp_pud_blocks] = MB_CTR_tmp_pud_blocks,
	[MB_CODE_map_mem] = -1,
};

static uint64_t code_events(const uint64_t *counts, unsigned int u)
{
	if (u == MB_CODE_tables)
		return C(tables_lm1) + C(tables_l0) + C(tables_l1) +
		       C(tables_l2) + C(tables_l3) - C(tmp_tables);
	if (u == MB_CODE_map_mem)
		return 1;
	return counts[code_counter[u]];
}

/*
 * Charge order, each unit taking what it owns out of what is left:
 *   fixmap_pair   __set_fixmap() maps with a clear of their own (the
 *                 lazy flush's clears are not __set_fixmap() calls):
 *                 2 dsb ishst, 2 isb, 1 tlbi vaale1is, 1 dsb ish each
 *   flush_all     flush_tlb_all(): dsb ishst, tlbi vmalle1is, dsb ish, isb
 *   flush_local   local_flush_tlb_all() (and the TTBR1 trampoline's):
 *                 tlbi vmalle1 with a dsb nsh and an isb, its dsb nshst
 *   ttbr          TTBR writes
 *   tlbi, dsb_ish what is left of each (the lazy and ranged flushes)
 *   dsb_ishst_isb a store's barrier pair, as many as both are left
 *   dsb_ishst, isb  the rest
 *   zero_page     bytes_zeroed / PAGE_SIZE
 *   pgtable_alloc memblock allocations
 *   free_scan     slots free_tables() scanned
 * Code units: their counters; tables is every level's tables but the
 * temporary map's (tmp_tables), map_mem one.  Descriptor stores are the code units that make them (a PTE, a
 * block, a fill, a split's 512).
 */
void mb_account_charge(const uint64_t *counts, unsigned int page_shift,
		       struct mb_charge *ch)
{
	uint64_t ishst = C(dsb_ishst), isb = C(isb), ish = C(dsb_ish);
	uint64_t tlbi = C(tlbi_vaale1is), nshst = C(dsb_nshst), nsh = C(dsb_nsh);
	uint64_t unmap = C(fixmap_unmap), pairs, *u = ch->unit, n;

	memset(ch, 0, sizeof(*ch));
	take(&unmap, C(lazy_clears));
	pairs = C(fixmap_map) < unmap ? C(fixmap_map) : unmap;
	u[MB_UNIT_fixmap_pair] = pairs;
	take(&ishst, 2 * pairs);
	take(&isb, 2 * pairs);
	take(&tlbi, pairs);
	take(&ish, pairs);
	n = u[MB_UNIT_flush_all] = C(tlbi_vmalle1is);
	take(&ishst, n);
	take(&ish, n);
	take(&isb, n);
	n = u[MB_UNIT_flush_local] = C(tlbi_vmalle1);
	take(&nshst, n);
	take(&nsh, n);
	take(&isb, n);
	u[MB_UNIT_ttbr] = C(ttbr_write);
	u[MB_UNIT_tlbi] = tlbi;
	u[MB_UNIT_dsb_ish] = ish;
	n = u[MB_UNIT_dsb_ishst_isb] = ishst < isb ? ishst : isb;
	u[MB_UNIT_dsb_ishst] = ishst - n;
	u[MB_UNIT_isb] = isb - n;
	u[MB_UNIT_zero_page] = C(bytes_zeroed) >> (page_shift ? page_shift : 12);
	u[MB_UNIT_pgtable_alloc] = C(allocs);
	u[MB_UNIT_free_scan] = C(free_scans);
	ch->unpriced = nshst + nsh;

	for (unsigned int i = 0; i < MB_NR_CODES; i++)
		ch->code[i] = code_events(counts, i);
}

/* A probe's counts charged; a temporary map's probe is no map_mem()
 * call. */
static void probe_charge(const struct mb_result *r, const struct mb_probe *p,
			 uint64_t *counts, struct mb_charge *ch)
{
	for (unsigned int i = 0; i < MB_NR_CTRS; i++)
		counts[i] = p->counts[i];
	mb_account_charge(counts, r->page_shift, ch);
	if (p->kind == MB_PROBE_TMP_MAP)
		ch->code[MB_CODE_map_mem] = 0;
}

/* The probes' system: y = probe time less its direct units, x = its
 * code units' events. */
struct probe_sys {
	double x[MB_NR_CODES][MB_MAX_PROBES];
	double y[MB_MAX_PROBES];
	unsigned int np;
};

/*
 * Least squares by modified Gram-Schmidt over the code units in use[]
 * that the probes have, in MB_CODE_LIST order: a column whose remainder
 * after the kept ones is below 1e-9 of its length is MERGED.  Then
 * R b = Q'y.  The others keep their state and a price of 0.
 */
static void solve(const struct probe_sys *ps, const bool *use,
		  struct mb_code_prices *out)
{
	static double q[MB_NR_CODES][MB_MAX_PROBES];
	double rr[MB_NR_CODES][MB_NR_CODES], qy[MB_NR_CODES], b[MB_NR_CODES];
	unsigned int kept[MB_NR_CODES], nk = 0, np = ps->np;

	memcpy(q, ps->x, sizeof(q));
	memset(out->pt, 0, sizeof(out->pt));
	for (unsigned int j = 0; j < MB_NR_CODES; j++) {
		double len0 = 0, len = 0;

		if (!use[j])
			continue;
		for (unsigned int k = 0; k < np; k++)
			len0 += q[j][k] * q[j][k];
		if (len0 == 0) {
			out->state[j] = MB_CODE_UNPROBED;
			continue;
		}
		for (unsigned int i = 0; i < nk; i++) {
			unsigned int c = kept[i];
			double d = 0;

			for (unsigned int k = 0; k < np; k++)
				d += q[c][k] * q[j][k];
			rr[i][nk] = d;
			for (unsigned int k = 0; k < np; k++)
				q[j][k] -= d * q[c][k];
		}
		for (unsigned int k = 0; k < np; k++)
			len += q[j][k] * q[j][k];
		if (nk == np || len <= 1e-18 * len0) {
			out->state[j] = MB_CODE_MERGED;
			continue;
		}
		len = sqrt(len);
		rr[nk][nk] = len;
		for (unsigned int k = 0; k < np; k++)
			q[j][k] /= len;
		out->state[j] = MB_CODE_SOLVED;
		kept[nk++] = j;
	}
	for (unsigned int i = 0; i < nk; i++) {
		qy[i] = 0;
		for (unsigned int k = 0; k < np; k++)
			qy[i] += q[kept[i]][k] * ps->y[k];
	}
	for (unsigned int i = nk; i-- > 0;) {
		double v = qy[i];

		for (unsigned int m = i + 1; m < nk; m++)
			v -= rr[i][m] * b[m];
		b[i] = v / rr[i][i];
	}
	for (unsigned int i = 0; i < nk; i++)
		out->pt[kept[i]] = (int64_t)llround(b[i]);
}

/* What the prices leave of probe k. */
static double probe_residual(const struct probe_sys *ps,
			     const struct mb_code_prices *pr, unsigned int k)
{
	double e = ps->y[k];

	for (unsigned int j = 0; j < MB_NR_CODES; j++)
		e -= ps->x[j][k] * (double)pr->pt[j];
	return e;
}

/*
 * Non-negative least squares (Lawson and Hanson's active set) over the
 * units the unconstrained solve kept: a unit joins while the residual
 * still pulls its price up; a price the solve drives below 0 is walked
 * back to the boundary and the unit leaves, BOUND at 0.
 */
static void solve_nonneg(const struct probe_sys *ps,
			 struct mb_code_prices *out)
{
	struct mb_code_prices z;
	bool in[MB_NR_CODES] = { false }, cand[MB_NR_CODES];
	double b[MB_NR_CODES] = { 0 };

	for (unsigned int j = 0; j < MB_NR_CODES; j++) {
		cand[j] = out->state[j] == MB_CODE_SOLVED;
		if (cand[j])
			out->state[j] = MB_CODE_BOUND;
	}
	double ylen = 0;

	for (unsigned int k = 0; k < ps->np; k++)
		ylen += ps->y[k] * ps->y[k];
	ylen = sqrt(ylen);
	for (unsigned int iter = 0; iter < 4 * MB_NR_CODES; iter++) {
		double best = 0, e[MB_MAX_PROBES];
		int add = -1;

		for (unsigned int j = 0; j < MB_NR_CODES; j++)
			out->pt[j] = (int64_t)llround(b[j]);
		for (unsigned int k = 0; k < ps->np; k++)
			e[k] = probe_residual(ps, out, k);
		for (unsigned int j = 0; j < MB_NR_CODES; j++) {
			double w = 0, len = 0;

			if (!cand[j] || in[j])
				continue;
			for (unsigned int k = 0; k < ps->np; k++) {
				w += ps->x[j][k] * e[k];
				len += ps->x[j][k] * ps->x[j][k];
			}
			w /= sqrt(len);
			if (w > best) {
				best = w;
				add = (int)j;
			}
		}
		if (add < 0 || best <= 1e-9 * ylen)
			break;
		in[add] = true;
		for (;;) {
			double alpha = 1;
			bool neg = false;

			solve(ps, in, &z);
			for (unsigned int j = 0; j < MB_NR_CODES; j++) {
				if (!in[j] || z.pt[j] > 0)
					continue;
				neg = true;
				if (b[j] - (double)z.pt[j] > 0 &&
				    b[j] / (b[j] - (double)z.pt[j]) < alpha)
					alpha = b[j] / (b[j] - (double)z.pt[j]);
			}
			if (!neg) {
				for (unsigned int j = 0; j < MB_NR_CODES; j++)
					b[j] = in[j] ? (double)z.pt[j] : 0;
				break;
			}
			for (unsigned int j = 0; j < MB_NR_CODES; j++) {
				if (!in[j])
					continue;
				b[j] += alpha * ((double)z.pt[j] - b[j]);
				if (b[j] <= 0.5) {
					in[j] = false;
					b[j] = 0;
				}
			}
		}
	}
	for (unsigned int j = 0; j < MB_NR_CODES; j++) {
		out->pt[j] = in[j] ? (int64_t)llround(b[j]) : 0;
		if (cand[j])
			out->state[j] = in[j] && out->pt[j] ? MB_CODE_SOLVED :
				       MB_CODE_BOUND;
	}
}

/*
 * Unconstrained (deterministic records): a unit the probes move only
 * together with others can come out negative while their sum is right
 * (docs/ANALYSIS.md, "The account"); clamping such a price to 0 and
 * solving again was tried and leaves larger residuals on the grid
 * (configs/account.conf).  nonneg (timed records): the probes' noise
 * makes such pairs huge and opposite, so no class could be read; the
 * prices are the best that are all >= 0.
 */
int mb_account_prices(const struct mb_result *r, bool nonneg,
		       struct mb_code_prices *out)
{
	static struct probe_sys ps;
	bool all[MB_NR_CODES];
	struct mb_charge ch;
	double ss = 0;

	memset(out, 0, sizeof(*out));
	memset(&ps, 0, sizeof(ps));
	ps.np = r->nr_probes;
	if (ps.np < 2 || ps.np > MB_MAX_PROBES)
		return -1;
	for (unsigned int k = 0; k < ps.np; k++) {
		const struct mb_probe *p = &r->probes[k];
		uint64_t counts[MB_NR_CTRS];
		double direct = 0;

		probe_charge(r, p, counts, &ch);
		for (unsigned int u = 0; u < MB_NR_UNITS; u++)
			direct += (double)ch.unit[u] *
				  (double)r->units[u].median_pt;
		ps.y[k] = (double)p->median_pt - direct;
		for (unsigned int j = 0; j < MB_NR_CODES; j++)
			ps.x[j][k] = (double)ch.code[j];
	}
	for (unsigned int j = 0; j < MB_NR_CODES; j++)
		all[j] = true;
	solve(&ps, all, out);
	if (nonneg)
		solve_nonneg(&ps, out);
	for (unsigned int k = 0; k < ps.np; k++) {
		double e = probe_residual(&ps, out, k);

		ss += e * e;
	}
	out->probes = ps.np;
	out->rms_pt = sqrt(ss / ps.np);
	return 0;
}
