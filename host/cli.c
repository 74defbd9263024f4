// SPDX-License-Identifier: GPL-2.0-only
/*
 * How the CLI gives up on bad input: one line on stderr and an exit code.
 * Beside main.c, used by it and by the analysis commands; nothing below
 * the CLI exits.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"
#include "cli.h"

void mb_die(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	mb_verrf(0, msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "mapbench: %s\n", msg);
	exit(MB_EXIT_USAGE);
}

void mb_die_opt(int code, int c, char **argv, const char *cmd)
{
	char msg[MB_ERRLEN];

	mb_opt_errf(code, c, argv, cmd, msg, sizeof(msg));
	fprintf(stderr, "mapbench: %s\n", msg);
	exit(code);
}
