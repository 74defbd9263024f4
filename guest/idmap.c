// SPDX-License-Identifier: GPL-2.0-only
/*
 * Early boot tables, built with the MMU off by C running at its physical
 * address (PC-relative code only: no absolute pointers here):
 *
 *   idmap_pg_dir (TTBR0)  the image's 2 MiB block at VA == PA, just to
 *                         turn the MMU on and jump high; replaced by
 *                         reserved_pg_dir before map_mem() runs, which is
 *                         the TTBR0 state paging_init() sees;
 *   swapper_pg_dir (TTBR1) the image at KIMAGE_VADDR, and the fixmap:
 *                         bm_pud -> bm_pmd -> bm_pte, one static L3 table
 *                         for all slots, as the kernel's early fixmap.
 *
 * The linear map is later built into this same, live swapper_pg_dir.
 */
#include "compiler.h"
#include "boot.h"
#include "pgtable.h"

pgtable_page swapper_pg_dir __section(".pgdir");
pgtable_page reserved_pg_dir __section(".pgdir");
pgtable_page idmap_pg_dir __section(".pgdir");
static pgtable_page idmap_pud __section(".pgdir");
static pgtable_page idmap_pmd __section(".pgdir");
static pgtable_page kimg_pud __section(".pgdir");
static pgtable_page kimg_pmd __section(".pgdir");
static pgtable_page bm_pud __section(".pgdir");
static pgtable_page bm_pmd __section(".pgdir");
pgtable_page bm_pte __section(".pgdir");
/* root of the 1:1 map (idmap strategies) or the temporary TTBR1
 * (temp-pgtable): static, as the kernel's idmap_pg_dir is */
pgtable_page tmp_pg_dir __section(".pgdir");

/* Physical addresses come from PC-relative address computation, which
 * is what &sym gives here with the MMU off. */
static inline u64 pa_of(const void *p)
{
	return (u64)p;
}

static void zero_table(u64 *t)
{
	for (int i = 0; i < PTRS_PER_TABLE; i++)
		t[i] = 0;
}

static void map_table(u64 *parent, unsigned int idx, const u64 *child)
{
	parent[idx] = pa_of(child) | PMD_TYPE_TABLE;
}

void early_setup(void)
{
	u64 img = pa_of(_text), fixva = fix_to_virt(FIX_CONSOLE);
	u64 sect = (PAGE_KERNEL_EXEC & ~PTE_TABLE_BIT) | PMD_TYPE_SECT;
	u64 start = pa_of(__pgdir_start), end = pa_of(__pgdir_end), a;

	for (a = start; a < end; a += PAGE_SIZE)
		zero_table((u64 *)a);

	/* identity map of the image's 2 MiB block */
	map_table(idmap_pg_dir, pgd_index(img), idmap_pud);
	map_table(idmap_pud, pud_index(img), idmap_pmd);
	idmap_pmd[pmd_index(img)] = (img & ~(PMD_SIZE - 1)) | sect;

	/* the image at its link address */
	map_table(swapper_pg_dir, pgd_index(KIMAGE_VADDR), kimg_pud);
	map_table(kimg_pud, pud_index(KIMAGE_VADDR), kimg_pmd);
	kimg_pmd[pmd_index(KIMAGE_VADDR)] = (img & ~(PMD_SIZE - 1)) | sect;

	/* fixmap: every slot lives under one PMD entry */
	map_table(swapper_pg_dir, pgd_index(fixva), bm_pud);
	map_table(bm_pud, pud_index(fixva), bm_pmd);
	map_table(bm_pmd, pmd_index(fixva), bm_pte);
	bm_pte[pte_index(fix_to_virt(FIX_CONSOLE))] =
		MB_UART_GPA | FIXMAP_PAGE_IO;
	bm_pte[pte_index(fix_to_virt(FIX_PARAMS))] =
		MB_PARAMS_GPA | FIXMAP_PAGE_NORMAL;
	bm_pte[pte_index(fix_to_virt(FIX_RESULT))] =
		MB_RESULT_GPA | FIXMAP_PAGE_NORMAL;

	/*
	 * Written with the MMU off, i.e. non-cacheable: drop any stale lines
	 * so the cacheable walks that follow see these stores.
	 */
	asm volatile("dmb sy" ::: "memory");
	for (a = start; a < end; a += 64)
		asm volatile("dc ivac, %0" :: "r" (a) : "memory");
	asm volatile("dsb sy" ::: "memory");
}
