// SPDX-License-Identifier: GPL-2.0-only
/*
 * What this image was built for, in an ELF section the host reads before
 * it starts a VM (abi.h, struct mb_image_info): the granule and VA size
 * are compile-time constants of the guest, as of a kernel.
 */
#include "compiler.h"
#include "pgtable.h"

static const struct mb_image_info mb_image
	__attribute__((section(MB_IMAGE_SECTION), used)) = {
	.magic = MB_IMAGE_MAGIC,
	.abi_version = MB_ABI_VERSION,
	.page_shift = PAGE_SHIFT,
	.va_bits = VA_BITS,
};
