/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel image a run models (kimage.c).  map_mem() maps the kernel's
 * own image apart from the rest of RAM -- 6.1 .. 7.1 its NOMAP alias
 * [_stext or _text, __init_begin), 7.2 that and [__init_end, __bss_stop)
 * first -- so the image's extent and where it starts are part of the
 * map.  By default a run models its strategy's reference kernel, a
 * Debian arm64 build (docs/STRATEGIES.md); `run --kernel-image` takes
 * another Image's, or the guest's own (256 KiB, no init section).
 */
#ifndef MAPBENCH_KIMAGE_H
#define MAPBENCH_KIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include <mapbench/abi.h>

enum mb_kimage_source {
	MB_KIMAGE_DEFAULT,		/* the strategy's reference kernel */
	MB_KIMAGE_GUEST,		/* the guest ELF's own image */
	MB_KIMAGE_FILE,			/* --kernel-image FILE */
};

/* _text is loaded this far above the first bank's base, as QEMU's virt
 * board and the EFI stub place an arm64 Image (a 2 MiB boundary). */
#define MB_KIMAGE_LOAD_OFFSET	(2ULL << 20)

struct mb_kimage {
	enum mb_kimage_source source;
	char name[192];			/* "Debian 6.18.15-1~bpo13+1 (...)" */
	char version[64];		/* the kernel release; "" unknown */
	/* offsets from _text; 0: unknown (init_end, bss_stop: 7.2's
	 * map_mem() needs them, older kernels' symbols may not list them) */
	uint64_t stext, init_begin, init_end, bss_stop, end;
};

/* The strategy's reference kernel's image at this granule (the nearest
 * Debian build when Debian has none at that granule, said in name). */
void mb_kimage_default(unsigned int strategy, unsigned int page_shift,
		       struct mb_kimage *k);
/*
 * --kernel-image FILE: an arm64 Image (raw or gzip'd) whose symbols
 * kernel-check has cached, a vmlinux, or a System.map.  0, or
 * MB_EXIT_USAGE with one line in err.
 */
int mb_kimage_from_file(const char *path, struct mb_kimage *k, char *err,
			size_t errlen);
/*
 * The guest's alias_* parameters for k, its _text MB_KIMAGE_LOAD_OFFSET
 * above the first bank, rounded out to the granule; nothing for the
 * guest's own image.  0, or MB_EXIT_USAGE when the image does not fit
 * the first bank.
 */
int mb_kimage_params(const struct mb_kimage *k, struct mb_params *p,
		     char *err, size_t errlen);
const char *mb_kimage_source_name(enum mb_kimage_source s);

#endif /* MAPBENCH_KIMAGE_H */
