// SPDX-License-Identifier: GPL-2.0-only
/*
 * The linear-map engine: map_mem() and the walk beneath it, as v6.9-rc1
 * (arch/arm64/mm/mmu.c) does it and as each proposal and later kernel
 * changes it -- the same descriptors, the same loads and checks per
 * entry, the same stores, barriers and TLB maintenance in the same order.
 *
 * One walk per level, like mmu.c.  What a strategy changes is described
 * by a constant struct strat; every walk function is always-inlined with
 * it, so each strategy compiles to its own straight-line copy with no
 * runtime dispatch in the timed window.
 *
 * The code around the ops follows a reference kernel's compiled code
 * (struct strat's kref, docs/STRATEGIES.md "Code path"): what Debian's
 * 6.1 or 6.12 calls out of line is a noinline function here
 * (pgattr_change_is_safe(), __set_fixmap(), the pgtable_alloc pointer,
 * memblock's allocation path), prot and nG are run-time values as in the
 * kernel (the same descriptors), and the guest Makefile builds this file
 * with the kernels' pac-ret+leaf and patchable function entries.
 *
 * Not a standalone file: linear_map_timed.c, linear_map_counted.c and the
 * unit tier include it after defining ENGINE() and choosing a flavour of
 * arch_ops.h.  docs/STRATEGIES.md describes every strategy's sequence.
 */
#include "compiler.h"
#include "arch_ops.h"
#include "engine.h"
#include "memblock.h"
#include "pgtable.h"

#ifndef ENGINE
#error "define ENGINE(x) before including engine.c"
#endif

#define DESC	8	/* bytes per descriptor */

/* A code-path event of the walk, the temporary map's counted apart. */
#define CNT_WALK(s, name, n) do {					\
	if ((s)->tmp)							\
		CNT(tmp_##name, n);					\
	else								\
		CNT(name, n);						\
} while (0)

enum remap {
	REMAP_WINDOW,		/* 6.9: map/unmap per contiguous window */
	REMAP_TABLE,		/* patch A: once per table per pass */
};

enum alloc {
	ALLOC_FIXPTE,		/* 6.9: zero through FIX_PTE, unmap, remap */
	ALLOC_MAPPED,		/* patch C: map at the level's slot, zero,
				 * dsb ishst, populate through that mapping */
};

enum ptew {
	PTE_SYNC,		/* __set_pte(): dsb ishst; isb per entry */
	PTE_NOSYNC,		/* v3 B: none, the fixmap clear publishes */
	PTE_NOSYNC_BARRIER,	/* v1/v2 B: dsb ishst; isb once per table */
};

enum access {
	ACC_FIXMAP,		/* tables reached through the fixmap */
	ACC_DIRECT,		/* at VA = PA + direct_off (1:1 or temp map) */
};

/*
 * The reference kernel whose compiled code shape (and descriptors) a
 * strategy follows: strategies written against 6.9 (base and the v1/v2
 * proposals) follow Debian's 6.1 (gcc-12), the merged series and the
 * proposals after it Debian's 6.12 (gcc-14, 52-bit PA); v6.18 and v7.2
 * their own kernels.  Each is "this kernel and what it kept": a test of
 * kref >= KREF_x is a change that landed in x.
 */
enum kref {
	KREF_61,	/* pgattr_change_is_safe() out of line per entry */
	KREF_612,	/* its valid checks inline, the rest out of line;
			 * __phys_to_pte_val() of LPA2; PTE_MAYBE_SHARED */
	KREF_618,	/* lazy MMU asked on every valid kernel store
			 * (6.16), the table AF (6.13), PAGE_KERNEL without
			 * PTE_DIRTY, rodata=on is full (6.18) */
	KREF_72,	/* PTE_DIRTY back; lazy_mmu_state in the task;
			 * no block or CONT over a live table or over
			 * valid non-CONT entries (7.x) */
};

/*
 * Functions of the 6.18 and 7.x code paths are built as those kernels
 * are: return addresses signed in non-leaf functions only (pac-ret, BTI
 * landing pads only where a call may be indirect); the rest of the
 * engine as 6.1 and 6.12, pac-ret+leaf (the Makefile's flags).
 */
#ifdef MB_GUEST
#define KERNEL_618_CODE	__attribute__((target("branch-protection=pac-ret+bti")))
#else
#define KERNEL_618_CODE
#endif

struct strat {
	u8 kref;
	u8 remap, alloc, ptew, access;
	u8 lazy;		/* v1 3/3: 16 rotating FIX_PTE slots */
	u8 reread;		/* 6.9/v1: re-read the entry just populated */
	u8 lazy_idmap;		/* map each new table's 2M into the 1:1 map */
	u64 table_af;		/* v6.13+: PMD_TABLE_AF on table entries */
	/*
	 * idmap-fill: a new table is filled before it is linked.  Its
	 * entries are known empty, so they are written without loads or
	 * checks (stp pairs for PTEs); it is not zeroed when the walk
	 * writes every entry; one dsb ishst orders it before the link.
	 * Links and stores into live tables are plain and published by
	 * one dsb ishst; isb at the end of the walk.
	 */
	u8 fill;
	u8 tmp;			/* the temporary map's build (counted apart) */
	u8 walk;		/* its out-of-line walk (enum walk) */
};

/* The strategies' walks, one out-of-line function each (create(),
 * below), with the code attribute of their reference kernel. */
#define WALK_LIST(X)							\
	X(BASE, )							\
	X(NO_CONT_REMAP, )						\
	X(NO_ALLOC_REMAP, )						\
	X(LAZY_UNMAP, )							\
	X(BATCH_BARRIERS, )						\
	X(V6_10, )							\
	X(V6_18, KERNEL_618_CODE)					\
	X(V7_2, KERNEL_618_CODE)					\
	X(TMP, )							\
	X(DIRECT, )							\
	X(FILL, )							\
	X(DIRECT_LAZY, )

enum walk {
#define WALK_ID(name, attr) W_##name,
	WALK_LIST(WALK_ID)
#undef WALK_ID
};

static const struct strat S_BASE = {
	.kref = KREF_61,
	.remap = REMAP_WINDOW, .alloc = ALLOC_FIXPTE, .ptew = PTE_SYNC,
	.reread = 1,
	.walk = W_BASE,
};
static const struct strat S_NO_CONT_REMAP = {
	.kref = KREF_61,
	.remap = REMAP_TABLE, .alloc = ALLOC_FIXPTE, .ptew = PTE_SYNC,
	.reread = 1,
	.walk = W_NO_CONT_REMAP,
};
static const struct strat S_NO_ALLOC_REMAP = {
	.kref = KREF_61,
	.remap = REMAP_TABLE, .alloc = ALLOC_MAPPED, .ptew = PTE_SYNC,
	.reread = 1,
	.walk = W_NO_ALLOC_REMAP,
};
static const struct strat S_LAZY_UNMAP = {
	.kref = KREF_61,
	.remap = REMAP_TABLE, .alloc = ALLOC_MAPPED, .ptew = PTE_SYNC,
	.reread = 1, .lazy = 1,
	.walk = W_LAZY_UNMAP,
};
static const struct strat S_BATCH_BARRIERS = {
	.kref = KREF_61,
	.remap = REMAP_TABLE, .alloc = ALLOC_MAPPED,
	.ptew = PTE_NOSYNC_BARRIER, .reread = 1, .lazy = 1,
	.walk = W_BATCH_BARRIERS,
};
static const struct strat S_V6_10 = {
	.kref = KREF_612,
	.remap = REMAP_TABLE, .alloc = ALLOC_MAPPED, .ptew = PTE_NOSYNC,
	.walk = W_V6_10,
};
static const struct strat S_V6_18 = {
	.kref = KREF_618,
	.remap = REMAP_TABLE, .alloc = ALLOC_MAPPED, .ptew = PTE_NOSYNC,
	.table_af = PMD_TABLE_AF,
	.walk = W_V6_18,
};
static const struct strat S_V7_2 = {
	.kref = KREF_72,
	.remap = REMAP_TABLE, .alloc = ALLOC_MAPPED, .ptew = PTE_NOSYNC,
	.table_af = PMD_TABLE_AF,
	.walk = W_V7_2,
};
/*
 * The temporary maps of idmap and temp-pgtable: v6.10's walk, its code
 * paths counted apart from the main build's (tmp_*), so the account can
 * price the two separately.
 */
static const struct strat S_TMP = {
	.kref = KREF_612,
	.remap = REMAP_TABLE, .alloc = ALLOC_MAPPED, .ptew = PTE_NOSYNC,
	.tmp = 1,
	.walk = W_TMP,
};
/* The PTE-level build of the 1:1 and temp-pgtable proposals. */
static const struct strat S_DIRECT = {
	.kref = KREF_612,
	.remap = REMAP_TABLE, .alloc = ALLOC_MAPPED,
	.ptew = PTE_NOSYNC_BARRIER, .access = ACC_DIRECT,
	.walk = W_DIRECT,
};
/* idmap-fill's build of swapper, its tables at VA = PA. */
static const struct strat S_FILL = {
	.kref = KREF_612,
	.remap = REMAP_TABLE, .alloc = ALLOC_MAPPED,
	.ptew = PTE_NOSYNC, .access = ACC_DIRECT, .fill = 1,
	.walk = W_FILL,
};
static const struct strat S_DIRECT_LAZY = {
	.kref = KREF_612,
	.remap = REMAP_TABLE, .alloc = ALLOC_MAPPED,
	.ptew = PTE_NOSYNC_BARRIER, .access = ACC_DIRECT, .lazy_idmap = 1,
	.walk = W_DIRECT_LAZY,
};

/* ---------------------------------------------------------------- */
/* Run-time prot, as the kernel computes it */

/*
 * arm64_use_ng_mappings: PTE_MAYBE_NG reads it whenever a prot is built
 * (false here, as on the reference boots: no KPTI).  Defined by one of
 * the builds that include this file, read by all.
 */
#ifndef MB_COUNTING
u8 mb_use_ng_mappings;
#endif

/* 6.12's __phys_to_pte_val() with 52-bit PA and LPA2 (4K, 16K): PA[51:50]
 * move to descriptor bits [9:8], masked with GENMASK(49, 8) at either
 * granule (one AND immediate); PAs below 2^48 come out unchanged. */
#define LPA2_PTE_ADDR_HIGH_SHIFT	42
#define LPA2_PHYS_TO_PTE_ADDR_MASK	MB_UL(0x0003ffffffffff00)
/* 64K with 52-bit PA (FEAT_LPA): PA[51:48] move to bits [15:12]. */
#define LPA_PTE_ADDR_HIGH_SHIFT		36
#define LPA_ADDR_LOW			(MB_UL(0x0000ffffffffffff) & PAGE_MASK)
#define LPA_PHYS_TO_PTE_ADDR_MASK	(LPA_ADDR_LOW | MB_UL(0xf) << 12)
/*
 * Which __phys_to_pte_val() a 6.12 build has.  Debian's 6.12 4K and 16K
 * flavours are both 52-bit LPA2 builds (VA_BITS 52, PA_BITS 52): they
 * convert at whatever VA size the CPU runs them (48 or 47 bits without
 * LPA2), and kernel-check counts those instructions in both, so every
 * 4K and 16K image follows them.  64K with 52 bits uses FEAT_LPA; a
 * 64K build of 48 bits or less has the identity.
 */
#define PTE_ADDR_LPA2		(PAGE_SHIFT == 12 || PAGE_SHIFT == 14)
#define PTE_ADDR_LPA		(PAGE_SHIFT == 16 && VA_BITS == 52)
/* 6.12's PTE_SWBITS_MASK: software bits a live entry may change */
#define PTE_SWBITS_MASK_612		(MB_UL(1) << 63 | MB_UL(0xf) << 55)

static __always_inline u64 phys_to_pte_val(int kref, u64 phys)
{
	if (kref >= KREF_612 && PTE_ADDR_LPA2)
		return (phys | (phys >> LPA2_PTE_ADDR_HIGH_SHIFT)) &
		       LPA2_PHYS_TO_PTE_ADDR_MASK;
	if (kref >= KREF_612 && PTE_ADDR_LPA)
		return (phys | (phys >> LPA_PTE_ADDR_HIGH_SHIFT)) &
		       LPA_PHYS_TO_PTE_ADDR_MASK;
	return phys;
}

/*
 * PAGE_KERNEL and its relatives as the kernel builds them: PTE_MAYBE_NG
 * from arm64_use_ng_mappings, and from 6.12 PTE_MAYBE_SHARED from
 * lpa2_is_enabled() (TCR_EL1.DS).  The values are the constants of
 * pgtable.h (6.1's and 6.12's, with PTE_DIRTY); 6.18 built _PAGE_KERNEL
 * from PROT_NORMAL alone, and the kernel put PTE_DIRTY back after it
 * (in 6.19), so only 6.18's lose it here.
 */
static __always_inline u64 kernel_prot(int kref, u64 prot)
{
	if (kref == KREF_618)
		prot &= ~PTE_DIRTY;
	if (READ_ONCE(mb_use_ng_mappings))
		prot |= PTE_NG;
	if (kref >= KREF_612 && op_lpa2_is_enabled())
		prot &= ~PTE_SHARED;
	return prot;
}

/* ---------------------------------------------------------------- */
/* Barrier-carrying stores: __set_pte(), set_pmd(), set_pud(), set_p4d() */

static inline int pte_valid_not_user(u64 pte)
{
	return (pte & (PTE_VALID | PTE_USER | PTE_UXN)) ==
	       (PTE_VALID | PTE_UXN);
}

/*
 * is_lazy_mmu_mode_active() (v6.16+), never true at boot but asked by
 * every valid kernel store: not in interrupt, then 6.16..7.1 current's
 * TIF_LAZY_MMU, 7.x its lazy_mmu_state (enabled, not paused).
 */
static __always_inline int lazy_mmu_mode_active(int kref)
{
	const struct mb_task *cur = op_current();

	if (READ_ONCE(cur->preempt_count) &
	    (kref >= KREF_72 ? MB_IN_INTERRUPT_MASK_72 :
	     MB_IN_INTERRUPT_MASK_616))
		return 0;
	if (kref >= KREF_72)
		return READ_ONCE(cur->lazy_mmu_enable) &&
		       !READ_ONCE(cur->lazy_mmu_pause);
	return (READ_ONCE(cur->flags) >> TIF_LAZY_MMU) & 1;
}

/* emit_pte_barriers(), or from 6.16 queue_pte_barriers(): in lazy MMU
 * mode the barriers would wait for its end (never, this early). */
static __always_inline void pte_barriers(int kref)
{
	if (kref >= KREF_618 && lazy_mmu_mode_active(kref))
		return;
	op_dsb_ishst();
	op_isb();
}

static __always_inline void set_pte(int kref, u64 ptep, u64 pte)
{
	pt_wr(ptep, pte);
	if (pte_valid_not_user(pte))
		pte_barriers(kref);
}

/*
 * set_pmd/set_pud/set_p4d of a valid entry: str; dsb ishst; isb.  A write
 * into swapper_pg_dir goes through set_swapper_pgd(), which while rodata
 * is still writable (always, this early) is the very same sequence.
 * From 6.16 the barriers are queue_pte_barriers()'.
 */
static __always_inline void set_table_entry(int kref, u64 p, u64 v)
{
	pt_wr(p, v);
	pte_barriers(kref);
}

/* The kref a store into a level-lvl table follows: an entry of the root
 * is swapper's, set through set_swapper_pgd() without the lazy MMU
 * question in every version. */
static __always_inline int entry_kref(const struct strat *s, int lvl)
{
	return lvl == ROOT_LEVEL && s->kref >= KREF_618 ? KREF_612 : s->kref;
}

/*
 * flush_tlb_kernel_range() as of v6.9 (MAX_TLBI_OPS = PTRS_PER_PTE).
 * From 6.18 the per-page loop is __flush_tlb_range_op(): it reads
 * TCR_EL1.DS (lpa2_is_enabled()) for the range form and carries the
 * TLBI alternatives' NOPs (two per page and none after the dsb ish in
 * 6.18, one per page and one after the dsb ish in 7.x).
 */
static __always_inline void flush_tlb_kernel_range(int kref, u64 start,
						   u64 end)
{
	u64 a;

	if ((end - start) >> PAGE_SHIFT > PTRS_PER_PTE) {
		op_dsb_ishst();		/* flush_tlb_all() */
		op_tlbi_vmalle1is();
		op_dsb_ish();
		op_isb();
		return;
	}
	/* a loop over the range, as compiled in the kernel: not folded */
	asm("" : "+r" (end));
	op_dsb_ishst();
	if (kref >= KREF_618) {
		u64 lpa2 = op_lpa2_is_enabled();

		asm("" :: "r" (lpa2));
	}
	for (a = start; a < end; a += PAGE_SIZE) {
		if (kref >= KREF_618)
			op_static_key_nop();
		op_tlbi_vaale1is(a);
		if (kref == KREF_618)
			op_static_key_nop();
	}
	op_dsb_ish();		/* __tlbi_sync_s1ish(): dsb ish, then */
	if (kref != KREF_618)
		op_static_key_nop();	/* the REPEAT_TLBI erratum's key */
	op_isb();
}

static inline void local_flush_tlb_all(void)
{
	op_dsb_nshst();
	op_tlbi_vmalle1();
	op_dsb_nsh();
	op_isb();
}

/* ---------------------------------------------------------------- */
/* Fixmap: __set_fixmap() on one static L3 table (bm_pte) */

static inline u64 fixmap_pte(const struct mb_mm *mm, unsigned int idx)
{
	return mm->bm_pte + pte_index(fix_to_virt(idx)) * DESC;
}

/*
 * __set_fixmap(): out of line in both kernels, with its range BUG_ON and
 * the run-time test of the prot (map with set_pte()/__set_pte(), or
 * clear and flush).  One copy per reference kernel.
 */
static __always_inline void set_fixmap_tmpl(int kref, const struct mb_mm *mm,
					    unsigned int idx, u64 phys,
					    u64 prot)
{
	u64 addr = fix_to_virt(idx), ptep;

	MB_BUG_ON(idx <= FIX_HOLE || idx >= __end_of_fixed_addresses);
	ptep = op_bm_pte(mm) + pte_index(addr) * DESC;
	if (prot) {
		set_pte(kref, ptep,
			phys_to_pte_val(kref, phys & PAGE_MASK) | prot);
		CNT(fixmap_map, 1);
	} else {
		pt_wr(ptep, 0);		/* __pte_clear() */
		flush_tlb_kernel_range(kref, addr, addr + PAGE_SIZE);
		CNT(fixmap_unmap, 1);
	}
}

static __noinline void set_fixmap_61(const struct mb_mm *mm, unsigned int idx,
				     u64 phys, u64 prot)
{
	set_fixmap_tmpl(KREF_61, mm, idx, phys, prot);
}

static __noinline void set_fixmap_612(const struct mb_mm *mm,
				      unsigned int idx, u64 phys, u64 prot)
{
	set_fixmap_tmpl(KREF_612, mm, idx, phys, prot);
}

static __noinline KERNEL_618_CODE void set_fixmap_618(const struct mb_mm *mm,
				      unsigned int idx, u64 phys, u64 prot)
{
	set_fixmap_tmpl(KREF_618, mm, idx, phys, prot);
}

static __noinline KERNEL_618_CODE void set_fixmap_72(const struct mb_mm *mm,
				     unsigned int idx, u64 phys, u64 prot)
{
	set_fixmap_tmpl(KREF_72, mm, idx, phys, prot);
}

static __always_inline void __set_fixmap(const struct strat *s,
					 const struct mb_mm *mm,
					 unsigned int idx, u64 phys, u64 prot)
{
	if (s->kref == KREF_61)
		set_fixmap_61(mm, idx, phys, prot);
	else if (s->kref == KREF_612)
		set_fixmap_612(mm, idx, phys, prot);
	else if (s->kref == KREF_618)
		set_fixmap_618(mm, idx, phys, prot);
	else
		set_fixmap_72(mm, idx, phys, prot);
}

/* set_fixmap_offset(idx, pa) with FIXMAP_PAGE_NORMAL built at the call. */
static __always_inline u64 set_fixmap_offset(const struct strat *s,
					     const struct mb_mm *mm,
					     unsigned int idx, u64 pa)
{
	__set_fixmap(s, mm, idx, pa & PAGE_MASK,
		     kernel_prot(s->kref, FIXMAP_PAGE_NORMAL));
	return fix_to_virt(idx) + (pa & ~PAGE_MASK);
}

static __always_inline void clear_fixmap(const struct strat *s,
					 const struct mb_mm *mm,
					 unsigned int idx)
{
	__set_fixmap(s, mm, idx, 0, 0);
}

/* lazy-unmap: clear every used FIX_PTE slot, then one ranged flush. */
static void lazy_flush(struct mb_mm *mm)
{
	unsigned int idx, used = FIX_PTE_BEGIN - mm->lazy_next;

	if (!used)
		return;
	CNT(lazy_flushes, 1);
	CNT(lazy_clears, used);
	for (idx = mm->lazy_next + 1; idx <= FIX_PTE_BEGIN; idx++)
		pt_wr(fixmap_pte(mm, idx), 0);	/* clear_fixmap_nosync() */
	flush_tlb_kernel_range(KREF_61, fix_to_virt(FIX_PTE_BEGIN),
			       fix_to_virt(mm->lazy_next + 1) + PAGE_SIZE);
	CNT(fixmap_unmap, used);
	mm->lazy_next = FIX_PTE_BEGIN;
}

static inline unsigned int level_slot(int lvl)
{
	return lvl == 3 ? FIX_PTE : lvl == 2 ? FIX_PMD :
	       lvl == 1 ? FIX_PUD : FIX_P4D;
}

/* Reach the table at pa: the level's fixmap slot, or directly. */
static __always_inline u64 tbl_map(const struct strat *s, struct mb_mm *mm,
				   int lvl, u64 pa)
{
	if (s->access == ACC_DIRECT)
		return pa + mm->direct_off;
	if (lvl == 3 && s->lazy) {
		if (mm->lazy_next < FIX_PTE_END)
			lazy_flush(mm);
		return set_fixmap_offset(s, mm, mm->lazy_next--, pa);
	}
	return set_fixmap_offset(s, mm, level_slot(lvl), pa);
}

static __always_inline void tbl_unmap(const struct strat *s,
				      struct mb_mm *mm, int lvl)
{
	if (s->access == ACC_DIRECT || (lvl == 3 && s->lazy))
		return;
	clear_fixmap(s, mm, level_slot(lvl));
}

/* {pte,pmd,pud}_set_fixmap_offset(): one load of the parent entry. */
static __always_inline u64 tbl_map_offset(const struct strat *s,
					  struct mb_mm *mm, int lvl,
					  u64 parentp, u64 index)
{
	u64 pa = (pt_rd(parentp) & PTE_ADDR_MASK) + index * DESC;

	return tbl_map(s, mm, lvl, pa);
}

/* ---------------------------------------------------------------- */
/* Allocation */

static void count_table(int lvl)
{
	switch (lvl) {
	case 3:
		CNT(tables_l3, 1);
		break;
	case 2:
		CNT(tables_l2, 1);
		break;
	case 1:
		CNT(tables_l1, 1);
		break;
	case 0:
		CNT(tables_l0, 1);
		break;
	default:
		CNT(tables_lm1, 1);
		break;
	}
}

static void create_lazy_idmap(struct mb_mm *mm, u64 pa);

/*
 * The pgtable_alloc functions the walk calls through its function
 * pointer, as both kernels do.  v6.9's early_pgtable_alloc() zeroes the
 * page through FIX_PTE and unmaps it; from v6.10 it only allocates, and
 * the caller maps, clears and orders the page (init_clear_pgtable()).
 */
static __noinline u64 early_pgtable_alloc_fixpte(struct mb_mm *mm, int shift)
{
	u64 pa, v;

	(void)shift;
	pa = memblock_phys_alloc_range(mm->mblk, PAGE_SIZE, PAGE_SIZE, 0, 0);
	CNT(allocs, 1);
	if (!pa)
		mb_panic(MB_ST_NOMEM, __LINE__);
	/* FIX_PTE is free here: only PGD/PUD/PMD slots may be live */
	v = set_fixmap_offset(&S_BASE, mm, FIX_PTE, pa);
	op_zero_page(v);
	/* the unmap's barriers also publish the zeroes */
	clear_fixmap(&S_BASE, mm, FIX_PTE);
	return pa;
}

static __noinline u64 early_pgtable_alloc(struct mb_mm *mm, int shift)
{
	u64 pa;

	(void)shift;
	pa = memblock_phys_alloc_range(mm->mblk, PAGE_SIZE, PAGE_SIZE, 0, 0);
	CNT(allocs, 1);
	if (!pa)
		mb_panic(MB_ST_NOMEM, __LINE__);
	return pa;
}

static inline int level_shift(int lvl)
{
	return lvl == 3 ? PAGE_SHIFT : lvl == 2 ? PMD_SHIFT : PUD_SHIFT;
}

/*
 * A new table at level lvl, from mm->pgtable_alloc.  ALLOC_FIXPTE: the
 * allocator zeroed it (*va = 0, the caller maps it again).  ALLOC_MAPPED
 * maps it where it will be populated, zeroes it and orders the zeroes
 * (v1 2/3 ops->alloc, v6.10 init_clear_pgtable()).
 */
static __always_inline u64 tbl_alloc(const struct strat *s, struct mb_mm *mm,
				     int lvl, u64 *va, int whole)
{
	u64 (*alloc)(struct mb_mm *, int) = mm->pgtable_alloc;
	u64 pa, v;

	MB_BUG_ON(!alloc);
	if (s->fill && lvl == 3 && mm->pool_hi > mm->pool_lo)
		pa = mm->pool_hi -= PAGE_SIZE;	/* fill_reserve()'s */
	else
		pa = alloc(mm, level_shift(lvl));
	count_table(lvl);
	CNT(tmp_tables, s->tmp);
	if (!(s->fill && whole))
		CNT(bytes_zeroed, PAGE_SIZE);
	if (s->alloc == ALLOC_FIXPTE) {
		*va = 0;
		return pa;
	}
	if (s->lazy_idmap &&
	    !(pa >= mm->lazy_lo && pa < mm->lazy_hi))
		create_lazy_idmap(mm, pa);
	v = tbl_map(s, mm, lvl, pa);
	if (s->fill) {
		/* a table the walk wholly writes needs no zeroes; the dsb
		 * ishst before its link orders zeroes and entries alike */
		if (!whole)
			op_zero_page(v);
		*va = v;
		return pa;
	}
	op_zero_page(v);
	op_dsb_ishst();
	*va = v;
	return pa;
}

/* ---------------------------------------------------------------- */
/* The walk */

static inline int attr_normal(u64 d)
{
	return (d & PTE_ATTRINDX_MASK) == PTE_ATTRINDX(MT_NORMAL) ||
	       (d & PTE_ATTRINDX_MASK) == PTE_ATTRINDX(MT_NORMAL_TAGGED);
}

/*
 * pgattr_change_is_safe(): the BUG_ON() every entry pays.  6.1's is a
 * static function gcc-12 calls out of line for every entry; creating an
 * entry (old or new zero) is always safe.
 */
static __noinline bool pgattr_change_is_safe_61(u64 old, u64 new)
{
	u64 mask = PTE_PXN | PTE_RDONLY | PTE_WRITE | PTE_NG;
	/* gcc-12 evaluates both tests into flags, then branches once */
	int created = (old == 0) | (new == 0);

	if (created)
		return 1;
	if ((old | new) & PTE_CONT)
		return 0;
	if (old & ~new & PTE_NG)
		return 0;
	if (attr_normal(old) && attr_normal(new))
		mask |= PTE_ATTRINDX_MASK;
	return ((old ^ new) & ~mask) == 0;
}

/*
 * 6.12's is global; gcc-14 inlines its two pte_valid() tests at each
 * call and leaves the rest out of line (pgattr_change_is_safe.part.0):
 * that split, by hand.
 */
/* __pte_to_phys() of a 52-bit LPA2 build at either granule: bits 9:8
 * are OA[51:50] with TCR_EL1.DS, shareability without */
static __always_inline u64 pte_to_phys_lpa2(u64 pte, u64 maybe_shared)
{
	pte &= ~maybe_shared;
	return (pte & MB_UL(0x0003fffffffff000)) |
	       ((pte << LPA2_PTE_ADDR_HIGH_SHIFT) & MB_UL(0x000c000000000000));
}

static __always_inline bool pgattr_change_is_safe_tmpl(int kref, u64 old,
						      u64 new)
{
	u64 mask = PTE_PXN | PTE_RDONLY | PTE_WRITE | PTE_NG |
		   PTE_SWBITS_MASK_612;

	if (kref >= KREF_618) {
		/* pte_pfn() of 6.18 on: __pte_to_phys() of an LPA2 build,
		 * OA[51:50] from bits 9:8 when TCR_EL1.DS says so */
		/* PTE_MAYBE_SHARED, read once; the kernel's gcc-14 keeps
		 * both conversions whole (and + csel each), which gcc-12
		 * would split on the flag: hidden from it */
		u64 maybe_shared = op_lpa2_is_enabled() ? 0 : MB_UL(3) << 8;

		asm("" : "+r" (maybe_shared));
		if (pte_to_phys_lpa2(old, maybe_shared) !=
		    pte_to_phys_lpa2(new, maybe_shared))
			return 0;
	} else if ((old & PTE_ADDR_MASK) != (new & PTE_ADDR_MASK)) {
		return 0;	/* a live entry's pfn may not change */
	}
	/* 7.x lets a live entry keep (or be rewritten with) CONT */
	if (kref < KREF_72 && ((old | new) & PTE_CONT))
		return 0;
	if (old & ~new & PTE_NG)
		return 0;
	if (attr_normal(old) && attr_normal(new))
		mask |= PTE_ATTRINDX_MASK;
	return ((old ^ new) & ~mask) == 0;
}

static __noinline bool pgattr_change_is_safe_part(u64 old, u64 new)
{
	return pgattr_change_is_safe_tmpl(KREF_612, old, new);
}

static __noinline KERNEL_618_CODE bool
pgattr_change_is_safe_part_618(u64 old, u64 new)
{
	return pgattr_change_is_safe_tmpl(KREF_618, old, new);
}

static __noinline KERNEL_618_CODE bool
pgattr_change_is_safe_part_72(u64 old, u64 new)
{
	return pgattr_change_is_safe_tmpl(KREF_72, old, new);
}

static __always_inline bool pgattr_change_is_safe(const struct strat *s,
						 u64 old, u64 new)
{
	if (s->kref == KREF_61)
		return pgattr_change_is_safe_61(old, new);
	if (!(old & PTE_VALID) || !(new & PTE_VALID))
		return 1;
	if (s->kref >= KREF_72)
		return pgattr_change_is_safe_part_72(old, new);
	if (s->kref == KREF_618)
		return pgattr_change_is_safe_part_618(old, new);
	return pgattr_change_is_safe_part(old, new);
}

static inline int desc_sect(u64 d)
{
	return (d & PTE_TYPE_MASK) == PMD_TYPE_SECT;
}

static inline int desc_bad(u64 d)
{
	return !(d & PTE_TABLE_BIT);
}

/* pmd_table()/pud_table() */
static inline int desc_table(u64 d)
{
	return (d & PTE_TYPE_MASK) == PMD_TYPE_TABLE;
}

/*
 * 7.x: no block over a live table (the new order maps the kernel
 * alias before the memory that holds it), and a CONT group only where
 * none of its n entries is valid without CONT
 * (pte_range_has_valid_noncont(), pmd_range_has_valid_noncont()).
 */
static __always_inline int block_over_table(const struct strat *s, u64 old)
{
	return s->kref >= KREF_72 && desc_table(old);
}

static __always_inline int range_has_valid_noncont(const struct strat *s,
						   u64 p, int n)
{
	if (s->kref < KREF_72)
		return 0;
	for (int i = 0; i < n; i++) {
		u64 d = pt_rd(p + i * DESC);

		if ((d & PTE_VALID) && !(d & PTE_CONT))
			return 1;
	}
	return 0;
}

static inline u64 addr_end(u64 addr, u64 end, u64 size)
{
	u64 boundary = (addr + size) & ~(size - 1);

	return boundary - 1 < end - 1 ? boundary : end;
}

static __always_inline u64 table_desc(const struct strat *s, u64 pa,
				      unsigned int flags)
{
	u64 v = phys_to_pte_val(s->kref, pa) | PMD_TYPE_TABLE | PMD_TABLE_UXN |
		s->table_af;

	if (flags & NO_EXEC_MAPPINGS)
		v |= PMD_TABLE_PXN;
	return v;
}

static inline u64 sect_prot(u64 prot)
{
	return (prot & ~PTE_TABLE_BIT) | PMD_TYPE_SECT;
}

/*
 * pmd_set_huge()/pud_set_huge(): their own check, then set_pmd/pud.  In
 * a table idmap-fill has not linked yet the entry is known empty (maybe
 * not even zeroed): no check, and no load.
 */
static __always_inline int set_huge_tmpl(const struct strat *s, int lvl,
					 u64 p, u64 new)
{
	if (!pgattr_change_is_safe(s, pt_rd(p), new))
		return 0;
	set_table_entry(entry_kref(s, lvl), p, new);
	CNT(leaf_stores, 1);
	return 1;
}

/* 6.18's and 7.x's builds call pmd_set_huge()/pud_set_huge() out of
 * line (the block path of BBML2 CPUs makes every leaf one), which build
 * the descriptor from phys and prot themselves, and WARN_ON what they
 * return. */
static __noinline KERNEL_618_CODE int set_huge_618(int lvl, u64 p, u64 phys,
						   u64 prot)
{
	return set_huge_tmpl(&S_V6_18, lvl, p,
			     phys_to_pte_val(KREF_618, phys) | sect_prot(prot));
}

static __noinline KERNEL_618_CODE int set_huge_72(int lvl, u64 p, u64 phys,
						  u64 prot)
{
	return set_huge_tmpl(&S_V7_2, lvl, p,
			     phys_to_pte_val(KREF_72, phys) | sect_prot(prot));
}

static __always_inline void set_huge(const struct strat *s, int lvl, u64 p,
				     u64 phys, u64 prot, int fresh)
{
	u64 new = phys_to_pte_val(s->kref, phys) | sect_prot(prot);

	if (lvl == 2)
		CNT_WALK(s, blocks, 1);
	else
		CNT_WALK(s, pud_blocks, 1);
	if (s->fill && fresh) {
		set_table_entry(entry_kref(s, lvl), p, new);
		CNT(leaf_stores, 1);
		return;
	}
	if (s->kref == KREF_618)
		MB_BUG_ON(!set_huge_618(lvl, p, phys, prot));
	else if (s->kref >= KREF_72)
		MB_BUG_ON(!set_huge_72(lvl, p, phys, prot));
	else
		set_huge_tmpl(s, lvl, p, new);
}

/*
 * idmap-fill's PTEs in a table not linked yet: nothing to load or check
 * (the entries are empty), descriptors by addition (the output address
 * field is linear in PA inside one table: PA[51:50] of LPA2 cannot
 * change within a PMD_SIZE window), two per stp, four stp (64 bytes)
 * per iteration.
 */
static __always_inline void fill_pte(const struct strat *s, u64 ptep,
				     u64 addr, u64 end, u64 phys, u64 prot)
{
	u64 pte = phys_to_pte_val(s->kref, phys) | prot;
	u64 n = (end - addr) >> PAGE_SHIFT;

	CNT(leaf_stores, n);
	CNT(fills, 1);
	CNT(ptes_fill, n);
	for (; n >= 8; n -= 8, ptep += 8 * DESC, pte += 8 * PAGE_SIZE) {
		pt_wr2(ptep, 0, pte, pte + PAGE_SIZE);
		pt_wr2(ptep, 2 * DESC, pte + 2 * PAGE_SIZE,
		       pte + 3 * PAGE_SIZE);
		pt_wr2(ptep, 4 * DESC, pte + 4 * PAGE_SIZE,
		       pte + 5 * PAGE_SIZE);
		pt_wr2(ptep, 6 * DESC, pte + 6 * PAGE_SIZE,
		       pte + 7 * PAGE_SIZE);
	}
	for (; n >= 2; n -= 2, ptep += 2 * DESC, pte += 2 * PAGE_SIZE)
		pt_wr2(ptep, 0, pte, pte + PAGE_SIZE);
	if (n)
		pt_wr(ptep, pte);
}

static __always_inline void init_pte(const struct strat *s, u64 ptep,
				     u64 addr, u64 end, u64 phys, u64 prot,
				     int fresh)
{
	if (s->fill && fresh) {
		fill_pte(s, ptep, addr, end, phys, prot);
		return;
	}
	do {
		u64 old = pt_rd(ptep);

		u64 pte = phys_to_pte_val(s->kref, phys) | prot;

		CNT_WALK(s, ptes, 1);
		CNT(ptes_live, !!old);

		if (s->ptew == PTE_SYNC)
			set_pte(s->kref, ptep, pte);
		else
			pt_wr(ptep, pte);	/* __set_pte_nosync() */
		CNT(leaf_stores, 1);
		MB_BUG_ON(!pgattr_change_is_safe(s, old, pt_rd(ptep)));
		phys += PAGE_SIZE;
	} while (ptep += DESC, addr += PAGE_SIZE, addr != end);
}

/* idmap-fill: the walk writes every entry of the new table */
static inline int whole_table(u64 addr, u64 end, u64 span)
{
	return !(addr & (span - 1)) && end - addr == span;
}

/* idmap-fill: a filled table, ordered, then linked (plain store). */
static __always_inline void fill_link(const struct strat *s, u64 parentp,
				      u64 pa, unsigned int flags)
{
	op_dsb_ishst();
	pt_wr(parentp, table_desc(s, pa, flags));
	CNT(table_stores, 1);
}

static __always_inline void alloc_init_cont_pte(const struct strat *s,
						struct mb_mm *mm, u64 pmdp,
						u64 addr, u64 end, u64 phys,
						u64 prot, unsigned int flags,
						int fresh)
{
	u64 next, ptep = 0, pmd = 0, fill_pa = 0;

	if (!(s->fill && fresh))
		pmd = pt_rd(pmdp);
	MB_BUG_ON(desc_sect(pmd));
	if (!pmd && s->fill) {
		fill_pa = tbl_alloc(s, mm, 3, &ptep,
				    whole_table(addr, end, PMD_SIZE));
		ptep += pte_index(addr) * DESC;
	} else if (!pmd) {
		u64 pa = tbl_alloc(s, mm, 3, &ptep, 0);

		if (ptep)
			ptep += pte_index(addr) * DESC;
		set_table_entry(entry_kref(s, 2), pmdp,
				table_desc(s, pa, flags));
		CNT(table_stores, 1);
		if (s->reread)
			pmd = pt_rd(pmdp);
	}
	MB_BUG_ON(pmd && desc_bad(pmd));
	if (s->remap == REMAP_TABLE && !ptep)
		ptep = tbl_map_offset(s, mm, 3, pmdp, pte_index(addr));

	do {
		u64 p = prot;

		CNT_WALK(s, windows, 1);
		/* idmap-fill: without CONT there is nothing to cut the
		 * range into contiguous windows for */
		if (s->fill && (flags & NO_CONT_MAPPINGS))
			next = end;
		else
			next = addr_end(addr, end, CONT_PTE_SIZE);
		/* contiguous hint where the whole 64K window is aligned */
		if (!((addr | next | phys) & (CONT_PTE_SIZE - 1)) &&
		    !(flags & NO_CONT_MAPPINGS) &&
		    !range_has_valid_noncont(s, ptep, CONT_PTES))
			p |= PTE_CONT;

		if (s->remap == REMAP_WINDOW) {
			u64 w = tbl_map_offset(s, mm, 3, pmdp,
					       pte_index(addr));

			init_pte(s, w, addr, next, phys, p, 0);
			tbl_unmap(s, mm, 3);
		} else {
			init_pte(s, ptep, addr, next, phys, p, !!fill_pa);
			ptep += ((next >> PAGE_SHIFT) - (addr >> PAGE_SHIFT)) * DESC;
		}
		phys += next - addr;
	} while (addr = next, addr != end);

	if (s->remap == REMAP_TABLE)
		tbl_unmap(s, mm, 3);
	if (fill_pa)
		fill_link(s, pmdp, fill_pa, flags);
	if (s->ptew == PTE_NOSYNC_BARRIER) {
		op_dsb_ishst();
		op_isb();
	}
}

static __always_inline void init_pmd(const struct strat *s, struct mb_mm *mm,
				     u64 pmdp, u64 addr, u64 end, u64 phys,
				     u64 prot, unsigned int flags, int fresh)
{
	u64 next;
	int known = s->fill && fresh;	/* empty, not linked yet */

	do {
		u64 old = known ? 0 : pt_rd(pmdp);

		next = addr_end(addr, end, PMD_SIZE);
		if (!((addr | next | phys) & (PMD_SIZE - 1)) &&
		    !(flags & NO_BLOCK_MAPPINGS) &&
		    !block_over_table(s, old)) {
			set_huge(s, 2, pmdp, phys, prot, fresh);
			if (!known)
				MB_BUG_ON(!pgattr_change_is_safe(s, old,
								 pt_rd(pmdp)));
		} else {
			CNT_WALK(s, pmds, 1);
			alloc_init_cont_pte(s, mm, pmdp, addr, next, phys,
					    prot, flags, fresh);
			if (!known)
				MB_BUG_ON(old && old != pt_rd(pmdp));
		}
		phys += next - addr;
	} while (pmdp += DESC, addr = next, addr != end);
}

/*
 * idmap-fill: the PTE tables a pass over a PMD table will create
 * without blocks (every 2M window of [addr, end) that does not already
 * hold a table; the entries of a new PMD table are known empty, not
 * read) in
 * one memblock allocation instead of one per table.  memblock is
 * top-down, so with the pages handed out from the top they are the
 * pages one allocation per table would have returned, wherever the free
 * range below is contiguous.  Without such a range: one page at a time.
 */
static __always_inline void fill_reserve(struct mb_mm *mm, u64 pmdp,
					 u64 addr, u64 end,
					 unsigned int flags, int fresh)
{
	u64 n = 0, next, pa;

	/* with blocks only the range's two edges can need a PTE table:
	 * not worth a walk of the PMD table */
	if (!(flags & NO_BLOCK_MAPPINGS))
		return;
	do {
		next = addr_end(addr, end, PMD_SIZE);
		if (fresh || !pt_rd(pmdp))
			n++;
	} while (pmdp += DESC, addr = next, addr != end);
	if (n < 2)
		return;
	pa = memblock_phys_alloc_range(mm->mblk, n * PAGE_SIZE, PAGE_SIZE,
				       0, 0);
	CNT(allocs, 1);
	if (!pa)
		return;
	mm->pool_lo = pa;
	mm->pool_hi = pa + n * PAGE_SIZE;
}

static __always_inline void alloc_init_cont_pmd(const struct strat *s,
						struct mb_mm *mm, u64 pudp,
						u64 addr, u64 end, u64 phys,
						u64 prot, unsigned int flags,
						int fresh)
{
	u64 next, pmdp = 0, pud = 0, fill_pa = 0;

	if (!(s->fill && fresh))
		pud = pt_rd(pudp);
	/* PMD folded (pgtable-nopmd.h): pud_none() and pud_bad() are 0,
	 * pmd_set_fixmap_offset() is the pud entry itself, no slot */
	if (PMD_FOLDED)
		pmdp = pudp;
	MB_BUG_ON(!PMD_FOLDED && PAGE_SHIFT != 16 && desc_sect(pud));
	if (!PMD_FOLDED && !pud && s->fill) {
		fill_pa = tbl_alloc(s, mm, 2, &pmdp,
				    whole_table(addr, end, PUD_SIZE));
		pmdp += pmd_index(addr) * DESC;
	} else if (!PMD_FOLDED && !pud) {
		u64 pa = tbl_alloc(s, mm, 2, &pmdp, 0);

		if (pmdp)
			pmdp += pmd_index(addr) * DESC;
		set_table_entry(entry_kref(s, 1), pudp,
				table_desc(s, pa, flags));
		CNT(table_stores, 1);
		if (s->reread)
			pud = pt_rd(pudp);
	}
	MB_BUG_ON(!PMD_FOLDED && pud && desc_bad(pud));
	if (s->remap == REMAP_TABLE && !pmdp)
		pmdp = tbl_map_offset(s, mm, 2, pudp, pmd_index(addr));
	if (s->fill)
		fill_reserve(mm, pmdp, addr, end, flags, !!fill_pa);

	do {
		u64 p = prot;

		CNT_WALK(s, cpmds, 1);
		next = addr_end(addr, end, CONT_PMD_SIZE);
		if (!((addr | next | phys) & (CONT_PMD_SIZE - 1)) &&
		    !(flags & NO_CONT_MAPPINGS) &&
		    !range_has_valid_noncont(s, pmdp, CONT_PMDS))
			p |= PTE_CONT;

		if (s->remap == REMAP_WINDOW && !PMD_FOLDED) {
			u64 w = tbl_map_offset(s, mm, 2, pudp,
					       pmd_index(addr));

			init_pmd(s, mm, w, addr, next, phys, p, flags, 0);
			tbl_unmap(s, mm, 2);
		} else {
			init_pmd(s, mm, pmdp, addr, next, phys, p, flags,
				 !!fill_pa);
			pmdp += ((next >> PMD_SHIFT) - (addr >> PMD_SHIFT)) * DESC;
		}
		phys += next - addr;
	} while (addr = next, addr != end);

	if (s->remap == REMAP_TABLE && !PMD_FOLDED)
		tbl_unmap(s, mm, 2);
	/* fill_reserve() took exactly the pages the pass used */
	if (s->fill)
		MB_BUG_ON(mm->pool_hi != mm->pool_lo);
	if (fill_pa)
		fill_link(s, pudp, fill_pa, flags);
}

static __always_inline void alloc_init_pud(const struct strat *s,
					   struct mb_mm *mm, u64 p4dp,
					   u64 addr, u64 end, u64 phys,
					   u64 prot, unsigned int flags)
{
	u64 next, pudp = 0, p4d = pt_rd(p4dp), fill_pa = 0;

	/* PUD folded (pgtable-nopud.h): p4d_none() and p4d_bad() are 0,
	 * pud_set_fixmap_offset() is the p4d (pgd) entry itself, no slot */
	if (PUD_FOLDED)
		pudp = p4dp;
	if (!PUD_FOLDED && !p4d && s->fill) {
		fill_pa = tbl_alloc(s, mm, 1, &pudp,
				    whole_table(addr, end, P4D_SIZE));
		pudp += pud_index(addr) * DESC;
	} else if (!PUD_FOLDED && !p4d) {
		u64 pa = tbl_alloc(s, mm, 1, &pudp, 0);

		if (pudp)
			pudp += pud_index(addr) * DESC;
		/* set_p4d(): into swapper via set_swapper_pgd() with four
		 * levels, into a P4D table with five: the same ops */
		set_table_entry(entry_kref(s, 0), p4dp,
				table_desc(s, pa, flags));
		CNT(table_stores, 1);
		if (s->reread)
			p4d = pt_rd(p4dp);
	}
	MB_BUG_ON(!PUD_FOLDED && p4d && desc_bad(p4d));
	if (!pudp)
		pudp = tbl_map_offset(s, mm, 1, p4dp, pud_index(addr));

	do {
		u64 old = fill_pa ? 0 : pt_rd(pudp);

		next = addr_end(addr, end, PUD_SIZE);
		if (PUD_SECT_SUPPORTED &&
		    !((addr | next | phys) & (PUD_SIZE - 1)) &&
		    !(flags & NO_BLOCK_MAPPINGS) &&
		    !block_over_table(s, old)) {
			set_huge(s, 1, pudp, phys, prot & ~PTE_CONT,
				 !!fill_pa);
			if (!fill_pa)
				MB_BUG_ON(!pgattr_change_is_safe(s, old,
								 pt_rd(pudp)));
		} else {
			CNT_WALK(s, puds, 1);
			alloc_init_cont_pmd(s, mm, pudp, addr, next, phys,
					    prot, flags, !!fill_pa);
			if (!fill_pa)
				MB_BUG_ON(old && old != pt_rd(pudp));
		}
		phys += next - addr;
	} while (pudp += DESC, addr = next, addr != end);

	if (!PUD_FOLDED)
		tbl_unmap(s, mm, 1);
	if (fill_pa)
		fill_link(s, p4dp, fill_pa, flags);
}

/* alloc_init_p4d() with the P4D level folded into the PGD (4 levels). */
static __always_inline void alloc_init_p4d_folded(const struct strat *s,
						  struct mb_mm *mm, u64 pgdp,
						  u64 addr, u64 end, u64 phys,
						  u64 prot, unsigned int flags)
{
	u64 old;

	(void)pt_rd(pgdp);	/* pgd_none()/pgd_bad() of a folded level */
	old = pt_rd(pgdp);
	alloc_init_pud(s, mm, pgdp, addr, end, phys, prot, flags);
	MB_BUG_ON(old && old != pt_rd(pgdp));
}

/* alloc_init_p4d(), pgtable_l5_enabled(): a P4D table under the root
 * (level -1), reached through FIX_P4D, as alloc_init_pud() one lower. */
static __always_inline void alloc_init_p4d(const struct strat *s,
					   struct mb_mm *mm, u64 pgdp,
					   u64 addr, u64 end, u64 phys,
					   u64 prot, unsigned int flags)
{
	u64 next, p4dp = 0, pgd, fill_pa = 0;

	if (P4D_FOLDED) {
		alloc_init_p4d_folded(s, mm, pgdp, addr, end, phys, prot,
				      flags);
		return;
	}
	pgd = pt_rd(pgdp);
	if (!pgd && s->fill) {
		fill_pa = tbl_alloc(s, mm, 0, &p4dp,
				    whole_table(addr, end, PGDIR_SIZE));
		p4dp += p4d_index(addr) * DESC;
	} else if (!pgd) {
		u64 pa = tbl_alloc(s, mm, 0, &p4dp, 0);

		if (p4dp)
			p4dp += p4d_index(addr) * DESC;
		/* set_pgd(): into swapper via set_swapper_pgd(), same ops */
		set_table_entry(entry_kref(s, ROOT_LEVEL), pgdp,
				table_desc(s, pa, flags));
		CNT(table_stores, 1);
		if (s->reread)
			pgd = pt_rd(pgdp);
	}
	MB_BUG_ON(pgd && desc_bad(pgd));
	if (!p4dp)
		p4dp = tbl_map_offset(s, mm, 0, pgdp, p4d_index(addr));

	do {
		u64 old = fill_pa ? 0 : pt_rd(p4dp);

		CNT_WALK(s, pgds, 1);
		next = addr_end(addr, end, P4D_SIZE);
		alloc_init_pud(s, mm, p4dp, addr, next, phys, prot, flags);
		if (!fill_pa)
			MB_BUG_ON(old && old != pt_rd(p4dp));
		phys += next - addr;
	} while (p4dp += DESC, addr = next, addr != end);

	tbl_unmap(s, mm, 0);
	if (fill_pa)
		fill_link(s, pgdp, fill_pa, flags);	/* into swapper */
}

/* __create_pgd_mapping_locked() */
static __always_inline void create_tmpl(const struct strat *s,
					struct mb_mm *mm, u64 phys, u64 virt,
					u64 size, u64 prot,
					unsigned int flags)
{
	u64 addr, end, next, pgdp = mm->pgd + pgd_index(virt) * DESC;

	if ((phys ^ virt) & ~PAGE_MASK)
		mb_panic(MB_ST_BUG, __LINE__);
	/*
	 * The kernel's walk is one out-of-line function for every caller:
	 * prot and flags are unknown arguments inside it, so set_pte()
	 * tests pte_valid_not_user() at run time.  Hide them from the
	 * compiler, so that no clone of a create_*() specialises them.
	 */
	asm("" : "+r" (prot), "+r" (flags));
	/* __create_pgd_mapping()'s pgtable_alloc argument */
	mm->pgtable_alloc = s->alloc == ALLOC_FIXPTE ?
			    early_pgtable_alloc_fixpte : early_pgtable_alloc;
	phys &= PAGE_MASK;
	addr = virt & PAGE_MASK;
	end = (virt + size + PAGE_SIZE - 1) & PAGE_MASK;

	CNT_WALK(s, walks, 1);
	do {
		CNT_WALK(s, pgds, 1);
		next = addr_end(addr, end, PGDIR_SIZE);
		alloc_init_p4d(s, mm, pgdp, addr, next, phys, prot, flags);
		phys += next - addr;
	} while (pgdp += DESC, addr = next, addr != end);

	if (s->lazy)
		lazy_flush(mm);		/* v1 3/3 ops->cleanup() */
	if (s->fill) {
		/* publish the links and the entries written into live
		 * tables, and order them before what follows */
		op_dsb_ishst();
		op_isb();
	}
}

/*
 * __create_pgd_mapping(): one out-of-line function per strategy that
 * every range of it goes through -- the main loop's, the kernel alias',
 * KFENCE's, each bank's -- as the kernel's one walk is.  Inlined at each
 * call site instead, the copies came out of the compiler with different
 * code per PTE (64K no-cont-remap: the alias' loop rematerialized two
 * constants, 20 instructions a PTE against the main loop's 17).
 */
#define WALK_FN(name, attr)						\
static __noinline attr void create_##name(struct mb_mm *mm, u64 phys,	\
					  u64 virt, u64 size, u64 prot,	\
					  unsigned int flags)		\
{									\
	create_tmpl(&S_##name, mm, phys, virt, size, prot, flags);	\
}
WALK_LIST(WALK_FN)
#undef WALK_FN

/* The strategy's walk: a direct call, chosen at compile time. */
static __always_inline void create(const struct strat *s, struct mb_mm *mm,
				   u64 phys, u64 virt, u64 size, u64 prot,
				   unsigned int flags)
{
	switch (s->walk) {
#define WALK_CALL(name, attr)						\
	case W_##name:							\
		create_##name(mm, phys, virt, size, prot, flags);	\
		break;
	WALK_LIST(WALK_CALL)
#undef WALK_CALL
	}
}

/* rodata_full: rodata=full, and from 6.18 rodata=on too (its old
 * meaning is rodata=noalias there) */
static __always_inline int rodata_full(const struct strat *s,
				       const struct mb_mm *mm)
{
	return mm->rodata == MB_RODATA_FULL ||
	       (s->kref >= KREF_618 && mm->rodata == MB_RODATA_ON);
}

/*
 * can_set_direct_map(), force_pte_mapping() without BBML2.  The 6.18
 * and 7.x strategies model Debian's builds of them, CONFIG_KFENCE=y with
 * CONFIG_KFENCE_SAMPLE_INTERVAL=0: without an early pool
 * (kfence.sample_interval= on the command line, --kfence here),
 * arm64_kfence_can_set_direct_map() is true and the whole linear map is
 * built with pages whatever rodata says, so that KFENCE can be enabled
 * later.  The older strategies model a kernel without KFENCE.
 */
static __always_inline int can_set_direct_map(const struct strat *s,
					      const struct mb_mm *mm)
{
	return rodata_full(s, mm) || (s->kref >= KREF_618 && !mm->kfence_size);
}

static __always_inline unsigned int main_flags(const struct strat *s,
					       const struct mb_mm *mm)
{
	unsigned int flags = NO_EXEC_MAPPINGS;

	if (can_set_direct_map(s, mm))
		flags |= NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS;
	return flags;
}

/*
 * map_mem(): the main loop over RAM minus the NOMAP kernel alias, then
 * the alias itself with NO_CONT (and without NO_EXEC), as v6.9 does.
 */
static __always_inline void map_mem_tmpl(const struct strat *s,
					 struct mb_mm *mm, unsigned int flags)
{
	struct mb_bank r[3 * MB_MAX_BANKS], nomap[2];
	unsigned int i, n;

	mm->lazy_next = FIX_PTE_BEGIN;
	n = memblock_map_ranges(mm->mblk, nomap, mb_nomap(mm, nomap), r,
				ARRAY_SIZE(r));
	for (i = 0; i < n; i++)
		create(s, mm, r[i].base, mb_phys_to_virt(mm, r[i].base),
			    r[i].size, kernel_prot(s->kref, PAGE_KERNEL_TAGGED),
			    flags);
	if (mm->kernel_end > mm->kernel_start)
		create(s, mm, mm->kernel_start,
			    mb_phys_to_virt(mm, mm->kernel_start),
			    mm->kernel_end - mm->kernel_start,
			    kernel_prot(s->kref, PAGE_KERNEL), NO_CONT_MAPPINGS);
	/* the KFENCE pool: page granular whatever rodata says */
	if (mm->kfence_size)
		create(s, mm, mm->kfence_start,
			    mb_phys_to_virt(mm, mm->kfence_start),
			    mm->kfence_size,
			    kernel_prot(s->kref, PAGE_KERNEL_TAGGED),
			    NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS);
}

/*
 * map_mem() from 7.2: no NOMAP.  The KFENCE pool first (pages), then
 * the kernel alias [_text, __init_begin) and the image's data and bss
 * [__init_end, __bss_stop), both with the main loop's prot and flags,
 * then every memory range rounded inward to pages, over what is mapped
 * already (no block over those tables, no CONT over their entries).
 */
static __always_inline void map_mem_72(const struct strat *s,
				       struct mb_mm *mm)
{
	const struct mb_memblock *m = mm->mblk;
	/* force_pte_mapping() is false on a BBML3 CPU: blocks */
	unsigned int flags = mm->bbml ? NO_EXEC_MAPPINGS : main_flags(s, mm), i;
	u64 prot = kernel_prot(s->kref, PAGE_KERNEL_TAGGED);

	if (mm->kfence_size)
		create(s, mm, mm->kfence_start,
			    mb_phys_to_virt(mm, mm->kfence_start),
			    mm->kfence_size, prot, NO_BLOCK_MAPPINGS |
			    NO_CONT_MAPPINGS | NO_EXEC_MAPPINGS);
	if (mm->kernel_end > mm->kernel_start)
		create(s, mm, mm->kernel_start,
			    mb_phys_to_virt(mm, mm->kernel_start),
			    mm->kernel_end - mm->kernel_start, prot, flags);
	if (mm->data_end > mm->data_start)
		create(s, mm, mm->data_start,
			    mb_phys_to_virt(mm, mm->data_start),
			    mm->data_end - mm->data_start, prot, flags);
	for (i = 0; i < m->nr_mem; i++) {
		u64 start = (m->mem[i].base + PAGE_SIZE - 1) & PAGE_MASK;
		u64 end = (m->mem[i].base + m->mem[i].size) & PAGE_MASK;

		if (start >= end)
			continue;
		create(s, mm, start, mb_phys_to_virt(mm, start),
			    end - start, prot, flags);
	}
}

/* The plain walk, exported for the unit tier's closed-form cases. */
void ENGINE(create_mapping)(struct mb_mm *mm, u64 phys, u64 virt, u64 size,
			    u64 prot, unsigned int flags)
{
	create(&S_BASE, mm, phys, virt, size, prot, flags);
}

/* ---------------------------------------------------------------- */
/* Temporary maps: the 1:1 map (idmap) and the temp TTBR1 (temp-pgtable) */

/* A copy of mm that builds into the static temporary root. */
static struct mb_mm tmp_mm(const struct mb_mm *mm)
{
	struct mb_mm t = *mm;

	t.pgd = mm->tmp_root;
	return t;
}

/* Map [pa, pa+size) at VA = PA in the 1:1 root: blocks and CONT where
 * aligned, PTEs only at the edges, through the fixmap (v6.10 walk). */
static void idmap_range(struct mb_mm *mm, u64 pa, u64 size)
{
	struct mb_mm t = tmp_mm(mm);

	create(&S_TMP, &t, pa, pa, size,
		    kernel_prot(KREF_612, PAGE_KERNEL), 0);
}

/* Ard's lazy variant: the 2M window holding a new table page, clipped
 * to its bank so nothing outside RAM is ever mapped. */
static void create_lazy_idmap(struct mb_mm *mm, u64 pa)
{
	const struct mb_memblock *m = mm->mblk;
	u64 ws = pa & ~(PMD_SIZE - 1), we = ws + PMD_SIZE;

	for (unsigned int i = 0; i < m->nr_mem; i++) {
		u64 bs = m->mem[i].base, be = bs + m->mem[i].size;

		if (pa < bs || pa >= be)
			continue;
		if (ws < bs)
			ws = bs;
		if (we > be)
			we = be;
		break;
	}
	idmap_range(mm, ws, we - ws);
	/* allocation runs top-down: extend the mapped run downwards, or
	 * start a new one where it jumped over a hole */
	if (we != mm->lazy_lo)
		mm->lazy_hi = we;
	mm->lazy_lo = ws;
}

/* cpu_install_ttbr0(): reserved, local flush, (same T0SZ), new root. */
static void install_ttbr0(const struct mb_mm *mm, u64 pa)
{
	op_write_ttbr0(mm->reserved_pa);
	op_isb();
	local_flush_tlb_all();
	op_write_ttbr0(pa);
	op_isb();
}

/* cpu_uninstall_idmap() / cpu_set_reserved_ttbr0() + local flush. */
static void reserve_ttbr0(const struct mb_mm *mm)
{
	op_write_ttbr0(mm->reserved_pa);
	op_isb();
	local_flush_tlb_all();
}

/* __cpu_replace_ttbr1(): install the idmap, switch TTBR1 from code
 * running at VA == PA, uninstall the idmap. */
static void replace_ttbr1(const struct mb_mm *mm, u64 ttbr1_old, u64 pa)
{
	/* cpu_install_idmap(): reserved TTBR0, local flush, then
	 * cpu_do_switch_mm() to the idmap (it rewrites TTBR1's ASID) */
	reserve_ttbr0(mm);
	op_write_ttbr0(mm->reserved_pa);
	op_write_ttbr1(ttbr1_old);
	op_write_ttbr0(mm->boot_idmap_pa);
	op_isb();
	op_replace_ttbr1(mm, pa);
	reserve_ttbr0(mm);			/* cpu_uninstall_idmap() */
}

/* Depth-first free of a temporary root's tables (memblock_phys_free),
 * reached through the now complete linear map.  The root is static. */
static void free_tables(struct mb_mm *mm, u64 table_va, int lvl, int first,
			int last)
{
	for (int i = first; i <= last; i++) {
		u64 d = pt_rd(table_va + i * DESC);

		CNT(free_scans, 1);
		if (!(d & PTE_VALID) || !(d & PTE_TABLE_BIT) || lvl == 3)
			continue;
		if (lvl < 2)
			free_tables(mm, mb_phys_to_virt(mm, d & PTE_ADDR_MASK),
				    lvl + 1, 0, PTRS_PER_PTE - 1);
		memblock_free_page(mm->mblk, d & PTE_ADDR_MASK);
		CNT(tables_freed, 1);
	}
}

enum idmap_build {
	IDMAP_WHOLE,		/* idmap: all of RAM 1:1 first */
	IDMAP_LAZY,		/* idmap-lazy: 2M windows as tables appear */
	IDMAP_FILL,		/* idmap-fill: all of RAM; tables filled
				 * before they are linked */
};

/*
 * idmap (Ard, as Ryan restated it): a 1:1 map of RAM in TTBR0 built with
 * blocks through the fixmap, installed; swapper's PTE-level linear map
 * built with its tables at VA = PA (no fixmap, no TLBI); the reserved
 * TTBR0 restored with local maintenance; the 1:1 tables freed.
 * idmap-fill differs only in the build of swapper (S_FILL).
 */
/* The 1:1 map of every bank (idmap, idmap-fill). */
static void tmp_map_idmap(struct mb_mm *mm)
{
	const struct mb_memblock *m = mm->mblk;

	for (unsigned int i = 0; i < m->nr_mem; i++)
		idmap_range(mm, m->mem[i].base, m->mem[i].size);
}

static void map_mem_idmap(struct mb_mm *mm, enum idmap_build b)
{
	struct mb_mm d;
	int lazy = b == IDMAP_LAZY;

	if (!lazy)
		tmp_map_idmap(mm);
	install_ttbr0(mm, mm->tmp_root_pa);

	d = *mm;
	d.direct_off = 0;
	d.lazy_lo = d.lazy_hi = 0;
	d.pool_lo = d.pool_hi = 0;
	if (lazy)
		map_mem_tmpl(&S_DIRECT_LAZY, &d, main_flags(&S_DIRECT_LAZY, mm));
	else if (b == IDMAP_FILL)
		map_mem_tmpl(&S_FILL, &d, main_flags(&S_FILL, mm));
	else
		map_mem_tmpl(&S_DIRECT, &d, main_flags(&S_DIRECT, mm));

	reserve_ttbr0(mm);
	free_tables(mm, mm->tmp_root, ROOT_LEVEL, 0, LINEAR_PGD_LAST);
}

/*
 * temp-pgtable (Mark): a temporary TTBR1 with the image and fixmap of
 * swapper and the linear range in blocks; switch to it; build swapper's
 * linear map with tables reached through the temporary linear map;
 * switch back; free the temporary tables.
 */
/* temp-pgtable's temporary TTBR1: swapper's image and fixmap, the
 * linear range in blocks. */
static void tmp_map_temp(struct mb_mm *mm)
{
	const struct mb_memblock *m = mm->mblk;
	struct mb_mm t = tmp_mm(mm);
	unsigned int i;

	/* share the image and fixmap subtrees (upper half of the root) */
	for (i = LINEAR_PGD_LAST + 1; i < PTRS_PER_PGD; i++)
		pt_wr(mm->tmp_root + i * DESC, pt_rd(mm->swapper + i * DESC));
	for (i = 0; i < m->nr_mem; i++)
		create(&S_TMP, &t, m->mem[i].base,
			    mb_phys_to_virt(mm, m->mem[i].base),
			    m->mem[i].size, kernel_prot(KREF_612, PAGE_KERNEL),
			    0);
}

static void map_mem_temp_pgtable(struct mb_mm *mm)
{
	struct mb_mm d;

	tmp_map_temp(mm);
	op_dsb_ishst();
	replace_ttbr1(mm, mm->swapper_pa, mm->tmp_root_pa);

	d = *mm;
	d.direct_off = PAGE_OFFSET - mm->phys_offset;
	map_mem_tmpl(&S_DIRECT, &d, main_flags(&S_DIRECT, mm));

	replace_ttbr1(mm, mm->tmp_root_pa, mm->swapper_pa);
	free_tables(mm, mm->tmp_root, ROOT_LEVEL, 0, LINEAR_PGD_LAST);
}

/* ---------------------------------------------------------------- */
/* v6.18: BBML2_NOABORT, and the mixed-system repaint to PTEs */

/* Lazy MMU mode (v6.16+): valid kernel stores queue their barriers; one
 * dsb ishst; isb when the mode is left. */
struct lazy_mmu {
	int pending;
};

static inline void lazy_store(struct lazy_mmu *l, u64 p, u64 v)
{
	pt_wr(p, v);
	if (v & PTE_VALID)
		l->pending = 1;		/* queue_pte_barriers() */
}

static inline void lazy_leave(struct lazy_mmu *l)
{
	if (l->pending) {
		op_dsb_ishst();		/* emit_pte_barriers() */
		op_isb();
	}
	l->pending = 0;
}

static u64 split_alloc(struct mb_mm *mm, int lvl)
{
	CNT(splits, 1);
	CNT(allocs, 1);
	/* the page allocator, unzeroed: every entry is written anyway */
	u64 pa = memblock_alloc_page(mm->mblk);

	if (!pa)
		mb_panic(MB_ST_NOMEM, __LINE__);
	count_table(lvl);
	return pa;
}

static void split_pmd(struct mb_mm *mm, struct lazy_mmu *l, u64 pmdp, u64 pmd)
{
	u64 pa = split_alloc(mm, 3), ptep = mb_phys_to_virt(mm, pa);
	u64 tprot = PMD_TYPE_TABLE | PMD_TABLE_UXN | PMD_TABLE_AF;
	u64 phys = pmd & PTE_ADDR_MASK & ~(PMD_SIZE - 1);
	u64 prot = (pmd & ~PTE_ADDR_MASK & ~PTE_TYPE_MASK & ~PTE_CONT) |
		   PTE_TYPE_PAGE;

	if (pmd & PTE_PXN)
		tprot |= PMD_TABLE_PXN;
	for (int i = 0; i < PTRS_PER_PTE; i++, ptep += DESC) {
		lazy_store(l, ptep, (phys + i * PAGE_SIZE) | prot);
		CNT(leaf_stores, 1);
	}
	op_dsb_ishst();		/* the PTEs before the table that holds them */
	lazy_store(l, pmdp, pa | tprot);
	CNT(table_stores, 1);
}

static void split_pud(struct mb_mm *mm, struct lazy_mmu *l, u64 pudp, u64 pud)
{
	u64 pa = split_alloc(mm, 2), pmdp = mb_phys_to_virt(mm, pa);
	u64 tprot = PMD_TYPE_TABLE | PMD_TABLE_UXN | PMD_TABLE_AF;
	u64 phys = pud & PTE_ADDR_MASK & ~(PUD_SIZE - 1);
	u64 prot = (pud & ~PTE_ADDR_MASK & ~PTE_CONT);

	if (pud & PTE_PXN)
		tprot |= PMD_TABLE_PXN;
	for (int i = 0; i < PTRS_PER_PTE; i++, pmdp += DESC) {
		lazy_store(l, pmdp, (phys + i * PMD_SIZE) | prot);
		CNT(leaf_stores, 1);
	}
	op_dsb_ishst();
	lazy_store(l, pudp, pa | tprot);
	CNT(table_stores, 1);
}

/* Clear CONT on a whole contiguous group (CONT_PTES or CONT_PMDS
 * entries), from its first entry. */
static void split_cont(struct lazy_mmu *l, u64 p, int n)
{
	CNT(cont_clears, 1);
	p &= ~(u64)(n * DESC - 1);
	for (int i = 0; i < n; i++, p += DESC) {
		lazy_store(l, p, pt_rd(p) & ~PTE_CONT);
		CNT(leaf_stores, 1);
	}
}

/* The PUD level and below of range_split_to_ptes(), under one P4D entry
 * (the PGD entry itself when P4D is folded). */
static void split_p4d_range(struct mb_mm *mm, struct lazy_mmu *l, u64 p4dp,
			    u64 p4d, u64 a0, u64 n0)
{
	u64 a1, a2, a3, n1, n2;
	u64 t1 = mb_phys_to_virt(mm, p4d & PTE_ADDR_MASK);

	/* a folded level's entry is the one above it (nopXd.h) */
	for (a1 = a0; a1 < n0; a1 = n1) {
		u64 pudp = PUD_FOLDED ? p4dp :
			   t1 + pud_index(a1) * DESC, pud, t2;

		n1 = addr_end(a1, n0, PUD_SIZE);
		pud = pt_rd(pudp);
		if (!pud)
			continue;
		if (PUD_SECT_SUPPORTED && desc_sect(pud))
			split_pud(mm, l, pudp, pud);
		pud = pt_rd(pudp);
		t2 = mb_phys_to_virt(mm, pud & PTE_ADDR_MASK);
		for (a2 = a1; a2 < n1; a2 = n2) {
			u64 pmdp = PMD_FOLDED ? pudp :
				   t2 + pmd_index(a2) * DESC, pmd, t3;

			n2 = addr_end(a2, n1, PMD_SIZE);
			pmd = pt_rd(pmdp);
			if (!pmd)
				continue;
			if (desc_sect(pmd)) {
				if (pmd & PTE_CONT)
					split_cont(l, pmdp, CONT_PMDS);
				split_pmd(mm, l, pmdp, pmd);
				continue;	/* ACTION_CONTINUE */
			}
			t3 = mb_phys_to_virt(mm, pmd & PTE_ADDR_MASK);
			for (a3 = a2; a3 < n2; a3 += PAGE_SIZE) {
				u64 ptep = t3 + pte_index(a3) * DESC;

				CNT(split_scans, 1);
				if (pt_rd(ptep) & PTE_CONT)
					split_cont(l, ptep, CONT_PTES);
			}
		}
	}
}

/* range_split_to_ptes(): the lockless kernel page-table walk of
 * [start, end) with the split callbacks, in lazy MMU mode. */
static void range_split_to_ptes(struct mb_mm *mm, u64 start, u64 end)
{
	struct lazy_mmu l = { 0 };
	u64 ap, a0, np, n0;

	for (ap = start; ap < end; ap = np) {
		u64 pgdp = mm->pgd + pgd_index(ap) * DESC, pgd = pt_rd(pgdp);
		u64 tp;

		np = addr_end(ap, end, PGDIR_SIZE);
		if (!pgd)
			continue;
		tp = mb_phys_to_virt(mm, pgd & PTE_ADDR_MASK);
		for (a0 = ap; a0 < np; a0 = n0) {
			u64 p4dp = P4D_FOLDED ? pgdp :
				   tp + p4d_index(a0) * DESC;
			u64 p4d = P4D_FOLDED ? pgd : pt_rd(p4dp);

			n0 = addr_end(a0, np, P4D_SIZE);
			if (p4d)
				split_p4d_range(mm, &l, p4dp, p4d, a0, n0);
		}
	}
	lazy_leave(&l);
}

static void map_mem_bbml2(struct mb_mm *mm, int repaint)
{
	u64 ks = mb_phys_to_virt(mm, mm->kernel_start);
	u64 ke = mb_phys_to_virt(mm, mm->kernel_end);

	/* force_pte_mapping() is false with BBML2_NOABORT on the boot CPU */
	map_mem_tmpl(&S_V6_18, mm, NO_EXEC_MAPPINGS);
	/* linear_map_requires_bbml2: !force_pte_mapping() (BBML2) &&
	 * can_set_direct_map() */
	if (!repaint || !can_set_direct_map(&S_V6_18, mm))
		return;
	/* linear_map_split_to_ptes(): all but the kernel alias */
	range_split_to_ptes(mm, PAGE_OFFSET, ks);
	range_split_to_ptes(mm, ke, PAGE_END);
	flush_tlb_kernel_range(KREF_618, PAGE_OFFSET, PAGE_END);
}

/* ---------------------------------------------------------------- */

void ENGINE(map_mem)(struct mb_mm *mm)
{
	if (mm->kfence_size) {
		/* arm64_kfence_alloc_pool(), first thing in map_mem(): one
		 * memblock allocation, NOMAP while the main loop runs */
		mm->kfence_start = memblock_alloc_range(mm->mblk,
							mm->kfence_size);
		if (!mm->kfence_start)
			mb_panic(MB_ST_NOMEM, __LINE__);
	}
	switch (mm->strategy) {
	case MB_STRAT_base:
		map_mem_tmpl(&S_BASE, mm, main_flags(&S_BASE, mm));
		break;
	case MB_STRAT_no_cont_remap:
		map_mem_tmpl(&S_NO_CONT_REMAP, mm, main_flags(&S_NO_CONT_REMAP, mm));
		break;
	case MB_STRAT_no_alloc_remap:
		map_mem_tmpl(&S_NO_ALLOC_REMAP, mm, main_flags(&S_NO_ALLOC_REMAP, mm));
		break;
	case MB_STRAT_lazy_unmap:
		map_mem_tmpl(&S_LAZY_UNMAP, mm, main_flags(&S_LAZY_UNMAP, mm));
		break;
	case MB_STRAT_batch_barriers:
		map_mem_tmpl(&S_BATCH_BARRIERS, mm, main_flags(&S_BATCH_BARRIERS, mm));
		break;
	case MB_STRAT_v6_10:
		map_mem_tmpl(&S_V6_10, mm, main_flags(&S_V6_10, mm));
		break;
	case MB_STRAT_v6_18:
		/* on a BBML2_NOABORT CPU: the block path, as bbml2-blocks */
		if (mm->bbml)
			map_mem_bbml2(mm, 0);
		else
			map_mem_tmpl(&S_V6_18, mm, main_flags(&S_V6_18, mm));
		break;
	case MB_STRAT_v7_2:
		map_mem_72(&S_V7_2, mm);
		break;
	case MB_STRAT_idmap:
		map_mem_idmap(mm, IDMAP_WHOLE);
		break;
	case MB_STRAT_idmap_lazy:
		map_mem_idmap(mm, IDMAP_LAZY);
		break;
	case MB_STRAT_idmap_fill:
		map_mem_idmap(mm, IDMAP_FILL);
		break;
	case MB_STRAT_temp_pgtable:
		map_mem_temp_pgtable(mm);
		break;
	case MB_STRAT_bbml2_blocks:
		map_mem_bbml2(mm, 0);
		break;
	case MB_STRAT_bbml2_repaint:
		map_mem_bbml2(mm, 1);
		break;
	default:
		mb_panic(MB_ST_UNSUPPORTED, __LINE__);
	}
}

/*
 * Unit costs (guest/calibrate.c), outside the timed window: the engine's
 * own __set_fixmap() map + unmap pair on FIX_PTE (set_pte()'s dsb ishst;
 * isb, then the clear's tlbi vaale1is; dsb ish; isb), one page-table
 * allocation through its memblock path, and free_tables()' scan.
 */
void ENGINE(unit_fixmap_pair)(struct mb_mm *mm, u64 pa)
{
	set_fixmap_offset(&S_BASE, mm, FIX_PTE, pa);
	clear_fixmap(&S_BASE, mm, FIX_PTE);
}

u64 ENGINE(unit_pgtable_alloc)(struct mb_mm *mm)
{
	return early_pgtable_alloc(mm, PAGE_SHIFT);
}

/*
 * The strategy's temporary map built into the static temporary root and
 * freed, as map_mem() builds and frees it, alone (never installed): the
 * probes of its own code paths.  0 for a strategy that builds it
 * otherwise or not at all.
 */
int ENGINE(unit_tmp_map)(struct mb_mm *mm)
{
	switch (mm->strategy) {
	case MB_STRAT_idmap:
	case MB_STRAT_idmap_fill:
		tmp_map_idmap(mm);
		break;
	case MB_STRAT_temp_pgtable:
		tmp_map_temp(mm);
		break;
	default:
		return 0;
	}
	free_tables(mm, mm->tmp_root, ROOT_LEVEL, 0, LINEAR_PGD_LAST);
	return 1;
}

/* free_tables() over an empty PMD table: its scan of every slot. */
void ENGINE(unit_free_scan)(struct mb_mm *mm, u64 table)
{
	free_tables(mm, table, 2, 0, PTRS_PER_PTE - 1);
}
