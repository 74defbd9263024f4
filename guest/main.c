// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's life after the MMU is on: take the boot parameters, set up
 * the kernel's state at paging_init() (swapper live in TTBR1, reserved
 * TTBR0, memblock with the image reserved), run the strategy in the timed
 * window, then -- outside it -- count, verify, digest, report, power off.
 */
#include "compiler.h"
#include "arch.h"
#include "boot.h"
#include "engine.h"
#include "memblock.h"
#include "pgtable.h"
#include "result.h"
#include "verify.h"

struct mb_counts mb_counters;

static struct mb_memblock mblk, mblk_before;
static struct mb_params prm;

/* Test hooks (MB_PF_INJECT_*), before anything is measured. */
static void inject(const struct mb_params *p)
{
	if (p->flags & MB_PF_INJECT_FAULT)
		(void)ldr64(PAGE_END - PAGE_SIZE);	/* nothing mapped */
	if (p->flags & MB_PF_INJECT_HANG)
		for (;;)
			asm volatile("" ::: "memory");
}

static const char *check_params(const struct mb_params *p)
{
	if (p->magic != MB_PARAMS_MAGIC)
		return "bad params magic";
	if (p->abi_version != MB_ABI_VERSION || p->size != sizeof(*p))
		return "params ABI version or size mismatch";
	if (p->strategy >= MB_NR_STRATEGIES || p->rodata >= MB_NR_RODATA)
		return "strategy or rodata out of range";
	if (p->page_shift != PAGE_SHIFT || p->va_bits != VA_BITS)
		return "granule or VA size not the one this image was built for";
	if (p->nr_banks == 0 || p->nr_banks > MB_MAX_BANKS)
		return "bank count out of range";
	if (p->banks[0].base != MB_RAM_BASE || p->banks[0].size < MB_MIN_RAM)
		return "first bank must start at RAM base, >= 64M";
	if (p->kfence_size & ~PAGE_MASK || p->kfence_size > (1UL << 30))
		return "KFENCE pool size not page aligned or over 1G";
	if (p->alias_end &&
	    ((p->alias_text | p->alias_stext | p->alias_end) & ~PAGE_MASK ||
	     p->alias_text > p->alias_stext ||
	     p->alias_stext >= p->alias_end ||
	     p->alias_text < p->banks[0].base ||
	     p->alias_end > p->banks[0].base + p->banks[0].size))
		return "kernel alias not page aligned or not in the first bank";
	if (p->alias_bss_stop &&
	    (!p->alias_end || p->alias_init_end < p->alias_end ||
	     p->alias_init_end >= p->alias_bss_stop ||
	     p->alias_bss_stop > p->banks[0].base + p->banks[0].size))
		return "kernel data [__init_end, __bss_stop) not after the alias or not in the first bank";
	return 0;
}

/* cpu_uninstall_idmap(): TTBR0 back to the empty reserved table. */
static void install_reserved_ttbr0(void)
{
	write_sysreg(kimg_to_phys(reserved_pg_dir), ttbr0_el1);
	isb();
	asm volatile("tlbi vmalle1" ::: "memory");
	dsb(nsh);
	isb();
}

/* The static temporary root is reused by the counting pass and the
 * probes. */
void mb_clear_tmp_root(void)
{
	mb_zero_page((u64)tmp_pg_dir);
	dsb(ishst);
}

/* Remove the linear half of swapper and every TLB entry it left. */
static void unmap_linear(const struct mb_mm *mm)
{
	for (int i = 0; i <= LINEAR_PGD_LAST; i++)
		str64(mm->pgd + i * 8, 0);
	dsb(ishst);
	asm volatile("tlbi vmalle1is" ::: "memory");
	dsb(ish);
	isb();
}

static void pmu_enable(void)
{
	/* cycle counter on, counting at EL1; nothing else */
	write_sysreg(read_sysreg(pmcr_el0) | 1 | 4, pmcr_el0);	/* E, C */
	write_sysreg(0, pmccfiltr_el0);
	write_sysreg(1UL << 31, pmcntenset_el0);
	isb();
}

/* Back to the state before the first build: no linear map, memblock
 * as it was, no temporary root. */
static void reset_build(const struct mb_mm *mm)
{
	unmap_linear(mm);
	mb_clear_tmp_root();
	mblk = mblk_before;
}

static void timed_build(struct mb_mm *mm, struct mb_result *r, u32 i)
{
	u64 t0, t1, c0 = 0, c1 = 0;
	int pmu = prm.flags & MB_PF_PMU;

	if (pmu) {
		isb();
		c0 = read_sysreg(pmccntr_el0);
	}
	/* ---- the timed window: map_mem() and nothing else ---- */
	t0 = read_cntvct();
	map_mem_timed(mm);
	t1 = read_cntvct();
	/* ---- end of the timed window ---- */
	if (pmu) {
		isb();
		c1 = read_sysreg(pmccntr_el0);
	}
	if (i == 0) {
		r->t_start = t0;
		r->t_end = t1;
	}
	r->iter_ticks[i] = t1 - t0;
	r->iter_cycles[i] = c1 - c0;
	r->nr_iters = i + 1;
	r->pmu = !!pmu;
}

/*
 * Counting pass: an exact replay from the same memblock state, with the
 * counted engine: the same pages, the same path, every op counted.  It
 * must produce the same map.
 */
static void count_pass(struct mb_mm *mm, struct mb_result *r)
{
	memset(&mb_counters, 0, sizeof(mb_counters));
	map_mem_counted(mm);
	r->counts = mb_counters;
	r->digest_counted = mb_digest(mm, mm->pgd);
}

/*
 * Where map_mem()'s NOMAP kernel alias starts: v6.9 (and the proposals
 * on it) at _stext; 6.12's map_mem() at _text (docs/STRATEGIES.md), so
 * the strategies of merged kernels from v6.10 on take _text.  With a
 * real kernel's image given (kernel-check), its PAs.
 */
static void alias_range(const struct mb_params *p, u64 *start, u64 *end)
{
	int text = p->strategy == MB_STRAT_v6_10 ||
		   p->strategy == MB_STRAT_bbml2_blocks ||
		   p->strategy == MB_STRAT_bbml2_repaint ||
		   p->strategy == MB_STRAT_v6_18 ||
		   p->strategy == MB_STRAT_v7_2;

	if (p->alias_end) {
		*start = text ? p->alias_text : p->alias_stext;
		*end = p->alias_end;
	} else {
		*start = kimg_to_phys(text ? _text : _stext);
		*end = kimg_to_phys(__init_begin);
	}
}

/*
 * The image's data and bss, which 7.2's map_mem() maps right after the
 * alias: a real kernel's [__init_end, __bss_stop) when given; ours (no
 * init section) from the end of the alias to the end of its bss.
 */
static void data_range(const struct mb_params *p, u64 *start, u64 *end)
{
	if (p->alias_end) {
		*start = p->alias_bss_stop ? p->alias_init_end : 0;
		*end = p->alias_bss_stop;
	} else {
		*start = kimg_to_phys(__init_begin);
		*end = kimg_to_phys(__bss_end);
	}
}

void mb_mapdump(const struct mb_mm *mm);

static void __noreturn fail_params(struct mb_result *r, const char *why)
{
	mb_printf("mapbench-guest: bad parameters: %s\n", why);
	r->status = MB_ST_BAD_PARAMS;
	mb_finish(r);
}

void __noreturn mb_main(void)
{
	struct mb_result *r = mb_result_ptr();
	struct mb_mm mm;
	const char *why;
	u64 alias_start, alias_end, data_start, data_end;
	u32 iters;

	for (char *p = __bss_start; p < __bss_end; p++)
		*p = 0;
	memcpy(&prm, mb_params_ptr(), sizeof(prm));

	memset(r, 0, sizeof(*r));
	r->magic = MB_RESULT_MAGIC;
	r->abi_version = MB_ABI_VERSION;
	r->size = sizeof(*r);
	r->status = MB_ST_RUNNING;
	r->strategy = prm.strategy;
	r->rodata = prm.rodata;
	r->page_shift = PAGE_SHIFT;
	r->va_bits = VA_BITS;

	why = check_params(&prm);
	if (why)
		fail_params(r, why);
	iters = prm.iterations ? prm.iterations : 1;
	if (iters > MB_MAX_ITERS)
		fail_params(r, "iterations out of range");
	why = memblock_init(&mblk, prm.banks, prm.nr_banks);
	if (why)
		fail_params(r, why);
	inject(&prm);
	install_reserved_ttbr0();
	memblock_reserve(&mblk, MB_RAM_BASE, MB_IMAGE_GPA - MB_RAM_BASE);
	memblock_reserve(&mblk, kimg_to_phys(_text), _end - _text);
	mb_zero_init();
	alias_range(&prm, &alias_start, &alias_end);
	data_range(&prm, &data_start, &data_end);

	mm = (struct mb_mm){
		.pgd = (u64)swapper_pg_dir,
		.swapper = (u64)swapper_pg_dir,
		.bm_pte = (u64)bm_pte,
		.phys_offset = MB_RAM_BASE & ~(MEMSTART_ALIGN - 1),
		.mblk = &mblk,
		.strategy = prm.strategy,
		.rodata = prm.rodata,
		.bbml = !!(prm.flags & MB_PF_BBML),
		.kernel_start = alias_start,
		.kernel_end = alias_end,
		.data_start = data_start,
		.data_end = data_end,
		.swapper_pa = kimg_to_phys(swapper_pg_dir),
		.reserved_pa = kimg_to_phys(reserved_pg_dir),
		.boot_idmap_pa = kimg_to_phys(idmap_pg_dir),
		.tmp_root = (u64)tmp_pg_dir,
		.tmp_root_pa = kimg_to_phys(tmp_pg_dir),
		.tramp_pa = kimg_to_phys(mb_idmap_replace_ttbr1),
		.kfence_size = prm.kfence_size,
	};
	r->cntfrq = read_sysreg(cntfrq_el0);
	r->page_offset = PAGE_OFFSET;
	r->phys_offset = mm.phys_offset;
	r->kernel_start = mm.kernel_start;
	r->kernel_end = mm.kernel_end;
	r->data_start = mm.data_start;
	r->data_end = mm.data_end;
	r->image_start = kimg_to_phys(_text);
	r->image_end = kimg_to_phys(_end);
	r->nr_banks = prm.nr_banks;
	for (u32 i = 0; i < prm.nr_banks; i++)
		r->banks[i] = prm.banks[i];
	if (!(prm.flags & MB_PF_QUIET))
		mb_printf("mapbench-guest: strategy %u rodata %u, %u bank(s), "
			  "top 0x%lx\n", prm.strategy, prm.rodata,
			  prm.nr_banks, memblock_end(&mblk));

	mblk_before = mblk;
	if (prm.flags & MB_PF_PMU)
		pmu_enable();
	if (prm.flags & MB_PF_PREFAULT) {
		/* the counting pass first: it touches exactly the pages the
		 * timed builds will get, so their stage-2 faults are taken
		 * outside the window */
		count_pass(&mm, r);
		reset_build(&mm);
	}
	for (u32 i = 0; i < iters; i++) {
		if (i)
			reset_build(&mm);
		timed_build(&mm, r, i);
	}
	r->alloc_low = mblk.low;
	r->alloc_pages = mblk.pages;
	r->kfence_start = mm.kfence_start;
	r->kfence_end = mm.kfence_start + mm.kfence_size;
	mb_check_temp(&mm, &r->verify);
	r->digest = mb_digest(&mm, mm.pgd);
	if (!(prm.flags & MB_PF_PREFAULT)) {
		reset_build(&mm);
		count_pass(&mm, r);
	}
	mb_clear_tmp_root();

	mb_verify_map(&mm, &r->verify, r->image_end, mblk.low);
	r->status = (r->verify.errors || r->digest != r->digest_counted) ?
		    MB_ST_VERIFY_FAILED : MB_ST_OK;

	if (!(prm.flags & MB_PF_QUIET))
		mb_printf("mapbench-guest: map_mem %lu ticks @ %lu Hz, "
			  "%lu leaves checked, %lu errors, digest 0x%016lx%s\n",
			  r->t_end - r->t_start, r->cntfrq,
			  r->verify.leaves_checked,
			  r->verify.errors, r->digest,
			  r->digest == r->digest_counted ? "" :
			  " (counting pass differs)");
	if (prm.flags & MB_PF_MAPDUMP)
		mb_mapdump(&mm);
	/* after verification and the digest: scratch pages, the fixmap */
	if (!(prm.flags & MB_PF_NO_CALIBRATE))
		mb_calibrate(&mm, &mblk, r, prm.flags & MB_PF_PMU);
	mb_finish(r);
}
