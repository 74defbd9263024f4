// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linear maps as runs (guest/maprun.h): the kernel's, read back from its
 * page tables, and mapbench's, parsed from the guest's MBMAP lines; and
 * their comparison, run by run, which is descriptor by descriptor.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapbench.h"
#include "kcheck.h"
#include "../guest/maprun.h"

int kc_map_add(struct kc_map *m, const struct kc_run *r)
{
	if (m->nr == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		struct kc_run *n = realloc(m->runs, cap * sizeof(*n));

		if (!n)
			return -1;
		m->runs = n;
		m->cap = cap;
	}
	m->runs[m->nr++] = *r;
	return 0;
}

void kc_map_free(struct kc_map *m)
{
	free(m->runs);
	memset(m, 0, sizeof(*m));
}

int kc_map_parse_line(struct kc_map *m, const char *line)
{
	struct kc_run r = { 0 };
	char tag[8], extra;
	unsigned long long va, desc, count;
	int level;

	if (strncmp(line, "MBMAP ", 6) && strncmp(line, "MBTBL ", 6))
		return 0;
	if (sscanf(line, "%5s %llx %d %llx %llu %c", tag, &va, &level, &desc,
		   &count, &extra) != 5 || level < 0 || level > 3 || !count)
		return -1;
	r.va = va;
	r.level = level;
	r.desc = desc;
	r.count = count;
	r.table = !strcmp(tag, "MBTBL");
	if (r.table && level == 3)
		return -1;
	return kc_map_add(m, &r) ? -1 : 1;
}

void kc_run_format(const struct kc_run *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s va 0x%016" PRIx64 " L%d %s 0x%016" PRIx64
		 " x%" PRIu64, r->table ? "table" : "leaf ", r->va, r->level,
		 r->table ? "attrs" : "desc ", r->desc, r->count);
}

int kc_map_compare(const struct kc_map *a, const struct kc_map *b,
		   char *buf, size_t len, uint64_t *ndiff)
{
	size_t o = 0, n = a->nr > b->nr ? a->nr : b->nr;
	uint64_t diffs = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct kc_run *x = i < a->nr ? &a->runs[i] : NULL;
		const struct kc_run *y = i < b->nr ? &b->runs[i] : NULL;
		char sx[96] = "(none)", sy[96] = "(none)";

		if (x && y && !memcmp(x, y, sizeof(*x)))
			continue;
		if (diffs++ >= 4 || o >= len)
			continue;
		if (x)
			kc_run_format(x, sx, sizeof(sx));
		if (y)
			kc_run_format(y, sy, sizeof(sy));
		o += snprintf(buf + o, len - o,
			      "  run %zu: kernel   %s\n  run %zu: mapbench %s\n",
			      i, sx, i, sy);
	}
	if (ndiff)
		*ndiff = diffs;
	return diffs ? -1 : 0;
}

/* ---- reading the kernel's tables --------------------------------------- */

struct page_cache {
	uint64_t *pa;
	uint64_t (*data)[512];
	size_t nr, cap;
	kc_page_reader rd;
	void *ctx;
	int failed;
};

static const uint64_t *cache_get(const struct page_cache *c, uint64_t pa)
{
	for (size_t i = c->nr; i--; )
		if (c->pa[i] == pa)
			return c->data[i];
	return NULL;
}

static int cache_load(struct page_cache *c, uint64_t pa)
{
	if (cache_get(c, pa))
		return 0;
	if (c->nr == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		uint64_t *p = realloc(c->pa, cap * sizeof(*p));
		uint64_t (*d)[512];

		if (!p)
			return -1;
		c->pa = p;
		d = realloc(c->data, cap * sizeof(*d));
		if (!d)
			return -1;
		c->data = d;
		c->cap = cap;
	}
	if (c->rd(c->ctx, pa, c->data[c->nr]))
		return -1;
	c->pa[c->nr++] = pa;
	return 0;
}

static int prefetch(struct page_cache *c, uint64_t pa, int level, int last)
{
	const uint64_t *t;

	if (cache_load(c, pa))
		return -1;
	t = cache_get(c, pa);
	for (int i = 0; i <= last && level < 3; i++) {
		uint64_t d = t[i];

		if ((d & PTE_VALID) && (d & PTE_TABLE_BIT) &&
		    prefetch(c, d & PTE_ADDR_MASK, level + 1, 511))
			return -1;
		t = cache_get(c, pa);	/* the cache may have moved */
	}
	return 0;
}

static uint64_t cache_desc(const void *ctx, uint64_t pa, int idx)
{
	const uint64_t *t = cache_get(ctx, pa);

	return t ? t[idx] : 0;
}

static void emit_run(void *ctx, const struct mb_maprun *r)
{
	struct kc_map *m = ctx;
	struct kc_run k = {
		.va = r->va, .desc = r->desc, .count = r->count,
		.level = r->level, .table = r->table,
	};

	if (kc_map_add(m, &k))
		m->tables = UINT64_MAX;		/* marks the failure */
}

int kc_map_read(kc_page_reader rd, void *ctx, uint64_t root_pa,
		struct kc_map *m, char *err, size_t errlen)
{
	struct page_cache c = { .rd = rd, .ctx = ctx };
	int ret = 0;

	if (prefetch(&c, root_pa, 0, 255)) {
		ret = mb_errf(MB_EXIT_VMM, err, errlen,
			      "cannot read the kernel's page tables (root 0x%" PRIx64 ")",
			      root_pa);
		goto out;
	}
	m->digest = mb_digest_root(cache_desc, &c, root_pa);
	m->tables = 0;
	mb_maprun_root(cache_desc, &c, root_pa, emit_run, m);
	if (m->tables == UINT64_MAX)
		ret = mb_errf(MB_EXIT_VMM, err, errlen, "out of memory");
	m->tables = c.nr;
out:
	free(c.pa);
	free(c.data);
	return ret;
}
