// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVM backend: VM and vCPU life cycle and the exits of one run.
 *
 * One vCPU, no irqchip (unless the vPMU needs one), no devices: the guest
 * polls CNTVCT, prints with byte stores to the PL011 data register (MMIO
 * exits we turn into console bytes), leaves its record in guest RAM and
 * ends with PSCI SYSTEM_OFF, which KVM turns into a SHUTDOWN system
 * event.  Everything the guest hands us (MMIO addresses, data,
 * registers, the record) is untrusted.
 *
 * Around the run: guest RAM and its memslots (memslots.c), the vCPU
 * created in the (optionally pinned) thread that runs it, the vPMU
 * (pmu.c), the timeout, and KVM's binary stats read before the first
 * KVM_RUN and after the last.  The options come settled (options.c);
 * what only this host can tell is checked in memslots.c and here (the
 * IPA limit).  Nothing here touches or walks guest RAM the guest did not
 * touch, so set-up and teardown cost the same at 1G and at 1T.
 */
#include <string.h>

#include "kvm.h"
#include "options.h"
#include "cpufeat.h"
#include "record.h"
#include "layout.h"
#include "hostinfo.h"
#include "run.h"
#include "kvm/kvmstats.h"
#include "kvm/winexits.h"
#include "kvm/vmm.h"
#include "signals.h"

#ifdef __aarch64__

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif

#define KVM_DEV			"/dev/kvm"
#define MB_KVM_API		12
#define MB_IPA_DEFAULT		40	/* kernels without the capability */
#define MB_CONSOLE_CAP		(1u << 20)	/* forwarded bytes (-v) */
#define MB_RESULT_PAGE		MB_RESULT_MAX
#define MB_TIMER_SIG		SIGALRM

#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, x) / sizeof(__u32)))
#define REG_PC		CORE_REG(regs.pc)
#define REG_PSTATE	CORE_REG(regs.pstate)
#define REG_ELR_EL1	CORE_REG(elr_el1)
#define REG_ESR_EL1	ARM64_SYS_REG(3, 0, 5, 2, 0)
#define REG_FAR_EL1	ARM64_SYS_REG(3, 0, 6, 0, 0)
#define REG_MIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 0)
#define REG_ID_AA64MMFR0_EL1	ARM64_SYS_REG(3, 0, 0, 7, 0)
#define REG_ID_AA64MMFR2_EL1	ARM64_SYS_REG(3, 0, 0, 7, 2)

/* EL1h with D, A, I and F masked, as Linux is entered. */
#define MB_BOOT_PSTATE	0x3c5

/* Set from the timer signal; the vCPU loop owns everything else. */
static struct kvm_run *volatile mb_sig_run;
static volatile sig_atomic_t mb_timed_out;

static int get_reg(struct mb_vm *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(v->vcpu, KVM_GET_ONE_REG, &r);
}

static int set_reg(struct mb_vm *v, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(v->vcpu, KVM_SET_ONE_REG, &r);
}

/* "pc 0x... pstate 0x... ..." for failure messages; '?' if unreadable. */
static void reg_dump(struct mb_vm *v, char *buf, size_t len)
{
	static const struct { const char *name; uint64_t id; } regs[] = {
		{ "pc", REG_PC }, { "pstate", REG_PSTATE },
		{ "esr_el1", REG_ESR_EL1 }, { "far_el1", REG_FAR_EL1 },
		{ "elr_el1", REG_ELR_EL1 },
	};
	size_t i, n = 0;
	uint64_t val;

	buf[0] = '\0';
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]) && n < len; i++) {
		if (get_reg(v, regs[i].id, &val))
			n += snprintf(buf + n, len - n, "%s%s ?", i ? " " : "",
				      regs[i].name);
		else
			n += snprintf(buf + n, len - n, "%s%s 0x%llx",
				      i ? " " : "", regs[i].name,
				      (unsigned long long)val);
	}
}

/* A guest failure: the reason, the registers and the last console line. */
__attribute__((format(printf, 2, 3)))
static int guest_fail(struct mb_vm *v, const char *fmt, ...)
{
	char what[128], regs[160], line[96];
	va_list ap;

	va_start(ap, fmt);
	mb_verrf(0, what, sizeof(what), fmt, ap);
	va_end(ap);
	mb_console_last_line(&v->con, line, sizeof(line));
	reg_dump(v, regs, sizeof(regs));
	if (line[0])
		return vm_err(v, MB_EXIT_GUEST, "%s (%s; console: \"%s\")",
			      what, regs, line);
	return vm_err(v, MB_EXIT_GUEST, "%s (%s)", what, regs);
}

/* ---- guest RAM ---- */

static void *gpa_to_hva(struct mb_vm *v, uint64_t gpa, uint64_t len)
{
	struct mb_ram *r = mb_kvm_ram_find(v, gpa, len);

	return r ? r->hva + (gpa - r->gpa) : NULL;
}

/* ---- set-up ---- */

static int open_kvm(struct mb_vm *v)
{
	int api;

	v->kvm = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (v->kvm < 0)
		return vm_err(v, MB_EXIT_VMM, "cannot open %s: %s", KVM_DEV,
			      strerror(errno));
	api = ioctl(v->kvm, KVM_GET_API_VERSION, 0);
	if (api != MB_KVM_API)
		return vm_err(v, MB_EXIT_VMM, "%s: KVM API version %d, need %d",
			      KVM_DEV, api, MB_KVM_API);
	if (ioctl(v->kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2) <= 0)
		return vm_err(v, MB_EXIT_VMM, "%s: KVM lacks PSCI 0.2", KVM_DEV);
	return 0;
}

static int stats_fd(struct mb_vm *v, int fd)
{
	if (ioctl(v->kvm, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) <= 0)
		return -1;
	return ioctl(fd, KVM_GET_STATS_FD, NULL);
}

static int create_vm(struct mb_vm *v)
{
	const struct mb_params *p = &v->opts->params;
	uint64_t top = mb_layout_top(p->banks, p->nr_banks);
	const char *lim;
	int cap, bits;
	unsigned long type;

	cap = ioctl(v->kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	/* test hook: a smaller limit, as on Apple hosts */
	lim = getenv("MAPBENCH_KVM_IPA_LIMIT");
	if (cap > 0 && lim && atoi(lim) >= 32 && atoi(lim) < cap)
		cap = atoi(lim);
	v->out->ipa_limit = cap > 0 ? cap : MB_IPA_DEFAULT;
	bits = mb_ipa_bits(top);
	v->out->ipa_bits = bits;
	if (bits > v->out->ipa_limit) {
		uint64_t max = (1ULL << v->out->ipa_limit) - MB_RAM_BASE;

		return vm_err(v, MB_EXIT_HOST,
			      "guest RAM top 0x%llx needs a %d-bit IPA; this host's KVM allows %d bits (at most %llu GiB of RAM at 0x%lx)",
			      (unsigned long long)top, bits, v->out->ipa_limit,
			      (unsigned long long)(max >> 30),
			      (unsigned long)MB_RAM_BASE);
	}

	/* Without the capability only type 0 (40 bits) is accepted. */
	type = cap > 0 ? KVM_VM_TYPE_ARM_IPA_SIZE(bits) : 0;
	if (cap <= 0)
		v->out->ipa_bits = MB_IPA_DEFAULT;
	do
		v->vm = ioctl(v->kvm, KVM_CREATE_VM, type);
	while (v->vm < 0 && errno == EINTR);
	if (v->vm < 0)
		return vm_err(v, MB_EXIT_VMM, "KVM_CREATE_VM (%d-bit IPA): %s",
			      bits, strerror(errno));

	/* Let an undecodable MMIO access exit as such, not fail KVM_RUN. */
	if (ioctl(v->kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_NISV_TO_USER) > 0) {
		struct kvm_enable_cap ec = { .cap = KVM_CAP_ARM_NISV_TO_USER };

		ioctl(v->vm, KVM_ENABLE_CAP, &ec);
	}
	v->vm_stats = stats_fd(v, v->vm);
	return 0;
}

static int load_guest(struct mb_vm *v)
{
	void *params = gpa_to_hva(v, MB_PARAMS_GPA, sizeof(v->opts->params));
	void *result = gpa_to_hva(v, MB_RESULT_GPA, MB_RESULT_PAGE);
	struct mb_ram *img = mb_kvm_ram_find(v, MB_IMAGE_GPA, MB_IMAGE_MAX);
	struct mb_image_info info;

	if (!params || !result || !img)
		return vm_err(v, MB_EXIT_USAGE,
			      "no RAM bank holds 0x%lx-0x%lx (params, result, image)",
			      (unsigned long)MB_PARAMS_GPA,
			      (unsigned long)(MB_IMAGE_GPA + MB_IMAGE_MAX));
	memset(params, 0, sizeof(v->opts->params));
	memset(result, 0, MB_RESULT_PAGE);
	if (mb_elf_load(v->opts->guest_elf, img, &v->entry, &info,
			v->out->err, sizeof(v->out->err)))
		return MB_EXIT_USAGE;
	if (info.page_shift != v->opts->params.page_shift ||
	    info.va_bits != v->opts->params.va_bits)
		return vm_err(v, MB_EXIT_USAGE,
			      "%s: changed since it was checked (granule or VA size)",
			      v->opts->guest_elf);
	return 0;
}

/*
 * The guest's parameters, once the vCPU's ID registers are read: with
 * MB_PF_BBML when the strategy's kernel would take its block path on
 * this CPU.  (load_guest() checked the params page is in RAM.)
 */
static void write_params(struct mb_vm *v)
{
	struct mb_params p = v->opts->params;

	if (v->out->block_path)
		p.flags |= MB_PF_BBML;
	memcpy(gpa_to_hva(v, MB_PARAMS_GPA, sizeof(p)), &p, sizeof(p));
}

/*
 * --cpu: this thread is the vCPU thread; it is pinned before the vCPU is
 * created, so KVM never sees the vCPU on another CPU (api.rst: vCPU
 * ioctls belong to the thread that created the vCPU).
 */
static int pin_cpu(struct mb_vm *v)
{
	cpu_set_t set;

	if (!(v->opts->set & MB_SET_CPU))
		return 0;
	if (sched_getaffinity(0, sizeof(v->old_cpus), &v->old_cpus))
		return vm_err(v, MB_EXIT_VMM, "sched_getaffinity: %s",
			      strerror(errno));
	CPU_ZERO(&set);
	CPU_SET(v->opts->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return vm_err(v, MB_EXIT_USAGE, "--cpu %d: %s", v->opts->cpu,
			      strerror(errno));
	v->pinned = 1;
	return 0;
}

/*
 * What the guest's CPU offers, as the guest would read it: the granule
 * and VA size of the image, and BBML2_NOABORT for bbml2-*.  Exit 5
 * before the guest starts when the kernel could not run the point.
 */
static int check_cpu(struct mb_vm *v)
{
	struct mb_outcome *out = v->out;
	struct mb_cpu_ids *id = &out->cpu_ids;
	const struct mb_params *p = &v->opts->params;
	char why[MB_ERRLEN];
	int ret;

	if (get_reg(v, REG_MIDR_EL1, &id->midr) ||
	    get_reg(v, REG_ID_AA64MMFR0_EL1, &id->mmfr0) ||
	    get_reg(v, REG_ID_AA64MMFR2_EL1, &id->mmfr2))
		return vm_err(v, MB_EXIT_VMM,
			      "KVM_GET_ONE_REG (MIDR_EL1, ID_AA64MMFR0/2_EL1): %s",
			      strerror(errno));
	out->have_cpu_ids = 1;
	out->cpu_ids_from = "kvm-vcpu";
	out->bbml2_noabort = mb_cpu_bbml2_noabort(id, why, sizeof(why));
	out->bbml3 = mb_cpu_bbml3(id, why, sizeof(why));
	out->block_path = mb_bbml_block_path(v->opts, id);
	ret = mb_cpu_granule_check(id, p->page_shift, p->va_bits, out->err,
				   sizeof(out->err));
	if (!ret)
		ret = mb_bbml2_check(v->opts, id, out->err, sizeof(out->err));
	return ret;
}

static int create_vcpu(struct mb_vm *v)
{
	struct kvm_vcpu_init init;
	int len, ret;

	if (v->opts->pmu &&
	    ioctl(v->kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) <= 0)
		return vm_err(v, MB_EXIT_HOST,
			      "--pmu: this host's KVM has no vPMU (KVM_CAP_ARM_PMU_V3 is 0: no PMU driver, or not exposed)");
	ret = pin_cpu(v);
	if (ret)
		return ret;
	v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0);
	if (v->vcpu < 0)
		return vm_err(v, MB_EXIT_VMM, "KVM_CREATE_VCPU: %s",
			      strerror(errno));
	len = ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (len < (int)sizeof(struct kvm_run))
		return vm_err(v, MB_EXIT_VMM, "KVM_GET_VCPU_MMAP_SIZE: %d",
			      len);
	v->run = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return vm_err(v, MB_EXIT_VMM, "mmap of kvm_run: %s",
			      strerror(errno));
	}
	v->run_len = len;

	memset(&init, 0, sizeof(init));
	if (ioctl(v->vm, KVM_ARM_PREFERRED_TARGET, &init))
		return vm_err(v, MB_EXIT_VMM, "KVM_ARM_PREFERRED_TARGET: %s",
			      strerror(errno));
	/* PSCI 0.2 (+ PMU if asked): no SVE or ptrauth state to vary the
	 * timing. */
	memset(init.features, 0, sizeof(init.features));
	init.features[0] = 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (v->opts->pmu)
		init.features[0] |= 1u << KVM_ARM_VCPU_PMU_V3;
	if (ioctl(v->vcpu, KVM_ARM_VCPU_INIT, &init))
		return vm_err(v, MB_EXIT_VMM, "KVM_ARM_VCPU_INIT: %s",
			      strerror(errno));
	ret = check_cpu(v);
	if (ret)
		return ret;
	if (v->opts->pmu) {
		ret = mb_kvm_pmu_init(v);
		if (ret)
			return ret;
	}
	if (set_reg(v, REG_PSTATE, MB_BOOT_PSTATE) ||
	    set_reg(v, REG_PC, v->entry))
		return vm_err(v, MB_EXIT_VMM, "KVM_SET_ONE_REG: %s",
			      strerror(errno));
	v->vcpu_stats = stats_fd(v, v->vcpu);
	return 0;
}

/* ---- KVM binary stats ---- */

/* MAPBENCH_KVM_STATS_DUMP=DIR keeps the raw files (unit-tier fixtures). */
static void stats_dump(const char *name, const void *blob, size_t len)
{
	const char *dir = getenv("MAPBENCH_KVM_STATS_DUMP");
	char path[4096];
	FILE *f;

	if (!dir || !*dir ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s.bin", dir, name) >=
	    sizeof(path))
		return;
	f = fopen(path, "we");
	if (!f)
		return;
	fwrite(blob, 1, len, f);
	fclose(f);
}

/* Decode one stats fd now; 0 or -1 with err set. */
static int stats_snap(int fd, const char *name, struct mb_kstats *k,
		      char *err, size_t errlen)
{
	void *blob;
	size_t len;
	int ret;

	if (mb_kstats_read(fd, &blob, &len)) {
		snprintf(err, errlen, "reading KVM stats: %s", strerror(errno));
		return -1;
	}
	stats_dump(name, blob, len);
	ret = mb_kstats_decode(blob, len, k, err, errlen);
	free(blob);
	return ret;
}

static int stats_before(struct mb_vm *v)
{
	char err[MB_ERRLEN];

	if (v->vm_stats < 0 || v->vcpu_stats < 0)
		return 0;	/* before Linux 5.14: "stats": null */
	v->before = calloc(2, sizeof(*v->before));
	if (!v->before)
		return vm_err(v, MB_EXIT_VMM, "out of memory");
	if (stats_snap(v->vm_stats, "vm-before", &v->before[0], err,
		       sizeof(err)) ||
	    stats_snap(v->vcpu_stats, "vcpu-before", &v->before[1], err,
		       sizeof(err)))
		return vm_err(v, MB_EXIT_VMM, "%s", err);
	return 0;
}

static int stats_after(struct mb_vm *v)
{
	struct mb_kstats *after;
	char err[MB_ERRLEN];
	int ret = 0;

	if (!v->before)
		return 0;
	after = calloc(2, sizeof(*after));
	if (!after)
		return vm_err(v, MB_EXIT_VMM, "out of memory");
	if (stats_snap(v->vm_stats, "vm-after", &after[0], err,
		       sizeof(err)) ||
	    stats_snap(v->vcpu_stats, "vcpu-after", &after[1], err,
		       sizeof(err)) ||
	    mb_kstats_delta(&v->before[0], &after[0], &v->out->kvm_vm, err,
			    sizeof(err)) ||
	    mb_kstats_delta(&v->before[1], &after[1], &v->out->kvm_vcpu, err,
			    sizeof(err)))
		ret = vm_err(v, MB_EXIT_VMM, "%s", err);
	else
		v->out->have_kstats = 1;
	free(after);
	return ret;
}

/* ---- timeout ---- */

static void on_timer(int sig)
{
	struct kvm_run *run = mb_sig_run;

	(void)sig;
	mb_timed_out = 1;
	if (run)
		run->immediate_exit = 1;
}

static int arm_timer(struct mb_vm *v)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID,
				.sigev_signo = MB_TIMER_SIG };
	struct itimerspec its = { .it_value.tv_sec = v->opts->timeout_s };
	struct sigaction sa = { .sa_handler = on_timer };
	sigset_t set;

	mb_signals_kick(&v->run->immediate_exit);
	if (!v->opts->timeout_s)
		return 0;
	mb_timed_out = 0;
	mb_sig_run = v->run;
	sigemptyset(&sa.sa_mask);
	if (sigaction(MB_TIMER_SIG, &sa, &v->old_sa))
		goto fail;
	v->have_sigaction = 1;
	sigemptyset(&set);
	sigaddset(&set, MB_TIMER_SIG);
	if (pthread_sigmask(SIG_UNBLOCK, &set, &v->old_mask))
		goto fail;
	v->have_sigmask = 1;
	/* To this thread: KVM_RUN must see the signal to return EINTR. */
	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &v->timer))
		goto fail;
	v->have_timer = 1;
	if (timer_settime(v->timer, 0, &its, NULL))
		goto fail;
	return 0;
fail:
	return vm_err(v, MB_EXIT_VMM, "cannot set up the run timeout: %s",
		      strerror(errno));
}

static void disarm_timer(struct mb_vm *v)
{
	if (v->have_timer)
		timer_delete(v->timer);
	if (v->have_sigmask)
		pthread_sigmask(SIG_SETMASK, &v->old_mask, NULL);
	if (v->have_sigaction)
		sigaction(MB_TIMER_SIG, &v->old_sa, NULL);
	v->have_timer = v->have_sigmask = v->have_sigaction = 0;
	mb_sig_run = NULL;
	mb_signals_kick(NULL);
}

/* ---- exits ---- */

static void console_byte(struct mb_vm *v, uint8_t c)
{
	mb_console_feed(&v->con, &c, 1);
	if (!v->opts->verbose)
		return;
	if (v->con.total <= MB_CONSOLE_CAP)
		mb_console_forward(stdout, &c, 1);
	else if (v->con.total == MB_CONSOLE_CAP + 1)
		printf("\n[mapbench: guest console output over %u KiB dropped]\n",
		       MB_CONSOLE_CAP >> 10);
}

static int on_mmio(struct mb_vm *v)
{
	struct kvm_run *r = v->run;
	unsigned long long pa = r->mmio.phys_addr;
	const char *dir = r->mmio.is_write ? "write" : "read";

	if (pa != MB_UART_GPA)
		return guest_fail(v, "guest MMIO %s at 0x%llx outside the UART",
				  dir, pa);
	if (!r->mmio.is_write || r->mmio.len < 1 || r->mmio.len > 4)
		return guest_fail(v, "guest MMIO %s of %u bytes at the UART; only 1-4 byte writes are emulated",
				  dir, r->mmio.len);
	console_byte(v, r->mmio.data[0]);
	return 0;
}

static int on_system_event(struct mb_vm *v, int *done)
{
	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		*done = 1;
		return 0;
	case KVM_SYSTEM_EVENT_RESET:
		return guest_fail(v, "guest asked for a system reset");
	case KVM_SYSTEM_EVENT_CRASH:
		return guest_fail(v, "guest reported a crash");
	default:
		return guest_fail(v, "guest raised system event %u",
				  v->run->system_event.type);
	}
}

static int handle_exit(struct mb_vm *v, int *done)
{
	struct kvm_run *r = v->run;
	char regs[160];

	switch (r->exit_reason) {
	case KVM_EXIT_MMIO:
		return on_mmio(v);
	case KVM_EXIT_SYSTEM_EVENT:
		return on_system_event(v, done);
	case KVM_EXIT_INTR:
		return 0;
	case KVM_EXIT_ARM_NISV:
		return guest_fail(v, "guest MMIO at 0x%llx by an instruction KVM cannot emulate",
				  (unsigned long long)r->arm_nisv.fault_ipa);
	case KVM_EXIT_FAIL_ENTRY:
		/* the vPMU's host PMU does not cover this CPU (big.LITTLE) */
		if (r->fail_entry.hardware_entry_failure_reason &
		    KVM_EXIT_FAIL_ENTRY_CPU_UNSUPPORTED)
			return vm_err(v, MB_EXIT_HOST,
				      "--pmu: the vCPU ran on CPU %u, which the vPMU's host PMU does not cover (pin it with --cpu)",
				      r->fail_entry.cpu);
		/* On arm64 mostly an illegal exception return by the guest. */
		return guest_fail(v, "KVM could not enter the guest (reason 0x%llx)",
				  (unsigned long long)
				  r->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		reg_dump(v, regs, sizeof(regs));
		return vm_err(v, MB_EXIT_VMM, "KVM internal error %u (%s)",
			      r->internal.suberror, regs);
	default:
		reg_dump(v, regs, sizeof(regs));
		return vm_err(v, MB_EXIT_VMM, "unexpected KVM exit %u (%s)",
			      r->exit_reason, regs);
	}
}

static int timed_out(struct mb_vm *v)
{
	char regs[160];

	reg_dump(v, regs, sizeof(regs));
	return vm_err(v, MB_EXIT_TIMEOUT, "guest did not finish in %u s (%s)",
		      v->opts->timeout_s, regs);
}

static int run_loop(struct mb_vm *v)
{
	char buf[32];
	const char *backing = mb_backing_name(v->opts, buf, sizeof(buf));
	int done = 0, ret = 0;

	while (!ret && !done) {
		/* Clear before testing, so a late signal is never lost. */
		v->run->immediate_exit = 0;
		if (mb_stop_signal)
			return mb_signal_errf(mb_stop_signal, v->out->err,
					      sizeof(v->out->err), NULL);
		if (mb_timed_out)
			return timed_out(v);
		if (ioctl(v->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOSYS)
				return guest_fail(v, "guest MMIO by an instruction KVM cannot emulate");
			/* a page the host could not give (hugetlb pool) */
			if (errno == EFAULT)
				return vm_err(v, MB_EXIT_HOST,
					      "KVM_RUN: %s: the host could not back a guest page (--backing %s)",
					      strerror(errno), backing);
			return vm_err(v, MB_EXIT_VMM, "KVM_RUN: %s",
				      strerror(errno));
		}
		ret = handle_exit(v, &done);
	}
	return ret;
}

/*
 * --window-exits: the guest's CNTVCT is the host's minus an offset KVM
 * set at vCPU creation; read both around KVM_REG_ARM_TIMER_CNT (the
 * guest's count, by its historically swapped name) to learn it, to
 * within half the time the read took.
 */
static int start_wx(struct mb_vm *v)
{
	const struct mb_kstat *e;
	uint64_t h0, h1, g;

	if (!v->opts->window_exits)
		return 0;
	e = v->before ? mb_kstats_get(&v->before[1], "exits") : NULL;
	if (!e || e->size != 1)
		return vm_err(v, MB_EXIT_HOST,
			      "--window-exits: this KVM has no vCPU 'exits' statistic");
	h0 = mb_host_cntvct();
	if (get_reg(v, KVM_REG_ARM_TIMER_CNT, &g))
		return vm_err(v, MB_EXIT_VMM, "reading the guest counter: %s",
			      strerror(errno));
	h1 = mb_host_cntvct();
	v->wx_off = h0 + (h1 - h0) / 2 - g;
	v->out->wx_slack = (h1 - h0) / 2 + 1;
	if (v->pinned) {
		cpu_set_t others = v->old_cpus;

		CPU_CLR(v->opts->cpu, &others);
		v->wx = mb_wx_start(v->vcpu_stats, e->at,
				    CPU_COUNT(&others) ? &others : NULL);
	} else {
		v->wx = mb_wx_start(v->vcpu_stats, e->at, NULL);
	}
	if (!v->wx)
		return vm_err(v, MB_EXIT_VMM, "--window-exits sampler: %s",
			      strerror(errno));
	return 0;
}

static int run_vcpu(struct mb_vm *v)
{
	int ret;

	ret = arm_timer(v);
	if (!ret)
		ret = stats_before(v);
	if (!ret)
		ret = start_wx(v);
	if (ret)
		return ret;
	v->out->t_entry = mb_now();
	ret = run_loop(v);
	v->out->t_exit = mb_now();
	v->out->wx_samples = mb_wx_stop(v->wx, &v->wx_s);
	v->out->host_cpu = sched_getcpu();
	if (!ret)
		ret = stats_after(v);
	return ret;
}

/* Magic, version and checksum hold: the guest wrote this, whole. */
static int record_intact(const struct mb_result *r)
{
	return r->magic == MB_RESULT_MAGIC &&
	       r->abi_version == MB_ABI_VERSION && r->size == sizeof(*r) &&
	       r->status < MB_NR_STATUS &&
	       r->checksum == mb_fnv1a(MB_FNV_OFFSET, r,
				       offsetof(struct mb_result, checksum));
}

static int collect(struct mb_vm *v)
{
	struct mb_outcome *out = v->out;
	uint8_t raw[sizeof(struct mb_result)];
	const void *res = gpa_to_hva(v, MB_RESULT_GPA, sizeof(raw));
	int ret;

	/* Snapshot first: the checker must not read shared guest memory. */
	memcpy(raw, res, sizeof(raw));
	memset(&out->rec, 0, sizeof(out->rec));
	ret = mb_record_check(raw, sizeof(raw), &v->opts->params, &out->rec,
			      out->err, sizeof(out->err));
	/* A guest-reported failure still has a record worth reporting. */
	out->have_record = !ret ||
		(ret == MB_EXIT_GUEST && record_intact(&out->rec));
	return ret;
}

static int after_run(struct mb_vm *v)
{
	struct mb_outcome *out = v->out;

	if (v->wx_s)
		out->have_wx = !mb_wx_count(v->wx_s, out->wx_samples,
					    out->rec.t_start + v->wx_off,
					    out->rec.t_end + v->wx_off,
					    out->wx_slack, &out->wx_min,
					    &out->wx_max);
	out->have_midr = !mb_cpu_midr(out->host_cpu, &out->host_midr);
	out->host_cntfrq = mb_host_cntfrq();
	return mb_kvm_backing_check(v);
}

static void teardown(struct mb_vm *v)
{
	disarm_timer(v);
	if (v->wx && !v->wx_s)
		mb_wx_stop(v->wx, &v->wx_s);
	mb_wx_free(v->wx);
	if (v->opts->verbose)
		fflush(stdout);
	if (v->run)
		munmap(v->run, v->run_len);
	if (v->vcpu_stats >= 0)
		close(v->vcpu_stats);
	if (v->vm_stats >= 0)
		close(v->vm_stats);
	free(v->before);
	if (v->vcpu >= 0)
		close(v->vcpu);
	if (v->vgic >= 0)
		close(v->vgic);
	if (v->vm >= 0)
		close(v->vm);
	mb_kvm_ram_free(v);
	if (v->kvm >= 0)
		close(v->kvm);
	if (v->pinned)
		sched_setaffinity(0, sizeof(v->old_cpus), &v->old_cpus);
}

int mb_kvm_run(const struct mb_run_opts *opts, struct mb_outcome *out)
{
	struct mb_vm v = { .opts = opts, .out = out, .kvm = -1, .vm = -1,
			   .vcpu = -1, .vgic = -1, .vm_stats = -1,
			   .vcpu_stats = -1 };
	double t0 = mb_now();
	int ret;

	snprintf(out->accel_desc, sizeof(out->accel_desc), "kvm");
	out->hwm_reset = !mb_reset_hwm();

	ret = open_kvm(&v);
	if (!ret)
		ret = create_vm(&v);
	if (!ret)
		ret = mb_kvm_backing_prepare(&v);
	if (!ret)
		ret = mb_kvm_memslots_add(&v);
	if (!ret && opts->prefault == MB_PREFAULT_HOST)
		ret = mb_kvm_prefault(&v);
	if (!ret)
		ret = load_guest(&v);
	if (!ret)
		ret = create_vcpu(&v);
	if (!ret)
		write_params(&v);
	if (!ret)
		ret = run_vcpu(&v);
	if (!ret)
		ret = collect(&v);
	if (!ret)
		ret = after_run(&v);
	teardown(&v);
	out->t_done = mb_now();
	out->wall_s = out->t_done - t0;
	if (!ret && mb_stop_signal)
		ret = mb_signal_errf(mb_stop_signal, out->err,
				     sizeof(out->err), NULL);
	return ret;
}

#else /* !__aarch64__ */

int mb_kvm_run(const struct mb_run_opts *opts, struct mb_outcome *out)
{
	(void)opts;
	snprintf(out->accel_desc, sizeof(out->accel_desc), "kvm");
	snprintf(out->err, sizeof(out->err),
		 "KVM backend needs an arm64 host");
	return MB_EXIT_VMM;
}

#endif /* __aarch64__ */
