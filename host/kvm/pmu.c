// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVM backend's vPMU (--pmu), and the in-kernel vGICv3 only a KVM
 * that refuses a PMU without an irqchip needs.  Called by vmm.c once the
 * vCPU is initialised with KVM_ARM_VCPU_PMU_V3.
 */
#include <string.h>

#include "kvm.h"
#include "options.h"
#include "hostinfo.h"
#include "run.h"

#ifdef __aarch64__

#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

/* Only when the vPMU needs an in-kernel GIC: QEMU virt's addresses, clear
 * of RAM and the UART; PPI 7 as QEMU and crosvm wire the PMU. */
#define MB_GICD_GPA	0x08000000ULL
#define MB_GICR_GPA	0x080a0000ULL
#define MB_PMU_PPI	23

static int dev_attr(int fd, unsigned long req, uint32_t group,
		    uint64_t attr, void *addr)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uintptr_t)addr,
	};

	return ioctl(fd, req, &a);
}

/* An in-kernel GICv3 for one vCPU, only for a vPMU that needs one. */
static int create_vgic(struct mb_vm *v)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = MB_GICD_GPA, redist = MB_GICR_GPA;

	if (ioctl(v->vm, KVM_CREATE_DEVICE, &cd))
		return vm_err(v, MB_EXIT_HOST,
			      "--pmu: this KVM needs an in-kernel GICv3 for the vPMU and cannot create one: %s",
			      strerror(errno));
	v->vgic = cd.fd;
	if (dev_attr(v->vgic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
		     KVM_VGIC_V3_ADDR_TYPE_DIST, &dist) ||
	    dev_attr(v->vgic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
		     KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist))
		return vm_err(v, MB_EXIT_VMM, "vGICv3 addresses: %s",
			      strerror(errno));
	return 0;
}

/*
 * Hosts with two CPU types have a PMU each, and KVM runs a vPMU only on
 * the CPUs of the one backing it: with --cpu, ask for the PMU whose
 * "cpus" list holds that CPU.  Kernels before SET_PMU keep the default.
 */
static void set_pmu(struct mb_vm *v)
{
	int type;

	v->out->pmu_name[0] = '\0';
	if (!(v->opts->set & MB_SET_CPU) ||
	    mb_pmu_for_cpu(v->opts->cpu, &type, v->out->pmu_name,
			   sizeof(v->out->pmu_name)))
		return;
	if (dev_attr(v->vcpu, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_PMU_V3_CTRL,
		     KVM_ARM_VCPU_PMU_V3_SET_PMU, &type))
		v->out->pmu_name[0] = '\0';
}

/*
 * The vPMU.  KVM accepts a PMU with no in-kernel irqchip and no IRQ
 * (pmu-emul.c: "or to not have an in-kernel GIC and not set an IRQ"),
 * which is all a guest that only reads PMCCNTR_EL0 needs.  A KVM that
 * refuses that gets a vGICv3 and PPI 7.  MAPBENCH_PMU_IRQCHIP=vgic-v3
 * takes the second path directly (the kvm tier tests both).
 */
int mb_kvm_pmu_init(struct mb_vm *v)
{
	const char *force = getenv("MAPBENCH_PMU_IRQCHIP");
	int irq = MB_PMU_PPI, ret;

	set_pmu(v);
	if (!force || strcmp(force, "vgic-v3")) {
		if (!dev_attr(v->vcpu, KVM_SET_DEVICE_ATTR,
			      KVM_ARM_VCPU_PMU_V3_CTRL,
			      KVM_ARM_VCPU_PMU_V3_INIT, NULL)) {
			v->out->pmu_irqchip = "none";
			return 0;
		}
		if (errno != ENODEV && errno != ENXIO && errno != EINVAL)
			return vm_err(v, MB_EXIT_HOST,
				      "--pmu: KVM_ARM_VCPU_PMU_V3_INIT: %s",
				      strerror(errno));
	}
	ret = create_vgic(v);
	if (ret)
		return ret;
	if (dev_attr(v->vcpu, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_PMU_V3_CTRL,
		     KVM_ARM_VCPU_PMU_V3_IRQ, &irq))
		return vm_err(v, MB_EXIT_HOST, "--pmu: PMU IRQ %d: %s", irq,
			      strerror(errno));
	if (dev_attr(v->vgic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
		     KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))
		return vm_err(v, MB_EXIT_VMM, "vGICv3 init: %s",
			      strerror(errno));
	if (dev_attr(v->vcpu, KVM_SET_DEVICE_ATTR, KVM_ARM_VCPU_PMU_V3_CTRL,
		     KVM_ARM_VCPU_PMU_V3_INIT, NULL))
		return vm_err(v, MB_EXIT_HOST,
			      "--pmu: KVM_ARM_VCPU_PMU_V3_INIT with a vGICv3: %s",
			      strerror(errno));
	v->out->pmu_irqchip = "vgic-v3";
	return 0;
}

#endif /* __aarch64__ */
