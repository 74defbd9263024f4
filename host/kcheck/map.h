/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The linear map as runs (kcheck/map.c): read back from a kernel's page
 * tables or parsed from the guest's MBMAP lines, and compared.
 */
#ifndef MAPBENCH_KCHECK_MAP_H
#define MAPBENCH_KCHECK_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kc_run {
	uint64_t va, desc, count;
	int level, table;
};

struct kc_map {
	struct kc_run *runs;
	size_t nr, cap;
	uint64_t digest;
	uint64_t tables;	/* table pages walked (kernel side) */
};

int kc_map_add(struct kc_map *m, const struct kc_run *r);
void kc_map_free(struct kc_map *m);
/* One "MBMAP ..." / "MBTBL ..." line; 1 added, 0 not such a line,
 * -1 malformed. */
int kc_map_parse_line(struct kc_map *m, const char *line);
/* Runs equal?  Else the first differences into buf (a few lines). */
int kc_map_compare(const struct kc_map *a, const struct kc_map *b,
		   char *buf, size_t len, uint64_t *ndiff);
void kc_run_format(const struct kc_run *r, char *buf, size_t len);

/*
 * The tree TTBR1 points at: granule, VA size (64 - T1SZ), the level of
 * its root (as the architecture numbers levels: 16K pages at 47-bit VA
 * start at level 1), and where descriptors keep an output address.
 */
struct kc_geom {
	unsigned int page_shift;	/* 12, 14 or 16 */
	unsigned int va_bits;
	int start_level;		/* 0..3 */
	unsigned int entries;		/* descriptors a table page */
	unsigned int root_entries;	/* descriptors of the root */
	bool lpa2;			/* TCR_EL1.DS: OA[51:50] in bits 9:8 */
	uint64_t addr_mask;		/* descriptor bits of the address */
	uint64_t linear_start, linear_end;	/* PAGE_OFFSET, PAGE_END */
};

int kc_geom_init(struct kc_geom *g, unsigned int page_shift,
		 unsigned int va_bits, bool ds, char *err, size_t errlen);
/* From TCR_EL1: TG1, T1SZ, DS. */
int kc_geom_from_tcr(uint64_t tcr, struct kc_geom *g, char *err,
		     size_t errlen);
/* log2 of the span of one descriptor at a level. */
unsigned int kc_level_shift(const struct kc_geom *g, int level);

/* Tables read at physical addresses (through a reader, len bytes a
 * page), digested and cut into runs exactly like the guest does it:
 * the descriptors of VAs in [linear_start, linear_end). */
typedef int (*kc_page_reader)(void *ctx, uint64_t pa, void *page,
			      size_t len);
int kc_map_read(kc_page_reader rd, void *ctx, const struct kc_geom *g,
		uint64_t root_pa, struct kc_map *m, char *err, size_t errlen);

#endif /* MAPBENCH_KCHECK_MAP_H */
