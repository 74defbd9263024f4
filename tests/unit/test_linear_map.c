// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tier: every strategy of the engine on simulated arch operations.
 *
 * Expected op counts are closed forms written here, independent of the
 * engine's code: per mapped range, how many windows of each size it
 * touches or fully covers (reference 1.7's method), then each strategy's
 * cost per visit (reference 2.2-2.6, 3, 4; docs/STRATEGIES.md derives
 * the rest).  Every case also checks the simulator saw no fault, that the
 * final map equals base's (digest), and spot or full translations.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "pgtable.h"
#include "sim.h"
#include "simenv.h"

#define G		(1ULL << 30)
#define M		(1ULL << 20)
#define K		(1ULL << 10)
#define IMG		MB_IMAGE_GPA

static int passed, failed;

static void __attribute__((format(printf, 3, 4)))
check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("not ok - %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char *const counter_names[] = {
#define N(x) #x,
	MB_COUNTER_LIST(N)
#undef N
};

static const char *strategy_name(unsigned int id)
{
	static const char *const n[] = {
#define S(id, sym, cli, desc) [id] = cli,
		MB_STRATEGY_LIST(S)
#undef S
	};
	return n[id];
}

static void counts_equal(const char *name, const struct mb_counts *got,
			 const struct mb_counts *exp)
{
	const uint64_t *g = (const uint64_t *)got;
	const uint64_t *e = (const uint64_t *)exp;
	int ok = 1;

	for (unsigned int i = 0; i < MB_NR_COUNTERS; i++) {
		if (g[i] != e[i]) {
			check(0, name, "%s = %" PRIu64 ", expected %" PRIu64,
			      counter_names[i], g[i], e[i]);
			ok = 0;
		}
	}
	if (ok)
		check(1, name, " ");
}

/* ---------------------------------------------------------------- */
/* The closed-form model                                             */

struct range {
	uint64_t s, e;		/* in the walk's VA space */
	int blocks;		/* block mappings allowed */
	int cont;		/* contiguous hint allowed */
};

static uint64_t touched(uint64_t s, uint64_t e, uint64_t w)
{
	return (e + w - 1) / w - s / w;
}

static uint64_t full(uint64_t s, uint64_t e, uint64_t w)
{
	uint64_t a = (s + w - 1) / w, b = e / w;

	return b > a ? b - a : 0;
}

/* Distinct w-windows touched by any range (ranges disjoint). */
static uint64_t touched_union(const struct range *r, int n, uint64_t w)
{
	uint64_t seen[64], cnt = 0;
	int ns = 0;

	/* the windows at range edges are the only ones two ranges can
	 * share; count all, then remove duplicates among the edges */
	for (int i = 0; i < n; i++) {
		uint64_t a = r[i].s / w, b = (r[i].e - 1) / w;

		cnt += b - a + 1;
		for (int k = 0; k < 2; k++) {
			uint64_t x = k ? b : a;
			int dup = 0;

			if (k && a == b)
				break;
			for (int j = 0; j < ns; j++)
				dup |= seen[j] == x;
			if (dup)
				cnt--;
			else if (ns < 64)
				seen[ns++] = x;
		}
	}
	return cnt;
}

/*
 * What a walk of these ranges (in order, fresh root) does, per level.
 * v0/v1/v2: visits of PUD/PMD/PTE tables (alloc_init_pud/cont_pmd/
 * cont_pte calls); w32/w64: 32M/64K windows inside those visits (base
 * maps per window); t0..t2: tables; b1/b2: PUD/PMD blocks; lp: PTEs.
 */
struct model {
	uint64_t v0, v1, v2, w32, w64, t0, t1, t2, b1, b2, lp;
	uint64_t flushes;	/* lazy-unmap: ceil(v2/16) per range */
	uint64_t contpmd, contpte;	/* CONT groups created */
};

static void model(const struct range *r, int n, struct model *m)
{
	uint64_t f1sum = 0, f2sum = 0;

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < n; i++) {
		uint64_t s = r[i].s, e = r[i].e;
		uint64_t f1 = r[i].blocks ? full(s, e, G) : 0;
		uint64_t f2 = r[i].blocks ? full(s, e, 2 * M) : 0;
		uint64_t v2 = touched(s, e, 2 * M) - f2;

		m->v0 += touched(s, e, 512 * G);
		m->v1 += touched(s, e, G) - f1;
		m->v2 += v2;
		m->w32 += touched(s, e, 32 * M) - 32 * f1;
		m->w64 += touched(s, e, 64 * K) - 32 * f2;
		m->b1 += f1;
		m->b2 += f2 - 512 * f1;
		m->lp += (e - s) / (4 * K) - 512 * f2;
		m->flushes += (v2 + 15) / 16;
		if (r[i].cont) {
			m->contpmd += r[i].blocks ?
				full(s, e, 32 * M) - 32 * f1 : 0;
			m->contpte += full(s, e, 64 * K) - 32 * f2;
		}
		f1sum += f1;
		f2sum += f2;
	}
	m->t0 = touched_union(r, n, 512 * G);
	m->t1 = touched_union(r, n, G) - f1sum;
	m->t2 = touched_union(r, n, 2 * M) - f2sum;
}

static uint64_t tables(const struct model *m)
{
	return m->t0 + m->t1 + m->t2;
}

static void add_tables(struct mb_counts *c, const struct model *m)
{
	c->tables_l1 += m->t0;
	c->tables_l2 += m->t1;
	c->tables_l3 += m->t2;
	c->table_stores += tables(m);
	c->leaf_stores += m->lp + m->b1 + m->b2;
}

/* The fixmap-based strategies (reference 1.7, 2.2-2.6). */
static void expect_fixmap(unsigned int st, const struct model *m,
			  struct mb_counts *c)
{
	uint64_t T = tables(m), B = m->b1 + m->b2, L = m->lp;
	uint64_t visits = m->v0 + m->v1 + m->v2, maps, U, F;

	add_tables(c, m);
	c->bytes_zeroed += T * 4096;
	switch (st) {
	case MB_STRAT_base:
	case MB_STRAT_no_cont_remap:
		maps = T + (st == MB_STRAT_base ?
			    m->v0 + m->w32 + m->w64 : visits);
		c->tlbi_vaale1is += maps;
		c->dsb_ish += maps;
		c->dsb_ishst += L + B + T + 2 * maps;
		c->isb += L + B + T + 2 * maps;
		break;
	case MB_STRAT_no_alloc_remap:
		maps = visits;
		c->tlbi_vaale1is += maps;
		c->dsb_ish += maps;
		c->dsb_ishst += L + B + T + 2 * maps + T;
		c->isb += L + B + T + 2 * maps;
		break;
	case MB_STRAT_lazy_unmap:
	case MB_STRAT_batch_barriers:
		maps = visits;
		U = m->v0 + m->v1;	/* PMD/PUD slots: unmapped at once */
		F = m->flushes;		/* one ranged flush per 16 PTE slots */
		c->tlbi_vaale1is += maps;
		c->dsb_ish += U + F;
		if (st == MB_STRAT_lazy_unmap) {
			c->dsb_ishst += L + B + T + maps + T + U + F;
			c->isb += L + B + T + maps + U + F;
		} else {
			c->dsb_ishst += B + T + maps + T + U + F + m->v2;
			c->isb += B + T + maps + U + F + m->v2;
		}
		break;
	default:	/* v6.10 and v6.18: A + B (merged) + C (merged) */
		maps = visits;
		c->tlbi_vaale1is += maps;
		c->dsb_ish += maps;
		c->dsb_ishst += B + T + T + 2 * maps;
		c->isb += B + T + 2 * maps;
		break;
	}
	c->fixmap_map += maps;
	c->fixmap_unmap += maps;
}

/* Swapper's build with tables at VA = PA or through a temporary linear
 * map: no fixmap, no TLBI, leaves without barriers, one dsb ishst; isb
 * per PTE-table pass. */
static void expect_direct(const struct model *m, struct mb_counts *c)
{
	uint64_t T = tables(m), B = m->b1 + m->b2;

	add_tables(c, m);
	c->bytes_zeroed += T * 4096;
	c->dsb_ishst += B + T + T + m->v2;
	c->isb += B + T + m->v2;
}

static void local_flush(struct mb_counts *c)
{
	c->dsb_nshst++;
	c->tlbi_vmalle1++;
	c->dsb_nsh++;
	c->isb++;
}

/* cpu_install_ttbr0() and the reserved TTBR0 afterwards. */
static void expect_ttbr0_swaps(struct mb_counts *c)
{
	c->ttbr_write += 2;
	c->isb += 2;
	local_flush(c);			/* install */
	c->ttbr_write += 1;
	c->isb += 1;
	local_flush(c);			/* teardown */
}

/* __cpu_replace_ttbr1(), once. */
static void expect_replace_ttbr1(struct mb_counts *c)
{
	c->ttbr_write += 1;		/* cpu_install_idmap() */
	c->isb += 1;
	local_flush(c);
	c->ttbr_write += 3;		/* cpu_do_switch_mm() */
	c->isb += 1;
	c->ttbr_write += 2;		/* idmap_cpu_replace_ttbr1 */
	c->isb += 3;
	c->tlbi_vmalle1++;
	c->dsb_nsh++;
	c->ttbr_write += 1;		/* cpu_uninstall_idmap() */
	c->isb += 1;
	local_flush(c);
}

/* ---------------------------------------------------------------- */
/* Layouts                                                           */

struct layout {
	const char *name;
	struct mb_bank b[MB_MAX_BANKS];
	unsigned int nr;
	uint64_t ks, ke;	/* kernel alias (PA) */
	int full_check;		/* walk every page */
	uint64_t kfence;	/* early KFENCE pool size, 0: none */
};

static uint64_t phys_offset(const struct layout *l)
{
	return l->b[0].base & ~(G - 1);
}

/* The ranges map_mem() maps, in order, shifted into linear VA offsets. */
static int linear_ranges(const struct layout *l, unsigned int flags,
			 struct range *r)
{
	const struct mb_bank *top = &l->b[l->nr - 1];
	uint64_t po = phys_offset(l), holes[2][2];
	int n = 0, nh = 0, blk = !(flags & NO_BLOCK_MAPPINGS);
	int cont = !(flags & NO_CONT_MAPPINGS);
	uint64_t kf = top->base + top->size - l->kfence;

	/* NOMAP while the main loop runs: the alias, and the KFENCE pool
	 * (memblock's first, top-down allocation in map_mem()) */
	holes[nh][0] = l->ks;
	holes[nh++][1] = l->ke;
	if (l->kfence) {
		holes[nh][0] = kf;
		holes[nh++][1] = kf + l->kfence;
	}
	for (unsigned int i = 0; i < l->nr; i++) {
		uint64_t s = l->b[i].base, e = s + l->b[i].size;

		for (int h = 0; h < nh; h++) {
			if (holes[h][1] <= s || holes[h][0] >= e)
				continue;
			if (holes[h][0] > s)
				r[n++] = (struct range){ s - po,
							 holes[h][0] - po,
							 blk, cont };
			s = holes[h][1];
		}
		if (s < e)
			r[n++] = (struct range){ s - po, e - po, blk, cont };
	}
	r[n++] = (struct range){ l->ks - po, l->ke - po, 1, 0 };
	if (l->kfence)
		r[n++] = (struct range){ kf - po, kf + l->kfence - po, 0, 0 };
	return n;
}

/* linear_ranges() puts the alias last, or before the KFENCE pool. */
static int alias_index(const struct layout *l, int n)
{
	return n - 1 - (l->kfence ? 1 : 0);
}

static int bank_ranges(const struct layout *l, uint64_t shift,
		       struct range *r)
{
	for (unsigned int i = 0; i < l->nr; i++)
		r[i] = (struct range){ l->b[i].base - shift,
				       l->b[i].base + l->b[i].size - shift,
				       1, 1 };
	return (int)l->nr;
}

/* ---------------------------------------------------------------- */
/* Expected counts per strategy                                      */

static unsigned int main_flags_for(unsigned int st, unsigned int rodata)
{
	if (st == MB_STRAT_bbml2_blocks || st == MB_STRAT_bbml2_repaint)
		return NO_EXEC_MAPPINGS;
	return NO_EXEC_MAPPINGS | (rodata == MB_RODATA_FULL ?
				   NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS : 0);
}

/* The 2M windows (clipped to banks) idmap-lazy mapped 1:1, read back
 * from the static root it leaves behind. */
static int lazy_windows(const struct layout *l, struct range *r, int max)
{
	int n = 0;

	for (unsigned int i = 0; i < l->nr; i++) {
		uint64_t s = l->b[i].base, e = s + l->b[i].size, w;

		for (w = s & ~(2 * M - 1); w < e; w += 2 * M) {
			uint64_t a = w < s ? s : w;
			uint64_t b = w + 2 * M > e ? e : w + 2 * M;
			int level;

			if (!sim_walk_root(SIM_TMP_PA, a, &level))
				continue;
			if (n < max)
				r[n++] = (struct range){ a, b, 1, 1 };
		}
	}
	return n;
}

static void expect(const struct layout *l, unsigned int st,
		   unsigned int rodata, struct mb_counts *c)
{
	struct range lin[3 * MB_MAX_BANKS], aux[64];
	struct model ml, ma;
	unsigned int flags = main_flags_for(st, rodata);
	int n = linear_ranges(l, flags, lin), na;

	memset(c, 0, sizeof(*c));
	model(lin, n, &ml);
	switch (st) {
	case MB_STRAT_idmap:
	case MB_STRAT_idmap_lazy:
		if (st == MB_STRAT_idmap)
			na = bank_ranges(l, 0, aux);
		else
			na = lazy_windows(l, aux, 64);
		model(aux, na, &ma);
		expect_fixmap(MB_STRAT_v6_10, &ma, c);
		expect_ttbr0_swaps(c);
		expect_direct(&ml, c);
		c->tables_freed += tables(&ma);
		break;
	case MB_STRAT_temp_pgtable:
		na = bank_ranges(l, phys_offset(l), aux);
		model(aux, na, &ma);
		expect_fixmap(MB_STRAT_v6_10, &ma, c);
		c->dsb_ishst += 1;	/* the copied upper entries */
		expect_replace_ttbr1(c);
		expect_direct(&ml, c);
		expect_replace_ttbr1(c);
		c->tables_freed += tables(&ma);
		break;
	case MB_STRAT_bbml2_repaint:
		expect_fixmap(MB_STRAT_v6_10, &ml, c);
		if (rodata == MB_RODATA_FULL) {
			/* split all but the alias (the last range) */
			struct model mm, lo, hi;
			struct range below[3 * MB_MAX_BANKS];
			struct range above[3 * MB_MAX_BANKS];
			struct range rest[3 * MB_MAX_BANKS];
			uint64_t pmdb, ks = l->ks - phys_offset(l);
			int nb = 0, nh = 0, nr = 0;

			for (int i = 0; i < n; i++) {
				if (i == alias_index(l, n))
					continue;
				rest[nr++] = lin[i];
				if (lin[i].e <= ks)
					below[nb++] = lin[i];
				else
					above[nh++] = lin[i];
			}
			model(rest, nr, &mm);
			model(below, nb, &lo);
			model(above, nh, &hi);
			pmdb = 512 * mm.b1 + mm.b2;
			c->tables_l2 += mm.b1;
			c->tables_l3 += pmdb;
			c->leaf_stores += 512 * mm.b1 + 512 * pmdb +
					  16 * mm.contpmd + 16 * mm.contpte;
			c->table_stores += mm.b1 + pmdb;
			c->dsb_ishst += mm.b1 + pmdb;
			/* lazy MMU: one dsb ishst; isb per walked range that
			 * stored anything; then flush_tlb_all() */
			for (int k = 0; k < 2; k++) {
				const struct model *x = k ? &hi : &lo;

				if (x->b1 + x->b2 + x->contpmd + x->contpte) {
					c->dsb_ishst++;
					c->isb++;
				}
			}
			c->dsb_ishst += 1;
			c->isb += 1;
			c->tlbi_vmalle1is += 1;
			c->dsb_ish += 1;
		}
		break;
	default:
		expect_fixmap(st, &ml, c);
		break;
	}
}

/* ---------------------------------------------------------------- */
/* Checks                                                            */

/* Every page of the ranges maps to itself, level 3, exact bits. */
static void check_pages(const char *name, const struct layout *l,
			unsigned int st, unsigned int rodata)
{
	struct range lin[3 * MB_MAX_BANKS];
	unsigned int flags = main_flags_for(st, rodata);
	int n = linear_ranges(l, flags, lin);
	uint64_t bad = 0, pages = 0, first = 0, got = 0, want = 0;
	uint64_t po = phys_offset(l);

	if (!(flags & NO_BLOCK_MAPPINGS))
		return;		/* the guest's model walk covers blocks */
	for (int i = 0; i < n; i++) {
		uint64_t prot = i == alias_index(l, n) ? PAGE_KERNEL :
			PAGE_KERNEL_TAGGED;

		if (lin[i].blocks && full(lin[i].s, lin[i].e, 2 * M))
			continue;	/* block-mapped alias: digest covers it */
		for (uint64_t v = lin[i].s; v < lin[i].e; v += 4096) {
			int level = 0;
			uint64_t d = sim_walk(PAGE_OFFSET + v, &level);
			uint64_t exp = (v + po) | prot;

			pages++;
			if (level != 3 || d != exp) {
				if (!bad++) {
					first = v;
					got = d;
					want = exp;
				}
			}
		}
	}
	check(!bad, name, "%" PRIu64 "/%" PRIu64 " pages wrong; first +0x%"
	      PRIx64 " desc 0x%" PRIx64 " expected 0x%" PRIx64, bad, pages,
	      first, got, want);
}

static uint64_t run_case(const struct layout *l, unsigned int st,
			 unsigned int rodata, struct mb_counts *got)
{
	struct simenv e;
	const char *why = simenv_init(&e, l->b, l->nr, st, rodata, l->ks,
				      l->ke, 0, l->kfence);

	if (why) {
		fprintf(stderr, "%s: %s\n", l->name, why);
		exit(2);
	}
	if (simenv_map_mem(&e))
		return 0;
	*got = mb_counters;
	return simenv_digest();
}

static void test_layout(const struct layout *l)
{
	static const char *const rname[] = { "full", "on", "off" };

	for (unsigned int rodata = 0; rodata < MB_NR_RODATA; rodata++) {
		struct mb_counts base_c, got, exp;
		uint64_t base_d = 0, blocks_d = 0;

		for (unsigned int st = 0; st < MB_NR_STRATEGIES; st++) {
			char name[160];
			uint64_t d;

			snprintf(name, sizeof(name), "%s %s rodata=%s",
				 l->name, strategy_name(st), rname[rodata]);
			d = run_case(l, st, rodata, &got);
			check(d != 0, name, "engine panicked");
			check(!sim_errors, name, "simulator: %s",
			      sim_first_error);
			expect(l, st, rodata, &exp);
			counts_equal(name, &got, &exp);
			if (st == MB_STRAT_base) {
				base_d = d;
				base_c = got;
			}
			if (st == MB_STRAT_bbml2_blocks)
				blocks_d = d;
			/* the final map is base's, descriptor for
			 * descriptor (bbml2-blocks: base's at rodata=on) */
			if (st != MB_STRAT_bbml2_blocks)
				check(d == base_d, name, "digest 0x%" PRIx64
				      " differs from base's 0x%" PRIx64, d,
				      base_d);
			if (l->full_check || st == MB_STRAT_base)
				check_pages(name, l, st, rodata);
		}
		(void)base_c;
		if (rodata == MB_RODATA_ON)
			check(blocks_d == base_d, l->name,
			      "bbml2-blocks != base rodata=on");
	}
}

/* Per-GiB slopes: 2G minus 1G, against reference 2.6 and the counts
 * measured on Debian's 6.1 (base) and 6.12 (v6.10) kernels. */
static void test_slopes(void)
{
	static const struct {
		unsigned int st;
		uint64_t tlbi, ishst, ish, isb;
	} ref[] = {
		{ MB_STRAT_base,		16929, 296515, 16929, 296515 },
		{ MB_STRAT_no_cont_remap,	1026, 264709, 1026, 264709 },
		{ MB_STRAT_no_alloc_remap,	513, 264196, 513, 263683 },
		{ MB_STRAT_lazy_unmap,		513, 263716, 33, 263203 },
		{ MB_STRAT_batch_barriers,	513, 2084, 33, 1571 },
		{ MB_STRAT_v6_10,		513, 2052, 513, 1539 },
	};
	struct layout l1 = { "1G", { { MB_RAM_BASE, G } }, 1,
			     IMG + 0x10000, IMG + 0x30000, 0, 0 };
	struct layout l2 = { "2G", { { MB_RAM_BASE, 2 * G } }, 1,
			     IMG + 0x10000, IMG + 0x30000, 0, 0 };

	for (unsigned int i = 0; i < ARRAY_SIZE(ref); i++) {
		struct mb_counts a, b;
		char name[64];

		snprintf(name, sizeof(name), "per-GiB slope %s",
			 strategy_name(ref[i].st));
		run_case(&l1, ref[i].st, MB_RODATA_FULL, &a);
		run_case(&l2, ref[i].st, MB_RODATA_FULL, &b);
		check(b.tlbi_vaale1is - a.tlbi_vaale1is == ref[i].tlbi &&
		      b.dsb_ishst - a.dsb_ishst == ref[i].ishst &&
		      b.dsb_ish - a.dsb_ish == ref[i].ish &&
		      b.isb - a.isb == ref[i].isb &&
		      b.leaf_stores - a.leaf_stores == 262144 &&
		      b.tables_l3 + b.tables_l2 - a.tables_l3 - a.tables_l2 ==
		      513, name,
		      "tlbi %" PRIu64 " dsb ishst %" PRIu64 " dsb ish %" PRIu64
		      " isb %" PRIu64, b.tlbi_vaale1is - a.tlbi_vaale1is,
		      b.dsb_ishst - a.dsb_ishst, b.dsb_ish - a.dsb_ish,
		      b.isb - a.isb);
	}
}

/* Reference 1.7's worked numbers, through the plain walk. */
static void test_reference_literals(void)
{
	struct mb_counts l16 = {
		.tlbi_vaale1is = 270866, .dsb_ishst = 4744245,
		.dsb_ish = 270866, .isb = 4744245, .fixmap_map = 270866,
		.fixmap_unmap = 270866, .tables_l1 = 1, .tables_l2 = 16,
		.tables_l3 = 8192, .bytes_zeroed = 8209 * 4096,
		.leaf_stores = 4194304, .table_stores = 8209,
	};
	struct mb_bank b = { MB_RAM_BASE, 64 * G };
	struct simenv e;

	simenv_init(&e, &b, 1, MB_STRAT_base, MB_RODATA_FULL, 0, 0, 0, 0);
	if (setjmp(sim_panic_jmp) == 0)
		create_mapping_sim(&e.mm, MB_RAM_BASE, PAGE_OFFSET, 16 * G,
				   PAGE_KERNEL_TAGGED, NO_EXEC_MAPPINGS |
				   NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS);
	counts_equal("reference 1.7: 16 GiB aligned region", &mb_counters,
		     &l16);
}

int main(int argc, char **argv)
{
	static const struct layout layouts[] = {
		{ "1G", { { MB_RAM_BASE, G } }, 1,
		  IMG + 0x10000, IMG + 0x30000, 1, 0 },
		{ "4G", { { MB_RAM_BASE, 4 * G } }, 1,
		  IMG + 0x10000, IMG + 0x20000, 0, 0 },
		{ "16G", { { MB_RAM_BASE, 16 * G } }, 1,
		  IMG + 0x10000, IMG + 0x20000, 0, 0 },
		{ "2 banks + hole", { { MB_RAM_BASE, G },
				      { MB_RAM_BASE + 3 * G, 2 * G } }, 2,
		  IMG + 0x10000, IMG + 0x30000, 1, 0 },
		{ "unaligned bank", { { MB_RAM_BASE, G + 0x1234000 } }, 1,
		  IMG + 0x10000, IMG + 0x45000, 1, 0 },
		{ "crossing 512G", { { MB_RAM_BASE, 256 * M },
				     { MB_RAM_BASE + 511 * G, 2 * G } }, 2,
		  IMG + 0x10000, IMG + 0x30000, 0, 0 },
		{ "alias with blocks", { { MB_RAM_BASE, 2 * G } }, 1,
		  IMG, IMG + 6 * M, 1, 0 },
		{ "KFENCE pool", { { MB_RAM_BASE, 2 * G } }, 1,
		  IMG + 0x10000, IMG + 0x30000, 1, 2 * M },
		{ "KFENCE pool, 2 banks", { { MB_RAM_BASE, G },
					    { MB_RAM_BASE + 2 * G, G + 3 * M } },
		  2, IMG + 0x10000, IMG + 0x30000, 1, 5 * M },
	};
	int quick = argc > 1 && !strcmp(argv[1], "--quick");

	test_reference_literals();
	test_slopes();
	for (unsigned int i = 0; i < ARRAY_SIZE(layouts); i++) {
		if (quick && !strcmp(layouts[i].name, "16G"))
			continue;
		test_layout(&layouts[i]);
	}
	printf("test_linear_map: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
