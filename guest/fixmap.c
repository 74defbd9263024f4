// SPDX-License-Identifier: GPL-2.0-only
/*
 * __set_fixmap() for everything outside the measured map_mem(): the
 * verification aliases.  (The engine has its own, counted copy.)
 */
#include "compiler.h"
#include "arch.h"
#include "boot.h"

static u64 *slot_pte(unsigned int idx)
{
	return &bm_pte[pte_index(fix_to_virt(idx))];
}

u64 mb_set_fixmap(unsigned int idx, u64 pa, u64 prot)
{
	WRITE_ONCE(*slot_pte(idx), (pa & PAGE_MASK) | prot);
	dsb(ishst);
	isb();
	return fix_to_virt(idx) + (pa & ~PAGE_MASK);
}

void mb_clear_fixmap(unsigned int idx)
{
	u64 va = fix_to_virt(idx);

	WRITE_ONCE(*slot_pte(idx), 0);
	dsb(ishst);
	asm volatile("tlbi vaale1is, %0" :: "r" ((va >> 12) & ((1UL << 44) - 1))
		     : "memory");
	dsb(ish);
	isb();
}
