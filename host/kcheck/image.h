/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel-check's inputs (kcheck/image.c): the arm64 Image and its
 * version, the kernel's .config, its symbols (System.map, kallsyms text
 * or a vmlinux's ELF symbol table) and the cpio of the symbol boot.
 */
#ifndef MAPBENCH_KCHECK_IMAGE_H
#define MAPBENCH_KCHECK_IMAGE_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	uint64_t image_size;		/* header: _end - _text; 0: unsaid */
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
	X(init_end, "__init_end")	\
	X(bss_stop, "__bss_stop")	\
	X(paging_init, "paging_init")	\
	X(mark_nomap, "memblock_mark_nomap")	\
	X(clear_nomap, "memblock_clear_nomap")	\
	X(allow_resize, "memblock_allow_resize")	\
	X(set_fixmap, "__set_fixmap")	\
	X(pgtable_alloc, "early_pgtable_alloc")	\
	X(bbml2, "cpu_supports_bbml2_noabort")	\
	X(bbml3, "cpu_supports_bbml3")	\
	X(end, "_end")

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
/* Where the symbol boot's kallsyms lines of the Image with this hash
 * are cached: $MAPBENCH_CACHE/kallsyms/<hash>.v3.map (else under
 * $XDG_CACHE_HOME or ~/.cache/mapbench). */
void kc_syms_cache_path(uint64_t hash, char *dir, size_t dlen, char *path,
			size_t plen);
/* --symbols FILE: a System.map or an ELF vmlinux. */
int kc_syms_load(const char *path, struct kc_syms *s, char *err,
		 size_t errlen);

/* newc cpio with /init (mode 0755) and /dev/console. */
int kc_cpio_write(const char *path, const void *init, size_t init_len,
		  char *err, size_t errlen);

#endif /* MAPBENCH_KCHECK_IMAGE_H */
