// SPDX-License-Identifier: GPL-2.0-only
/*
 * Result files read back for report, plot and compare: JSON lines from
 * the matrix runner, or single `mapbench run --json` documents.  Only the
 * fields listed in docs/ANALYSIS.md are read, so records may grow new
 * fields freely; a field that is needed but missing or of the wrong type
 * is an error naming file and line.  Runs are then grouped into points:
 * host x layout x strategy x options.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis.h"
#include "options.h"



/* An optional string field into buf; missing is fine, wrong type is not. */
static int get_str(json_t *o, const char *key, char *buf, size_t len,
		   bool need, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);
	const char *s;

	if (!v || json_is_null(v)) {
		if (need)
			return mb_errf(-1, err, errlen,
				       "record has no '%s'", key);
		return 0;
	}
	if (!json_is_string(v))
		return mb_errf(-1, err, errlen, "'%s' is not a string", key);
	s = json_string_value(v);
	if (strlen(s) >= len || !*s)
		return mb_errf(-1, err, errlen,
			       "'%s' is %s", key, *s ? "too long" : "empty");
	/* printable ASCII only: these strings end up in tables and XML */
	for (const char *p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return mb_errf(-1, err, errlen,
				       "'%s' has a control or "
				       "non-ASCII character", key);
	strcpy(buf, s);
	return 0;
}

static int get_bool(json_t *o, const char *key, bool *out, char *err,
		    size_t errlen)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return mb_errf(-1, err, errlen,
			       "'%s' is not true or false", key);
	*out = json_is_true(v);
	return 0;
}

static int get_u64(json_t *o, const char *key, uint64_t *out, bool *have,
		   char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);

	*have = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return mb_errf(-1, err, errlen,
			       "'%s' is not a non-negative integer", key);
	*out = (uint64_t)json_integer_value(v);
	*have = true;
	return 0;
}

static int get_obj(json_t *o, const char *key, json_t **out, char *err,
		   size_t errlen)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_object(v))
		return mb_errf(-1, err, errlen, "'%s' is not an object", key);
	*out = v;
	return 0;
}

static int get_ram(json_t *o, struct mb_run *r, char *err, size_t errlen)
{
	json_t *ram, *banks;
	bool have;

	if (get_obj(o, "ram", &ram, err, errlen))
		return -1;
	if (!ram)
		return mb_errf(-1, err, errlen, "record has no 'ram'");
	if (get_u64(ram, "total", &r->mem, &have, err, errlen))
		return -1;
	if (!have || !r->mem)
		return mb_errf(-1, err, errlen, "record has no 'ram.total'");
	r->nbanks = 1;
	banks = json_object_get(ram, "banks");
	if (banks) {
		if (!json_is_array(banks) || !json_array_size(banks))
			return mb_errf(-1, err, errlen,
				       "'ram.banks' is not a list");
		r->nbanks = json_array_size(banks);
	}
	return 0;
}

static int get_timing(json_t *o, struct mb_run *r, char *err, size_t errlen)
{
	uint64_t frq = 0;
	bool have_t = false, have_f = false;
	json_t *t, *ms;

	if (get_obj(o, "timing", &t, err, errlen))
		return -1;
	if (!t)
		return mb_errf(-1, err, errlen, "ok record has no 'timing'");
	if (get_u64(t, "ticks", &r->ticks, &have_t, err, errlen) ||
	    get_u64(t, "cntfrq", &frq, &have_f, err, errlen))
		return -1;
	/* ticks / CNTFRQ is exact; timing.ms is a rounded copy */
	if (have_t && have_f && frq) {
		r->cntfrq = frq;
		r->ms = (double)r->ticks * 1e3 / (double)frq;
		return 0;
	}
	ms = json_object_get(t, "ms");
	if (!ms || !json_is_number(ms))
		return mb_errf(-1, err, errlen,
			       "ok record has neither 'timing.ticks' "
			       "with 'timing.cntfrq' nor 'timing.ms'");
	r->ms = json_number_value(ms);
	if (!isfinite(r->ms) || r->ms < 0)
		return mb_errf(-1, err, errlen, "'timing.ms' is not a time");
	return 0;
}

static int get_counts(json_t *o, struct mb_run *r, char *err, size_t errlen)
{
	json_t *c;
	bool have;

	if (get_obj(o, "counts", &c, err, errlen))
		return -1;
	if (!c)
		return 0;
	for (unsigned int i = 0; i < MB_NR_COUNTERS; i++)
		if (get_u64(c, mb_counter_names[i], &r->counts[i], &have, err,
			    errlen))
			return -1;
	r->have_counts = true;
	return 0;
}

/* One price: an object with an integer "picoticks" under obj.key. */
static int get_price(json_t *obj, const char *where, const char *key,
		     int64_t *out, char *err, size_t errlen)
{
	json_t *u, *v;

	if (get_obj(obj, key, &u, err, errlen))
		return -1;
	v = u ? json_object_get(u, "picoticks") : NULL;
	if (!u || !json_is_integer(v))
		return mb_errf(-1, err, errlen,
			       "'calibration.%s.%s' has no integer 'picoticks'",
			       where, key);
	*out = json_integer_value(v);
	return 0;
}

/*
 * The account's prices (docs/JSON.md "calibration"): every direct unit's
 * and code unit's picoticks, and floor.ticks, or nothing.  A calibration
 * without "code" is from before the account (ABI 9): old_cal, no prices.
 * Only with timing.ticks: the account is kept in ticks.
 */
static int get_calibration(json_t *o, struct mb_run *r, char *err,
			   size_t errlen)
{
	json_t *cal, *units, *code, *codeu, *fl;
	int64_t v;
	bool have;

	if (get_obj(o, "calibration", &cal, err, errlen))
		return -1;
	if (!cal || !r->cntfrq)
		return 0;
	if (get_obj(cal, "units", &units, err, errlen) ||
	    get_obj(cal, "code", &code, err, errlen) ||
	    get_obj(cal, "floor", &fl, err, errlen))
		return -1;
	if (!code) {
		r->old_cal = true;
		return 0;
	}
	if (!units || !fl)
		return mb_errf(-1, err, errlen, "'calibration' has no %s",
			       units ? "'floor'" : "'units'");
	if (get_obj(code, "units", &codeu, err, errlen))
		return -1;
	if (!codeu)
		return mb_errf(-1, err, errlen,
			       "'calibration.code' has no 'units'");
	for (unsigned int i = 0; i < MB_NR_UNITS; i++) {
		if (get_price(units, "units", mb_unit_names[i], &v, err, errlen))
			return -1;
		if (v < 0)
			return mb_errf(-1, err, errlen,
				       "'calibration.units.%s' is negative",
				       mb_unit_names[i]);
		r->unit_pt[i] = (uint64_t)v;
	}
	for (unsigned int i = 0; i < MB_NR_CODES; i++)
		if (get_price(codeu, "code.units", mb_code_names[i],
			      &r->code_pt[i], err, errlen))
			return -1;
	if (get_u64(fl, "ticks", &r->floor_ticks, &have, err, errlen))
		return -1;
	if (!have)
		return mb_errf(-1, err, errlen,
			       "'calibration.floor' has no 'ticks'");
	r->have_cal = true;
	return 0;
}

/*
 * Run options that make a point different: the record's "options" as
 * `mapbench run` writes them (defaults left out, so records from before
 * an option existed still match), a KFENCE pool, and the matrix's axes.
 * Unknown options are kept: a new one shows up in the tables rather
 * than mixing two conditions silently.
 */
struct optset {
	const char *k[16];
	char v[16][48];
	size_t n;
};

static int opt_add(struct optset *s, const char *k, const char *v,
		   char *err, size_t errlen)
{
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->k[i], k))
			continue;
		if (strcmp(s->v[i], v))
			return mb_errf(-1, err, errlen,
				       "option '%s' is '%s' in one "
				       "place and '%s' in another", k, s->v[i],
				       v);
		return 0;
	}
	if (s->n == 16 || strlen(v) >= sizeof(s->v[0]) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789:._,@=+-") != strlen(v))
		return mb_errf(-1, err, errlen,
			       "option '%s' is not a short word", k);
	s->k[s->n] = k;
	strcpy(s->v[s->n++], v);
	return 0;
}

/* `mapbench run`'s own defaults (options.c) */
static bool is_default(const char *k, const char *v)
{
	for (unsigned int i = 0; i < MB_OKEY_NR; i++)
		if (!strcmp(k, mb_okeys[i].json))
			return mb_okeys[i].dflt && !strcmp(v, mb_okeys[i].dflt);
	return false;
}

static int get_options(json_t *opts, struct optset *s, char *err,
		       size_t errlen)
{
	const char *k;
	json_t *v;
	char buf[48];

	if (!json_is_object(opts))
		return mb_errf(-1, err, errlen, "'options' is not an object");
	json_object_foreach(opts, k, v) {
		/* not a condition of the point: the strategy's label */
		if (json_is_null(v) ||
		    !strcmp(k, mb_okeys[MB_OKEY_FORCE_BBML2].json))
			continue;
		if (json_is_string(v))
			snprintf(buf, sizeof(buf), "%s", json_string_value(v));
		else if (json_is_boolean(v))
			snprintf(buf, sizeof(buf), "%s", json_is_true(v) ?
				 "yes" : "no");
		else if (json_is_integer(v))
			snprintf(buf, sizeof(buf), "%lld",
				 (long long)json_integer_value(v));
		else
			return mb_errf(-1, err, errlen,
				       "'options.%s' is not a string, "
				       "number or boolean", k);
		if (opt_add(s, k, buf, err, errlen))
			return -1;
	}
	return 0;
}

static int get_axes(json_t *axes, struct optset *s, char *err,
		    size_t errlen)
{
	const char *k;
	json_t *v;

	if (!json_is_object(axes))
		return mb_errf(-1, err, errlen,
			       "'matrix.axes' is not an object");
	json_object_foreach(axes, k, v) {
		if (!json_is_string(v))
			return mb_errf(-1, err, errlen,
				       "'matrix.axes.%s' is not a string",
				       k);
		if (opt_add(s, k, json_string_value(v), err, errlen))
			return -1;
	}
	return 0;
}

/* The layout goes into the column; the rest, sorted, into r->opts. */
static int put_opts(struct optset *s, struct mb_run *r, char *err,
		    size_t errlen)
{
	size_t len = 0;

	/* sort by key: insertion sort, n <= 16 */
	for (size_t i = 1; i < s->n; i++)
		for (size_t j = i; j > 0 && strcmp(s->k[j - 1], s->k[j]) > 0;
		     j--) {
			const char *tk = s->k[j];
			char tv[48];

			memcpy(tv, s->v[j], sizeof(tv));
			s->k[j] = s->k[j - 1];
			memcpy(s->v[j], s->v[j - 1], sizeof(tv));
			s->k[j - 1] = tk;
			memcpy(s->v[j - 1], tv, sizeof(tv));
		}
	for (size_t i = 0; i < s->n; i++) {
		int w;

		if (is_default(s->k[i], s->v[i]))
			continue;
		if (!strcmp(s->k[i], "layout")) {
			snprintf(r->layout, sizeof(r->layout), "%s", s->v[i]);
			continue;
		}
		w = snprintf(r->opts + len, sizeof(r->opts) - len, "%s%s=%s",
			     len ? " " : "", s->k[i], s->v[i]);
		if (w < 0 || (size_t)w >= sizeof(r->opts) - len)
			return mb_errf(-1, err, errlen, "too many run options");
		len += w;
	}
	return 0;
}

static int get_all_options(json_t *o, struct mb_run *r, char *err,
			   size_t errlen)
{
	struct optset s = { .n = 0 };
	json_t *opts = json_object_get(o, "options"), *m, *lay, *kf;
	char size[32];

	if (opts && get_options(opts, &s, err, errlen))
		return -1;
	/* a bbml2-* run forced where the kernel would not run it: the same
	 * map, so the same table, but never unmarked */
	if (opts && json_is_true(json_object_get(opts, "force_bbml2")) &&
	    strlen(r->strategy) + sizeof(MB_FORCED) <= sizeof(r->strategy))
		strcat(r->strategy, MB_FORCED);
	lay = json_object_get(o, "layout");
	kf = json_is_object(lay) ? json_object_get(lay, "kfence_size") : NULL;
	if (kf) {
		if (!json_is_integer(kf) || json_integer_value(kf) <= 0)
			return mb_errf(-1, err, errlen,
				       "'layout.kfence_size' is not a size");
		mb_format_size(json_integer_value(kf), size, sizeof(size));
		if (opt_add(&s, "kfence", size, err, errlen))
			return -1;
	}
	m = json_object_get(o, "matrix");
	if (json_is_object(m) && json_object_get(m, "axes") &&
	    get_axes(json_object_get(m, "axes"), &s, err, errlen))
		return -1;
	return put_opts(&s, r, err, errlen);
}

static int get_matrix(json_t *o, struct mb_run *r, char *err, size_t errlen)
{
	char outcome[16] = "";
	uint64_t idx;
	bool have;
	json_t *m;

	if (get_obj(o, "matrix", &m, err, errlen))
		return -1;
	if (!m)
		return 0;
	if (get_str(m, "host", r->host, sizeof(r->host), false, err,
		    errlen) ||
	    get_str(m, "point", r->point, sizeof(r->point), false, err,
		    errlen) ||
	    get_str(m, "reason", r->reason, sizeof(r->reason), false, err,
		    errlen) ||
	    get_str(m, "outcome", outcome, sizeof(outcome), false, err,
		    errlen) ||
	    get_bool(m, "warmup", &r->warmup, err, errlen) ||
	    get_u64(m, "run", &idx, &have, err, errlen))
		return -1;
	if (have) {
		if (idx > 100000)
			return mb_errf(-1, err, errlen,
				       "'matrix.run' out of range");
		r->run_idx = (int)idx;
	}
	if (!strcmp(outcome, "failed"))
		r->outcome = MB_OUT_FAILED;
	else if (!strcmp(outcome, "skipped"))
		r->outcome = MB_OUT_SKIPPED;
	else if (*outcome && strcmp(outcome, "ok"))
		return mb_errf(-1, err, errlen,
			       "'matrix.outcome' is not ok, failed "
			       "or skipped");
	return 0;
}

/* The granule the guest built ("page_shift"; records before granules
 * existed are 4K). */
static int get_page_shift(json_t *o, struct mb_run *r, char *err,
			  size_t errlen)
{
	uint64_t v = 12;
	bool have;

	if (get_u64(o, "page_shift", &v, &have, err, errlen))
		return -1;
	if (have && v != 12 && v != 14 && v != 16)
		return mb_errf(-1, err, errlen,
			       "'page_shift' %llu is not 12, 14 or 16",
			       (unsigned long long)v);
	r->page_shift = have ? (unsigned int)v : 12;
	return 0;
}

/*
 * The final map: "digest" of a run record, kernel_check.digest and
 * kernel_check.map_head of a kernel-check side.  Absent is fine (older
 * records); present and malformed is not.
 */
static int get_map(json_t *o, struct mb_run *r, char *err, size_t errlen)
{
	json_t *kc = json_object_get(o, "kernel_check"), *head;
	char hex[32] = "", *end;
	size_t i;

	if (kc && !json_is_object(kc))
		return mb_errf(-1, err, errlen, "\"kernel_check\" is not an object");
	if (get_str(kc ? kc : o, "digest", hex, sizeof(hex), false, err,
		    errlen))
		return -1;
	if (hex[0]) {
		errno = 0;
		r->digest = strtoull(hex, &end, 16);
		if (errno || *end || strncmp(hex, "0x", 2))
			return mb_errf(-1, err, errlen,
				       "\"digest\" %s is not a 0x hex number", hex);
		r->have_digest = true;
	}
	head = kc ? json_object_get(kc, "map_head") : NULL;
	if (!head)
		return 0;
	if (!json_is_array(head))
		return mb_errf(-1, err, errlen, "\"map_head\" is not an array");
	for (i = 0; i < json_array_size(head) && i < MB_MAP_HEAD; i++) {
		const char *s = json_string_value(json_array_get(head, i));

		if (!s)
			return mb_errf(-1, err, errlen,
				       "\"map_head\"[%zu] is not a string", i);
		snprintf(r->head[i], sizeof(r->head[i]), "%s", s);
	}
	r->nhead = i;
	return 0;
}

int mb_run_from_json(json_t *o, struct mb_run *r, char *err, size_t errlen)
{
	char status[32] = "";
	json_t *host;

	memset(r, 0, sizeof(*r));
	r->run_idx = -1;
	if (!json_is_object(o))
		return mb_errf(-1, err, errlen, "record is not a JSON object");
	if (get_str(o, "strategy", r->strategy, sizeof(r->strategy), true,
		    err, errlen) ||
	    get_str(o, "rodata", r->rodata, sizeof(r->rodata), true, err,
		    errlen) ||
	    get_str(o, "accel", r->accel, sizeof(r->accel), true, err,
		    errlen) ||
	    get_str(o, "status", status, sizeof(status), true, err,
		    errlen) ||
	    get_bool(o, "deterministic", &r->deterministic, err, errlen) ||
	    get_ram(o, r, err, errlen) || get_matrix(o, r, err, errlen) ||
	    get_all_options(o, r, err, errlen))
		return -1;
	r->emulated = !strcmp(r->accel, "tcg");
	if (get_bool(o, "emulated", &r->emulated, err, errlen))
		return -1;
	if (!r->host[0]) {
		/* no label from the runner: the CPU is the next best name */
		if (get_obj(o, "host", &host, err, errlen))
			return -1;
		if (host && get_str(host, "cpu_model", r->host,
				    sizeof(r->host), false, err, errlen))
			return -1;
		if (!r->host[0])
			strcpy(r->host, "unknown-host");
	}
	if (r->outcome == MB_OUT_OK && strcmp(status, "ok")) {
		r->outcome = MB_OUT_FAILED;
		if (!r->reason[0] && get_str(o, "error", r->reason,
					     sizeof(r->reason), false, err,
					     errlen))
			return -1;
		if (!r->reason[0])
			snprintf(r->reason, sizeof(r->reason), "status %s",
				 status);
	}
	if (r->outcome != MB_OUT_OK)
		return 0;
	if (get_timing(o, r, err, errlen) || get_counts(o, r, err, errlen) ||
	    get_calibration(o, r, err, errlen) || get_map(o, r, err, errlen) ||
	    get_page_shift(o, r, err, errlen))
		return -1;
	return 0;
}

/* ---- files ----------------------------------------------------------- */

static int push(struct mb_runset *set, const struct mb_run *r)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 256;
		struct mb_run *v = realloc(set->v, cap * sizeof(*v));

		if (!v)
			return -1;
		set->v = v;
		set->cap = cap;
	}
	set->v[set->n++] = *r;
	return 0;
}

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	char *buf = mb_read_file(path, 0, len);

	if (!buf && errno == ENOMEM)
		mb_errf(-1, err, errlen, "out of memory reading %s", path);
	else if (!buf)
		mb_errf(-1, err, errlen, "cannot read %s: %s", path,
			strerror(errno));
	return buf;
}

static int add_record(struct mb_runset *set, json_t *o, const char *file,
		      unsigned int line, char *err, size_t errlen)
{
	char why[200];
	struct mb_run r;

	if (mb_run_from_json(o, &r, why, sizeof(why))) {
		if (line)
			return mb_errf(-1, err, errlen,
				       "%s:%u: %s", file, line, why);
		return mb_errf(-1, err, errlen, "%s: %s", file, why);
	}
	r.file = file;
	r.line = line;
	if (push(set, &r))
		return mb_errf(-1, err, errlen, "out of memory");
	return 0;
}

/* One record per line; blank lines allowed. */
static int load_lines(struct mb_runset *set, char *buf, size_t len,
		      const char *file, char *err, size_t errlen)
{
	unsigned int line = 0;
	char *p = buf, *end = buf + len;

	while (p < end) {
		char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_error_t je;
		json_t *o;

		line++;
		if (strspn(p, " \t\r") >= n) {
			p += n + 1;
			continue;
		}
		o = json_loadb(p, n, 0, &je);
		if (!o) {
			if (!nl)
				return mb_errf(-1, err, errlen,
					       "%s:%u: incomplete "
					       "last line (an interrupted write?)",
					       file, line);
			return mb_errf(-1, err, errlen,
				       "%s:%u: not JSON: %s", file, line,
				       je.text);
		}
		if (add_record(set, o, file, line, err, errlen)) {
			json_decref(o);
			return -1;
		}
		json_decref(o);
		p += n + 1;
	}
	return 0;
}

int mb_runs_load(struct mb_runset *set, const char *arg, char *err,
		 size_t errlen)
{
	size_t len, before = set->n;
	char **files, *name, *buf, path[4096];
	json_error_t je;
	struct stat st;
	json_t *doc;
	int ret = -1;

	/* a directory is a matrix OUTDIR: its results.jsonl */
	if (!stat(arg, &st) && S_ISDIR(st.st_mode))
		snprintf(path, sizeof(path), "%s/results.jsonl", arg);
	else
		snprintf(path, sizeof(path), "%s", arg);

	files = realloc(set->files, (set->nfiles + 1) * sizeof(*files));
	if (!files)
		return mb_errf(-1, err, errlen, "out of memory");
	set->files = files;
	name = strdup(path);
	if (!name)
		return mb_errf(-1, err, errlen, "out of memory");
	set->files[set->nfiles++] = name;

	buf = slurp(path, &len, err, errlen);
	if (!buf)
		return -1;
	if (memchr(buf, '\0', len)) {
		mb_errf(-1, err, errlen, "%s: binary data, not JSON", path);
		goto out;
	}
	/* One document (pretty-printed `run --json`), else JSON lines. */
	doc = json_loadb(buf, len, 0, &je);
	if (doc) {
		if (json_is_array(doc)) {
			size_t i;
			json_t *o;

			ret = 0;
			json_array_foreach(doc, i, o)
				if (add_record(set, o, name, 0, err, errlen)) {
					ret = -1;
					break;
				}
		} else {
			/* one record, starting on line 1 */
			ret = add_record(set, doc, name, 1, err, errlen);
		}
		json_decref(doc);
	} else if (strstr(je.text, "end of file expected") ||
		   je.line <= 1) {
		ret = load_lines(set, buf, len, name, err, errlen);
	} else {
		mb_errf(-1, err, errlen,
			"%s:%d: not JSON: %s", name, je.line, je.text);
	}
	if (!ret && set->n == before) {
		mb_errf(-1, err, errlen, "%s: no records", path);
		ret = -1;
	}
out:
	free(buf);
	return ret;
}

void mb_runs_free(struct mb_runset *set)
{
	for (size_t i = 0; i < set->nfiles; i++)
		free(set->files[i]);
	free(set->files);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

/* ---- grouping -------------------------------------------------------- */

bool mb_same_key(const struct mb_run *a, const struct mb_run *b,
		 unsigned int flags)
{
	return (flags & MB_KEY_NO_HOST || !strcmp(a->host, b->host)) &&
	       a->mem == b->mem && a->nbanks == b->nbanks &&
	       !strcmp(a->layout, b->layout) &&
	       !strcmp(a->strategy, b->strategy) &&
	       !strcmp(a->rodata, b->rodata) &&
	       !strcmp(a->accel, b->accel) && a->emulated == b->emulated &&
	       a->deterministic == b->deterministic &&
	       !strcmp(a->opts, b->opts);
}

void mb_options_label(const struct mb_run *r, char *buf, size_t len)
{
	snprintf(buf, len, "rodata=%s %s%s%s%s%s", r->rodata, r->accel,
		 r->emulated ? " EMULATED" : "",
		 r->deterministic ? " deterministic" : "",
		 r->opts[0] ? " " : "", r->opts);
}

void mb_layout_label(const struct mb_run *r, char *buf, size_t len)
{
	char size[32];

	mb_format_size(r->mem, size, sizeof(size));
	if (r->layout[0])
		snprintf(buf, len, "%s %s", r->layout, size);
	else if (r->nbanks > 1)
		snprintf(buf, len, "%s (%u banks)", size, r->nbanks);
	else
		snprintf(buf, len, "%s", size);
}

int mb_strategy_rank(const char *name)
{
	char base[32];
	int id;

	/* "bbml2-blocks (forced)" sorts with bbml2-blocks */
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(name, " "), name);
	id = mb_strategy_from_name(base);
	return id < 0 ? MB_NR_STRATEGIES : id;
}

static int add_sample(struct mb_group *g, double ms)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 8;
		double *v = realloc(g->ms, cap * sizeof(*v));

		if (!v)
			return -1;
		g->ms = v;
		g->cap = cap;
	}
	g->ms[g->n++] = ms;
	return 0;
}

int mb_group_runs(const struct mb_runset *set, unsigned int flags,
		  struct mb_groups *gs)
{
	memset(gs, 0, sizeof(*gs));
	for (size_t i = 0; i < set->n; i++) {
		const struct mb_run *r = &set->v[i];
		struct mb_group *g = NULL;

		for (size_t j = gs->n; j-- > 0;)
			if (mb_same_key(gs->v[j].key, r, flags)) {
				g = &gs->v[j];
				break;
			}
		if (!g) {
			if (gs->n == gs->cap) {
				size_t cap = gs->cap ? gs->cap * 2 : 64;
				struct mb_group *v = realloc(gs->v,
							     cap * sizeof(*v));

				if (!v)
					return -1;
				gs->v = v;
				gs->cap = cap;
			}
			g = &gs->v[gs->n++];
			memset(g, 0, sizeof(*g));
			g->key = r;
		}
		switch (r->outcome) {
		case MB_OUT_OK:
			if (r->have_counts && !g->counted)
				g->counted = r;
			if (r->warmup)
				g->warmups++;
			else if (add_sample(g, r->ms))
				return -1;
			break;
		case MB_OUT_FAILED:
			g->failed++;
			g->why = r->reason;
			break;
		case MB_OUT_SKIPPED:
			g->skipped++;
			g->why = r->reason;
			break;
		}
	}
	for (size_t j = 0; j < gs->n; j++)
		if (mb_stats_compute(gs->v[j].ms, gs->v[j].n, &gs->v[j].st))
			return -1;
	return 0;
}

void mb_groups_free(struct mb_groups *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->v[i].ms);
	free(g->v);
	memset(g, 0, sizeof(*g));
}
