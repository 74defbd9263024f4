// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench lava-results LOG...: the records of LAVA jobs back into a
 * results.jsonl that report, plot and compare read.
 *
 * A LOG is a job's log in any of the forms a lab hands out:
 *
 *   - lava-run's output and a server's stored log (`lavacli jobs logs
 *     --raw N`): one YAML flow mapping a line, {"dt": .., "lvl": ..,
 *     "msg": ..}, with or without a leading "- ";
 *   - plain text: `lavacli jobs logs N`, a serial console capture.
 *
 * Only target output is searched for the markers lava-board prints
 * (lava_board.c); a "results" line for mapbench-records is checked
 * against the number of records decoded.  Chunks must come in order
 * and complete, every record must match its CRC and be a JSON object,
 * and each begin must have its end: anything else is an error naming
 * the job and the line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "lava.h"
#include "util.h"

/* ---- one log line -> its message ------------------------------------- */

static bool hex_n(const char *s, int n, unsigned long *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		int h = mb_hexval((unsigned char)s[i]);

		if (h < 0)
			return false;
		*v = *v << 4 | h;
	}
	return true;
}

/*
 * LAVA writes each log line as a YAML flow mapping with every string
 * double-quoted.  YAML's double-quoted escapes are JSON's plus a few
 * (\x, \e, \0, \a, \v, \N, \_, \L, \P, \U, "\ "): rewrite those as
 * \u escapes and let jansson read the rest.  NULL: not such a line.
 */
static char *yaml_flow_to_json(const char *s, size_t len)
{
	struct mb_buf b = { 0 };
	bool str = false;

	for (size_t i = 0; i < len; i++) {
		unsigned long v;
		char c = s[i];

		if (!str) {
			/* a tag ("! " or "!!str "): JSON has none */
			if (c == '!') {
				while (i + 1 < len && s[i + 1] != ' ')
					i++;
				continue;
			}
			if (c == '"')
				str = true;
			mb_bprintf(&b, "%c", c);
			continue;
		}
		if (c == '"') {
			str = false;
			mb_bprintf(&b, "%c", c);
			continue;
		}
		if (c != '\\') {
			mb_bprintf(&b, "%c", c);
			continue;
		}
		if (++i == len)
			goto bad;
		c = s[i];
		switch (c) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't': case 'u':
			mb_bprintf(&b, "\\%c", c);
			break;
		case 'x':
			if (i + 2 >= len || !hex_n(s + i + 1, 2, &v))
				goto bad;
			mb_bprintf(&b, "\\u%04lx", v);
			i += 2;
			break;
		case 'U':
			if (i + 8 >= len || !hex_n(s + i + 1, 8, &v) ||
			    v > 0x10ffff)
				goto bad;
			if (v > 0xffff) {
				v -= 0x10000;
				mb_bprintf(&b, "\\u%04lx\\u%04lx",
					   0xd800 + (v >> 10),
					   0xdc00 + (v & 0x3ff));
			} else {
				mb_bprintf(&b, "\\u%04lx", v);
			}
			i += 8;
			break;
		case 'e': mb_bprintf(&b, "\\u001b"); break;
		case '0': mb_bprintf(&b, "\\u0000"); break;
		case 'a': mb_bprintf(&b, "\\u0007"); break;
		case 'v': mb_bprintf(&b, "\\u000b"); break;
		case 'N': mb_bprintf(&b, "\\u0085"); break;
		case '_': mb_bprintf(&b, "\\u00a0"); break;
		case 'L': mb_bprintf(&b, "\\u2028"); break;
		case 'P': mb_bprintf(&b, "\\u2029"); break;
		case ' ': mb_bprintf(&b, " "); break;
		case '\t': mb_bprintf(&b, "\\t"); break;
		default:
			goto bad;
		}
	}
	if (str || b.oom)
		goto bad;
	return b.p;
bad:
	mb_buf_free(&b);
	return NULL;
}

/* ---- the markers ----------------------------------------------------- */

struct dec {
	const char *file;
	struct mb_lava_log *info;
	struct mb_buf *out;
	char *err;
	size_t errlen;
	bool in;			/* inside begin..end */
	unsigned int begin_line, last_line;
	size_t n, i, j, m;		/* records, record, chunk, chunks */
	uint32_t crc, all;
	struct mb_buf b64;
};

static __attribute__((format(printf, 3, 4)))
int fail(struct dec *d, unsigned int line, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mb_errf(-1, d->err, d->errlen, "job %s (%s:%u): %s",
		       d->info->job, d->file, line, msg);
}

static bool parse_frac(const char *s, size_t *a, size_t *b)
{
	char *e;
	unsigned long x, y;

	errno = 0;
	x = strtoul(s, &e, 10);
	if (e == s || *e != '/' || errno)
		return false;
	s = e + 1;
	y = strtoul(s, &e, 10);
	if (e == s || *e || errno || !x || !y || x > y)
		return false;
	*a = x;
	*b = y;
	return true;
}

static int rec_line(struct dec *d, unsigned int line, char *p)
{
	char *tok[6], *save = NULL;
	size_t ri, rn, ci, cn, dlen;
	unsigned long crc;
	int nt = 0;

	for (char *t = strtok_r(p, " ", &save); t && nt < 6;
	     t = strtok_r(NULL, " ", &save))
		tok[nt++] = t;
	if (nt != 5 || !parse_frac(tok[1], &ri, &rn) ||
	    !parse_frac(tok[2], &ci, &cn) || strlen(tok[3]) != 8 ||
	    !hex_n(tok[3], 8, &crc))
		return fail(d, line, "a malformed record line");
	if (!d->in)
		return fail(d, line, "record %zu outside a %s..%s block "
			    "(its begin line is lost)", ri, MB_LAVA_BEGIN,
			    MB_LAVA_END);
	if (ri != d->i || ci != d->j || rn != d->n) {
		char want[64];

		if (d->j == 1)
			snprintf(want, sizeof(want), "record %zu/%zu chunk 1",
				 d->i, d->n);
		else
			snprintf(want, sizeof(want), "record %zu/%zu chunk "
				 "%zu/%zu", d->i, d->n, d->j, d->m);
		return fail(d, line, "record %zu/%zu chunk %zu/%zu where %s "
			    "belongs: lines are missing from the log", ri, rn,
			    ci, cn, want);
	}
	if (ci == 1) {
		d->m = cn;
		d->crc = crc;
		mb_buf_free(&d->b64);
	} else if (cn != d->m || crc != d->crc) {
		return fail(d, line, "record %zu chunk %zu does not belong to "
			    "the record begun before it", ri, ci);
	}
	dlen = strlen(tok[4]);
	if (dlen > MB_LAVA_CHUNK || (ci < cn && dlen != MB_LAVA_CHUNK))
		return fail(d, line, "record %zu chunk %zu/%zu has %zu "
			    "characters, not %d: the line was cut", ri, ci,
			    cn, dlen, MB_LAVA_CHUNK);
	mb_bprintf(&d->b64, "%s", tok[4]);
	if (ci < cn) {
		d->j++;
		return 0;
	}
	/* the record is complete */
	{
		struct mb_buf raw = { 0 };
		json_error_t je;
		json_t *o;

		if (d->b64.oom || mb_b64_decode(&raw, d->b64.p, d->b64.len) ||
		    raw.oom) {
			mb_buf_free(&raw);
			return fail(d, line, "record %zu is not valid base64",
				    ri);
		}
		if (mb_crc32(raw.p, raw.len) != crc) {
			mb_buf_free(&raw);
			return fail(d, line, "record %zu: CRC mismatch (the "
				    "console garbled it)", ri);
		}
		o = json_loadb(raw.p, raw.len, 0, &je);
		if (!json_is_object(o)) {
			json_decref(o);
			mb_buf_free(&raw);
			return fail(d, line, "record %zu is not a JSON object",
				    ri);
		}
		json_decref(o);
		mb_bprintf(d->out, "%s\n", raw.p);
		mb_buf_free(&raw);
	}
	d->all = (d->all << 5 | d->all >> 27) ^ (uint32_t)crc;
	d->info->records++;
	d->i++;
	d->j = 1;
	return 0;
}

static int marker(struct dec *d, unsigned int line, char *p)
{
	unsigned long v, n, all;
	char *e;

	d->last_line = line;
	if (!strncmp(p, MB_LAVA_REC " ", strlen(MB_LAVA_REC) + 1))
		return rec_line(d, line, p);
	if (!strncmp(p, MB_LAVA_BEGIN " ", strlen(MB_LAVA_BEGIN) + 1)) {
		p += strlen(MB_LAVA_BEGIN) + 1;
		errno = 0;
		v = strtoul(p, &e, 10);
		if (e == p || *e != ' ' || errno)
			return fail(d, line, "a malformed begin line");
		if (v != MB_LAVA_VERSION)
			return fail(d, line, "records of format %lu; this "
				    "mapbench reads %d", v, MB_LAVA_VERSION);
		p = e + 1;
		n = strtoul(p, &e, 10);
		if (e == p || *e || errno)
			return fail(d, line, "a malformed begin line");
		if (d->in)
			return fail(d, line, "a new block begins inside the "
				    "one begun at line %u (its end is lost)",
				    d->begin_line);
		d->in = true;
		d->begin_line = line;
		d->n = n;
		d->i = 1;
		d->j = 1;
		d->all = 0xffffffff;
		return 0;
	}
	if (!strncmp(p, MB_LAVA_END " ", strlen(MB_LAVA_END) + 1)) {
		p += strlen(MB_LAVA_END) + 1;
		errno = 0;
		n = strtoul(p, &e, 10);
		if (e == p || *e != ' ' || errno || strlen(e + 1) != 8 ||
		    !hex_n(e + 1, 8, &all))
			return fail(d, line, "a malformed end line");
		if (!d->in)
			return fail(d, line, "an end without its begin (lines "
				    "are missing from the log)");
		if (n != d->n || d->i != d->n + 1 || d->j != 1)
			return fail(d, line, "the block ends after %zu of %zu "
				    "records: lines are missing from the log",
				    d->i - 1, d->n);
		if (all != d->all)
			return fail(d, line, "the block's checksum does not "
				    "match its records");
		d->in = false;
		d->info->blocks++;
		return 0;
	}
	return 0;
}

/* Terminal colours, as `lavacli jobs logs` prints on a tty: ESC [ ... m */
static void strip_ansi(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if (r[0] == '\033' && r[1] == '[') {
			size_t n = 2 + strspn(r + 2, "0123456789;");

			if (r[n] >= '@' && r[n] <= '~') {
				r += n + 1;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/* "/lava-123/" in the test shell's output names the job */
static void find_job(struct mb_lava_log *info, bool *found, const char *s)
{
	const char *p = s;

	while (!*found && (p = strstr(p, "/lava-"))) {
		size_t n = strspn(p + 6, "0123456789");

		if (n && n < 20 && p[6 + n] == '/') {
			snprintf(info->job, sizeof(info->job), "%.*s", (int)n,
				 p + 6);
			*found = true;
		}
		p += 6;
	}
}

/* A "results" line of LAVA's: the records count, if it is ours. */
static void result_line(struct mb_lava_log *info, json_t *msg)
{
	const char *c = json_string_value(json_object_get(msg, "case"));
	const char *def = json_string_value(json_object_get(msg,
							   "definition"));
	json_t *m = json_object_get(msg, "measurement");
	size_t dl;

	if (!c || !def)
		return;
	dl = strlen(def);
	/* our suite is "N_mapbench" */
	if (dl < 8 || strcmp(def + dl - 8, "mapbench"))
		return;
	info->cases_seen = info->cases_seen < 0 ? 1 : info->cases_seen + 1;
	if (strcmp(c, MB_LAVA_RECORDS_CASE))
		return;
	if (json_is_string(m))
		info->records_case = atol(json_string_value(m));
	else if (json_is_number(m))
		info->records_case = (long)json_number_value(m);
}

int mb_lava_log_records(const char *path, const char *text, size_t len,
			struct mb_buf *out, struct mb_lava_log *info,
			char *err, size_t errlen)
{
	struct dec d = {
		.file = path, .info = info, .out = out, .err = err,
		.errlen = errlen,
	};
	const char *p = text, *end = text + len, *base;
	unsigned int line = 0;
	bool found = false;
	int ret = 0;

	memset(info, 0, sizeof(*info));
	info->cases_seen = -1;
	info->records_case = -1;
	base = strrchr(path, '/');
	snprintf(info->job, sizeof(info->job), "%s", base ? base + 1 : path);

	/* the job id first, so every error can name it */
	for (const char *q = text; q < end && !found;) {
		const char *nl = memchr(q, '\n', end - q);
		size_t n = nl ? (size_t)(nl - q) : (size_t)(end - q);
		char *s = strndup(q, n);

		if (!s)
			return mb_errf(-1, err, errlen, "out of memory");
		find_job(info, &found, s);
		free(s);
		q += n + 1;
	}

	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *s = strndup(p, n), *msg = s, *conv = NULL, *mk;
		json_t *o = NULL;

		if (!s)
			return mb_errf(-1, err, errlen, "out of memory");
		p += n + 1;
		line++;
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
			s[--n] = '\0';
		if (!strncmp(msg, "- ", 2))
			msg += 2;
		if (*msg == '{' && strstr(msg, "\"lvl\"")) {
			json_error_t je;
			const char *lvl;
			json_t *m;

			conv = yaml_flow_to_json(msg, strlen(msg));
			o = conv ? json_loads(conv, JSON_ALLOW_NUL, &je) : NULL;
			if (!o) {
				if (strstr(msg, "mapbench-lava-"))
					ret = fail(&d, line, "a log line that "
						   "does not parse (cut?)");
				goto next;
			}
			lvl = json_string_value(json_object_get(o, "lvl"));
			m = json_object_get(o, "msg");
			if (lvl && !strcmp(lvl, "results") &&
			    json_is_object(m)) {
				result_line(info, m);
				goto next;
			}
			if (!lvl || strcmp(lvl, "target") ||
			    !json_is_string(m))
				goto next;
			free(s);
			s = strdup(json_string_value(m));
			if (!s) {
				ret = mb_errf(-1, err, errlen, "out of "
					      "memory");
				goto next;
			}
			msg = s;
			n = strlen(s);
			while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
				s[--n] = '\0';
		}
		/* markers may follow other console output on the line */
		strip_ansi(msg);
		mk = strstr(msg, "mapbench-lava-");
		if (mk)
			ret = marker(&d, line, mk);
next:
		json_decref(o);
		free(conv);
		free(s);
	}
	if (!ret && d.in)
		ret = fail(&d, line, "the log ends inside the records (after "
			   "record %zu of %zu, begun at line %u): a truncated "
			   "log", d.i - 1, d.n, d.begin_line);
	if (!ret && !info->blocks)
		ret = mb_errf(-1, err, errlen, "job %s (%s): no mapbench "
			      "records in this log (did the test shell run? "
			      "look for 'mapbench-lava:' lines)", info->job,
			      path);
	if (!ret && info->records_case >= 0 &&
	    (size_t)info->records_case != info->records)
		ret = mb_errf(-1, err, errlen, "job %s (%s): LAVA recorded "
			      "%ld records (test case %s), the log holds %zu",
			      info->job, path, info->records_case,
			      MB_LAVA_RECORDS_CASE, info->records);
	mb_buf_free(&d.b64);
	return ret;
}

/* ---- the command ----------------------------------------------------- */

static const struct mb_opt lava_results_opts[] = {
	MB_OPT("output", 'o', true, required_argument, "FILE", MB_ARG_FILE,
	       NULL, "Write the records to FILE (atomically; e.g. "
	       "results.jsonl) instead of standard output."),
	MB_FLAG("by-job", 'j', false, "Label each job's host \"LABEL #JOB\", "
		"so every job is its own column."),
	MB_OPT_HELP,
	MB_OPT_END
};

const struct mb_cmd mb_lava_results_cmd = {
	.name = "lava-results",
	.summary = "the run records back out of LAVA job logs",
	.synopsis = "LOG...",
	.text = "Reads job logs, as lava-run prints them or as `lavacli jobs "
		"logs [--raw] N` fetches them, and writes the run records the "
		"boards printed into them, for report, plot and compare. A "
		"truncated log is an error naming the job and the line.",
	.opts = lava_results_opts,
};

static char *read_all(const char *path, size_t *len)
{
	char *t = mb_read_file(path, 0, len);

	if (!t)
		mb_die("%s: %s", path, errno == ENOMEM ? "out of memory" :
		       strerror(errno));
	if (memchr(t, '\0', *len))
		mb_die("%s: binary data, not a job log", path);
	return t;
}

/* matrix.host += " #JOB" in each line of recs */
static void by_job(struct mb_buf *all, const struct mb_buf *recs,
		   const char *job)
{
	const char *p = recs->p, *end = recs->p + recs->len;

	while (p < end) {
		const char *nl = strchr(p, '\n');
		json_t *o = json_loadb(p, nl - p, 0, NULL), *m;
		const char *host;
		char h[128];
		char *s;

		m = json_object_get(o, "matrix");
		host = json_string_value(json_object_get(m, "host"));
		snprintf(h, sizeof(h), "%s #%s", host ? host : "board", job);
		if (strlen(h) > 63)
			mb_die("--by-job: host label '%s' too long", h);
		if (m)
			json_object_set_new(m, "host", json_string(h));
		s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12) |
			       JSON_PRESERVE_ORDER);
		if (!s)
			mb_die("out of memory");
		mb_bprintf(all, "%s\n", s);
		free(s);
		json_decref(o);
		p = nl + 1;
	}
}

int mb_cmd_lava_results(int argc, char **argv)
{
	struct mb_getopt gopt = { 0 };
	struct mb_buf all = { 0 }, said = { 0 };
	const char *out = NULL;
	char err[512], (*jobs)[64];
	bool split = false;
	int opt, nfiles;

	while ((opt = mb_cli_getopt(&mb_lava_results_cmd, &gopt, argc, argv,
				     MB_EXIT_USAGE)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'j':
			split = true;
			break;
		}
	}
	nfiles = argc - optind;
	if (nfiles < 1) {
		mb_usage_synopsis(&mb_lava_results_cmd, stderr);
		return MB_EXIT_USAGE;
	}
	jobs = calloc(nfiles, sizeof(*jobs));
	if (!jobs)
		mb_die("out of memory");
	for (int i = 0; i < nfiles; i++) {
		const char *path = argv[optind + i];
		struct mb_buf recs = { 0 };
		struct mb_lava_log info;
		size_t len;
		char *text = read_all(path, &len);

		if (mb_lava_log_records(path, text, len, &recs, &info, err,
					sizeof(err))) {
			fprintf(stderr, "mapbench: %s\n", err);
			free(text);
			mb_buf_free(&recs);
			mb_buf_free(&all);
			mb_buf_free(&said);
			free(jobs);
			return MB_EXIT_USAGE;
		}
		for (int k = 0; k < i; k++)
			if (!strcmp(jobs[k], info.job))
				mb_die("job %s (%s) is given twice: its runs "
				       "would count twice", info.job, path);
		snprintf(jobs[i], sizeof(jobs[i]), "%s", info.job);
		/* said at the end: a later error stays the only line */
		mb_bprintf(&said, "mapbench: job %s (%s): %zu records\n",
			   info.job, path, info.records);
		if (split)
			by_job(&all, &recs, info.job);
		else
			mb_bprintf(&all, "%s", recs.p ? recs.p : "");
		mb_buf_free(&recs);
		free(text);
	}
	free(jobs);
	if (all.oom || said.oom)
		mb_die("out of memory");
	if (out) {
		if (mb_write_atomic(out, all.p ? all.p : "", all.len, err,
				    sizeof(err))) {
			fprintf(stderr, "mapbench: %s\n", err);
			mb_buf_free(&all);
			return MB_EXIT_VMM;
		}
	} else if (all.len) {
		fwrite(all.p, 1, all.len, stdout);
	}
	fputs(said.p, stderr);
	mb_buf_free(&said);
	mb_buf_free(&all);
	return MB_EXIT_OK;
}
