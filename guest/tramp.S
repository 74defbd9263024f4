/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine's TTBR1 switch, on its own: entry.S calls into C, the
 * engine calls this, and neither file calls back into the other.
 */
/*
 * void mb_idmap_replace_ttbr1(u64 ttbr1, u64 reserved)
 * idmap_cpu_replace_ttbr1(): called at its physical address through the
 * boot idmap in TTBR0, because TTBR1 briefly maps nothing.  No stack.
 */
	.section .head.text, "ax"
	.globl	mb_idmap_replace_ttbr1
mb_idmap_replace_ttbr1:
	msr	ttbr1_el1, x1
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	msr	ttbr1_el1, x0
	isb
	ret
