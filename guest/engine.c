// SPDX-License-Identifier: GPL-2.0-only
/*
 * The linear-map engine: v6.9-rc1's map_mem() and the walk beneath it
 * (arch/arm64/mm/mmu.c), re-expressed for the benchmark: the same
 * descriptors, the same loads and checks per entry, the same stores,
 * barriers and TLB maintenance in the same order.
 *
 * Not a standalone file: linear_map_timed.c, linear_map_counted.c and the
 * unit tier include it after defining ENGINE() and choosing a flavour of
 * arch_ops.h.  Every function here is static, so each inclusion is a
 * self-contained copy.
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

/* ---------------------------------------------------------------- */
/* Barrier-carrying stores: __set_pte(), set_pmd(), set_pud(), set_p4d() */

static inline int pte_valid_not_user(u64 pte)
{
	return (pte & (PTE_VALID | PTE_USER | PTE_UXN)) ==
	       (PTE_VALID | PTE_UXN);
}

static inline void set_pte(u64 ptep, u64 pte)
{
	pt_wr(ptep, pte);
	if (pte_valid_not_user(pte)) {
		op_dsb_ishst();
		op_isb();
	}
}

/*
 * set_pmd/set_pud/set_p4d of a valid entry: str; dsb ishst; isb.  A write
 * into swapper_pg_dir goes through set_swapper_pgd(), which while rodata
 * is still writable (always, this early) is the very same sequence.
 */
static inline void set_table_entry(u64 p, u64 v)
{
	pt_wr(p, v);
	op_dsb_ishst();
	op_isb();
}

/* ---------------------------------------------------------------- */
/* Fixmap: __set_fixmap() on one static L3 table (bm_pte) */

static inline u64 fixmap_pte(const struct mb_mm *mm, unsigned int idx)
{
	return mm->bm_pte + pte_index(fix_to_virt(idx)) * DESC;
}

/* flush_tlb_kernel_range() as of v6.9 (MAX_TLBI_OPS = PTRS_PER_PTE). */
static void flush_tlb_kernel_range(u64 start, u64 end)
{
	u64 a;

	if ((end - start) >> PAGE_SHIFT > PTRS_PER_TABLE) {
		op_dsb_ishst();
		op_tlbi_vmalle1is();
		op_dsb_ish();
		op_isb();
		return;
	}
	op_dsb_ishst();
	for (a = start; a < end; a += PAGE_SIZE) {
#if defined(MB_SIM) && MB_MUTATE == 1	/* unit tier: prove a lost TLBI is seen */
		if (mb_counters.tlbi_vaale1is == 1000)
			continue;
#endif
		op_tlbi_vaale1is(a);
	}
	op_dsb_ish();
	op_isb();
}

static u64 set_fixmap_offset(const struct mb_mm *mm, unsigned int idx,
			     u64 pa)
{
	set_pte(fixmap_pte(mm, idx), (pa & PAGE_MASK) | FIXMAP_PAGE_NORMAL);
	CNT(fixmap_map, 1);
	return fix_to_virt(idx) + (pa & ~PAGE_MASK);
}

static void clear_fixmap(const struct mb_mm *mm, unsigned int idx)
{
	u64 va = fix_to_virt(idx);

	/* __pte_clear(): an invalid value, so no barrier of its own */
	pt_wr(fixmap_pte(mm, idx), 0);
	flush_tlb_kernel_range(va, va + PAGE_SIZE);
	CNT(fixmap_unmap, 1);
}

/* {pte,pmd,pud}_set_fixmap_offset(): one load of the parent entry. */
static inline u64 table_set_fixmap_offset(const struct mb_mm *mm,
					  unsigned int idx, u64 parentp,
					  u64 index)
{
	u64 pa = (pt_rd(parentp) & PTE_ADDR_MASK) + index * DESC;

	return set_fixmap_offset(mm, idx, pa);
}

/* ---------------------------------------------------------------- */
/* Allocation: early_pgtable_alloc() of v6.9 */

static u64 early_pgtable_alloc(const struct mb_mm *mm, int shift)
{
	u64 pa = memblock_alloc_page(mm->mblk);
	u64 va;

	if (!pa)
		mb_panic(MB_ST_NOMEM, __LINE__);
	/* FIX_PTE is free here: only PGD/PUD/PMD slots may be live. */
	va = set_fixmap_offset(mm, FIX_PTE, pa);
	op_zero_page(va);
	CNT(bytes_zeroed, PAGE_SIZE);
	/* The unmap's barriers also publish the zeroes to the walker. */
	clear_fixmap(mm, FIX_PTE);

	switch (shift) {
	case PAGE_SHIFT:
		CNT(tables_l3, 1);
		break;
	case PMD_SHIFT:
		CNT(tables_l2, 1);
		break;
	case PUD_SHIFT:
		CNT(tables_l1, 1);
		break;
	default:
		CNT(tables_l0, 1);
		break;
	}
	return pa;
}

/* ---------------------------------------------------------------- */
/* The walk */

/* pgattr_change_is_safe(): the BUG_ON() every entry pays. */
static inline int pgattr_change_is_safe(u64 old, u64 new)
{
	u64 mask = PTE_PXN | PTE_RDONLY | PTE_WRITE | PTE_NG;

	if (!(old & PTE_VALID) || !(new & PTE_VALID))
		return 1;
	if ((old & PTE_ADDR_MASK) != (new & PTE_ADDR_MASK))
		return 0;
	if ((old | new) & PTE_CONT)
		return 0;
	if (old & ~new & PTE_NG)
		return 0;
	if (((old & PTE_ATTRINDX_MASK) == PTE_ATTRINDX(MT_NORMAL) ||
	     (old & PTE_ATTRINDX_MASK) == PTE_ATTRINDX(MT_NORMAL_TAGGED)) &&
	    ((new & PTE_ATTRINDX_MASK) == PTE_ATTRINDX(MT_NORMAL) ||
	     (new & PTE_ATTRINDX_MASK) == PTE_ATTRINDX(MT_NORMAL_TAGGED)))
		mask |= PTE_ATTRINDX_MASK;
	return ((old ^ new) & ~mask) == 0;
}

static inline int desc_sect(u64 d)
{
	return (d & PTE_TYPE_MASK) == PMD_TYPE_SECT;
}

static inline int desc_bad(u64 d)
{
	return !(d & PTE_TABLE_BIT);
}

static inline u64 addr_end(u64 addr, u64 end, u64 size)
{
	u64 boundary = (addr + size) & ~(size - 1);

	return boundary - 1 < end - 1 ? boundary : end;
}

static inline u64 table_desc(u64 pa, unsigned int flags)
{
	u64 v = pa | PMD_TYPE_TABLE | PMD_TABLE_UXN;

	if (flags & NO_EXEC_MAPPINGS)
		v |= PMD_TABLE_PXN;
	return v;
}

static inline u64 sect_prot(u64 prot)
{
	return (prot & ~PTE_TABLE_BIT) | PMD_TYPE_SECT;
}

static void init_pte(const struct mb_mm *mm, u64 pmdp, u64 addr, u64 end,
		     u64 phys, u64 prot)
{
	u64 ptep = table_set_fixmap_offset(mm, FIX_PTE, pmdp,
					   pte_index(addr));

	do {
		u64 old = pt_rd(ptep);

#if defined(MB_SIM) && MB_MUTATE == 2	/* unit tier: a wrong descriptor */
		if (phys == 0x40000000UL + 0x123000)
			prot ^= PTE_NG;
#endif
		set_pte(ptep, phys | prot);
		CNT(leaf_stores, 1);
		MB_BUG_ON(!pgattr_change_is_safe(old, pt_rd(ptep)));
		phys += PAGE_SIZE;
	} while (ptep += DESC, addr += PAGE_SIZE, addr != end);

	clear_fixmap(mm, FIX_PTE);
}

static void alloc_init_cont_pte(const struct mb_mm *mm, u64 pmdp, u64 addr,
				u64 end, u64 phys, u64 prot,
				unsigned int flags)
{
	u64 next, pmd = pt_rd(pmdp);

	MB_BUG_ON(desc_sect(pmd));
	if (!pmd) {
		u64 pte_phys = early_pgtable_alloc(mm, PAGE_SHIFT);

		set_table_entry(pmdp, table_desc(pte_phys, flags));
		CNT(table_stores, 1);
		pmd = pt_rd(pmdp);
	}
	MB_BUG_ON(desc_bad(pmd));

	do {
		u64 p = prot;

		next = addr_end(addr, end, CONT_PTE_SIZE);
		/* contiguous hint where the whole 64K window is aligned */
		if (!((addr | next | phys) & (CONT_PTE_SIZE - 1)) &&
		    !(flags & NO_CONT_MAPPINGS))
			p |= PTE_CONT;

		init_pte(mm, pmdp, addr, next, phys, p);
		phys += next - addr;
	} while (addr = next, addr != end);
}

static void init_pmd(const struct mb_mm *mm, u64 pudp, u64 addr, u64 end,
		     u64 phys, u64 prot, unsigned int flags)
{
	u64 next, pmdp = table_set_fixmap_offset(mm, FIX_PMD, pudp,
						 pmd_index(addr));

	do {
		u64 old = pt_rd(pmdp);

		next = addr_end(addr, end, PMD_SIZE);
		if (!((addr | next | phys) & (PMD_SIZE - 1)) &&
		    !(flags & NO_BLOCK_MAPPINGS)) {
			/* pmd_set_huge(): its own safety check, then set_pmd */
			u64 new = phys | sect_prot(prot);

			if (pgattr_change_is_safe(pt_rd(pmdp), new)) {
				set_table_entry(pmdp, new);
				CNT(leaf_stores, 1);
			}
			MB_BUG_ON(!pgattr_change_is_safe(old, pt_rd(pmdp)));
		} else {
			alloc_init_cont_pte(mm, pmdp, addr, next, phys, prot,
					    flags);
			MB_BUG_ON(old && old != pt_rd(pmdp));
		}
		phys += next - addr;
	} while (pmdp += DESC, addr = next, addr != end);

	clear_fixmap(mm, FIX_PMD);
}

static void alloc_init_cont_pmd(const struct mb_mm *mm, u64 pudp, u64 addr,
				u64 end, u64 phys, u64 prot,
				unsigned int flags)
{
	u64 next, pud = pt_rd(pudp);

	MB_BUG_ON(desc_sect(pud));
	if (!pud) {
		u64 pmd_phys = early_pgtable_alloc(mm, PMD_SHIFT);

		set_table_entry(pudp, table_desc(pmd_phys, flags));
		CNT(table_stores, 1);
		pud = pt_rd(pudp);
	}
	MB_BUG_ON(desc_bad(pud));

	do {
		u64 p = prot;

		next = addr_end(addr, end, CONT_PMD_SIZE);
		if (!((addr | next | phys) & (CONT_PMD_SIZE - 1)) &&
		    !(flags & NO_CONT_MAPPINGS))
			p |= PTE_CONT;

		init_pmd(mm, pudp, addr, next, phys, p, flags);
		phys += next - addr;
	} while (addr = next, addr != end);
}

static void alloc_init_pud(const struct mb_mm *mm, u64 p4dp, u64 addr,
			   u64 end, u64 phys, u64 prot, unsigned int flags)
{
	u64 next, pudp, p4d = pt_rd(p4dp);

	if (!p4d) {
		u64 pud_phys = early_pgtable_alloc(mm, PUD_SHIFT);

		/* set_p4d(): into swapper via set_swapper_pgd(), same ops */
		set_table_entry(p4dp, table_desc(pud_phys, flags));
		CNT(table_stores, 1);
		p4d = pt_rd(p4dp);
	}
	MB_BUG_ON(desc_bad(p4d));

	pudp = table_set_fixmap_offset(mm, FIX_PUD, p4dp, pud_index(addr));
	do {
		u64 old = pt_rd(pudp);

		next = addr_end(addr, end, PUD_SIZE);
		if (!((addr | next | phys) & (PUD_SIZE - 1)) &&
		    !(flags & NO_BLOCK_MAPPINGS)) {
			u64 new = phys | sect_prot(prot & ~PTE_CONT);

			if (pgattr_change_is_safe(pt_rd(pudp), new)) {
				set_table_entry(pudp, new);
				CNT(leaf_stores, 1);
			}
			MB_BUG_ON(!pgattr_change_is_safe(old, pt_rd(pudp)));
		} else {
			alloc_init_cont_pmd(mm, pudp, addr, next, phys, prot,
					    flags);
			MB_BUG_ON(old && old != pt_rd(pudp));
		}
		phys += next - addr;
	} while (pudp += DESC, addr = next, addr != end);

	clear_fixmap(mm, FIX_PUD);
}

/* alloc_init_p4d() with the P4D level folded into the PGD (4 levels). */
static void alloc_init_p4d(const struct mb_mm *mm, u64 pgdp, u64 addr,
			   u64 end, u64 phys, u64 prot, unsigned int flags)
{
	u64 old;

	(void)pt_rd(pgdp);	/* pgd_none()/pgd_bad() of a folded level */
	old = pt_rd(pgdp);
	alloc_init_pud(mm, pgdp, addr, end, phys, prot, flags);
	MB_BUG_ON(old && old != pt_rd(pgdp));
}

/* __create_pgd_mapping_locked() */
void ENGINE(create_mapping)(struct mb_mm *mm, u64 phys, u64 virt, u64 size,
			    u64 prot, unsigned int flags)
{
	u64 addr, end, next, pgdp = mm->pgd + pgd_index(virt) * DESC;

	if ((phys ^ virt) & ~PAGE_MASK)
		mb_panic(MB_ST_BUG, __LINE__);
	phys &= PAGE_MASK;
	addr = virt & PAGE_MASK;
	end = (virt + size + PAGE_SIZE - 1) & PAGE_MASK;

	do {
		next = addr_end(addr, end, PGDIR_SIZE);
		alloc_init_p4d(mm, pgdp, addr, next, phys, prot, flags);
		phys += next - addr;
	} while (pgdp += DESC, addr = next, addr != end);
}

static void map_memblock(struct mb_mm *mm, u64 start, u64 end, u64 prot,
			 unsigned int flags)
{
	ENGINE(create_mapping)(mm, start, mb_phys_to_virt(mm, start),
			       end - start, prot, flags);
}

/*
 * map_mem(): the main loop over RAM minus the NOMAP kernel alias, then
 * the alias itself with NO_CONT (and without NO_EXEC), as v6.9 does.
 */
void ENGINE(map_mem)(struct mb_mm *mm)
{
	struct mb_bank r[2 * MB_MAX_BANKS];
	unsigned int i, n, flags = NO_EXEC_MAPPINGS;

	/* can_set_direct_map() == rodata_full here (no KFENCE) */
	if (mm->rodata == MB_RODATA_FULL)
		flags |= NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS;

	mm->mblk->nomap_start = mm->kernel_start;
	mm->mblk->nomap_end = mm->kernel_end;
	n = memblock_map_ranges(mm->mblk, r, ARRAY_SIZE(r));
	for (i = 0; i < n; i++)
		map_memblock(mm, r[i].base, r[i].base + r[i].size,
			     PAGE_KERNEL_TAGGED, flags);

	if (mm->kernel_end > mm->kernel_start)
		map_memblock(mm, mm->kernel_start, mm->kernel_end, PAGE_KERNEL,
			     NO_CONT_MAPPINGS);
	mm->mblk->nomap_start = mm->mblk->nomap_end = 0;
}
