/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One `mapbench run` once its options are settled (run.c): --repeat
 * fresh VMs, then the JSON and one line per run; and struct mb_outcome,
 * what one run of a backend (kvm/vmm.c or tcg.c) produced.
 */
#ifndef MAPBENCH_RUN_H
#define MAPBENCH_RUN_H

#include <stdint.h>

#include <mapbench/abi.h>

#include "util.h"
#include "cpufeat.h"
#include "hostinfo.h"
#include "kvm/kvmstats.h"

struct mb_run_opts;

struct mb_outcome {
	struct mb_result rec;		/* validated copy of the record */
	int have_record;
	/* accelerator facts, for the report */
	int ipa_bits;			/* kvm: IPA size the VM was created with */
	int ipa_limit;			/* kvm: KVM_CAP_ARM_VM_IPA_SIZE */
	char accel_desc[128];		/* e.g. "kvm" or "qemu 7.2.22 tcg" */
	double wall_s;			/* host wall time of the whole run */
	char err[MB_ERRLEN];		/* one line, set when returning != 0 */
	/* host timeline (mb_now()); t_start is set by the caller */
	double t_start;			/* process start, or the run's start */
	double t_entry;			/* first KVM_RUN / QEMU started */
	double t_exit;			/* last KVM_RUN returned / QEMU gone */
	double t_done;			/* VM and RAM torn down */
	/* memory the host actually gave the guest, read before teardown */
	int have_mem;
	uint64_t backing_page;		/* bytes: base, THP or hugetlb page */
	struct mb_memuse mem[MB_MAX_BANKS];
	struct mb_memuse mem_total;
	uint64_t vm_hwm_kb;		/* process peak RSS during this run */
	int hwm_reset;			/* VmHWM was reset at the run start */
	/* --prefault host */
	uint64_t pf_bytes;
	unsigned int pf_threads, pf_nr;
	double pf_s;
	struct mb_bank pf_ranges[MB_MAX_BANKS + 1];
	/* the host CPU and vPMU */
	int host_cpu;			/* vCPU thread's CPU at exit, -1 */
	uint64_t host_midr;
	int have_midr;
	uint64_t host_cntfrq;		/* 0: not readable here */
	const char *pmu_irqchip;	/* vPMU set up: "none" or "vgic-v3" */
	char pmu_name[48];		/* --cpu: the host PMU asked for */
	/* --window-exits: exits inside the cold window, a range */
	int have_wx;
	unsigned int wx_samples;
	uint64_t wx_min, wx_max, wx_slack;
	/* the vCPU's ID registers the granule and BBML2 checks read:
	 * KVM_GET_ONE_REG, or the QEMU model's (cpufeat.c) */
	int have_cpu_ids;
	const char *cpu_ids_from;	/* "kvm-vcpu" | "qemu-model" */
	struct mb_cpu_ids cpu_ids;
	int bbml2_noabort;		/* the kernel would use BBML2 */
	int bbml3;			/* 7.3's cpu_supports_bbml3() */
	int block_path;			/* v6.18/v7.2: MB_PF_BBML given */
	/* KVM_GET_STATS_FD deltas over the run (kvm only) */
	int have_kstats;
	struct mb_kstats kvm_vm, kvm_vcpu;
};

/* --repeat fresh VMs, then the JSON and one line per run.  An
 * MB_EXIT_* code. */
int mb_run_repeats(const struct mb_run_opts *opts);
/* A clean outcome whose host timeline starts at t_start (the backends
 * fill in the rest and trust this). */
void mb_outcome_init(struct mb_outcome *out, double t_start);

#endif /* MAPBENCH_RUN_H */
