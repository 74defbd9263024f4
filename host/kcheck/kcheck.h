/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mapbench kernel-check: a real arm64 kernel's map_mem() under QEMU TCG,
 * counted instruction by instruction from QEMU's execution trace, its
 * final linear map read back through QEMU's gdbstub, both compared with
 * mapbench's own strategy counted the same way.
 */
#ifndef MAPBENCH_KCHECK_H
#define MAPBENCH_KCHECK_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- kcheck/image.c: the kernel Image and its symbols ---------------- */

struct kc_image {
	char path[4096];	/* the raw Image (unpacked copy if gzip'd) */
	int unpacked;		/* path is a temp file we made */
	uint64_t size;
	uint64_t hash;		/* FNV-1a 64 of the raw Image */
	char version[64];	/* "6.1.0-56-arm64" from the banner */
	int major, minor, patch;	/* from the banner's "(Debian 6.1.192-2)"
					 * or the release itself */
	char banner[256];
	unsigned int page_shift;	/* header flags bits 2:1; 0: unsaid */
};

/* What the kernel's .config says about its page tables. */
struct kc_kconfig {
	char path[4096];		/* "": none read */
	unsigned int page_shift;	/* CONFIG_ARM64_{4K,16K,64K}_PAGES */
	unsigned int va_bits;		/* CONFIG_ARM64_VA_BITS */
	bool lpa2;			/* CONFIG_ARM64_LPA2 */
};

/* Symbols kernel-check needs (names in kc_sym_names[]). */
#define KC_SYM_LIST(X)			\
	X(text, "_text")		\
	X(stext, "_stext")		\
	X(init_begin, "__init_begin")	\
	X(paging_init, "paging_init")	\
	X(mark_nomap, "memblock_mark_nomap")	\
	X(clear_nomap, "memblock_clear_nomap")	\
	X(allow_resize, "memblock_allow_resize")	\
	X(set_fixmap, "__set_fixmap")	\
	X(pgtable_alloc, "early_pgtable_alloc")

enum kc_sym {
#define KC_SYM_ENUM(id, name) KC_SYM_##id,
	KC_SYM_LIST(KC_SYM_ENUM)
#undef KC_SYM_ENUM
	KC_NR_SYMS
};

extern const char *const kc_sym_names[KC_NR_SYMS];

struct kc_syms {
	uint64_t addr[KC_NR_SYMS];	/* 0: not found */
	char source[64];		/* "System.map", "vmlinux", "kallsyms" */
};

/* Returns 0 or an MB_EXIT_* code with err set. */
int kc_image_open(const char *path, struct kc_image *img, char *err,
		  size_t errlen);
void kc_image_close(struct kc_image *img);
/* Each named symbol of e's symbol tables to fn, until fn returns
 * nonzero; returns that, else 0. */
int kc_elf_each_sym(Elf *e, int (*fn)(void *ctx, const GElf_Sym *sym,
				      const char *name), void *ctx);
/* Check a buffer's start: 0 raw arm64 Image, 1 gzip, -1 neither. */
int kc_image_kind(const unsigned char *b, size_t n);
/* The page size an Image's header states (flags bits 2:1, as
 * Documentation/arch/arm64/booting.rst): 12, 14, 16; 0 unstated, -1 not
 * a header. */
int kc_image_page_shift(const unsigned char *b, size_t n);
/* A kernel .config's text into k (path left alone); 0, or -1 if it
 * names no page size. */
int kc_kconfig_parse(const char *text, size_t n, struct kc_kconfig *k);
/* Read path; 0, MB_EXIT_USAGE with err set. */
int kc_kconfig_load(const char *path, struct kc_kconfig *k, char *err,
		    size_t errlen);
/* "Linux version X ..." found in buf: X into out. */
int kc_banner_parse(const char *buf, size_t n, char *ver, size_t vlen,
		    int *major, int *minor, int *patch);

/* System.map or kallsyms text ("addr type name" lines); names not
 * wanted are skipped.  Returns the number of wanted symbols found. */
int kc_symtab_parse(const char *text, size_t n, struct kc_syms *s);
int kc_syms_missing(const struct kc_syms *s, char *buf, size_t len);
/* --symbols FILE: a System.map or an ELF vmlinux. */
int kc_syms_load(const char *path, struct kc_syms *s, char *err,
		 size_t errlen);

/* newc cpio with /init (mode 0755) and /dev/console. */
int kc_cpio_write(const char *path, const void *init, size_t init_len,
		  char *err, size_t errlen);

/* ---- kcheck/trace.c: QEMU -d in_asm,exec,nochain ------------------- */

#define KC_OP_LIST(X)				\
	X(tlbi_vaale1is, "tlbi", "vaale1is")	\
	X(tlbi_vale1is, "tlbi", "vale1is")	\
	X(tlbi_vae1is, "tlbi", "vae1is")	\
	X(tlbi_vmalle1is, "tlbi", "vmalle1is")	\
	X(tlbi_vmalle1, "tlbi", "vmalle1")	\
	X(tlbi_other, "tlbi", NULL)		\
	X(dsb_ishst, "dsb", "ishst")		\
	X(dsb_ish, "dsb", "ish")		\
	X(dsb_nshst, "dsb", "nshst")		\
	X(dsb_nsh, "dsb", "nsh")		\
	X(dsb_sy, "dsb", "sy")			\
	X(dsb_other, "dsb", NULL)		\
	X(isb, "isb", NULL)

enum kc_op {
#define KC_OP_ENUM(id, m, o) KC_OP_##id,
	KC_OP_LIST(KC_OP_ENUM)
#undef KC_OP_ENUM
	KC_NR_OPS
};

extern const char *const kc_op_names[KC_NR_OPS];

#define KC_MAX_FUNCS	4

/*
 * The window: opens at the first TB at start_pc (once arm_pc, if set,
 * has run); each return from a call to ret_func (the TB at the caller's
 * bl + 4) is a checkpoint; it closes at the first TB at stop_pc, or at
 * the first checkpoint if stop_pc is 0.  The counts are those up to the
 * last checkpoint.  func[] entries are counted inside the window.
 */
struct kc_window {
	uint64_t arm_pc;
	uint64_t start_pc;
	uint64_t ret_func;
	uint64_t stop_pc;
	uint64_t func[KC_MAX_FUNCS];
	uint64_t entry_floor;	/* kc_trace_first_pc(): first pc >= this */
};

struct kc_counts {
	uint64_t insns;
	uint64_t tbs;
	uint64_t ops[KC_NR_OPS];
	uint64_t calls[KC_MAX_FUNCS];
};

enum kc_state { KC_IDLE, KC_ARMED, KC_OPEN, KC_DONE };

struct kc_trace;

struct kc_trace *kc_trace_new(const struct kc_window *w);
void kc_trace_free(struct kc_trace *t);
/* Feed any amount of the log; lines may be split across calls. */
int kc_trace_feed(struct kc_trace *t, const char *buf, size_t n);
enum kc_state kc_trace_state(const struct kc_trace *t);
/* After KC_DONE: the window's counts; -1 if no checkpoint was seen. */
int kc_trace_result(const struct kc_trace *t, struct kc_counts *c,
		    char *err, size_t errlen);
/* The first pc >= w.entry_floor run (the kernel's entry, MMU off). */
uint64_t kc_trace_first_pc(const struct kc_trace *t);
/* Lines or TBs the parser could not make sense of. */
uint64_t kc_trace_unknown(const struct kc_trace *t);

/* Functions, for attributing the window's instructions: [start, end). */
struct kc_func {
	uint64_t start, end;
	char name[56];
};

struct kc_funcs {
	struct kc_func *f;
	size_t nr, cap;
};

/* Add the text symbols of kallsyms/System.map-like text: "MBSYM" and
 * "MBFUN" lines (and plain "addr type name" lines) start functions,
 * "MBEND" lines only end the one before.  Sorted, ends filled in. */
int kc_funcs_parse(const char *text, size_t n, struct kc_funcs *fs);
int kc_funcs_add(struct kc_funcs *fs, uint64_t start, uint64_t end,
		 const char *name);
void kc_funcs_sort(struct kc_funcs *fs);
void kc_funcs_free(struct kc_funcs *fs);

/* Per function of fs (index fs->nr: outside every one), inside the
 * window: instructions and entries (blocks starting at its start). */
struct kc_fstat {
	uint64_t insns, entries;
};
void kc_trace_set_funcs(struct kc_trace *t, const struct kc_funcs *fs);
/* The window's per-function counts (at the last checkpoint), or NULL. */
const struct kc_fstat *kc_trace_fstats(const struct kc_trace *t);

/* Diagnostics: every block run in the window, "pc insns execs func". */
void kc_trace_dump_tbs(const struct kc_trace *t, FILE *f);

/* ---- kcheck/rsp.c: the GDB remote serial protocol, client side ------ */

/* "$payload#cs" into out (escaping $#}*); returns its length or -1. */
int kc_rsp_encode(const char *payload, char *out, size_t outlen);
/* One packet from in[0..n): payload into out (NUL-terminated).
 * Returns bytes consumed (> 0), 0 need more, -1 bad checksum/format.
 * Leading '+', '-' and noise before '$' are consumed. */
int kc_rsp_decode(const char *in, size_t n, char *out, size_t outlen,
		  size_t *plen);
int kc_hex_le64(const char *hex, uint64_t *v);

struct kc_rsp {
	int fd;
	char in[65536];
	size_t in_len;
};

int kc_rsp_connect(struct kc_rsp *r, const char *path, double deadline,
		   char *err, size_t errlen);
void kc_rsp_close(struct kc_rsp *r);
int kc_rsp_send(struct kc_rsp *r, const char *payload);
/* Wait for one packet until deadline; 0 ok, -1 error/timeout. */
int kc_rsp_recv(struct kc_rsp *r, char *out, size_t outlen,
		double deadline);
/* A packet already buffered or readable now: 1, 0 none, -1 error. */
int kc_rsp_poll(struct kc_rsp *r, char *out, size_t outlen);
int kc_rsp_cmd(struct kc_rsp *r, const char *payload, char *out,
	       size_t outlen, double deadline);
int kc_rsp_read_mem(struct kc_rsp *r, uint64_t addr, void *buf, size_t len,
		    double deadline);
/* Register number of a system register from the target description. */
int kc_rsp_sysreg(struct kc_rsp *r, const char *name, double deadline);

/* ---- kcheck/map.c: the linear map as runs ----------------------------- */

struct kc_run {
	uint64_t va, desc, count;
	int level, table;
};

struct kc_map {
	struct kc_run *runs;
	size_t nr, cap;
	uint64_t digest;
	uint64_t tables;	/* table pages walked (kernel side) */
};

int kc_map_add(struct kc_map *m, const struct kc_run *r);
void kc_map_free(struct kc_map *m);
/* One "MBMAP ..." / "MBTBL ..." line; 1 added, 0 not such a line,
 * -1 malformed. */
int kc_map_parse_line(struct kc_map *m, const char *line);
/* Runs equal?  Else the first differences into buf (a few lines). */
int kc_map_compare(const struct kc_map *a, const struct kc_map *b,
		   char *buf, size_t len, uint64_t *ndiff);
void kc_run_format(const struct kc_run *r, char *buf, size_t len);

/*
 * The tree TTBR1 points at: granule, VA size (64 - T1SZ), the level of
 * its root (as the architecture numbers levels: 16K pages at 47-bit VA
 * start at level 1), and where descriptors keep an output address.
 */
struct kc_geom {
	unsigned int page_shift;	/* 12, 14 or 16 */
	unsigned int va_bits;
	int start_level;		/* 0..3 */
	unsigned int entries;		/* descriptors a table page */
	unsigned int root_entries;	/* descriptors of the root */
	bool lpa2;			/* TCR_EL1.DS: OA[51:50] in bits 9:8 */
	uint64_t addr_mask;		/* descriptor bits of the address */
	uint64_t linear_start, linear_end;	/* PAGE_OFFSET, PAGE_END */
};

int kc_geom_init(struct kc_geom *g, unsigned int page_shift,
		 unsigned int va_bits, bool ds, char *err, size_t errlen);
/* From TCR_EL1: TG1, T1SZ, DS. */
int kc_geom_from_tcr(uint64_t tcr, struct kc_geom *g, char *err,
		     size_t errlen);
/* log2 of the span of one descriptor at a level. */
unsigned int kc_level_shift(const struct kc_geom *g, int level);

/* Tables read at physical addresses (through a reader, len bytes a
 * page), digested and cut into runs exactly like the guest does it:
 * the descriptors of VAs in [linear_start, linear_end). */
typedef int (*kc_page_reader)(void *ctx, uint64_t pa, void *page,
			      size_t len);
int kc_map_read(kc_page_reader rd, void *ctx, const struct kc_geom *g,
		uint64_t root_pa, struct kc_map *m, char *err, size_t errlen);

/* ---- kcheck.c ----------------------------------------------------------- */

#endif
