/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The result record the host reads back, and the way out: every path
 * that ends the guest (success, a failed check, mb_panic() from the
 * engine, an unexpected exception) seals the record here and powers off.
 * Depends only on the console; nothing here calls back into main.c,
 * exception.c, engine.c or verify.c.
 */
#ifndef MB_RESULT_H
#define MB_RESULT_H

#include "compiler.h"
#include <mapbench/abi.h>

struct mb_result *mb_result_ptr(void);
const struct mb_params *mb_params_ptr(void);
/* Checksum the record (and spoil it for MB_PF_INJECT_BADREC). */
void mb_result_seal(struct mb_result *r, const struct mb_params *p);
/* Under QEMU the host cannot read guest RAM after exit: print it too. */
void mb_result_emit(const struct mb_result *r, const struct mb_params *p);
/* Seal, emit, power off. */
void __noreturn mb_finish(struct mb_result *r);
void __noreturn mb_power_off(void);

struct mb_mm;
struct mb_memblock;
/* Unit costs, probes and the floor into r (guest/calibrate.c). */
void mb_calibrate(struct mb_mm *mm, struct mb_memblock *mblk,
		  struct mb_result *r, int pmu);

#endif
