// SPDX-License-Identifier: GPL-2.0-only
/*
 * After the timed window: check the linear map the strategy built.
 *
 *  - a software walk of every leaf against an independent model of what
 *    map_mem() must produce (level, output address, attributes, CONT);
 *  - nothing valid outside RAM in the whole linear half (holes, below
 *    and above the banks);
 *  - AT S1E1R on a sample of pages: the MMU agrees with the walk;
 *  - reads and writes through the linear map on a sample of free pages,
 *    cross-checked through a second (fixmap) alias of the same PA;
 *  - a digest of the final tables that ignores where table pages were
 *    allocated, so two builds of the same map compare equal.
 */
#include "compiler.h"
#include "arch.h"
#include "boot.h"
#include "engine.h"
#include "pgtable.h"
#include "verify.h"
#include "digest.h"

static u64 table_va(const struct mb_mm *mm, u64 desc)
{
	return mb_phys_to_virt(mm, desc & PTE_ADDR_MASK);
}

/* Walk root for va; returns the leaf (0 if none) and its level. */
static u64 walk(const struct mb_mm *mm, u64 root, u64 va, int *level)
{
	u64 t = root, d = 0;

	for (int l = ROOT_LEVEL; l <= 3; l++) {
		d = ldr64(t + level_index(va, l) * 8);
		if (!(d & PTE_VALID))
			return 0;
		if (l == 3 || !(d & PTE_TABLE_BIT)) {
			/* blocks: level 1 with 4K, level 2 */
			if (l < 3 && LEVEL_SHIFT(l) > (PUD_SECT_SUPPORTED ?
						       PUD_SHIFT : PMD_SHIFT))
				return 0;
			if (l == 3 && !(d & PTE_TABLE_BIT))
				return 0;
			*level = l;
			return d;
		}
		t = table_va(mm, d);
	}
	return 0;
}

/* The aligned window of size around va lies in [s, e), and its output
 * address is aligned too (the linear offset is only MEMSTART_ALIGN
 * aligned: 64K's 16G CONT_PMD windows never are). */
static int window_in(u64 va, u64 pa, u64 size, u64 s, u64 e)
{
	u64 w = va & ~(size - 1);

	return w >= s && w + size <= e && !((va ^ pa) & (size - 1));
}

/* What map_mem() puts at va of a range mapped with prot/flags. */
static u64 expected(u64 va, u64 pa, u64 s, u64 e, u64 prot,
		    unsigned int flags, int *level)
{
	int cont_ok = !(flags & NO_CONT_MAPPINGS);
	u64 sect = (prot & ~PTE_TABLE_BIT) | PMD_TYPE_SECT;

	if (!(flags & NO_BLOCK_MAPPINGS)) {
		if (PUD_SECT_SUPPORTED && window_in(va, pa, PUD_SIZE, s, e)) {
			*level = 1;
			return (pa & ~(PUD_SIZE - 1)) | sect;
		}
		/* a folded PMD is walked one entry at a time: no CONT */
		if (window_in(va, pa, PMD_SIZE, s, e)) {
			*level = 2;
			return (pa & ~(PMD_SIZE - 1)) | sect |
			       (cont_ok && !PMD_FOLDED &&
				window_in(va, pa, CONT_PMD_SIZE, s, e) ?
				PTE_CONT : 0);
		}
	}
	*level = 3;
	return (pa & PAGE_MASK) | prot |
	       (cont_ok && window_in(va, pa, CONT_PTE_SIZE, s, e) ?
		PTE_CONT : 0);
}

static void bad(struct mb_verify *v, u64 va, u64 got, u64 want)
{
	if (!v->errors++) {
		v->first_bad_va = va;
		v->first_bad_desc = got;
		v->first_expected = want;
	}
}

static void check_range(const struct mb_mm *mm, struct mb_verify *v,
			u64 ps, u64 pe, u64 prot, unsigned int flags)
{
	u64 s = mb_phys_to_virt(mm, ps), e = mb_phys_to_virt(mm, pe);
	u64 va = s;

	while (va < e) {
		int lw = 0, lg = 0;
		u64 pa = ps + (va - s);
		u64 want = expected(va, pa, s, e, prot, flags, &lw);
		u64 got = walk(mm, mm->pgd, va, &lg);
		u64 span = LEVEL_SIZE(lw);

		if (got != want || lg != lw) {
			bad(v, va, got, want);
			span = PAGE_SIZE;	/* resync page by page */
		}
		v->leaves_checked++;
		v->pages_checked += span >> PAGE_SHIFT;
		va = (va & ~(span - 1)) + span;
	}
}

static void at_sample(const struct mb_mm *mm, struct mb_verify *v,
		      u64 ps, u64 pe)
{
	u64 n = (pe - ps) >> PAGE_SHIFT, step = n > 64 ? n / 64 : 1;

	for (u64 i = 0; i < n; i += step) {
		u64 pa = ps + (i << PAGE_SHIFT);
		u64 par = at_s1e1r(mb_phys_to_virt(mm, pa));

		v->at_checked++;
		if ((par & 1) || (par & PTE_ADDR_MASK) != pa)
			bad(v, mb_phys_to_virt(mm, pa), par, pa);
	}
	/* and the last page */
	if (n) {
		u64 pa = pe - PAGE_SIZE;
		u64 par = at_s1e1r(mb_phys_to_virt(mm, pa));

		v->at_checked++;
		if ((par & 1) || (par & PTE_ADDR_MASK) != pa)
			bad(v, mb_phys_to_virt(mm, pa), par, pa);
	}
}

/* Holes between banks are not RAM and not in the linear map. */
static int is_ram(const struct mb_memblock *m, u64 pa)
{
	for (unsigned int i = 0; i < m->nr_mem; i++)
		if (pa >= m->mem[i].base && pa - m->mem[i].base < m->mem[i].size)
			return 1;
	return 0;
}

/* Pages nobody uses: between the image and the lowest table page. */
static void rw_sample(const struct mb_mm *mm, struct mb_verify *v,
		      u64 free_lo, u64 free_hi)
{
	u64 n = (free_hi - free_lo) >> PAGE_SHIFT, step;

	if (!n)
		return;
	step = n > 16 ? n / 16 : 1;
	for (u64 i = 0; i < n; i += step) {
		u64 pa = free_lo + (i << PAGE_SHIFT);
		u64 lva = mb_phys_to_virt(mm, pa), fva;
		u64 pat = 0x6d61706265ULL ^ pa, back;

		if (!is_ram(mm->mblk, pa))
			continue;
		str64(lva, pat);
		dsb(ish);
		fva = mb_set_fixmap(FIX_VERIFY, pa, FIXMAP_PAGE_NORMAL);
		back = ldr64(fva);
		str64(fva + 8, ~pat);
		dsb(ish);
		mb_clear_fixmap(FIX_VERIFY);
		v->rw_checked++;
		if (back != pat || ldr64(lva + 8) != ~pat)
			bad(v, lva, back, pat);
	}
}

/* How [pa, pa + size) lies in RAM: 2 inside one bank, 1 partly, 0 not. */
static int ram_overlap(const struct mb_memblock *m, u64 pa, u64 size)
{
	int any = 0;

	for (unsigned int i = 0; i < m->nr_mem; i++) {
		u64 s = m->mem[i].base, e = s + m->mem[i].size;

		if (pa >= s && pa + size <= e)
			return 2;
		if (pa < e && pa + size > s)
			any = 1;
	}
	return any;
}

/*
 * Nothing outside RAM is mapped: the whole linear half of the root,
 * below, between and above the banks.  An entry whose span lies inside
 * one bank was checked leaf by leaf by check_range(); one that misses
 * RAM must be invalid; only tables at the edges of RAM are descended,
 * so this costs a few tables, not a walk of 128T.
 */
static void check_outside(const struct mb_mm *mm, struct mb_verify *v,
			  u64 table, int level, u64 va, int last)
{
	u64 span = LEVEL_SIZE(level);

	for (int i = 0; i <= last; i++, va += span) {
		u64 d = ldr64(table + i * 8);
		u64 pa = va - PAGE_OFFSET + mm->phys_offset;
		int in = ram_overlap(mm->mblk, pa, span);

		if (!(d & PTE_VALID) || in == 2)
			continue;
		if (in == 1 && level < 3 &&
		    (d & PTE_TYPE_MASK) == PMD_TYPE_TABLE)
			check_outside(mm, v, table_va(mm, d), level + 1, va,
				      PTRS_PER_PTE - 1);
		else
			bad(v, va, d, 0);	/* maps what is not RAM */
	}
}

/* The strategies of 6.18 (and its BBML2 branch) and of 7.2. */
static int is_v618(const struct mb_mm *mm)
{
	return mm->strategy == MB_STRAT_v6_18 ||
	       mm->strategy == MB_STRAT_bbml2_blocks ||
	       mm->strategy == MB_STRAT_bbml2_repaint;
}

/* The flags map_mem()'s main loop ends up with, per strategy: from 6.18
 * rodata=on is rodata=full. */
static unsigned int effective_flags(const struct mb_mm *mm)
{
	unsigned int flags = NO_EXEC_MAPPINGS;
	int v618 = is_v618(mm) || mm->strategy == MB_STRAT_v7_2;

	if (mm->strategy == MB_STRAT_bbml2_blocks || (v618 && mm->bbml))
		return flags;		/* BBML2: blocks whatever rodata says */
	/* can_set_direct_map(), and Debian's late KFENCE from 6.18
	 * (guest/engine.c) */
	if (mm->rodata == MB_RODATA_FULL ||
	    (v618 && (mm->rodata == MB_RODATA_ON || !mm->kfence_size)))
		flags |= NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS;
	return flags;
}

/* 6.18's PAGE_KERNEL has no PTE_DIRTY (the kernels around it do). */
static u64 strategy_prot(const struct mb_mm *mm, u64 prot)
{
	return is_v618(mm) ? prot & ~PTE_DIRTY : prot;
}

static void check_piece(const struct mb_mm *mm, struct mb_verify *v,
			u64 ps, u64 pe, u64 prot, unsigned int flags)
{
	check_range(mm, v, ps, pe, strategy_prot(mm, prot), flags);
	at_sample(mm, v, ps, pe);
}

/*
 * 7.2's map: the alias, the image's data and the KFENCE pool first,
 * then every bank over them, all PAGE_KERNEL_TAGGED with the main
 * flags (the pool without blocks or CONT).  No block goes over a table
 * and no CONT over valid entries without it, so what ends up mapped is
 * each of those pieces, and each stretch of a bank between them, as if
 * mapped alone.
 */
static void verify_v72(const struct mb_mm *mm, struct mb_verify *v,
		       unsigned int flags)
{
	struct mb_bank first[3], r[4 * MB_MAX_BANKS];
	unsigned int n = 0, i, nr;

	if (mm->kfence_size)
		first[n++] = (struct mb_bank){ mm->kfence_start,
					       mm->kfence_size };
	if (mm->kernel_end > mm->kernel_start)
		first[n++] = (struct mb_bank){ mm->kernel_start,
			mm->kernel_end - mm->kernel_start };
	if (mm->data_end > mm->data_start)
		first[n++] = (struct mb_bank){ mm->data_start & PAGE_MASK,
			((mm->data_end + PAGE_SIZE - 1) & PAGE_MASK) -
			(mm->data_start & PAGE_MASK) };
	for (i = 0; i < n; i++)
		check_piece(mm, v, first[i].base, first[i].base + first[i].size,
			    PAGE_KERNEL_TAGGED,
			    mm->kfence_size && !i ? NO_BLOCK_MAPPINGS |
			    NO_CONT_MAPPINGS | NO_EXEC_MAPPINGS : flags);
	/* in address order for memblock_map_ranges() */
	for (i = 1; i < n; i++)
		for (unsigned int j = i; j && first[j].base < first[j - 1].base; j--) {
			struct mb_bank t = first[j];

			first[j] = first[j - 1];
			first[j - 1] = t;
		}
	nr = memblock_map_ranges(mm->mblk, first, n, r, ARRAY_SIZE(r));
	for (i = 0; i < nr; i++)
		check_piece(mm, v, r[i].base, r[i].base + r[i].size,
			    PAGE_KERNEL_TAGGED, flags);
}

void mb_verify_map(const struct mb_mm *mm, struct mb_verify *v,
		   u64 free_lo, u64 free_hi)
{
	struct mb_bank r[3 * MB_MAX_BANKS], nomap[2];
	unsigned int i, n, flags = effective_flags(mm);

	if (mm->strategy == MB_STRAT_v7_2) {
		verify_v72(mm, v, flags);
		goto rest;
	}
	n = memblock_map_ranges(mm->mblk, nomap, mb_nomap(mm, nomap), r,
				ARRAY_SIZE(r));
	for (i = 0; i < n; i++)
		check_piece(mm, v, r[i].base, r[i].base + r[i].size,
			    PAGE_KERNEL_TAGGED, flags);
	if (mm->kernel_end > mm->kernel_start)
		check_piece(mm, v, mm->kernel_start, mm->kernel_end,
			    PAGE_KERNEL, NO_CONT_MAPPINGS);
	if (mm->kfence_size)
		check_piece(mm, v, mm->kfence_start,
			    mm->kfence_start + mm->kfence_size,
			    PAGE_KERNEL_TAGGED,
			    NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS);
rest:
	check_outside(mm, v, mm->pgd, ROOT_LEVEL, PAGE_OFFSET, LINEAR_PGD_LAST);
	rw_sample(mm, v, free_lo, free_hi);
}

static uint64_t read_desc(const void *ctx, uint64_t pa, int idx)
{
	const struct mb_mm *mm = ctx;

	return ldr64(mb_phys_to_virt(mm, pa) + idx * 8);
}

/* root: a table in the image (both builds go into swapper_pg_dir) */
u64 mb_digest(const struct mb_mm *mm, u64 root)
{
	return mb_digest_root(read_desc, mm, kimg_to_phys((void *)root));
}

static u64 count_tables(const struct mb_mm *mm, u64 t, int lvl, int first,
			int last)
{
	u64 n = 0;

	for (int i = first; i <= last; i++) {
		u64 d = ldr64(t + i * 8);

		if (!(d & PTE_VALID) || !(d & PTE_TABLE_BIT) || lvl == 3)
			continue;
		n++;
		if (lvl < 2)
			n += count_tables(mm, table_va(mm, d), lvl + 1, 0,
					  PTRS_PER_PTE - 1);
	}
	return n;
}

/*
 * Temporary structures must be gone: TTBR0 back on the reserved table,
 * TTBR1 on swapper, and every table below the static temporary root
 * (still holding its entries) handed back to memblock.
 */
void mb_check_temp(const struct mb_mm *mm, struct mb_verify *v)
{
	v->temp_tables = count_tables(mm, mm->tmp_root, ROOT_LEVEL, 0,
				      LINEAR_PGD_LAST);
	v->temp_freed = mm->mblk->nr_freed;
	if ((read_sysreg(ttbr0_el1) & PTE_ADDR_MASK) != mm->reserved_pa)
		bad(v, 0, read_sysreg(ttbr0_el1), mm->reserved_pa);
	if ((read_sysreg(ttbr1_el1) & PTE_ADDR_MASK) != mm->swapper_pa)
		bad(v, 1, read_sysreg(ttbr1_el1), mm->swapper_pa);
	if (v->temp_tables != v->temp_freed)
		bad(v, 2, v->temp_freed, v->temp_tables);
}
