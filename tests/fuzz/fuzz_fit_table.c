// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: the table `mapbench explain --fit` reads (markdown
 * or CSV, seeded with the linear-map series' own tables).  An error is
 * one line; a table that parses has sizes, positive times and names.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

static struct mb_fit_table t;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	err[0] = '\0';
	if (mb_fit_table_read(f, "fuzz", &t, err, sizeof(err))) {
		fclose(f);
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	fclose(f);
	if (!t.nrows || !t.ncols || t.ncols > MB_FIT_MAX_COLS ||
	    t.nrows > MB_FIT_MAX_ROWS)
		abort();
	for (size_t c = 0; c < t.ncols; c++)
		if (!t.mem[c] || (t.mem[c] & ((1ULL << 30) - 1)))
			abort();
	for (size_t r = 0; r < t.nrows; r++) {
		if (!t.row[r][0])
			abort();
		for (size_t c = 0; c < t.ncols; c++)
			if (t.ms[r][c] != -1 && !(t.ms[r][c] > 0))
				abort();
	}
	return 0;
}
