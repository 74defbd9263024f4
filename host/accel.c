// SPDX-License-Identifier: GPL-2.0-only
/*
 * What "auto" means on this host: /dev/kvm opened and asked, never a VM
 * made.  The run side's default accelerator (main.c) and the matrix
 * runner's (its host checks before a point runs) come from here; the VMM
 * (kvm/vmm.c) asks the same questions again when it runs, and the
 * record says which accelerator ran.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "accel.h"

#define KVM_DEV		"/dev/kvm"
#define MB_KVM_API	12
#define MB_IPA_DEFAULT	40	/* kernels without the capability */

int mb_kvm_usable(void)
{
#ifdef __aarch64__
	int fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return 0;
	ok = ioctl(fd, KVM_GET_API_VERSION, 0) == MB_KVM_API &&
	     ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2) > 0;
	close(fd);
	return ok;
#else
	return 0;
#endif
}

int mb_kvm_ipa_limit(void)
{
	static int limit = -1;
	int fd, r;

	if (limit >= 0)
		return limit;
	limit = 0;
	fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return limit;
	r = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	/* 0: the capability is missing and KVM gives 40 bits */
	limit = r > 0 ? r : MB_IPA_DEFAULT;
	close(fd);
	return limit;
}
