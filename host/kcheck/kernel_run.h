/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel-check's kernel run (kcheck/kernel_run.c): the Image under QEMU
 * TCG, its map_mem() window counted and its linear map read back.
 */
#ifndef MAPBENCH_KCHECK_KERNEL_RUN_H
#define MAPBENCH_KCHECK_KERNEL_RUN_H

struct kc_ctx;

/* Fills x->k, x->geom, x->ttbr1, x->tcr, x->load_pa and x->kfs; 0 or
 * an MB_EXIT_* code with x->err set. */
int kc_run_kernel(struct kc_ctx *x);

#endif /* MAPBENCH_KCHECK_KERNEL_RUN_H */
