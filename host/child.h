/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A child process (QEMU, for both `run --tcg` and kernel-check) with
 * stdin on /dev/null and stdout/stderr on pipes: start it, reap it by a
 * deadline, stop it with SIGTERM and then SIGKILL.  Base layer: knows no
 * mapbench type; includes util.h only.
 */
#ifndef MAPBENCH_CHILD_H
#define MAPBENCH_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct mb_child {
	pid_t pid;		/* -1: never started */
	int out_fd, err_fd;	/* read ends, close-on-exec; -1: closed */
	int status;		/* waitpid()'s, -1 until it is reaped */
	bool reaped;
};

/*
 * Start argv[0] (searched in PATH).  0, or MB_EXIT_VMM with err set:
 * "ARGV0 not found (run scripts/deps.sh)", "cannot run ARGV0: why",
 * "pipe: why".
 */
int mb_child_spawn(struct mb_child *c, char *const argv[], char *err,
		   size_t errlen);
/*
 * Reap it, waiting at most until deadline (0: for ever; mb_now() or
 * earlier: just look).  True once it is gone (or somebody else reaped
 * it, when status stays -1).
 */
bool mb_child_reap(struct mb_child *c, double deadline);
/* SIGTERM; SIGKILL when it is still there grace_s later; reaped. */
void mb_child_kill(struct mb_child *c, double grace_s);
/* Close the pipes still open. */
void mb_child_close(struct mb_child *c);

#endif /* MAPBENCH_CHILD_H */
