// SPDX-License-Identifier: GPL-2.0-only
/*
 * The table `mapbench explain --fit` reads: map_mem() times in ms, rows
 * strategies, columns "MACHINE SIZE" (e.g. "Altra VM 256G"), as a
 * cover letter prints them -- markdown ("| base | 151 (0%) | ...",
 * separator rows skipped, "(delta%)" ignored) or CSV.  '#' lines and
 * blank lines are comments; an empty or "-" cell is no measurement.
 * Input is untrusted: every error is one line naming file and line.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* "Altra VM 256G" -> machine "Altra VM", 256 GiB */
static int split_header(const char *h, char *mach, size_t mlen,
			uint64_t *mem)
{
	const char *sp = strrchr(h, ' ');
	const char *sz = sp ? sp + 1 : h;
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(sz, &end, 10);
	if (errno || end == sz || !v || v > (1ULL << 20) ||
	    (strcmp(end, "G") && strcmp(end, "GB") && strcmp(end, "GiB")))
		return -1;
	*mem = (uint64_t)v << 30;
	snprintf(mach, mlen, "%.*s", sp ? (int)(sp - h) : 0, h);
	return 0;
}

/* "151", "151 (0%)", "1.5" -> ms; "" or "-" -> empty (-1) */
static int parse_cell(const char *s, double *ms)
{
	char *end;

	if (!*s || !strcmp(s, "-")) {
		*ms = -1;
		return 0;
	}
	errno = 0;
	*ms = strtod(s, &end);
	if (errno || end == s || !isfinite(*ms) || *ms <= 0 || *ms > 1e9)
		return -1;
	end = trim(end);
	if (*end && *end != '(')
		return -1;
	return 0;
}

/* Split a line into cells at sep; '|' lines lose the outer bars. */
static size_t cells(char *line, char sep, char **v, size_t max)
{
	size_t n = 0;
	char *p = line, *q;

	if (sep == '|') {
		p = strchr(p, '|') + 1;
		q = strrchr(p, '|');
		if (q && !*trim(q + 1))
			*q = '\0';
	}
	for (;;) {
		q = strchr(p, sep);
		if (q)
			*q = '\0';
		if (n == max)
			return max + 1;
		v[n++] = trim(p);
		if (!q)
			return n;
		p = q + 1;
	}
}

int mb_fit_table_read(FILE *f, const char *path, struct mb_fit_table *t,
		      char *err, size_t errlen)
{
	char line[1024], *v[MB_FIT_MAX_COLS + 2];
	unsigned int ln = 0;
	size_t n;
	bool head = false;

	memset(t, 0, sizeof(*t));
	while (fgets(line, sizeof(line), f)) {
		char *s, sep;

		ln++;
		if (!strchr(line, '\n') && !feof(f)) {
			return mb_errf(-1, err, errlen,
				       "%s:%u: line too long", path, ln);
		}
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		sep = *s == '|' ? '|' : ',';
		if (sep == '|' && strspn(s, "|-: ") == strlen(s))
			continue;		/* |---|---| */
		n = cells(s, sep, v, MB_FIT_MAX_COLS + 1);
		if (n < 2 || n > MB_FIT_MAX_COLS + 1) {
			return mb_errf(-1, err, errlen,
				       "%s:%u: not a table row (2 to %d cells)",
				       path, ln, MB_FIT_MAX_COLS + 1);
		}
		if (!head) {
			for (size_t i = 1; i < n; i++) {
				if (strlen(v[i]) >= sizeof(t->col[0]) ||
				    split_header(v[i], t->mach[i - 1],
						 sizeof(t->mach[0]),
						 &t->mem[i - 1])) {
					return mb_errf(-1, err, errlen,
						       "%s:%u: column '%.40s' "
						       "does not end in a size "
						       "like 64G", path, ln,
						       v[i]);
				}
				strcpy(t->col[i - 1], v[i]);
			}
			t->ncols = n - 1;
			head = true;
			continue;
		}
		if (n != t->ncols + 1 || t->nrows == MB_FIT_MAX_ROWS ||
		    !*v[0] || strlen(v[0]) >= sizeof(t->row[0])) {
			return mb_errf(-1, err, errlen, "%s:%u: %s", path, ln,
				       n != t->ncols + 1 ?
				       "row has a different number of cells "
				       "than the header" :
				       t->nrows == MB_FIT_MAX_ROWS ?
				       "too many rows" :
				       "row has no strategy name");
		}
		strcpy(t->row[t->nrows], v[0]);
		for (size_t i = 1; i < n; i++)
			if (parse_cell(v[i], &t->ms[t->nrows][i - 1])) {
				return mb_errf(-1, err, errlen,
					       "%s:%u: '%.40s' is not a time "
					       "in ms", path, ln, v[i]);
			}
		t->nrows++;
	}
	if (ferror(f)) {
		return mb_errf(-1, err, errlen, "%s: read error", path);
	}
	if (!t->nrows)
		return mb_errf(-1, err, errlen, "%s: no table rows", path);
	return 0;
}

int mb_fit_table_load(const char *path, struct mb_fit_table *t, char *err,
		      size_t errlen)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f)
		return mb_errf(-1, err, errlen, "cannot read %s: %s", path,
			       strerror(errno));
	ret = mb_fit_table_read(f, path, t, err, errlen);
	fclose(f);
	return ret;
}
