/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Counting a window of execution from QEMU's TCG log (kcheck/trace.c,
 * `-d in_asm,exec,nochain`): instructions, blocks, TLBIs, DSBs and ISBs,
 * calls to a few functions, and instructions per function.
 */
#ifndef MAPBENCH_KCHECK_TRACE_H
#define MAPBENCH_KCHECK_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KC_OP_LIST(X)				\
	X(tlbi_vaale1is, "tlbi", "vaale1is")	\
	X(tlbi_vale1is, "tlbi", "vale1is")	\
	X(tlbi_vae1is, "tlbi", "vae1is")	\
	X(tlbi_vmalle1is, "tlbi", "vmalle1is")	\
	X(tlbi_vmalle1, "tlbi", "vmalle1")	\
	X(tlbi_other, "tlbi", NULL)		\
	X(dsb_ishst, "dsb", "ishst")		\
	X(dsb_ish, "dsb", "ish")		\
	X(dsb_nshst, "dsb", "nshst")		\
	X(dsb_nsh, "dsb", "nsh")		\
	X(dsb_sy, "dsb", "sy")			\
	X(dsb_other, "dsb", NULL)		\
	X(isb, "isb", NULL)

enum kc_op {
#define KC_OP_ENUM(id, m, o) KC_OP_##id,
	KC_OP_LIST(KC_OP_ENUM)
#undef KC_OP_ENUM
	KC_NR_OPS
};

extern const char *const kc_op_names[KC_NR_OPS];

#define KC_MAX_FUNCS	4

/*
 * The window: opens at the first TB at start_pc (once arm_pc, if set,
 * has run); each return from a call to ret_func (the TB at the caller's
 * bl + 4) is a checkpoint; it closes at the first TB at stop_pc, or at
 * the first checkpoint if stop_pc is 0.  The counts are those up to the
 * last checkpoint.  func[] entries are counted inside the window.
 */
struct kc_window {
	uint64_t arm_pc;
	uint64_t start_pc;
	uint64_t ret_func;
	uint64_t stop_pc;
	uint64_t func[KC_MAX_FUNCS];
	uint64_t entry_floor;	/* kc_trace_first_pc(): first pc >= this */
};

struct kc_counts {
	uint64_t insns;
	uint64_t tbs;
	uint64_t ops[KC_NR_OPS];
	uint64_t calls[KC_MAX_FUNCS];
};

enum kc_state { KC_IDLE, KC_ARMED, KC_OPEN, KC_DONE };

struct kc_trace;

struct kc_trace *kc_trace_new(const struct kc_window *w);
void kc_trace_free(struct kc_trace *t);
/* Feed any amount of the log; lines may be split across calls. */
int kc_trace_feed(struct kc_trace *t, const char *buf, size_t n);
enum kc_state kc_trace_state(const struct kc_trace *t);
/* Did the window open (its start reached while armed)? */
bool kc_trace_opened(const struct kc_trace *t);
/* After KC_DONE: the window's counts; -1 if no checkpoint was seen. */
int kc_trace_result(const struct kc_trace *t, struct kc_counts *c,
		    char *err, size_t errlen);
/* The first pc >= w.entry_floor run (the kernel's entry, MMU off). */
uint64_t kc_trace_first_pc(const struct kc_trace *t);
/* Lines or TBs the parser could not make sense of. */
uint64_t kc_trace_unknown(const struct kc_trace *t);

/* Functions, for attributing the window's instructions: [start, end). */
struct kc_func {
	uint64_t start, end;
	char name[56];
};

struct kc_funcs {
	struct kc_func *f;
	size_t nr, cap;
};

/* Add the text symbols of kallsyms/System.map-like text: "MBSYM" and
 * "MBFUN" lines (and plain "addr type name" lines) start functions,
 * "MBEND" lines only end the one before.  Sorted, ends filled in. */
int kc_funcs_parse(const char *text, size_t n, struct kc_funcs *fs);
int kc_funcs_add(struct kc_funcs *fs, uint64_t start, uint64_t end,
		 const char *name);
void kc_funcs_sort(struct kc_funcs *fs);
void kc_funcs_free(struct kc_funcs *fs);

/* Per function of fs (index fs->nr: outside every one), inside the
 * window: instructions and entries (blocks starting at its start). */
struct kc_fstat {
	uint64_t insns, entries;
};
void kc_trace_set_funcs(struct kc_trace *t, const struct kc_funcs *fs);
/* The window's per-function counts (at the last checkpoint), or NULL. */
const struct kc_fstat *kc_trace_fstats(const struct kc_trace *t);

/* Diagnostics: every block run in the window, "pc insns execs func". */
void kc_trace_dump_tbs(const struct kc_trace *t, FILE *f);

#endif /* MAPBENCH_KCHECK_TRACE_H */
