/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMSAv8-64 stage-1 translation table descriptors, for the unit tier's
 * expectations: a second statement of what guest/pgtable.h states for
 * the engine, written from the Arm ARM (DDI 0487, "Translation table
 * descriptor formats" and "Memory attribute fields in the VMSAv8-64
 * translation table format descriptors") and from the reference
 * kernels' arch/arm64/include/asm/pgtable-hwdef.h, pgtable-prot.h and
 * memory.h.  It neither includes nor uses pgtable.h: test_linear_map's
 * model builds its expected leaves and table entries from this file
 * alone, and a separate check compares every field here with the
 * engine's, by name, so a wrong bit in either fails.
 *
 * Prefixes: AD_ for the architecture's fields, ad_ for how the kernels
 * compose them.
 */
#ifndef MB_ARM_DESC_H
#define MB_ARM_DESC_H

#include <stdint.h>

#define AD_BIT(n)		((uint64_t)1 << (n))
/* bits [hi:lo] set */
#define AD_BITS(hi, lo)		((~(uint64_t)0 >> (63 - (hi))) & \
				 (~(uint64_t)0 << (lo)))

/*
 * Descriptor bits [1:0].  Bit 0 is the valid bit at every level; bit 1
 * tells a table (levels 0-2) from a block, and at level 3 must be 1 for
 * a page (0b01 at level 3 is reserved, treated as invalid).
 */
#define AD_VALID		AD_BIT(0)
#define AD_TYPE_BIT		AD_BIT(1)
#define AD_TYPE_MASK		AD_BITS(1, 0)
#define AD_TYPE_TABLE		AD_BITS(1, 0)	/* levels 0-2 */
#define AD_TYPE_BLOCK		AD_BIT(0)	/* levels 1-2 (0: DS=1) */
#define AD_TYPE_PAGE		AD_BITS(1, 0)	/* level 3 */

/* Block and page descriptors: lower attributes, bits [11:2]. */
#define AD_ATTRINDX_SHIFT	2		/* AttrIndx[2:0], bits 4:2 */
#define AD_ATTRINDX(i)		((uint64_t)((i) & 7) << AD_ATTRINDX_SHIFT)
#define AD_ATTRINDX_MASK	AD_BITS(4, 2)
#define AD_NS			AD_BIT(5)	/* Non-secure */
#define AD_AP1			AD_BIT(6)	/* AP[1]: EL0 access */
#define AD_AP2			AD_BIT(7)	/* AP[2]: read-only */
/* SH[1:0], bits 9:8 (only with TCR_ELx.DS == 0: see the OA below) */
#define AD_SH_SHIFT		8
#define AD_SH_MASK		AD_BITS(9, 8)
#define AD_SH_NON		((uint64_t)0 << AD_SH_SHIFT)
#define AD_SH_OUTER		((uint64_t)2 << AD_SH_SHIFT)
#define AD_SH_INNER		((uint64_t)3 << AD_SH_SHIFT)
#define AD_AF			AD_BIT(10)	/* Access flag */
#define AD_NG			AD_BIT(11)	/* not global */
#define AD_NT			AD_BIT(16)	/* FEAT_BBM: block nT */

/* Block and page descriptors: upper attributes, bits [63:50]. */
#define AD_GP			AD_BIT(50)	/* FEAT_BTI guarded */
#define AD_DBM			AD_BIT(51)	/* Dirty Bit Modifier */
#define AD_CONTIGUOUS		AD_BIT(52)
#define AD_PXN			AD_BIT(53)
#define AD_UXN			AD_BIT(54)	/* XN at EL2/EL3 */
#define AD_SW_MASK		AD_BITS(58, 55)	/* software use */

/* Table descriptors: attributes for the levels below. */
#define AD_TABLE_AF		AD_BIT(10)	/* FEAT_HAFT, else ignored */
#define AD_TABLE_PXN		AD_BIT(59)	/* PXNTable */
#define AD_TABLE_UXN		AD_BIT(60)	/* UXNTable; XNTable at EL2 */
#define AD_TABLE_AP_MASK	AD_BITS(62, 61)	/* APTable[1:0] */
#define AD_TABLE_NS		AD_BIT(63)	/* NSTable */

/*
 * Output address (and next-level table address) fields.  With 48-bit
 * output addresses: OA[47:g] in bits [47:g], g the granule's shift
 * (12, 14, 16).  With 52 bits:
 *  - 4K and 16K, TCR_ELx.DS == 1 (FEAT_LPA2): OA[49:g] in bits [49:g]
 *    and OA[51:50] in bits [9:8], which is why such descriptors have
 *    no SH field (shareability comes from TCR_ELx.SH0/SH1);
 *  - 64K (FEAT_LPA): OA[47:16] in bits [47:16], OA[51:48] in bits
 *    [15:12].
 */
enum ad_oa_format { AD_OA_48, AD_OA_52_LPA2, AD_OA_52_LPA };

/* The format a kernel built for this granule and VA size uses: arm64
 * enables LPA2 (DS) with 52-bit VA at 4K and 16K, FEAT_LPA at 64K. */
static inline enum ad_oa_format ad_oa_format_of(unsigned int page_shift,
						 unsigned int va_bits)
{
	if (va_bits != 52)
		return AD_OA_48;
	return page_shift == 16 ? AD_OA_52_LPA : AD_OA_52_LPA2;
}

/* Descriptor bits that carry the output address. */
static inline uint64_t ad_oa_mask(enum ad_oa_format f,
				  unsigned int page_shift)
{
	switch (f) {
	case AD_OA_52_LPA2:
		return AD_BITS(49, page_shift) | AD_BITS(9, 8);
	case AD_OA_52_LPA:
		return AD_BITS(47, 16) | AD_BITS(15, 12);
	default:
		return AD_BITS(47, page_shift);
	}
}

/* A page- (or block-) aligned PA as descriptor bits. */
static inline uint64_t ad_oa_encode(enum ad_oa_format f, uint64_t pa)
{
	switch (f) {
	case AD_OA_52_LPA2:
		return (pa & AD_BITS(49, 0)) | ((pa >> 50 & 3) << 8);
	case AD_OA_52_LPA:
		return (pa & AD_BITS(47, 0)) | ((pa >> 48 & 0xf) << 12);
	default:
		return pa;
	}
}

/* The PA a descriptor's output-address bits name. */
static inline uint64_t ad_oa_decode(enum ad_oa_format f,
				    unsigned int page_shift, uint64_t d)
{
	switch (f) {
	case AD_OA_52_LPA2:
		return (d & AD_BITS(49, page_shift)) | ((d >> 8 & 3) << 50);
	case AD_OA_52_LPA:
		return (d & AD_BITS(47, 16)) | ((d >> 12 & 0xf) << 48);
	default:
		return d & AD_BITS(47, page_shift);
	}
}

/*
 * MAIR_ELx attribute encodings (one byte per AttrIndx slot): Normal
 * memory, inner and outer Write-Back non-transient, read and write
 * allocate; Normal Non-cacheable; Device-nGnRnE; Device-nGnRE.
 */
#define AD_MAIR_NORMAL_WB	0xffu
#define AD_MAIR_NORMAL_NC	0x44u
#define AD_MAIR_DEVICE_nGnRnE	0x00u
#define AD_MAIR_DEVICE_nGnRE	0x04u
#define AD_MAIR(slot, attr)	((uint64_t)(attr) << (8 * (slot)))

/* ---------------------------------------------------------------- */
/* The reference kernels                                            */

/*
 * What each reference kernel's headers and mmu.c put in the linear
 * map's descriptors:
 *  - memory.h numbers the MAIR slots: MT_NORMAL 0, MT_NORMAL_TAGGED 1,
 *    MT_NORMAL_NC 2, MT_DEVICE_nGnRnE 3, MT_DEVICE_nGnRE 4 (6.1 through
 *    7.3; the MT_NORMAL_TAGGED slot holds Normal WB until MTE is on);
 *  - pgtable-prot.h: PTE_WRITE is DBM, PTE_DIRTY software bit 55;
 *    _PAGE_KERNEL is PROT_NORMAL | PTE_DIRTY in 6.1, 6.12 and 7.3 and
 *    PROT_NORMAL alone in 6.18;
 *  - mmu.c's table entries: TABLE type | PXN/UXNTable, and from 6.13
 *    the table AF (FEAT_HAFT's; ignored without it).
 */
enum ad_kernel_id { AD_LINUX_6_1, AD_LINUX_6_12, AD_LINUX_6_18,
		    AD_LINUX_7_3, AD_NR_KERNELS };

struct ad_kernel {
	const char *name;
	unsigned int mt_normal, mt_normal_tagged;
	unsigned int mt_normal_nc, mt_device_ngnrne, mt_device_ngnre;
	int page_kernel_dirty;	/* _PAGE_KERNEL has PTE_DIRTY */
	int table_af;		/* table entries carry the table AF */
};

static const struct ad_kernel ad_kernels[AD_NR_KERNELS] = {
	[AD_LINUX_6_1]	= { "6.1", 0, 1, 2, 3, 4, 1, 0 },
	[AD_LINUX_6_12]	= { "6.12", 0, 1, 2, 3, 4, 1, 0 },
	[AD_LINUX_6_18]	= { "6.18", 0, 1, 2, 3, 4, 0, 1 },
	[AD_LINUX_7_3]	= { "7.3", 0, 1, 2, 3, 4, 1, 1 },
};

/* pgtable-prot.h's software bits (ignored by the hardware) */
#define AD_LINUX_PTE_WRITE	AD_DBM
#define AD_LINUX_PTE_DIRTY	AD_BIT(55)
#define AD_LINUX_PTE_SPECIAL	AD_BIT(56)

/*
 * PROT_DEFAULT: a valid page, accessed, PTE_MAYBE_NG (0: no KPTI, as on
 * the reference boots) and PTE_MAYBE_SHARED: inner shareable, except
 * under LPA2 where bits 9:8 are OA[51:50] (6.9+: lpa2_is_enabled()).
 * 6.1 has no LPA2; the engine's 6.1 strategies at 4K/52 and 16K/52
 * follow the later kernels, the only way such a build can exist.
 */
static inline uint64_t ad_prot_default(enum ad_oa_format f)
{
	return AD_TYPE_PAGE | AD_AF | (f == AD_OA_52_LPA2 ? 0 : AD_SH_INNER);
}

/* PROT_NORMAL: never executable, writable, MT_NORMAL. */
static inline uint64_t ad_prot_normal(const struct ad_kernel *k,
				      enum ad_oa_format f)
{
	return ad_prot_default(f) | AD_PXN | AD_UXN | AD_LINUX_PTE_WRITE |
	       AD_ATTRINDX(k->mt_normal);
}

/* PAGE_KERNEL */
static inline uint64_t ad_page_kernel(const struct ad_kernel *k,
				      enum ad_oa_format f)
{
	return ad_prot_normal(k, f) |
	       (k->page_kernel_dirty ? AD_LINUX_PTE_DIRTY : 0);
}

/* PAGE_KERNEL_EXEC: PAGE_KERNEL, executable at EL1 */
static inline uint64_t ad_page_kernel_exec(const struct ad_kernel *k,
					   enum ad_oa_format f)
{
	return ad_page_kernel(k, f) & ~AD_PXN;
}

/* pgprot_tagged(): the same prot with the MT_NORMAL_TAGGED slot. */
static inline uint64_t ad_pgprot_tagged(const struct ad_kernel *k,
					uint64_t prot)
{
	return (prot & ~AD_ATTRINDX_MASK) | AD_ATTRINDX(k->mt_normal_tagged);
}

/* PAGE_KERNEL_TAGGED, as map_mem() passes it: pgprot_tagged(PAGE_KERNEL) */
static inline uint64_t ad_page_kernel_tagged(const struct ad_kernel *k,
					     enum ad_oa_format f)
{
	return ad_pgprot_tagged(k, ad_page_kernel(k, f));
}

/* mk_pmd_sect_prot()/mk_pud_sect_prot(): a page prot as a block's. */
static inline uint64_t ad_sect_prot(uint64_t prot)
{
	return (prot & ~AD_TYPE_MASK) | AD_TYPE_BLOCK;
}

/* The attributes mmu.c gives a table entry it links (not the address). */
static inline uint64_t ad_table_prot(const struct ad_kernel *k, int pxn)
{
	return AD_TYPE_TABLE | AD_TABLE_UXN | (pxn ? AD_TABLE_PXN : 0) |
	       (k->table_af ? AD_TABLE_AF : 0);
}

/* MAIR_EL1 as the kernels program it (proc.S MAIR_EL1_SET, MTE off). */
static inline uint64_t ad_mair_el1(const struct ad_kernel *k)
{
	return AD_MAIR(k->mt_normal, AD_MAIR_NORMAL_WB) |
	       AD_MAIR(k->mt_normal_tagged, AD_MAIR_NORMAL_WB) |
	       AD_MAIR(k->mt_normal_nc, AD_MAIR_NORMAL_NC) |
	       AD_MAIR(k->mt_device_ngnrne, AD_MAIR_DEVICE_nGnRnE) |
	       AD_MAIR(k->mt_device_ngnre, AD_MAIR_DEVICE_nGnRE);
}

#endif
