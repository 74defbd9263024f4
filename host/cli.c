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
#include "paths.h"
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
 * Layout presets: $MAPBENCH_LAYOUTS, else found from the binary's own
 * place (paths.h): an installed prefix's share/mapbench/configs/layouts,
 * else configs/layouts of the source tree the binary was built in.
 * Not found: where they belong for this binary (the error names it);
 * ./configs/layouts only when the binary's place is unknown (no /proc).
 */
const char *mb_preset_dir(void)
{
	static char buf[PATH_MAX + 64];
	static const char *const rel[] = {
		("../" MB_INSTALL_LAYOUT_DIR),
		"../configs/layouts", "../../configs/layouts",
	};
	const char *env = getenv("MAPBENCH_LAYOUTS");

	if (env && *env)
		return env;
	if (mb_find_beside_self(rel, sizeof(rel) / sizeof(rel[0]), 1, X_OK,
				buf, sizeof(buf)) == -2)
		return "configs/layouts";
	return buf;
}

/*
 * The guest ELF (4K/48; the others are its siblings): $MAPBENCH_GUEST,
 * else found from the binary's own place: an installed prefix's
 * lib/mapbench/guest/, else build/guest/ beside build/mapbench (or
 * above build/asan/ and build/aarch64/), else beside the binary (a
 * LAVA bundle).  Never the current directory's build tree: when it is
 * not found, the path where it belongs for this binary, which the
 * error then names; ./build/guest/ only when the binary's place is
 * unknown (no /proc).
 */
const char *mb_default_guest(void)
{
	static char buf[PATH_MAX + 64];
	static const char *const rel[] = {
		"../" MB_INSTALL_GUEST_DIR "/mapbench-guest.elf",
		"guest/mapbench-guest.elf",
		"../guest/mapbench-guest.elf",
		"mapbench-guest.elf",
	};
	const char *env = getenv("MAPBENCH_GUEST");

	if (env && *env)
		return env;
	if (mb_find_beside_self(rel, sizeof(rel) / sizeof(rel[0]), 1, R_OK,
				buf, sizeof(buf)) == -2)
		return "build/guest/mapbench-guest.elf";
	return buf;
}
