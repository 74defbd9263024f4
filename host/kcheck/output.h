/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel-check's output (kcheck/output.c): the table on stdout and the
 * --json records.
 */
#ifndef MAPBENCH_KCHECK_OUTPUT_H
#define MAPBENCH_KCHECK_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

struct kc_ctx;

/* One kernel of several (map_mem() across releases). */
struct kc_history_row {
	char version[64];		/* the banner's release */
	char debian[48];		/* "Debian 7.3.4-1~bpo13+1", or "" */
	char strategy[24];
	uint64_t tlbi, dsb_ishst, dsb_ish, isb, fixmap, tables;
	uint64_t insns_k, insns_m;
	bool ops_equal, tables_identical, done;
	char error[160];		/* why it did not run, or "" */
};

/* Both sides against sname; ndiff runs differ, the first in diffs. */
void kc_print_table(const struct kc_ctx *x, const char *sname,
		    uint64_t ndiff, const char *diffs);
/* --kernel-only: the kernel's side alone. */
void kc_print_kernel(const struct kc_ctx *x);
/* Two records into x->o.json (after what is there, json_append); 0, or
 * MB_EXIT_VMM said on stderr. */
int kc_write_json(const struct kc_ctx *x, const char *sname,
		  uint64_t ndiff);
/* The kernel's row, from its finished check. */
void kc_history_row(const struct kc_ctx *x, const char *sname,
		    uint64_t ndiff, struct kc_history_row *r);
/* One row per kernel, per GiB of mem bytes. */
void kc_print_history(const struct kc_history_row *r, unsigned int n,
		      uint64_t mem);

#endif /* MAPBENCH_KCHECK_OUTPUT_H */
