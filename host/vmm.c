// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVM backend: VM and vCPU life cycle and the exits of one run.
 *
 * One vCPU, no irqchip, no devices: the guest polls CNTVCT, prints with
 * byte stores to the PL011 data register (MMIO exits we turn into
 * console bytes), leaves its record in guest RAM and ends with PSCI
 * SYSTEM_OFF, which KVM turns into a SHUTDOWN system event.  Everything
 * the guest hands us (MMIO addresses, data, registers, the record) is
 * untrusted.
 */
#include <string.h>

#include "mapbench.h"

#ifdef __aarch64__

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
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
#ifndef MB_CONSOLE_CAP
#define MB_CONSOLE_CAP		(1u << 20)	/* forwarded bytes */
#endif
#define MB_RESULT_PAGE		0x1000
#define MB_TIMER_SIG		SIGALRM

#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, x) / sizeof(__u32)))
#define REG_PC		CORE_REG(regs.pc)
#define REG_PSTATE	CORE_REG(regs.pstate)
#define REG_ELR_EL1	CORE_REG(elr_el1)
#define REG_ESR_EL1	ARM64_SYS_REG(3, 0, 5, 2, 0)
#define REG_FAR_EL1	ARM64_SYS_REG(3, 0, 6, 0, 0)

/* EL1h with D, A, I and F masked, as Linux is entered. */
#define MB_BOOT_PSTATE	0x3c5

struct mb_vm {
	const struct mb_config *cfg;
	struct mb_outcome *out;
	int kvm, vm, vcpu;
	struct kvm_run *run;
	size_t run_len;
	struct mb_ram ram[MB_MAX_BANKS];
	unsigned int nr_ram;
	uint64_t entry;
	/* timeout */
	timer_t timer;
	int have_timer, have_sigaction, have_sigmask;
	struct sigaction old_sa;
	sigset_t old_mask;
	/* console */
	uint64_t con_total;
	char con_cur[96], con_last[96];
	size_t con_cur_len;
};

/* Set from the timer signal; the vCPU loop owns everything else. */
static struct kvm_run *volatile mb_sig_run;
static volatile sig_atomic_t mb_timed_out;

__attribute__((format(printf, 3, 4)))
static int vm_err(struct mb_vm *v, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->out->err, sizeof(v->out->err), fmt, ap);
	va_end(ap);
	return code;
}

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
	const char *line = v->con_cur_len ? v->con_cur : v->con_last;
	char what[128], regs[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	reg_dump(v, regs, sizeof(regs));
	if (line[0])
		return vm_err(v, MB_EXIT_GUEST, "%s (%s; console: \"%s\")",
			      what, regs, line);
	return vm_err(v, MB_EXIT_GUEST, "%s (%s)", what, regs);
}

/* ---- guest RAM ---- */

static struct mb_ram *ram_find(struct mb_vm *v, uint64_t gpa, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < v->nr_ram; i++) {
		struct mb_ram *r = &v->ram[i];

		if (gpa >= r->gpa && gpa - r->gpa <= r->size &&
		    len <= r->size - (gpa - r->gpa))
			return r;
	}
	return NULL;
}

static void *gpa_to_hva(struct mb_vm *v, uint64_t gpa, uint64_t len)
{
	struct mb_ram *r = ram_find(v, gpa, len);

	return r ? r->hva + (gpa - r->gpa) : NULL;
}

static int fls64(uint64_t x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* Checks the banks the caller put in the params; returns the RAM top. */
static int check_banks(struct mb_vm *v, uint64_t *top)
{
	const struct mb_params *p = &v->cfg->params;
	uint64_t psz = sysconf(_SC_PAGESIZE);
	unsigned int i, j;

	if (!p->nr_banks || p->nr_banks > MB_MAX_BANKS)
		return vm_err(v, MB_EXIT_USAGE, "bad number of RAM banks: %u",
			      p->nr_banks);
	*top = 0;
	for (i = 0; i < p->nr_banks; i++) {
		const struct mb_bank *b = &p->banks[i];

		if (!b->size || ((b->base | b->size) & (psz - 1)) ||
		    b->base < MB_RAM_BASE || b->base + b->size < b->base)
			return vm_err(v, MB_EXIT_USAGE,
				      "RAM bank %u at 0x%llx+0x%llx is not page aligned RAM above 0x%lx",
				      i, (unsigned long long)b->base,
				      (unsigned long long)b->size,
				      (unsigned long)MB_RAM_BASE);
		for (j = 0; j < i; j++)
			if (b->base < p->banks[j].base + p->banks[j].size &&
			    p->banks[j].base < b->base + b->size)
				return vm_err(v, MB_EXIT_USAGE,
					      "RAM banks %u and %u overlap",
					      j, i);
		if (b->base + b->size > *top)
			*top = b->base + b->size;
	}
	return 0;
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

static int create_vm(struct mb_vm *v)
{
	uint64_t top = 0;
	int ret, cap, bits;
	unsigned long type;

	ret = check_banks(v, &top);
	if (ret)
		return ret;
	cap = ioctl(v->kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	v->out->ipa_limit = cap > 0 ? cap : MB_IPA_DEFAULT;
	bits = fls64(top - 1);
	if (bits < 32)
		bits = 32;
	v->out->ipa_bits = bits;
	if (bits > v->out->ipa_limit) {
		uint64_t max = (1ULL << v->out->ipa_limit) - MB_RAM_BASE;

		return vm_err(v, MB_EXIT_USAGE,
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
	return 0;
}

static int map_ram(struct mb_vm *v)
{
	const struct mb_params *p = &v->cfg->params;
	char err[MB_ERRLEN];
	unsigned int i;

	for (i = 0; i < p->nr_banks; i++) {
		struct mb_ram *r = &v->ram[i];
		struct kvm_userspace_memory_region mr;

		if (mb_ram_alloc(r, p->banks[i].base, p->banks[i].size, err,
				 sizeof(err)))
			return vm_err(v, MB_EXIT_VMM, "%s", err);
		v->nr_ram++;
		mr = (struct kvm_userspace_memory_region){
			.slot = i,
			.guest_phys_addr = r->gpa,
			.memory_size = r->size,
			.userspace_addr = (uintptr_t)r->hva,
		};
		if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &mr))
			return vm_err(v, MB_EXIT_VMM,
				      "KVM_SET_USER_MEMORY_REGION slot %u (0x%llx bytes at 0x%llx): %s",
				      i, (unsigned long long)r->size,
				      (unsigned long long)r->gpa,
				      strerror(errno));
	}
	return 0;
}

static int load_guest(struct mb_vm *v)
{
	void *params = gpa_to_hva(v, MB_PARAMS_GPA, sizeof(v->cfg->params));
	void *result = gpa_to_hva(v, MB_RESULT_GPA, MB_RESULT_PAGE);
	struct mb_ram *img = ram_find(v, MB_IMAGE_GPA, MB_IMAGE_MAX);

	if (!params || !result || !img)
		return vm_err(v, MB_EXIT_USAGE,
			      "no RAM bank holds 0x%lx-0x%lx (params, result, image)",
			      (unsigned long)MB_PARAMS_GPA,
			      (unsigned long)(MB_IMAGE_GPA + MB_IMAGE_MAX));
	memcpy(params, &v->cfg->params, sizeof(v->cfg->params));
	memset(result, 0, MB_RESULT_PAGE);
	if (mb_elf_load(v->cfg->guest_elf, img, &v->entry, v->out->err,
			sizeof(v->out->err)))
		return MB_EXIT_USAGE;
	return 0;
}

static int create_vcpu(struct mb_vm *v)
{
	struct kvm_vcpu_init init;
	int len;

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
	/* PSCI 0.2 only: no SVE, ptrauth or PMU state to vary the timing. */
	memset(init.features, 0, sizeof(init.features));
	init.features[0] = 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(v->vcpu, KVM_ARM_VCPU_INIT, &init))
		return vm_err(v, MB_EXIT_VMM, "KVM_ARM_VCPU_INIT: %s",
			      strerror(errno));
	if (set_reg(v, REG_PSTATE, MB_BOOT_PSTATE) ||
	    set_reg(v, REG_PC, v->entry))
		return vm_err(v, MB_EXIT_VMM, "KVM_SET_ONE_REG: %s",
			      strerror(errno));
	return 0;
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
	struct itimerspec its = { .it_value.tv_sec = v->cfg->timeout_s };
	struct sigaction sa = { .sa_handler = on_timer };
	sigset_t set;

	if (!v->cfg->timeout_s)
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
}

/* ---- exits ---- */

static void console_byte(struct mb_vm *v, uint8_t c)
{
	int shown = (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t';

	/* Guest bytes never reach the terminal raw: no escape sequences. */
	if (c == '\r')
		return;
	if (!shown)
		c = '?';
	if (c == '\n') {
		if (v->con_cur_len) {
			memcpy(v->con_last, v->con_cur, sizeof(v->con_last));
			v->con_cur_len = 0;
			v->con_cur[0] = '\0';
		}
	} else if (v->con_cur_len < sizeof(v->con_cur) - 1) {
		v->con_cur[v->con_cur_len++] = c == '"' ? '\'' : c;
		v->con_cur[v->con_cur_len] = '\0';
	}

	if (!v->cfg->verbose)
		return;
	if (v->con_total < MB_CONSOLE_CAP)
		putchar(c);
	else if (v->con_total == MB_CONSOLE_CAP)
		printf("\n[mapbench: guest console output over %u KiB dropped]\n",
		       MB_CONSOLE_CAP >> 10);
	v->con_total++;
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
		      v->cfg->timeout_s, regs);
}

static int run_vcpu(struct mb_vm *v)
{
	int done = 0, ret;

	ret = arm_timer(v);
	while (!ret && !done) {
		/* Clear before testing, so a late signal is never lost. */
		v->run->immediate_exit = 0;
		if (mb_timed_out)
			return timed_out(v);
		if (ioctl(v->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOSYS)
				return guest_fail(v, "guest MMIO by an instruction KVM cannot emulate");
			return vm_err(v, MB_EXIT_VMM, "KVM_RUN: %s",
				      strerror(errno));
		}
		ret = handle_exit(v, &done);
	}
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
	ret = mb_record_check(raw, sizeof(raw), &v->cfg->params, &out->rec,
			      out->err, sizeof(out->err));
	/* A guest-reported failure still has a record worth reporting. */
	out->have_record = !ret ||
		(ret == MB_EXIT_GUEST && record_intact(&out->rec));
	return ret;
}

static void teardown(struct mb_vm *v)
{
	unsigned int i;

	disarm_timer(v);
	if (v->cfg->verbose)
		fflush(stdout);
	if (v->run)
		munmap(v->run, v->run_len);
	if (v->vcpu >= 0)
		close(v->vcpu);
	if (v->vm >= 0)
		close(v->vm);
	for (i = 0; i < v->nr_ram; i++)
		mb_ram_free(&v->ram[i]);
	if (v->kvm >= 0)
		close(v->kvm);
}

int mb_kvm_run(const struct mb_config *cfg, struct mb_outcome *out)
{
	struct mb_vm v = { .cfg = cfg, .out = out, .kvm = -1, .vm = -1,
			   .vcpu = -1 };
	double t0 = mb_now();
	int ret;

	memset(out, 0, sizeof(*out));
	snprintf(out->accel_desc, sizeof(out->accel_desc), "kvm");

	ret = open_kvm(&v);
	if (!ret)
		ret = create_vm(&v);
	if (!ret)
		ret = map_ram(&v);
	if (!ret)
		ret = load_guest(&v);
	if (!ret)
		ret = create_vcpu(&v);
	if (!ret)
		ret = run_vcpu(&v);
	if (!ret)
		ret = collect(&v);
	teardown(&v);
	out->wall_s = mb_now() - t0;
	return ret;
}

int mb_kvm_usable(void)
{
	int fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return 0;
	ok = ioctl(fd, KVM_GET_API_VERSION, 0) == MB_KVM_API &&
	     ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2) > 0;
	close(fd);
	return ok;
}

#else /* !__aarch64__ */

int mb_kvm_run(const struct mb_config *cfg, struct mb_outcome *out)
{
	(void)cfg;
	memset(out, 0, sizeof(*out));
	snprintf(out->accel_desc, sizeof(out->accel_desc), "kvm");
	snprintf(out->err, sizeof(out->err),
		 "KVM backend needs an arm64 host");
	return MB_EXIT_VMM;
}

int mb_kvm_usable(void)
{
	return 0;
}

#endif /* __aarch64__ */
