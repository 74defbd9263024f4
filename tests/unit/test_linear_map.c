// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tier: the guest's page-table engine on simulated arch operations.
 * Every case checks the exact op counts against closed forms derived
 * independently of the engine (reference 1.7: windows touched per
 * range), and every mapped page's translation and descriptor bits.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENGINE(x) x##_sim
#include "engine.c"
#include "sim.h"

#define G		(1ULL << 30)
#define M		(1ULL << 20)
#define K		(1ULL << 10)
#define IMAGE_PA	MB_IMAGE_GPA
#define SWAPPER_PA	(IMAGE_PA + 0x100000)
#define BM_PTE_PA	(IMAGE_PA + 0x101000)

static int passed, failed;

static void check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("not ok - %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ---------------------------------------------------------------- */
/* Closed forms (reference 1.7), by counting windows touched         */

struct range {
	uint64_t start, end;	/* PA */
	int alias;		/* mapped as the kernel alias (PAGE_KERNEL) */
};

static uint64_t touched(uint64_t s, uint64_t e, uint64_t size)
{
	return (e + size - 1) / size - s / size;
}

/* Distinct size-windows touched by the union of ranges (sorted input
 * not required; ranges never share a window more than once counted). */
static uint64_t touched_union(const struct range *r, int n, uint64_t size)
{
	uint64_t cnt = 0, last = ~0ULL;
	int i;

	/* ranges are given in address order and disjoint */
	for (i = 0; i < n; i++) {
		uint64_t w0 = r[i].start / size, w1 = (r[i].end - 1) / size;

		cnt += w1 - w0 + 1;
		if (last != ~0ULL && w0 <= last)
			cnt -= last - w0 + 1;
		last = w1 > last || last == ~0ULL ? w1 : last;
	}
	return cnt;
}

/*
 * base, rodata=full, fresh root: every range is mapped with PTEs only.
 * Tables: one PUD table per L0 slot, one PMD table per 1G window, one
 * PTE table per 2M window touched by any range.  Fixmap maps: one per
 * table allocation (zeroing through FIX_PTE), plus per range one FIX_PUD
 * per L0 slot, one FIX_PMD per 32M window, one FIX_PTE per 64K window.
 * Every map is unmapped by one TLBI.
 */
static struct mb_counts expect_base_full(const struct range *r, int n,
					 uint64_t phys_offset)
{
	struct mb_counts c = { 0 };
	struct range v[16] = { 0 };
	uint64_t maps = 0, leaves = 0, t0, t1, t2;
	int i;

	for (i = 0; i < n; i++) {
		/* the walk's windows are in VA; VA - PA is a multiple of 1G */
		v[i].start = r[i].start - phys_offset;
		v[i].end = r[i].end - phys_offset;
	}
	/* sort a copy by address for the union count */
	for (i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j].start < v[j - 1].start; j--) {
			struct range t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	t0 = touched_union(v, n, 512 * G);
	t1 = touched_union(v, n, G);
	t2 = touched_union(v, n, 2 * M);

	for (i = 0; i < n; i++) {
		maps += touched(v[i].start, v[i].end, 512 * G);	/* FIX_PUD */
		maps += touched(v[i].start, v[i].end, 32 * M);	/* FIX_PMD */
		maps += touched(v[i].start, v[i].end, 64 * K);	/* FIX_PTE */
		leaves += (v[i].end - v[i].start) / (4 * K);
	}
	maps += t0 + t1 + t2;					/* allocs */

	c.tables_l1 = t0;
	c.tables_l2 = t1;
	c.tables_l3 = t2;
	c.bytes_zeroed = (t0 + t1 + t2) * 4096;
	c.table_stores = t0 + t1 + t2;
	c.leaf_stores = leaves;
	c.fixmap_map = c.fixmap_unmap = maps;
	c.tlbi_vaale1is = c.dsb_ish = maps;
	c.dsb_ishst = c.isb = leaves + c.table_stores + 2 * maps;
	return c;
}

static int counts_equal(const char *name, const struct mb_counts *got,
			const struct mb_counts *exp)
{
	const uint64_t *g = (const uint64_t *)got;
	const uint64_t *e = (const uint64_t *)exp;
	static const char *const names[] = {
#define N(x) #x,
		MB_COUNTER_LIST(N)
#undef N
	};
	int ok = 1;

	for (unsigned int i = 0; i < MB_NR_COUNTERS; i++) {
		if (g[i] != e[i]) {
			check(0, name, "%s = %" PRIu64 ", expected %" PRIu64,
			      names[i], g[i], e[i]);
			ok = 0;
		}
	}
	if (ok)
		check(1, name, " ");
	return ok;
}

/* ---------------------------------------------------------------- */
/* Environment                                                       */

struct env {
	struct mb_memblock mblk;
	struct mb_mm mm;
};

static void env_init(struct env *e, const struct mb_bank *banks, int nr,
		     unsigned int rodata, uint64_t kstart, uint64_t kend)
{
	struct sim_layout l = {
		.ram_base = banks[0].base,
		.ram_end = banks[nr - 1].base + banks[nr - 1].size,
		.image_pa = IMAGE_PA,
		.swapper_pa = SWAPPER_PA,
		.bm_pte_pa = BM_PTE_PA,
	};
	const char *why = memblock_init(&e->mblk, banks, nr);

	if (why) {
		fprintf(stderr, "memblock_init: %s\n", why);
		exit(2);
	}
	memblock_reserve(&e->mblk, MB_RAM_BASE, IMAGE_PA - MB_RAM_BASE);
	memblock_reserve(&e->mblk, IMAGE_PA, MB_IMAGE_MAX);
	sim_reset(&l);
	e->mm = (struct mb_mm){
		.pgd = KIMAGE_VADDR + (SWAPPER_PA - IMAGE_PA),
		.swapper = KIMAGE_VADDR + (SWAPPER_PA - IMAGE_PA),
		.bm_pte = KIMAGE_VADDR + (BM_PTE_PA - IMAGE_PA),
		.phys_offset = banks[0].base & ~(G - 1),
		.mblk = &e->mblk,
		.strategy = MB_STRAT_base,
		.rodata = rodata,
		.kernel_start = kstart,
		.kernel_end = kend,
	};
}

/* Every page of every range translates to itself with exactly the
 * expected leaf bits; every table on the way has UXNTable|PXNTable. */
static void check_translation(const char *name, const struct env *e,
			      const struct range *r, int n)
{
	uint64_t bad = 0, pages = 0, first = 0, fdesc = 0, fexp = 0;

	for (int i = 0; i < n; i++) {
		uint64_t prot = r[i].alias ? PAGE_KERNEL : PAGE_KERNEL_TAGGED;

		for (uint64_t pa = r[i].start; pa < r[i].end; pa += 4096) {
			uint64_t va = mb_phys_to_virt(&e->mm, pa);
			int level = 0;
			uint64_t d = sim_walk(va, &level);
			uint64_t exp = pa | prot;

			pages++;
			if (level != 3 || d != exp) {
				if (!bad++) {
					first = va;
					fdesc = d;
					fexp = exp;
				}
			}
		}
	}
	check(!bad, name, "%" PRIu64 "/%" PRIu64 " pages wrong; first VA "
	      "0x%" PRIx64 " desc 0x%" PRIx64 " expected 0x%" PRIx64,
	      bad, pages, first, fdesc, fexp);
}

static void check_tables(const char *name, const struct env *e)
{
	uint64_t root = SWAPPER_PA, bad = 0, nt = 0;
	uint64_t want = PMD_TYPE_TABLE | PMD_TABLE_UXN | PMD_TABLE_PXN;

	/* L0 .. L2 table descriptors of the linear-map half */
	for (int i0 = 0; i0 < 256; i0++) {
		uint64_t d0 = *sim_phys(root + i0 * 8);

		if (!d0)
			continue;
		nt++;
		bad += (d0 & ~PTE_ADDR_MASK) != want;
		for (int i1 = 0; i1 < 512; i1++) {
			uint64_t *p1 = sim_phys((d0 & PTE_ADDR_MASK) + i1 * 8);
			uint64_t d1 = p1 ? *p1 : 0;

			if (!d1)
				continue;
			nt++;
			bad += (d1 & ~PTE_ADDR_MASK) != want;
			for (int i2 = 0; i2 < 512; i2++) {
				uint64_t *p2 = sim_phys((d1 & PTE_ADDR_MASK) +
							i2 * 8);

				if (!p2 || !*p2)
					continue;
				nt++;
				bad += (*p2 & ~PTE_ADDR_MASK) != want;
			}
		}
	}
	(void)e;
	check(!bad && nt, name, "%" PRIu64 " of %" PRIu64
	      " table descriptors lack UXNTable|PXNTable", bad, nt);
}

static int run_guarded(struct env *e, int raw, uint64_t pa, uint64_t size)
{
	if (setjmp(sim_panic_jmp)) {
		printf("# engine panic: status %u line %u\n", sim_panic_status,
		       sim_panic_line);
		return -1;
	}
	if (raw)
		create_mapping_sim(&e->mm, pa, mb_phys_to_virt(&e->mm, pa),
				   size, PAGE_KERNEL_TAGGED,
				   NO_EXEC_MAPPINGS | NO_BLOCK_MAPPINGS |
				   NO_CONT_MAPPINGS);
	else
		map_mem_sim(&e->mm);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Cases                                                             */

/* One region [pa, pa+size) through create_mapping, fresh root. */
static void case_region(const char *name, uint64_t pa, uint64_t size)
{
	struct mb_bank b = { MB_RAM_BASE, 64 * G };
	struct range r = { pa, pa + size, 0 };
	struct mb_counts exp;
	struct env e;

	env_init(&e, &b, 1, MB_RODATA_FULL, 0, 0);
	if (run_guarded(&e, 1, pa, size)) {
		check(0, name, "engine panicked");
		return;
	}
	exp = expect_base_full(&r, 1, e.mm.phys_offset);
	counts_equal(name, &mb_counters, &exp);
	check(!sim_errors, name, "simulator: %s", sim_first_error);
	check_translation(name, &e, &r, 1);
}

/* The guest's map_mem(): banks minus the NOMAP alias, then the alias. */
static void case_map_mem(const char *name, const struct mb_bank *banks,
			 int nr, uint64_t kstart, uint64_t kend,
			 const struct mb_counts *literal)
{
	struct range r[2 * MB_MAX_BANKS + 1];
	struct mb_counts exp;
	struct env e;
	int n = 0;

	env_init(&e, banks, nr, MB_RODATA_FULL, kstart, kend);
	for (int i = 0; i < nr; i++) {
		uint64_t s = banks[i].base, t = s + banks[i].size;

		if (kstart >= s && kend <= t && kend > kstart) {
			if (kstart > s)
				r[n++] = (struct range){ s, kstart, 0 };
			if (t > kend)
				r[n++] = (struct range){ kend, t, 0 };
		} else {
			r[n++] = (struct range){ s, t, 0 };
		}
	}
	r[n++] = (struct range){ kstart, kend, 1 };

	if (run_guarded(&e, 0, 0, 0)) {
		check(0, name, "engine panicked");
		return;
	}
	exp = expect_base_full(r, n, e.mm.phys_offset);
	counts_equal(name, &mb_counters, &exp);
	if (literal)
		counts_equal(name, &mb_counters, literal);
	check(!sim_errors, name, "simulator: %s", sim_first_error);
	check_translation(name, &e, r, n);
	check_tables(name, &e);
}

/* The per-GiB slopes of reference 1.7 / the 6.1 kernel measurement. */
static void case_slope(void)
{
	struct mb_bank b1 = { MB_RAM_BASE, 1 * G }, b2 = { MB_RAM_BASE, 2 * G };
	struct mb_counts c1, c2;
	struct env e;

	env_init(&e, &b1, 1, MB_RODATA_FULL, IMAGE_PA + 0x10000,
		 IMAGE_PA + 0x30000);
	run_guarded(&e, 0, 0, 0);
	c1 = mb_counters;
	env_init(&e, &b2, 1, MB_RODATA_FULL, IMAGE_PA + 0x10000,
		 IMAGE_PA + 0x30000);
	run_guarded(&e, 0, 0, 0);
	c2 = mb_counters;
	check(c2.tlbi_vaale1is - c1.tlbi_vaale1is == 16929, "slope tlbi",
	      "%" PRIu64, c2.tlbi_vaale1is - c1.tlbi_vaale1is);
	check(c2.dsb_ishst - c1.dsb_ishst == 296515, "slope dsb ishst",
	      "%" PRIu64, c2.dsb_ishst - c1.dsb_ishst);
	check(c2.dsb_ish - c1.dsb_ish == 16929, "slope dsb ish",
	      "%" PRIu64, c2.dsb_ish - c1.dsb_ish);
	check(c2.isb - c1.isb == 296515, "slope isb", "%" PRIu64,
	      c2.isb - c1.isb);
	check(c2.tables_l3 + c2.tables_l2 - c1.tables_l3 - c1.tables_l2 == 513,
	      "slope tables", " ");
	check(c2.fixmap_map - c1.fixmap_map == 16929, "slope fixmap", " ");
}

int main(void)
{
	/* reference 1.7 worked numbers: 1G aligned region, G=1, P=1 */
	struct mb_counts lit1g = {
		.tlbi_vaale1is = 16931, .dsb_ishst = 296520, .dsb_ish = 16931,
		.isb = 296520, .fixmap_map = 16931, .fixmap_unmap = 16931,
		.tables_l1 = 1, .tables_l2 = 1, .tables_l3 = 512,
		.bytes_zeroed = 514 * 4096, .leaf_stores = 262144,
		.table_stores = 514,
	};
	/* 16G: TLBI = 16929*16 + 2 = 270866 (reference worked example) */
	struct mb_counts lit16g = {
		.tlbi_vaale1is = 270866, .dsb_ishst = 4744245,
		.dsb_ish = 270866, .isb = 4744245, .fixmap_map = 270866,
		.fixmap_unmap = 270866, .tables_l1 = 1, .tables_l2 = 16,
		.tables_l3 = 8192, .bytes_zeroed = 8209 * 4096,
		.leaf_stores = 4194304, .table_stores = 8209,
	};
	struct mb_bank one_g = { MB_RAM_BASE, 1 * G };
	struct mb_bank four_g = { MB_RAM_BASE, 4 * G };
	struct mb_bank two[2] = {
		{ MB_RAM_BASE, 1 * G },
		{ MB_RAM_BASE + 3 * G, 2 * G },		/* 2G hole */
	};
	struct mb_bank odd = { MB_RAM_BASE, 1 * G + 0x1234000 };
	struct mb_bank cross[2] = {
		{ MB_RAM_BASE, 256 * M },
		{ MB_RAM_BASE + 511 * G, 2 * G },	/* crosses 512G VA */
	};
	struct mb_counts c;
	struct env e;

	case_region("region 1G aligned", MB_RAM_BASE, 1 * G);
	counts_equal("region 1G literal", &mb_counters, &lit1g);
	case_region("region 4G aligned", MB_RAM_BASE, 4 * G);
	case_region("region 16G aligned", MB_RAM_BASE, 16 * G);
	counts_equal("region 16G literal", &mb_counters, &lit16g);
	case_region("region unaligned", MB_RAM_BASE + 0x3000,
		    1 * G + 0x2345000);
	case_region("region crossing 512G", MB_RAM_BASE + 511 * G + 0x7000,
		    G + 0x10000);

	case_map_mem("map_mem 1G", &one_g, 1, IMAGE_PA + 0x10000,
		     IMAGE_PA + 0x30000, NULL);
	case_map_mem("map_mem 4G", &four_g, 1, IMAGE_PA + 0x10000,
		     IMAGE_PA + 0x30000, NULL);
	case_map_mem("map_mem 2 banks + hole", two, 2, IMAGE_PA + 0x10000,
		     IMAGE_PA + 0x30000, NULL);
	case_map_mem("map_mem unaligned bank", &odd, 1, IMAGE_PA + 0x10000,
		     IMAGE_PA + 0x45000, NULL);
	case_map_mem("map_mem crossing 512G", cross, 2, IMAGE_PA + 0x10000,
		     IMAGE_PA + 0x30000, NULL);
	case_slope();

	/* rodata=on, 4G aligned: 1G blocks, only the edges below 1G use
	 * PMD blocks (the first 1G holds the unaligned alias) */
	env_init(&e, &four_g, 1, MB_RODATA_ON, IMAGE_PA, IMAGE_PA + 2 * M);
	run_guarded(&e, 0, 0, 0);
	c = mb_counters;
	check(!sim_errors, "rodata=on 4G", "simulator: %s", sim_first_error);
	check(c.tables_l3 == 0 && c.tables_l2 == 1 && c.tables_l1 == 1,
	      "rodata=on 4G tables", "l1 %" PRIu64 " l2 %" PRIu64 " l3 %"
	      PRIu64, c.tables_l1, c.tables_l2, c.tables_l3);
	{
		int level = 0;
		uint64_t d = sim_walk(PAGE_OFFSET + 2 * G, &level);

		check(level == 1 && d == ((MB_RAM_BASE + 2 * G) |
		      sect_prot(PAGE_KERNEL_TAGGED)), "rodata=on 1G block",
		      "level %d desc 0x%" PRIx64, level, d);
		d = sim_walk(PAGE_OFFSET + 0x400000, &level);
		check(level == 2 && d == ((MB_RAM_BASE + 0x400000) |
		      sect_prot(PAGE_KERNEL_TAGGED)),
		      "rodata=on 2M block", "level %d desc 0x%" PRIx64,
		      level, d);
	}

	printf("test_linear_map: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
