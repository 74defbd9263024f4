// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's map_mem() window.  Both definitions count the same work
 * as mapbench's side, map_mem_timed() from entry to return: every walk
 * that builds the linear map and every allocation, fixmap slot and
 * barrier in it; only the few instructions that decide the flags (and
 * for 7.2, paging_init()'s prologue and its call) differ.
 *
 *   6.1 .. 7.1  opens at the first memblock_mark_nomap() once
 *               paging_init() has run, closes at the return of the last
 *               memblock_clear_nomap() before memblock_allow_resize():
 *               the main loop over memory and the alias after it.
 *   7.2 ..      map_mem() no longer marks anything NOMAP (the alias and
 *               the data are mapped first, then all of memory): opens at
 *               paging_init(), closes where memblock_allow_resize() is
 *               called, the first thing after map_mem().
 *
 * A window that never opened is known where it would have closed:
 * kernel-check says so then, naming what it did not see.
 */
#include <mapbench/abi.h>

#include "image.h"
#include "window.h"

enum kc_window_kind kc_window_kind(int major, int minor)
{
	if (major > 7 || (major == 7 && minor >= 2))
		return KC_WIN_MAP_MEM;
	return KC_WIN_NOMAP;
}

void kc_window_init(enum kc_window_kind k, const uint64_t *s,
		    struct kc_window *w)
{
	*w = (struct kc_window){
		.stop_pc = s[KC_SYM_allow_resize],
		.func = { s[KC_SYM_set_fixmap], s[KC_SYM_pgtable_alloc] },
		/* QEMU's boot stub runs at the RAM base first; an arm64
		 * Image is never placed below base + 2M */
		.entry_floor = MB_RAM_BASE + 0x200000,
	};
	if (k == KC_WIN_MAP_MEM) {
		w->start_pc = s[KC_SYM_paging_init];
	} else {
		w->arm_pc = s[KC_SYM_paging_init];
		w->start_pc = s[KC_SYM_mark_nomap];
		w->ret_func = s[KC_SYM_clear_nomap];
	}
}

const char *kc_window_text(enum kc_window_kind k)
{
	if (k == KC_WIN_MAP_MEM)
		return "paging_init() .. memblock_allow_resize() (map_mem() of 7.2 on, no NOMAP)";
	return "first memblock_mark_nomap() in paging_init() .. return of the last memblock_clear_nomap() before memblock_allow_resize()";
}

const char *kc_window_missing(enum kc_window_kind k)
{
	if (k == KC_WIN_MAP_MEM)
		return "paging_init() was not entered before memblock_allow_resize()";
	return "no memblock_mark_nomap() between paging_init() and memblock_allow_resize() (a map_mem() without the NOMAP alias, as from 7.2?)";
}
