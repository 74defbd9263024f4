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

#include <mapbench/abi.h>

#include "util.h"
#include "map.h"

/* Descriptor bits the walk looks at (arch/arm64/include/asm/pgtable-hwdef.h) */
#define KC_DESC_VALID		(1ULL << 0)
#define KC_DESC_TABLE		(1ULL << 1)

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
		   &count, &extra) != 5 || level < -1 || level > 3 || !count)
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

/* ---- the geometry of a TTBR1 tree ------------------------------------ */

/* Bits [hi:lo] set. */
static uint64_t bits(unsigned int hi, unsigned int lo)
{
	return (~0ULL >> (63 - hi)) & (~0ULL << lo);
}

int kc_geom_init(struct kc_geom *g, unsigned int page_shift,
		 unsigned int va_bits, bool ds, char *err, size_t errlen)
{
	unsigned int bpl, levels;

	memset(g, 0, sizeof(*g));
	if (page_shift != 12 && page_shift != 14 && page_shift != 16)
		return mb_errf(MB_EXIT_GUEST, err, errlen,
			       "a page size of 2^%u bytes is not an arm64 granule",
			       page_shift);
	if (va_bits < 36 || va_bits > 52)
		return mb_errf(MB_EXIT_GUEST, err, errlen,
			       "a %u-bit kernel VA space is not one Linux uses",
			       va_bits);
	/* levels as ARM64_HW_PGTABLE_LEVELS(): ceil((va - shift) / bpl) */
	bpl = page_shift - 3;
	levels = (va_bits - page_shift + bpl - 1) / bpl;
	/* five levels, a root at level -1: 4K pages at 52-bit VA, which
	 * only LPA2 descriptors (TCR_EL1.DS) give */
	if (levels > 5 || (levels == 5 && !ds))
		return mb_errf(MB_EXIT_GUEST, err, errlen,
			       "%u-bit VA with %u KiB pages%s is not a translation regime arm64 has",
			       va_bits, 1u << (page_shift - 10),
			       ds ? "" : " without LPA2");
	g->page_shift = page_shift;
	g->va_bits = va_bits;
	g->lpa2 = ds;
	g->start_level = 4 - levels;
	g->entries = 1u << bpl;
	g->root_entries = 1u << (va_bits - kc_level_shift(g, g->start_level));
	/* memory.h: PAGE_OFFSET and PAGE_END = _PAGE_END(VA_BITS_MIN) */
	g->linear_start = -(1ULL << va_bits);
	g->linear_end = -(1ULL << ((va_bits > 48 ? (page_shift == 14 ?
						     47 : 48) : va_bits) - 1));
	if (ds)		/* FEAT_LPA2: OA[51:50] in bits 9:8 */
		g->addr_mask = bits(49, page_shift) | bits(9, 8);
	else if (page_shift == 16)	/* FEAT_LPA: OA[51:48] in 15:12 */
		g->addr_mask = bits(47, 16) | bits(15, 12);
	else
		g->addr_mask = bits(47, page_shift);
	return 0;
}

int kc_geom_from_tcr(uint64_t tcr, struct kc_geom *g, char *err,
		     size_t errlen)
{
	unsigned int tg1 = (tcr >> 30) & 3, t1sz = (tcr >> 16) & 63;
	static const unsigned int shift[4] = { 0, 14, 12, 16 };

	if (!shift[tg1])
		return mb_errf(MB_EXIT_GUEST, err, errlen,
			       "TCR_EL1 0x%" PRIx64 ": a reserved TG1", tcr);
	return kc_geom_init(g, shift[tg1], 64 - t1sz, (tcr >> 59) & 1, err,
			    errlen);
}

unsigned int kc_level_shift(const struct kc_geom *g, int level)
{
	return g->page_shift + (3 - level) * (g->page_shift - 3);
}

/* A next-level table's address in a table descriptor. */
static uint64_t table_pa(const struct kc_geom *g, uint64_t d)
{
	if (g->lpa2)
		return (d & bits(49, g->page_shift)) | ((d >> 8) & 3) << 50;
	if (g->page_shift == 16)
		return (d & bits(47, 16)) | ((d >> 12) & 15) << 48;
	return d & bits(47, g->page_shift);
}

/* ---- reading the kernel's tables --------------------------------------- */

struct page_cache {
	const struct kc_geom *g;
	uint64_t *pa;
	uint64_t *data;		/* g->entries descriptors a page */
	size_t nr, cap;
	kc_page_reader rd;
	void *ctx;
};

static const uint64_t *cache_get(const struct page_cache *c, uint64_t pa)
{
	for (size_t i = c->nr; i--; )
		if (c->pa[i] == pa)
			return c->data + i * c->g->entries;
	return NULL;
}

static int cache_load(struct page_cache *c, uint64_t pa)
{
	size_t page = c->g->entries * sizeof(uint64_t);

	if (cache_get(c, pa))
		return 0;
	if (c->nr == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		uint64_t *p = realloc(c->pa, cap * sizeof(*p));
		uint64_t *d;

		if (!p)
			return -1;
		c->pa = p;
		d = realloc(c->data, cap * page);
		if (!d)
			return -1;
		c->data = d;
		c->cap = cap;
	}
	if (c->rd(c->ctx, pa, c->data + c->nr * c->g->entries, page))
		return -1;
	c->pa[c->nr++] = pa;
	return 0;
}

static int prefetch(struct page_cache *c, uint64_t pa, int level,
		    unsigned int last)
{
	const uint64_t *t;

	if (cache_load(c, pa))
		return -1;
	t = cache_get(c, pa);
	for (unsigned int i = 0; i <= last && level < 3; i++) {
		uint64_t d = t[i];

		if ((d & KC_DESC_VALID) && (d & KC_DESC_TABLE) &&
		    prefetch(c, table_pa(c->g, d), level + 1,
			     c->g->entries - 1))
			return -1;
		t = cache_get(c, pa);	/* the cache may have moved */
	}
	return 0;
}

/*
 * The walk: guest/maprun.h and guest/digest.h at any granule, VA size
 * and start level (levels numbered as the architecture does, a root of
 * 16K pages at 47-bit VA is level 1), over the linear map [PAGE_OFFSET,
 * PAGE_END): the first half of the root's entries up to 48-bit VA; at
 * 52 bits PAGE_END is _PAGE_END(VA_BITS_MIN) and the root's top entry
 * is only partly linear: it is left out whole (it holds the kernel
 * image and the fixmap), as the guest's LINEAR_PGD_LAST does.  Bit for
 * bit the guest's at every granule and VA size.
 */
struct walk {
	const struct page_cache *c;
	struct kc_map *m;
	struct kc_run cur;
	uint64_t h;
	int failed;
};

static void run_add(struct walk *w, uint64_t va, int level, int table,
		    uint64_t desc)
{
	struct kc_run *c = &w->cur;
	uint64_t step = 1ULL << kc_level_shift(w->c->g, level);

	if (c->count && c->level == level && c->table == table &&
	    va == c->va + c->count * step &&
	    desc == c->desc + (table ? 0 : c->count * step)) {
		c->count++;
		return;
	}
	if (c->count && kc_map_add(w->m, c))
		w->failed = 1;
	*c = (struct kc_run){
		.va = va, .desc = desc, .count = 1, .level = level,
		.table = table,
	};
}

static void walk_table(struct walk *w, uint64_t pa, int level, uint64_t va,
		       unsigned int last)
{
	const struct kc_geom *g = w->c->g;
	const uint64_t *t = cache_get(w->c, pa);

	for (unsigned int i = 0; t && i <= last; i++) {
		uint64_t d = t[i];
		uint64_t a = va | ((uint64_t)i << kc_level_shift(g, level));

		if (!(d & KC_DESC_VALID) || a >= g->linear_end)
			continue;
		/* level in the top byte, the VA's low VA_BITS, as
		 * guest/digest.h */
		w->h = mb_fnv1a_u64(w->h, ((uint64_t)level << 56) |
				    (a & ((1ULL << g->va_bits) - 1)));
		if (level < 3 && (d & KC_DESC_TABLE)) {
			uint64_t attrs = d & ~g->addr_mask;

			w->h = mb_fnv1a_u64(w->h, attrs);
			run_add(w, a, level, 1, attrs);
			walk_table(w, table_pa(g, d), level + 1, a,
				   g->entries - 1);
		} else {
			w->h = mb_fnv1a_u64(w->h, d);
			run_add(w, a, level, 0, d);
		}
	}
}

int kc_map_read(kc_page_reader rd, void *ctx, const struct kc_geom *g,
		uint64_t root_pa, struct kc_map *m, char *err, size_t errlen)
{
	struct page_cache c = { .g = g, .rd = rd, .ctx = ctx };
	/* the root's entries wholly inside [PAGE_OFFSET, PAGE_END), as
	 * guest/pgtable.h's LINEAR_PGD_LAST: with LPA2 the last one is
	 * shared with the image and the fixmap, and left out */
	unsigned int last = ((g->linear_end - g->linear_start) >>
			     kc_level_shift(g, g->start_level)) - 1;
	struct walk w = { .c = &c, .m = m, .h = MB_FNV_OFFSET };
	int ret = 0;

	if (prefetch(&c, root_pa, g->start_level, last)) {
		ret = mb_errf(MB_EXIT_VMM, err, errlen,
			      "cannot read the kernel's page tables (root 0x%" PRIx64 ")",
			      root_pa);
		goto out;
	}
	walk_table(&w, root_pa, g->start_level, g->linear_start, last);
	if (w.cur.count && kc_map_add(m, &w.cur))
		w.failed = 1;
	if (w.failed)
		ret = mb_errf(MB_EXIT_VMM, err, errlen, "out of memory");
	m->digest = w.h;
	m->tables = c.nr;
out:
	free(c.pa);
	free(c.data);
	return ret;
}
