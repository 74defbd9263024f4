/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel-check's symbols (kcheck/symbols.c): the kernel's, from
 * --symbols or a cached symbol boot, and the mapbench guest's from its
 * ELF.
 */
#ifndef MAPBENCH_KCHECK_SYMBOLS_H
#define MAPBENCH_KCHECK_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

struct kc_ctx;
struct kc_funcs;

/* The kernel's symbols into x->syms and its functions into x->kfuncs;
 * 0 or an MB_EXIT_* code with x->err set. */
int kc_get_symbols(struct kc_ctx *x);
/* An ELF's FUNC symbols, else a System.map's text symbols, into fs;
 * nothing on failure (they only split instructions by function). */
void kc_elf_funcs(const char *path, struct kc_funcs *fs);
/* The value of symbol name in the ELF at path; 0 or MB_EXIT_USAGE. */
int kc_elf_symbol(const char *path, const char *name, uint64_t *val,
		  char *err, size_t errlen);

#endif /* MAPBENCH_KCHECK_SYMBOLS_H */
