/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside kernel-check: the state of one `mapbench kernel-check`, set up
 * by kcheck.c and filled in by its steps: the symbols (symbols.c), the
 * kernel run (kernel_run.c), the mapbench guest's runs (guest_run.c),
 * and read by the output (output.c).  Nothing outside host/kcheck/
 * includes it.
 */
#ifndef MAPBENCH_KCHECK_CTX_H
#define MAPBENCH_KCHECK_CTX_H

#include <limits.h>
#include <stdint.h>

#include <mapbench/abi.h>
#include "util.h"
#include "opts.h"
#include "image.h"
#include "trace.h"
#include "map.h"
#include "window.h"

/* One side's measurement. */
struct kc_side {
	struct kc_counts c;
	uint64_t fixmap;		/* __set_fixmap calls / maps+unmaps */
	uint64_t tables;		/* early_pgtable_alloc / tables_l* */
	struct kc_map map;
	double wall_s;
};

struct kc_ctx {
	struct kc_opts o;
	struct kc_image img;
	struct kc_kconfig cfg;
	struct kc_syms syms;
	struct kc_geom geom;		/* the kernel's, from TCR_EL1 */
	enum kc_window_kind win;	/* its map_mem() window */
	unsigned int bbml_forced;	/* --force-bbml2: checks answered */
	unsigned int want_shift, want_va;	/* expected; 0: unknown */
	char guest[PATH_MAX + 64];	/* the mapbench image used */
	struct mb_image_info ginfo;
	char tmp[PATH_MAX];
	char path_fifo[PATH_MAX + 16], path_sock[PATH_MAX + 16];
	char path_con[PATH_MAX + 16], path_params[PATH_MAX + 16];
	char path_cpio[PATH_MAX + 16];
	uint64_t load_pa;		/* PA of _text: the first pc run */
	uint64_t ttbr1, tcr;
	struct kc_side k, m;
	struct kc_funcs kfuncs, gfuncs;	/* for the per-function split */
	struct kc_fstat *kfs, *gfs;
	struct mb_result rec;
	uint64_t ram_mib;
	char err[MB_ERRLEN];
};

#endif /* MAPBENCH_KCHECK_CTX_H */
