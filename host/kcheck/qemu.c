// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU as kernel-check's runs start it (the symbol boot, the kernel run,
 * the mapbench guest's two runs): its command line, the child and its
 * stderr, why it ended early, SIGINT/SIGTERM; the FIFO its execution
 * trace streams through and what is kept of a trace afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "signals.h"
#include "child.h"
#include "ctx.h"
#include "trace.h"
#include "qemu.h"

/* ---- the process ----------------------------------------------------- */

int kc_proc_start(struct kc_proc *p, char *const argv[], char *err,
		  size_t errlen, int verbose)
{
	int ret;

	memset(p, 0, sizeof(*p));
	if (verbose) {
		fprintf(stderr, "kernel-check: running");
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, "\n");
	}
	ret = mb_child_spawn(&p->c, argv, err, errlen);
	if (ret)
		return ret;
	fcntl(p->c.out_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->c.err_fd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* Keep QEMU's stderr (for messages); its stdout says nothing we use. */
void kc_proc_drain(struct kc_proc *p)
{
	char buf[4096];
	ssize_t n;

	while (p->c.out_fd >= 0 &&
	       read(p->c.out_fd, buf, sizeof(buf)) > 0)
		;
	while (p->c.err_fd >= 0 &&
	       (n = read(p->c.err_fd, buf, sizeof(buf))) > 0) {
		size_t k = (size_t)n;

		if (p->errlen + k >= sizeof(p->errbuf))
			k = sizeof(p->errbuf) - 1 - p->errlen;
		memcpy(p->errbuf + p->errlen, buf, k);
		p->errlen += k;
		p->errbuf[p->errlen] = '\0';
	}
}

/* Has it exited?  Reaps it if so. */
bool kc_proc_exited(struct kc_proc *p)
{
	return mb_child_reap(&p->c, mb_now());
}

void kc_proc_stop(struct kc_proc *p)
{
	mb_child_kill(&p->c, 0);
	kc_proc_drain(p);
	mb_child_close(&p->c);
}

/* QEMU's first stderr line that is not the icount/nice noise. */
static void qemu_first_error(const struct kc_proc *p, char *buf, size_t len)
{
	const char *s = p->errbuf;

	snprintf(buf, len, "QEMU exited (status %d)",
		 WIFEXITED(p->c.status) ? WEXITSTATUS(p->c.status) : -1);
	while (s && *s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n && !memmem(s, n, "warning", 7)) {
			snprintf(buf, len, "%.*s", (int)(n > 200 ? 200 : n), s);
			return;
		}
		s = e ? e + 1 : NULL;
	}
}

/* Exit code for a QEMU that died on its own before we were done. */
int kc_qemu_died(struct kc_ctx *x, struct kc_proc *p, const char *what)
{
	char line[256];

	kc_proc_drain(p);
	qemu_first_error(p, line, sizeof(line));
	if (strstr(p->errbuf, "cannot set up guest memory") ||
	    strstr(p->errbuf, "Cannot allocate memory"))
		return mb_errf(MB_EXIT_HOST, x->err, sizeof(x->err),
			       "QEMU cannot give the guest %llu MiB of RAM: %s",
			       (unsigned long long)x->ram_mib, line);
	return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err), "%s: %s", what,
		       line);
}

/* The console's "Kernel panic" line, if there is one. */
int kc_console_panic(const char *path, char *buf, size_t len)
{
	char *c = mb_read_file(path, 0, NULL), *p;

	if (!c)
		return 0;
	p = strstr(c, "Kernel panic");
	if (p) {
		char *e = strpbrk(p, "\r\n");

		if (e)
			*e = '\0';
		snprintf(buf, len, "%.160s", p);
	}
	free(c);
	return p != NULL;
}

/* SIGINT/SIGTERM (mb_signals_install): stop, clean up, 128 + signal. */
int kc_interrupted(struct kc_ctx *x)
{
	int sig = mb_stop_signal;

	if (!sig)
		return 0;
	return mb_signal_errf(sig, x->err, sizeof(x->err), NULL);
}

/*
 * QEMU's command line as every run here starts it: virt, one CPU of
 * mib MiB, no display, network, monitor or reboot, the console into
 * x->path_con.  mem and con are the caller's buffers for two of the
 * arguments; returns how many of argv it filled.
 */
int kc_qemu_argv(const struct kc_ctx *x, uint64_t mib, char **argv,
		 char *mem, size_t memlen, char *con, size_t conlen)
{
	char *const base[] = {
		(char *)x->o.qemu, "-M", "virt", "-cpu", (char *)x->o.cpu,
		"-smp", "1", "-m", mem, "-display", "none", "-nic", "none",
		"-no-reboot", "-monitor", "none", "-serial", con,
	};
	int n = sizeof(base) / sizeof(base[0]);

	snprintf(mem, memlen, "%lluM", (unsigned long long)mib);
	snprintf(con, conlen, "file:%s", x->path_con);
	memcpy(argv, base, sizeof(base));
	return n;
}

/* ---- the trace ------------------------------------------------------- */

int kc_open_fifo(struct kc_ctx *x, int *fd)
{
	if (mkfifo(x->path_fifo, 0600))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "mkfifo: %s", strerror(errno));
	*fd = open(x->path_fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0)
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot open the trace FIFO: %s",
			       strerror(errno));
	return 0;
}

/* Read what the FIFO has; -1 on a parser failure, 1 at EOF. */
int kc_pump_trace(int fd, struct kc_trace *t, char *buf, size_t len)
{
	for (int i = 0; i < 64; i++) {
		ssize_t n = read(fd, buf, len);

		if (n > 0) {
			if (kc_trace_feed(t, buf, n))
				return -1;
			if (kc_trace_state(t) == KC_DONE)
				return 0;
			continue;
		}
		if (n == 0)
			return 1;
		return 0;	/* EAGAIN */
	}
	return 0;
}

/* MB_KCHECK_TBS=PREFIX: the window's blocks to PREFIX.kernel/.mapbench
 * (a diagnostic for making the engine follow the kernel's code path). */
void kc_dump_tbs(const struct kc_trace *t, const char *side)
{
	const char *pre = getenv("MB_KCHECK_TBS");
	char path[PATH_MAX];
	FILE *f;

	if (!pre || !*pre)
		return;
	snprintf(path, sizeof(path), "%s.%s", pre, side);
	f = fopen(path, "w");
	if (!f)
		return;
	kc_trace_dump_tbs(t, f);
	fclose(f);
}

struct kc_fstat *kc_copy_fstats(const struct kc_trace *t,
				const struct kc_funcs *fs)
{
	const struct kc_fstat *f = kc_trace_fstats(t);
	struct kc_fstat *c;

	if (!f)
		return NULL;
	c = malloc((fs->nr + 1) * sizeof(*c));
	if (c)
		memcpy(c, f, (fs->nr + 1) * sizeof(*c));
	return c;
}
