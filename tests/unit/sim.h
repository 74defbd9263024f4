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
 *  - a TTBR write takes effect at some point up to the next ISB (the
 *    walker may use its root from the msr on).
 *
 * Against that model it checks the rules the kernel relies on (the rule
 * list below) and records each rule's first violation, and the first of
 * all in sim_first_error: break-before-make, no access
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
/* mb_idmap_replace_ttbr1(pa, reserved): runs guest/tramp.S's
 * instructions (sim_tramp_S) on the model */
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

/*
 * The rules, each a kind of check of its own in test_linear_map (and a
 * kind a mutant's header can expect: tests/mutants/):
 */
#define SIM_RULE_LIST(R)						\
	R(MEMORY, "memory")		/* a table access outside RAM */	\
	R(UNZEROED, "unzeroed-table")	/* linked before it was zeroed */	\
	R(UNPUBLISHED, "unpublished-table") /* linked, entries unpublished */ \
	R(SPLIT, "split")		/* a block replaced by a table without \
					 * break-before-make (nor BBML2) */	\
	R(LIVE_TABLE, "live-table")	/* a live table entry replaced */	\
	R(BBM, "bbm")			/* a live leaf changed without	\
					 * break-before-make */		\
	R(TLB_CONFLICT, "tlb-conflict")	/* an entry written while the TLB \
					 * may hold another for its VA */	\
	R(STALE_USE, "stale-use")	/* an access the TLB may translate \
					 * with a removed entry */		\
	R(INVISIBLE, "invisible")	/* an access through an entry the \
					 * walker cannot see yet */		\
	R(UNPUBLISHED_ROOT, "unpublished-root") /* a TTBR set to a root \
					 * whose entries are unpublished */	\
	R(OLD_ROOT, "old-root")		/* a root switched or left while the \
					 * TLB may hold the old root's */	\
	R(NO_ISB, "no-isb")		/* a TTBR write no ISB made	\
					 * effective */			\
	R(TLBI_INCOMPLETE, "tlbi-incomplete") /* a TLBI no DSB completed */ \
	R(STALE_LEFT, "stale-left")	/* map_mem() leaves a removed	\
					 * entry possibly cached */		\
	R(TRAMP, "tramp")		/* tramp.S does what the simulator \
					 * cannot run */
enum sim_rule {
#define R(sym, name) SIM_R_##sym,
	SIM_RULE_LIST(R)
#undef R
	SIM_NR_RULES
};
extern const char *const sim_rule_name[SIM_NR_RULES];
/* per rule: how often it was broken, and the first message */
extern unsigned long sim_rule_errors[SIM_NR_RULES];
extern char sim_rule_first[SIM_NR_RULES][256];
/* guest/tramp.S's text (engine_sim.c): sim_replace_ttbr1() runs it */
extern const char sim_tramp_S[];
extern jmp_buf sim_panic_jmp;
extern unsigned int sim_panic_status, sim_panic_line;

#endif
