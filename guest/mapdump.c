// SPDX-License-Identifier: GPL-2.0-only
/*
 * MB_PF_MAPDUMP: print the final linear map as runs (maprun.h) on the
 * console, after verification and far outside the timed window, so
 * `mapbench kernel-check` can compare it with a real kernel's.
 */
#include "compiler.h"
#include "arch.h"
#include "boot.h"
#include "engine.h"
#include "maprun.h"

static uint64_t dump_read(const void *ctx, uint64_t pa, int idx)
{
	const struct mb_mm *mm = ctx;

	return ldr64(mb_phys_to_virt(mm, pa) + idx * 8);
}

static void dump_emit(void *ctx, const struct mb_maprun *r)
{
	(void)ctx;
	mb_printf("%s %lx %d %lx %lu\n", r->table ? "MBTBL" : "MBMAP",
		  r->va, r->level, r->desc, r->count);
}

void mb_mapdump(const struct mb_mm *mm)
{
	mb_puts("MBMAP-BEGIN\n");
	mb_maprun_root(dump_read, mm, mm->swapper_pa, dump_emit, NULL);
	mb_puts("MBMAP-END\n");
}
