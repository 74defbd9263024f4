// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where the shipped files are, relative to the running binary
 * (paths.h): the guest images and the layout presets.  No mapbench
 * types; cli.c asks.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

int mb_self_dir(char *dir, size_t len)
{
	ssize_t n;
	char *slash;

	if (len < 2)
		return -1;
	n = readlink("/proc/self/exe", dir, len - 1);
	if (n <= 0 || (size_t)n >= len - 1)
		return -1;
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	if (slash == dir)
		slash++;		/* a binary in / */
	*slash = '\0';
	return 0;
}

/* dir joined with rel, each leading "../" taking a component off dir
 * (so the paths printed have no "..") */
static int join(const char *dir, const char *rel, char *buf, size_t len)
{
	char base[4096];
	char *slash;

	if ((size_t)snprintf(base, sizeof(base), "%s", dir) >= sizeof(base))
		return -1;
	while (!strncmp(rel, "../", 3)) {
		slash = strrchr(base, '/');
		if (!slash || slash == base)
			return -1;	/* above / */
		*slash = '\0';
		rel += 3;
	}
	if ((size_t)snprintf(buf, len, "%s%s%s", base,
			     strcmp(base, "/") ? "/" : "", rel) >= len)
		return -1;
	return 0;
}

static int in_bin_dir(const char *dir)
{
	const char *slash = strrchr(dir, '/');

	return slash && !strcmp(slash + 1, "bin");
}

int mb_find_beside_self(const char *const *rel, size_t nr,
			size_t nr_installed, int mode, char *buf, size_t len)
{
	char dir[4096];
	size_t home;

	if (!len)
		return -2;
	buf[0] = '\0';
	if (mb_self_dir(dir, sizeof(dir)))
		return -2;
	for (size_t i = 0; i < nr; i++)
		if (!join(dir, rel[i], buf, len) && !access(buf, mode))
			return 0;
	home = in_bin_dir(dir) || nr_installed >= nr ? 0 : nr_installed;
	if (join(dir, rel[home], buf, len))
		buf[0] = '\0';
	return buf[0] ? -1 : -2;
}
