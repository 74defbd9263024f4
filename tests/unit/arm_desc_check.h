/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every descriptor field and prot guest/pgtable.h defines for the engine,
 * beside the same field from tests/unit/arm_desc.h (the manual's and the
 * kernels' headers' statement), for this build's granule and VA size.
 * test_linear_map checks each pair equal and names the field that
 * differs.  Included by test_linear_map.c after pgtable.h.
 */
#ifndef MB_ARM_DESC_CHECK_H
#define MB_ARM_DESC_CHECK_H

#include "arm_desc.h"

struct ad_pair {
	const char *field;
	uint64_t engine;	/* guest/pgtable.h */
	uint64_t manual;	/* tests/unit/arm_desc.h */
};

#define AD_MAX_PAIRS	48

/* Fills p[]; returns how many pairs. */
static inline int ad_pairs(struct ad_pair *p)
{
	const struct ad_kernel *k61 = &ad_kernels[AD_LINUX_6_1];
	const struct ad_kernel *k612 = &ad_kernels[AD_LINUX_6_12];
	const struct ad_kernel *k73 = &ad_kernels[AD_LINUX_7_3];
	enum ad_oa_format f = ad_oa_format_of(PAGE_SHIFT, VA_BITS);
	int n = 0;

#define PAIR(name, eng, man)						\
	do {								\
		if (n < AD_MAX_PAIRS)					\
			p[n++] = (struct ad_pair){ name, (uint64_t)(eng), \
						   (uint64_t)(man) };	\
	} while (0)
	PAIR("PTE_VALID", PTE_VALID, AD_VALID);
	PAIR("PTE_TABLE_BIT", PTE_TABLE_BIT, AD_TYPE_BIT);
	PAIR("PTE_TYPE_MASK", PTE_TYPE_MASK, AD_TYPE_MASK);
	PAIR("PTE_TYPE_PAGE", PTE_TYPE_PAGE, AD_TYPE_PAGE);
	PAIR("PMD_TYPE_TABLE", PMD_TYPE_TABLE, AD_TYPE_TABLE);
	PAIR("PMD_TYPE_SECT", PMD_TYPE_SECT, AD_TYPE_BLOCK);
	PAIR("PTE_ATTRINDX_MASK", PTE_ATTRINDX_MASK, AD_ATTRINDX_MASK);
	PAIR("PTE_ATTRINDX(7)", PTE_ATTRINDX(7), AD_ATTRINDX(7));
	PAIR("PTE_USER", PTE_USER, AD_AP1);
	PAIR("PTE_RDONLY", PTE_RDONLY, AD_AP2);
	PAIR("PTE_SHARED", PTE_SHARED, AD_SH_INNER);
	PAIR("PTE_MAYBE_SHARED", PTE_MAYBE_SHARED,
	     ad_prot_default(f) & AD_SH_MASK);
	PAIR("MB_LPA2", MB_LPA2, f == AD_OA_52_LPA2);
	PAIR("PTE_AF", PTE_AF, AD_AF);
	PAIR("PTE_NG", PTE_NG, AD_NG);
	PAIR("PTE_DBM", PTE_DBM, AD_DBM);
	PAIR("PTE_WRITE", PTE_WRITE, AD_LINUX_PTE_WRITE);
	PAIR("PTE_CONT", PTE_CONT, AD_CONTIGUOUS);
	PAIR("PTE_PXN", PTE_PXN, AD_PXN);
	PAIR("PTE_UXN", PTE_UXN, AD_UXN);
	PAIR("PTE_DIRTY", PTE_DIRTY, AD_LINUX_PTE_DIRTY);
	PAIR("PMD_TABLE_AF", PMD_TABLE_AF, AD_TABLE_AF);
	PAIR("PMD_TABLE_PXN", PMD_TABLE_PXN, AD_TABLE_PXN);
	PAIR("PMD_TABLE_UXN", PMD_TABLE_UXN, AD_TABLE_UXN);
	/* pgtable.h's mask is the 48-bit one (the engine's PAs are below
	 * 2^48; engine.c converts for LPA/LPA2 itself) */
	PAIR("PTE_ADDR_MASK", PTE_ADDR_MASK, ad_oa_mask(AD_OA_48, PAGE_SHIFT));
	PAIR("MT_NORMAL", MT_NORMAL, k61->mt_normal);
	PAIR("MT_NORMAL_TAGGED", MT_NORMAL_TAGGED, k61->mt_normal_tagged);
	PAIR("MT_NORMAL_NC", MT_NORMAL_NC, k61->mt_normal_nc);
	PAIR("MT_DEVICE_nGnRnE", MT_DEVICE_nGnRnE, k61->mt_device_ngnrne);
	PAIR("MT_DEVICE_nGnRE", MT_DEVICE_nGnRE, k61->mt_device_ngnre);
	PAIR("MAIR_EL1_VALUE", MAIR_EL1_VALUE, ad_mair_el1(k61));
	PAIR("MAIR_EL1_VALUE (7.3)", MAIR_EL1_VALUE, ad_mair_el1(k73));
	PAIR("PROT_DEFAULT", PROT_DEFAULT, ad_prot_default(f));
	/* pgtable.h's PAGE_KERNEL is 6.1's, 6.12's and 7.3's (6.18's
	 * lacks PTE_DIRTY: engine.c's kernel_prot() drops it) */
	PAIR("PAGE_KERNEL (6.1)", PAGE_KERNEL, ad_page_kernel(k61, f));
	PAIR("PAGE_KERNEL (6.12)", PAGE_KERNEL, ad_page_kernel(k612, f));
	PAIR("PAGE_KERNEL (7.3)", PAGE_KERNEL, ad_page_kernel(k73, f));
	PAIR("PAGE_KERNEL_TAGGED (6.1)", PAGE_KERNEL_TAGGED,
	     ad_page_kernel_tagged(k61, f));
	PAIR("PAGE_KERNEL_TAGGED (6.12)", PAGE_KERNEL_TAGGED,
	     ad_page_kernel_tagged(k612, f));
	PAIR("PAGE_KERNEL_TAGGED (7.3)", PAGE_KERNEL_TAGGED,
	     ad_page_kernel_tagged(k73, f));
	PAIR("PAGE_KERNEL_EXEC (6.1)", PAGE_KERNEL_EXEC,
	     ad_page_kernel_exec(k61, f));
#undef PAIR
	return n;
}

#endif
