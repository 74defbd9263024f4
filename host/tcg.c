// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run the guest under qemu-system-aarch64 with TCG.
 *
 * QEMU owns the guest RAM, so the host cannot read the result page after
 * the run: the guest is told (MB_PF_CONSOLE_RECORD) to also print the
 * record on the PL011 as one "MBREC <hex>" line, which we pick out of
 * the console stream.  Every console byte is untrusted.
 *
 * The params page goes in with "-device loader" as a raw blob; the guest
 * ELF with -kernel.  QEMU's virt board puts its 1 MiB DTB blob at the
 * RAM base, which is why MB_PARAMS_GPA sits 1 MiB above it: QEMU refuses
 * to start when two blobs overlap.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "options.h"
#include "cpufeat.h"
#include "record.h"
#include "layout.h"
#include "run.h"
#include "tcg.h"
#include "child.h"
#include "console.h"
#include "signals.h"

#define CONSOLE_CAP		(4u << 20)	/* a flooding guest is killed */
#define TERM_GRACE_S		2.0		/* SIGTERM -> SIGKILL */

/*
 * How QEMU is run, beyond what struct mb_run_opts says.  icount
 * (instruction-counted virtual time, so CNTVCT deltas are the same run
 * to run) is --deterministic.
 */
struct tcg_mode {
	bool icount;		/* -icount shift=0,sleep=off */
};

static const struct tcg_mode tcg_default_mode = {
	.icount = false,
};

static const struct tcg_mode tcg_deterministic_mode = {
	.icount = true,
};

/* ---- the params file ------------------------------------------------ */

static const char *tmp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d && *d ? d : "/tmp";
}

/* The params the guest gets, in a temp file for QEMU's loader device. */
static int write_params(const struct mb_params *p, char *path, size_t plen,
			char *err, size_t errlen)
{
	int fd, bad;

	if ((size_t)snprintf(path, plen, "%s/mapbench-params-XXXXXX",
			     tmp_dir()) >= plen) {
		mb_errf(0, err, errlen, "TMPDIR is too long");
		path[0] = '\0';
		return MB_EXIT_VMM;
	}
	fd = mkstemp(path);
	if (fd < 0) {
		mb_errf(0, err, errlen,
			"cannot create a temp file in %s: %s", tmp_dir(),
			strerror(errno));
		path[0] = '\0';
		return MB_EXIT_VMM;
	}
	bad = mb_write_all(fd, p, sizeof(*p));
	if (close(fd))
		bad = 1;
	if (bad) {
		mb_errf(0, err, errlen,
			"cannot write %s: %s", path, strerror(errno));
		unlink(path);
		path[0] = '\0';
		return MB_EXIT_VMM;
	}
	return 0;
}

/* QEMU option values: a ',' in a value is written ",,". */
static int opt_escape(char *dst, size_t len, const char *src)
{
	size_t o = 0;

	for (; *src; src++) {
		if (o + 2 >= len)
			return -1;
		if (*src == ',')
			dst[o++] = ',';
		dst[o++] = *src;
	}
	if (o >= len)
		return -1;
	dst[o] = '\0';
	return 0;
}

/* ---- running QEMU ---------------------------------------------------- */

struct run_io {
	struct mb_console con;		/* the guest's serial port */
	struct mb_console qerr;		/* QEMU's own stderr */
	bool timed_out;
	bool flooded;
	bool stopped;			/* SIGINT / SIGTERM */
	int status;
};

/*
 * Pump both pipes until QEMU closes them, then reap it; kill it when the
 * deadline passes or the output gets out of hand.
 */
static int pump(struct mb_child *c, double deadline, bool verbose,
		struct run_io *io, char *err, size_t errlen)
{
	struct pollfd pfd[2] = {
		{ .fd = c->out_fd, .events = POLLIN },
		{ .fd = c->err_fd, .events = POLLIN },
	};
	struct mb_console *sink[2] = { &io->con, &io->qerr };
	char buf[16384];
	int open = 2, ret = 0;

	while (open) {
		int ms = 1000;

		/* a signal landing just before poll() waits at most 1 s */
		if (mb_stop_signal) {
			io->stopped = true;
			break;
		}
		if (deadline > 0) {
			double left = deadline - mb_now();

			if (left <= 0) {
				io->timed_out = true;
				break;
			}
			if (left < 1)
				ms = left * 1000 + 1;
		}
		if (poll(pfd, 2, ms) < 0) {
			if (errno == EINTR)
				continue;
			ret = mb_errf(MB_EXIT_VMM, err, errlen,
				      "poll: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t r;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			r = read(pfd[i].fd, buf, sizeof(buf));
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open--;
				continue;
			}
			mb_console_feed(sink[i], buf, r);
			if (verbose) {
				mb_console_forward(i ? stderr : stdout, buf, r);
				fflush(i ? stderr : stdout);
			}
		}
		if (io->con.total + io->qerr.total > CONSOLE_CAP) {
			io->flooded = true;
			break;
		}
	}
	c->out_fd = pfd[0].fd;
	c->err_fd = pfd[1].fd;
	mb_child_close(c);

	if (ret || io->timed_out || io->flooded || io->stopped) {
		mb_child_kill(c, TERM_GRACE_S);
	} else if (!mb_child_reap(c, deadline)) {
		/* closed its output but kept running */
		io->timed_out = true;
		mb_child_kill(c, TERM_GRACE_S);
	}
	io->status = c->status;	/* -1 if somebody else reaped it */
	return ret;
}

/* "qemu 7.2.22 tcg (emulated)", from the first line of --version. */
int mb_qemu_version(const char *qemu, char *ver, size_t len)
{
	char *argv[] = { (char *)qemu, "--version", NULL };
	char err[MB_ERRLEN], line[128], v[32];
	struct run_io *io;
	struct mb_child c;
	int ret = -1;

	io = calloc(1, sizeof(*io));
	if (!io)
		return -1;
	if (mb_child_spawn(&c, argv, err, sizeof(err)))
		goto out;
	if (pump(&c, mb_now() + 10, false, io, err, sizeof(err)) ||
	    io->timed_out || io->flooded)
		goto out;
	/* The first line: the tail holds at most 4 KiB of the start. */
	if (io->con.total >= MB_CONSOLE_TAIL)
		goto out;
	snprintf(line, sizeof(line), "%.*s", (int)io->con.tail_pos,
		 io->con.tail);
	if (sscanf(line, "QEMU emulator version %31[0-9.]", v) != 1)
		goto out;
	snprintf(ver, len, "%s", v);
	ret = 0;
out:
	free(io);
	return ret;
}

static void qemu_desc(const char *qemu, char *desc, size_t len)
{
	static char cached_for[256], cached[128];
	char ver[32];

	if (cached[0] && !strcmp(cached_for, qemu)) {
		snprintf(desc, len, "%s", cached);
		return;
	}
	snprintf(desc, len, "qemu tcg (emulated)");
	if (mb_qemu_version(qemu, ver, sizeof(ver)))
		return;
	snprintf(desc, len, "qemu %s tcg (emulated)", ver);
	if (strlen(qemu) < sizeof(cached_for)) {
		snprintf(cached_for, sizeof(cached_for), "%s", qemu);
		snprintf(cached, sizeof(cached), "%s", desc);
	}
}

/*
 * QEMU's virt RAM is one block at MB_RAM_BASE, so it spans to the end of
 * the highest bank; holes between banks are simply not described to the
 * guest.  -m wants whole MiB: any rounding is such a hole too.  The
 * layout was checked when the options were settled.
 */
static uint64_t ram_mib(const struct mb_params *p)
{
	uint64_t top = mb_layout_top(p->banks, p->nr_banks);

	return ((top - MB_RAM_BASE) + (1 << 20) - 1) >> 20;
}

struct qemu_args {
	char *argv[40];
	char backend[96];
	char mem[32];
	char loader[PATH_MAX + 96];
};

static int qemu_args(struct qemu_args *a, const char *qemu,
		     const char *cpu, const struct tcg_mode *mode, uint64_t mib,
		     const char *elf, const char *params)
{
	char esc[PATH_MAX + 32];
	int n = 0;

	if (opt_escape(esc, sizeof(esc), params))
		return -1;
	snprintf(a->backend, sizeof(a->backend),
		 "memory-backend-ram,id=ram0,size=%lluM,reserve=off",
		 (unsigned long long)mib);
	snprintf(a->mem, sizeof(a->mem), "%lluM", (unsigned long long)mib);
	snprintf(a->loader, sizeof(a->loader),
		 "loader,file=%s,addr=0x%lx,force-raw=on", esc,
		 (unsigned long)MB_PARAMS_GPA);

	a->argv[n++] = (char *)qemu;
	a->argv[n++] = "-M";
	a->argv[n++] = "virt,memory-backend=ram0";
	a->argv[n++] = "-object";
	a->argv[n++] = a->backend;
	a->argv[n++] = "-m";
	a->argv[n++] = a->mem;
	a->argv[n++] = "-accel";
	a->argv[n++] = "tcg";
	a->argv[n++] = "-cpu";
	a->argv[n++] = (char *)cpu;
	a->argv[n++] = "-smp";
	a->argv[n++] = "1";
	a->argv[n++] = "-nographic";
	a->argv[n++] = "-nic";
	a->argv[n++] = "none";
	a->argv[n++] = "-no-reboot";
	a->argv[n++] = "-monitor";
	a->argv[n++] = "none";
	a->argv[n++] = "-serial";
	a->argv[n++] = "stdio";
	if (mode->icount) {
		a->argv[n++] = "-icount";
		a->argv[n++] = "shift=0,sleep=off";
	}
	/* -kernel takes its value verbatim: no comma escaping */
	a->argv[n++] = "-kernel";
	a->argv[n++] = (char *)elf;
	a->argv[n++] = "-device";
	a->argv[n++] = a->loader;
	a->argv[n] = NULL;
	return 0;
}

/* What a finished QEMU run amounts to, as an MB_EXIT_* code. */
static int verdict(const struct mb_run_opts *opts, struct run_io *io,
		   struct mb_outcome *out)
{
	char *err = out->err, line[128];
	size_t errlen = sizeof(out->err);
	int st = io->status, ret;

	/* before anything else: QEMU may have died of the same ^C */
	if (io->stopped || mb_stop_signal)
		return mb_signal_errf(mb_stop_signal ? mb_stop_signal : SIGINT,
				      err, errlen, NULL);
	if (io->timed_out)
		return mb_errf(MB_EXIT_TIMEOUT, err, errlen,
			       "guest did not finish in %u s (qemu tcg)",
			       opts->timeout_s);
	if (io->flooded)
		return mb_errf(MB_EXIT_GUEST, err, errlen,
			       "guest console output exceeded %u MiB (qemu killed)",
			       CONSOLE_CAP >> 20);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		mb_console_last_line(&io->qerr, line, sizeof(line));
		if (WIFSIGNALED(st))
			return mb_errf(MB_EXIT_VMM, err, errlen,
				       "qemu killed by signal %d%s%s",
				       WTERMSIG(st), *line ? ": " : "", line);
		return mb_errf(MB_EXIT_VMM, err, errlen,
			       "qemu exited with status %d%s%s",
			       WEXITSTATUS(st), *line ? ": " : "", line);
	}
	mb_console_finish(&io->con);
	if (io->con.rec_state == MB_CREC_BAD)
		return mb_errf(MB_EXIT_GUEST, err, errlen,
			       "%s", io->con.rec_why);
	if (io->con.rec_state == MB_CREC_NONE) {
		mb_console_last_line(&io->con, line, sizeof(line));
		return mb_errf(MB_EXIT_GUEST, err, errlen,
			       "guest powered off without a result record%s%s%s",
			       *line ? " (last console line: \"" : "", line,
			       *line ? "\")" : "");
	}
	ret = mb_record_check(io->con.rec, sizeof(io->con.rec), &opts->params,
			      &out->rec, err, errlen);
	if (!ret)
		out->have_record = 1;
	return ret;
}

static int tcg_run(const struct mb_run_opts *opts, const struct tcg_mode *mode,
		   struct mb_outcome *out)
{
	const char *qemu = opts->qemu;
	const char *cpu = opts->tcg_cpu ? opts->tcg_cpu : MB_DEFAULT_TCG_CPU;
	struct mb_params p = opts->params;
	char params[PATH_MAX] = "";
	struct qemu_args *args = NULL;
	struct run_io *io = NULL;
	double t0 = mb_now(), deadline;
	struct mb_child c;
	uint64_t mib;
	int ret;

	mib = ram_mib(&opts->params);
	qemu_desc(qemu, out->accel_desc, sizeof(out->accel_desc));
	/* the model's ID registers, checked when the options were settled */
	if (mb_tcg_cpu_ids(cpu)) {
		char why[MB_ERRLEN];

		out->cpu_ids = *mb_tcg_cpu_ids(cpu);
		out->have_cpu_ids = 1;
		out->cpu_ids_from = "qemu-model";
		out->bbml2_noabort = mb_cpu_bbml2_noabort(&out->cpu_ids, why,
							  sizeof(why));
		out->bbml3 = mb_cpu_bbml3(&out->cpu_ids, why, sizeof(why));
		out->block_path = mb_bbml_block_path(opts, &out->cpu_ids);
	}
	if (out->block_path)
		p.flags |= MB_PF_BBML;

	/* QEMU keeps the RAM: the record has to come over the console. */
	p.flags |= MB_PF_CONSOLE_RECORD;
	ret = write_params(&p, params, sizeof(params), out->err,
			   sizeof(out->err));
	if (ret)
		goto done;

	args = calloc(1, sizeof(*args));
	io = calloc(1, sizeof(*io));
	if (!args || !io) {
		ret = mb_errf(MB_EXIT_VMM, out->err, sizeof(out->err),
			      "out of memory");
		goto done;
	}
	if (qemu_args(args, qemu, cpu, mode, mib, opts->guest_elf,
		      params)) {
		ret = mb_errf(MB_EXIT_VMM, out->err, sizeof(out->err),
			      "temp file path too long");
		goto done;
	}
	mb_console_init(&io->con);
	mb_console_init(&io->qerr);
	out->t_entry = mb_now();
	ret = mb_child_spawn(&c, args->argv, out->err, sizeof(out->err));
	if (ret)
		goto done;
	deadline = opts->timeout_s ? mb_now() + opts->timeout_s : 0;
	ret = pump(&c, deadline, opts->verbose, io, out->err,
		   sizeof(out->err));
	out->t_exit = mb_now();
	if (!ret)
		ret = verdict(opts, io, out);
done:
	if (params[0])
		unlink(params);
	free(args);
	free(io);
	out->t_done = mb_now();
	out->wall_s = out->t_done - t0;
	return ret;
}

int mb_tcg_run(const struct mb_run_opts *opts, struct mb_outcome *out)
{
	return tcg_run(opts, opts->deterministic ? &tcg_deterministic_mode :
		       &tcg_default_mode, out);
}
