// SPDX-License-Identifier: GPL-2.0-only
/*
 * kernel-check's kernel run.  The Image boots under QEMU TCG, stopped at
 * reset (-S), with `-d in_asm,exec,nochain` into a FIFO parsed as it
 * streams (trace.c) and a gdbstub on a unix socket (rsp.c) with a
 * breakpoint at memblock_allow_resize(), the call after map_mem().  The
 * window per kernel version is window.c's.  At the
 * breakpoint, TTBR1_EL1 is swapper_pg_dir: its linear half is read at
 * physical addresses (Qqemu.PhyMemMode) and cut into runs (map.c); then
 * QEMU goes on until the trace has passed the window's end, and is
 * killed.
 */
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "record.h"
#include "ctx.h"
#include "trace.h"
#include "rsp.h"
#include "map.h"
#include "qemu.h"
#include "kernel_run.h"

#define KC_BANNER_CMD		"console=ttyAMA0 nokaslr rodata=%s earlycon=pl011,0x9000000"
#define KC_ADDR_MASK		0x0000fffffffff000ULL

/* ---- at the breakpoint ----------------------------------------------- */

struct mem_reader {
	struct kc_rsp *rsp;
	double deadline;
};

static int read_page(void *ctx, uint64_t pa, void *page, size_t len)
{
	struct mem_reader *m = ctx;

	return kc_rsp_read_mem(m->rsp, pa, page, len, m->deadline);
}

/* A system register through the gdbstub; 0 or -1. */
static int read_sysreg(struct kc_rsp *rsp, const char *name, uint64_t *v,
		       double deadline)
{
	int regnum = kc_rsp_sysreg(rsp, name, deadline);
	char rep[512];

	if (regnum < 0)
		return -1;
	snprintf(rep, sizeof(rep), "p%x", regnum);
	if (kc_rsp_cmd(rsp, rep, rep, sizeof(rep), deadline) ||
	    kc_hex_le64(rep, v))
		return -1;
	return 0;
}

/* At the breakpoint: TTBR1_EL1 and TCR_EL1, the granule and VA size
 * checked against the Image's and config's, the linear map read back. */
static int kernel_stopped(struct kc_ctx *x, struct kc_rsp *rsp,
			  double deadline)
{
	struct mem_reader mr = { rsp, deadline };
	char rep[512];
	int ret;

	if (read_sysreg(rsp, "TTBR1_EL1", &x->ttbr1, deadline) ||
	    read_sysreg(rsp, "TCR_EL1", &x->tcr, deadline))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot read TTBR1_EL1 and TCR_EL1 through QEMU's gdbstub (is this QEMU too old?)");
	ret = kc_geom_from_tcr(x->tcr, &x->geom, x->err, sizeof(x->err));
	if (ret)
		return ret;
	if ((x->want_shift && x->geom.page_shift != x->want_shift) ||
	    (x->want_va && x->geom.va_bits != x->want_va))
		return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			       "the kernel runs %uK pages at %u-bit VA (TCR_EL1 0x%" PRIx64 "), not %uK at %u-bit as its Image and config say",
			       1u << (x->geom.page_shift - 10),
			       x->geom.va_bits, x->tcr,
			       1u << (x->want_shift - 10), x->want_va);
	if (kc_rsp_cmd(rsp, "Qqemu.PhyMemMode:1", rep, sizeof(rep),
		       deadline) || strcmp(rep, "OK"))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "QEMU's gdbstub has no physical memory mode");
	return kc_map_read(read_page, &mr, &x->geom, x->ttbr1 & KC_ADDR_MASK,
			   &x->k.map, x->err, sizeof(x->err));
}

/* ---- the run --------------------------------------------------------- */

/* One kernel run: QEMU, its trace and its gdbstub. */
struct krun {
	struct kc_window w;
	struct kc_trace *t;
	struct kc_rsp rsp;
	struct kc_proc p;
	char *buf;			/* KC_TRACE_BUF of the FIFO */
	int fifo;
	bool stopped;			/* at the breakpoint, map read */
	uint64_t bbml_pc;		/* --force-bbml2: the CPU check */
	unsigned int forced;		/* times it was made to say yes */
	double t0, deadline, next_look;
};

/* QEMU stopped at reset, its gdbstub on x->path_sock, its trace into
 * the FIFO (opened first, to be read as it streams). */
static int kernel_start(struct kc_ctx *x, struct krun *r)
{
	char mem[32], append[256], con[PATH_MAX + 32], gdb[PATH_MAX + 64];
	char trace[PATH_MAX + 16], *argv[40];
	int ret, n;

	snprintf(append, sizeof(append), KC_BANNER_CMD,
		 mb_rodata_name(x->o.rodata));
	snprintf(gdb, sizeof(gdb), "unix:%s,server=on,wait=off",
		 x->path_sock);
	snprintf(trace, sizeof(trace), "%s", x->path_fifo);
	n = kc_qemu_argv(x, x->ram_mib, argv, mem, sizeof(mem), con,
			 sizeof(con));
	argv[n++] = "-kernel";
	argv[n++] = x->img.path;
	argv[n++] = "-append";
	argv[n++] = append;
	argv[n++] = "-gdb";
	argv[n++] = gdb;
	argv[n++] = "-S";
	argv[n++] = "-d";
	argv[n++] = "in_asm,exec,nochain";
	argv[n++] = "-D";
	argv[n++] = trace;
	argv[n] = NULL;
	unlink(x->path_fifo);
	ret = kc_open_fifo(x, &r->fifo);
	if (!ret)
		ret = kc_proc_start(&r->p, argv, x->err, sizeof(x->err),
				    x->o.verbose);
	return ret;
}

/* Onto the gdbstub (QEMU opens the socket before it runs anything): a
 * breakpoint at the window's stop, and go. */
static int gdb_attach(struct kc_ctx *x, struct krun *r)
{
	char cmd[64], rep[512];
	int ret;

	for (;;) {
		ret = kc_rsp_connect(&r->rsp, x->path_sock, mb_now() + 0.2,
				     x->err, sizeof(x->err));
		if (!ret)
			break;
		if (kc_proc_exited(&r->p))
			return kc_qemu_died(x, &r->p, "QEMU did not start");
		if (mb_now() > r->t0 + 30)
			return ret;
	}
	snprintf(cmd, sizeof(cmd), "Z0,%" PRIx64 ",4", r->w.stop_pc);
	if (kc_rsp_cmd(&r->rsp, cmd, rep, sizeof(rep), r->deadline) ||
	    strcmp(rep, "OK"))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot set a breakpoint through QEMU's gdbstub");
	if (r->bbml_pc) {
		/* QEMU answers p/P packets only to a client that read its
		 * target description: look a register up once */
		if (kc_rsp_sysreg(&r->rsp, "TCR_EL1", r->deadline) < 0)
			return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
				       "cannot read QEMU's gdbstub target description");
		snprintf(cmd, sizeof(cmd), "Z0,%" PRIx64 ",4", r->bbml_pc);
		if (kc_rsp_cmd(&r->rsp, cmd, rep, sizeof(rep), r->deadline) ||
		    strcmp(rep, "OK"))
			return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
				       "cannot set a breakpoint through QEMU's gdbstub");
	}
	if (kc_rsp_send(&r->rsp, "c"))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot start the kernel through QEMU's gdbstub");
	return 0;
}

/* A general register (x0..x30, pc 32) through the gdbstub. */
static int rsp_reg(struct kc_rsp *rsp, int n, uint64_t *v, double deadline)
{
	char cmd[16], rep[64];

	snprintf(cmd, sizeof(cmd), "p%x", n);
	if (kc_rsp_cmd(rsp, cmd, rep, sizeof(rep), deadline) ||
	    kc_hex_le64(rep, v))
		return -1;
	return 0;
}

static int rsp_set_reg(struct kc_rsp *rsp, int n, uint64_t v, double deadline)
{
	char cmd[48], rep[64];
	int o;

	o = snprintf(cmd, sizeof(cmd), "P%x=", n);
	for (int i = 0; i < 8; i++, v >>= 8)
		o += snprintf(cmd + o, sizeof(cmd) - o, "%02x",
			      (unsigned int)(v & 0xff));
	return kc_rsp_cmd(rsp, cmd, rep, sizeof(rep), deadline) ||
	       strcmp(rep, "OK") ? -1 : 0;
}

/*
 * --force-bbml2: the kernel's own CPU check (cpu_supports_bbml2_noabort(),
 * 7.3's cpu_supports_bbml3()) answers yes: at its entry, x0 = true and
 * back to the caller, as if it had returned.  Its body does not run (a
 * MIDR list walk: a few dozen instructions, not map_mem()'s work).
 */
static int force_yes(struct kc_ctx *x, struct krun *r)
{
	uint64_t lr;

	if (rsp_reg(&r->rsp, 30, &lr, r->deadline) ||
	    rsp_set_reg(&r->rsp, 0, 1, r->deadline) ||
	    rsp_set_reg(&r->rsp, 32, lr, r->deadline) ||
	    kc_rsp_send(&r->rsp, "c"))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "--force-bbml2: cannot make the CPU check answer through QEMU's gdbstub");
	r->forced++;
	return 0;
}

/* The breakpoint hit: read the map back, then on without the
 * breakpoint (the trace must reach the window's end). */
static int breakpoint_hit(struct kc_ctx *x, struct krun *r)
{
	char cmd[64], rep[512];
	int ret;

	r->stopped = true;
	ret = kernel_stopped(x, &r->rsp, r->deadline);
	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "z0,%" PRIx64 ",4", r->w.stop_pc);
	if (kc_rsp_cmd(&r->rsp, cmd, rep, sizeof(rep), r->deadline) ||
	    kc_rsp_send(&r->rsp, "c"))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot continue through QEMU's gdbstub");
	return 0;
}

static int kernel_panicked(struct kc_ctx *x)
{
	char line[200];

	if (!kc_console_panic(x->path_con, line, sizeof(line)))
		return 0;
	return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
		       "the kernel panicked before the end of map_mem(): %s",
		       line);
}

/* A panic on the console (once a second), else the timeout. */
static int kernel_watch(struct kc_ctx *x, struct krun *r)
{
	int ret;

	if (mb_now() > r->next_look) {
		/* a panic is final: say so now, not at the timeout */
		r->next_look = mb_now() + 1;
		ret = kernel_panicked(x);
		if (ret)
			return ret;
	}
	if (mb_now() <= r->deadline)
		return 0;
	ret = kernel_panicked(x);
	if (ret)
		return ret;
	return mb_errf(MB_EXIT_TIMEOUT, x->err, sizeof(x->err),
		       "the kernel did not get through map_mem() in %u s (window %s)",
		       x->o.timeout, kc_trace_state(r->t) == KC_OPEN ?
		       "open" : "never opened");
}

/* The trace as it streams, until it has passed the window's end with
 * the map read back at the breakpoint. */
static int kernel_wait(struct kc_ctx *x, struct krun *r)
{
	char rep[512];
	int ret, n;

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = r->fifo, .events = POLLIN },
			{ .fd = r->rsp.fd, .events = POLLIN },
		};

		if (kc_pump_trace(r->fifo, r->t, r->buf, KC_TRACE_BUF) < 0)
			return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
				       "out of memory parsing the trace");
		if (kc_trace_state(r->t) == KC_DONE && r->stopped)
			return 0;
		ret = kc_interrupted(x);
		if (ret)
			return ret;
		if (!r->stopped) {
			n = kc_rsp_poll(&r->rsp, rep, sizeof(rep));
			if (n < 0)
				return kc_qemu_died(x, &r->p,
						    "QEMU's gdbstub went away");
			if (n > 0 && rep[0] == 'T') {
				uint64_t pc = 0;

				if (r->bbml_pc &&
				    rsp_reg(&r->rsp, 32, &pc, r->deadline))
					return mb_errf(MB_EXIT_VMM, x->err,
						       sizeof(x->err),
						       "cannot read the pc through QEMU's gdbstub");
				ret = r->bbml_pc && pc == r->bbml_pc ?
				      force_yes(x, r) : breakpoint_hit(x, r);
				if (ret)
					return ret;
				continue;
			}
		}
		if (kc_proc_exited(&r->p))
			return kc_qemu_died(x, &r->p,
					    "QEMU ended before the kernel reached the end of map_mem()");
		ret = kernel_watch(x, r);
		if (ret)
			return ret;
		kc_proc_drain(&r->p);
		poll(pf, r->stopped ? 1 : 2, 100);
	}
}

int kc_run_kernel(struct kc_ctx *x)
{
	struct krun r = {
		.rsp = { .fd = -1 },
		.p = KC_PROC_INIT,
		.fifo = -1,
	};
	char rep[512];
	int ret;

	kc_window_init(x->win, x->syms.addr, &r.w);
	if (x->o.force_bbml2) {
		r.bbml_pc = x->syms.addr[KC_SYM_bbml3] ?
			    x->syms.addr[KC_SYM_bbml3] :
			    x->syms.addr[KC_SYM_bbml2];
		if (!r.bbml_pc)
			return mb_errf(MB_EXIT_USAGE, x->err, sizeof(x->err),
				       "--force-bbml2: this kernel has no cpu_supports_bbml2_noabort() or cpu_supports_bbml3() (before 6.17 it has no BBML2 block path)");
	}
	r.t0 = mb_now();
	r.deadline = r.t0 + x->o.timeout;
	r.next_look = r.t0 + 1;
	r.t = kc_trace_new(&r.w);
	r.buf = malloc(KC_TRACE_BUF);
	if (!r.t || !r.buf) {
		ret = mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			      "out of memory");
		goto out;
	}
	if (x->kfuncs.nr)
		kc_trace_set_funcs(r.t, &x->kfuncs);
	ret = kernel_start(x, &r);
	if (!ret)
		ret = gdb_attach(x, &r);
	if (!ret)
		ret = kernel_wait(x, &r);
	if (ret)
		goto out;
	if (!kc_trace_opened(r.t)) {
		ret = mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			      "no map_mem() window in this kernel (%s): %s",
			      x->img.version, kc_window_missing(x->win));
		goto out;
	}
	if (kc_trace_result(r.t, &x->k.c, rep, sizeof(rep))) {
		ret = mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			      "kernel trace: %s", rep);
		goto out;
	}
	x->load_pa = kc_trace_first_pc(r.t);
	kc_dump_tbs(r.t, "kernel");
	x->kfs = kc_copy_fstats(r.t, &x->kfuncs);
	x->k.fixmap = x->k.c.calls[0];
	x->k.tables = x->k.c.calls[1];
	x->k.wall_s = mb_now() - r.t0;
	x->bbml_forced = r.forced;
	if (x->o.force_bbml2 && !r.forced)
		ret = mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			      "--force-bbml2: the kernel's BBML2 check was not called before the end of map_mem()");
out:
	kc_rsp_close(&r.rsp);
	kc_proc_stop(&r.p);
	if (r.fifo >= 0)
		close(r.fifo);
	unlink(x->path_fifo);
	unlink(x->path_sock);
	kc_trace_free(r.t);
	free(r.buf);
	return ret;
}
