/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The operations the page-table engine is built from, in three flavours:
 *
 *   default      the timed guest build: plain instructions, nothing else;
 *   MB_COUNTING  the guest's counting pass: the same instructions, each
 *                followed by a counter increment (never timed);
 *   MB_SIM       the unit tier: memory, TLB and barriers simulated on the
 *                build host (tests/unit/sim.c), every op counted.
 *
 * Table memory is addressed by virtual address as a u64 (pt_rd/pt_wr), so
 * the simulator can translate every access through its model of the
 * fixmap and the TLB.
 */
#ifndef MB_ARCH_OPS_H
#define MB_ARCH_OPS_H

#include "compiler.h"
#include <mapbench/abi.h>
#include "task.h"

/* Filled by MB_COUNTING and MB_SIM builds. */
extern struct mb_counts mb_counters;

#if defined(MB_SIM)

#include "sim.h"

#define CNT(f, n)		(mb_counters.f += (n))
#define pt_rd(va)		sim_rd(va)
#define pt_wr(va, v)		sim_wr(va, v)
#define pt_wr2(va, off, v0, v1) do {					\
	u64 va_ = (va) + (off);						\
	sim_wr(va_, v0);						\
	sim_wr(va_ + 8, v1);						\
} while (0)
#define op_dsb_ishst()		sim_dsb(SIM_DSB_ISHST)
#define op_dsb_ish()		sim_dsb(SIM_DSB_ISH)
#define op_dsb_nshst()		sim_dsb(SIM_DSB_NSHST)
#define op_dsb_nsh()		sim_dsb(SIM_DSB_NSH)
#define op_isb()		sim_isb()
#define op_tlbi_vaale1is(va)	sim_tlbi_va(va)
#define op_tlbi_vmalle1is()	sim_tlbi_all(1)
#define op_tlbi_vmalle1()	sim_tlbi_all(0)
#define op_zero_page(va)	sim_zero_page(va)
#define op_write_ttbr0(pa)	sim_write_ttbr(0, pa)
#define op_write_ttbr1(pa)	sim_write_ttbr(1, pa)
#define op_replace_ttbr1(mm, pa) sim_replace_ttbr1(pa, (mm)->reserved_pa)
#define op_lpa2_is_enabled()	0
/* "current": a zeroed task (not in lazy MMU mode, not in interrupt) */
#define op_current()		(&sim_task)
#define op_static_key_nop()	do { } while (0)
#define op_bm_pte(mm)		((mm)->bm_pte)

#else /* real guest */

#include "arch.h"

#ifdef MB_COUNTING
#define CNT(f, n)		(mb_counters.f += (n))
#else
#define CNT(f, n)		do { } while (0)
#endif

#define pt_rd(va)		ldr64(va)
#define pt_wr(va, v)		str64(va, v)
#define pt_wr2(va, off, v0, v1) stp64(va, off, v0, v1)
#define op_dsb_ishst()		do { dsb(ishst); CNT(dsb_ishst, 1); } while (0)
#define op_dsb_ish()		do { dsb(ish); CNT(dsb_ish, 1); } while (0)
#define op_dsb_nshst()		do { dsb(nshst); CNT(dsb_nshst, 1); } while (0)
#define op_dsb_nsh()		do { dsb(nsh); CNT(dsb_nsh, 1); } while (0)
#define op_isb()		do { isb(); CNT(isb, 1); } while (0)
/* Operand: VA[55:12] in bits 43:0, ASID 0 (__TLBI_VADDR). */
#define op_tlbi_vaale1is(va) do {					\
	asm volatile("tlbi vaale1is, %0" ::				\
		     "r" (((va) >> 12) & ((1UL << 44) - 1)) : "memory");	\
	CNT(tlbi_vaale1is, 1);						\
} while (0)
#define op_tlbi_vmalle1is() do {					\
	asm volatile("tlbi vmalle1is" ::: "memory");			\
	CNT(tlbi_vmalle1is, 1);						\
} while (0)
#define op_tlbi_vmalle1() do {						\
	asm volatile("tlbi vmalle1" ::: "memory");			\
	CNT(tlbi_vmalle1, 1);						\
} while (0)
#define op_write_ttbr0(pa) do {						\
	write_sysreg(pa, ttbr0_el1); CNT(ttbr_write, 1);		\
} while (0)
#define op_write_ttbr1(pa) do {						\
	write_sysreg(pa, ttbr1_el1); CNT(ttbr_write, 1);		\
} while (0)

/*
 * idmap_cpu_replace_ttbr1(), called at its physical address: TTBR1 to the
 * reserved table, isb, tlbi vmalle1, dsb nsh, isb, TTBR1 = pa, isb.
 */
#define op_replace_ttbr1(mm, pa) do {					\
	((void (*)(u64, u64))(mm)->tramp_pa)(pa, (mm)->reserved_pa);	\
	CNT(ttbr_write, 2);						\
	CNT(isb, 3);							\
	CNT(tlbi_vmalle1, 1);						\
	CNT(dsb_nsh, 1);						\
} while (0)

/* The fixmap's L3 table: a static array, reached by adrp/add as the
 * kernel reaches its bm_pte (mm->bm_pte holds the same address). */
#include "boot.h"
#define op_bm_pte(mm)		((void)(mm), (u64)bm_pte)

/* A static key's unpatched branch: one NOP in the instruction stream
 * (e.g. ARM64_WORKAROUND_REPEAT_TLBI after a TLB sync, never taken). */
#define op_static_key_nop()	asm volatile("nop")

/* lpa2_is_enabled(): TCR_EL1.DS, read each time as 6.12 does */
#define op_lpa2_is_enabled()	((read_sysreg(tcr_el1) >> 59) & 1)
/* get_current(): sp_el0 (guest/task.h), not volatile, as the kernel's */
#define op_current() ({							\
	const struct mb_task *cur_;					\
	asm("mrs %0, sp_el0" : "=r" (cur_));				\
	cur_;								\
})

/* Zero a page with DC ZVA, as both memset()'s zero path and clear_page()
 * do on arm64; falls back to stores where DC ZVA is prohibited. */
void mb_zero_page(u64 va);
#define op_zero_page(va)	mb_zero_page(va)

#endif /* MB_SIM */
#endif
