/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A record's calibration as a calibrated guest would write it, with
 * exact values the tests check:
 *   direct unit i costs (i + 2) ticks per op (min 1000 picoticks under,
 *   max 1000 over), reps 8 << i, cycles twice the ticks with the PMU;
 *   store form i costs (i + 1) * 1000 picoticks a byte (DC ZVA 1000,
 *   stp 2000, stnp 3000, stp_q 4000), reps 8;
 *   the floor from the record's tables (floor_tables, floor_descs as the
 *   caller set them, one in the root);
 *   FAKE_PROBES probes whose times are exactly their counts at
 *   fake_code_pt(): ptes, windows, pmds, tables, walks and map_mem vary
 *   independently across them, nothing else is counted.
 */
#ifndef MB_TEST_FAKE_UNITS_H
#define MB_TEST_FAKE_UNITS_H

#include <mapbench/abi.h>

#define FAKE_PROBES	8

/* The code units' prices the fake probes are made of, picoticks. */
static inline int64_t fake_code_pt(unsigned int code)
{
	switch (code) {
	case MB_CODE_ptes:
		return 30 * MB_CAL_PICO;
	case MB_CODE_windows:
		return 50 * MB_CAL_PICO;
	case MB_CODE_pmds:
		return 70 * MB_CAL_PICO;
	case MB_CODE_tables:
		return 110 * MB_CAL_PICO;
	case MB_CODE_walks:
		return 130 * MB_CAL_PICO;
	case MB_CODE_map_mem:
		return 170 * MB_CAL_PICO;
	default:
		return 0;
	}
}

static inline void fake_probe(struct mb_result *r, unsigned int k)
{
	struct mb_probe *p = &r->probes[k];
	uint32_t *n = p->counts;
	uint64_t pt;

	n[MB_CTR_ptes] = 512 * (k + 1) + 7 * (k % 3);
	n[MB_CTR_windows] = 32 * (k + 1) + (k % 2);
	n[MB_CTR_pmds] = k + 1 + (k % 4 == 3);
	n[MB_CTR_tables_l3] = k + 1;
	n[MB_CTR_walks] = 1 + (k * k) % 3;
	pt = fake_code_pt(MB_CODE_map_mem);
	pt += n[MB_CTR_ptes] * fake_code_pt(MB_CODE_ptes);
	pt += n[MB_CTR_windows] * fake_code_pt(MB_CODE_windows);
	pt += n[MB_CTR_pmds] * fake_code_pt(MB_CODE_pmds);
	pt += n[MB_CTR_tables_l3] * fake_code_pt(MB_CODE_tables);
	pt += n[MB_CTR_walks] * fake_code_pt(MB_CODE_walks);
	p->median_pt = pt;
	p->reps = 1;
	p->rounds = MB_PROBE_ROUNDS;
	p->nr_banks = 1;
	p->kind = MB_PROBE_MAP_MEM;
}

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
	for (unsigned int i = 0; i < MB_NR_STORES; i++) {
		struct mb_unit *u = &r->stores[i];

		u->median_pt = (i + 1) * 1000;
		u->min_pt = u->median_pt - 100;
		u->max_pt = u->median_pt + 100;
		u->median_pc = r->pmu ? 2 * u->median_pt : 0;
		u->reps = 8;
		u->rounds = MB_CAL_ROUNDS;
	}
	r->floor_root_descs = r->floor_descs ? 1 : 0;
	r->floor_buffer = r->floor_tables << r->page_shift & ~255ULL;
	f = mb_floor_of(r);
	r->floor_ticks = (f.data_bytes * f.data_pt + f.zero_bytes * f.zero_pt) /
			 MB_CAL_PICO;
	r->nr_probes = FAKE_PROBES;
	for (unsigned int k = 0; k < FAKE_PROBES; k++)
		fake_probe(r, k);
}

#endif
