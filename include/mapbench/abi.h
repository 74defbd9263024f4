/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host <-> guest contract of mapbench: the guest-physical memory map,
 * the boot parameters the host hands in and the result record the guest
 * hands back.  This is the only header compiled by both sides; anything
 * that changes the layout of these structures bumps MB_ABI_VERSION.
 *
 * The host must treat every byte of struct mb_result as untrusted input.
 */
#ifndef MAPBENCH_ABI_H
#define MAPBENCH_ABI_H

#ifdef __ASSEMBLER__
#define MB_UL(x)	x
#else
#include <stdint.h>
#define MB_UL(x)	x##UL
#endif

#define MB_ABI_VERSION		9

/*
 * Guest-physical memory map (the QEMU "virt" machine's, so the same ELF
 * boots under QEMU TCG and under our own VMM on KVM).
 *
 *   0x09000000  PL011 data register (byte stores are console output)
 *   0x40000000  RAM base (QEMU puts its DTB here; we do not use it)
 *   0x40100000  struct mb_params (host writes)
 *   0x40101000  struct mb_result (guest writes, host reads after exit;
 *               two 4K pages at most)
 *   0x40200000  guest image (ELF PT_LOADs, 2 MiB aligned like a kernel)
 *
 * [RAM base, image) is reserved in the guest's memblock: mapped by the
 * linear map like any reserved memory, never handed out for tables.
 */
#define MB_UART_GPA		MB_UL(0x09000000)
#define MB_RAM_BASE		MB_UL(0x40000000)
#define MB_PARAMS_GPA		(MB_RAM_BASE + MB_UL(0x100000))
#define MB_RESULT_GPA		(MB_RAM_BASE + MB_UL(0x101000))
#define MB_RESULT_MAX		MB_UL(0x2000)	/* two 4K pages */
#define MB_IMAGE_GPA		(MB_RAM_BASE + MB_UL(0x200000))
#define MB_IMAGE_MAX		MB_UL(0x200000)	/* one 2 MiB block */
#define MB_MIN_RAM		(MB_UL(64) << 20)

/* PSCI 0.2 SYSTEM_OFF, issued with HVC #0. */
#define MB_PSCI_SYSTEM_OFF	0x84000008

#define MB_MAX_BANKS		8
#define MB_MAX_ITERS		16	/* timed builds in one guest */

#define MB_PARAMS_MAGIC		MB_UL(0x3153524150424d4d)	/* MMBPARS1 */
#define MB_RESULT_MAGIC		MB_UL(0x31534552424d4d00)	/* \0MMBRES1 */

/* Console framing of the result record (used where the host cannot read
 * guest RAM after the run, i.e. under QEMU): one line "MBREC <hex>". */
#define MB_CONSOLE_TAG		"MBREC "

/* Params flags. */
#define MB_PF_CONSOLE_RECORD	(1u << 0)	/* also print the record */
#define MB_PF_QUIET		(1u << 1)	/* no progress lines */
#define MB_PF_PMU		(1u << 2)	/* read PMCCNTR_EL0 too */
#define MB_PF_PREFAULT		(1u << 3)	/* counting pass first, so
						 * every table page is
						 * touched before the window */
#define MB_PF_MAPDUMP		(1u << 4)	/* print the final linear map
						 * as runs (MBMAP lines) after
						 * verification */
#define MB_PF_NO_CALIBRATE	(1u << 5)	/* no unit costs, no floor */
#define MB_PF_BBML		(1u << 6)	/* the boot CPU has BBML2_NOABORT
						 * (7.3: BBML3), or it is forced:
						 * v6.18 and v7.2 take their
						 * kernels' block path */
/* Test hooks: the guest misbehaves on purpose, so the host's handling of
 * a faulting, hanging or lying guest is tested for real. */
#define MB_PF_INJECT_FAULT	(1u << 8)	/* load from an unmapped VA */
#define MB_PF_INJECT_HANG	(1u << 9)	/* spin forever */
#define MB_PF_INJECT_BADREC	(1u << 10)	/* corrupt the record */
#define MB_PF_INJECT_EARLY	(1u << 11)	/* fault with the MMU off */
#define MB_PARAMS_FLAGS_OFF	24		/* offsetof(flags), for asm */

/*
 * Strategies: id, CLI name, one-line description.  Ids are ABI.
 */
#define MB_STRATEGY_LIST(X)						\
	X(0, base, "base",						\
	  "v6.9-rc1 map_mem(): fixmap map/unmap per cont window")	\
	X(1, no_cont_remap, "no-cont-remap",				\
	  "v1 1/3: map each table once per population pass")		\
	X(2, no_alloc_remap, "no-alloc-remap",				\
	  "v1 1/3+2/3: pgtable_ops, alloc maps at the level's slot")	\
	X(3, lazy_unmap, "lazy-unmap",					\
	  "v1 1/3-3/3: 16 rotating FIX_PTE slots, batched flush")	\
	X(4, batch_barriers, "batch-barriers",				\
	  "v1 chain + batch dsb/isb once per PTE table")		\
	X(5, v6_10, "v6.10",						\
	  "merged v3: A, B via the fixmap clear, Mark's C")		\
	X(6, idmap, "idmap",						\
	  "Ard: 1:1 TTBR0 map of RAM, tables reached at VA=PA")	\
	X(7, temp_pgtable, "temp-pgtable",				\
	  "Mark: temporary block-mapped TTBR1, no fixmap")		\
	X(8, bbml2_blocks, "bbml2-blocks",				\
	  "v6.18 on a BBML2_NOABORT CPU: blocks whatever rodata says")	\
	X(9, bbml2_repaint, "bbml2-repaint",				\
	  "v6.18 on a mixed system: blocks, then repaint to PTEs")	\
	X(10, idmap_lazy, "idmap-lazy",					\
	  "Ard's variant: 1:1 map grows 2M at a time as tables are allocated") \
	X(11, idmap_fill, "idmap-fill",					\
	  "1:1 tables filled before they are linked: no loads, stp, a dsb per table") \
	X(12, v6_18, "v6.18",						\
	  "6.18 LTS: table AF, PAGE_KERNEL without PTE_DIRTY, lazy MMU checks") \
	X(13, v7_2, "v7.2",						\
	  "7.2 rework: kernel alias and data first, then all memory, no NOMAP")

/*
 * Operation counters, from the guest's separate counting pass (never in
 * the timed window).  X-macro so both sides agree on order and names.
 */
#define MB_COUNTER_LIST(X)		\
	X(tlbi_vaale1is)		\
	X(tlbi_vmalle1is)		\
	X(tlbi_vmalle1)			\
	X(dsb_ishst)			\
	X(dsb_ish)			\
	X(dsb_nshst)			\
	X(dsb_nsh)			\
	X(isb)				\
	X(fixmap_map)			\
	X(fixmap_unmap)			\
	X(ttbr_write)			\
	X(tables_lm1)			\
	X(tables_l0)			\
	X(tables_l1)			\
	X(tables_l2)			\
	X(tables_l3)			\
	X(tables_freed)			\
	X(bytes_zeroed)			\
	X(leaf_stores)			\
	X(table_stores)			\
	X(walks)			\
	X(pgds)				\
	X(puds)				\
	X(cpmds)			\
	X(pmds)				\
	X(windows)			\
	X(ptes)				\
	X(ptes_live)			\
	X(blocks)			\
	X(pud_blocks)			\
	X(fills)			\
	X(ptes_fill)			\
	X(splits)			\
	X(split_scans)			\
	X(cont_clears)			\
	X(free_scans)			\
	X(lazy_flushes)			\
	X(lazy_clears)			\
	X(allocs)			\
	X(tmp_walks)			\
	X(tmp_pgds)			\
	X(tmp_puds)			\
	X(tmp_cpmds)			\
	X(tmp_pmds)			\
	X(tmp_windows)			\
	X(tmp_ptes)			\
	X(tmp_blocks)			\
	X(tmp_pud_blocks)		\
	X(tmp_tables)

/*
 * The code-path events above (walks .. allocs) are what the engine's
 * loops do once each, disjoint where a loop branches: a
 * create_pgd_mapping() call; an iteration of the pgd (and p4d) loop; a
 * pud-loop iteration that goes down to a PMD table; a cont-pmd-loop
 * iteration; an init_pmd() iteration that goes down to a PTE table; a
 * PMD block and a PUD block written (instead of going down); an
 * iteration of the cont-pte loop (a 64K window at 4K); an init_pte()
 * iteration (and of those the ones that found a valid entry); a
 * fill_pte() call and its PTEs; a block split to a table; a PTE visited
 * by the split's walk; a CONT group cleared; a slot scanned by
 * free_tables(); a lazy flush and the slots it clears;
 * a memblock allocation.  tmp_* are the same events of the build of
 * idmap's and temp-pgtable's temporary map (tmp_tables: of tables_*,
 * those).  Each is priced by one unit: allocs by the
 * direct pgtable_alloc, free_scans by the direct free_scan, the rest by
 * a code unit (MB_CODE_LIST).
 *
 * Direct units, measured in the guest after verification (never in the
 * timed window) by running the engine's own operation in a loop, net of
 * the same loop without it: the fixmap pair is the engine's
 * __set_fixmap() map + clear, zero_page its clear_page(), pgtable_alloc
 * its memblock path, free_scan its free_tables() over an empty table
 * (per slot); the rest one instruction or the kernel's sequence.
 */
#define MB_UNIT_LIST(X)			\
	X(fixmap_pair)			\
	X(dsb_ishst_isb)		\
	X(dsb_ishst)			\
	X(isb)				\
	X(tlbi)				\
	X(dsb_ish)			\
	X(flush_local)			\
	X(flush_all)			\
	X(ttbr)				\
	X(zero_page)			\
	X(pgtable_alloc)		\
	X(free_scan)

/*
 * Code units: what the engine's loops cost around the direct units, one
 * per code-path event, and map_mem (each call's fixed part).  Priced
 * from the probes: the run's own map_mem_timed() (the very function of
 * the timed window) run again after verification on small memory maps
 * of known shape, into a scratch root (guest/calibrate.c).  The host
 * solves probe time - direct units = sum of count x code unit.
 */
#define MB_CODE_LIST(X)			\
	X(map_mem)			\
	X(tmp_walks)			\
	X(tmp_pgds)			\
	X(tmp_puds)			\
	X(tmp_cpmds)			\
	X(tmp_pmds)			\
	X(tmp_tables)			\
	X(tmp_blocks)			\
	X(tmp_pud_blocks)		\
	X(tmp_windows)			\
	X(tmp_ptes)			\
	X(ptes)				\
	X(ptes_live)			\
	X(ptes_fill)			\
	X(fills)			\
	X(windows)			\
	X(pmds)				\
	X(tables)			\
	X(blocks)			\
	X(pud_blocks)			\
	X(walks)			\
	X(pgds)				\
	X(puds)				\
	X(cpmds)			\
	X(splits)			\
	X(split_scans)			\
	X(cont_clears)			\
	X(tables_freed)			\
	X(lazy_flushes)			\
	X(lazy_clears)

#define MB_MAX_PROBES		28
#define MB_PROBE_MAX_BANKS	3	/* two and the pool */
#define MB_PROBE_ROUNDS		3	/* rounds per probe, median taken */
/* The store forms the floor is measured with (widest data store: stp of
 * two q registers). */
#define MB_STORE_LIST(X)		\
	X(dc_zva)			\
	X(stp)				\
	X(stnp)				\
	X(stp_q)

#define MB_CAL_ROUNDS		7	/* rounds per unit, median taken */
#define MB_CAL_MIN_TICKS	1000	/* a round lasts at least this */
#define MB_CAL_MAX_REPS		(1u << 24)
#define MB_CAL_PICO		1000000ULL	/* picoticks per tick */

#ifndef __ASSEMBLER__

enum mb_unit_id {
#define MB_UNIT_ENUM(name) MB_UNIT_##name,
	MB_UNIT_LIST(MB_UNIT_ENUM)
#undef MB_UNIT_ENUM
	MB_NR_UNITS
};

enum mb_ctr_id {
#define MB_CTR_ENUM(name) MB_CTR_##name,
	MB_COUNTER_LIST(MB_CTR_ENUM)
#undef MB_CTR_ENUM
	MB_NR_CTRS
};

enum mb_code_id {
#define MB_CODE_ENUM(name) MB_CODE_##name,
	MB_CODE_LIST(MB_CODE_ENUM)
#undef MB_CODE_ENUM
	MB_NR_CODES
};

enum mb_store_id {
#define MB_STORE_ENUM(name) MB_STORE_##name,
	MB_STORE_LIST(MB_STORE_ENUM)
#undef MB_STORE_ENUM
	MB_NR_STORES
};

enum mb_strategy {
#define MB_STRAT_ENUM(id, name, cli, desc) MB_STRAT_##name = id,
	MB_STRATEGY_LIST(MB_STRAT_ENUM)
#undef MB_STRAT_ENUM
	MB_NR_STRATEGIES
};

/* rodata= as in v6.9 (reference 1.3).  Ids are ABI. */
enum mb_rodata {
	MB_RODATA_FULL = 0,	/* default: NO_BLOCK | NO_CONT */
	MB_RODATA_ON = 1,
	MB_RODATA_OFF = 2,
	MB_NR_RODATA
};

/* Result status.  Ids are ABI. */
enum mb_status {
	MB_ST_OK = 0,
	MB_ST_RUNNING = 1,	/* set on entry; still there = guest died */
	MB_ST_BAD_PARAMS = 2,
	MB_ST_UNSUPPORTED = 3,	/* strategy/mode not built in this guest */
	MB_ST_NOMEM = 4,	/* page-table allocator ran dry */
	MB_ST_VERIFY_FAILED = 5,
	MB_ST_EXCEPTION = 6,
	MB_ST_BUG = 7,		/* an internal consistency check (BUG_ON) */
	MB_NR_STATUS
};

struct mb_bank {
	uint64_t base;
	uint64_t size;
};

struct mb_params {
	uint64_t magic;
	uint32_t abi_version;
	uint32_t size;			/* sizeof(struct mb_params) */
	uint32_t strategy;		/* enum mb_strategy */
	uint32_t rodata;		/* enum mb_rodata */
	uint32_t flags;			/* MB_PF_* */
	uint32_t nr_banks;
	struct mb_bank banks[MB_MAX_BANKS];
	uint32_t iterations;		/* timed builds, 1..MB_MAX_ITERS */
	uint32_t pad;
	uint64_t kfence_size;		/* early KFENCE pool, 0 = none */
	/* kernel-check: a real kernel's image instead of ours, PAs of its
	 * _text, _stext and __init_begin (0: the guest's own).  Which of
	 * _text/_stext starts the NOMAP alias is the strategy's kernel's
	 * choice (docs/STRATEGIES.md). */
	uint64_t alias_text;
	uint64_t alias_stext;
	uint64_t alias_end;
	/* the translation granule and VA size the guest image was built
	 * for (PAGE_SHIFT 12/14/16, VA_BITS); the host picks the image, the
	 * guest refuses a mismatch (MB_ST_UNSUPPORTED) */
	uint32_t page_shift;
	uint32_t va_bits;
	/* kernel-check: PAs of the real kernel's __init_end and __bss_stop
	 * (0: none), the data the 7.2 map_mem() maps with the alias */
	uint64_t alias_init_end;
	uint64_t alias_bss_stop;
};

/*
 * What a guest image was built for, in a non-loaded ELF section the host
 * reads before it starts anything: one image per granule and VA size,
 * as one kernel per CONFIG_ARM64_*_PAGES and CONFIG_ARM64_VA_BITS_*.
 */
#define MB_IMAGE_SECTION	".mapbench_image"
#define MB_IMAGE_MAGIC		MB_UL(0x31474d49424d4d00)	/* \0MMBIMG1 */

struct mb_image_info {
	uint64_t magic;
	uint32_t abi_version;
	uint32_t page_shift;		/* PAGE_SHIFT: 12, 14 or 16 */
	uint32_t va_bits;		/* VA_BITS */
	uint32_t pad;
};

struct mb_counts {
#define MB_COUNT_FIELD(name) uint64_t name;
	MB_COUNTER_LIST(MB_COUNT_FIELD)
#undef MB_COUNT_FIELD
};

#define MB_NR_COUNTERS (sizeof(struct mb_counts) / sizeof(uint64_t))

struct mb_verify {
	uint64_t leaves_checked;	/* leaf descriptors walked */
	uint64_t pages_checked;		/* 4K pages covered by them */
	uint64_t at_checked;		/* AT S1E1R samples */
	uint64_t rw_checked;		/* read/write samples */
	uint64_t errors;
	uint64_t first_bad_va;
	uint64_t first_bad_desc;
	uint64_t first_expected;
	uint64_t temp_tables;		/* tables left in a temporary root */
	uint64_t temp_freed;		/* pages handed back to memblock */
};

struct mb_exception {
	uint64_t esr;
	uint64_t far;
	uint64_t elr;
	uint64_t spsr;
	uint32_t vector;		/* offset of the vector / 0x80 */
	uint32_t mmu_on;
};

/* One operation's cost: per op, in millionths of a tick (cycle). */
struct mb_unit {
	uint64_t median_pt;		/* median round, picoticks per op */
	uint64_t min_pt;		/* fastest round */
	uint64_t max_pt;		/* slowest round */
	uint64_t median_pc;		/* PMCCNTR, picocycles (--pmu) */
	uint32_t reps;			/* ops per round */
	uint32_t rounds;		/* MB_CAL_ROUNDS */
};

/*
 * One probe (guest/calibrate.c): the run's own map_mem_timed() (or its
 * temporary map's build alone) on a small memory map into a scratch
 * root, after verification, timed as the units are (median of
 * MB_PROBE_ROUNDS rounds of reps builds, less the same rounds of the
 * resets between them), and the counting build's counts of the same.
 */
enum mb_probe_kind {
	MB_PROBE_MAP_MEM = 0,		/* map_mem_timed() */
	MB_PROBE_TMP_MAP = 1,		/* the temporary map's build alone */
	MB_NR_PROBE_KINDS
};

struct mb_probe {
	uint64_t median_pt;		/* picoticks per build */
	uint32_t reps;			/* builds per round */
	uint16_t rounds;
	uint8_t nr_banks;
	uint8_t kind;			/* enum mb_probe_kind */
	uint32_t counts[MB_NR_CTRS];
};

struct mb_result {
	uint64_t magic;
	uint32_t abi_version;
	uint32_t size;			/* sizeof(struct mb_result) */
	uint32_t status;		/* enum mb_status */
	uint32_t detail;		/* status-specific (e.g. source line) */
	uint32_t strategy;
	uint32_t rodata;
	uint32_t page_shift;		/* the guest image's PAGE_SHIFT */
	uint32_t va_bits;		/* and VA_BITS */
	/* timing: CNTVCT around the map_mem()-equivalent call; the first
	 * (cold) build's here, every build's in iter_ticks[] */
	uint64_t cntfrq;
	uint64_t t_start;
	uint64_t t_end;
	uint32_t nr_iters;		/* entries of iter_ticks[] used */
	uint32_t pmu;			/* iter_cycles[] valid */
	uint64_t iter_ticks[MB_MAX_ITERS];
	uint64_t iter_cycles[MB_MAX_ITERS];	/* PMCCNTR_EL0 deltas */
	/* the layout the guest actually mapped */
	uint64_t page_offset;
	uint64_t phys_offset;
	uint64_t kernel_start;		/* NOMAP alias [start, end) */
	uint64_t kernel_end;
	uint64_t image_start;		/* whole image, PA */
	uint64_t image_end;
	uint64_t data_start;		/* its data and bss, mapped with the
					 * alias from 7.2 (empty: none) */
	uint64_t data_end;
	uint64_t kfence_start;		/* the KFENCE pool, if any */
	uint64_t kfence_end;
	uint64_t alloc_low;		/* lowest PA handed out (timed pass) */
	uint64_t alloc_pages;		/* pages handed out (timed pass) */
	uint32_t nr_banks;
	uint32_t pad;
	struct mb_bank banks[MB_MAX_BANKS];
	struct mb_counts counts;
	struct mb_verify verify;
	uint64_t digest;		/* walk digest of the live linear map */
	uint64_t digest_counted;	/* same, of the counting pass's tables */
	struct mb_exception exc;
	/* unit costs, probes and the floor (MB_PF_NO_CALIBRATE: zero) */
	uint32_t calibrated;
	uint32_t nr_probes;		/* probes[] used */
	uint64_t cnt_res;		/* least CNTVCT step seen, ticks */
	struct mb_unit units[MB_NR_UNITS];
	struct mb_unit stores[MB_NR_STORES];	/* picoticks per byte */
	uint64_t floor_buffer;		/* bytes the stores were timed over */
	uint64_t floor_tables;		/* table pages of the final map */
	uint64_t floor_descs;		/* its valid descriptors, root's too */
	uint64_t floor_root_descs;	/* of them in the root (not a new
					 * page: no zeroes owed) */
	uint64_t floor_ticks;		/* mb_floor_of(), in ticks */
	struct mb_probe probes[MB_MAX_PROBES];
	uint64_t checksum;		/* FNV-1a 64 of all bytes before it */
};

/*
 * The floor (docs/ARCHITECTURE.md, "The floor"): the least time to
 * write the final map's table bytes at this machine's best store rate.
 * Every valid descriptor is 8 bytes stored with the fastest data store
 * (stp, stnp, stp of q registers); every other byte of the new table
 * pages is only owed zero, at the fastest of those and DC ZVA.  A form
 * the CPU does not allow has rounds 0 and is not a candidate.  The
 * rates are picoticks per byte, timed over a buffer of the tables' size
 * (floor_buffer).  The host recomputes it in 128 bits (untrusted).
 */
/* Table pages the counting pass allocated, every level. */
static inline uint64_t mb_counted_tables(const struct mb_counts *n)
{
	return n->tables_lm1 + n->tables_l0 + n->tables_l1 + n->tables_l2 +
	       n->tables_l3;
}

struct mb_floor {
	uint64_t data_bytes;		/* descriptors x 8 */
	uint64_t zero_bytes;		/* the rest of the new pages */
	uint64_t data_pt;		/* picoticks per byte */
	uint64_t zero_pt;
};

/* page_shift is the record's (12, 14 or 16, checked by then); 0 bytes
 * when the counts do not make a map (descs beyond the pages' slots). */
static inline struct mb_floor mb_floor_of(const struct mb_result *r)
{
	const struct mb_unit *s = r->stores;
	uint64_t d = s[MB_STORE_stp].median_pt, z;
	uint64_t in_pages = r->floor_descs - r->floor_root_descs;
	struct mb_floor f = { 0, 0, 0, 0 };

	for (int i = MB_STORE_stnp; i <= MB_STORE_stp_q; i++)
		if (s[i].rounds && s[i].median_pt < d)
			d = s[i].median_pt;
	z = s[MB_STORE_dc_zva].rounds && s[MB_STORE_dc_zva].median_pt < d ?
	    s[MB_STORE_dc_zva].median_pt : d;
	if (r->floor_root_descs > r->floor_descs ||
	    r->floor_tables > (UINT64_MAX >> 17) ||
	    in_pages > r->floor_tables << (r->page_shift - 3))
		return f;
	f.data_bytes = r->floor_descs * 8;
	f.zero_bytes = (r->floor_tables << r->page_shift) - in_pages * 8;
	f.data_pt = d;
	f.zero_pt = z;
	return f;
}

/* FNV-1a, 64 bit: the record checksum and the table digest use it. */
#define MB_FNV_OFFSET	0xcbf29ce484222325ULL
#define MB_FNV_PRIME	0x100000001b3ULL

static inline uint64_t mb_fnv1a(uint64_t h, const void *p, unsigned long n)
{
	const unsigned char *c = p;

	while (n--) {
		h ^= *c++;
		h *= MB_FNV_PRIME;
	}
	return h;
}

static inline uint64_t mb_fnv1a_u64(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		h ^= (v >> (i * 8)) & 0xff;
		h *= MB_FNV_PRIME;
	}
	return h;
}

/* FIX_RESULT and FIX_RESULT_HI map two pages of the smallest granule */
_Static_assert(sizeof(struct mb_result) + (MB_RESULT_GPA & 0xfff) <=
	       MB_RESULT_MAX, "struct mb_result outgrows its fixmap pages");
_Static_assert(__builtin_offsetof(struct mb_params, flags) ==
	       MB_PARAMS_FLAGS_OFF, "MB_PARAMS_FLAGS_OFF");

#endif /* !__ASSEMBLER__ */
#endif /* MAPBENCH_ABI_H */
