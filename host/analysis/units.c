// SPDX-License-Identifier: GPL-2.0-only
/*
 * The few number formats the analysis commands share: percentages in
 * (--threshold, --max-ci) and milliseconds out (the tables).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis.h"

/* "5%", "5" (both 5 percent), "0.5%"; a plain fraction is not accepted. */
int mb_parse_percent(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -1;
	if (*end == '%')
		end++;
	if (*end)
		return -1;
	*out = v / 100;
	return 0;
}

/* Integers from 10 ms, as the cover letters print them; more below. */
void mb_format_ms(double ms, char *buf, size_t len)
{
	if (!isfinite(ms))
		snprintf(buf, len, "?");
	else if (ms >= 9.95)
		snprintf(buf, len, "%.0f", ms);
	else if (ms >= 0.995)
		snprintf(buf, len, "%.1f", ms);
	else
		snprintf(buf, len, "%.2f", ms);
}
