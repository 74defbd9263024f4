/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MB_VERIFY_H
#define MB_VERIFY_H

#include "engine.h"

void mb_verify_map(const struct mb_mm *mm, struct mb_verify *v,
		   u64 free_lo, u64 free_hi);
u64 mb_digest(const struct mb_mm *mm, u64 root);
void mb_check_temp(const struct mb_mm *mm, struct mb_verify *v);

#endif
