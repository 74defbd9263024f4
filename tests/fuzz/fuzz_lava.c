// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: the LAVA job-log decoder (mb_lava_log_records) on
 * arbitrary text -- what `mapbench lava-results` reads from a lab.  Every
 * input either decodes or gives one error line; whatever decodes must be
 * JSON objects, one a line.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab/lava.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_buf out = { 0 };
	struct mb_lava_log info;
	char err[512];
	char *text;

	/* lava-results refuses NUL before it decodes */
	if (memchr(data, '\0', size))
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (mb_lava_log_records("fuzz.log", text, size, &out, &info, err,
				sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort();	/* errors are one line */
	} else {
		const char *p = out.p, *end = out.p + out.len;

		if (!info.records || !out.p)
			abort();
		while (p < end) {
			const char *nl = memchr(p, '\n', end - p);
			json_t *o;

			if (!nl)
				abort();
			o = json_loadb(p, nl - p, 0, NULL);
			if (!json_is_object(o))
				abort();
			json_decref(o);
			p = nl + 1;
		}
	}
	mb_buf_free(&out);
	free(text);
	return 0;
}
