// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit costs, the probes and the floor, measured after verification and
 * the digest (never in the timed window).  docs/ARCHITECTURE.md, "Unit
 * costs, probes and the floor".
 *
 * Every measurement is a round of n repetitions timed with CNTVCT, n
 * doubled from 1 until a round lasts MB_CAL_MIN_TICKS (a probe's:
 * PROBE_MIN_TICKS), then MB_CAL_ROUNDS rounds (MB_PROBE_ROUNDS) of that
 * n: median, min and max per repetition, in picoticks.
 *
 *   direct units  the engine's own operation in a loop (its __set_fixmap()
 *                 pair, clear_page(), memblock path, free_tables() scan;
 *                 a barrier, a TLBI, a TTBR write), less the same loop
 *                 without it;
 *   probes        the run's own map_mem_timed() -- the function of the
 *                 timed window -- on small memory maps of known shape
 *                 into a scratch root, and its temporary map's build
 *                 alone, with the counting build's counts of the same:
 *                 the host prices the code units from them;
 *   stores        each store form over a buffer of the final tables'
 *                 size: the floor's rates.
 *
 * Scratch memory comes from memblock; the live linear map is only read.
 */
#include "compiler.h"
#include "arch.h"
#include "arch_ops.h"
#include "boot.h"
#include "engine.h"
#include "memblock.h"
#include "pgtable.h"
#include "result.h"

#define SCRATCH_PAGES	16
#define ALLOC_MAX_REPS	1024u	/* pages (or probe builds) a round may take */
/* probe pool: the scratch root, the alias and every table of a probe
 * (the largest: a CONT_PMD range's PTE tables under rodata=full) */
#define POOL_PAGES	160
/* a probe's round: a CNTVCT step is at most 1/8000 of it (a build is
 * small, and under --deterministic a tick is 16 instructions) */
#define PROBE_MIN_TICKS	(8 * MB_CAL_MIN_TICKS)
#define PROBE_STORES	65536	/* a probe's descriptor stores, at most */
#define FLOOR_BUF_MAX	(MB_UL(64) << 20)

struct probe_env;

struct cal {
	struct mb_mm *mm;
	const struct mb_memblock *mblk;	/* state each alloc round starts in */
	struct mb_mm alloc_mm;		/* mm over alloc_mblk */
	u64 scratch;			/* VA of SCRATCH_PAGES pages */
	u64 scratch_pa;
	u64 buf, buf_len;		/* the floor's buffer */
	struct probe_env *probe;	/* the probe being measured */
	int pmu;
};

static struct mb_memblock alloc_mblk;

typedef void (*cal_fn)(struct cal *c, u32 n);

/* ---- the loops ------------------------------------------------------- */

/* The loop alone: what every direct unit's measurement is net of. */
static void cal_loop(struct cal *c, u32 n)
{
	(void)c;
	for (u32 i = 0; i < n; i++)
		asm volatile("" ::: "memory");
}

static void cal_fixmap_pair(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++)
		unit_fixmap_pair_timed(c->mm, c->scratch_pa);
}

static void cal_dsb_ishst_isb(struct cal *c, u32 n)
{
	(void)c;
	for (u32 i = 0; i < n; i++) {
		dsb(ishst);
		isb();
	}
}

static void cal_dsb_ishst(struct cal *c, u32 n)
{
	(void)c;
	for (u32 i = 0; i < n; i++)
		dsb(ishst);
}

static void cal_isb(struct cal *c, u32 n)
{
	(void)c;
	for (u32 i = 0; i < n; i++)
		isb();
}

/* A TLBI by VA of a scratch page, as the fixmap clear and the lazy
 * flush issue them (the dsb ish that waits for it is its own unit). */
static void cal_tlbi(struct cal *c, u32 n)
{
	u64 arg = (c->scratch >> 12) & ((MB_UL(1) << 44) - 1);

	for (u32 i = 0; i < n; i++)
		asm volatile("tlbi vaale1is, %0" :: "r" (arg) : "memory");
	dsb(ish);
}

static void cal_dsb_ish(struct cal *c, u32 n)
{
	(void)c;
	for (u32 i = 0; i < n; i++)
		dsb(ish);
}

/* local_flush_tlb_all() */
static void cal_flush_local(struct cal *c, u32 n)
{
	(void)c;
	for (u32 i = 0; i < n; i++) {
		dsb(nshst);
		asm volatile("tlbi vmalle1" ::: "memory");
		dsb(nsh);
		isb();
	}
}

/* flush_tlb_all() */
static void cal_flush_all(struct cal *c, u32 n)
{
	(void)c;
	for (u32 i = 0; i < n; i++) {
		dsb(ishst);
		asm volatile("tlbi vmalle1is" ::: "memory");
		dsb(ish);
		isb();
	}
}

/* TTBR0 rewritten with the reserved table it holds here */
static void cal_ttbr(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++)
		write_sysreg(c->mm->reserved_pa, ttbr0_el1);
	isb();
}

static void cal_zero_page(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++)
		mb_zero_page(c->scratch + (i % SCRATCH_PAGES) * PAGE_SIZE);
}

static void cal_pgtable_alloc(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++)
		(void)unit_pgtable_alloc_timed(&c->alloc_mm);
}

/* free_tables() over a zeroed page: PTRS_PER_PTE slots a call */
static void cal_free_scan(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++)
		unit_free_scan_timed(c->mm, c->scratch);
}

/* The store forms, one pass over the floor's buffer each. */
static void cal_dc_zva(struct cal *c, u32 n)
{
	u64 bs = 4UL << (read_sysreg(dczid_el0) & 15);

	for (u32 i = 0; i < n; i++)
		for (u64 a = c->buf; a < c->buf + c->buf_len; a += 4 * bs)
			asm volatile("dc zva, %0\n\t"
				     "dc zva, %1\n\t"
				     "dc zva, %2\n\t"
				     "dc zva, %3"
				     :: "r" (a), "r" (a + bs), "r" (a + 2 * bs),
					"r" (a + 3 * bs) : "memory");
}

#define STORE_LOOP(name, insn)						\
static void cal_##name(struct cal *c, u32 n)				\
{									\
	u64 d0 = 0x0060000040000703UL, d1 = d0 + PAGE_SIZE;		\
									\
	for (u32 i = 0; i < n; i++)					\
		for (u64 a = c->buf; a < c->buf + c->buf_len; a += 128)	\
			asm volatile(insn " %1, %2, [%0]\n\t"		\
				     insn " %1, %2, [%0, #16]\n\t"	\
				     insn " %1, %2, [%0, #32]\n\t"	\
				     insn " %1, %2, [%0, #48]\n\t"	\
				     insn " %1, %2, [%0, #64]\n\t"	\
				     insn " %1, %2, [%0, #80]\n\t"	\
				     insn " %1, %2, [%0, #96]\n\t"	\
				     insn " %1, %2, [%0, #112]"		\
				     :: "r" (a), "r" (d0), "r" (d1)	\
				     : "memory");			\
}
STORE_LOOP(stp, "stp")
STORE_LOOP(stnp, "stnp")

/* Two q registers a store, 256 bytes an iteration.  The engine is built
 * without FP/SIMD; the registers are only ever written here. */
static void cal_stp_q(struct cal *c, u32 n)
{
	asm volatile("dup v0.2d, %0\n\tdup v1.2d, %0"
		     :: "r" (0x0060000040000703UL));
	for (u32 i = 0; i < n; i++)
		for (u64 a = c->buf; a < c->buf + c->buf_len; a += 256)
			asm volatile("stp q0, q1, [%0]\n\t"
				     "stp q0, q1, [%0, #32]\n\t"
				     "stp q0, q1, [%0, #64]\n\t"
				     "stp q0, q1, [%0, #96]\n\t"
				     "stp q0, q1, [%0, #128]\n\t"
				     "stp q0, q1, [%0, #160]\n\t"
				     "stp q0, q1, [%0, #192]\n\t"
				     "stp q0, q1, [%0, #224]"
				     :: "r" (a) : "memory");
}

/* ---- timing ---------------------------------------------------------- */

/* Before every round: fresh (zeroed) pages, memblock as it was. */
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

/* Rounds of n repetitions of fn (n chosen as the file header says),
 * per repetition; raw, the loop included. */
static void measure_for(struct cal *c, cal_fn fn, u32 max_reps,
			u64 min_ticks, unsigned int rounds, struct mb_unit *u)
{
	u64 t[MB_CAL_ROUNDS], cy[MB_CAL_ROUNDS], dummy;
	u32 n = 1;

	/* one round discarded: first touches (and under TCG, translation) */
	(void)round_ticks(c, fn, 1, &dummy);
	while (n < max_reps && round_ticks(c, fn, n, &dummy) < min_ticks)
		n *= 2;
	for (unsigned int i = 0; i < rounds; i++)
		t[i] = round_ticks(c, fn, n, &cy[i]);
	sort_u64(t, rounds);
	sort_u64(cy, rounds);
	u->median_pt = t[rounds / 2] * MB_CAL_PICO / n;
	u->min_pt = t[0] * MB_CAL_PICO / n;
	u->max_pt = t[rounds - 1] * MB_CAL_PICO / n;
	u->median_pc = c->pmu ? cy[rounds / 2] * MB_CAL_PICO / n : 0;
	u->reps = n;
	u->rounds = rounds;
}

static void measure(struct cal *c, cal_fn fn, u32 max_reps,
		    struct mb_unit *u)
{
	measure_for(c, fn, max_reps, MB_CAL_MIN_TICKS, MB_CAL_ROUNDS, u);
}

static u64 sub0(u64 a, u64 b)
{
	return a > b ? a - b : 0;
}

/* A direct unit: fn's repetition less the bare loop's. */
static void measure_net(struct cal *c, cal_fn fn, u32 max_reps,
			const struct mb_unit *loop, struct mb_unit *u)
{
	measure(c, fn, max_reps, u);
	u->median_pt = sub0(u->median_pt, loop->median_pt);
	u->min_pt = sub0(u->min_pt, loop->median_pt);
	u->max_pt = sub0(u->max_pt, loop->median_pt);
	u->median_pc = sub0(u->median_pc, loop->median_pc);
}

/* A unit timed a table at a time, per slot. */
static void per_slot(struct mb_unit *u)
{
	u->median_pt /= PTRS_PER_PTE;
	u->min_pt /= PTRS_PER_PTE;
	u->max_pt /= PTRS_PER_PTE;
	u->median_pc /= PTRS_PER_PTE;
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

/* ---- the probes ------------------------------------------------------ */

/*
 * Every probe is RAM made small: a main bank [E - size, E) ending where
 * the pool does (E: a PMD boundary near the top of RAM; M below is a
 * PMD, or less where RAM holds fewer than 8), its last pages the pool
 * the probe's tables come from, and
 * for some a second bank below.  Everything but the pool is only mapped,
 * never written.  Beside the pool's PMD each adds one kind of event: a
 * PTE and its table, a window, a PMD's worth of PTEs short of a block, a
 * second walk with a table of its own, one more PMD (a block or a PTE
 * table as the flags say), two more as a kernel alias (blocks in the
 * temporary maps whatever the flags), a CONT_PMD range and one across
 * its boundary, an alias of 64 pages in a PMD of its own (PTEs in the
 * main build, a block in the temporary maps; 7.x maps it twice).  Two
 * are the run itself at S and 2S: the run's alias and data at their
 * offsets from RAM's start.  The rest end at RAM's top: a PUD, and a PUD
 * and M; where RAM holds fewer than 8 PMDs (M less than a PMD, so none
 * of the shapes above has a block), a PMD, a PMD and M, and two PMDs for
 * the temporary map alone (at 64K with 1G that is all of RAM: no main
 * build of it).  A probe that does not fit (probe_sizes()) is left out.
 */
struct probe_shape {
	u64 size;		/* main bank: [E - size, E) */
	u64 low, low_size;	/* second bank at E - low, or none */
	u64 alias;		/* an alias of this size at the bank's start */
	unsigned int scale;	/* 1, 2: S, 2S with the run's alias */
	u64 top;		/* ends at RAM's top aligned to this, not E */
	unsigned int tmp_only;	/* a temporary map's probe only */
};

static struct probe_shape probe_shape(unsigned int k, u64 M, u64 S)
{
	const u64 P = PAGE_SIZE, C = CONT_PTE_SIZE;
	static const struct probe_shape none;
	struct probe_shape s = { .size = M };

	switch (k) {
	case 0:
		break;
	case 1:
		s.size = M + P;
		break;
	case 2:
		s.size = M + C + P;
		break;
	case 3:
		s.size = 2 * M - P;
		break;
	case 4:
		s.low = 4 * M;
		s.low_size = P;
		break;
	case 5:
		s.size = 2 * M;
		break;
	case 6:
		s.size = 3 * M;		/* the first two an alias */
		s.alias = 2 * M;
		break;
	case 7:
		s.size = CONT_PMD_SIZE;
		break;
	case 8:
		s.size = CONT_PMD_SIZE + M;
		break;
	case 9:
		s.size = 2 * M;		/* an alias of 64 pages */
		s.alias = 64 * P;
		break;
	case 10:
	case 11:
		if (!S)
			return none;
		s.size = (k - 9) * S;
		s.scale = k - 9;
		break;
	case 12:
		s.size = PUD_SIZE;
		s.top = PUD_SIZE;
		break;
	case 13:
		s.size = PUD_SIZE + M;
		s.top = PUD_SIZE;
		break;
	case 14:
	case 15:
	case 16:
		if (M == PMD_SIZE)
			return none;
		s.size = k == 15 ? PMD_SIZE + M : (k - 13) * PMD_SIZE;
		s.top = PMD_SIZE;
		s.tmp_only = k == 16;
		break;
	default:
		return none;
	}
	return s;
}

#define NR_SHAPES	17

struct probe_env {
	struct cal *c;
	u64 pool_pa;			/* POOL_PAGES pages of real RAM */
	u64 end;			/* E */
	u64 ram_end;			/* the top of the run's RAM */
	u64 unit;			/* M of the shapes: a PMD, or less
					 * where RAM holds few PMDs (64K) */
	u64 max;			/* the largest probe's size */
	u64 ram_start;			/* the run's first bank */
	struct mb_memblock pmb, pmb_before;
	struct mb_mm mm;
};

static void probe_reset(struct probe_env *e)
{
	mb_zero_page(e->mm.pgd);
	e->pmb = e->pmb_before;
	mb_clear_tmp_root();
}

/* The probe's memblock and mm (the run's, into the scratch root at the
 * pool's top, no KFENCE pool); 0 when it does not fit (a temporary map's
 * probe is not held to the cost cap: blocks). */
static int probe_setup(struct probe_env *e, const struct probe_shape *s,
		       int tmp, struct mb_probe *out)
{
	const struct mb_mm *run = e->c->mm;
	u64 end = s->top ? e->ram_end & ~(s->top - 1) : e->end;
	u64 root_pa = e->end - PAGE_SIZE, base = end - s->size;
	struct mb_bank b[MB_PROBE_MAX_BANKS];
	unsigned int n = 0;

	if (!s->size || (!tmp && (s->size > e->max || s->tmp_only)) ||
	    end < e->end ||
	    base < e->ram_start || base > e->pool_pa ||
	    (s->low && e->end - s->low < e->ram_start) ||
	    (s->low && e->end - s->low + s->low_size > base))
		return 0;
	if (s->low)
		b[n++] = (struct mb_bank){ e->end - s->low, s->low_size };
	b[n++] = (struct mb_bank){ base, s->size };
	if (memblock_init(&e->pmb_before, b, n))
		return 0;
	/*
	 * The pool is all a probe may take.  Its top page, the root, is
	 * taken as an allocation (the run's tables at the top of its RAM
	 * are): the region the probe's own allocations merge into, as the
	 * run's do, so the top-down search walks the same gaps.
	 */
	memblock_reserve(&e->pmb_before, b[0].base, e->pool_pa - b[0].base);
	/* above E (top): taken as allocations too, the same region */
	if (end > e->end &&
	    memblock_phys_alloc_range(&e->pmb_before, end - e->end,
				      PAGE_SIZE, e->end, end) != e->end)
		return 0;
	if (memblock_alloc_page(&e->pmb_before) != root_pa)
		return 0;
	out->nr_banks = n;

	e->mm = *run;
	e->mm.pgd = mb_phys_to_virt(&e->mm, root_pa);
	e->mm.mblk = &e->pmb;
	e->mm.kfence_size = 0;
	e->mm.kfence_start = 0;
	e->mm.kernel_start = base;
	e->mm.kernel_end = base + s->alias;
	e->mm.data_start = e->mm.data_end = 0;
	if (s->scale) {
		e->mm.kernel_start = base + (run->kernel_start - e->ram_start);
		e->mm.kernel_end = base + (run->kernel_end - e->ram_start);
		if (run->data_end > run->data_start) {
			e->mm.data_start = base + (run->data_start -
						   e->ram_start);
			e->mm.data_end = base + (run->data_end - e->ram_start);
		}
	}
	return 1;
}

/* reps builds of the current probe (map_mem() or the temporary map
 * alone), each after its reset; the resets alone: what the builds'
 * measurement is net of */
static void cal_probe_builds(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++) {
		probe_reset(c->probe);
		map_mem_timed(&c->probe->mm);
	}
}

static void cal_tmp_builds(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++) {
		probe_reset(c->probe);
		(void)unit_tmp_map_timed(&c->probe->mm);
	}
}

static void cal_probe_resets(struct cal *c, u32 n)
{
	for (u32 i = 0; i < n; i++)
		probe_reset(c->probe);
}

/* One probe of the set-up map; 0 if the strategy has no such build. */
static int probe_run(struct probe_env *e, enum mb_probe_kind kind,
		     struct mb_probe *out)
{
	struct mb_unit builds, resets;

	/* counted first: it also touches every page the timed rounds use */
	probe_reset(e);
	memset(&mb_counters, 0, sizeof(mb_counters));
	if (kind == MB_PROBE_TMP_MAP) {
		if (!unit_tmp_map_counted(&e->mm))
			return 0;
	} else {
		map_mem_counted(&e->mm);
	}
	for (int i = 0; i < MB_NR_CTRS; i++)
		out->counts[i] = (u32)((const u64 *)&mb_counters)[i];
	e->c->probe = e;
	measure_for(e->c, kind == MB_PROBE_TMP_MAP ? cal_tmp_builds :
		    cal_probe_builds, ALLOC_MAX_REPS, PROBE_MIN_TICKS,
		    MB_PROBE_ROUNDS, &builds);
	measure_for(e->c, cal_probe_resets, MB_CAL_MAX_REPS, PROBE_MIN_TICKS,
		    MB_PROBE_ROUNDS, &resets);
	out->median_pt = sub0(builds.median_pt, resets.median_pt);
	out->reps = builds.reps;
	out->rounds = builds.rounds;
	out->kind = kind;
	return 1;
}

/*
 * The sizes: a probe is at most PROBE_STORES descriptor stores at the
 * run's own stores per byte of RAM, and inside RAM; the scaled ones at
 * most half the run's RAM each (the account then predicts a run at
 * least twice as large as the largest of them).  S: a power of two
 * from M (a PMD, or less where RAM holds fewer than 8), holding the
 * run's alias and data; 0 if none fits.
 */
static u64 probe_sizes(struct probe_env *e, const struct mb_mm *mm,
		       const struct mb_result *r)
{
	u64 ram = memblock_end(mm->mblk) - e->ram_start;
	u64 stores = r->counts.leaf_stores + 1, need, cap, s;

	e->max = ram;
	if (stores > PROBE_STORES && ram / stores * PROBE_STORES < e->max)
		e->max = ram / stores * PROBE_STORES;
	cap = e->max < ram / 2 ? e->max : ram / 2;
	need = (mm->kernel_end > mm->data_end ? mm->kernel_end :
		mm->data_end) - e->ram_start;
	for (s = e->unit; 4 * s <= cap; s *= 2)
		;
	return 2 * s <= cap && s > need ? s : 0;
}

/*
 * Every shape as a map_mem() probe; for a strategy with a temporary map
 * (idmap, idmap-fill, temp-pgtable) also that map alone over all but
 * the scaled ones (over a PUD: a map of blocks, cheap at any size, and
 * the run's own temporary map is such a one).
 */
static void run_probes(struct cal *c, struct mb_memblock *mblk,
		       struct mb_result *r)
{
	static struct probe_env e;
	unsigned int k, n = 0;
	u64 S, top;

	e.c = c;
	e.ram_start = memblock_start(mblk);
	e.ram_end = memblock_end(mblk);
	e.unit = PMD_SIZE;
	while (e.unit > CONT_PTE_SIZE &&
	       8 * e.unit > memblock_end(mblk) - e.ram_start)
		e.unit /= 2;
	/*
	 * E: under free memory's top (one page taken to find it), as
	 * aligned as the top of RAM is (a PUD, a CONT_PMD range, the unit)
	 * with half of RAM below it, and the pool free just under it.
	 */
	top = memblock_alloc_range(mblk, PAGE_SIZE);
	e.pool_pa = 0;
	for (int i = 0; top && i < 3 && !e.pool_pa; i++) {
		u64 a = i == 0 ? PUD_SIZE : i == 1 ? CONT_PMD_SIZE : e.unit;
		u64 half = (memblock_end(mblk) - e.ram_start) / 2;

		for (e.end = top & ~(a - 1);
		     e.end >= e.ram_start + (i < 2 ? half : POOL_PAGES *
						     PAGE_SIZE) + a;
		     e.end -= a) {
			e.pool_pa = memblock_phys_alloc_range(mblk,
					POOL_PAGES * PAGE_SIZE, PAGE_SIZE,
					e.end - POOL_PAGES * PAGE_SIZE, e.end);
			if (e.pool_pa)
				break;
		}
	}
	if (!e.pool_pa)
		return;
	S = probe_sizes(&e, c->mm, r);
	for (k = 0; k < NR_SHAPES && n < MB_MAX_PROBES; k++) {
		struct probe_shape s = probe_shape(k, e.unit, S);

		if (probe_setup(&e, &s, 0, &r->probes[n]) &&
		    probe_run(&e, MB_PROBE_MAP_MEM, &r->probes[n]))
			n++;
	}
	for (k = 0; k < NR_SHAPES && n < MB_MAX_PROBES; k++) {
		struct probe_shape s = probe_shape(k, e.unit, S);

		if (k == 10 || k == 11)
			continue;
		if (probe_setup(&e, &s, 1, &r->probes[n]) &&
		    probe_run(&e, MB_PROBE_TMP_MAP, &r->probes[n]))
			n++;
	}
	probe_reset(&e);
	memset(&r->probes[n], 0, sizeof(r->probes[n]) *
	       (MB_MAX_PROBES - n));
	r->nr_probes = n;
}

/* ---- the floor ------------------------------------------------------- */

/* Table pages and valid descriptors under a table of the final map. */
static void count_map(const struct mb_mm *mm, u64 table, int lvl, int last,
		      u64 *tables, u64 *descs)
{
	for (int i = 0; i <= last; i++) {
		u64 d = ldr64(table + i * 8);

		if (!(d & PTE_VALID))
			continue;
		(*descs)++;
		if (lvl < 3 && (d & PTE_TABLE_BIT)) {
			(*tables)++;
			count_map(mm, mb_phys_to_virt(mm, d & PTE_ADDR_MASK),
				  lvl + 1, PTRS_PER_PTE - 1, tables, descs);
		}
	}
}

static void measure_floor(struct cal *c, struct mb_memblock *mblk,
			  struct mb_result *r)
{
	static const cal_fn fns[MB_NR_STORES] = {
#define MB_STORE_FN(name) [MB_STORE_##name] = cal_##name,
		MB_STORE_LIST(MB_STORE_FN)
#undef MB_STORE_FN
	};
	u64 tables = 0, descs = 0, root_descs = 0, len, pa = 0;

	count_map(c->mm, c->mm->pgd, ROOT_LEVEL, LINEAR_PGD_LAST, &tables,
		  &descs);
	for (int i = 0; i <= LINEAR_PGD_LAST; i++)
		root_descs += ldr64(c->mm->pgd + i * 8) & PTE_VALID;
	r->floor_tables = tables;
	r->floor_descs = descs;
	r->floor_root_descs = root_descs;

	/* a buffer of the tables' size, as large as memory allows */
	len = tables * PAGE_SIZE;
	if (len > FLOOR_BUF_MAX)
		len = FLOOR_BUF_MAX;
	if (len < 4 * PAGE_SIZE)
		len = 4 * PAGE_SIZE;
	for (; len >= 4 * PAGE_SIZE; len /= 2) {
		pa = memblock_alloc_range(mblk, len);
		if (pa)
			break;
	}
	if (!pa)
		return;
	c->buf = mb_phys_to_virt(c->mm, pa);
	c->buf_len = len & ~(MB_UL(255));
	r->floor_buffer = c->buf_len;

	/* FP/SIMD on (CPACR_EL1.FPEN) for the q-register stores */
	write_sysreg(read_sysreg(cpacr_el1) | (3UL << 20), cpacr_el1);
	isb();
	for (int i = 0; i < MB_NR_STORES; i++) {
		struct mb_unit *u = &r->stores[i];

		if (i == MB_STORE_dc_zva && (read_sysreg(dczid_el0) & 16))
			continue;	/* DC ZVA prohibited: not a form here */
		measure(c, fns[i], MB_CAL_MAX_REPS, u);
		u->median_pt /= c->buf_len;
		u->min_pt /= c->buf_len;
		u->max_pt /= c->buf_len;
		u->median_pc /= c->buf_len;
	}
}

void mb_calibrate(struct mb_mm *mm, struct mb_memblock *mblk,
		  struct mb_result *r, int pmu)
{
	static const cal_fn fns[MB_NR_UNITS] = {
#define MB_UNIT_FN(name) [MB_UNIT_##name] = cal_##name,
		MB_UNIT_LIST(MB_UNIT_FN)
#undef MB_UNIT_FN
	};
	struct cal c = { .mm = mm, .mblk = mblk, .pmu = pmu };
	struct mb_unit loop;
	struct mb_floor f;

	c.scratch_pa = memblock_alloc_range(mblk, SCRATCH_PAGES * PAGE_SIZE);
	if (!c.scratch_pa)
		mb_panic(MB_ST_NOMEM, __LINE__);
	c.scratch = mb_phys_to_virt(mm, c.scratch_pa);
	c.alloc_mm = *mm;
	c.alloc_mm.mblk = &alloc_mblk;

	r->cnt_res = counter_resolution();
	measure(&c, cal_loop, MB_CAL_MAX_REPS, &loop);
	for (int i = 0; i < MB_NR_UNITS; i++)
		measure_net(&c, fns[i], i == MB_UNIT_pgtable_alloc ?
			    ALLOC_MAX_REPS : MB_CAL_MAX_REPS, &loop,
			    &r->units[i]);
	per_slot(&r->units[MB_UNIT_free_scan]);

	measure_floor(&c, mblk, r);
	f = mb_floor_of(r);
	/* bytes < 2^40, picoticks per byte < 2^24 on any machine that ran */
	r->floor_ticks = (f.data_bytes * f.data_pt + f.zero_bytes * f.zero_pt) /
			 MB_CAL_PICO;
	/* last: the probes rebuild the fixmap and TTBRs' state as they go */
	run_probes(&c, mblk, r);
	r->calibrated = 1;
}
