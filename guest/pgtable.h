/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Translation-table geometry and descriptor bits for one granule and VA
 * size, both compile-time constants as in a kernel build:
 * MB_PAGE_SHIFT (12, 14, 16) and MB_VA_BITS, default 4K and 48 bits.
 * Everything else is derived the way pgtable-hwdef.h, memory.h and
 * mm/init.c derive it; a level the configuration does not have is folded
 * as pgtable-nopmd.h / pgtable-nopud.h / pgtable-nop4d.h fold it (its
 * shift and size are those of the level above).  Values are
 * architectural; the composition follows pgtable-prot.h.
 */
#ifndef MB_PGTABLE_H
#define MB_PGTABLE_H

#include <mapbench/abi.h>

#ifndef MB_PAGE_SHIFT
#define MB_PAGE_SHIFT		12
#endif
#ifndef MB_VA_BITS
#define MB_VA_BITS		48
#endif

#define PAGE_SHIFT		MB_PAGE_SHIFT
#define VA_BITS			MB_VA_BITS
#define PAGE_SIZE		(MB_UL(1) << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))

/* The configurations arm64's Kconfig offers. */
#if PAGE_SHIFT == 12
#if VA_BITS != 39 && VA_BITS != 48 && VA_BITS != 52
#error "4K granule: VA_BITS 39, 48 or 52"
#endif
#elif PAGE_SHIFT == 14
#if VA_BITS != 36 && VA_BITS != 47 && VA_BITS != 48 && VA_BITS != 52
#error "16K granule: VA_BITS 36, 47, 48 or 52"
#endif
#elif PAGE_SHIFT == 16
#if VA_BITS != 42 && VA_BITS != 48 && VA_BITS != 52
#error "64K granule: VA_BITS 42, 48 or 52"
#endif
#else
#error "PAGE_SHIFT must be 12, 14 or 16"
#endif

/* pgtable-hwdef.h: levels and the VA bits each one resolves. */
#define PTDESC_ORDER		3
#define PTDESC_TABLE_SHIFT	(PAGE_SHIFT - PTDESC_ORDER)
#define ARM64_HW_PGTABLE_LEVELS(va) \
	(((va) - PTDESC_ORDER - 1) / PTDESC_TABLE_SHIFT)
#define ARM64_HW_PGTABLE_LEVEL_SHIFT(n) \
	(PTDESC_TABLE_SHIFT * (4 - (n)) + PTDESC_ORDER)
#define PGTABLE_LEVELS		ARM64_HW_PGTABLE_LEVELS(VA_BITS)

#define PTRS_PER_PTE		(1 << PTDESC_TABLE_SHIFT)
/* a full table page */
#define PTRS_PER_TABLE		PTRS_PER_PTE

#define PGDIR_SHIFT	ARM64_HW_PGTABLE_LEVEL_SHIFT(4 - PGTABLE_LEVELS)
#define PTRS_PER_PGD		(1 << (VA_BITS - PGDIR_SHIFT))
#define PGDIR_SIZE		(MB_UL(1) << PGDIR_SHIFT)
/* The hardware level of the root (0 with four levels, -1 with five). */
#define ROOT_LEVEL		(4 - PGTABLE_LEVELS)

/* Folded levels, as the nopXd headers fold them. */
#define P4D_FOLDED		(PGTABLE_LEVELS < 5)
#define PUD_FOLDED		(PGTABLE_LEVELS < 4)
#define PMD_FOLDED		(PGTABLE_LEVELS < 3)

#if PGTABLE_LEVELS > 2
#define PMD_SHIFT		ARM64_HW_PGTABLE_LEVEL_SHIFT(2)
#define PTRS_PER_PMD		PTRS_PER_PTE
#else
#define PMD_SHIFT		PGDIR_SHIFT
#define PTRS_PER_PMD		1
#endif
#if PGTABLE_LEVELS > 3
#define PUD_SHIFT		ARM64_HW_PGTABLE_LEVEL_SHIFT(1)
#define PTRS_PER_PUD		PTRS_PER_PTE
#else
#define PUD_SHIFT		PGDIR_SHIFT
#define PTRS_PER_PUD		1
#endif
#if PGTABLE_LEVELS > 4
#define P4D_SHIFT		ARM64_HW_PGTABLE_LEVEL_SHIFT(0)
#define PTRS_PER_P4D		PTRS_PER_PTE
#else
#define P4D_SHIFT		PGDIR_SHIFT
#define PTRS_PER_P4D		1
#endif
#define PMD_SIZE		(MB_UL(1) << PMD_SHIFT)
#define PUD_SIZE		(MB_UL(1) << PUD_SHIFT)
#define P4D_SIZE		(MB_UL(1) << P4D_SHIFT)

/* Hardware level n: the VA bits one entry spans, the entries a table
 * at that level has (the root may have fewer). */
#define LEVEL_SHIFT(n)		ARM64_HW_PGTABLE_LEVEL_SHIFT(n)
#define LEVEL_SIZE(n)		(MB_UL(1) << LEVEL_SHIFT(n))
#define LEVEL_PTRS(n)	((n) == ROOT_LEVEL ? PTRS_PER_PGD : PTRS_PER_PTE)

/* Arm64 Kconfig ARM64_CONT_PTE_SHIFT / ARM64_CONT_PMD_SHIFT. */
#if PAGE_SHIFT == 16
#define CONT_PTE_BITS		5
#define CONT_PMD_BITS		5
#elif PAGE_SHIFT == 14
#define CONT_PTE_BITS		7
#define CONT_PMD_BITS		5
#else
#define CONT_PTE_BITS		4
#define CONT_PMD_BITS		4
#endif
#define CONT_PTES		(1 << CONT_PTE_BITS)
#define CONT_PMDS		(1 << CONT_PMD_BITS)
#define CONT_PTE_SIZE		(CONT_PTES * PAGE_SIZE)
#define CONT_PMD_SIZE		(CONT_PMDS * PMD_SIZE)

/* pud_sect_supported(): level-1 blocks only with the 4K granule. */
#define PUD_SECT_SUPPORTED	(PAGE_SHIFT == 12)

/* memory.h */
#if VA_BITS > 48
#if PAGE_SHIFT == 14
#define VA_BITS_MIN		47
#else
#define VA_BITS_MIN		48
#endif
#else
#define VA_BITS_MIN		VA_BITS
#endif
#define _PAGE_OFFSET(va)	(-(MB_UL(1) << (va)))
#define _PAGE_END(va)		(-(MB_UL(1) << ((va) - 1)))
#define PAGE_OFFSET		_PAGE_OFFSET(VA_BITS)
#define PAGE_END		_PAGE_END(VA_BITS_MIN)

/* Linear-map base rounding: ARM64_MEMSTART_ALIGN (mm/init.c). */
#if PAGE_SHIFT == 12
#define MEMSTART_SHIFT		PUD_SHIFT
#elif PAGE_SHIFT == 14
#define MEMSTART_SHIFT		(CONT_PMD_BITS + PMD_SHIFT)
#else
#define MEMSTART_SHIFT		PMD_SHIFT
#endif
#define SECTION_SIZE_BITS	(PAGE_SHIFT == 16 ? 29 : 27)
#define MEMSTART_ALIGN_SHIFT	(MEMSTART_SHIFT < SECTION_SIZE_BITS ? \
				 SECTION_SIZE_BITS : MEMSTART_SHIFT)
#define MEMSTART_ALIGN		(MB_UL(1) << MEMSTART_ALIGN_SHIFT)

/* The guest image's link address: where the kernel image lives
 * (MODULES_END = _PAGE_END(VA_BITS_MIN) + 2G). */
#define KIMAGE_VADDR		(_PAGE_END(VA_BITS_MIN) + (MB_UL(2) << 30))
#define KIMAGE_VOFFSET		(KIMAGE_VADDR - MB_IMAGE_GPA)

/* Fixmap: slots grow down from FIXADDR_TOP, all under one L3 table. */
#define FIXADDR_TOP		(-(MB_UL(8) << 20))

/*
 * The root entries wholly inside the linear map [PAGE_OFFSET, PAGE_END):
 * the ones mapbench builds, resets, digests and verifies.  With LPA2
 * (4K/52, 16K/52) PAGE_END is _PAGE_END(VA_BITS_MIN), inside the last
 * root entry, which also holds the image and the fixmap, as in the
 * kernel; its linear part is reached only by a RAM span beyond the
 * entries before it, more than 48-bit PAs can have (memblock.c).
 */
#define LINEAR_PGD_LAST	((int)((PAGE_END - PAGE_OFFSET) >> PGDIR_SHIFT) - 1)
#define LINEAR_PGD_SPAN	((u64)(LINEAR_PGD_LAST + 1) << PGDIR_SHIFT)

/* Output-address field of a descriptor (48-bit PA; with LPA2, OA[51:50]
 * in bits 9:8 are always 0 here). */
#define PTE_ADDR_MASK		(((MB_UL(1) << 48) - 1) & PAGE_MASK)

#define PTE_VALID		(MB_UL(1) << 0)
#define PTE_TABLE_BIT		(MB_UL(1) << 1)
#define PTE_TYPE_PAGE		(MB_UL(3) << 0)
#define PMD_TYPE_TABLE		(MB_UL(3) << 0)
#define PMD_TYPE_SECT		(MB_UL(1) << 0)
#define PTE_TYPE_MASK		(MB_UL(3) << 0)
#define PTE_ATTRINDX(t)		((MB_UL(t)) << 2)
#define PTE_ATTRINDX_MASK	(MB_UL(7) << 2)
#define PTE_USER		(MB_UL(1) << 6)
#define PTE_RDONLY		(MB_UL(1) << 7)
#define PTE_SHARED		(MB_UL(3) << 8)
/*
 * LPA2 (4K and 16K with 52-bit VA, TCR_EL1.DS set): descriptor bits 9:8
 * carry OA[51:50] and shareability comes from TCR_EL1.SH1/SH0, so the
 * kernel's PTE_MAYBE_SHARED is 0 (lpa2_is_enabled()).
 */
#define MB_LPA2			(VA_BITS == 52 && PAGE_SHIFT != 16)
#if MB_LPA2
#define PTE_MAYBE_SHARED	0
#else
#define PTE_MAYBE_SHARED	PTE_SHARED
#endif
#define PTE_AF			(MB_UL(1) << 10)
#define PTE_NG			(MB_UL(1) << 11)
#define PTE_DBM			(MB_UL(1) << 51)
#define PTE_WRITE		PTE_DBM
#define PTE_CONT		(MB_UL(1) << 52)
#define PTE_PXN			(MB_UL(1) << 53)
#define PTE_UXN			(MB_UL(1) << 54)
#define PTE_DIRTY		(MB_UL(1) << 55)	/* software bit */
#define PMD_TABLE_AF		(MB_UL(1) << 10)	/* v6.13+, FEAT_HAFT */
#define PMD_TABLE_PXN		(MB_UL(1) << 59)
#define PMD_TABLE_UXN		(MB_UL(1) << 60)

/* MAIR_EL1 slots, as Linux numbers them. */
#define MT_NORMAL		0
#define MT_NORMAL_TAGGED	1
#define MT_NORMAL_NC		2
#define MT_DEVICE_nGnRnE	3
#define MT_DEVICE_nGnRE		4
#define MAIR_EL1_VALUE		MB_UL(0x000000040044ffff)

/*
 * _PAGE_KERNEL is PROT_NORMAL | PTE_DIRTY in 6.1 and 6.12 (checked in
 * their pgtable-prot.h and in their live tables by kernel-check): the
 * linear map's PTEs carry the software dirty bit 55.  PTE_MAYBE_NG is 0:
 * no KPTI under QEMU's max CPU (arm64_use_ng_mappings stays false).
 */
#define PROT_DEFAULT		(PTE_TYPE_PAGE | PTE_AF | PTE_MAYBE_SHARED)
#define PAGE_KERNEL		(PROT_DEFAULT | PTE_PXN | PTE_UXN | PTE_WRITE | \
				 PTE_DIRTY | PTE_ATTRINDX(MT_NORMAL))
#define PAGE_KERNEL_TAGGED	((PAGE_KERNEL & ~PTE_ATTRINDX_MASK) | \
				 PTE_ATTRINDX(MT_NORMAL_TAGGED))
#define PAGE_KERNEL_EXEC	(PROT_DEFAULT | PTE_UXN | PTE_WRITE | \
				 PTE_DIRTY | PTE_ATTRINDX(MT_NORMAL))
#define PROT_DEVICE_nGnRE	(PROT_DEFAULT | PTE_PXN | PTE_UXN | PTE_WRITE | \
				 PTE_ATTRINDX(MT_DEVICE_nGnRE))
#define FIXMAP_PAGE_NORMAL	PAGE_KERNEL
#define FIXMAP_PAGE_IO		PROT_DEVICE_nGnRE

/* map_mem() flags, as mmu.c's. */
#define NO_BLOCK_MAPPINGS	(1u << 0)
#define NO_CONT_MAPPINGS	(1u << 1)
#define NO_EXEC_MAPPINGS	(1u << 2)

#define pgd_index(a)		(((a) >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1))
#define p4d_index(a)		(((a) >> P4D_SHIFT) & (PTRS_PER_P4D - 1))
#define pud_index(a)		(((a) >> PUD_SHIFT) & (PTRS_PER_PUD - 1))
#define pmd_index(a)		(((a) >> PMD_SHIFT) & (PTRS_PER_PMD - 1))
#define pte_index(a)		(((a) >> PAGE_SHIFT) & (PTRS_PER_PTE - 1))
/* The index of va in a table at hardware level n. */
#define level_index(a, n)	(((a) >> LEVEL_SHIFT(n)) & (LEVEL_PTRS(n) - 1))

#ifndef __ASSEMBLER__
/* Fixmap slots.  FIX_PTE..FIX_PGD last, like the kernel's enum; 16 PTE
 * slots below them for the lazy-unmap strategy. */
enum fixed_addresses {
	FIX_HOLE,
	FIX_CONSOLE,		/* PL011, device memory */
	FIX_PARAMS,		/* struct mb_params */
	FIX_RESULT_HI,		/* its second 4K page (above FIX_RESULT's) */
	FIX_RESULT,		/* struct mb_result */
	FIX_VERIFY,		/* second alias for read/write checks */
	FIX_PTE_END,
	FIX_PTE_BEGIN = FIX_PTE_END + 15,
	FIX_PTE,
	FIX_PMD,
	FIX_PUD,
	FIX_P4D,
	FIX_PGD,
	__end_of_fixed_addresses
};

#define fix_to_virt(idx)	(FIXADDR_TOP - ((u64)(idx) << PAGE_SHIFT))
#endif

#endif
