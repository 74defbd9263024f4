/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The JSON record of a run (report.c): one record per run, one per line
 * (JSON Lines), written atomically; and the run's line for people.
 */
#ifndef MAPBENCH_REPORT_H
#define MAPBENCH_REPORT_H

#include <stdio.h>

struct mb_run_opts;
struct mb_outcome;

int mb_report_json(const char *path, const struct mb_run_opts *opts,
		   const struct mb_outcome *out, char *err, size_t errlen);
int mb_report_jsonl(const char *path, const struct mb_run_opts *opts,
		    const struct mb_outcome *outs, unsigned int n,
		    char *err, size_t errlen);
void mb_report_line(FILE *f, const struct mb_run_opts *opts,
		    const struct mb_outcome *out);

#endif /* MAPBENCH_REPORT_H */
