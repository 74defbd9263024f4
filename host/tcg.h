/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TCG backend (tcg.c): the guest under qemu-system-aarch64 -accel tcg.
 */
#ifndef MAPBENCH_TCG_H
#define MAPBENCH_TCG_H

#include <stddef.h>

struct mb_run_opts;
struct mb_outcome;

/* An MB_EXIT_* code; out comes from mb_outcome_init(). */
int mb_tcg_run(const struct mb_run_opts *opts, struct mb_outcome *out);
/* QEMU's version ("7.2.22") from `QEMU --version`: 0, or -1 when it
 * does not run or says none. */
int mb_qemu_version(const char *qemu, char *ver, size_t len);

#endif /* MAPBENCH_TCG_H */
