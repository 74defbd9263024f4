// SPDX-License-Identifier: GPL-2.0-only
/*
 * The base layer's helpers (util.h): sizes as the CLI spells them, a
 * monotonic clock, whole and all-or-nothing writes, one-line errors, a
 * growable string.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "signals.h"

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

int mb_parse_uint(const char *s, unsigned long min, unsigned long max,
		  unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

double mb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

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

int mb_check_file_name(const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');

	if (!*path || (slash && !slash[1]))
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "'%s' is not a file name", path);
	return 0;
}

int mb_write_atomic(const char *path, const void *buf, size_t len,
		    char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *tmp = NULL, *dir = NULL;
	int fd = -1, dfd, e, ret = MB_EXIT_VMM;
	mode_t mask;

	if (mb_check_file_name(path, err, errlen))
		return MB_EXIT_USAGE;
	/* same directory, so rename() replaces it in one step */
	dir = slash ? strndup(path, slash - path + 1) : strdup("./");
	if (!dir || asprintf(&tmp, "%s.%s.XXXXXX", dir,
			     slash ? slash + 1 : path) < 0) {
		free(dir);
		return mb_errf(MB_EXIT_VMM, err, errlen, "out of memory");
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) || mb_write_all(fd, buf, len) ||
	    fsync(fd))
		goto fail_unlink;
	e = close(fd);
	fd = -1;
	if (e)
		goto fail_unlink;
	/* interrupted while writing: the temp file goes, nothing appears */
	if (mb_stop_signal) {
		char note[240];

		unlink(tmp);
		snprintf(note, sizeof(note), "%.200s not written", path);
		ret = mb_signal_errf(mb_stop_signal, err, errlen, note);
		goto out;
	}
	if (rename(tmp, path))
		goto fail_unlink;
	/* Best effort: make the rename itself durable. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	ret = 0;
	goto out;

fail_unlink:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
fail:
	mb_errf(MB_EXIT_VMM, err, errlen,
		"cannot write %s: %s", path, strerror(errno));
out:
	free(tmp);
	free(dir);
	return ret;
}

void mb_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

int mb_verrf(int code, char *err, size_t errlen, const char *fmt,
	     va_list ap)
{
	if (!errlen)
		return code;
	vsnprintf(err, errlen, fmt, ap);
	mb_one_line(err);
	return code;
}

int mb_errf(int code, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = mb_verrf(code, err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

int mb_signal_errf(int sig, char *err, size_t errlen, const char *note)
{
	return mb_errf(MB_EXIT_SIGNAL + sig, err, errlen, "interrupted by %s%s%s",
		       mb_signal_name(sig), note ? "; " : "",
		       note ? note : "");
}

int mb_opt_errf(int code, int c, char **argv, const char *cmd, char *err,
		size_t errlen)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;
	char name[80];

	/* "--name" as typed (without "=value"), else "-x" alone, even
	 * inside a cluster like -vx */
	if (arg && !strncmp(arg, "--", 2))
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="),
			 arg);
	else if (optopt)
		snprintf(name, sizeof(name), "-%c", optopt);
	else
		snprintf(name, sizeof(name), "%.64s", arg ? arg : "?");
	if (c == ':')
		return mb_errf(code, err, errlen,
			       "option '%s' needs a value (mapbench %s --help)",
			       name, cmd);
	return mb_errf(code, err, errlen,
		       "unknown option '%s' (mapbench %s --help)", name, cmd);
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

char *mb_read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0, cap = 0;
	char *buf = NULL;
	int e;

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t r;

		if (cap - n < 65536 + 1) {
			char *b = realloc(buf, cap = 2 * cap + 65536 + 1);

			if (!b) {
				e = ENOMEM;
				goto fail;
			}
			buf = b;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			goto fail;
		}
		if (!r)
			break;
		n += r;
		if (max && n > max) {
			e = EFBIG;
			goto fail;
		}
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
fail:
	close(fd);
	free(buf);
	errno = e;
	return NULL;
}

int mb_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mb_hex_decode(const char *s, size_t n, void *out, size_t outlen)
{
	unsigned char *o = out;

	if (n != 2 * outlen)
		return -1;
	for (size_t i = 0; i < outlen; i++) {
		int hi = mb_hexval((unsigned char)s[2 * i]), lo;

		if (hi < 0)
			return -1;
		lo = mb_hexval((unsigned char)s[2 * i + 1]);
		if (lo < 0)
			return -1;
		o[i] = hi << 4 | lo;
	}
	return 0;
}

void mb_buf_free(struct mb_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void mb_cache_dir(const char *sub, char *buf, size_t len)
{
	const char *c = getenv("MAPBENCH_CACHE"), *x = getenv("XDG_CACHE_HOME");
	const char *h = getenv("HOME");

	if (c && *c)
		snprintf(buf, len, "%s/%s", c, sub);
	else if (x && *x)
		snprintf(buf, len, "%s/mapbench/%s", x, sub);
	else
		snprintf(buf, len, "%s/.cache/mapbench/%s", h && *h ? h : "/tmp",
			 sub);
}
