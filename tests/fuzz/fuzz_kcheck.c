// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: kernel-check's parsers of untrusted text -- QEMU's
 * TCG log (kc_trace_feed, fed in two pieces split where the first byte
 * says, with a window and functions), GDB remote packets
 * (kc_rsp_decode) and the guest's map lines (kc_map_parse_line).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kcheck/trace.h"
#include "kcheck/rsp.h"
#include "kcheck/map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_window w = {
		.arm_pc = 0xffff000000001000ULL,
		.start_pc = 0xffff000000002000ULL,
		.ret_func = 0xffff000000004000ULL,
		.stop_pc = 0xffff000000005000ULL,
		.func = { 0xffff000000003000ULL },
	};
	struct kc_funcs fs = { 0 };
	struct kc_map m = { 0 };
	struct kc_counts c;
	struct kc_trace *t;
	char out[256], err[128], *line;
	size_t split, n;

	if (!size)
		return 0;
	split = data[0] % size;
	data++;
	size--;
	kc_funcs_parse((const char *)data, size, &fs);
	t = kc_trace_new(&w);
	if (t) {
		kc_trace_set_funcs(t, &fs);
		const char *d = (const char *)data;

		kc_trace_feed(t, d, split < size ? split : size);
		if (split < size)
			kc_trace_feed(t, d + split, size - split);
		kc_trace_result(t, &c, err, sizeof(err));
		kc_trace_fstats(t);
		kc_trace_free(t);
	}
	kc_funcs_free(&fs);
	kc_rsp_decode((const char *)data, size, out, sizeof(out), &n);
	line = malloc(size + 1);
	if (line) {
		memcpy(line, data, size);
		line[size] = '\0';
		kc_map_parse_line(&m, line);
		free(line);
	}
	kc_map_free(&m);
	return 0;
}
