// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "digest.h"
#include "pgtable.h"
#include "sim.h"
#include "simenv.h"

static uint64_t rd(const void *ctx, uint64_t pa, int idx)
{
	uint64_t *w = sim_phys(pa + idx * 8);

	(void)ctx;
	return w ? *w : 0;
}

uint64_t simenv_digest(void)
{
	return mb_digest_root(rd, NULL, SIM_SWAPPER_PA);
}

static uint64_t kva(uint64_t pa)
{
	return KIMAGE_VADDR + (pa - SIM_IMAGE_PA);
}

const char *simenv_init(struct simenv *e, const struct mb_bank *banks,
			unsigned int nr, unsigned int strategy,
			unsigned int rodata, uint64_t kstart, uint64_t kend,
			uint64_t image_end, uint64_t kfence_size, int bbml)
{
	struct sim_layout l = {
		.image_pa = SIM_IMAGE_PA,
		.swapper_pa = SIM_SWAPPER_PA,
		.bm_pte_pa = SIM_BM_PTE_PA,
		.reserved_pa = SIM_RESERVED_PA,
		.tmp_pa = SIM_TMP_PA,
		.tmp_ttbr = strategy == MB_STRAT_temp_pgtable,
		.bbml2 = strategy == MB_STRAT_bbml2_blocks ||
			 strategy == MB_STRAT_bbml2_repaint || bbml,
	};
	const char *why = memblock_init(&e->mblk, banks, nr);

	if (why)
		return why;
	l.ram_base = banks[0].base;
	l.ram_end = banks[nr - 1].base + banks[nr - 1].size;
	memblock_reserve(&e->mblk, MB_RAM_BASE, SIM_IMAGE_PA - MB_RAM_BASE);
	memblock_reserve(&e->mblk, SIM_IMAGE_PA, image_end ?
			 image_end - SIM_IMAGE_PA : MB_IMAGE_MAX);
	sim_reset(&l);
	e->mm = (struct mb_mm){
		.pgd = kva(SIM_SWAPPER_PA),
		.swapper = kva(SIM_SWAPPER_PA),
		.bm_pte = kva(SIM_BM_PTE_PA),
		.phys_offset = banks[0].base & ~(MEMSTART_ALIGN - 1),
		.mblk = &e->mblk,
		.strategy = strategy,
		.rodata = rodata,
		.bbml = !!bbml,
		.kernel_start = kstart,
		.kernel_end = kend,
		.swapper_pa = SIM_SWAPPER_PA,
		.reserved_pa = SIM_RESERVED_PA,
		.boot_idmap_pa = SIM_IDMAP_PA,
		.tmp_root = kva(SIM_TMP_PA),
		.tmp_root_pa = SIM_TMP_PA,
		.kfence_size = kfence_size,
	};
	memset(&mb_counters, 0, sizeof(mb_counters));
	return NULL;
}

int simenv_map_mem(struct simenv *e)
{
	if (setjmp(sim_panic_jmp)) {
		fprintf(stderr, "# engine panic: status %u line %u\n",
			sim_panic_status, sim_panic_line);
		return -1;
	}
	map_mem_sim(&e->mm);
	sim_finish();
	return 0;
}
