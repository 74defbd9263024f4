// SPDX-License-Identifier: GPL-2.0-only
/*
 * Small host helpers: sizes as the CLI spells them, a monotonic clock.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "mapbench.h"

static int size_shift(char c)
{
	switch (c) {
	case 'k': case 'K':
		return 10;
	case 'm': case 'M':
		return 20;
	case 'g': case 'G':
		return 30;
	case 't': case 'T':
		return 40;
	}
	return -1;
}

/*
 * "4096", "512K", "64M", "1G", "16GiB", "1t": digits, then optionally one
 * of KMGT in either case, then optionally "iB".  Nothing else: no sign,
 * no spaces, no fractions, no zero.  Strict on purpose, so a typo never
 * becomes a silently different RAM size.
 */
int mb_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned int d = *s - '0';

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (*s) {
		shift = size_shift(*s++);
		if (shift < 0)
			return -1;
		if (s[0] == 'i' && s[1] == 'B')
			s += 2;
		if (*s)
			return -1;
	}
	if (v == 0 || v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

/* The largest unit that represents v exactly: "16G", "1536M", "4097". */
void mb_format_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "TGMK";
	int shift = 40;

	if (!len)
		return;
	for (const char *u = units; *u; u++, shift -= 10) {
		if (v && !(v & ((1ULL << shift) - 1))) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(v >> shift), *u);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)v);
}

double mb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* write(2) all of buf, through EINTR and short writes. */
int mb_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t r = write(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= r;
	}
	return 0;
}

/* The message into err, kept one line (it quotes user input); returns
 * code, so parsers can `return mb_errf(-1, err, len, ...)`. */
int mb_errf(int code, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (errlen)
		mb_one_line(err);
	return code;
}

/* Error text quotes user input: keep it one printable line. */
void mb_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}
