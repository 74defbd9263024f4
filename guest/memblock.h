/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A memblock-style description of guest RAM and a top-down page
 * allocator over it (memblock_phys_alloc_range() with arm64's default
 * top-down policy): page tables come from the top of the highest bank,
 * memory the linear map has not reached yet -- the reason for the fixmap.
 *
 * The allocation path has the kernel's shape and cost, not only its
 * result: memory and reserved region arrays, the reverse walk over the
 * free ranges between them (__next_mem_range_rev()), then
 * memblock_reserve() inserting and merging the new region, each an
 * out-of-line function as in mm/memblock.c.
 */
#ifndef MB_MEMBLOCK_H
#define MB_MEMBLOCK_H

#include "compiler.h"
#include <mapbench/abi.h>

#define MB_MAX_REGIONS	128	/* INIT_MEMBLOCK_{,RESERVED_}REGIONS */
#define MB_MAX_FREED	1024

/* struct memblock_region / memblock_type: one array per type. */
struct mb_region {
	u64 base;
	u64 size;
	u32 flags;		/* MEMBLOCK_NONE here */
	int nid;		/* NUMA_NO_NODE: one node */
};

struct mb_rgn_type {
	unsigned int cnt;
	unsigned int max;
	u64 total_size;
	unsigned int warnings;		/* WARN_ON()s hit */
	struct mb_region regions[MB_MAX_REGIONS];
};

struct mb_memblock {
	struct mb_bank mem[MB_MAX_BANKS];	/* sorted, disjoint */
	unsigned int nr_mem;
	u64 current_limit;			/* memblock.current_limit */
	/* the run-time switches the kernel's path tests (all off here) */
	u8 debug, bottom_up, mirrored_kernelmem, movable_node;
	u8 slab_available;
	u64 debug_events;
	struct mb_rgn_type memory;		/* the banks as regions */
	struct mb_rgn_type reserved;		/* never handed out */
	u64 low;				/* lowest page handed out */
	u64 pages;				/* pages handed out */
	u64 freed[MB_MAX_FREED];		/* memblock_phys_free()d pages */
	unsigned int nr_freed;
};

/* Returns 0, or a short reason the bank list is unusable. */
const char *memblock_init(struct mb_memblock *m, const struct mb_bank *b,
			  unsigned int nr);
int memblock_reserve(struct mb_memblock *m, u64 base, u64 size);
u64 memblock_alloc_page(struct mb_memblock *m);	/* 0 when exhausted */
/* Give a page back; the next allocations reuse freed pages first, as a
 * top-down memblock would find them again at the top. */
void memblock_free_page(struct mb_memblock *m, u64 pa);
/* memblock_phys_alloc(size, PAGE_SIZE): contiguous, top-down; 0 if none */
u64 memblock_alloc_range(struct mb_memblock *m, u64 size);
/* memblock_phys_alloc_range(size, align, start, end): the kernel's entry;
 * end 0 is MEMBLOCK_ALLOC_NOLEAKTRACE (up to the current limit). */
u64 memblock_phys_alloc_range(struct mb_memblock *m, u64 size, u64 align,
			      u64 start, u64 end);
/* The pieces of RAM outside the NOMAP ranges (sorted, disjoint), in
 * address order: for_each_mem_range() while they are marked NOMAP. */
unsigned int memblock_map_ranges(const struct mb_memblock *m,
				 const struct mb_bank *nomap, unsigned int nn,
				 struct mb_bank *out, unsigned int max);
u64 memblock_start(const struct mb_memblock *m);
u64 memblock_end(const struct mb_memblock *m);

#endif
