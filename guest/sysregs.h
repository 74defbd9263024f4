/* SPDX-License-Identifier: GPL-2.0-only */
/* Register values the guest programs, as Linux's __cpu_setup does. */
#ifndef MB_SYSREGS_H
#define MB_SYSREGS_H

#include <mapbench/abi.h>

#include "pgtable.h"

/* TCR_EL1: VA_BITS in both halves (TTBR0 holds the 1:1 maps, walked by
 * the same code), the image's granule, WBWA inner-shareable walks, ASID
 * from TTBR1 (A1), 16-bit ASIDs, TBI0, and DS with LPA2.  IPS and HA/HD
 * are filled in at boot from the ID registers. */
#define TCR_T0SZ(x)		((MB_UL(64) - (x)) << 0)
#define TCR_T1SZ(x)		((MB_UL(64) - (x)) << 16)
#define TCR_IRGN0_WBWA		(MB_UL(1) << 8)
#define TCR_ORGN0_WBWA		(MB_UL(1) << 10)
#define TCR_SH0_INNER		(MB_UL(3) << 12)
#define TCR_TG0_4K		(MB_UL(0) << 14)
#define TCR_TG0_64K		(MB_UL(1) << 14)
#define TCR_TG0_16K		(MB_UL(2) << 14)
#define TCR_IRGN1_WBWA		(MB_UL(1) << 24)
#define TCR_ORGN1_WBWA		(MB_UL(1) << 26)
#define TCR_SH1_INNER		(MB_UL(3) << 28)
#define TCR_TG1_16K		(MB_UL(1) << 30)
#define TCR_TG1_4K		(MB_UL(2) << 30)
#define TCR_TG1_64K		(MB_UL(3) << 30)
#if PAGE_SHIFT == 16
#define TCR_TG_FLAGS		(TCR_TG0_64K | TCR_TG1_64K)
#elif PAGE_SHIFT == 14
#define TCR_TG_FLAGS		(TCR_TG0_16K | TCR_TG1_16K)
#else
#define TCR_TG_FLAGS		(TCR_TG0_4K | TCR_TG1_4K)
#endif
#define TCR_A1			(MB_UL(1) << 22)
#define TCR_IPS_SHIFT		32
#define TCR_AS			(MB_UL(1) << 36)
#define TCR_TBI0		(MB_UL(1) << 37)
#define TCR_HA			(MB_UL(1) << 39)
#define TCR_HD			(MB_UL(1) << 40)
#define TCR_DS			(MB_UL(1) << 59)
#if MB_LPA2
/* 52-bit VA and PA with LPA2; IPS up to 52 bits */
#define TCR_LPA2_FLAGS		TCR_DS
#define TCR_IPS_MAX		6
#else
#define TCR_LPA2_FLAGS		0
#define TCR_IPS_MAX		5
#endif

#define TCR_EL1_BASE	(TCR_T0SZ(VA_BITS) | TCR_T1SZ(VA_BITS) | \
			 TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | \
			 TCR_IRGN1_WBWA | TCR_ORGN1_WBWA | TCR_SH1_INNER | \
			 TCR_TG_FLAGS | TCR_A1 | TCR_AS | TCR_TBI0 | \
			 TCR_LPA2_FLAGS)

/* SCTLR_EL1: M, C, I, SA, SA0 plus the v8.0 RES1 bits, nTLSMD/LSMAOE,
 * SPAN, EIS/EOS; WXN clear. */
#define SCTLR_M			(MB_UL(1) << 0)
#define SCTLR_C			(MB_UL(1) << 2)
#define SCTLR_SA		(MB_UL(1) << 3)
#define SCTLR_SA0		(MB_UL(1) << 4)
#define SCTLR_I			(MB_UL(1) << 12)
#define SCTLR_RES1		((MB_UL(1) << 11) | (MB_UL(1) << 20) | \
				 (MB_UL(1) << 22) | (MB_UL(1) << 23) | \
				 (MB_UL(1) << 28) | (MB_UL(1) << 29))
#define SCTLR_MMU_OFF		(SCTLR_RES1)
#define SCTLR_MMU_ON		(SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | \
				 SCTLR_SA0 | SCTLR_I)

#endif
