// SPDX-License-Identifier: GPL-2.0-only
/*
 * A child process with its output on pipes: see child.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

int mb_child_spawn(struct mb_child *c, char *const argv[], char *err,
		   size_t errlen)
{
	posix_spawn_file_actions_t fa;
	int op[2], ep[2], r;

	*c = (struct mb_child){ .pid = -1, .out_fd = -1, .err_fd = -1,
				.status = -1 };
	if (pipe2(op, O_CLOEXEC))
		goto pipe_fail;
	if (pipe2(ep, O_CLOEXEC)) {
		close(op[0]);
		close(op[1]);
		goto pipe_fail;
	}
	r = posix_spawn_file_actions_init(&fa);
	if (!r)
		r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
						     O_RDONLY, 0);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, op[1], 1);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
	if (!r)
		r = posix_spawnp(&c->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(op[1]);
	close(ep[1]);
	if (r) {
		c->pid = -1;
		close(op[0]);
		close(ep[0]);
		if (r == ENOENT)
			return mb_errf(MB_EXIT_VMM, err, errlen,
				       "%s not found (run scripts/deps.sh)",
				       argv[0]);
		return mb_errf(MB_EXIT_VMM, err, errlen,
			       "cannot run %s: %s", argv[0], strerror(r));
	}
	c->out_fd = op[0];
	c->err_fd = ep[0];
	return 0;

pipe_fail:
	return mb_errf(MB_EXIT_VMM, err, errlen, "pipe: %s", strerror(errno));
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

bool mb_child_reap(struct mb_child *c, double deadline)
{
	if (c->pid <= 0 || c->reaped)
		return true;
	for (;;) {
		pid_t r = waitpid(c->pid, &c->status,
				  deadline > 0 ? WNOHANG : 0);

		if (r == c->pid || (r < 0 && errno != EINTR)) {
			/* r < 0: gone already, nothing to wait for */
			if (r < 0)
				c->status = -1;
			c->reaped = true;
			return true;
		}
		if (deadline > 0 && mb_now() >= deadline)
			return false;
		if (r == 0)
			sleep_ms(5);
	}
}

void mb_child_kill(struct mb_child *c, double grace_s)
{
	if (c->pid <= 0 || c->reaped)
		return;
	kill(c->pid, SIGTERM);
	if (mb_child_reap(c, mb_now() + grace_s))
		return;
	kill(c->pid, SIGKILL);
	mb_child_reap(c, 0);
}

void mb_child_close(struct mb_child *c)
{
	if (c->out_fd >= 0)
		close(c->out_fd);
	if (c->err_fd >= 0)
		close(c->err_fd);
	c->out_fd = c->err_fd = -1;
}
