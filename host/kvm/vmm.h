/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM backend seen from the run side (vmm.c): one run of the guest
 * on /dev/kvm.
 */
#ifndef MAPBENCH_VMM_H
#define MAPBENCH_VMM_H

struct mb_run_opts;
struct mb_outcome;

/* Returns an MB_EXIT_* code; out comes from mb_outcome_init(). */
int mb_kvm_run(const struct mb_run_opts *opts, struct mb_outcome *out);

#endif /* MAPBENCH_VMM_H */
