/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU as kernel-check's runs start it (kcheck/qemu.c): the command
 * line, the child process with its stderr kept for messages, and the
 * FIFO its execution trace streams through.  The functions taking a
 * kc_ctx return 0 or an MB_EXIT_* code with x->err set.
 */
#ifndef MAPBENCH_KCHECK_QEMU_H
#define MAPBENCH_KCHECK_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "child.h"

#define KC_STDERR_CAP		8192
/* what one read of the trace FIFO takes at most */
#define KC_TRACE_BUF		(1 << 20)

struct kc_ctx;
struct kc_trace;
struct kc_funcs;
struct kc_fstat;

struct kc_proc {
	struct mb_child c;
	char errbuf[KC_STDERR_CAP];
	size_t errlen;
};

/* A kc_proc never started: kc_proc_stop() on it does nothing. */
#define KC_PROC_INIT	{ .c = { .pid = -1, .out_fd = -1, .err_fd = -1 } }

/* Start argv (printed first if verbose); its pipes non-blocking. */
int kc_proc_start(struct kc_proc *p, char *const argv[], char *err,
		  size_t errlen, int verbose);
void kc_proc_drain(struct kc_proc *p);
bool kc_proc_exited(struct kc_proc *p);
/* Kill it (if running), keep the last of its stderr, close the pipes. */
void kc_proc_stop(struct kc_proc *p);
/* QEMU ended on its own before we were done: why, as the exit code. */
int kc_qemu_died(struct kc_ctx *x, struct kc_proc *p, const char *what);
/* 1 and the "Kernel panic" line into buf if the console has one. */
int kc_console_panic(const char *path, char *buf, size_t len);
/* 128 + the signal once SIGINT/SIGTERM came, else 0. */
int kc_interrupted(struct kc_ctx *x);
int kc_qemu_argv(const struct kc_ctx *x, uint64_t mib, char **argv,
		 char *mem, size_t memlen, char *con, size_t conlen);

/* mkfifo x->path_fifo and open its read end, non-blocking, into fd. */
int kc_open_fifo(struct kc_ctx *x, int *fd);
/* Feed t what the FIFO has; -1 on a parser failure, 1 at EOF. */
int kc_pump_trace(int fd, struct kc_trace *t, char *buf, size_t len);
/* MB_KCHECK_TBS=PREFIX: the window's blocks to PREFIX.<side>. */
void kc_dump_tbs(const struct kc_trace *t, const char *side);
/* The trace's per-function counts (fs->nr + 1 of them), or NULL. */
struct kc_fstat *kc_copy_fstats(const struct kc_trace *t,
				const struct kc_funcs *fs);

#endif /* MAPBENCH_KCHECK_QEMU_H */
