/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A linear map as runs, for `mapbench kernel-check`: the walk of the
 * linear half of a TTBR1 root (L0 slots 0..255, VA order) cut into runs
 * of consecutive descriptors of one level whose VA and output address
 * advance together by the level's size with identical attributes.
 * Table descriptors are runs too, with the next-level address masked
 * (table pages sit wherever the allocator put them).  Shared by the
 * guest (mapdump.c prints its own map) and the host (the kernel's map
 * read back through QEMU's gdbstub), so both are cut the same way.
 *
 * Text form, one run a line:
 *   MBMAP <va> <level> <desc> <count>   leaves (blocks and pages)
 *   MBTBL <va> <level> <attrs> <count>  table descriptors, address 0
 * all numbers hex except level and count (decimal).
 */
#ifndef MB_MAPRUN_H
#define MB_MAPRUN_H

#include <mapbench/abi.h>
#include "pgtable.h"
#include "digest.h"

struct mb_maprun {
	uint64_t va;
	uint64_t desc;		/* first descriptor; tables: address 0 */
	uint64_t count;
	int level;
	int table;
};

typedef void (*mb_maprun_emit)(void *ctx, const struct mb_maprun *r);

struct mb_maprun_state {
	struct mb_maprun cur;
	mb_maprun_emit emit;
	void *ctx;
};

static inline uint64_t mb_level_size(int level)
{
	return (uint64_t)1 << LEVEL_SHIFT(level);
}

static void mb_maprun_add(struct mb_maprun_state *s, uint64_t va,
			  int level, int table, uint64_t desc)
{
	struct mb_maprun *c = &s->cur;
	uint64_t step = mb_level_size(level);

	if (c->count && c->level == level && c->table == table &&
	    va == c->va + c->count * step &&
	    desc == c->desc + (table ? 0 : c->count * step)) {
		c->count++;
		return;
	}
	if (c->count)
		s->emit(s->ctx, c);
	c->va = va;
	c->desc = desc;
	c->count = 1;
	c->level = level;
	c->table = table;
}

static void mb_maprun_table(mb_desc_reader rd, const void *rctx,
			    struct mb_maprun_state *s, uint64_t pa,
			    int level, uint64_t va, int last)
{
	for (int i = 0; i <= last; i++) {
		uint64_t d = rd(rctx, pa, i);
		uint64_t a = va | ((uint64_t)i << LEVEL_SHIFT(level));

		if (!(d & PTE_VALID))
			continue;
		if (level < 3 && (d & PTE_TABLE_BIT)) {
			mb_maprun_add(s, a, level, 1, d & ~PTE_ADDR_MASK);
			mb_maprun_table(rd, rctx, s, d & PTE_ADDR_MASK,
					level + 1, a, PTRS_PER_PTE - 1);
		} else {
			mb_maprun_add(s, a, level, 0, d);
		}
	}
}

/* Every run of the root's linear half to emit(), in VA order. */
static inline void mb_maprun_root(mb_desc_reader rd, const void *rctx,
				  uint64_t root_pa, mb_maprun_emit emit,
				  void *ectx)
{
	struct mb_maprun_state s = { .emit = emit, .ctx = ectx };

	mb_maprun_table(rd, rctx, &s, root_pa, ROOT_LEVEL, PAGE_OFFSET,
			LINEAR_PGD_LAST);
	if (s.cur.count)
		emit(ectx, &s.cur);
}

#endif
