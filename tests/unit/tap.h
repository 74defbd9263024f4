/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host unit tests' reporting: one "ok N - name" / "not ok N - name"
 * line per check; the test ends with "NAME: N passed, N failed".
 */
#ifndef MB_TAP_H
#define MB_TAP_H

#include <stdio.h>

static int nr_tests, nr_failed;

static inline void check(int ok, const char *name, int line)
{
	nr_tests++;
	if (ok) {
		printf("ok %d - %s\n", nr_tests, name);
	} else {
		nr_failed++;
		printf("not ok %d - %s (line %d)\n", nr_tests, name, line);
	}
}

#define CHECK(cond, name)	check(!!(cond), name, __LINE__)

#endif
