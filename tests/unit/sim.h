/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The unit tier's model of the guest CPU: sparse physical memory, the
 * guest's translation regime (image, fixmap, linear map, TTBR0/1) and an
 * adversarial model of what the architecture lets the table walker and
 * the TLB do (docs/ARCHITECTURE.md, "The simulator"):
 *
 *  - a page-table store is pending until the next DSB: the walker reads
 *    the old value until then;
 *  - the TLB may hold any valid leaf the walker could see, at any time:
 *    when a reachable valid entry is changed, its old translation stays
 *    "possibly cached" until a TLBI issued after the change completes;
 *  - a TLBI completes only at the next DSB ISH (DSB NSH for local ones);
 *  - a TTBR write takes effect at the next ISB.
 *
 * Against that model it checks the rules the kernel relies on and records
 * the first violation in sim_first_error: break-before-make, no access
 * through a VA whose translation may be stale or is not visible, tables
 * zeroed and visible before they are linked or installed.  Every barrier,
 * TLBI and TTBR write is counted into mb_counters.
 */
#ifndef MB_SIM_H
#define MB_SIM_H

#include <stdint.h>
#include <setjmp.h>

enum { SIM_DSB_ISHST, SIM_DSB_ISH, SIM_DSB_NSHST, SIM_DSB_NSH };

uint64_t sim_rd(uint64_t va);
void sim_wr(uint64_t va, uint64_t v);
void sim_dsb(int kind);
void sim_isb(void);
void sim_tlbi_va(uint64_t va);
void sim_tlbi_all(int broadcast);
void sim_zero_page(uint64_t va);
void sim_write_ttbr(int n, uint64_t pa);
void sim_replace_ttbr1(uint64_t pa, uint64_t reserved);

/* The environment a test sets up. */
struct sim_layout {
	uint64_t ram_base, ram_end;	/* accessible PA range (banks' hull) */
	uint64_t image_pa;		/* PA of KIMAGE_VADDR */
	uint64_t swapper_pa;		/* root of TTBR1 */
	uint64_t bm_pte_pa;		/* fixmap L3 table */
	uint64_t reserved_pa;		/* TTBR0 at reset */
	uint64_t tmp_pa;		/* static temporary root */
	int tmp_ttbr;			/* its TTBR (0 or 1) */
	int bbml2;			/* FEAT_BBM level 2 (no-abort) */
};

void sim_reset(const struct sim_layout *l);
/* After map_mem(): the checks that need the whole run (a TTBR write no
 * ISB made effective, TLB entries no TLBI removed); then publishes any
 * pending store so tests read the final tables. */
void sim_finish(void);
uint64_t *sim_phys(uint64_t pa);		/* NULL if never written */

struct mb_counts;
extern struct mb_counts mb_counters;
/* "current" of the simulated engine: all zero (guest/task.h) */
extern struct mb_task sim_task;
extern unsigned long sim_errors;
extern char sim_first_error[256];
extern jmp_buf sim_panic_jmp;
extern unsigned int sim_panic_status, sim_panic_line;

#endif
