/* SPDX-License-Identifier: GPL-2.0-only */
/* Symbols shared by the guest's boot pieces. */
#ifndef MB_BOOT_H
#define MB_BOOT_H

#include "compiler.h"
#include "pgtable.h"

typedef u64 pgtable_page[PTRS_PER_TABLE] __aligned(PAGE_SIZE);

/* Linker-script symbols (link addresses in TTBR1). */
extern char _text[], _stext[], __init_begin[], _end[];
extern char __bss_start[], __bss_end[], __pgdir_start[], __pgdir_end[];

/* Static tables, in .pgdir (not zeroed with .bss). */
extern pgtable_page swapper_pg_dir, reserved_pg_dir, idmap_pg_dir;
extern pgtable_page bm_pte, tmp_pg_dir;

static inline u64 kimg_to_phys(const void *p)
{
	return (u64)p - KIMAGE_VOFFSET;
}

void early_setup(void);
void mb_console_init(void);
void mb_putc(char c);
void mb_puts(const char *s);
void mb_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __noreturn mb_exception(u64 vec, u64 esr, u64 far, u64 elr, u64 spsr);
void __noreturn mb_wrong_el(u64 zero, u64 el);
void mb_zero_page(u64 va);
void mb_zero_init(void);
void mb_clear_tmp_root(void);

/* Kernel-style fixmap use outside map_mem() (console, params, checks). */
u64 mb_set_fixmap(unsigned int idx, u64 pa, u64 prot);
void mb_clear_fixmap(unsigned int idx);

#endif
