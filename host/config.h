/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Matrix configs (config.c, docs/CONFIG.md): sections of run options
 * parsed strictly and expanded into points, each a set of `mapbench run`
 * options with a canonical key.  Below both sides: its axes are the run
 * options (options.h, cpufeat.h, record.h names), and the matrix runner
 * (analysis/matrix.c) and the lab (lab/lava_job.c) expand configs
 * without anything of the VMM.
 */
#ifndef MAPBENCH_CONFIG_H
#define MAPBENCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mapbench/abi.h>

#include "options.h"

#define MB_CFG_MAX_VALUES	32
#define MB_CFG_MAX_EXTRA	MB_OKEY_NR_AXES
#define MB_CFG_NAMELEN		48

/* A run option given per point, passed through as --NAME VALUE. */
struct mb_cfg_extra {
	const char *key;		/* config key == run option name */
	unsigned int n;
	char val[MB_CFG_MAX_VALUES][32];
};

struct mb_section {
	char name[MB_CFG_NAMELEN];
	unsigned int line;
	unsigned int set;		/* keys given in this section */
	unsigned int nstrat, nmem, nrodata;
	int strat[MB_NR_STRATEGIES];
	uint64_t mem[MB_CFG_MAX_VALUES];
	int rodata[MB_NR_RODATA];
	struct mb_cfg_extra extra[MB_CFG_MAX_EXTRA];
	unsigned int repeat, warmup, timeout;
	int accel;			/* -1 auto, else enum mb_accel */
	bool deterministic;
	bool force_bbml2;		/* --force-bbml2 for bbml2-* */
};

struct mb_matrix_cfg {
	char path[256];
	struct mb_section *sec;
	unsigned int nsec;
};

struct mb_point {
	const struct mb_section *sec;
	int strategy, rodata;
	uint64_t mem;
	const char *extra[MB_CFG_MAX_EXTRA];	/* NULL: axis not used */
	char key[256];			/* canonical: the resume key */
};

int mb_config_parse(const char *path, struct mb_matrix_cfg *cfg,
		    char *err, size_t errlen);
int mb_config_parse_text(const char *name, const char *text,
			 struct mb_matrix_cfg *cfg, char *err, size_t errlen);
void mb_config_free(struct mb_matrix_cfg *cfg);
/* The product of every section's axes, in run order; NULL: err says. */
struct mb_point *mb_config_points(const struct mb_matrix_cfg *cfg,
				  size_t *n, char *err, size_t errlen);
const char *mb_extra_option(unsigned int i);
/* The extra axes' indices where the code needs one. */
#define MB_EXTRA_LAYOUT		MB_OKEY_LAYOUT
#define MB_EXTRA_GRANULE	MB_OKEY_GRANULE
#define MB_EXTRA_VA_BITS	MB_OKEY_VA_BITS
/* The point's granule and VA size (4K/48 where the axes leave them). */
void mb_point_granule(const struct mb_point *pt, unsigned int *page_shift,
		      unsigned int *va_bits);
/* The point runs with --force-bbml2. */
bool mb_point_forced(const struct mb_point *pt);

#endif /* MAPBENCH_CONFIG_H */
