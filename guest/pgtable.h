/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Translation-table geometry and descriptor bits: 4K granule, 48-bit VA,
 * four levels (P4D folded), as arm64 Linux with CONFIG_ARM64_VA_BITS_48.
 * Values are architectural; the composition follows pgtable-prot.h.
 */
#ifndef MB_PGTABLE_H
#define MB_PGTABLE_H

#include <mapbench/abi.h>

#define PAGE_SHIFT		12
#define PAGE_SIZE		(MB_UL(1) << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PTRS_PER_TABLE		512

#define PMD_SHIFT		21
#define PUD_SHIFT		30
#define PGDIR_SHIFT		39
#define PMD_SIZE		(MB_UL(1) << PMD_SHIFT)
#define PUD_SIZE		(MB_UL(1) << PUD_SHIFT)
#define PGDIR_SIZE		(MB_UL(1) << PGDIR_SHIFT)
#define CONT_PTES		16
#define CONT_PMDS		16
#define CONT_PTE_SIZE		(CONT_PTES * PAGE_SIZE)		/* 64K */
#define CONT_PMD_SIZE		(CONT_PMDS * PMD_SIZE)		/* 32M */

#define VA_BITS			48
#define PAGE_OFFSET		MB_UL(0xffff000000000000)
#define PAGE_END		MB_UL(0xffff800000000000)
/* Linear-map base rounding (ARM64_MEMSTART_ALIGN for 4K is PUD_SIZE). */
#define MEMSTART_ALIGN		PUD_SIZE

/* The guest image's link address: where the kernel image lives. */
#define KIMAGE_VADDR		MB_UL(0xffff800080000000)
#define KIMAGE_VOFFSET		(KIMAGE_VADDR - MB_IMAGE_GPA)

/* Fixmap: slots grow down from FIXADDR_TOP, all under one L3 table. */
#define FIXADDR_TOP		MB_UL(0xffffffffff800000)

/* Output-address field of a descriptor (48-bit PA). */
#define PTE_ADDR_MASK		MB_UL(0x0000fffffffff000)

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
#define PROT_DEFAULT		(PTE_TYPE_PAGE | PTE_AF | PTE_SHARED)
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

#define pgd_index(a)		(((a) >> PGDIR_SHIFT) & (PTRS_PER_TABLE - 1))
#define pud_index(a)		(((a) >> PUD_SHIFT) & (PTRS_PER_TABLE - 1))
#define pmd_index(a)		(((a) >> PMD_SHIFT) & (PTRS_PER_TABLE - 1))
#define pte_index(a)		(((a) >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1))

#ifndef __ASSEMBLER__
/* Fixmap slots.  FIX_PTE..FIX_PGD last, like the kernel's enum; 16 PTE
 * slots below them for the lazy-unmap strategy. */
enum fixed_addresses {
	FIX_HOLE,
	FIX_CONSOLE,		/* PL011, device memory */
	FIX_PARAMS,		/* struct mb_params */
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
