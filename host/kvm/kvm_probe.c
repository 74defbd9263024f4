// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVM backend's probe: what /dev/kvm offers, read the way vmm.c
 * reads it for a run (KVM_CHECK_EXTENSION; the vCPU's ID registers with
 * KVM_GET_ONE_REG after KVM_ARM_VCPU_INIT), with nothing run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvm_probe.h"

#define KVM_DEV		"/dev/kvm"
#define IPA_DEFAULT	40	/* kernels without KVM_CAP_ARM_VM_IPA_SIZE */

#ifdef __aarch64__
#include <linux/kvm.h>

#define SYS_REG(op0, op1, crn, crm, op2) \
	ARM64_SYS_REG(op0, op1, crn, crm, op2)

static int get_reg(int vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu, KVM_GET_ONE_REG, &r);
}

/* A VM at the largest IPA the host allows, one vCPU, its ID registers. */
static void read_ids(int kvm, struct mb_kvm_probe *p)
{
	unsigned long type = p->ipa_cap ? KVM_VM_TYPE_ARM_IPA_SIZE(p->ipa_limit)
					: 0;
	struct kvm_vcpu_init init;
	int vm, vcpu = -1;

	do
		vm = ioctl(kvm, KVM_CREATE_VM, type);
	while (vm < 0 && errno == EINTR);
	if (vm < 0) {
		snprintf(p->err, sizeof(p->err), "KVM_CREATE_VM: %s",
			 strerror(errno));
		return;
	}
	memset(&init, 0, sizeof(init));
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		snprintf(p->err, sizeof(p->err), "KVM_CREATE_VCPU: %s",
			 strerror(errno));
	else if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		snprintf(p->err, sizeof(p->err),
			 "KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
	else if ((init.features[0] = 1u << KVM_ARM_VCPU_PSCI_0_2,
		  ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)))
		snprintf(p->err, sizeof(p->err), "KVM_ARM_VCPU_INIT: %s",
			 strerror(errno));
	else if (get_reg(vcpu, SYS_REG(3, 0, 0, 0, 0), &p->ids.midr) ||
		 get_reg(vcpu, SYS_REG(3, 0, 0, 7, 0), &p->ids.mmfr0) ||
		 get_reg(vcpu, SYS_REG(3, 0, 0, 7, 2), &p->ids.mmfr2))
		snprintf(p->err, sizeof(p->err), "KVM_GET_ONE_REG: %s",
			 strerror(errno));
	else
		p->have_ids = 1;
	if (vcpu >= 0)
		close(vcpu);
	close(vm);
}

static void probe_kvm(int kvm, struct mb_kvm_probe *p)
{
	int cap;

	p->arm64 = 1;
	p->api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	p->psci = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2) > 0;
	cap = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	p->ipa_cap = cap > 0;
	p->ipa_limit = cap > 0 ? cap : IPA_DEFAULT;
	p->pmu = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) > 0;
	if (p->api == KVM_API_VERSION)
		read_ids(kvm, p);
}

#else /* !__aarch64__ */

/* Another architecture's KVM runs no arm64 guest. */
static void probe_kvm(int kvm, struct mb_kvm_probe *p)
{
	(void)kvm;
	p->ipa_limit = 0;
	snprintf(p->err, sizeof(p->err),
		 "mapbench is built for another architecture: its KVM runs no arm64 guest");
}

#endif /* __aarch64__ */

void mb_kvm_probe(struct mb_kvm_probe *p)
{
	struct stat st;
	int kvm;

	memset(p, 0, sizeof(*p));
	p->api = -1;
	p->present = !stat(KVM_DEV, &st);
	if (!p->present) {
		p->open_errno = ENOENT;
		return;
	}
	kvm = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		p->open_errno = errno;
		return;
	}
	probe_kvm(kvm, p);
	close(kvm);
}
