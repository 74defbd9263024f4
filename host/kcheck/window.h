/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel-check: which stretch of a real kernel's boot is its map_mem()
 * work, per kernel version (docs/KERNEL-CHECK.md, "The window").
 */
#ifndef MAPBENCH_KCHECK_WINDOW_H
#define MAPBENCH_KCHECK_WINDOW_H

#include <stdint.h>

#include "trace.h"

enum kc_window_kind {
	/* 6.1 .. 7.1: map_mem() marks the kernel alias NOMAP around its
	 * main loop */
	KC_WIN_NOMAP,
	/* 7.2 ..: paging_init() is map_mem(); memblock_allow_resize();
	 * with no NOMAP, the whole of map_mem() */
	KC_WIN_MAP_MEM,
};

/* The window of a kernel version (major.minor from its banner; 0.0,
 * unknown, takes the oldest). */
enum kc_window_kind kc_window_kind(int major, int minor);
/* Its trace window from the kernel's symbols (KC_SYM_*, image.h);
 * __set_fixmap() and early_pgtable_alloc() calls counted in it. */
void kc_window_init(enum kc_window_kind k, const uint64_t *syms,
		    struct kc_window *w);
/* What opens and closes it, for the table and the JSON. */
const char *kc_window_text(enum kc_window_kind k);
/* What was never reached when it never opened. */
const char *kc_window_missing(enum kc_window_kind k);

#endif
