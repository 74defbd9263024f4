// SPDX-License-Identifier: GPL-2.0-only
/*
 * Matrix configs (docs/CONFIG.md), in the spirit of kvm-unit-tests'
 * unittests.cfg: "key = values" lines, optional [sections], each section
 * a matrix whose points are the product of its axes.  Keys above the
 * first section are defaults for every section.  Parsing is strict:
 * anything unexpected is one error naming file:line, never a guess.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "record.h"
#include "util.h"
#include "cpufeat.h"
#include "options.h"

#define MAX_LINE	1024
#define MAX_SECTIONS	64
#define MAX_POINTS	100000

/* Run options taken as axes: the first of the record's option keys
 * (options.h). */
const char *mb_extra_option(unsigned int i)
{
	return i < MB_CFG_MAX_EXTRA ? mb_okeys[i].json : NULL;
}

enum key {
	K_STRATEGY, K_MEM, K_RODATA, K_REPEAT, K_WARMUP, K_TIMEOUT, K_ACCEL,
	K_DETERMINISTIC, K_FORCE_BBML2,
	K_EXTRA,			/* K_EXTRA + i: mb_extra_option(i) */
	K_NR = K_EXTRA + MB_CFG_MAX_EXTRA,
};

static const char *const key_names[K_EXTRA] = {
	[K_STRATEGY] = "strategy", [K_MEM] = "mem", [K_RODATA] = "rodata",
	[K_REPEAT] = "repeat", [K_WARMUP] = "warmup",
	[K_TIMEOUT] = "timeout", [K_ACCEL] = "accel",
	[K_DETERMINISTIC] = "deterministic",
};

static const char *key_name(int k)
{
	/* the keys a record's "options" has too: from its table */
	if (k == K_FORCE_BBML2)
		return mb_okeys[MB_OKEY_FORCE_BBML2].json;
	return k < K_EXTRA ? key_names[k] : mb_extra_option(k - K_EXTRA);
}

struct parser {
	const char *file;
	unsigned int line;
	char *err;
	size_t errlen;
};

static __attribute__((format(printf, 2, 3)))
int perr(struct parser *ps, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (ps->line)
		n = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->file,
			     ps->line);
	else
		n = snprintf(ps->err, ps->errlen, "%s: ", ps->file);
	if (n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Edit distance, for "did you mean" on a mistyped key. */
static unsigned int distance(const char *a, const char *b)
{
	unsigned int d[32], prev, tmp;
	size_t la = strlen(a), lb = strlen(b);

	if (la >= 31 || lb >= 31)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		d[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned int best = prev + (a[i - 1] != b[j - 1]);

			tmp = d[j];
			if (d[j] + 1 < best)
				best = d[j] + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			prev = tmp;
		}
	}
	return d[lb];
}

static int lookup_key(struct parser *ps, const char *k)
{
	int best = -1;
	unsigned int bd = 3;
	char keys[256];
	size_t len = 0;

	for (int i = 0; i < K_NR; i++) {
		unsigned int d = distance(k, key_name(i));

		if (!d)
			return i;
		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	if (best >= 0)
		return perr(ps, "unknown key '%s' (did you mean '%s'?)", k,
			    key_name(best)) - 1;
	keys[0] = '\0';
	for (int i = 0; i < K_NR && len < sizeof(keys); i++)
		len += snprintf(keys + len, sizeof(keys) - len, "%s%s",
				i ? " " : "", key_name(i));
	return perr(ps, "unknown key '%s' (keys: %s)", k, keys) - 1;
}

static int parse_uint(struct parser *ps, const char *key, const char *v,
		      unsigned int lo, unsigned int hi, unsigned int *out)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || !isdigit((unsigned char)*v) || n < lo || n > hi)
		return perr(ps, "'%s' must be a whole number %u..%u, not '%s'",
			    key, lo, hi, v);
	*out = (unsigned int)n;
	return 0;
}

static int one_value(struct parser *ps, const char *key, char **tok,
		     unsigned int n)
{
	if (n != 1)
		return perr(ps, "'%s' takes one value, not %u", key, n);
	(void)tok;
	return 0;
}

static int add_strategy(struct parser *ps, struct mb_section *s,
			const char *v)
{
	int id;

	if (!strcmp(v, "all")) {
		if (s->nstrat)
			return perr(ps, "'all' must be the only strategy");
		for (id = 0; id < MB_NR_STRATEGIES; id++)
			s->strat[s->nstrat++] = id;
		return 0;
	}
	id = mb_strategy_from_name(v);
	if (id < 0)
		return perr(ps, "unknown strategy '%s' (mapbench list shows "
			    "them)", v);
	for (unsigned int i = 0; i < s->nstrat; i++)
		if (s->strat[i] == id)
			return perr(ps, "strategy '%s' given twice", v);
	s->strat[s->nstrat++] = id;
	return 0;
}

static int add_mem(struct parser *ps, struct mb_section *s, const char *v)
{
	uint64_t m;

	if (mb_parse_size(v, &m))
		return perr(ps, "'%s' is not a size (e.g. 1G, 512M, 1T)", v);
	if (m < MB_MIN_RAM || m & 0xfff ||
	    m > (1ULL << 48) - MB_RAM_BASE)
		return perr(ps, "mem '%s' is outside 64M..256T or not a "
			    "multiple of 4K", v);
	for (unsigned int i = 0; i < s->nmem; i++)
		if (s->mem[i] == m)
			return perr(ps, "mem '%s' given twice", v);
	if (s->nmem == MB_CFG_MAX_VALUES)
		return perr(ps, "more than %d sizes", MB_CFG_MAX_VALUES);
	s->mem[s->nmem++] = m;
	return 0;
}

static int add_rodata(struct parser *ps, struct mb_section *s,
		      const char *v)
{
	int id;

	if (!strcmp(v, "all")) {
		if (s->nrodata)
			return perr(ps, "'all' must be the only rodata mode");
		for (id = 0; id < MB_NR_RODATA; id++)
			s->rodata[s->nrodata++] = id;
		return 0;
	}
	id = mb_rodata_from_name(v);
	if (id < 0)
		return perr(ps, "rodata '%s' is not full, on, off or all", v);
	for (unsigned int i = 0; i < s->nrodata; i++)
		if (s->rodata[i] == id)
			return perr(ps, "rodata '%s' given twice", v);
	s->rodata[s->nrodata++] = id;
	return 0;
}

static int add_extra(struct parser *ps, struct mb_cfg_extra *e,
		     const char *v)
{
	size_t len = strlen(v);
	unsigned int bits;
	int shift;

	/* granules as the record spells them (4K 16K 64K), so a point's
	 * axis and its record's options agree */
	if (!strcmp(e->key, "granule")) {
		shift = mb_granule_parse(v);
		if (shift < 0)
			return perr(ps, "granule '%s' is not 4K, 16K or 64K",
				    v);
		v = mb_granule_name(shift);
	} else if (!strcmp(e->key, "va_bits")) {
		if (parse_uint(ps, e->key, v, 36, 52, &bits))
			return -1;
	}

	else if (len >= sizeof(e->val[0]) ||
		 strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789:._-") != len)
		return perr(ps, "%s value '%s' is not a short word of "
			    "[a-z0-9:._-]", e->key, v);
	for (unsigned int i = 0; i < e->n; i++)
		if (!strcmp(e->val[i], v))
			return perr(ps, "%s '%s' given twice", e->key, v);
	if (e->n == MB_CFG_MAX_VALUES)
		return perr(ps, "more than %d %s values", MB_CFG_MAX_VALUES,
			    e->key);
	strcpy(e->val[e->n++], v);
	return 0;
}

static int parse_bool(struct parser *ps, const char *key, const char *v,
		      bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return perr(ps, "'%s' must be yes or no, not '%s'", key, v);
	return 0;
}

/* key = tok...; append: a continuation line of the same key. */
static int set_key(struct parser *ps, struct mb_section *s, int k,
		   char **tok, unsigned int n, bool append)
{
	const char *name = key_name(k);
	int ret = 0;

	if (!append) {
		if (s->set & (1u << k))
			return perr(ps, "'%s' given twice%s%s%s", name,
				    s->name[0] ? " in [" : "", s->name,
				    s->name[0] ? "]" : "");
		s->set |= 1u << k;
		/* a section's own value replaces the default */
		switch (k) {
		case K_STRATEGY:
			s->nstrat = 0;
			break;
		case K_MEM:
			s->nmem = 0;
			break;
		case K_RODATA:
			s->nrodata = 0;
			break;
		default:
			if (k >= K_EXTRA)
				s->extra[k - K_EXTRA].n = 0;
		}
		if (!n)
			return perr(ps, "'%s' has no value", name);
	} else if (k != K_STRATEGY && k != K_MEM && k != K_RODATA &&
		   k < K_EXTRA) {
		return perr(ps, "'%s' takes one value: it cannot continue "
			    "on the next line", name);
	}

	for (unsigned int i = 0; i < n && !ret; i++) {
		switch (k) {
		case K_STRATEGY:
			ret = add_strategy(ps, s, tok[i]);
			break;
		case K_MEM:
			ret = add_mem(ps, s, tok[i]);
			break;
		case K_RODATA:
			ret = add_rodata(ps, s, tok[i]);
			break;
		case K_REPEAT:
			ret = one_value(ps, name, tok, n) ?:
			      parse_uint(ps, name, tok[i], 1, 1000,
					 &s->repeat);
			break;
		case K_WARMUP:
			ret = one_value(ps, name, tok, n) ?:
			      parse_uint(ps, name, tok[i], 0, 100, &s->warmup);
			break;
		case K_TIMEOUT:
			ret = one_value(ps, name, tok, n) ?:
			      parse_uint(ps, name, tok[i], 1, 86400,
					 &s->timeout);
			break;
		case K_ACCEL:
			ret = one_value(ps, name, tok, n);
			if (ret)
				break;
			if (!strcmp(tok[i], "auto"))
				s->accel = -1;
			else if (!strcmp(tok[i], "kvm"))
				s->accel = MB_ACCEL_KVM;
			else if (!strcmp(tok[i], "tcg"))
				s->accel = MB_ACCEL_TCG;
			else
				ret = perr(ps, "accel '%s' is not auto, kvm "
					   "or tcg", tok[i]);
			break;
		case K_DETERMINISTIC:
			ret = one_value(ps, name, tok, n) ?:
			      parse_bool(ps, name, tok[i], &s->deterministic);
			break;
		case K_FORCE_BBML2:
			ret = one_value(ps, name, tok, n) ?:
			      parse_bool(ps, name, tok[i], &s->force_bbml2);
			break;
		default:
			ret = add_extra(ps, &s->extra[k - K_EXTRA], tok[i]);
		}
	}
	return ret;
}

static unsigned int split(char *s, char **tok, unsigned int max)
{
	unsigned int n = 0;

	for (char *t = strtok(s, " \t\r"); t; t = strtok(NULL, " \t\r")) {
		if (n == max)
			return max + 1;
		tok[n++] = t;
	}
	return n;
}

static void section_defaults(struct mb_section *s)
{
	memset(s, 0, sizeof(*s));
	s->repeat = 1;
	s->accel = -1;
	for (unsigned int i = 0; i < MB_CFG_MAX_EXTRA; i++)
		s->extra[i].key = mb_extra_option(i);
}

/* Every granule x VA size of the section is one the kernel offers. */
static int check_granules(struct parser *ps, const struct mb_section *s,
			  const char *name)
{
	const struct mb_cfg_extra *g = &s->extra[MB_EXTRA_GRANULE];
	const struct mb_cfg_extra *va = &s->extra[MB_EXTRA_VA_BITS];

	for (unsigned int i = 0; i < (g->n ? g->n : 1); i++)
		for (unsigned int j = 0; j < (va->n ? va->n : 1); j++) {
			int shift = g->n ? mb_granule_parse(g->val[i]) : 12;
			unsigned int bits = va->n ?
				(unsigned int)atoi(va->val[j]) : 48;

			if (mb_va_bits_valid(shift, bits))
				continue;
			return perr(ps, "%s%s%sgranule %s with va_bits %u: "
				    "the kernel offers %s (a section per "
				    "granule)", name[0] ? "[" : "", name,
				    name[0] ? "]: " : "",
				    mb_granule_name(shift), bits,
				    mb_va_bits_list(shift));
		}
	return 0;
}

void mb_point_granule(const struct mb_point *pt, unsigned int *page_shift,
		      unsigned int *va_bits)
{
	const char *g = pt->extra[MB_EXTRA_GRANULE];
	const char *va = pt->extra[MB_EXTRA_VA_BITS];

	*page_shift = g ? (unsigned int)mb_granule_parse(g) : 12;
	*va_bits = va ? (unsigned int)atoi(va) : 48;
}

bool mb_point_forced(const struct mb_point *pt)
{
	return pt->sec->force_bbml2 &&
	       mb_strategy_needs_bbml2((unsigned int)pt->strategy);
}

static int finish_section(struct parser *ps, struct mb_section *s)
{
	/* line 0: the file's only, unnamed matrix */
	const char *name = s->line ? s->name : "";

	ps->line = s->line;
	if (!s->nmem)
		return perr(ps, "%s%s%sno 'mem' sizes given",
			    name[0] ? "[" : "", name, name[0] ? "]: " : "");
	if (!s->nstrat)
		s->strat[s->nstrat++] = MB_STRAT_base;
	if (!s->nrodata)
		s->rodata[s->nrodata++] = MB_RODATA_FULL;
	if (s->deterministic && s->accel == MB_ACCEL_KVM)
		return perr(ps, "%s%s%sdeterministic needs accel tcg (QEMU "
			    "icount), not kvm", name[0] ? "[" : "", name,
			    name[0] ? "]: " : "");
	return check_granules(ps, s, name);
}

static int parse_header(struct parser *ps, char *p, struct mb_matrix_cfg *c,
			const struct mb_section *defaults)
{
	char *end = strchr(p, ']');
	struct mb_section *s;
	size_t len;

	if (!end || end[1 + strspn(end + 1, " \t\r")])
		return perr(ps, "a section header is '[name]' alone on its "
			    "line");
	*end = '\0';
	p++;
	len = strlen(p);
	if (!len || len >= MB_CFG_NAMELEN ||
	    strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_.-") != len)
		return perr(ps, "section name '%s' is not 1..%d of "
			    "[A-Za-z0-9_.-]", p, MB_CFG_NAMELEN - 1);
	for (unsigned int i = 0; i < c->nsec; i++)
		if (!strcmp(c->sec[i].name, p))
			return perr(ps, "section [%s] given twice (first at "
				    "line %u)", p, c->sec[i].line);
	if (c->nsec == MAX_SECTIONS)
		return perr(ps, "more than %d sections", MAX_SECTIONS);
	s = &c->sec[c->nsec++];
	*s = *defaults;
	s->set = 0;
	s->line = ps->line;
	strcpy(s->name, p);
	return 0;
}

int mb_config_parse_text(const char *name, const char *text,
			 struct mb_matrix_cfg *c, char *err, size_t errlen)
{
	struct parser ps = { .file = name, .err = err, .errlen = errlen };
	struct mb_section defaults, *cur = &defaults;
	char line[MAX_LINE + 2], *tok[MB_CFG_MAX_VALUES * 2 + 2];
	const char *p = text;
	int last_key = -1;
	size_t n;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", name);
	c->sec = calloc(MAX_SECTIONS, sizeof(*c->sec));
	if (!c->sec)
		return perr(&ps, "out of memory");
	section_defaults(&defaults);

	while (*p) {
		char *s, *eq, *key;
		unsigned int ntok;
		int k;

		ps.line++;
		n = strcspn(p, "\n");
		if (n > MAX_LINE)
			return perr(&ps, "line longer than %d characters",
				    MAX_LINE);
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (p[n] == '\n');
		if (strchr(line, '#'))
			*strchr(line, '#') = '\0';
		for (s = line; *s; s++)
			if ((unsigned char)*s < 0x20 && *s != '\t' &&
			    *s != '\r')
				return perr(&ps, "control character in line");
		s = line + strspn(line, " \t\r");
		if (!*s)
			continue;
		if (s != line) {	/* indented: continues the last key */
			if (last_key < 0)
				return perr(&ps, "indented line continues no "
					    "key");
			ntok = split(s, tok, MB_CFG_MAX_VALUES * 2);
			if (ntok > MB_CFG_MAX_VALUES * 2)
				return perr(&ps, "too many values");
			if (set_key(&ps, cur, last_key, tok, ntok, true))
				return -1;
			continue;
		}
		if (*s == '[') {
			if (parse_header(&ps, s, c, &defaults))
				return -1;
			cur = &c->sec[c->nsec - 1];
			last_key = -1;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq)
			return perr(&ps, "expected 'key = values' or "
				    "'[section]'");
		*eq = '\0';
		key = strtok(s, " \t\r");
		if (!key || strtok(NULL, " \t\r"))
			return perr(&ps, "expected one key before '='");
		k = lookup_key(&ps, key);
		if (k < 0)
			return -1;
		ntok = split(eq + 1, tok, MB_CFG_MAX_VALUES * 2);
		if (ntok > MB_CFG_MAX_VALUES * 2)
			return perr(&ps, "too many values");
		if (set_key(&ps, cur, k, tok, ntok, false))
			return -1;
		last_key = k;
	}
	if (!c->nsec) {
		/* no sections: the defaults are the one matrix */
		const char *base = strrchr(name, '/');
		size_t len;

		base = base ? base + 1 : name;
		len = strcspn(base, ".");
		c->sec[0] = defaults;
		c->sec[0].line = 0;
		snprintf(c->sec[0].name, sizeof(c->sec[0].name), "%.*s",
			 (int)(len < MB_CFG_NAMELEN ? len : MB_CFG_NAMELEN - 1),
			 base);
		c->nsec = 1;
	}
	for (unsigned int i = 0; i < c->nsec; i++)
		if (finish_section(&ps, &c->sec[i]))
			return -1;
	return 0;
}

int mb_config_parse(const char *path, struct mb_matrix_cfg *cfg, char *err,
		    size_t errlen)
{
	size_t n;
	char *text = mb_read_file(path, 1 << 20, &n);
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	if (!text) {
		snprintf(err, errlen, "cannot read config %s: %s", path,
			 errno == EFBIG ? "larger than 1 MiB" :
			 strerror(errno));
		return -1;
	}
	if (strlen(text) != n) {
		snprintf(err, errlen, "%s: NUL byte: not a text file", path);
		free(text);
		return -1;
	}
	ret = mb_config_parse_text(path, text, cfg, err, errlen);
	free(text);
	if (ret)
		mb_config_free(cfg);
	return ret;
}

void mb_config_free(struct mb_matrix_cfg *cfg)
{
	free(cfg->sec);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- points ---------------------------------------------------------- */

static void point_key(struct mb_point *pt)
{
	const struct mb_section *s = pt->sec;
	char size[32];
	size_t len;

	mb_format_size(pt->mem, size, sizeof(size));
	len = snprintf(pt->key, sizeof(pt->key), "strategy=%s mem=%s "
		       "rodata=%s", mb_strategy_name(pt->strategy), size,
		       mb_rodata_name(pt->rodata));
	for (unsigned int i = 0; i < MB_CFG_MAX_EXTRA; i++)
		if (pt->extra[i] && len < sizeof(pt->key))
			len += snprintf(pt->key + len, sizeof(pt->key) - len,
					" %s=%s", mb_extra_option(i), pt->extra[i]);
	if (s->accel >= 0 && len < sizeof(pt->key))
		len += snprintf(pt->key + len, sizeof(pt->key) - len,
				" accel=%s", s->accel == MB_ACCEL_KVM ?
				"kvm" : "tcg");
	if (s->deterministic && len < sizeof(pt->key))
		len += snprintf(pt->key + len, sizeof(pt->key) - len,
				" deterministic");
	if (mb_point_forced(pt) && len < sizeof(pt->key))
		snprintf(pt->key + len, sizeof(pt->key) - len, " force_bbml2");
}

struct mb_point *mb_config_points(const struct mb_matrix_cfg *cfg,
				  size_t *np, char *err, size_t errlen)
{
	struct mb_point *v = NULL;
	size_t n = 0, cap = 0;

	for (unsigned int si = 0; si < cfg->nsec; si++) {
		const struct mb_section *s = &cfg->sec[si];
		unsigned int odo[MB_CFG_MAX_EXTRA] = { 0 };

		/*
		 * Sizes outermost, strategies innermost: an interrupted
		 * matrix has whole table columns, not whole rows.
		 */
		for (unsigned int mi = 0; mi < s->nmem; mi++)
		for (unsigned int ri = 0; ri < s->nrodata; ri++)
		for (bool more = true; more;) {
			for (unsigned int ti = 0; ti < s->nstrat; ti++) {
				struct mb_point *pt;

				if (n == cap) {
					struct mb_point *nv;

					cap = cap ? cap * 2 : 64;
					nv = realloc(v, cap * sizeof(*v));
					if (!nv || n >= MAX_POINTS) {
						free(nv ? nv : v);
						snprintf(err, errlen, "%s: %s",
							 cfg->path, nv ?
							 "too many points" :
							 "out of memory");
						return NULL;
					}
					v = nv;
				}
				pt = &v[n];
				memset(pt, 0, sizeof(*pt));
				pt->sec = s;
				pt->strategy = s->strat[ti];
				pt->rodata = s->rodata[ri];
				pt->mem = s->mem[mi];
				for (unsigned int e = 0; e < MB_CFG_MAX_EXTRA;
				     e++)
					if (s->extra[e].n)
						pt->extra[e] =
							s->extra[e].val[odo[e]];
				point_key(pt);
				for (size_t j = 0; j < n; j++) {
					if (strcmp(v[j].key, pt->key))
						continue;
					snprintf(err, errlen, "%s:%u: [%s] "
						 "repeats the point '%s' of "
						 "[%s]", cfg->path, s->line,
						 s->name, pt->key,
						 v[j].sec->name);
					free(v);
					return NULL;
				}
				n++;
			}
			/* next combination of the extra axes */
			more = false;
			for (unsigned int e = 0; e < MB_CFG_MAX_EXTRA; e++) {
				if (!s->extra[e].n)
					continue;
				if (++odo[e] < s->extra[e].n) {
					more = true;
					break;
				}
				odo[e] = 0;
			}
		}
	}
	*np = n;
	return v;
}
