/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "current" as the reference kernels lay it out where the linear-map
 * code reads it: sp_el0 points at it (entry.S), the engine's stack
 * protector reads the canary from it, and from v6.16 every valid kernel
 * page-table store asks it whether lazy MMU mode is on
 * (is_lazy_mmu_mode_active(), never at boot).  Only the fields read
 * are kept, at offsets of their own; the loads are the kernel's.
 */
#ifndef MB_TASK_H
#define MB_TASK_H

#include "compiler.h"

struct mb_task {
	u64 flags;		/* thread_info.flags: TIF_LAZY_MMU (6.16+) */
	u32 preempt_count;	/* thread_info.preempt_count */
	u32 pad;
	u64 stack_canary;	/* MB_TASK_CANARY_OFF */
	u8 lazy_mmu_enable;	/* lazy_mmu_state (7.x) */
	u8 lazy_mmu_pause;
	u8 pad2[6];
};

#define MB_TASK_CANARY_OFF	16	/* -mstack-protector-guard-offset */

/* thread_info flags of 6.16 .. 7.1 */
#define TIF_LAZY_MMU		31
/* in_interrupt(): the preempt count's softirq, hardirq and NMI bits;
 * 7.x tests them with one mask of its own layout */
#define MB_IN_INTERRUPT_MASK_616	0x00ffff00u
#define MB_IN_INTERRUPT_MASK_72		0xff00ff00u

extern struct mb_task mb_task;

#endif
