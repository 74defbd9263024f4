/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Digest of a linear map: FNV-1a over every valid descriptor of the
 * linear part of a TTBR1 root (its entries up to LINEAR_PGD_LAST), in
 * VA order, with the addresses of next-level tables masked out -- so two
 * builds of the same map digest equal wherever their table pages came
 * from: every other bit of every descriptor counts, the attributes of
 * table entries too (TABLE_AF of v6.13+, the hierarchical PXN/UXN), so
 * the digest names the map wherever a comparison of the map would tell
 * two apart.  Shared by the
 * guest (tables read through the linear map) and the unit tier (tables
 * read from simulated memory) so the tiers can be compared.
 */
#ifndef MB_DIGEST_H
#define MB_DIGEST_H

#include <mapbench/abi.h>
#include "pgtable.h"

/* Reads descriptor idx of the table at physical address pa. */
typedef uint64_t (*mb_desc_reader)(const void *ctx, uint64_t pa, int idx);

static uint64_t mb_digest_table(mb_desc_reader rd, const void *ctx,
				uint64_t h, uint64_t pa, int level,
				uint64_t va, int last)
{
	for (int i = 0; i <= last; i++) {
		uint64_t d = rd(ctx, pa, i);
		uint64_t a = va | ((uint64_t)i << LEVEL_SHIFT(level));

		if (!(d & PTE_VALID))
			continue;
		h = mb_fnv1a_u64(h, ((uint64_t)level << 56) |
				 (a & ((1ULL << VA_BITS) - 1)));
		if (level < 3 && (d & PTE_TABLE_BIT)) {
			h = mb_fnv1a_u64(h, d & ~PTE_ADDR_MASK);
			h = mb_digest_table(rd, ctx, h, d & PTE_ADDR_MASK,
					    level + 1, a, PTRS_PER_PTE - 1);
		} else {
			h = mb_fnv1a_u64(h, d);
		}
	}
	return h;
}

static inline uint64_t mb_digest_root(mb_desc_reader rd, const void *ctx,
				      uint64_t root_pa)
{
	return mb_digest_table(rd, ctx, MB_FNV_OFFSET, root_pa, ROOT_LEVEL,
			       PAGE_OFFSET, LINEAR_PGD_LAST);
}

#endif
