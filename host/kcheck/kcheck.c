// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench kernel-check: how a real arm64 kernel's map_mem() compares
 * with a mapbench strategy, counted the same way on both sides.  This
 * file sets up the command's state (ctx.h) and runs its steps:
 *
 * 1. The options (opts.c), the Image (image.c) and the kernel's config:
 *    which granule and VA size it will run, so which mapbench image.
 * 2. Symbols of the Image (symbols.c): --symbols (System.map or
 *    vmlinux), else a one-off boot into an initramfs whose /init
 *    (tools/kallsyms-init.c, embedded) prints the few /proc/kallsyms
 *    lines needed; cached per Image hash.  With nokaslr they hold for
 *    every later boot.
 * 3. The kernel run (kernel_run.c): the kernel boots under QEMU TCG
 *    (qemu.c), its map_mem() window counted from the execution trace
 *    (trace.c), its linear map read back through the gdbstub (rsp.c)
 *    and cut into runs (map.c, as guest/maprun.h).
 * 4. The mapbench guest runs twice under the same QEMU and CPU with the
 *    same RAM, rodata and the kernel's alias range (guest_run.c):
 *    traced (window: map_mem_timed() from entry to return), then
 *    untraced with MB_PF_MAPDUMP for its record and its map as runs.
 * 5. Both maps compared run by run, the table printed and the JSON
 *    records written (output.c).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "record.h"
#include "loader.h"
#include "cli.h"
#include "signals.h"
#include "ctx.h"
#include "opts.h"
#include "image.h"
#include "trace.h"
#include "map.h"
#include "symbols.h"
#include "kernel_run.h"
#include "guest_run.h"
#include "output.h"

/* ---- the temp directory ---------------------------------------------- */

static int make_tmp(struct kc_ctx *x)
{
	const char *t = getenv("TMPDIR");

	snprintf(x->tmp, sizeof(x->tmp), "%s/mapbench-kcheck-XXXXXX",
		 t && *t ? t : "/tmp");
	if (!mkdtemp(x->tmp))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot create a temp directory: %s",
			       strerror(errno));
	snprintf(x->path_fifo, sizeof(x->path_fifo), "%s/trace", x->tmp);
	snprintf(x->path_sock, sizeof(x->path_sock), "%s/gdb", x->tmp);
	snprintf(x->path_con, sizeof(x->path_con), "%s/console", x->tmp);
	snprintf(x->path_params, sizeof(x->path_params), "%s/params",
		 x->tmp);
	snprintf(x->path_cpio, sizeof(x->path_cpio), "%s/initrd", x->tmp);
	return 0;
}

static void clean_tmp(struct kc_ctx *x)
{
	if (!x->tmp[0])
		return;
	unlink(x->path_fifo);
	unlink(x->path_sock);
	unlink(x->path_con);
	unlink(x->path_params);
	unlink(x->path_cpio);
	rmdir(x->tmp);
	x->tmp[0] = '\0';
}

/* ---- granule and VA size --------------------------------------------- */

/*
 * The kernel's config: --config, else config-RELEASE beside the Image
 * (as Debian's linux-image packages have it), else config beside it
 * (linux-base's /usr/lib/modules/RELEASE/config from 7.2), else none.  Its page size must be the
 * one the Image's header states.  Then what the kernel will run: a
 * 52-bit VA kernel falls back to 48 bits (4K), 47 (16K) or 48 (64K) on
 * a CPU without LPA2/LPA.  Unknown VA size (no config): TCR_EL1 tells.
 */
static int kernel_config(struct kc_ctx *x)
{
	char path[PATH_MAX + 80], dir[PATH_MAX];
	struct kc_kconfig *c = &x->cfg;
	int ret;

	if (x->o.config) {
		ret = kc_kconfig_load(x->o.config, c, x->err, sizeof(x->err));
		if (ret)
			return ret;
	} else {
		snprintf(dir, sizeof(dir), "%s", x->o.kernel);
		snprintf(path, sizeof(path), "%s/config-%s", dirname(dir),
			 x->img.version);
		if (access(path, R_OK)) {
			snprintf(dir, sizeof(dir), "%s", x->o.kernel);
			snprintf(path, sizeof(path), "%s/config",
				 dirname(dir));
		}
		if (!access(path, R_OK) &&
		    kc_kconfig_load(path, c, x->err, sizeof(x->err)))
			c->path[0] = '\0';
		x->err[0] = '\0';
	}
	if (c->path[0] && x->img.page_shift &&
	    c->page_shift != x->img.page_shift)
		return mb_errf(MB_EXIT_USAGE, x->err, sizeof(x->err),
			       "%s says %uK pages, the Image's header %uK: not this kernel's config",
			       c->path, 1u << (c->page_shift - 10),
			       1u << (x->img.page_shift - 10));
	x->want_shift = x->img.page_shift ? x->img.page_shift :
			c->path[0] ? c->page_shift : 0;
	if (!c->path[0])
		return 0;
	x->want_va = c->va_bits;
	if (c->va_bits == 52 && !kc_cpu_has_lpa2(x->o.cpu))
		x->want_va = c->page_shift == 14 ? 47 : 48;
	else if (c->va_bits == 52 && c->page_shift != 16 && !c->lpa2)
		x->want_va = 48;
	return 0;
}

/*
 * The mapbench image for a granule and VA size: --guest (which must be
 * built for them), else mapbench-guest-<4k|16k|64k>-va<N>.elf beside
 * the default image (which is the 4K, 48-bit one).
 */
static int pick_guest(struct kc_ctx *x, unsigned int shift, unsigned int va)
{
	const char *def = mb_default_guest();
	struct mb_ram ram = { .gpa = MB_RAM_BASE, .size = x->o.bank.size };
	char dir[PATH_MAX];
	uint64_t entry;

	if (x->o.guest) {
		snprintf(x->guest, sizeof(x->guest), "%s", x->o.guest);
	} else {
		snprintf(dir, sizeof(dir), "%s", def);
		snprintf(x->guest, sizeof(x->guest),
			 "%s/mapbench-guest-%uk-va%u.elf", dirname(dir),
			 1u << (shift - 10), va);
		if (shift == 12 && va == 48 && access(x->guest, R_OK))
			snprintf(x->guest, sizeof(x->guest), "%s", def);
		if (access(x->guest, R_OK))
			return mb_errf(MB_EXIT_USAGE, x->err, sizeof(x->err),
				       "no mapbench guest for %uK pages at %u-bit VA: %s is missing (make guest builds it)",
				       1u << (shift - 10), va, x->guest);
	}
	if (mb_elf_load(x->guest, &ram, &entry, &x->ginfo, x->err,
			sizeof(x->err)))
		return MB_EXIT_USAGE;
	if (x->ginfo.page_shift != shift || x->ginfo.va_bits != va)
		return mb_errf(MB_EXIT_USAGE, x->err, sizeof(x->err),
			       "%s is built for %uK pages at %u-bit VA, the kernel runs %uK at %u-bit",
			       x->guest, 1u << (x->ginfo.page_shift - 10),
			       x->ginfo.va_bits, 1u << (shift - 10), va);
	return 0;
}

/* ---- the command ----------------------------------------------------- */

/* One kernel, x->o.kernel: its table (and JSON), and its history row. */
static int check_kernel(struct kc_ctx *x, struct kc_history_row *row)
{
	char diffs[1024] = "";
	const char *sname;
	uint64_t ndiff = 0;
	int ret;

	x->ram_mib = x->o.bank.size >> 20;
	ret = kc_image_open(x->o.kernel, &x->img, x->err, sizeof(x->err));
	if (ret)
		goto out;
	if (x->o.strategy < 0)
		x->o.strategy = kc_closest_strategy(&x->img);
	x->win = x->o.window >= 0 ? (enum kc_window_kind)x->o.window :
		 kc_window_kind(x->img.major, x->img.minor);
	sname = mb_strategy_name(x->o.strategy);
	ret = kernel_config(x);
	/* refuse now if the image for what the kernel will run is missing */
	if (!ret && x->want_shift && x->want_va && !x->o.kernel_only)
		ret = pick_guest(x, x->want_shift, x->want_va);
	if (!ret)
		ret = make_tmp(x);
	if (!ret)
		ret = kc_get_symbols(x);
	if (!ret)
		ret = kc_run_kernel(x);
	if (!ret && x->o.kernel_only) {
		kc_print_kernel(x);
		goto out;
	}
	if (!ret && !x->guest[0])
		ret = pick_guest(x, x->geom.page_shift, x->geom.va_bits);
	if (!ret)
		ret = kc_run_guest(x, true);
	if (!ret)
		ret = kc_run_guest(x, false);
	if (!ret)
		ret = kc_guest_console(x);
	if (ret)
		goto out;
	kc_map_compare(&x->k.map, &x->m.map, diffs, sizeof(diffs), &ndiff);
	if (!ndiff && x->k.map.digest != x->m.map.digest) {
		ndiff = 1;
		snprintf(diffs, sizeof(diffs),
			 "  runs equal but digests differ\n");
	}
	kc_print_table(x, sname, ndiff, diffs);
	kc_history_row(x, sname, ndiff, row);
	if (x->o.json)
		ret = kc_write_json(x, sname, ndiff);
out:
	if (ret && x->err[0])
		fprintf(stderr, "mapbench: %s\n", x->err);
	clean_tmp(x);
	kc_image_close(&x->img);
	kc_map_free(&x->k.map);
	kc_map_free(&x->m.map);
	kc_funcs_free(&x->kfuncs);
	kc_funcs_free(&x->gfuncs);
	free(x->kfs);
	free(x->gfs);
	return ret;
}

/*
 * Every --kernel in turn, each against its own closest strategy unless
 * --strategy names one, with its own config beside it; several: one
 * row each in a last table (map_mem() across releases, docs/HISTORY.md),
 * and the first failure's exit code once all have run.  --json with
 * several kernels: every record, in order.
 */
int mb_cmd_kernel_check(int argc, char **argv)
{
	struct kc_history_row rows[KC_MAX_KERNELS];
	struct kc_opts o;
	int ret, first = 0;
	unsigned int i;

	ret = kc_parse_opts(argc, argv, &o);
	if (ret)
		return ret;
	mb_signals_install();
	for (i = 0; i < o.nkernels; i++) {
		struct kc_ctx *x = calloc(1, sizeof(*x));

		if (!x)
			return MB_EXIT_VMM;
		x->o = o;
		x->o.kernel = o.kernels[i];
		x->o.json_append = i > 0;
		memset(&rows[i], 0, sizeof(rows[i]));
		ret = check_kernel(x, &rows[i]);
		if (ret && !first)
			first = ret;
		if (ret)
			snprintf(rows[i].error, sizeof(rows[i].error), "%.150s",
				 x->err[0] ? x->err : "failed");
		free(x);
		if (ret > MB_EXIT_SIGNAL)
			return ret;
		if (o.nkernels > 1)
			putchar('\n');
	}
	if (o.nkernels > 1)
		kc_print_history(rows, o.nkernels, o.bank.size);
	return first;
}
