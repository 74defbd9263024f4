// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM description and top-down page allocator (see memblock.h).
 * Pure C: also built into the unit tier.
 */
#include "compiler.h"
#include "bug.h"
#include "memblock.h"
#include "pgtable.h"

#define MB_ALLOC_NOLEAKTRACE	MB_UL(0)	/* end: no kmemleak, the limit */
#define MB_NUMA_NO_NODE		(-1)
#define MB_PHYS_MAX		(~MB_UL(0))
#define MB_MAX_NUMNODES		1
/* enum memblock_flags */
#define MBF_HOTPLUG		0x1
#define MBF_MIRROR		0x2
#define MBF_NOMAP		0x4
#define MBF_DRIVER_MANAGED	0x8

static void type_init(struct mb_rgn_type *t)
{
	t->cnt = 0;
	t->max = MB_MAX_REGIONS;
	t->total_size = 0;
}

/* Move n regions (memmove() of the kernel's arrays; they may overlap). */
static void rgn_move(struct mb_region *d, const struct mb_region *s,
		     unsigned int n)
{
	if (d < s) {
		for (unsigned int i = 0; i < n; i++)
			d[i] = s[i];
	} else {
		while (n--)
			d[n] = s[n];
	}
}

static __noinline void memblock_insert_region(struct mb_rgn_type *t,
					      unsigned int idx, u64 base,
					      u64 size, int nid, u32 flags)
{
	struct mb_region *r = &t->regions[idx];

	MB_BUG_ON(t->cnt >= t->max);
	rgn_move(r + 1, r, t->cnt - idx);
	r->base = base;
	r->size = size;
	r->flags = flags;
	r->nid = nid;
	t->cnt++;
	t->total_size += size;
}

/*
 * Fold touching neighbours among the regions around [start, end), the
 * ones an insertion just touched (6.4+: not the whole array).
 */
static __noinline void memblock_merge_regions(struct mb_rgn_type *t,
					      unsigned int start,
					      unsigned int end)
{
	unsigned int i = start ? start - 1 : 0;

	if (end > t->cnt - 1)
		end = t->cnt - 1;
	while (i < end) {
		struct mb_region *a = &t->regions[i], *b = a + 1;

		if (a->base + a->size != b->base || a->nid != b->nid ||
		    a->flags != b->flags) {
			MB_BUG_ON(a->base + a->size > b->base);
			i++;
			continue;
		}
		a->size += b->size;
		rgn_move(b, b + 1, t->cnt - (i + 2));
		t->cnt--;
		end--;
	}
}

/*
 * memblock_add_range(): walk the sorted array from the bottom, insert
 * the parts of [base, base+size) no region covers yet, then merge around
 * them.  When the array might overflow, a first pass only counts; the
 * arrays never grow here, so that pass ends in failure.
 */
static __noinline int memblock_add_range(struct mb_rgn_type *t, u64 base,
					 u64 size, int nid, u32 flags)
{
	u64 obase = base, end = base + size;
	unsigned int idx, nr_new, start_rgn, end_rgn;
	bool insert = false;

	if (!size)
		return 0;
	if (t->cnt == 0) {		/* the empty array */
		memblock_insert_region(t, 0, base, size, nid, flags);
		return 0;
	}
	if (t->cnt * 2 + 1 <= t->max)
		insert = true;
repeat:
	base = obase;
	nr_new = 0;
	start_rgn = ~0u;
	end_rgn = 0;
	for (idx = 0; idx < t->cnt; idx++) {
		const struct mb_region *r = &t->regions[idx];
		u64 rb = r->base, re = rb + r->size;

		if (rb >= end)
			break;
		if (re <= base)
			continue;
		if (rb > base) {
			if (nid != r->nid || flags != r->flags)
				t->warnings++;		/* WARN_ON() */
			nr_new++;
			if (insert) {
				if (start_rgn == ~0u)
					start_rgn = idx;
				end_rgn = idx + 1;
				memblock_insert_region(t, idx++, base,
						       rb - base, nid, flags);
			}
		}
		base = re < end ? re : end;
	}
	if (base < end) {
		nr_new++;
		if (insert) {
			if (start_rgn == ~0u)
				start_rgn = idx;
			end_rgn = idx + 1;
			memblock_insert_region(t, idx, base, end - base, nid,
					       flags);
		}
	}
	if (!nr_new)
		return 0;
	if (!insert) {
		if (t->cnt + nr_new > t->max)
			return -1;	/* no memblock_double_array() */
		insert = true;
		goto repeat;
	}
	memblock_merge_regions(t, start_rgn, end_rgn);
	return 0;
}

/* The search's filter over memory regions, every test the kernel has. */
static __noinline bool should_skip_region(const struct mb_memblock *m,
					  const struct mb_rgn_type *t,
					  const struct mb_region *r, int nid,
					  u32 flags)
{
	if (t != &m->memory)
		return false;
	if (nid != MB_NUMA_NO_NODE && nid != r->nid)
		return true;
	if (m->movable_node && (r->flags & MBF_HOTPLUG) &&
	    !(flags & MBF_HOTPLUG))
		return true;
	if ((flags & MBF_MIRROR) && !(r->flags & MBF_MIRROR))
		return true;
	if (!(flags & MBF_NOMAP) && (r->flags & MBF_NOMAP))
		return true;
	if (!(flags & MBF_DRIVER_MANAGED) && (r->flags & MBF_DRIVER_MANAGED))
		return true;
	return false;
}

/*
 * __next_mem_range_rev(): the next free range below *idx, walking the
 * memory regions downwards and, inside each, the gaps between reserved
 * regions downwards.  *idx holds the memory index in its low half and
 * the gap index in its high half; ~0 starts and ends the walk.
 */
static __noinline void next_mem_range_rev(const struct mb_memblock *m,
					  u64 *idx, int nid, u32 flags,
					  u64 *out_start, u64 *out_end)
{
	const struct mb_rgn_type *ta = &m->memory, *tb = &m->reserved;
	int ia = (int)(u32)*idx, ib = (int)(u32)(*idx >> 32);

	if (*idx == MB_PHYS_MAX) {
		ia = ta->cnt - 1;
		ib = tb->cnt;
	}
	for (; ia >= 0; ia--) {
		const struct mb_region *r = &ta->regions[ia];
		u64 ms = r->base, me = ms + r->size;

		if (should_skip_region(m, ta, r, nid, flags))
			continue;
		for (; ib >= 0; ib--) {
			u64 rs = ib ? tb->regions[ib - 1].base +
				      tb->regions[ib - 1].size : 0;
			u64 re = (unsigned int)ib < tb->cnt ?
				 tb->regions[ib].base : MB_PHYS_MAX;

			if (re <= ms)
				break;
			if (me > rs) {
				*out_start = ms > rs ? ms : rs;
				*out_end = me < re ? me : re;
				if (ms >= rs)
					ia--;
				else
					ib--;
				*idx = (u32)ia | (u64)(u32)ib << 32;
				return;
			}
		}
	}
	*idx = MB_PHYS_MAX;
}

static inline u64 clamp_u64(u64 v, u64 lo, u64 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* memblock_find_in_range_node(), top-down (arm64's default). */
static __noinline u64 memblock_find_in_range_node(struct mb_memblock *m,
						  u64 size, u64 align,
						  u64 start, u64 end, int nid,
						  u32 flags)
{
	u64 i = MB_PHYS_MAX, s, e;

	if (end == MB_ALLOC_NOLEAKTRACE)
		end = m->current_limit;
	if (start < PAGE_SIZE)		/* never the first page */
		start = PAGE_SIZE;
	if (end < start)
		end = start;
	if (unlikely(m->bottom_up))	/* never on arm64 */
		return 0;
	for (;;) {
		u64 cand;

		next_mem_range_rev(m, &i, nid, flags, &s, &e);
		if (i == MB_PHYS_MAX)
			return 0;
		s = clamp_u64(s, start, end);
		e = clamp_u64(e, start, end);
		if (e < size)
			continue;
		cand = (e - size) & ~(align - 1);
		if (cand >= s)
			return cand;
	}
}

int memblock_reserve(struct mb_memblock *m, u64 base, u64 size)
{
	u64 b = base & PAGE_MASK;

	return memblock_add_range(&m->reserved, b,
				  ((base + size + PAGE_SIZE - 1) & PAGE_MASK) - b,
				  MB_NUMA_NO_NODE, 0);
}

/* memblock_dbg(): the kernel prints the range (%pa: by address). */
static __attribute__((noipa)) void memblock_dbg_range(struct mb_memblock *m,
					  const u64 *base, const u64 *end)
{
	m->debug_events += *end - *base;
}

/* memblock_reserve() as the allocator calls it: its debug test, then
 * the reserved array (MAX_NUMNODES, as the kernel passes). */
static __noinline int memblock_reserve_nid(struct mb_memblock *m, u64 base,
					   u64 size)
{
	u64 end = base + size - 1;

	if (unlikely(m->debug))
		memblock_dbg_range(m, &base, &end);
	return memblock_add_range(&m->reserved, base, size, MB_MAX_NUMNODES,
				  0);
}

/* memblock_alloc_range_nid(): find, reserve; no kmemleak (NOLEAKTRACE). */
static __noinline u64 memblock_alloc_range_nid(struct mb_memblock *m,
					       u64 size, u64 align, u64 start,
					       u64 end, int nid)
{
	u32 flags = m->mirrored_kernelmem ? MBF_MIRROR : 0;
	u64 found;

	if (unlikely(m->slab_available))	/* too late for memblock */
		return 0;
	if (!align)
		align = PAGE_SIZE;
again:
	found = memblock_find_in_range_node(m, size, align, start, end,
					    nid, flags);
	if (found && !memblock_reserve_nid(m, found, size))
		goto done;
	if (flags & MBF_MIRROR) {
		flags &= ~MBF_MIRROR;
		goto again;
	}
	return 0;
done:
	m->pages += size >> PAGE_SHIFT;
	if (found < m->low)
		m->low = found;
	return found;
}

__noinline u64 memblock_phys_alloc_range(struct mb_memblock *m, u64 size,
					 u64 align, u64 start, u64 end)
{
	if (unlikely(m->debug))
		memblock_dbg_range(m, &start, &end);
	return memblock_alloc_range_nid(m, size, align, start, end,
					MB_NUMA_NO_NODE);
}

const char *memblock_init(struct mb_memblock *m, const struct mb_bank *b,
			  unsigned int nr)
{
	unsigned int i;

	*m = (struct mb_memblock){ 0 };
	type_init(&m->memory);
	type_init(&m->reserved);
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
		if (memblock_add_range(&m->memory, b[i].base, b[i].size,
				       MB_NUMA_NO_NODE, 0))
			return "too many banks";
	}
	m->nr_mem = nr;
	/* The linear map must fit [PAGE_OFFSET, PAGE_END), in root entries
	 * of its own (pgtable.h: LINEAR_PGD_LAST; with LPA2 they span more
	 * than 48-bit PAs). */
	if (memblock_end(m) - (memblock_start(m) & ~(MEMSTART_ALIGN - 1)) >
	    LINEAR_PGD_SPAN)
		return "RAM span larger than the linear map";
	m->current_limit = MB_PHYS_MAX;
	m->low = memblock_end(m);
	return 0;
}

/*
 * memblock_phys_free(): the page is no longer reserved, so the top-down
 * search finds it again.  The record serves the verifier.
 */
void memblock_free_page(struct mb_memblock *m, u64 pa)
{
	struct mb_rgn_type *t = &m->reserved;

	if (m->nr_freed < MB_MAX_FREED)
		m->freed[m->nr_freed++] = pa;
	m->pages--;
	for (unsigned int i = 0; i < t->cnt; i++) {
		struct mb_region *r = &t->regions[i];
		u64 e = r->base + r->size;

		if (pa < r->base || pa >= e)
			continue;
		if (r->base == pa) {
			r->base += PAGE_SIZE;
			r->size -= PAGE_SIZE;
			if (!r->size) {
				rgn_move(r, r + 1, t->cnt - i - 1);
				t->cnt--;
			}
		} else if (pa + PAGE_SIZE == e) {
			r->size -= PAGE_SIZE;
		} else if (t->cnt < t->max) {
			r->size = pa - r->base;
			memblock_insert_region(t, i + 1, pa + PAGE_SIZE,
					       e - pa - PAGE_SIZE, r->nid,
					       r->flags);
			t->total_size -= e - pa - PAGE_SIZE;
		}
		t->total_size -= PAGE_SIZE;
		return;
	}
}

u64 memblock_alloc_page(struct mb_memblock *m)
{
	return memblock_phys_alloc_range(m, PAGE_SIZE, PAGE_SIZE, 0,
					 MB_ALLOC_NOLEAKTRACE);
}

/* memblock_phys_alloc(size, PAGE_SIZE): contiguous, top-down. */
u64 memblock_alloc_range(struct mb_memblock *m, u64 size)
{
	return memblock_phys_alloc_range(m, (size + PAGE_SIZE - 1) & PAGE_MASK,
					 PAGE_SIZE, 0, MB_ALLOC_NOLEAKTRACE);
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
