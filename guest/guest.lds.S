/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest image: linked at KIMAGE_VADDR in the TTBR1 half like the
 * kernel, loaded (p_paddr) at MB_IMAGE_GPA, entered at its physical
 * entry point with the MMU off.  _stext and __init_begin are 64K aligned
 * (the kernel's SEGMENT_ALIGN): [_stext, __init_begin) is the text+rodata
 * alias that map_mem() marks NOMAP and maps last.  Run through cpp with
 * the image's MB_PAGE_SHIFT and MB_VA_BITS: KIMAGE_VADDR and the page
 * size come from pgtable.h.
 */
#include "pgtable.h"

OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_entry_pa)

IMAGE_PA = 0x40200000;

SECTIONS
{
	. = KIMAGE_VADDR;
	_text = .;
	.head.text : AT(ADDR(.head.text) - KIMAGE_VADDR + IMAGE_PA) {
		KEEP(*(.head.text))
	}
	. = ALIGN(0x10000);
	_stext = .;
	.text : AT(ADDR(.text) - KIMAGE_VADDR + IMAGE_PA) {
		*(.text .text.*)
	}
	.rodata : AT(ADDR(.rodata) - KIMAGE_VADDR + IMAGE_PA) {
		*(.rodata .rodata.*)
	}
	. = ALIGN(0x10000);
	__init_begin = .;
	.data : AT(ADDR(.data) - KIMAGE_VADDR + IMAGE_PA) {
		*(.data .data.*)
	}
	.bss (NOLOAD) : AT(ADDR(.bss) - KIMAGE_VADDR + IMAGE_PA) {
		. = ALIGN(16);
		__bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		__bss_end = .;
	}
	/* page tables and stacks: live before the C code zeroes .bss */
	.pgdir (NOLOAD) : AT(ADDR(.pgdir) - KIMAGE_VADDR + IMAGE_PA) {
		. = ALIGN(PAGE_SIZE);
		__pgdir_start = .;
		*(.pgdir)
		__pgdir_end = .;
		*(.stacks)
	}
	. = ALIGN(PAGE_SIZE);
	_end = .;

	/* what the image was built for: read by the host, never loaded */
	.mapbench_image 0 (INFO) : {
		KEEP(*(.mapbench_image))
	}

	/DISCARD/ : {
		*(.comment) *(.note*) *(.eh_frame*) *(.interp) *(.dynamic)
		*(__patchable_function_entries)
	}
}

_entry_pa = _entry - KIMAGE_VADDR + IMAGE_PA;
ASSERT(_end - _text <= 0x200000, "guest image larger than its 2 MiB block")
ASSERT(IMAGE_PA == 0x40200000, "IMAGE_PA must match MB_IMAGE_GPA")
