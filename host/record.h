/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The result record (record.c): checked against the request before
 * anyone trusts it; the names of strategies, rodata modes and statuses
 * as the JSON spells them.  The analysis side reads names from here.
 */
#ifndef MAPBENCH_RECORD_H
#define MAPBENCH_RECORD_H

#include <stddef.h>

#include <mapbench/abi.h>

/* kernel-check records carry their map's first runs (kernel_check.
 * map_head): compare shows where two maps first differ. */
#define MB_MAP_HEAD	16
#define MB_MAP_LINE	96

/* Validate a result record read from the guest. */
int mb_record_check(const void *raw, size_t len, const struct mb_params *p,
		    struct mb_result *out, char *err, size_t errlen);
void mb_params_finish(struct mb_params *p);
const char *mb_strategy_name(unsigned int id);
int mb_strategy_from_name(const char *name);
const char *mb_rodata_name(unsigned int id);
int mb_rodata_from_name(const char *name);
const char *mb_status_name(unsigned int st);

#endif /* MAPBENCH_RECORD_H */
