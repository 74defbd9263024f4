/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the KVM backend: the state of one VM, shared by vmm.c (the VM,
 * the vCPU and the exit loop), memslots.c (guest RAM, its backing and
 * memslots, the host prefault) and pmu.c (the vPMU and the vGIC it may
 * need).  Nothing outside these three files includes it.
 */
#ifndef MAPBENCH_KVM_H
#define MAPBENCH_KVM_H

#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <mapbench/abi.h>

#include "util.h"
#include "loader.h"
#include "console.h"

/* Guest pages outside the tables: the params/record/image block at the
 * RAM base, and verify's read/write samples (at most 17 pages). */
#define MB_LOW_AREA	(MB_IMAGE_GPA + MB_IMAGE_MAX - MB_RAM_BASE)
#define MB_RW_SAMPLES	17

struct kvm_run;
struct mb_run_opts;
struct mb_outcome;
struct mb_kstats;
struct mb_wx;
struct mb_wx_sample;

struct mb_vm {
	const struct mb_run_opts *opts;
	struct mb_outcome *out;
	int kvm, vm, vcpu, vgic;
	struct kvm_run *run;
	size_t run_len;
	struct mb_ram ram[MB_MAX_BANKS];
	unsigned int nr_ram;
	uint64_t entry;
	uint64_t page;			/* backing page size */
	/* pinning: the thread's mask before --cpu */
	cpu_set_t old_cpus;
	int pinned;
	/* KVM_GET_STATS_FD */
	int vm_stats, vcpu_stats;
	struct mb_kstats *before;	/* [0] vm, [1] vcpu */
	/* --window-exits */
	struct mb_wx *wx;
	const struct mb_wx_sample *wx_s;
	uint64_t wx_off;		/* host CNTVCT - guest CNTVCT */
	/* timeout */
	timer_t timer;
	int have_timer, have_sigaction, have_sigmask;
	struct sigaction old_sa;
	sigset_t old_mask;
	/* the guest's PL011 */
	struct mb_console con;
};

/* The run's one-line error and its MB_EXIT_* code (run.h: the outcome). */
#define vm_err(v, code, ...) \
	mb_errf((code), (v)->out->err, sizeof((v)->out->err), __VA_ARGS__)

/* memslots.c: guest RAM.  0 or an MB_EXIT_* code with out->err set. */
int mb_kvm_backing_prepare(struct mb_vm *v);
int mb_kvm_memslots_add(struct mb_vm *v);
int mb_kvm_prefault(struct mb_vm *v);
struct mb_ram *mb_kvm_ram_find(struct mb_vm *v, uint64_t gpa, uint64_t len);
/* After the run: what the host gave (smaps), checked against the ask. */
int mb_kvm_backing_check(struct mb_vm *v);
void mb_kvm_ram_free(struct mb_vm *v);

/* pmu.c: the vPMU, after KVM_ARM_VCPU_INIT with the PMU feature. */
int mb_kvm_pmu_init(struct mb_vm *v);

#endif /* MAPBENCH_KVM_H */
