// SPDX-License-Identifier: GPL-2.0-only
/*
 * kernel-check's mapbench side: the guest runs twice under the same QEMU
 * and CPU with the same RAM, rodata and the kernel's alias range:
 * traced (window: map_mem_timed() from entry to return), then untraced
 * with MB_PF_MAPDUMP for its record and its map as runs.
 */
#include <errno.h>
#include <fcntl.h>
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
#include "map.h"
#include "qemu.h"
#include "symbols.h"
#include "guest_run.h"

/* ---- the guest's parameters ------------------------------------------ */

static void guest_params(struct kc_ctx *x, struct mb_params *p, int dump)
{
	const uint64_t *s = x->syms.addr;
	uint64_t off = x->load_pa - s[KC_SYM_text];

	memset(p, 0, sizeof(*p));
	mb_params_finish(p);
	p->strategy = x->o.strategy;
	p->rodata = x->o.rodata;
	p->flags = MB_PF_QUIET | (dump ? MB_PF_CONSOLE_RECORD | MB_PF_MAPDUMP :
				  0);
	/* the kernel was made to take its block path: so does the guest */
	if (x->o.force_bbml2)
		p->flags |= MB_PF_BBML;
	p->nr_banks = 1;
	p->banks[0] = x->o.bank;
	p->iterations = 1;
	p->alias_text = s[KC_SYM_text] + off;
	p->alias_stext = s[KC_SYM_stext] + off;
	p->alias_end = s[KC_SYM_init_begin] + off;
	/* the data 7.2 maps with the alias; __bss_stop need not be page
	 * aligned (the walk rounds it up, as the kernel's does) */
	if (s[KC_SYM_init_end] && s[KC_SYM_bss_stop]) {
		p->alias_init_end = s[KC_SYM_init_end] + off;
		p->alias_bss_stop = s[KC_SYM_bss_stop] + off;
	}
	p->page_shift = x->ginfo.page_shift;
	p->va_bits = x->ginfo.va_bits;
}

static int write_params(struct kc_ctx *x, int dump)
{
	struct mb_params p;
	int fd, bad;

	guest_params(x, &p, dump);
	fd = open(x->path_params, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot write %s: %s", x->path_params,
			       strerror(errno));
	bad = mb_write_all(fd, &p, sizeof(p));
	if (close(fd) || bad)
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot write %s", x->path_params);
	return 0;
}

/* ---- the runs -------------------------------------------------------- */

/* One run of the guest: QEMU and, traced, its trace. */
struct grun {
	struct kc_proc p;
	struct kc_trace *t;		/* NULL: untraced */
	char *buf;			/* KC_TRACE_BUF of the FIFO */
	int fifo;
	char trace[PATH_MAX + 16];	/* -D's argument */
	double t0, deadline;
};

/* The traced run: its window, map_mem_timed() from entry to return, the
 * guest's functions, the FIFO open and QEMU's -d and -D onto argv. */
static int guest_trace(struct kc_ctx *x, struct grun *r, char **argv,
		       int *n)
{
	struct kc_window w = { 0 };
	uint64_t entry = 0;
	int ret;

	ret = kc_elf_symbol(x->guest, "map_mem_timed", &entry, x->err,
			    sizeof(x->err));
	if (ret)
		return ret;
	w.start_pc = w.ret_func = entry;
	r->t = kc_trace_new(&w);
	kc_elf_funcs(x->guest, &x->gfuncs);
	if (r->t && x->gfuncs.nr)
		kc_trace_set_funcs(r->t, &x->gfuncs);
	r->buf = malloc(KC_TRACE_BUF);
	if (!r->t || !r->buf)
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "out of memory");
	snprintf(r->trace, sizeof(r->trace), "%s", x->path_fifo);
	argv[(*n)++] = "-d";
	argv[(*n)++] = "in_asm,exec,nochain";
	argv[(*n)++] = "-D";
	argv[(*n)++] = r->trace;
	unlink(x->path_fifo);
	return kc_open_fifo(x, &r->fifo);
}

/* Until QEMU exits, or traced, until the window has closed. */
static int guest_wait(struct kc_ctx *x, struct grun *r)
{
	int ret;

	for (;;) {
		if (r->t) {
			struct pollfd pf = { .fd = r->fifo, .events = POLLIN };

			if (kc_pump_trace(r->fifo, r->t, r->buf,
					  KC_TRACE_BUF) < 0)
				return mb_errf(MB_EXIT_VMM, x->err,
					       sizeof(x->err), "out of memory");
			if (kc_trace_state(r->t) == KC_DONE)
				return 0;
			poll(&pf, 1, 50);
		} else {
			usleep(20000);
		}
		kc_proc_drain(&r->p);
		ret = kc_interrupted(x);
		if (ret)
			return ret;
		if (kc_proc_exited(&r->p)) {
			if (!r->t)
				return 0;
			/* the rest of the FIFO, then judge */
			while (kc_pump_trace(r->fifo, r->t, r->buf,
					     KC_TRACE_BUF) == 0 &&
			       kc_trace_state(r->t) != KC_DONE)
				;
			if (kc_trace_state(r->t) == KC_DONE)
				return 0;
			return kc_qemu_died(x, &r->p,
					    "the mapbench guest ended before its window closed");
		}
		if (mb_now() > r->deadline)
			return mb_errf(MB_EXIT_TIMEOUT, x->err, sizeof(x->err),
				       "the mapbench guest did not finish in %u s",
				       x->o.timeout);
	}
}

int kc_run_guest(struct kc_ctx *x, bool traced)
{
	char mem[32], con[PATH_MAX + 32], loader[PATH_MAX + 96], rep[256];
	char *argv[40];
	struct grun r = { .p = KC_PROC_INIT, .fifo = -1 };
	int ret, n;

	r.t0 = mb_now();
	r.deadline = r.t0 + x->o.timeout;
	if (strchr(x->path_params, ','))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "TMPDIR must not contain a comma");
	snprintf(loader, sizeof(loader),
		 "loader,file=%s,addr=0x%lx,force-raw=on", x->path_params,
		 (unsigned long)MB_PARAMS_GPA);
	n = kc_qemu_argv(x, x->ram_mib, argv, mem, sizeof(mem), con,
			 sizeof(con));
	argv[n++] = "-kernel";
	argv[n++] = x->guest;
	argv[n++] = "-device";
	argv[n++] = loader;
	ret = write_params(x, !traced);
	if (ret)
		return ret;
	if (traced) {
		ret = guest_trace(x, &r, argv, &n);
		if (ret)
			goto out;
	}
	argv[n] = NULL;
	unlink(x->path_con);
	ret = kc_proc_start(&r.p, argv, x->err, sizeof(x->err), x->o.verbose);
	if (!ret)
		ret = guest_wait(x, &r);
	if (ret || !r.t)
		goto out;
	if (kc_trace_result(r.t, &x->m.c, rep, sizeof(rep))) {
		ret = mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			      "mapbench trace: %s", rep);
		goto out;
	}
	x->m.wall_s = mb_now() - r.t0;
	x->gfs = kc_copy_fstats(r.t, &x->gfuncs);
	kc_dump_tbs(r.t, "mapbench");
out:
	kc_proc_stop(&r.p);
	if (r.fifo >= 0)
		close(r.fifo);
	unlink(x->path_fifo);
	kc_trace_free(r.t);
	free(r.buf);
	return ret;
}

/* ---- the untraced run's console -------------------------------------- */

/* The untraced run's console: its record and its map. */
int kc_guest_console(struct kc_ctx *x)
{
	struct mb_params p;
	size_t len;
	char *c = mb_read_file(x->path_con, 0, &len), *line, *save = NULL;
	bool have_rec = false, in_map = false, map_end = false;
	int ret = 0;

	if (!c)
		return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			       "the mapbench guest printed nothing");
	guest_params(x, &p, 1);
	for (line = strtok_r(c, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!strcmp(line, "MBMAP-BEGIN")) {
			in_map = true;
		} else if (!strcmp(line, "MBMAP-END")) {
			map_end = in_map;
			in_map = false;
		} else if (in_map) {
			if (kc_map_parse_line(&x->m.map, line) <= 0) {
				ret = mb_errf(MB_EXIT_GUEST, x->err,
					      sizeof(x->err),
					      "malformed map line from the guest: %.60s",
					      line);
				break;
			}
		} else if (!strncmp(line, MB_CONSOLE_TAG,
				    sizeof(MB_CONSOLE_TAG) - 1)) {
			struct mb_result raw;
			const char *h = line + sizeof(MB_CONSOLE_TAG) - 1;

			if (mb_hex_decode(h, strlen(h), &raw, sizeof(raw)) ||
			    mb_record_check(&raw, sizeof(raw), &p, &x->rec,
					    x->err, sizeof(x->err))) {
				if (!x->err[0])
					snprintf(x->err, sizeof(x->err),
						 "malformed result record from the guest");
				ret = MB_EXIT_GUEST;
				break;
			}
			have_rec = true;
		}
	}
	free(c);
	if (ret)
		return ret;
	if (!have_rec)
		return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			       "the mapbench guest gave no result record");
	if (x->rec.status != MB_ST_OK)
		return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			       "the mapbench guest failed: %s",
			       mb_status_name(x->rec.status));
	if (!map_end)
		return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			       "the mapbench guest printed no map (a guest without MB_PF_MAPDUMP?)");
	x->m.map.digest = x->rec.digest;
	x->m.fixmap = x->rec.counts.fixmap_map + x->rec.counts.fixmap_unmap;
	x->m.tables = mb_counted_tables(&x->rec.counts);
	return 0;
}
