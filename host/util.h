/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The base layer of the host: exit codes and the helpers every other
 * layer uses (sizes, a clock, whole writes, all-or-nothing files, one-line
 * errors, a growable string).  Knows no mapbench type; includes nothing
 * of mapbench.
 */
#ifndef MAPBENCH_UTIL_H
#define MAPBENCH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef MB_VERSION
#define MB_VERSION "0.0-unknown"
#endif
#ifndef MB_GIT_REV
#define MB_GIT_REV "unknown"
#endif

/* Exit codes of the mapbench binary (documented in README). */
#define MB_EXIT_OK	0	/* run completed, verification passed */
#define MB_EXIT_USAGE	1	/* bad input: CLI, sizes, names, files */
#define MB_EXIT_VMM	2	/* host/VMM failure: KVM, QEMU, I/O */
#define MB_EXIT_GUEST	3	/* guest failure: exception, verify, record */
#define MB_EXIT_TIMEOUT	4	/* guest did not finish in --timeout */
#define MB_EXIT_HOST	5	/* this host cannot run the point: IPA
				 * limit, no huge pages, no vPMU */
#define MB_EXIT_SIGNAL	128	/* + signal number: SIGINT 130, SIGTERM 143 */

#define MB_ERRLEN	256

/* "4096", "512K", "16G", "1TiB": strict, never zero; 0 or -1. */
int mb_parse_size(const char *s, uint64_t *out);
/* The largest unit that represents v exactly: "16G", "1536M", "4097". */
void mb_format_size(uint64_t v, char *buf, size_t len);
/* mapbench's cache directory SUB: $MAPBENCH_CACHE/SUB, else
 * $XDG_CACHE_HOME/mapbench/SUB, else ~/.cache/mapbench/SUB. */
void mb_cache_dir(const char *sub, char *buf, size_t len);
/* Decimal digits only, min..max; 0 or -1. */
int mb_parse_uint(const char *s, unsigned long min, unsigned long max,
		  unsigned long *out);
/* CLOCK_MONOTONIC in seconds. */
double mb_now(void);
/* write(2) all of buf, through EINTR and short writes; 0 or -1. */
int mb_write_all(int fd, const void *buf, size_t len);
/*
 * len bytes to path through a temp file beside it, fsync and rename: a
 * reader sees the old file or the whole new one.  A SIGINT/SIGTERM seen
 * (signals.h) before the rename leaves nothing.  0 or an MB_EXIT_* code
 * with err set.
 */
int mb_write_atomic(const char *path, const void *buf, size_t len,
		    char *err, size_t errlen);
/* An output file's name as mb_write_atomic() takes it: not empty, not
 * ending in '/'.  0, or MB_EXIT_USAGE with "'PATH' is not a file name". */
int mb_check_file_name(const char *path, char *err, size_t errlen);

/* Error text quotes user input: keep it one printable line. */
void mb_one_line(char *s);
/* The one error formatter: the message into err, made one line; returns
 * code, so callers can `return mb_errf(MB_EXIT_USAGE, err, len, ...)`. */
__attribute__((format(printf, 4, 5)))
int mb_errf(int code, char *err, size_t errlen, const char *fmt, ...);
__attribute__((format(printf, 4, 0)))
int mb_verrf(int code, char *err, size_t errlen, const char *fmt,
	     va_list ap);
/* The one "interrupted" message: "interrupted by SIGINT[; note]";
 * returns MB_EXIT_SIGNAL + sig. */
int mb_signal_errf(int sig, char *err, size_t errlen, const char *note);
/*
 * getopt_long() (with opterr = 0 and an optstring starting with ':')
 * returned '?' or ':': one line naming the option and where help is,
 * e.g. "unknown option '--foo' (mapbench run --help)".  Returns code.
 */
int mb_opt_errf(int code, int c, char **argv, const char *cmd, char *err,
		size_t errlen);

/*
 * The whole of path (a file, a pipe) in a malloc'ed buffer with a NUL
 * after its bytes; *len (if len) is their count, NULs in them included.
 * More than max bytes (max 0: no limit) fails with EFBIG.  NULL with
 * errno set: open(2)/read(2)'s, ENOMEM or EFBIG.
 */
char *mb_read_file(const char *path, size_t max, size_t *len);

/* One hex digit, either case -> 0..15; -1 if c is not one. */
int mb_hexval(int c);
/*
 * Exactly 2 * outlen hex digits (either case) -> outlen bytes, first
 * digit first; 0 / -1.  Stops at the first non-digit, so a string
 * shorter than n (ended by its NUL) is never read past.
 */
int mb_hex_decode(const char *s, size_t n, void *out, size_t outlen);

/* A growable string; oom is sticky and checked once at the end. */
struct mb_buf {
	char *p;
	size_t len, cap;
	bool oom;
};
__attribute__((format(printf, 2, 3)))
void mb_bprintf(struct mb_buf *b, const char *fmt, ...);
void mb_buf_free(struct mb_buf *b);

#endif /* MAPBENCH_UTIL_H */
