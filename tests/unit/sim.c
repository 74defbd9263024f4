// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated arch operations for the unit tier (see sim.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "pgtable.h"
#include "engine.h"
#include "sim.h"

struct mb_counts mb_counters;
unsigned long sim_errors;
char sim_first_error[256];
jmp_buf sim_panic_jmp;
unsigned int sim_panic_status, sim_panic_line;

static struct sim_layout lay;
static uint64_t ttbr[2];

/* ---- sparse physical memory: open-addressed hash of 4K pages ---- */

struct page_slot {
	uint64_t pfn;		/* 0 = empty (PA 0 is never RAM here) */
	uint64_t *mem;
};

static struct page_slot *pages;
static unsigned long npages, cap;

static unsigned long hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (unsigned long)k;
}

static void sim_fail(const char *fmt, ...)
{
	va_list ap;

	if (!sim_errors++) {
		va_start(ap, fmt);
		vsnprintf(sim_first_error, sizeof(sim_first_error), fmt, ap);
		va_end(ap);
	}
}

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

static uint64_t *phys_word(uint64_t pa, int create)
{
	struct page_slot *s;

	if (pa & 7) {
		sim_fail("unaligned descriptor access at PA 0x%llx",
			 (unsigned long long)pa);
		return NULL;
	}
	if (pa < lay.ram_base || pa >= lay.ram_end) {
		sim_fail("access to PA 0x%llx outside RAM",
			 (unsigned long long)pa);
		return NULL;
	}
	s = slot_of(pa >> PAGE_SHIFT);
	if (!s->pfn) {
		if (!create)
			return NULL;
		if ((npages + 1) * 2 > cap) {
			grow();
			s = slot_of(pa >> PAGE_SHIFT);
		}
		s->pfn = pa >> PAGE_SHIFT;
		s->mem = calloc(1, PAGE_SIZE);
		if (!s->mem)
			abort();
		npages++;
	}
	return &s->mem[(pa & ~PAGE_MASK) / 8];
}

uint64_t *sim_phys(uint64_t pa)
{
	return phys_word(pa, 0);
}

static uint64_t prd(uint64_t pa)
{
	uint64_t *w = phys_word(pa, 0);

	return w ? *w : 0;
}

unsigned long sim_pages_used(void)
{
	return npages;
}

/* ---- TLB: VA page -> PA page, kept until a TLBI ---- */

struct tlb_ent {
	uint64_t vpn;		/* 0 = empty */
	uint64_t ppn;
};

#define TLB_SIZE 4096		/* power of two */
static struct tlb_ent tlb[TLB_SIZE];
static unsigned long tlb_used;

static struct tlb_ent *tlb_find(uint64_t vpn)
{
	unsigned long i = hash(vpn) & (TLB_SIZE - 1);

	while (tlb[i].vpn && tlb[i].vpn != vpn)
		i = (i + 1) & (TLB_SIZE - 1);
	return &tlb[i];
}

static void tlb_flush_all(void)
{
	memset(tlb, 0, sizeof(tlb));
	tlb_used = 0;
}

static void tlb_insert(uint64_t vpn, uint64_t ppn)
{
	struct tlb_ent *e;

	/* a real TLB may evict at will; dropping all only hides nothing
	 * when it is large enough for every live translation */
	if (tlb_used * 2 >= TLB_SIZE)
		tlb_flush_all();
	e = tlb_find(vpn);
	if (!e->vpn)
		tlb_used++;
	e->vpn = vpn;
	e->ppn = ppn;
}

static void tlb_remove(uint64_t vpn)
{
	unsigned long i;
	struct tlb_ent *e = tlb_find(vpn);

	if (!e->vpn)
		return;
	/* rehash the cluster after the hole (linear probing delete) */
	e->vpn = 0;
	tlb_used--;
	i = (unsigned long)(e - tlb);
	for (i = (i + 1) & (TLB_SIZE - 1); tlb[i].vpn;
	     i = (i + 1) & (TLB_SIZE - 1)) {
		struct tlb_ent t = tlb[i];

		tlb[i].vpn = 0;
		*tlb_find(t.vpn) = t;
	}
}

/* ---- the translation regime ---- */

static uint64_t walk_from(uint64_t root, uint64_t va, int *level)
{
	uint64_t table = root, d = 0;
	int lvl;

	for (lvl = 0; lvl <= 3; lvl++) {
		unsigned int shift = 39 - 9 * lvl;

		d = prd(table + ((va >> shift) & 511) * 8);
		if (!(d & PTE_VALID))
			return 0;
		if (lvl == 3 || !(d & PTE_TABLE_BIT)) {
			if (lvl == 0 || (lvl == 3 && !(d & PTE_TABLE_BIT)))
				return 0;	/* reserved encodings */
			*level = lvl;
			return d;
		}
		table = d & PTE_ADDR_MASK;
	}
	return 0;
}

uint64_t sim_walk_root(uint64_t root_pa, uint64_t va, int *level)
{
	return walk_from(root_pa, va, level);
}

uint64_t sim_walk(uint64_t va, int *level)
{
	int dummy;

	if (!level)
		level = &dummy;
	if (va >> 48 == 0xffff)
		return walk_from(ttbr[1], va, level);
	if (va >> 48 == 0 && ttbr[0])
		return walk_from(ttbr[0], va, level);
	return 0;
}

static uint64_t leaf_pa(uint64_t d, int level, uint64_t va)
{
	uint64_t span = 1ULL << (39 - 9 * level);

	return (d & PTE_ADDR_MASK & ~(span - 1)) | (va & (span - 1));
}

/* VA -> PA as the CPU would: image statically, everything else through
 * the TLB or a walk that fills it. */
static uint64_t translate(uint64_t va)
{
	uint64_t d, pa;
	struct tlb_ent *e;
	int level;

	if (va >= KIMAGE_VADDR && va - KIMAGE_VADDR < MB_IMAGE_MAX)
		return va - KIMAGE_VADDR + lay.image_pa;

	e = tlb_find(va >> PAGE_SHIFT);
	if (e->vpn)
		return (e->ppn << PAGE_SHIFT) | (va & ~PAGE_MASK);

	if (va >= fix_to_virt(__end_of_fixed_addresses - 1) &&
	    va < FIXADDR_TOP) {
		d = prd(lay.bm_pte_pa + pte_index(va) * 8);
		if ((d & PTE_TYPE_MASK) != PTE_TYPE_PAGE) {
			sim_fail("access through unmapped fixmap VA 0x%llx",
				 (unsigned long long)va);
			return ~0ULL;
		}
		pa = (d & PTE_ADDR_MASK) | (va & ~PAGE_MASK);
	} else {
		d = sim_walk(va, &level);
		if (!d) {
			sim_fail("translation fault at VA 0x%llx",
				 (unsigned long long)va);
			return ~0ULL;
		}
		pa = leaf_pa(d, level, va);
	}
	tlb_insert(va >> PAGE_SHIFT, pa >> PAGE_SHIFT);
	return pa;
}

uint64_t sim_rd(uint64_t va)
{
	uint64_t pa = translate(va);

	return pa == ~0ULL ? 0 : prd(pa);
}

void sim_wr(uint64_t va, uint64_t v)
{
	uint64_t pa = translate(va), *w;

	if (pa == ~0ULL)
		return;
	/* break-before-make on the fixmap: never replace a live slot */
	if (pa >= lay.bm_pte_pa && pa < lay.bm_pte_pa + PAGE_SIZE) {
		uint64_t old = prd(pa);

		if ((old & PTE_VALID) && (v & PTE_VALID) && old != v)
			sim_fail("fixmap slot at PA 0x%llx remapped while live",
				 (unsigned long long)pa);
	}
	w = phys_word(pa, 1);
	if (w)
		*w = v;
}

void sim_zero_page(uint64_t va)
{
	uint64_t pa = translate(va), *w;

	if (pa == ~0ULL)
		return;
	if (pa & ~PAGE_MASK) {
		sim_fail("zeroing unaligned page 0x%llx",
			 (unsigned long long)pa);
		return;
	}
	w = phys_word(pa, 1);
	if (w)
		memset(w, 0, PAGE_SIZE);
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
}

void sim_isb(void)
{
	mb_counters.isb++;
}

void sim_tlbi_va(uint64_t va)
{
	mb_counters.tlbi_vaale1is++;
	tlb_remove(va >> PAGE_SHIFT);
}

void sim_tlbi_all(int broadcast)
{
	if (broadcast)
		mb_counters.tlbi_vmalle1is++;
	else
		mb_counters.tlbi_vmalle1++;
	tlb_flush_all();
}

void sim_write_ttbr(int n, uint64_t pa)
{
	mb_counters.ttbr_write++;
	ttbr[n & 1] = pa & PTE_ADDR_MASK;
}

void sim_replace_ttbr1(uint64_t pa, uint64_t reserved)
{
	sim_write_ttbr(1, reserved);
	sim_isb();
	sim_tlbi_all(0);
	sim_dsb(SIM_DSB_NSH);
	sim_isb();
	sim_write_ttbr(1, pa);
	sim_isb();
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
	tlb_flush_all();
	lay = *l;
	ttbr[0] = 0;
	ttbr[1] = l->swapper_pa;
	memset(&mb_counters, 0, sizeof(mb_counters));
	sim_errors = 0;
	sim_first_error[0] = 0;
}

void mb_panic(unsigned int status, unsigned int line)
{
	sim_panic_status = status;
	sim_panic_line = line;
	longjmp(sim_panic_jmp, 1);
}
