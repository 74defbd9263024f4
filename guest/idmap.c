// SPDX-License-Identifier: GPL-2.0-only
/*
 * Early boot tables, built with the MMU off by C running at its physical
 * address (PC-relative code only: no absolute pointers here):
 *
 *   idmap_pg_dir (TTBR0)  the image's 2 MiB at VA == PA, just to
 *                         turn the MMU on and jump high; replaced by
 *                         reserved_pg_dir before map_mem() runs, which is
 *                         the TTBR0 state paging_init() sees;
 *   swapper_pg_dir (TTBR1) the image at KIMAGE_VADDR, and the fixmap:
 *                         down to one static L3 table (bm_pte)
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

/*
 * The image is mapped with blocks where the kernel does
 * (ARM64_KERNEL_USES_PMD_MAPS: 4K only), with pages otherwise.  Tables
 * below the roots come from a pool: per image map, one per level from
 * below the root down to the leaf's parent; for the fixmap, down to the
 * PMD level (bm_pte is its own).
 */
#define BOOT_IMG_SIZE	MB_UL(0x200000)
#define BOOT_IMG_LEAF	(PAGE_SHIFT == 12 ? 2 : 3)
#define BOOT_POOL	(2 * (BOOT_IMG_LEAF - ROOT_LEVEL) + (2 - ROOT_LEVEL))
static pgtable_page boot_pool[BOOT_POOL] __section(".pgdir");
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

/* The next-level table under parent[idx], taken from the pool if none. */
static u64 *table_for(u64 *parent, unsigned int idx, unsigned int *used)
{
	if (!parent[idx])
		parent[idx] = pa_of(boot_pool[(*used)++]) | PMD_TYPE_TABLE;
	return (u64 *)(parent[idx] & PTE_ADDR_MASK);
}

/* The table at level lvl (below root) that holds va's entry. */
static u64 *walk_to(u64 *root, u64 va, int lvl, unsigned int *used)
{
	u64 *t = root;

	for (int l = ROOT_LEVEL; l < lvl; l++)
		t = table_for(t, level_index(va, l), used);
	return t;
}

/* The image's 2 MiB at va, executable, blocks or pages. */
static void map_image(u64 *root, u64 va, u64 pa, unsigned int *used)
{
	u64 prot = BOOT_IMG_LEAF == 3 ? PAGE_KERNEL_EXEC :
		   (PAGE_KERNEL_EXEC & ~PTE_TABLE_BIT) | PMD_TYPE_SECT;
	u64 step = LEVEL_SIZE(BOOT_IMG_LEAF);

	for (u64 off = 0; off < BOOT_IMG_SIZE; off += step) {
		u64 *t = walk_to(root, va + off, BOOT_IMG_LEAF, used);

		t[level_index(va + off, BOOT_IMG_LEAF)] = (pa + off) | prot;
	}
}

void early_setup(void)
{
	u64 img = pa_of(_text), fixva = fix_to_virt(FIX_CONSOLE);
	u64 start = pa_of(__pgdir_start), end = pa_of(__pgdir_end), a;
	unsigned int used = 0;
	u64 *pmd;

	for (a = start; a < end; a += PAGE_SIZE)
		zero_table((u64 *)a);

	/* identity map of the image, and the image at its link address */
	map_image(idmap_pg_dir, img, img, &used);
	map_image(swapper_pg_dir, KIMAGE_VADDR, img, &used);

	/* fixmap: every slot lives under one PMD entry */
	pmd = walk_to(swapper_pg_dir, fixva, 2, &used);
	pmd[level_index(fixva, 2)] = pa_of(bm_pte) | PMD_TYPE_TABLE;
	bm_pte[pte_index(fix_to_virt(FIX_CONSOLE))] =
		(MB_UART_GPA & PAGE_MASK) | FIXMAP_PAGE_IO;
	bm_pte[pte_index(fix_to_virt(FIX_PARAMS))] =
		(MB_PARAMS_GPA & PAGE_MASK) | FIXMAP_PAGE_NORMAL;
	bm_pte[pte_index(fix_to_virt(FIX_RESULT))] =
		(MB_RESULT_GPA & PAGE_MASK) | FIXMAP_PAGE_NORMAL;
	bm_pte[pte_index(fix_to_virt(FIX_RESULT_HI))] =
		((MB_RESULT_GPA & PAGE_MASK) + PAGE_SIZE) | FIXMAP_PAGE_NORMAL;

	/*
	 * Written with the MMU off, i.e. non-cacheable: drop any stale lines
	 * so the cacheable walks that follow see these stores.
	 */
	asm volatile("dmb sy" ::: "memory");
	for (a = start; a < end; a += 64)
		asm volatile("dc ivac, %0" :: "r" (a) : "memory");
	asm volatile("dsb sy" ::: "memory");
}
