/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What this host's KVM offers mapbench (kvm_probe.c), without running a
 * guest: for `mapbench doctor`.  A throwaway VM and vCPU are made only
 * to read the vCPU's ID registers, as `run` reads them.
 */
#ifndef MAPBENCH_KVM_PROBE_H
#define MAPBENCH_KVM_PROBE_H

#include <stddef.h>

#include "cpufeat.h"

struct mb_kvm_probe {
	int present;			/* /dev/kvm exists */
	int open_errno;			/* 0: opened read-write */
	int arm64;			/* built for and running on arm64 */
	int api;			/* KVM_GET_API_VERSION; -1 unknown */
	int psci;			/* KVM_CAP_ARM_PSCI_0_2 */
	int ipa_limit;			/* KVM_CAP_ARM_VM_IPA_SIZE, or 40 */
	int ipa_cap;			/* the capability is there */
	int pmu;			/* KVM_CAP_ARM_PMU_V3 */
	int have_ids;			/* ids read from a vCPU */
	struct mb_cpu_ids ids;
	char err[160];			/* why the ids could not be read */
};

/* Fill p; never fails (what could not be learnt says why in p). */
void mb_kvm_probe(struct mb_kvm_probe *p);

#endif /* MAPBENCH_KVM_PROBE_H */
