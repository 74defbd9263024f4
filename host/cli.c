// SPDX-License-Identifier: GPL-2.0-only
/*
 * How the CLI gives up on bad input (one line on stderr and an exit
 * code), and where it finds the files it ships beside the binary.
 * Beside main.c, used by it and by the commands; nothing below the CLI
 * exits.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int mb_cli_getopt(const struct mb_cmd *cmd, struct mb_getopt *g, int argc,
		  char **argv, int bad)
{
	int c = mb_getopt(cmd, g, argc, argv);

	if (c == 'h') {
		mb_usage(cmd, stdout);
		exit(MB_EXIT_OK);
	}
	if (c == '?' || c == ':')
		mb_die_opt(bad, c, argv, cmd->name);
	return c;
}

/*
 * The first of rel[] (paths relative to the directory this binary is
 * in) that access() grants mode on, in buf; NULL when none does.
 */
static const char *beside_self(const char *const *rel, size_t nr, int mode,
			       char *buf, size_t len)
{
	char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	for (size_t i = 0; i < nr; i++) {
		snprintf(buf, len, "%s/%s", dir, rel[i]);
		if (!access(buf, mode))
			return buf;
	}
	return NULL;
}

/* Layout presets: $MAPBENCH_LAYOUTS, else configs/layouts of the tree
 * the binary was built in, else ./configs/layouts. */
const char *mb_preset_dir(void)
{
	static char buf[PATH_MAX + 64];
	static const char *const rel[] = {
		"../configs/layouts", "../../configs/layouts",
	};
	const char *env = getenv("MAPBENCH_LAYOUTS");
	const char *dir;

	if (env && *env)
		return env;
	dir = beside_self(rel, sizeof(rel) / sizeof(rel[0]), X_OK, buf,
			  sizeof(buf));
	return dir ? dir : "configs/layouts";
}

/* The guest ELF: $MAPBENCH_GUEST, else beside the binary as built
 * (build/guest/, or an installed tree's guest/), else ./build/guest/. */
const char *mb_default_guest(void)
{
	static char buf[PATH_MAX + 64];
	static const char *const rel[] = {
		"guest/mapbench-guest.elf",
		"../guest/mapbench-guest.elf",
		"mapbench-guest.elf",
	};
	const char *env = getenv("MAPBENCH_GUEST");
	const char *elf;

	if (env && *env)
		return env;
	elf = beside_self(rel, sizeof(rel) / sizeof(rel[0]), R_OK, buf,
			  sizeof(buf));
	return elf ? elf : "build/guest/mapbench-guest.elf";
}
