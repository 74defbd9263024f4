// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers for the analysis commands: all-or-nothing file writes, a
 * growable string, and the few number formats the reports share.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"

void mb_die(const char *fmt, ...)
{
	va_list ap;

	fputs("mapbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(MB_EXIT_USAGE);
}

void mb_bprintf(struct mb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 4096;
		char *p;

		while (cap - b->len <= (size_t)n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

void mb_buf_free(struct mb_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

int mb_write_atomic(const char *path, const char *buf, size_t len,
		    char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *tmp = NULL;
	mode_t mask;
	int fd, e;

	if (!*path || (slash && !slash[1])) {
		snprintf(err, errlen, "'%s' is not a file name", path);
		return -1;
	}
	/* same directory, so rename() replaces it in one step */
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) :
		     0, path, slash ? slash + 1 : path) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) || mb_write_all(fd, buf, len) || fsync(fd))
		goto fail_fd;
	if (close(fd)) {
		fd = -1;
		goto fail_fd;
	}
	if (rename(tmp, path))
		goto fail_unlink;
	free(tmp);
	return 0;

fail_fd:
	e = errno;
	close(fd);
	errno = e;
fail_unlink:
	e = errno;
	unlink(tmp);
	errno = e;
fail:
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	free(tmp);
	return -1;
}

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
