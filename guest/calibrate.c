// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit costs and the floor, measured after verification (never in the
 * timed window): each operation repeated until one round lasts at least
 * MB_CAL_MIN_TICKS counter ticks (reps doubled from 1), then
 * MB_CAL_ROUNDS rounds of that many; the median, min and max round, per
 * op, in picoticks.  Scratch memory comes from memblock after the map
 * was digested and verified; the linear map itself is never written.
 */
#include "compiler.h"
#include "arch.h"
#include "boot.h"
#include "engine.h"
#include "memblock.h"
#include "pgtable.h"
#include "result.h"

#define SCRATCH_PAGES	16
#define SCRATCH_DESCS	(SCRATCH_PAGES * PTRS_PER_TABLE)
#define ALLOC_MAX_REPS	1024u	/* pages one round may take */
/* a valid, normal-memory page descriptor's low bits (the value only) */
#define DESC_BITS	0x0060000000000703UL

struct cal {
	struct mb_mm *mm;
	const struct mb_memblock *mblk;	/* state each alloc round starts in */
	struct mb_mm alloc_mm;		/* mm over alloc_mblk */
	u64 scratch;			/* VA of SCRATCH_PAGES pages */
	u64 scratch_pa;
	int pmu;
};

static struct mb_memblock alloc_mblk;

typedef void (*cal_fn)(struct cal *c, u32 n);

static void op_fixmap_pair(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++)
		unit_fixmap_pair_timed(c->mm, c->scratch_pa);
}

static void op_dsb_ishst_isb(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++) {
		str64(c->scratch, i);
		dsb(ishst);
		isb();
	}
}

static void op_dsb_ishst(struct cal *c, u32 n)
{
	(void)c;
	for (u32 i = 0; i < n; i++)
		dsb(ishst);
}

static void op_isb(struct cal *c, u32 n)
{
	(void)c;
	for (u32 i = 0; i < n; i++)
		isb();
}

/* One PTE store each, in order through zeroed table pages. */
static void op_pte_store(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++)
		str64(c->scratch + (i % SCRATCH_DESCS) * 8,
		      DESC_BITS | (u64)i << PAGE_SHIFT);
}

static void op_zero_page(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++)
		mb_zero_page(c->scratch + (i % SCRATCH_PAGES) * PAGE_SIZE);
}

static void op_pgtable_alloc(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++)
		(void)unit_pgtable_alloc_timed(&c->alloc_mm);
}

/* A whole table page of descriptors with paired stores: 256 stp. */
static void write_table(u64 va, u64 desc)
{
	for (u64 a = va; a < va + PAGE_SIZE; a += 64) {
		asm volatile("stp %1, %2, [%0]\n\t"
			     "stp %3, %4, [%0, #16]\n\t"
			     "stp %5, %6, [%0, #32]\n\t"
			     "stp %7, %8, [%0, #48]"
			     :: "r" (a), "r" (desc), "r" (desc + 0x1000),
				"r" (desc + 0x2000), "r" (desc + 0x3000),
				"r" (desc + 0x4000), "r" (desc + 0x5000),
				"r" (desc + 0x6000), "r" (desc + 0x7000)
			     : "memory");
		desc += 0x8000;
	}
}

static void op_table_write(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++)
		write_table(c->scratch + (i % SCRATCH_PAGES) * PAGE_SIZE,
			    DESC_BITS | (u64)i << 21);
}

/* Before every round: fresh (zeroed) tables, memblock as it was. */
static void prep(struct cal *c)
{
	for (u32 i = 0; i < SCRATCH_PAGES; i++)
		mb_zero_page(c->scratch + i * PAGE_SIZE);
	alloc_mblk = *c->mblk;
	dsb(ish);
}

static u64 round_ticks(struct cal *c, cal_fn fn, u32 n, u64 *cycles)
{
	u64 t0, t1, c0 = 0, c1 = 0;

	prep(c);
	if (c->pmu) {
		isb();
		c0 = read_sysreg(pmccntr_el0);
	}
	t0 = read_cntvct();
	fn(c, n);
	t1 = read_cntvct();
	if (c->pmu) {
		isb();
		c1 = read_sysreg(pmccntr_el0);
	}
	*cycles = c1 - c0;
	return t1 - t0;
}

static void sort_u64(u64 *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j && v[j - 1] > v[j]; j--) {
			u64 t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static void measure(struct cal *c, cal_fn fn, u32 max_reps,
		    struct mb_unit *u)
{
	u64 t[MB_CAL_ROUNDS], cy[MB_CAL_ROUNDS], dummy;
	u32 n = 1;

	/* one round discarded: first touches (and under TCG, translation) */
	(void)round_ticks(c, fn, 1, &dummy);
	while (n < max_reps && round_ticks(c, fn, n, &dummy) < MB_CAL_MIN_TICKS)
		n *= 2;
	for (int i = 0; i < MB_CAL_ROUNDS; i++)
		t[i] = round_ticks(c, fn, n, &cy[i]);
	sort_u64(t, MB_CAL_ROUNDS);
	sort_u64(cy, MB_CAL_ROUNDS);
	u->median_pt = t[MB_CAL_ROUNDS / 2] * MB_CAL_PICO / n;
	u->min_pt = t[0] * MB_CAL_PICO / n;
	u->max_pt = t[MB_CAL_ROUNDS - 1] * MB_CAL_PICO / n;
	u->median_pc = c->pmu ? cy[MB_CAL_ROUNDS / 2] * MB_CAL_PICO / n : 0;
	u->reps = n;
	u->rounds = MB_CAL_ROUNDS;
}

/* The least nonzero step between two CNTVCT reads. */
static u64 counter_resolution(void)
{
	u64 best = ~0UL;

	for (int i = 0; i < 16; i++) {
		u64 a = read_cntvct(), b;

		do
			b = read_cntvct();
		while (b == a);
		if (b - a < best)
			best = b - a;
	}
	return best;
}

void mb_calibrate(struct mb_mm *mm, struct mb_memblock *mblk,
		  struct mb_result *r, int pmu)
{
	static const cal_fn fns[MB_NR_UNITS] = {
#define MB_UNIT_FN(name) [MB_UNIT_##name] = op_##name,
		MB_UNIT_LIST(MB_UNIT_FN)
#undef MB_UNIT_FN
	};
	struct cal c = { .mm = mm, .mblk = mblk, .pmu = pmu };
	const struct mb_counts *n = &r->counts;
	struct mb_floor f;

	c.scratch_pa = memblock_alloc_range(mblk, SCRATCH_PAGES * PAGE_SIZE);
	if (!c.scratch_pa)
		mb_panic(MB_ST_NOMEM, __LINE__);
	c.scratch = mb_phys_to_virt(mm, c.scratch_pa);
	c.alloc_mm = *mm;
	c.alloc_mm.mblk = &alloc_mblk;

	r->cnt_res = counter_resolution();
	for (int i = 0; i < MB_NR_UNITS; i++)
		measure(&c, fns[i], i == MB_UNIT_pgtable_alloc ?
			ALLOC_MAX_REPS : MB_CAL_MAX_REPS, &r->units[i]);

	/* the floor: this run's descriptors stored, the rest zeroed */
	r->floor_tables = mb_floor_tables(n);
	f = mb_floor_of(r);
	r->floor_ticks = (f.descs * f.desc_pt + f.empty * f.empty_pt) /
			 MB_CAL_PICO;
	r->calibrated = 1;
}
