// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: the option values of `mapbench run` -- --layout
 * specs and layout files, --mem sizes, --backing, --prefault and the
 * counts.  Properties: a refusal is one line; an accepted layout passes
 * mb_layout_check and formats to a spec that parses to the same banks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mapbench.h"

static void layout_props(const char *s)
{
	struct mb_bank b[MB_MAX_BANKS], b2[MB_MAX_BANKS];
	char err[MB_ERRLEN], text[1024];
	unsigned int nr, nr2;

	err[0] = '\0';
	if (mb_layout_parse(s, b, &nr, err, sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return;
	}
	if (mb_layout_check(b, nr, err, sizeof(err)))
		abort();
	mb_layout_format(b, nr, text, sizeof(text));
	if (mb_layout_parse(text, b2, &nr2, err, sizeof(err)) || nr2 != nr ||
	    memcmp(b, b2, nr * sizeof(b[0])))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_config cfg = { .cpu = -1 };
	char *s = malloc(size + 1), err[MB_ERRLEN], spec[2048];
	unsigned long v;
	uint64_t sz;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	layout_props(s);
	if (!mb_layout_from_text(s, spec, sizeof(spec), err, sizeof(err)))
		layout_props(spec);
	else if (!err[0] || strchr(err, '\n'))
		abort();
	if (!mb_parse_size(s, &sz) && !sz)
		abort();
	mb_parse_uint(s, 1, 1000, &v);
	if (mb_parse_backing(s, &cfg, err, sizeof(err)) &&
	    (!err[0] || strchr(err, '\n')))
		abort();
	if (cfg.backing == MB_BACKING_HUGETLB && cfg.hugepage &&
	    (cfg.hugepage & (cfg.hugepage - 1)))
		abort();
	mb_parse_prefault(s, &cfg, err, sizeof(err));
	free(s);
	return 0;
}
