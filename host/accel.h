/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which accelerator "auto" means on this host (accel.c): /dev/kvm opened
 * and asked, no VM made.  Not the VMM: the run side's
 * default (main.c) and the matrix runner (analysis/matrix.c) both use it;
 * the record of a run says which accelerator ran.
 */
#ifndef MAPBENCH_ACCEL_H
#define MAPBENCH_ACCEL_H

/* Nonzero if /dev/kvm can be opened and is an arm64 KVM with PSCI 0.2. */
int mb_kvm_usable(void);
/* KVM_CAP_ARM_VM_IPA_SIZE (40 when KVM lacks the capability); 0 when
 * /dev/kvm cannot be opened.  Asked once, then remembered. */
int mb_kvm_ipa_limit(void);

#endif /* MAPBENCH_ACCEL_H */
