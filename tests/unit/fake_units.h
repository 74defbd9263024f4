/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A record's unit costs and floor as a calibrated guest would write
 * them, with exact values the tests check: unit i costs (i + 2) ticks
 * per op (min 1000 picoticks under, max 1000 over), reps 8 << i, cycles
 * twice the ticks with the PMU; the floor from the record's own counts.
 */
#ifndef MB_TEST_FAKE_UNITS_H
#define MB_TEST_FAKE_UNITS_H

#include <mapbench/abi.h>

static inline void fake_units(struct mb_result *r)
{
	struct mb_floor f;

	r->calibrated = 1;
	r->cnt_res = 1;
	for (unsigned int i = 0; i < MB_NR_UNITS; i++) {
		struct mb_unit *u = &r->units[i];

		u->median_pt = (i + 2) * MB_CAL_PICO;
		u->min_pt = u->median_pt - 1000;
		u->max_pt = u->median_pt + 1000;
		u->median_pc = r->pmu ? 2 * u->median_pt : 0;
		u->reps = 8u << i;
		u->rounds = MB_CAL_ROUNDS;
	}
	r->floor_tables = mb_floor_tables(&r->counts);
	f = mb_floor_of(r);
	r->floor_ticks = (f.descs * f.desc_pt + f.empty * f.empty_pt) /
			 MB_CAL_PICO;
}

#endif
