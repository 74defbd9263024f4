// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM description and top-down page allocator (see memblock.h).
 * Pure C: also built into the unit tier.
 */
#include "compiler.h"
#include "memblock.h"
#include "pgtable.h"

const char *memblock_init(struct mb_memblock *m, const struct mb_bank *b,
			  unsigned int nr)
{
	unsigned int i;

	*m = (struct mb_memblock){ 0 };
	if (nr == 0 || nr > MB_MAX_BANKS)
		return "bank count out of range";
	for (i = 0; i < nr; i++) {
		u64 end = b[i].base + b[i].size;

		if (b[i].size == 0 || (b[i].base | b[i].size) & ~PAGE_MASK)
			return "bank not page aligned or empty";
		if (end < b[i].base || end > (MB_UL(1) << 48))
			return "bank beyond 48-bit PA";
		if (i && b[i].base < b[i - 1].base + b[i - 1].size)
			return "banks unsorted or overlapping";
		m->mem[i] = b[i];
	}
	m->nr_mem = nr;
	/* The linear map must fit [PAGE_OFFSET, PAGE_END). */
	if (memblock_end(m) - (memblock_start(m) & ~(MEMSTART_ALIGN - 1)) >
	    PAGE_END - PAGE_OFFSET)
		return "RAM span larger than the linear map";
	m->cur = nr - 1;
	m->top = m->mem[m->cur].base + m->mem[m->cur].size;
	m->low = m->top;
	return 0;
}

int memblock_reserve(struct mb_memblock *m, u64 base, u64 size)
{
	if (m->nr_rsv == MB_MAX_RESERVED)
		return -1;
	m->rsv[m->nr_rsv].base = base & PAGE_MASK;
	m->rsv[m->nr_rsv].size = ((base + size + PAGE_SIZE - 1) & PAGE_MASK) -
				 (base & PAGE_MASK);
	m->nr_rsv++;
	return 0;
}

static const struct mb_bank *reserved_at(const struct mb_memblock *m, u64 pa)
{
	for (unsigned int i = 0; i < m->nr_rsv; i++)
		if (pa >= m->rsv[i].base &&
		    pa - m->rsv[i].base < m->rsv[i].size)
			return &m->rsv[i];
	return 0;
}

void memblock_free_page(struct mb_memblock *m, u64 pa)
{
	if (m->nr_freed < MB_MAX_FREED)
		m->freed[m->nr_freed++] = pa;
	m->pages--;
}

u64 memblock_alloc_page(struct mb_memblock *m)
{
	const struct mb_bank *r;

	if (m->nr_freed) {
		m->pages++;
		return m->freed[--m->nr_freed];
	}

	while (m->cur >= 0) {
		const struct mb_bank *b = &m->mem[m->cur];

		if (m->top - b->base < PAGE_SIZE || m->top <= b->base) {
			if (--m->cur >= 0)
				m->top = m->mem[m->cur].base +
					 m->mem[m->cur].size;
			continue;
		}
		r = reserved_at(m, m->top - PAGE_SIZE);
		if (r) {
			/* skip the whole reserved range below the cursor */
			m->top = r->base > b->base ? r->base : b->base;
			continue;
		}
		m->top -= PAGE_SIZE;
		m->pages++;
		if (m->top < m->low)
			m->low = m->top;
		return m->top;
	}
	return 0;
}

u64 memblock_alloc_range(struct mb_memblock *m, u64 size)
{
	size = (size + PAGE_SIZE - 1) & PAGE_MASK;
	while (m->cur >= 0) {
		const struct mb_bank *b = &m->mem[m->cur];
		const struct mb_bank *r = 0;
		u64 lo = m->top - size;

		if (m->top - b->base < size) {
			if (--m->cur >= 0)
				m->top = m->mem[m->cur].base +
					 m->mem[m->cur].size;
			continue;
		}
		for (unsigned int i = 0; i < m->nr_rsv; i++)
			if (m->rsv[i].base < m->top &&
			    m->rsv[i].base + m->rsv[i].size > lo)
				r = &m->rsv[i];
		if (r) {
			m->top = r->base > b->base ? r->base : b->base;
			continue;
		}
		m->top = lo;
		m->pages += size >> PAGE_SHIFT;
		if (lo < m->low)
			m->low = lo;
		return lo;
	}
	return 0;
}

unsigned int memblock_map_ranges(const struct mb_memblock *m,
				 const struct mb_bank *nomap, unsigned int nn,
				 struct mb_bank *out, unsigned int max)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < m->nr_mem; i++) {
		u64 s = m->mem[i].base, e = s + m->mem[i].size;

		for (j = 0; j < nn && s < e; j++) {
			u64 ns = nomap[j].base, ne = ns + nomap[j].size;

			if (!nomap[j].size || ne <= s || ns >= e)
				continue;
			if (ns > s && n < max)
				out[n++] = (struct mb_bank){ s, ns - s };
			s = ne;
		}
		if (s < e && n < max)
			out[n++] = (struct mb_bank){ s, e - s };
	}
	return n;
}

u64 memblock_start(const struct mb_memblock *m)
{
	return m->mem[0].base;
}

u64 memblock_end(const struct mb_memblock *m)
{
	return m->mem[m->nr_mem - 1].base + m->mem[m->nr_mem - 1].size;
}
