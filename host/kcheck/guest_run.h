/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel-check's mapbench side (kcheck/guest_run.c): the guest under the
 * same QEMU, CPU, RAM and rodata as the kernel, with the kernel's alias.
 */
#ifndef MAPBENCH_KCHECK_GUEST_RUN_H
#define MAPBENCH_KCHECK_GUEST_RUN_H

#include <stdbool.h>

struct kc_ctx;

/* traced: counts map_mem_timed() into x->m.c (and x->gfs); else a run
 * with MB_PF_MAPDUMP whose console kc_guest_console() then reads.  0 or
 * an MB_EXIT_* code with x->err set. */
int kc_run_guest(struct kc_ctx *x, bool traced);
/* The untraced run's record into x->rec, its map into x->m.map. */
int kc_guest_console(struct kc_ctx *x);

#endif /* MAPBENCH_KCHECK_GUEST_RUN_H */
