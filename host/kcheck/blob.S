/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The static arm64 /init of kernel-check's symbol boot
 * (tools/kallsyms-init.c, built by make), carried inside the binary so
 * mapbench needs no file beside it.
 */
	.section .rodata
	.balign	16
	.globl	kc_init_blob
	.globl	kc_init_blob_end
kc_init_blob:
	.incbin	KC_INIT_BLOB
kc_init_blob_end:
	.section .note.GNU-stack,"",%progbits
