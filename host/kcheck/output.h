/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel-check's output (kcheck/output.c): the table on stdout and the
 * --json records.
 */
#ifndef MAPBENCH_KCHECK_OUTPUT_H
#define MAPBENCH_KCHECK_OUTPUT_H

#include <stdint.h>

struct kc_ctx;

/* Both sides against sname; ndiff runs differ, the first in diffs. */
void kc_print_table(const struct kc_ctx *x, const char *sname,
		    uint64_t ndiff, const char *diffs);
/* --kernel-only: the kernel's side alone. */
void kc_print_kernel(const struct kc_ctx *x);
/* Two records into x->o.json; 0, or MB_EXIT_VMM said on stderr. */
int kc_write_json(const struct kc_ctx *x, const char *sname,
		  uint64_t ndiff);

#endif /* MAPBENCH_KCHECK_OUTPUT_H */
