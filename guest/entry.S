/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest entry: EL1, MMU off, at the image's physical address (QEMU virt
 * and our VMM both enter here).  Vectors first, so that nothing can hang
 * silently; then the early tables (idmap.c, C running at its PA), MMU on
 * with TTBR0 = identity map of the image and TTBR1 = swapper, and a jump
 * to the link address in TTBR1 where mb_main() takes over.
 */
#include <mapbench/abi.h>
#include "pgtable.h"
#include "sysregs.h"

	.section .head.text, "ax"
	.globl	_entry
_entry:
	msr	daifset, #0xf
	adrp	x0, vectors
	add	x0, x0, :lo12:vectors
	msr	vbar_el1, x0
	isb

	adrp	x0, boot_stack_top
	add	x0, x0, :lo12:boot_stack_top
	mov	sp, x0

	/* known SCTLR with the MMU off, whatever firmware left */
	ldr	x0, =SCTLR_MMU_OFF
	msr	sctlr_el1, x0
	isb

	mrs	x0, CurrentEL
	cmp	x0, #(1 << 2)
	b.ne	wrong_el

	/* test hook: an undefined instruction while the MMU is off */
	ldr	x1, =MB_PARAMS_GPA
	ldr	w0, [x1, #MB_PARAMS_FLAGS_OFF]
	tbz	w0, #11, 1f
	udf	#0x4d42
1:

	bl	early_setup		/* idmap.c: builds the boot tables */

	ldr	x0, =MAIR_EL1_VALUE
	msr	mair_el1, x0

	/* TCR: base value, IPS from PARange (at most 48 bits, 52 with
	 * LPA2), HA/HD */
	ldr	x0, =TCR_EL1_BASE
	mrs	x1, id_aa64mmfr0_el1
	and	x1, x1, #0xf
	cmp	x1, #TCR_IPS_MAX
	mov	x2, #TCR_IPS_MAX
	csel	x1, x1, x2, ls
	bfi	x0, x1, #TCR_IPS_SHIFT, #3
	mrs	x1, id_aa64mmfr1_el1
	and	x1, x1, #0xf		/* HAFDBS */
	cbz	x1, 1f
	orr	x0, x0, #TCR_HA
	cmp	x1, #2
	b.lo	1f
	orr	x0, x0, #TCR_HD
1:	msr	tcr_el1, x0

	adrp	x0, idmap_pg_dir
	msr	ttbr0_el1, x0
	adrp	x0, swapper_pg_dir
	msr	ttbr1_el1, x0
	isb
	tlbi	vmalle1
	dsb	nsh
	isb

	ldr	x0, =SCTLR_MMU_ON
	msr	sctlr_el1, x0
	isb
	ic	iallu			/* no stale instructions from MMU off */
	dsb	nsh
	isb

	ldr	x0, =primary_switched	/* absolute: the TTBR1 link address */
	br	x0

wrong_el:
	mrs	x1, CurrentEL
	mov	x0, #0
	bl	mb_wrong_el		/* exception.c, noreturn */
	b	.

	.ltorg

	.text
primary_switched:
	ldr	x0, =vectors
	msr	vbar_el1, x0
	isb
	ldr	x0, =boot_stack_top
	mov	sp, x0
	/* "current": the engine's stack protector reads the canary at
	 * [sp_el0], as arm64 Linux reads current->stack_canary */
	ldr	x0, =mb_task
	msr	sp_el0, x0
	bl	mb_main			/* main.c, noreturn */
	b	.
	.ltorg

/*
 * Vectors: every entry reports and powers off.  The handler gets its own
 * stack, PC-relative so it works with the MMU on or off; the state it
 * reports is in ESR/FAR/ELR/SPSR, so clobbering x0-x4 loses nothing.
 */
	.macro	ventry n
	.align	7
	mov	x0, #\n
	b	exc_common
	.endm

	.align	11
	.globl	vectors
vectors:
	ventry	0
	ventry	1
	ventry	2
	ventry	3
	ventry	4
	ventry	5
	ventry	6
	ventry	7
	ventry	8
	ventry	9
	ventry	10
	ventry	11
	ventry	12
	ventry	13
	ventry	14
	ventry	15

exc_common:
	adrp	x1, exc_stack_top
	add	x1, x1, :lo12:exc_stack_top
	mov	sp, x1
	mrs	x1, esr_el1
	mrs	x2, far_el1
	mrs	x3, elr_el1
	mrs	x4, spsr_el1
	bl	mb_exception		/* exception.c, noreturn */
	b	.

	.section .stacks, "aw", %nobits
	.align	12
	.space	16384
boot_stack_top:
	.space	4096
exc_stack_top:
