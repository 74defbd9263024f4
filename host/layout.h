/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest RAM layouts (layout.c): --layout / --mem, presets, and the
 * arithmetic on banks (IPA bits, page-table bytes, top-down ranges).
 */
#ifndef MAPBENCH_LAYOUT_H
#define MAPBENCH_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include <mapbench/abi.h>

int mb_layout_parse(const char *spec, struct mb_bank *b, unsigned int *nr,
		    char *err, size_t errlen);
int mb_layout_check(const struct mb_bank *b, unsigned int nr, char *err,
		    size_t errlen);
/* The first bank whose base or size is not a multiple of align, or -1. */
int mb_layout_misaligned(const struct mb_bank *b, unsigned int nr,
			 uint64_t align);
int mb_layout_resolve(const char *arg, const char *preset_dir,
		      struct mb_bank *b, unsigned int *nr, char *err,
		      size_t errlen);
int mb_layout_from_text(const char *text, char *spec, size_t len,
			char *err, size_t errlen);
void mb_layout_format(const struct mb_bank *b, unsigned int nr, char *buf,
		      size_t len);
uint64_t mb_layout_top(const struct mb_bank *b, unsigned int nr);
int mb_ipa_bits(uint64_t top);
uint64_t mb_table_bytes(const struct mb_params *p);
unsigned int mb_topdown_ranges(const struct mb_bank *b, unsigned int nr,
			       uint64_t bytes, uint64_t align,
			       struct mb_bank *out, unsigned int max);

#endif /* MAPBENCH_LAYOUT_H */
