/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The linear-map engine: map_mem() and the walk beneath it for every
 * strategy, built three times from engine.c (timed, counted, simulated).
 */
#ifndef MB_ENGINE_H
#define MB_ENGINE_H

#include "bug.h"
#include "compiler.h"
#include "memblock.h"
#include "pgtable.h"

struct mb_mm {
	u64 pgd;		/* VA of the root being populated */
	u64 swapper;		/* VA of swapper_pg_dir (in the image) */
	u64 bm_pte;		/* VA of the fixmap's L3 table */
	u64 phys_offset;	/* PHYS_OFFSET (memstart_addr) */
	struct mb_memblock *mblk;
	unsigned int strategy;	/* enum mb_strategy */
	unsigned int rodata;	/* enum mb_rodata */
	unsigned int bbml;	/* MB_PF_BBML: force_pte_mapping() false */
	u64 kernel_start;	/* the image's text+rodata alias, NOMAP */
	u64 kernel_end;
	u64 data_start;		/* its data and bss, [__init_end, __bss_stop):
				 * mapped first from 7.2; empty: none */
	u64 data_end;
	u64 kfence_size;	/* early KFENCE pool to allocate, 0: none */
	u64 kfence_start;	/* where map_mem() put it */
	/* TTBR values and static roots the strategies switch between */
	u64 swapper_pa;		/* TTBR1 while map_mem() runs */
	u64 reserved_pa;	/* reserved_pg_dir: TTBR0 while it runs */
	u64 boot_idmap_pa;	/* idmap_pg_dir: maps the image at VA == PA */
	u64 tmp_root;		/* VA of a static page for a temporary root */
	u64 tmp_root_pa;
	u64 tramp_pa;		/* PA of mb_idmap_replace_ttbr1() */
	/* per-build state */
	u64 direct_off;		/* ACCESS_DIRECT: table VA = PA + this */
	unsigned int lazy_next;	/* lazy-unmap: next FIX_PTE slot */
	u64 lazy_lo, lazy_hi;	/* idmap-lazy: 2M windows mapped 1:1 */
	u64 pool_lo, pool_hi;	/* idmap-fill: a new PMD table's PTE
				 * table pages, taken from the top */
	/* the walk's pgtable_alloc, called through this pointer */
	u64 (*pgtable_alloc)(struct mb_mm *mm, int shift);
};

/* arm64_use_ng_mappings, read at run time into every prot (engine.c) */
extern u8 mb_use_ng_mappings;


static inline u64 mb_phys_to_virt(const struct mb_mm *mm, u64 pa)
{
	return (pa - mm->phys_offset) | PAGE_OFFSET;
}

/* map_mem()'s NOMAP ranges while the main loop runs, in address order. */
static inline unsigned int mb_nomap(const struct mb_mm *mm,
				    struct mb_bank out[2])
{
	struct mb_bank k = { mm->kernel_start,
			     mm->kernel_end - mm->kernel_start };
	struct mb_bank f = { mm->kfence_start, mm->kfence_size };
	unsigned int n = 0;

	if (!mm->kfence_size || mm->kfence_start > mm->kernel_start)
		out[n++] = k;
	if (mm->kfence_size)
		out[n++] = f;
	if (mm->kfence_size && mm->kfence_start < mm->kernel_start)
		out[n++] = k;
	return n;
}

/* The TTBR1 switch of idmap_cpu_replace_ttbr1(): must run from TTBR0. */
void mb_idmap_replace_ttbr1(u64 ttbr1, u64 reserved);

#define ENGINE_DECLARE(sfx)						\
	void map_mem_##sfx(struct mb_mm *mm);				\
	void create_mapping_##sfx(struct mb_mm *mm, u64 phys, u64 virt,	\
				  u64 size, u64 prot, unsigned int flags);	\
	void unit_fixmap_pair_##sfx(struct mb_mm *mm, u64 pa);		\
	u64 unit_pgtable_alloc_##sfx(struct mb_mm *mm);			\
	void unit_free_scan_##sfx(struct mb_mm *mm, u64 table);	\
	int unit_tmp_map_##sfx(struct mb_mm *mm);

ENGINE_DECLARE(timed)
ENGINE_DECLARE(counted)
ENGINE_DECLARE(sim)

#endif
