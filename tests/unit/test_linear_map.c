// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tier: every strategy of the engine on simulated arch operations.
 *
 * Expected op counts are closed forms written here, independent of the
 * engine's code: per mapped range, how many windows of each size it
 * touches or fully covers (reference 1.7's method), then each strategy's
 * cost per visit (reference 2.2-2.6, 3, 4; docs/STRATEGIES.md derives
 * the rest).  Every case also walks the whole linear half (every leaf
 * and table entry against the model, nothing outside RAM), compares the
 * final map with base's (digest) and requires the simulator's ordering
 * rules to hold.  --quick runs three small layouts only (the mutants).
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
/* descriptor bits for the model: the manual's, not pgtable.h's */
#include "arm_desc_check.h"

#define G		(1ULL << 30)
#define M		(1ULL << 20)
#define K		(1ULL << 10)
#define IMG		MB_IMAGE_GPA

/*
 * The configuration's geometry (pgtable.h: granule and VA size), by the
 * kernel's level names.  A level the configuration folds has no table,
 * no visit of its own and no fixmap slot: its entry is the one above
 * (pgtable-nopmd.h, pgtable-nopud.h, pgtable-nop4d.h); P4D is real only
 * with five levels (4K/52), its tables at hardware level 0.  PUD blocks exist with 4K only
 * (pud_sect_supported()); a folded PMD never gets CONT (each call of the
 * PMD level covers one entry).
 */
#define SZ_PGD		PGDIR_SIZE
#define SZ_P4D		P4D_SIZE
#define SZ_PUD		PUD_SIZE
#define SZ_PMD		PMD_SIZE
#define SZ_CPMD		CONT_PMD_SIZE
#define SZ_CPTE		CONT_PTE_SIZE
#define SZ_PAGE		PAGE_SIZE
#define HAS_P4D		(!P4D_FOLDED)
#define HAS_PUD		(!PUD_FOLDED)
#define HAS_PMD		(!PMD_FOLDED)
#define PUD_BLOCKS	PUD_SECT_SUPPORTED
#define NPTRS		((uint64_t)PTRS_PER_PTE)

/*
 * Every check has a kind (docs/ARCHITECTURE.md, "Tests"):
 *   counts        op counts equal a closed form of the layout;
 *   translations  every leaf of the linear half has the level, output
 *                 address, attributes and CONT the model says, and all
 *                 of RAM is mapped;
 *   descriptors   every table entry has exactly the bits its strategy
 *                 writes; a strategy's map digests equal to base's;
 *   unmapped      no valid entry of the linear half maps anything
 *                 outside RAM;
 *   panic         the engine did not panic;
 *   <rule>        one kind per simulator rule (sim.h's SIM_RULE_LIST:
 *                 split, bbm, stale-use, old-root, ...): the simulator
 *                 saw the rule kept.
 * A failed check prints "not ok - [kind] case: message"; the summary
 * counts checks and failures by kind.
 */
enum kind { K_COUNTS, K_TRANS, K_DESC, K_UNMAPPED, K_PANIC, K_RULE,
	    NR_KINDS = K_RULE + SIM_NR_RULES };
static const char *const own_kind_name[K_RULE] = {
	"counts", "translations", "descriptors", "unmapped", "panic",
};

static const char *kind_name(int k)
{
	return k < K_RULE ? own_kind_name[k] : sim_rule_name[k - K_RULE];
}

static int passed[NR_KINDS], failed[NR_KINDS];

static void __attribute__((format(printf, 4, 5)))
check(enum kind k, int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed[k]++;
		return;
	}
	failed[k]++;
	printf("not ok - [%s] %s: ", kind_name(k), name);
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

/*
 * One check: every operation counter (tlbi_vaale1is .. table_stores)
 * equal; the message lists those that differ.  The code-path counters
 * after them are the account's (host/account.c), priced by the probes
 * and checked against the engine's own counting there.
 */
static void counts_equal(const char *name, const struct mb_counts *got,
			 const struct mb_counts *exp)
{
	const uint64_t *g = (const uint64_t *)got;
	const uint64_t *e = (const uint64_t *)exp;
	char msg[1024] = "";
	size_t len = 0;

	for (unsigned int i = 0; i <= MB_CTR_table_stores; i++)
		if (g[i] != e[i] && len < sizeof(msg))
			len += snprintf(msg + len, sizeof(msg) - len,
					"%s%s = %" PRIu64 ", expected %" PRIu64,
					len ? "; " : "", counter_names[i],
					g[i], e[i]);
	check(K_COUNTS, !len, name, "%s", msg);
}

/* ---------------------------------------------------------------- */
/* The closed-form model                                             */

struct range {
	uint64_t s, e;		/* in the walk's VA space */
	int blocks;		/* block mappings allowed */
	int cont;		/* contiguous hint allowed */
	uint64_t po;		/* PA = VA offset + po */
};

/* Both the VA offset and the PA of a w-aligned window are aligned:
 * PHYS_OFFSET is only MEMSTART_ALIGN aligned. */
static int po_aligned(const struct range *r, uint64_t w)
{
	return !(r->po & (w - 1));
}

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
 * vp/v0/v1/v2: visits of P4D/PUD/PMD/PTE tables (alloc_init_p4d/pud/
 * cont_pmd/cont_pte calls; none for a folded level); w32/w64:
 * CONT_PMD/CONT_PTE windows (32M/64K at 4K) inside those visits (base
 * maps per window); tp, t0..t2: P4D/PUD/PMD/PTE tables; b1/b2: PUD/PMD
 * blocks; lp: PTEs.
 */
struct model {
	uint64_t vp, v0, v1, v2, w32, w64, tp, t0, t1, t2, b1, b2, lp;
	uint64_t flushes;	/* lazy-unmap: ceil(v2/16) per range */
	uint64_t contpmd, contpte;	/* CONT groups created */
};

static void model(const struct range *r, int n, struct model *m)
{
	uint64_t f1sum = 0, f2sum = 0;

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < n; i++) {
		uint64_t s = r[i].s, e = r[i].e;
		uint64_t f1 = r[i].blocks && PUD_BLOCKS ?
			      full(s, e, SZ_PUD) : 0;
		uint64_t f2 = r[i].blocks ? full(s, e, SZ_PMD) : 0;
		uint64_t v2 = touched(s, e, SZ_PMD) - f2;

		m->vp += HAS_P4D ? touched(s, e, SZ_PGD) : 0;
		m->v0 += HAS_PUD ? touched(s, e, SZ_P4D) : 0;
		m->v1 += HAS_PMD ? touched(s, e, SZ_PUD) - f1 : 0;
		m->v2 += v2;
		m->w32 += HAS_PMD ? touched(s, e, SZ_CPMD) -
				    SZ_PUD / SZ_CPMD * f1 : 0;
		m->w64 += touched(s, e, SZ_CPTE) - SZ_PMD / SZ_CPTE * f2;
		m->b1 += f1;
		m->b2 += f2 - SZ_PUD / SZ_PMD * f1;
		m->lp += (e - s) / SZ_PAGE - SZ_PMD / SZ_PAGE * f2;
		m->flushes += (v2 + 15) / 16;	/* 16 FIX_PTE slots */
		if (r[i].cont) {
			m->contpmd += r[i].blocks && HAS_PMD &&
				      po_aligned(&r[i], SZ_CPMD) ?
				full(s, e, SZ_CPMD) - SZ_PUD / SZ_CPMD * f1 : 0;
			m->contpte += full(s, e, SZ_CPTE) -
				      SZ_PMD / SZ_CPTE * f2;
		}
		f1sum += f1;
		f2sum += f2;
	}
	m->tp = HAS_P4D ? touched_union(r, n, SZ_PGD) : 0;
	m->t0 = HAS_PUD ? touched_union(r, n, SZ_P4D) : 0;
	m->t1 = HAS_PMD ? touched_union(r, n, SZ_PUD) - f1sum : 0;
	m->t2 = touched_union(r, n, SZ_PMD) - f2sum;
}

static uint64_t tables(const struct model *m)
{
	return m->tp + m->t0 + m->t1 + m->t2;
}

static void add_tables(struct mb_counts *c, const struct model *m)
{
	c->tables_l0 += m->tp;
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
	uint64_t visits = m->vp + m->v0 + m->v1 + m->v2, maps, U, F;

	add_tables(c, m);
	c->bytes_zeroed += T * SZ_PAGE;
	switch (st) {
	case MB_STRAT_base:
	case MB_STRAT_no_cont_remap:
		maps = T + (st == MB_STRAT_base ?
			    m->vp + m->v0 + m->w32 + m->w64 : visits);
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
		/* P4D/PUD/PMD slots: unmapped at once */
		U = m->vp + m->v0 + m->v1;
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
	c->bytes_zeroed += T * SZ_PAGE;
	c->dsb_ishst += B + T + T + m->v2;
	c->isb += B + T + m->v2;
}

/*
 * idmap-fill's build of swapper: tables reached at VA = PA and filled
 * before they are linked.  One dsb ishst per new table (before its
 * link); blocks keep set_pmd()/set_pud()'s dsb ishst; isb; one dsb
 * ishst; isb at the end of each walk (one per range).  A new table the
 * walk writes wholly is not zeroed: a PTE table whose 2M window, a PMD
 * table whose 1G, a PUD table whose 512G lies inside one range mapped
 * without blocks (with blocks such a window is a block).
 */
static void expect_fill(const struct range *r, int n, const struct model *m,
			struct mb_counts *c)
{
	uint64_t T = tables(m), B = m->b1 + m->b2, whole = 0;

	for (int i = 0; i < n; i++) {
		uint64_t s = r[i].s, e = r[i].e;

		/* a P4D table under a whole PGD entry; a PUD table under a
		 * whole P4D entry; a PMD table under a whole PUD entry that
		 * is no block; a PTE table under a whole PMD entry that is
		 * no block (folded levels: none) */
		whole += HAS_P4D ? full(s, e, SZ_PGD) : 0;
		whole += HAS_PUD ? full(s, e, SZ_P4D) : 0;
		whole += HAS_PMD && !(r[i].blocks && PUD_BLOCKS) ?
			 full(s, e, SZ_PUD) : 0;
		whole += r[i].blocks ? 0 : full(s, e, SZ_PMD);
	}
	add_tables(c, m);
	c->bytes_zeroed += (T - whole) * SZ_PAGE;
	c->dsb_ishst += T + B + (uint64_t)n;
	c->isb += B + (uint64_t)n;
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
	uint64_t kfence;	/* early KFENCE pool size, 0: none */
	uint64_t ds, de;	/* the image's data, 7.2 (PA); 0: none */
};

static uint64_t phys_offset(const struct layout *l)
{
	return l->b[0].base & ~(MEMSTART_ALIGN - 1);
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
							 blk, cont, po };
			s = holes[h][1];
		}
		if (s < e)
			r[n++] = (struct range){ s - po, e - po, blk, cont,
						 po };
	}
	r[n++] = (struct range){ l->ks - po, l->ke - po, 1, 0, po };
	if (l->kfence)
		r[n++] = (struct range){ kf - po, kf + l->kfence - po, 0, 0,
					 po };
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
				       1, 1, shift };
	return (int)l->nr;
}

/* ---------------------------------------------------------------- */
/* Expected counts per strategy                                      */

/* The strategies of 6.18 (its BBML2 branch included) and of 7.2. */
static int is_v618(unsigned int st)
{
	return st == MB_STRAT_v6_18 || st == MB_STRAT_bbml2_blocks ||
	       st == MB_STRAT_bbml2_repaint;
}

/* rodata_full: from 6.18 rodata=on means full */
static int rodata_full_for(unsigned int st, unsigned int rodata)
{
	return rodata == MB_RODATA_FULL ||
	       ((is_v618(st) || st == MB_STRAT_v7_2) &&
		rodata == MB_RODATA_ON);
}

/* can_set_direct_map(): the 6.18 and 7.x strategies model Debian's
 * CONFIG_KFENCE=y without an early pool (guest/engine.c): pages
 * whatever rodata says, unless the layout has a pool */
static int direct_map_for(const struct layout *l, unsigned int st,
			  unsigned int rodata)
{
	return rodata_full_for(st, rodata) ||
	       ((is_v618(st) || st == MB_STRAT_v7_2) && !l->kfence);
}

static unsigned int main_flags_for(const struct layout *l, unsigned int st,
				   unsigned int rodata)
{
	if (st == MB_STRAT_bbml2_blocks || st == MB_STRAT_bbml2_repaint)
		return NO_EXEC_MAPPINGS;
	return NO_EXEC_MAPPINGS | (direct_map_for(l, st, rodata) ?
				   NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS : 0);
}

/*
 * 7.2's map_mem(): the KFENCE pool and the alias first (the pool pages
 * only, the alias with the main flags), then each bank whole over them.
 * As pieces: what linear_ranges() gives, the alias with the main flags.
 */
static int linear_pieces_72(const struct layout *l, unsigned int flags,
			    struct range *r)
{
	int n = linear_ranges(l, flags, r), ai = alias_index(l, n);

	r[ai].blocks = !(flags & NO_BLOCK_MAPPINGS);
	r[ai].cont = !(flags & NO_CONT_MAPPINGS);
	return n;
}

/*
 * idmap-lazy's 1:1 windows, from the layout alone.  Table pages come
 * top-down from the highest bank (skipping the KFENCE pool, the low
 * area and the image); each swapper table page outside the run mapped
 * so far gets its 2M window, clipped to its bank, mapped 1:1, and the
 * 1:1 map's own new tables (an L1 per new 512G slot, an L2 per new 1G
 * slot, an L3 where the window is clipped) are the next pages down.
 */
struct alloc_model {
	const struct layout *l;
	int bank;
	uint64_t top;
};

static uint64_t model_alloc(struct alloc_model *a)
{
	const struct layout *l = a->l;
	const struct mb_bank *t = &l->b[l->nr - 1];
	uint64_t kf = t->base + t->size - l->kfence;

	for (;;) {
		const struct mb_bank *b = &l->b[a->bank];
		uint64_t p = a->top - SZ_PAGE;

		if (a->top <= b->base) {
			if (!a->bank)
				return 0;
			a->bank--;
			a->top = l->b[a->bank].base + l->b[a->bank].size;
		} else if (l->kfence && p >= kf && p < kf + l->kfence) {
			a->top = kf;
		} else if (p >= MB_RAM_BASE && p < IMG + MB_IMAGE_MAX) {
			a->top = MB_RAM_BASE;	/* low area and image */
		} else {
			a->top = p;
			return p;
		}
	}
}

static int seen_add(uint64_t *set, int *n, uint64_t x)
{
	for (int i = 0; i < *n; i++)
		if (set[i] == x)
			return 0;
	set[(*n)++] = x;
	return 1;
}

static int lazy_windows(const struct layout *l, uint64_t swapper_tables,
			struct range *r, int max)
{
	struct alloc_model a = { l, (int)l->nr - 1,
				 l->b[l->nr - 1].base + l->b[l->nr - 1].size };
	uint64_t lo = 0, hi = 0, s0[64], s1[64], s2[64], s3[64];
	int n = 0, n0 = 0, n1 = 0, n2 = 0, n3 = 0;

	for (uint64_t k = 0; k < swapper_tables && n < max; k++) {
		uint64_t pa = model_alloc(&a), ws, we;
		unsigned int i;

		if (pa >= lo && pa < hi)
			continue;
		for (i = 0; i < l->nr; i++)
			if (pa >= l->b[i].base &&
			    pa < l->b[i].base + l->b[i].size)
				break;
		ws = pa & ~(SZ_PMD - 1);
		we = ws + SZ_PMD;
		if (ws < l->b[i].base)
			ws = l->b[i].base;
		if (we > l->b[i].base + l->b[i].size)
			we = l->b[i].base + l->b[i].size;
		r[n++] = (struct range){ ws, we, 1, 1, 0 };
		if (HAS_P4D && seen_add(s0, &n0, ws / SZ_PGD))
			model_alloc(&a);
		if (HAS_PUD && seen_add(s1, &n1, ws / SZ_P4D))
			model_alloc(&a);
		if (HAS_PMD && seen_add(s2, &n2, ws / SZ_PUD))
			model_alloc(&a);
		if (((ws | we) & (SZ_PMD - 1)) &&
		    seen_add(s3, &n3, ws / SZ_PMD))
			model_alloc(&a);
		if (we != lo)
			hi = we;
		lo = ws;
		if (n0 == 64 || n1 == 64 || n2 == 64 || n3 == 64)
			break;
	}
	return n;
}

/*
 * 7.2 with pages only (rodata=full, and on): the pool and the alias
 * walked first, then every bank whole over them.  The banks hold the
 * others, so the tables are the banks' alone; visits and PTE stores are
 * both walks'.  Returns 0 where blocks are allowed: a bank then keeps
 * the tables the first walks made where it would have put blocks, and
 * no closed form here follows that (the map is still checked).
 */
static int expect_72(const struct layout *l, unsigned int flags,
		     struct mb_counts *c)
{
	struct range lin[3 * MB_MAX_BANKS], banks[MB_MAX_BANKS];
	struct model first, all;
	int n = linear_pieces_72(l, flags, lin), ai = alias_index(l, n);
	int nf = 0, nb;

	if (!(flags & NO_BLOCK_MAPPINGS))
		return 0;
	/* the first walks: the alias, and the pool after it in lin[];
	 * then the image's data (pages here: flags forbid blocks) */
	for (int i = ai; i < n; i++)
		lin[nf++] = lin[i];
	if (l->de > l->ds)
		lin[nf++] = (struct range){ l->ds - phys_offset(l),
			((l->de + SZ_PAGE - 1) & ~(SZ_PAGE - 1)) -
			phys_offset(l), 0, 0, phys_offset(l) };
	model(lin, nf, &first);
	nb = bank_ranges(l, phys_offset(l), banks);
	for (int i = 0; i < nb; i++)
		banks[i].blocks = banks[i].cont = 0;
	model(banks, nb, &all);
	all.vp += first.vp;
	all.v0 += first.v0;
	all.v1 += first.v1;
	all.v2 += first.v2;
	all.lp += first.lp;
	expect_fixmap(MB_STRAT_v7_2, &all, c);
	return 1;
}

static int expect(const struct layout *l, unsigned int st,
		  unsigned int rodata, struct mb_counts *c)
{
	struct range lin[3 * MB_MAX_BANKS], aux[64];
	struct model ml, ma;
	unsigned int flags = main_flags_for(l, st, rodata);
	int n = linear_ranges(l, flags, lin), na;

	memset(c, 0, sizeof(*c));
	if (st == MB_STRAT_v7_2)
		return expect_72(l, flags, c);
	model(lin, n, &ml);
	switch (st) {
	case MB_STRAT_idmap:
	case MB_STRAT_idmap_lazy:
	case MB_STRAT_idmap_fill:
		if (st != MB_STRAT_idmap_lazy)
			na = bank_ranges(l, 0, aux);
		else
			na = lazy_windows(l, tables(&ml), aux, 64);
		model(aux, na, &ma);
		expect_fixmap(MB_STRAT_v6_10, &ma, c);
		expect_ttbr0_swaps(c);
		if (st == MB_STRAT_idmap_fill)
			expect_fill(lin, n, &ml, c);
		else
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
		if (direct_map_for(l, st, rodata)) {
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
			pmdb = SZ_PUD / SZ_PMD * mm.b1 + mm.b2;
			c->tables_l2 += mm.b1;
			c->tables_l3 += pmdb;
			c->leaf_stores += NPTRS * mm.b1 + NPTRS * pmdb +
					  CONT_PMDS * mm.contpmd +
					  CONT_PTES * mm.contpte;
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
	return 1;
}

/*
 * --expect: the closed forms above for one layout, printed as mapsim
 * prints the engine's counts ({"counts": {...}}), so the TCG and KVM
 * tiers can hold the real guest to them and not only to the engine run
 * again.  Takes mapsim's arguments (--image is accepted and unused: the
 * closed forms reserve MB_IMAGE_MAX for the image).  --bbml: v6.18 takes
 * its block path, bbml2-blocks' closed form.  Exit 0: printed; 3: no
 * closed form for this point (one line on stderr says why); 2: bad
 * arguments.
 */
static int parse_pair(const char *s, uint64_t *a, uint64_t *b)
{
	char *end;

	*a = strtoull(s, &end, 0);
	if (*end != ':')
		return -1;
	*b = strtoull(end + 1, &end, 0);
	return *end ? -1 : 0;
}

static int expect_cli(int argc, char **argv)
{
	struct layout l = { .name = "--expect" };
	unsigned int rodata = MB_RODATA_FULL, st = MB_STRAT_base;
	uint64_t unused;
	struct mb_counts c;
	int bbml = 0, bad = 0;

	for (int i = 2; i < argc && !bad; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--bbml")) {
			bbml = 1;
			continue;
		}
		if (!v) {
			bad = 1;
			break;
		}
		i++;
		if (!strcmp(a, "--bank") && l.nr < MB_MAX_BANKS) {
			bad = parse_pair(v, &l.b[l.nr].base, &l.b[l.nr].size);
			l.nr++;
		} else if (!strcmp(a, "--kernel")) {
			bad = parse_pair(v, &l.ks, &l.ke);
		} else if (!strcmp(a, "--data")) {
			bad = parse_pair(v, &l.ds, &l.de);
		} else if (!strcmp(a, "--image")) {
			bad = parse_pair(v, &unused, &unused);
		} else if (!strcmp(a, "--kfence")) {
			l.kfence = strtoull(v, NULL, 0);
		} else if (!strcmp(a, "--rodata")) {
			rodata = !strcmp(v, "on") ? MB_RODATA_ON :
				 !strcmp(v, "off") ? MB_RODATA_OFF :
				 MB_RODATA_FULL;
		} else if (!strcmp(a, "--strategy")) {
			for (st = 0; st < MB_NR_STRATEGIES; st++)
				if (!strcmp(v, strategy_name(st)))
					break;
			bad = st == MB_NR_STRATEGIES;
		} else {
			bad = 1;
		}
	}
	if (bad || !l.nr) {
		fprintf(stderr, "test_linear_map --expect --bank BASE:SIZE... "
			"--kernel START:END [--data START:END] [--kfence SIZE] "
			"[--rodata full|on|off] [--strategy NAME] [--bbml]\n");
		return 2;
	}
	if (bbml && st == MB_STRAT_v6_18)
		st = MB_STRAT_bbml2_blocks;
	if ((bbml && st == MB_STRAT_v7_2) || !expect(&l, st, rodata, &c)) {
		fprintf(stderr, "no closed form: v7.2 with block mappings "
			"allowed (its banks keep the first walks' tables)\n");
		return 3;
	}
	/* the operation counters: the closed forms are theirs */
	printf("{\"counts\": {");
	for (unsigned int i = 0; i <= MB_CTR_table_stores; i++)
		printf("%s\"%s\": %" PRIu64, i ? ", " : "", counter_names[i],
		       ((const uint64_t *)&c)[i]);
	printf("}}\n");
	return 0;
}

/* ---------------------------------------------------------------- */
/* Checks                                                            */

/*
 * The whole linear half of swapper, walked table by table (what the
 * engine left in memory, read directly): every leaf against the model,
 * every table entry's bits, nothing outside RAM, all of RAM mapped.
 */
struct expect_map {
	struct range r[3 * MB_MAX_BANKS];
	uint64_t prot[3 * MB_MAX_BANKS];
	int pxn_tables[3 * MB_MAX_BANKS];	/* NO_EXEC_MAPPINGS */
	int n;
	const struct ad_kernel *k;	/* whose descriptors (arm_desc.h) */
	enum ad_oa_format oa;
};

struct walk_result {
	uint64_t bytes, leaves, tables;
	uint64_t bad_leaf, bad_desc, outside;
	uint64_t first_leaf_va, first_leaf_got, first_leaf_want;
	uint64_t first_desc_va, first_desc, first_out_va, first_out;
};

/*
 * The reference kernel whose descriptors a strategy's map has: the
 * strategies on 6.9 6.1's, the merged series and the proposals after
 * it 6.12's, 6.18's (its BBML2 branch included) and 7.2's (7.3) their
 * own.
 */
static const struct ad_kernel *kernel_of(unsigned int st)
{
	switch (st) {
	case MB_STRAT_v7_2:
		return &ad_kernels[AD_LINUX_7_3];
	case MB_STRAT_v6_18:
	case MB_STRAT_bbml2_blocks:
	case MB_STRAT_bbml2_repaint:
		return &ad_kernels[AD_LINUX_6_18];
	case MB_STRAT_v6_10:
	case MB_STRAT_idmap:
	case MB_STRAT_idmap_lazy:
	case MB_STRAT_idmap_fill:
	case MB_STRAT_temp_pgtable:
		return &ad_kernels[AD_LINUX_6_12];
	default:
		return &ad_kernels[AD_LINUX_6_1];
	}
}

static void expect_map(const struct layout *l, unsigned int st,
		       unsigned int rodata, struct expect_map *x)
{
	unsigned int flags = main_flags_for(l, st, rodata);
	int ai, v72 = st == MB_STRAT_v7_2;

	x->n = v72 ? linear_pieces_72(l, flags, x->r) :
		     linear_ranges(l, flags, x->r);
	ai = alias_index(l, x->n);
	x->k = kernel_of(st);
	x->oa = ad_oa_format_of(PAGE_SHIFT, VA_BITS);
	for (int i = 0; i < x->n; i++) {
		/* map_mem(): the alias PAGE_KERNEL until 7.2, the rest
		 * pgprot_tagged(PAGE_KERNEL) */
		x->prot[i] = i == ai && !v72 ?
			     ad_page_kernel(x->k, x->oa) :
			     ad_page_kernel_tagged(x->k, x->oa);
		/* the alias and the KFENCE pool are mapped without
		 * NO_EXEC_MAPPINGS, until 7.2 */
		x->pxn_tables[i] = i < ai || v72;
		/* the repaint leaves all but the alias as PTEs */
		if (st == MB_STRAT_bbml2_repaint &&
		    direct_map_for(l, st, rodata) && i != ai)
			x->r[i].blocks = x->r[i].cont = 0;
	}
}

static int window_in(uint64_t v, uint64_t w, const struct range *r)
{
	uint64_t a = v & ~(w - 1);

	return a >= r->s && a + w <= r->e && po_aligned(r, w);
}

/* What map_mem() must put at offset v of range r: the leaf and level. */
static uint64_t model_leaf(const struct expect_map *x, int i, uint64_t v,
			   uint64_t po, int *level)
{
	const struct range *r = &x->r[i];
	uint64_t pa = v + po;
	uint64_t sect = ad_sect_prot(x->prot[i]);

	if (r->blocks && PUD_BLOCKS && window_in(v, SZ_PUD, r)) {
		*level = 1;
		return ad_oa_encode(x->oa, pa & ~(SZ_PUD - 1)) | sect;
	}
	if (r->blocks && window_in(v, SZ_PMD, r)) {
		*level = 2;
		return ad_oa_encode(x->oa, pa & ~(SZ_PMD - 1)) | sect |
		       (r->cont && HAS_PMD && window_in(v, SZ_CPMD, r) ?
			AD_CONTIGUOUS : 0);
	}
	*level = 3;
	return ad_oa_encode(x->oa, pa & ~(SZ_PAGE - 1)) | x->prot[i] |
	       (r->cont && window_in(v, SZ_CPTE, r) ? AD_CONTIGUOUS : 0);
}

static int range_of(const struct expect_map *x, uint64_t v)
{
	for (int i = 0; i < x->n; i++)
		if (v >= x->r[i].s && v < x->r[i].e)
			return i;
	return -1;
}

/* The first range map_mem() maps that overlaps [a, b): whose walk
 * created the table there. */
static int first_range(const struct expect_map *x, uint64_t a, uint64_t b)
{
	for (int i = 0; i < x->n; i++)
		if (x->r[i].s < b && x->r[i].e > a)
			return i;
	return -1;
}

static uint64_t rd_desc(uint64_t pa)
{
	uint64_t *w = sim_phys(pa);

	return w ? *w : 0;
}

static void walk_table(const struct expect_map *x, uint64_t po,
		       uint64_t table, int level, uint64_t va,
		       int last, struct walk_result *w)
{
	/* hardware level: 4 - levels at the root, 3 for pages */
	unsigned int shift = (PAGE_SHIFT - 3) * (4 - level) + 3;
	uint64_t span = 1ULL << shift;

	for (int i = 0; i <= last; i++) {
		uint64_t d = rd_desc(table + i * 8);
		uint64_t v = va + i * span;	/* linear-map offset */
		int leaf = level >= (PUD_BLOCKS ? 1 : 2) && (level == 3 ?
			   (d & AD_TYPE_MASK) == AD_TYPE_PAGE :
			   (d & AD_TYPE_MASK) == AD_TYPE_BLOCK);
		int ri = range_of(x, v), lw = 0;

		if (!(d & AD_VALID))
			continue;
		/* a table may start below RAM (spans of 64G and more) */
		if ((leaf && (ri < 0 || v + span > x->r[ri].e)) ||
		    (!leaf && first_range(x, v, v + span) < 0)) {
			if (!w->outside++) {
				w->first_out_va = v;
				w->first_out = d;
			}
			continue;
		}
		if (leaf) {
			uint64_t want = model_leaf(x, ri, v, po, &lw);

			w->leaves++;
			w->bytes += span;
			if (lw != level || d != want) {
				if (!w->bad_leaf++) {
					w->first_leaf_va = v;
					w->first_leaf_got = d;
					w->first_leaf_want = want;
				}
			}
			continue;
		}
		if (level < 3 && (d & AD_TYPE_MASK) == AD_TYPE_TABLE) {
			int fr = first_range(x, v, v + span);
			uint64_t next = ad_oa_decode(x->oa, PAGE_SHIFT, d);
			uint64_t want = ad_oa_encode(x->oa, next) |
					ad_table_prot(x->k, x->pxn_tables[fr]);

			w->tables++;
			if (d != want && !w->bad_desc++) {
				w->first_desc_va = v;
				w->first_desc = d;
			}
			walk_table(x, po, next, level + 1, v,
				   (int)NPTRS - 1, w);
			continue;
		}
		/* valid, but neither a table nor a leaf at this level */
		if (!w->bad_desc++) {
			w->first_desc_va = v;
			w->first_desc = d;
		}
	}
}

static void check_map(const char *name, const struct layout *l,
		      unsigned int st, unsigned int rodata)
{
	struct expect_map x;
	struct walk_result w = { 0 };
	uint64_t ram = 0;

	expect_map(l, st, rodata, &x);
	for (int i = 0; i < x.n; i++)
		ram += x.r[i].e - x.r[i].s;
	walk_table(&x, phys_offset(l), SIM_SWAPPER_PA, 4 - PGTABLE_LEVELS, 0,
		   (int)((PAGE_END - PAGE_OFFSET - 1) / SZ_PGD), &w);
	check(K_TRANS, !w.bad_leaf && w.bytes == ram, name,
	      "%" PRIu64 "/%" PRIu64 " leaves wrong, first +0x%" PRIx64
	      " desc 0x%" PRIx64 " expected 0x%" PRIx64 "; %" PRIu64
	      " of %" PRIu64 " bytes of RAM mapped", w.bad_leaf, w.leaves,
	      w.first_leaf_va, w.first_leaf_got, w.first_leaf_want, w.bytes,
	      ram);
	check(K_DESC, !w.bad_desc, name, "%" PRIu64 "/%" PRIu64 " table "
	      "entries wrong, first +0x%" PRIx64 " desc 0x%" PRIx64,
	      w.bad_desc, w.tables, w.first_desc_va, w.first_desc);
	check(K_UNMAPPED, !w.outside, name, "%" PRIu64 " valid entries "
	      "outside RAM, first +0x%" PRIx64 " desc 0x%" PRIx64, w.outside,
	      w.first_out_va, w.first_out);
}

/*
 * The engine's descriptor bits (guest/pgtable.h) against the manual's
 * (arm_desc.h), field by field: a drift in either fails, naming it.
 */
static void check_desc_table(void)
{
	struct ad_pair p[AD_MAX_PAIRS];
	int n = ad_pairs(p);

	for (int i = 0; i < n; i++)
		check(K_DESC, p[i].engine == p[i].manual, p[i].field,
		      "guest/pgtable.h 0x%" PRIx64 ", tests/unit/arm_desc.h "
		      "0x%" PRIx64, p[i].engine, p[i].manual);
	check(K_DESC, n < AD_MAX_PAIRS, "descriptor fields",
	      "%d pairs fill AD_MAX_PAIRS: raise it", n);
}

static uint64_t run_case(const struct layout *l, unsigned int st,
			 unsigned int rodata, struct mb_counts *got)
{
	struct simenv e;
	const char *why = simenv_init(&e, l->b, l->nr, st, rodata, l->ks,
				      l->ke, 0, l->kfence, 0);

	if (why) {
		fprintf(stderr, "%s: %s\n", l->name, why);
		exit(2);
	}
	e.mm.data_start = l->ds;
	e.mm.data_end = l->de;
	if (simenv_map_mem(&e))
		return 0;
	*got = mb_counters;
	return simenv_digest();
}

/*
 * Which strategy's final map a strategy's must equal, descriptor for
 * descriptor, at the same rodata (-1: none).  The kernels before 6.18
 * and the proposals on them build base's map; 6.18 drops PTE_DIRTY and
 * sets the table AF, so bbml2-repaint builds v6.18's (pages: Debian's
 * late KFENCE); bbml2-blocks' blocks and 7.2's alias (mapped with the
 * rest) are no other strategy's map: each is checked by its own model.
 */
static int same_map_as(unsigned int st)
{
	if (st == MB_STRAT_v7_2 || st == MB_STRAT_bbml2_blocks)
		return -1;
	if (is_v618(st))
		return MB_STRAT_v6_18;
	return MB_STRAT_base;
}

/* One check per simulator rule, with its first violation. */
static void check_rules(const char *name)
{
	for (int r = 0; r < SIM_NR_RULES; r++)
		check(K_RULE + r, !sim_rule_errors[r], name, "%s",
		      sim_rule_first[r]);
}

static void test_layout(const struct layout *l)
{
	static const char *const rname[] = { "full", "on", "off" };
	uint64_t dig[MB_NR_RODATA][MB_NR_STRATEGIES] = { { 0 } };

	for (unsigned int rodata = 0; rodata < MB_NR_RODATA; rodata++) {
		for (unsigned int st = 0; st < MB_NR_STRATEGIES; st++) {
			struct mb_counts got, exp;
			char name[160];
			uint64_t d;

			snprintf(name, sizeof(name), "%s %s rodata=%s",
				 l->name, strategy_name(st), rname[rodata]);
			d = run_case(l, st, rodata, &got);
			check(K_PANIC, d != 0, name, "engine panicked");
			/* the rules broken before a panic, too */
			check_rules(name);
			if (!d)
				continue;
			if (expect(l, st, rodata, &exp))
				counts_equal(name, &got, &exp);
			check_map(name, l, st, rodata);
			dig[rodata][st] = d;
		}
	}
	for (unsigned int rodata = 0; rodata < MB_NR_RODATA; rodata++) {
		for (unsigned int st = 0; st < MB_NR_STRATEGIES; st++) {
			int ref = same_map_as(st);
			unsigned int rr = rodata;
			uint64_t d = dig[rodata][st], want;
			char name[160];

			if (ref < 0 || (unsigned int)ref == st || !d)
				continue;
			want = dig[rr][ref];
			snprintf(name, sizeof(name), "%s %s rodata=%s",
				 l->name, strategy_name(st), rname[rodata]);
			check(K_DESC, d == want, name, "digest 0x%" PRIx64
			      " differs from %s's at rodata=%s 0x%" PRIx64, d,
			      strategy_name(ref), rname[rr], want);
		}
	}
}

#if PAGE_SHIFT == 12 && VA_BITS == 48
/* Per-GiB slopes: 2G minus 1G, against reference 2.6 and the counts
 * measured on Debian's 6.1 (base) and 6.12 (v6.10) kernels (4K, 48-bit
 * VA: the configuration those numbers are for). */
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
			     IMG + 0x10000, IMG + 0x30000, 0, 0, 0 };
	struct layout l2 = { "2G", { { MB_RAM_BASE, 2 * G } }, 1,
			     IMG + 0x10000, IMG + 0x30000, 0, 0, 0 };

	for (unsigned int i = 0; i < ARRAY_SIZE(ref); i++) {
		struct mb_counts a, b;
		char name[64];

		snprintf(name, sizeof(name), "per-GiB slope %s",
			 strategy_name(ref[i].st));
		run_case(&l1, ref[i].st, MB_RODATA_FULL, &a);
		run_case(&l2, ref[i].st, MB_RODATA_FULL, &b);
		check(K_COUNTS,
		      b.tlbi_vaale1is - a.tlbi_vaale1is == ref[i].tlbi &&
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

	simenv_init(&e, &b, 1, MB_STRAT_base, MB_RODATA_FULL, 0, 0, 0, 0, 0);
	if (setjmp(sim_panic_jmp) == 0)
		create_mapping_sim(&e.mm, MB_RAM_BASE, PAGE_OFFSET, 16 * G,
				   PAGE_KERNEL_TAGGED, NO_EXEC_MAPPINGS |
				   NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS);
	sim_finish();
	check_rules("reference 1.7");
	counts_equal("reference 1.7: 16 GiB aligned region", &mb_counters,
		     &l16);
}
#endif

/*
 * A layout at this configuration's granule: bank sizes and the alias
 * rounded out to whole pages (the 4K layouts below are written for the
 * smallest granule).  0 when RAM does not fit the linear map (small VA
 * sizes).
 */
static int fit_layout(const struct layout *in, struct layout *out)
{
	uint64_t top;

	*out = *in;
	for (unsigned int i = 0; i < out->nr; i++)
		out->b[i].size = (out->b[i].size + SZ_PAGE - 1) &
				 ~(SZ_PAGE - 1);
	out->ks &= ~(SZ_PAGE - 1);
	out->ke = (out->ke + SZ_PAGE - 1) & ~(SZ_PAGE - 1);
	out->ds &= ~(SZ_PAGE - 1);
	if (out->ds && out->ds < out->ke)
		out->ds = out->ke;
	top = out->b[out->nr - 1].base + out->b[out->nr - 1].size;
	return top - phys_offset(out) <= PAGE_END - PAGE_OFFSET;
}

int main(int argc, char **argv)
{
	static const struct layout layouts[] = {
		{ "1G", { { MB_RAM_BASE, G } }, 1,
		  IMG + 0x10000, IMG + 0x30000, 0, 0, 0 },
		{ "4G", { { MB_RAM_BASE, 4 * G } }, 1,
		  IMG + 0x10000, IMG + 0x20000, 0, 0, 0 },
		{ "16G", { { MB_RAM_BASE, 16 * G } }, 1,
		  IMG + 0x10000, IMG + 0x20000, 0, 0, 0 },
		{ "2 banks + hole", { { MB_RAM_BASE, G },
				      { MB_RAM_BASE + 3 * G, 2 * G } }, 2,
		  IMG + 0x10000, IMG + 0x30000, 0, 0, 0 },
		{ "unaligned bank", { { MB_RAM_BASE, G + 0x1234000 } }, 1,
		  IMG + 0x10000, IMG + 0x45000, 0, 0, 0 },
		{ "crossing 512G", { { MB_RAM_BASE, 256 * M },
				     { MB_RAM_BASE + 511 * G, 2 * G } }, 2,
		  IMG + 0x10000, IMG + 0x30000, 0, 0, 0 },
		{ "alias with blocks", { { MB_RAM_BASE, 2 * G } }, 1,
		  IMG, IMG + 6 * M, 0, 0, 0 },
		{ "KFENCE pool", { { MB_RAM_BASE, 2 * G } }, 1,
		  IMG + 0x10000, IMG + 0x30000, 2 * M, 0, 0 },
		{ "KFENCE pool, 2 banks", { { MB_RAM_BASE, G },
					    { MB_RAM_BASE + 2 * G, G + 3 * M } },
		  2, IMG + 0x10000, IMG + 0x30000, 5 * M, 0, 0 },
		/* what `run` models by default (host/kimage.c): Debian's
		 * images, _text at IMG; written here from the kernels'
		 * symbols (6.1: its _stext alias; 7.3: its data too) */
		{ "1G, Debian 6.1's image", { { MB_RAM_BASE, G } }, 1,
		  IMG + 0x10000, IMG + 0x1660000, 0, 0, 0 },
		{ "1G, Debian 6.12's image", { { MB_RAM_BASE, G } }, 1,
		  IMG, IMG + 0x1d10000, 0, 0, 0 },
		{ "1G, Debian 7.3's image", { { MB_RAM_BASE, G } }, 1,
		  IMG, IMG + 0x2700000, 0, IMG + 0x2b00000, IMG + 0x321e000 },
	};
	/* --quick (the mutants): three small layouts, nothing else */
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	int np = 0, nf = 0;

	if (argc > 1 && !strcmp(argv[1], "--expect"))
		return expect_cli(argc, argv);
	printf("# granule %luK, %d-bit VA, %d levels\n",
	       (unsigned long)(SZ_PAGE >> 10), VA_BITS, PGTABLE_LEVELS);
	check_desc_table();
#if PAGE_SHIFT == 12 && VA_BITS == 48
	if (!quick) {
		test_reference_literals();
		test_slopes();
	}
#endif
	for (unsigned int i = 0; i < ARRAY_SIZE(layouts); i++) {
		struct layout l;

		if (quick && strcmp(layouts[i].name, "1G") &&
		    strcmp(layouts[i].name, "2 banks + hole") &&
		    strcmp(layouts[i].name, "unaligned bank"))
			continue;
		/* the 4K 16G layout once (4K/48): its 4M PTEs per case
		 * are most of the tier's time */
		if (PAGE_SHIFT == 12 && VA_BITS != 48 &&
		    !strcmp(layouts[i].name, "16G")) {
			printf("# 16G: run at 4K/48 only\n");
			continue;
		}
		if (!fit_layout(&layouts[i], &l)) {
			printf("# %s: RAM beyond the %d-bit linear map, "
			       "skipped\n", l.name, VA_BITS);
			continue;
		}
		test_layout(&l);
	}
	for (int k = 0; k < NR_KINDS; k++) {
		printf("%s%s: %d", k ? ", " : "checks by kind: ", kind_name(k),
		       passed[k] + failed[k]);
		np += passed[k];
		nf += failed[k];
	}
	printf("\nfailed by kind: ");
	for (int k = 0; k < NR_KINDS; k++)
		printf("%s%s: %d", k ? ", " : "", kind_name(k), failed[k]);
	printf("\ntest_linear_map: %d passed, %d failed\n", np, nf);
	return nf ? 1 : 0;
}
