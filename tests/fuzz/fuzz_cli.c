// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: `mapbench run`'s options as the CLI settles them
 * (mb_run_opts_parse: the input split into arguments at newlines and
 * NULs), and the values on their own -- --layout specs and layout files,
 * --mem sizes, --backing, --prefault and the counts.  Properties: a
 * refusal is one line and a usage exit code; options that got as far as
 * the guest ELF check are settled (a checked layout, defaults filled
 * in); an accepted layout formats to a spec that parses to the same
 * banks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "options.h"
#include "layout.h"

#define MAX_ARGS	32

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

static void one_line(const char *err)
{
	if (!err[0] || strchr(err, '\n'))
		abort();
}

/* The whole input as arguments of `mapbench run`. */
static void settle_props(const char *s, size_t size)
{
	static const struct mb_run_env env = {
		.preset_dir = "configs/layouts",
		.guest_elf = "/nonexistent/mapbench-guest.elf",
	};
	struct mb_run_opts o;
	char *copy = malloc(size + 1), *argv[MAX_ARGS + 2] = { "run" };
	char err[MB_ERRLEN], why[MB_ERRLEN];
	int argc = 1, rc;

	if (!copy)
		abort();
	memcpy(copy, s, size);
	copy[size] = '\0';
	for (size_t i = 0, start = 0; i <= size && argc <= MAX_ARGS; i++) {
		if (i < size && copy[i] != '\n' && copy[i] != '\0')
			continue;
		copy[i] = '\0';
		/* no paths: nothing outside the tree is opened (a FIFO or a
		 * device would block) */
		if (!strchr(copy + start, '/'))
			argv[argc++] = copy + start;
		start = i + 1;
	}
	argv[argc] = NULL;
	err[0] = '\0';
	rc = mb_run_opts_parse(argc, argv, &env, &o, err, sizeof(err));
	if (rc && rc != MB_EXIT_USAGE && rc != MB_EXIT_VMM)
		abort();
	if (rc)
		one_line(err);
	/* refused only for the ELF: everything else was settled */
	if (rc == MB_EXIT_USAGE && !strncmp(err, "guest ELF", 9) &&
	    (mb_layout_check(o.params.banks, o.params.nr_banks, why,
			     sizeof(why)) ||
	     !o.timeout_s || !o.repeat || !o.qemu ||
	     o.params.magic != MB_PARAMS_MAGIC ||
	     (o.deterministic && o.accel != MB_ACCEL_TCG) ||
	     (o.accel == MB_ACCEL_TCG && (o.set & MB_SET_BACKING))))
		abort();
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_run_opts cfg = { .cpu = -1 };
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
	settle_props((const char *)data, size);
	free(s);
	return 0;
}
