/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The unit tier's model of the guest: sparse physical memory, the
 * guest's translation regime (image, fixmap, linear map, TTBR0) and a TLB
 * that keeps every translation until a TLBI removes it -- so a missing
 * TLBI after a fixmap slot is reused sends stores to the old page and the
 * tables come out wrong.  Every barrier, TLBI and TTBR write is counted
 * into mb_counters.
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
};

void sim_reset(const struct sim_layout *l);
uint64_t *sim_phys(uint64_t pa);		/* NULL if never written */
/* Walk TTBR1/TTBR0 without the TLB: returns the leaf descriptor (0 if
 * unmapped) and its level (1..3). */
uint64_t sim_walk(uint64_t va, int *level);
uint64_t sim_walk_root(uint64_t root_pa, uint64_t va, int *level);
unsigned long sim_pages_used(void);

struct mb_counts;
extern struct mb_counts mb_counters;
extern unsigned long sim_errors;
extern char sim_first_error[256];
extern jmp_buf sim_panic_jmp;
extern unsigned int sim_panic_status, sim_panic_line;

#endif
