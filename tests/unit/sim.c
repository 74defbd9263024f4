// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated arch operations for the unit tier (see sim.h, and the model
 * in docs/ARCHITECTURE.md).
 *
 * Memory is what the CPU sees; the walker sees, per word, the value
 * before the oldest store no DSB has published yet.  What the TLB may
 * hold is tracked as "stale" nodes: the old value of a reachable valid
 * entry that was overwritten (a leaf: its translation; a table: the walk
 * below it; a TTBR: the whole old root).  A node exists from the DSB that
 * publishes the change until a TLBI issued after that DSB completes.  The
 * current, visible entries may be cached at any moment too, so they are
 * never stale.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "pgtable.h"
#include "engine.h"
#include "task.h"
#include "sim.h"

struct mb_counts mb_counters;
struct mb_task sim_task;
unsigned long sim_errors;
char sim_first_error[256];
unsigned long sim_rule_errors[SIM_NR_RULES];
char sim_rule_first[SIM_NR_RULES][256];
const char *const sim_rule_name[SIM_NR_RULES] = {
#define R(sym, name) [SIM_R_##sym] = name,
	SIM_RULE_LIST(R)
#undef R
};
jmp_buf sim_panic_jmp;
unsigned int sim_panic_status, sim_panic_line;

#define FAULT		(~0ULL)
/* What RAM holds before anybody writes it: a valid table/page descriptor
 * pointing outside RAM, so a table linked before it is zeroed shows. */
#define POISON		0x0000dead0000f003ULL

static struct sim_layout lay;
static uint64_t ttbr[2], ttbr_next[2];
static int ttbr_pending[2];
static uint64_t clock_;		/* orders publications and TLBIs */

static void __attribute__((format(printf, 2, 3)))
sim_fail(enum sim_rule r, const char *fmt, ...)
{
	va_list ap;

	if (!sim_rule_errors[r]++) {
		va_start(ap, fmt);
		vsnprintf(sim_rule_first[r], sizeof(sim_rule_first[r]), fmt,
			  ap);
		va_end(ap);
	}
	if (!sim_errors++)
		memcpy(sim_first_error, sim_rule_first[r],
		       sizeof(sim_first_error));
}

static unsigned long hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (unsigned long)k;
}

static unsigned int shift_of(int level)
{
	return LEVEL_SHIFT(level);
}

/* ---- sparse physical memory: open-addressed hash of 4K pages ---- */

enum { ROOT_NONE = -1, ROOT_SWAPPER, ROOT_TMP, ROOT_FIXMAP };

struct page_slot {
	uint64_t pfn;		/* 0 = empty (PA 0 is never RAM here) */
	uint64_t *mem;		/* what the CPU sees */
	uint64_t pend[PTRS_PER_TABLE / 64];	/* words with a store no
						 * DSB published yet */
	unsigned int npend;
	int level;		/* a table of the live tree: its level, */
	int root;		/* its root, */
	uint64_t va;		/* and the VA of its entry 0; else -1 */
};

static struct page_slot *pages;
static unsigned long npages, cap;

static struct page_slot *slot_of(uint64_t pfn)
{
	unsigned long i = hash(pfn) & (cap - 1);

	while (pages[i].pfn && pages[i].pfn != pfn)
		i = (i + 1) & (cap - 1);
	return &pages[i];
}

static void grow(void)
{
	struct page_slot *old = pages;
	unsigned long i, ocap = cap;

	cap = cap ? cap * 2 : 4096;
	pages = calloc(cap, sizeof(*pages));
	if (!pages)
		abort();
	for (i = 0; i < ocap; i++)
		if (old[i].pfn)
			*slot_of(old[i].pfn) = old[i];
	free(old);
}

static int in_ram(uint64_t pa)
{
	return pa >= lay.ram_base && pa < lay.ram_end;
}

/* Never-written RAM: the image (static, zero) or poison. */
static uint64_t unwritten(uint64_t pa)
{
	return pa - lay.image_pa < MB_IMAGE_MAX ? 0 : POISON;
}

static struct page_slot *page(uint64_t pa, int create)
{
	struct page_slot *s;

	if (pa & 7) {
		sim_fail(SIM_R_MEMORY, "unaligned descriptor access at PA 0x%llx",
			 (unsigned long long)pa);
		return NULL;
	}
	if (!in_ram(pa)) {
		sim_fail(SIM_R_MEMORY, "access to PA 0x%llx outside RAM",
			 (unsigned long long)pa);
		return NULL;
	}
	s = slot_of(pa >> PAGE_SHIFT);
	if (!s->pfn) {
		uint64_t fill = unwritten(pa & PAGE_MASK);

		if (!create)
			return NULL;
		if ((npages + 1) * 2 > cap) {
			grow();
			s = slot_of(pa >> PAGE_SHIFT);
		}
		memset(s, 0, sizeof(*s));
		s->pfn = pa >> PAGE_SHIFT;
		s->mem = malloc(PAGE_SIZE);
		if (!s->mem)
			abort();
		for (int i = 0; i < PTRS_PER_TABLE; i++)
			s->mem[i] = fill;
		s->level = -1;
		s->root = ROOT_NONE;
		npages++;
	}
	return s;
}

static unsigned int word(uint64_t pa)
{
	return (pa & ~PAGE_MASK) / 8;
}

uint64_t *sim_phys(uint64_t pa)
{
	struct page_slot *s;

	if (!in_ram(pa))
		return NULL;
	s = page(pa, 0);
	return s ? &s->mem[word(pa)] : NULL;
}

/* ---- stores no DSB has published yet ---- */

struct pending {
	uint64_t pa, old;	/* old: what the walker still sees */
};

static struct pending *pend;
static unsigned long npend_all, pend_cap;

static int is_pending(const struct page_slot *s, unsigned int w)
{
	return s->npend && (s->pend[w / 64] >> (w % 64) & 1);
}

/* A descriptor as the table walker sees it. */
static uint64_t wv_rd(uint64_t pa)
{
	struct page_slot *s;
	unsigned int w = word(pa);

	if (!in_ram(pa) || (pa & 7)) {
		sim_fail(SIM_R_MEMORY, "walk reaches PA 0x%llx outside RAM",
			 (unsigned long long)pa);
		return 0;
	}
	s = page(pa, 0);
	if (!s)
		return unwritten(pa & PAGE_MASK);
	if (is_pending(s, w))
		for (unsigned long i = 0; i < npend_all; i++)
			if (pend[i].pa == pa)
				return pend[i].old;
	return s->mem[w];
}

/* ---- descriptors ---- */

static int is_table(uint64_t d, int level)
{
	return level < 3 && (d & PTE_TYPE_MASK) == PMD_TYPE_TABLE;
}

static int is_leaf(uint64_t d, int level)
{
	if (!(d & PTE_VALID))
		return 0;
	if (level == 3)
		return (d & PTE_TYPE_MASK) == PTE_TYPE_PAGE;
	/* blocks: level 2, and level 1 with the 4K granule (no LPA/LPA2) */
	return level >= (PUD_SECT_SUPPORTED ? 1 : 2) &&
	       (d & PTE_TYPE_MASK) == PMD_TYPE_SECT;
}

static uint64_t leaf_pa(uint64_t d, int level, uint64_t va)
{
	uint64_t span = 1ULL << shift_of(level);

	return (d & PTE_ADDR_MASK & ~(span - 1)) | (va & (span - 1));
}

/* Walk from a table at level, reading descriptors with rd (the walker's
 * view or the CPU's): the leaf (and its level), or 0. */
static uint64_t walk(uint64_t (*rd)(uint64_t pa), uint64_t table, int level,
		     uint64_t va, int *lvl)
{
	for (; level <= 3; level++) {
		uint64_t d = rd(table + level_index(va, level) * 8);

		if (is_leaf(d, level)) {
			*lvl = level;
			return d;
		}
		if (!is_table(d, level))
			return 0;
		table = d & PTE_ADDR_MASK;
	}
	return 0;
}

/*
 * May a TLB entry (od at ol) and a new entry (nd at nl) for the same VA
 * coexist without break-before-make?  Same output address and memory
 * attributes; permissions and AF may differ; a different size (level or
 * contiguous bit) only with BBML2.
 */
static int needs_bbm(uint64_t va, uint64_t nd, int nl, uint64_t od, int ol)
{
	const uint64_t perm = PTE_PXN | PTE_UXN | PTE_RDONLY | PTE_DBM |
			      PTE_AF;
	uint64_t attrs = (nd ^ od) & ~PTE_ADDR_MASK & ~PTE_TYPE_MASK & ~perm;

	if (leaf_pa(nd, nl, va) != leaf_pa(od, ol, va))
		return 1;
	if (attrs & ~PTE_CONT)
		return 1;
	if (nl != ol || (attrs & PTE_CONT))
		return !lay.bbml2;
	return 0;
}

/* ---- what the TLB may still hold: stale nodes ---- */

enum { ST_LEAF, ST_TABLE, ST_ROOT };

struct stale {
	uint64_t va;		/* start of the range it translates */
	uint64_t desc;		/* the old leaf, table or root PA */
	uint64_t seq;		/* when the change was published */
	int level, kind, next, live;
};

#define ST_BUCKETS	8192
static struct stale *st;
static int nst, st_cap, st_live, st_linked;
static int st_head[4][ST_BUCKETS];
/* old roots after a TTBR switch, until a TLBI of everything completes */
#define MAX_ROOTS	16
static struct stale roots[MAX_ROOTS];
static int nroots;

static int st_bucket(int level, uint64_t va)
{
	return hash(va >> shift_of(level)) & (ST_BUCKETS - 1);
}

static void st_reset(void)
{
	nst = st_live = st_linked = nroots = 0;
	memset(st_head, 0xff, sizeof(st_head));
}

static void st_add(uint64_t va, int level, int kind, uint64_t desc)
{
	int b = st_bucket(level, va);

	if (nst == st_cap) {
		st_cap = st_cap ? st_cap * 2 : 1024;
		st = realloc(st, st_cap * sizeof(*st));
		if (!st)
			abort();
	}
	st[nst] = (struct stale){ va & ~((1ULL << shift_of(level)) - 1),
				  desc, clock_, level, kind, st_head[level][b],
				  1 };
	st_head[level][b] = nst++;
	st_live++;
	st_linked++;
}

/* The old translation a node gives for va: the leaf and its level. */
static uint64_t st_leaf(const struct stale *n, uint64_t va, int *lvl)
{
	switch (n->kind) {
	case ST_LEAF:
		*lvl = n->level;
		return n->desc;
	case ST_TABLE:
		return walk(wv_rd, n->desc & PTE_ADDR_MASK, n->level + 1, va,
			    lvl);
	default:
		return walk(wv_rd, n->desc, 0, va, lvl);
	}
}

static int covers(const struct stale *n, uint64_t va)
{
	if (n->kind == ST_ROOT)		/* its TTBR's half */
		return va >> 63 == n->va >> 63;
	return (va >> shift_of(n->level)) == (n->va >> shift_of(n->level));
}

/* The live nodes whose range holds va: up to 4 hash chains, the roots. */
static int stale_at(uint64_t va, struct stale **out, int max)
{
	int k = 0;

	for (int l = 0; l < 4; l++)
		for (int i = st_head[l][st_bucket(l, va)]; i >= 0;
		     i = st[i].next)
			if (st[i].live && covers(&st[i], va) && k < max)
				out[k++] = &st[i];
	for (int i = 0; i < nroots; i++)
		if (roots[i].live && covers(&roots[i], va) && k < max)
			out[k++] = &roots[i];
	return k;
}

static void st_kill(struct stale *n)
{
	if (n->live && n->kind != ST_ROOT)
		st_live--;
	n->live = 0;
}

/* A TLBI of va (last level) issued at seq has completed.  Dead nodes
 * met on the way leave their chain. */
static void st_tlbi_va(uint64_t va, uint64_t seq)
{
	for (int l = 1; l < 4; l++) {
		int *link = &st_head[l][st_bucket(l, va)];

		while (*link >= 0) {
			struct stale *n = &st[*link];

			if (n->live && n->kind == ST_LEAF && n->seq < seq &&
			    covers(n, va))
				st_kill(n);
			if (n->live) {
				link = &n->next;
			} else {
				*link = n->next;
				st_linked--;
			}
		}
	}
	if (!st_linked)
		nst = 0;
}

static void st_tlbi_all(uint64_t seq)
{
	int r = 0;

	for (int i = 0; i < nst; i++)
		if (st[i].seq < seq)
			st_kill(&st[i]);
	for (int i = 0; i < nroots; i++)
		if (roots[i].live && roots[i].seq >= seq)
			roots[r++] = roots[i];
	if (!st_live && nst) {
		nst = st_linked = 0;
		memset(st_head, 0xff, sizeof(st_head));
	}
	nroots = r;
}

/* ---- the live tree: which table page maps which VAs ---- */

static uint64_t root_va(int root)
{
	if (root == ROOT_SWAPPER || (root == ROOT_TMP && lay.tmp_ttbr))
		return PAGE_OFFSET;
	return 0;
}

/* Can the walker reach this root now? */
static int root_active(int root)
{
	switch (root) {
	case ROOT_SWAPPER:
		return ttbr[1] == lay.swapper_pa;
	case ROOT_TMP:
		return ttbr[lay.tmp_ttbr] == lay.tmp_pa;
	case ROOT_FIXMAP:
		return 1;
	}
	return 0;
}

static void reg_table(uint64_t pa, int level, uint64_t va, int root)
{
	struct page_slot *s = page(pa, 1);

	if (!s)
		return;
	s->level = level;
	s->root = root;
	s->va = va;
	if (level == 3)
		return;
	for (int i = 0; i < LEVEL_PTRS(level); i++) {
		uint64_t d = page(pa, 0)->mem[i];

		if (is_table(d, level) && d != POISON &&
		    in_ram(d & PTE_ADDR_MASK))
			reg_table(d & PTE_ADDR_MASK, level + 1,
				  va + ((uint64_t)i << shift_of(level)), root);
	}
}

/* ---- the rules, checked at each store of a descriptor ---- */

static void check_link(uint64_t e, int level, uint64_t child, uint64_t old)
{
	struct page_slot *c = in_ram(child) ? page(child, 0) : NULL;
	int bad = 0;

	if (!c) {
		sim_fail(SIM_R_UNZEROED, "table at PA 0x%llx linked at VA 0x%llx "
			 "level %d before it was zeroed", (unsigned long long)child,
			 (unsigned long long)e, level);
		return;
	}
	for (int i = 0; i < PTRS_PER_TABLE; i++)
		bad |= c->mem[i] == POISON;
	if (bad)
		sim_fail(SIM_R_UNZEROED, "table at PA 0x%llx linked at VA 0x%llx "
			 "level %d before it was zeroed", (unsigned long long)child,
			 (unsigned long long)e, level);
	else if (c->npend)
		sim_fail(SIM_R_UNPUBLISHED, "table at PA 0x%llx linked at VA 0x%llx "
			 "level %d before its entries are visible to the walker (dsb)",
			 (unsigned long long)child, (unsigned long long)e,
			 level);
	if (is_leaf(old, level)) {
		/* a block split into a table of the same translations */
		if (!lay.bbml2) {
			sim_fail(SIM_R_SPLIT, "block at VA 0x%llx replaced by a table "
				 "without break-before-make",
				 (unsigned long long)e);
			return;
		}
		for (int i = 0; i < PTRS_PER_TABLE; i++) {
			uint64_t va = e + ((uint64_t)i << shift_of(level + 1));
			uint64_t d = c->mem[i];

			if (!is_leaf(d, level + 1) ||
			    needs_bbm(va, d, level + 1, old, level)) {
				sim_fail(SIM_R_SPLIT, "split of the block at VA 0x%llx "
					 "changes VA 0x%llx (0x%llx) without "
					 "break-before-make",
					 (unsigned long long)e,
					 (unsigned long long)va,
					 (unsigned long long)d);
				return;
			}
		}
	} else if (is_table(old, level) && (old & PTE_ADDR_MASK) != child) {
		sim_fail(SIM_R_LIVE_TABLE, "live table entry at VA 0x%llx level %d replaced",
			 (unsigned long long)e, level);
	}
}

static void check_leaf(uint64_t e, int level, uint64_t v, uint64_t old)
{
	struct stale *n[64];
	int k;

	if (is_table(old, level))
		sim_fail(SIM_R_LIVE_TABLE, "live table at VA 0x%llx level %d replaced by a "
			 "block", (unsigned long long)e, level);
	else if (is_leaf(old, level) && old != v &&
		 needs_bbm(e, v, level, old, level))
		sim_fail(SIM_R_BBM, "live entry for VA 0x%llx changed 0x%llx -> 0x%llx "
			 "without break-before-make", (unsigned long long)e,
			 (unsigned long long)old, (unsigned long long)v);
	if (!st_live && !nroots)
		return;
	k = stale_at(e, n, 64);
	for (int i = 0; i < k; i++) {
		int ol = 0;
		uint64_t od = st_leaf(n[i], e, &ol);

		if (od && needs_bbm(e, v, level, od, ol)) {
			sim_fail(SIM_R_TLB_CONFLICT, "entry for VA 0x%llx written (0x%llx) while "
				 "the TLB may still hold 0x%llx for it (no "
				 "completed TLBI since it was removed)",
				 (unsigned long long)e, (unsigned long long)v,
				 (unsigned long long)od);
			return;
		}
	}
}

static void store_pa(uint64_t pa, uint64_t v)
{
	struct page_slot *s = page(pa, 1);
	unsigned int w = word(pa);
	uint64_t old;

	if (!s)
		return;
	old = s->mem[w];
	if (s->level >= 0 && (v & PTE_VALID)) {
		int level = s->level, root = s->root;
		uint64_t e = s->va + ((uint64_t)w << shift_of(level));
		uint64_t seen = wv_rd(pa);

		if (level < 3 && is_table(v, level)) {
			check_link(e, level, v & PTE_ADDR_MASK, old);
			if (seen != old)
				check_link(e, level, v & PTE_ADDR_MASK, seen);
			if (!sim_errors)
				reg_table(v & PTE_ADDR_MASK, level + 1, e,
					  root);
		} else {
			check_leaf(e, level, v, old);
			if (seen != old)
				check_leaf(e, level, v, seen);
		}
		s = page(pa, 1);	/* reg_table may have moved it */
	}
	if (is_pending(s, w) && old != v && (old & PTE_VALID) &&
	    s->level >= 0 && root_active(s->root) &&
	    (is_leaf(old, s->level) || is_table(old, s->level))) {
		/* the walker may have cached the unpublished value too */
		st_add(s->va + ((uint64_t)w << shift_of(s->level)), s->level,
		       is_leaf(old, s->level) ? ST_LEAF : ST_TABLE, old);
	}
	if (!is_pending(s, w)) {
		if (v == old)
			return;
		if (npend_all == pend_cap) {
			pend_cap = pend_cap ? pend_cap * 2 : 4096;
			pend = realloc(pend, pend_cap * sizeof(*pend));
			if (!pend)
				abort();
		}
		pend[npend_all++] = (struct pending){ pa, old };
		s->pend[w / 64] |= 1ULL << (w % 64);
		s->npend++;
	}
	s->mem[w] = v;
}

/* ---- translation of the CPU's own accesses ---- */

/* Walks are cached until a published change removes a valid entry or a
 * TTBR changes: invalid -> valid never changes a successful walk. */
#define MEMO_SIZE	8192
static struct memo {
	uint64_t vpn, ppn, gen;
} memo[MEMO_SIZE];
static uint64_t gen = 1;

/* The CPU's view of a descriptor: pending stores applied. */
static uint64_t cpu_rd(uint64_t pa)
{
	uint64_t *w = sim_phys(pa);

	return w ? *w : 0;
}

/*
 * After a broken rule has been recorded, the access goes where the
 * program meant it to (the translation once every pending store and
 * TTBR write is visible), so a mutant's other checks see the map it
 * would have built, not the fallout of the fault.
 */
static uint64_t intended(uint64_t va)
{
	uint64_t d;
	int n = va >> 63, level = 0;

	if (va >= fix_to_virt(__end_of_fixed_addresses - 1) &&
	    va < FIXADDR_TOP) {
		d = walk(cpu_rd, lay.bm_pte_pa, 3, va, &level);
		return d ? leaf_pa(d, 3, va) : FAULT;
	}
	d = walk(cpu_rd, ttbr_pending[n] ? ttbr_next[n] : ttbr[n], ROOT_LEVEL,
		 va, &level);
	return d ? leaf_pa(d, level, va) : FAULT;
}

/*
 * A TTBR write takes effect at some point up to the next ISB: an access
 * through its half before then may be translated with either root.
 */
static void check_ttbr_sync(int n, const char *what, uint64_t va)
{
	if (ttbr_pending[n] && ttbr_next[n] != ttbr[n])
		sim_fail(SIM_R_NO_ISB, "%s VA 0x%llx while TTBR%d's write of "
			 "root 0x%llx is not yet made effective (isb)", what,
			 (unsigned long long)va, n,
			 (unsigned long long)ttbr_next[n]);
}

static uint64_t translate(uint64_t va)
{
	uint64_t pa = FAULT, d;
	struct stale *n[64];
	int level = 0;

	check_ttbr_sync(va >> 63, "access through", va);
	if (va >= KIMAGE_VADDR && va - KIMAGE_VADDR < MB_IMAGE_MAX)
		return va - KIMAGE_VADDR + lay.image_pa;

	if (va >= fix_to_virt(__end_of_fixed_addresses - 1) &&
	    va < FIXADDR_TOP) {
		d = wv_rd(lay.bm_pte_pa + pte_index(va) * 8);
		if (is_leaf(d, 3))
			pa = leaf_pa(d, 3, va);
	} else if (va >> VA_BITS == ~0ULL >> VA_BITS ||
		   va >> VA_BITS == 0) {
		struct memo *m = &memo[hash(va >> PAGE_SHIFT) &
				       (MEMO_SIZE - 1)];

		if (m->gen == gen && m->vpn == va >> PAGE_SHIFT) {
			pa = (m->ppn << PAGE_SHIFT) | (va & ~PAGE_MASK);
		} else {
			d = walk(wv_rd, ttbr[va >> 63], ROOT_LEVEL, va,
				 &level);
			if (d) {
				pa = leaf_pa(d, level, va);
				*m = (struct memo){ va >> PAGE_SHIFT,
						    pa >> PAGE_SHIFT, gen };
			}
		}
	}
	if (st_live || nroots) {
		int k = stale_at(va, n, 64);

		for (int i = 0; i < k; i++) {
			int ol = 0;
			uint64_t od = st_leaf(n[i], va, &ol);

			if (od && leaf_pa(od, ol, va) != pa) {
				sim_fail(SIM_R_STALE_USE, "access through VA 0x%llx whose "
					 "translation may be stale (TLB may "
					 "hold PA 0x%llx)",
					 (unsigned long long)va,
					 (unsigned long long)
					 leaf_pa(od, ol, va));
				break;
			}
		}
	}
	if (pa == FAULT) {
		sim_fail(SIM_R_INVISIBLE, "translation fault at VA 0x%llx (no valid entry "
			 "visible to the walker)", (unsigned long long)va);
		pa = intended(va);
	}
	return pa;
}

uint64_t sim_rd(uint64_t va)
{
	uint64_t pa = translate(va);
	struct page_slot *s;

	if (pa == FAULT || !in_ram(pa))
		return 0;
	s = page(pa, 0);
	return s ? s->mem[word(pa)] : unwritten(pa & PAGE_MASK);
}

void sim_wr(uint64_t va, uint64_t v)
{
	uint64_t pa = translate(va);

	if (pa != FAULT)
		store_pa(pa, v);
}

void sim_zero_page(uint64_t va)
{
	uint64_t pa = translate(va);

	if (pa == FAULT)
		return;
	if (pa & ~PAGE_MASK) {
		sim_fail(SIM_R_MEMORY, "zeroing unaligned page 0x%llx",
			 (unsigned long long)pa);
		return;
	}
	for (int i = 0; i < PTRS_PER_TABLE; i++)
		store_pa(pa + i * 8, 0);
}

/* ---- barriers, TLB maintenance, TTBRs ---- */

struct tlbi {
	uint64_t va, seq;
	int all, local;
};

#define MAX_TLBI	1024
static struct tlbi tlbis[MAX_TLBI];
static int ntlbi;

/* Any DSB: every pending store becomes visible to the walker; a valid
 * entry it overwrote in a live table may now be cached stale. */
static void publish(void)
{
	clock_++;
	for (unsigned long i = 0; i < npend_all; i++) {
		struct page_slot *s = page(pend[i].pa, 0);
		unsigned int w = word(pend[i].pa);
		uint64_t old = pend[i].old;

		s->pend[w / 64] &= ~(1ULL << (w % 64));
		s->npend--;
		if (old == s->mem[w] || !(old & PTE_VALID))
			continue;
		gen++;
		if (s->level < 0 || !root_active(s->root))
			continue;
		if (is_leaf(old, s->level) || is_table(old, s->level))
			st_add(s->va + ((uint64_t)w << shift_of(s->level)),
			       s->level, is_leaf(old, s->level) ? ST_LEAF :
			       ST_TABLE, old);
	}
	npend_all = 0;
}

/* DSB ISH completes every TLBI issued before it, DSB NSH the local ones. */
static void complete_tlbis(int broadcast_too)
{
	int k = 0;

	for (int i = 0; i < ntlbi; i++) {
		struct tlbi *t = &tlbis[i];

		if (!t->local && !broadcast_too) {
			tlbis[k++] = *t;
			continue;
		}
		if (t->all)
			st_tlbi_all(t->seq);
		else
			st_tlbi_va(t->va, t->seq);
	}
	ntlbi = k;
}

void sim_dsb(int kind)
{
	switch (kind) {
	case SIM_DSB_ISHST:
		mb_counters.dsb_ishst++;
		break;
	case SIM_DSB_ISH:
		mb_counters.dsb_ish++;
		break;
	case SIM_DSB_NSHST:
		mb_counters.dsb_nshst++;
		break;
	default:
		mb_counters.dsb_nsh++;
		break;
	}
	publish();
	if (kind == SIM_DSB_ISH)
		complete_tlbis(1);
	else if (kind == SIM_DSB_NSH)
		complete_tlbis(0);
}

static int root_has_entries(uint64_t root)
{
	for (int i = 0; i < PTRS_PER_TABLE; i++)
		if (wv_rd(root + i * 8) & PTE_VALID)
			return 1;
	return 0;
}

/*
 * TTBRn about to take new_root: a root this TTBR left that the TLB may
 * still hold (no TLBI of everything since) must not meet a new root
 * with entries of its own (idmap_cpu_replace_ttbr1()'s local flush).
 */
static void check_old_roots(int n, uint64_t new_root)
{
	if (!root_has_entries(new_root))
		return;
	for (int i = 0; i < nroots; i++)
		if (roots[i].live && roots[i].va >> 63 == (uint64_t)n &&
		    roots[i].desc != new_root &&
		    root_has_entries(roots[i].desc)) {
			sim_fail(SIM_R_OLD_ROOT, "TTBR%d set to root 0x%llx "
				 "while the TLB may still hold entries of its "
				 "old root 0x%llx (no TLBI of everything since)",
				 n, (unsigned long long)new_root,
				 (unsigned long long)roots[i].desc);
			return;
		}
}

/* Does the tree under a table hold a store no DSB has published? */
static int tree_pending(uint64_t table, int level)
{
	struct page_slot *s = in_ram(table) ? page(table, 0) : NULL;

	if (!s)
		return 0;
	if (s->npend)
		return 1;
	if (level == 3)
		return 0;
	for (int i = 0; i < LEVEL_PTRS(level); i++) {
		uint64_t d = s->mem[i], child = d & PTE_ADDR_MASK;

		if (is_table(d, level) && d != POISON && in_ram(child) &&
		    tree_pending(child, level + 1))
			return 1;
	}
	return 0;
}

/*
 * The walker may use a root from its TTBR write on: every entry it can
 * reach from there must be published by then, and still be at the ISB.
 */
static void check_root_published(int n, uint64_t root, const char *when)
{
	if (tree_pending(root, ROOT_LEVEL))
		sim_fail(SIM_R_UNPUBLISHED_ROOT, "TTBR%d set to root 0x%llx "
			 "with entries not yet visible to the walker (no dsb "
			 "before its %s)", n, (unsigned long long)root, when);
}

void sim_isb(void)
{
	mb_counters.isb++;
	for (int n = 0; n < 2; n++) {
		if (!ttbr_pending[n])
			continue;
		ttbr_pending[n] = 0;
		if (ttbr_next[n] == ttbr[n])
			continue;
		check_old_roots(n, ttbr_next[n]);
		check_root_published(n, ttbr_next[n], "isb");
		if (nroots == MAX_ROOTS) {
			sim_fail(SIM_R_OLD_ROOT, "%d TTBR switches without a TLBI of "
				 "everything", MAX_ROOTS);
		} else {
			roots[nroots++] = (struct stale){
				n ? PAGE_OFFSET : 0, ttbr[n], ++clock_, -1,
				ST_ROOT, -1, 1 };
		}
		ttbr[n] = ttbr_next[n];
		gen++;
	}
}

static void tlbi(uint64_t va, int all, int local)
{
	if (ntlbi == MAX_TLBI) {
		sim_fail(SIM_R_TLBI_INCOMPLETE, "%d TLBIs without a DSB", MAX_TLBI);
		return;
	}
	tlbis[ntlbi++] = (struct tlbi){ va, ++clock_, all, local };
}

void sim_tlbi_va(uint64_t va)
{
	mb_counters.tlbi_vaale1is++;
	tlbi(va, 0, 0);
}

void sim_tlbi_all(int broadcast)
{
	if (broadcast)
		mb_counters.tlbi_vmalle1is++;
	else
		mb_counters.tlbi_vmalle1++;
	tlbi(0, 1, !broadcast);
}

/* Takes effect at the latest at the next ISB: the walker may use the
 * new root from here on. */
void sim_write_ttbr(int n, uint64_t pa)
{
	mb_counters.ttbr_write++;
	ttbr_next[n & 1] = pa & PTE_ADDR_MASK;
	ttbr_pending[n & 1] = 1;
	if (ttbr_next[n & 1] != ttbr[n & 1])
		check_root_published(n & 1, ttbr_next[n & 1], "msr");
}

/* ---- the trampoline: guest/tramp.S's own instructions ---- */

#define TRAMP_ENTRY	"mb_idmap_replace_ttbr1:"

/* Xn of an operand "xN" that holds an argument (x0, x1), or -1. */
static int tramp_reg(const char *op)
{
	if (op[0] != 'x' || (op[1] != '0' && op[1] != '1') || op[2])
		return -1;
	return op[1] - '0';
}

/*
 * Runs one instruction (mnemonic, operands without blanks, lowercase):
 * 1 at ret, 0 to go on, -1 for one the model does not know.
 */
static int tramp_insn(const char *mn, const char *ops, const uint64_t *x)
{
	static const struct {
		const char *name;
		int kind;
	} dsbs[] = {
		{ "ishst", SIM_DSB_ISHST }, { "ish", SIM_DSB_ISH },
		{ "nshst", SIM_DSB_NSHST }, { "nsh", SIM_DSB_NSH },
	};
	int r;

	if (!strcmp(mn, "ret") && !*ops) {
		/* back to the engine, in the kernel image: through TTBR1 */
		check_ttbr_sync(1, "ret to", KIMAGE_VADDR);
		return 1;
	}
	if (!strcmp(mn, "isb") && !*ops) {
		sim_isb();
		return 0;
	}
	if (!strcmp(mn, "dsb")) {
		for (unsigned int i = 0; i < sizeof(dsbs) / sizeof(dsbs[0]);
		     i++)
			if (!strcmp(ops, dsbs[i].name)) {
				sim_dsb(dsbs[i].kind);
				return 0;
			}
		return -1;
	}
	if (!strcmp(mn, "tlbi") && (!strcmp(ops, "vmalle1") ||
				    !strcmp(ops, "vmalle1is"))) {
		sim_tlbi_all(ops[7] == 'i');
		return 0;
	}
	if (!strcmp(mn, "msr") && (!strncmp(ops, "ttbr0_el1,", 10) ||
				   !strncmp(ops, "ttbr1_el1,", 10))) {
		r = tramp_reg(ops + 10);
		if (r < 0)
			return -1;
		sim_write_ttbr(ops[4] - '0', x[r]);
		return 0;
	}
	return -1;
}

/*
 * mb_idmap_replace_ttbr1(pa, reserved): the lines of tramp.S from its
 * label on, each instruction run on the model (x0 = pa, x1 = reserved),
 * up to its ret.  Comments, blank lines and directives are skipped.
 */
void sim_replace_ttbr1(uint64_t pa, uint64_t reserved)
{
	const uint64_t x[2] = { pa, reserved };
	const char *p = strstr(sim_tramp_S, "\n" TRAMP_ENTRY);

	if (!p) {
		sim_fail(SIM_R_TRAMP, "tramp.S: no %s", TRAMP_ENTRY);
		return;
	}
	p = strchr(p + 1, '\n');
	while (p && *++p) {
		char line[128], mn[16], ops[96], *c;
		size_t n = strcspn(p, "\n");
		int k = 0, done;

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n;
		c = strstr(line, "//");
		if (c)
			*c = 0;
		c = line + strspn(line, " \t");
		if (!*c || *c == '.' || *c == '/' || *c == '*')
			continue;
		if (sscanf(c, "%15s", mn) != 1)
			continue;
		c += strlen(mn);
		for (; *c && k < (int)sizeof(ops) - 1; c++)
			if (*c != ' ' && *c != '\t')
				ops[k++] = *c;
		ops[k] = 0;
		done = tramp_insn(mn, ops, x);
		if (done < 0) {
			sim_fail(SIM_R_TRAMP, "tramp.S: \"%s %s\" is not "
				 "modelled", mn, ops);
			return;
		}
		if (done)
			return;
	}
	sim_fail(SIM_R_TRAMP, "tramp.S: %s runs off its end (no ret)",
		 TRAMP_ENTRY);
}

void sim_finish(void)
{
	for (int n = 0; n < 2; n++)
		if (ttbr_pending[n])
			sim_fail(SIM_R_NO_ISB, "TTBR%d write never made effective (isb)", n);
	if (ntlbi)
		sim_fail(SIM_R_TLBI_INCOMPLETE, "%d TLBIs never completed (dsb ish)", ntlbi);
	for (int i = 0; i < nst; i++)
		if (st[i].live) {
			sim_fail(SIM_R_STALE_LEFT, "map_mem() leaves a stale TLB entry for VA "
				 "0x%llx level %d",
				 (unsigned long long)st[i].va, st[i].level);
			break;
		}
	for (int i = 0; i < nroots; i++)
		if (roots[i].live && root_has_entries(roots[i].desc)) {
			sim_fail(SIM_R_OLD_ROOT, "map_mem() leaves TLB entries of the old "
				 "root 0x%llx", (unsigned long long)
				 roots[i].desc);
			break;
		}
	publish();
}

void sim_reset(const struct sim_layout *l)
{
	unsigned long i;

	for (i = 0; i < cap; i++)
		free(pages[i].mem);
	free(pages);
	pages = NULL;
	cap = npages = 0;
	grow();
	lay = *l;
	npend_all = 0;
	ntlbi = 0;
	st_reset();
	ttbr[0] = l->reserved_pa;
	ttbr[1] = l->swapper_pa;
	ttbr_pending[0] = ttbr_pending[1] = 0;
	gen++;
	reg_table(l->swapper_pa, ROOT_LEVEL, root_va(ROOT_SWAPPER),
		  ROOT_SWAPPER);
	reg_table(l->tmp_pa, ROOT_LEVEL, root_va(ROOT_TMP), ROOT_TMP);
	reg_table(l->bm_pte_pa, 3, (FIXADDR_TOP - PAGE_SIZE) & ~(PMD_SIZE - 1),
		  ROOT_FIXMAP);
	memset(&mb_counters, 0, sizeof(mb_counters));
	sim_errors = 0;
	sim_first_error[0] = 0;
	memset(sim_rule_errors, 0, sizeof(sim_rule_errors));
	memset(sim_rule_first, 0, sizeof(sim_rule_first));
}

void mb_panic(unsigned int status, unsigned int line)
{
	sim_panic_status = status;
	sim_panic_line = line;
	longjmp(sim_panic_jmp, 1);
}
