/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's state at paging_init(), rebuilt on the simulator: RAM
 * banks in memblock with the low area and the image reserved, swapper,
 * the fixmap table, the reserved and temporary roots as image statics.
 */
#ifndef MB_SIMENV_H
#define MB_SIMENV_H

#include "engine.h"

#define SIM_IMAGE_PA	MB_IMAGE_GPA
#define SIM_SWAPPER_PA	(SIM_IMAGE_PA + 0x100000)
#define SIM_BM_PTE_PA	(SIM_SWAPPER_PA + 1 * PAGE_SIZE)
#define SIM_RESERVED_PA	(SIM_SWAPPER_PA + 2 * PAGE_SIZE)
#define SIM_IDMAP_PA	(SIM_SWAPPER_PA + 3 * PAGE_SIZE)
#define SIM_TMP_PA	(SIM_SWAPPER_PA + 4 * PAGE_SIZE)

struct simenv {
	struct mb_memblock mblk;
	struct mb_mm mm;
};

/* Returns NULL or why the banks are unusable. */
/* image_end 0: the whole 2 MiB image block is reserved */
const char *simenv_init(struct simenv *e, const struct mb_bank *banks,
			unsigned int nr, unsigned int strategy,
			unsigned int rodata, uint64_t kstart, uint64_t kend,
			uint64_t image_end, uint64_t kfence_size, int bbml);
/* map_mem() on the simulator: 0, or -1 if the engine panicked. */
int simenv_map_mem(struct simenv *e);
uint64_t simenv_digest(void);

#endif
