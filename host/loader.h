/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest ELF (loader.c): its PT_LOAD segments into guest RAM, and what
 * the image was built for.
 */
#ifndef MAPBENCH_LOADER_H
#define MAPBENCH_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include <mapbench/abi.h>

/* A bank of guest RAM in this process (memslots.c); the loader writes
 * into it (hva NULL: check only). */
struct mb_ram {
	uint8_t *hva;			/* aligned start, == gpa base */
	uint64_t gpa;
	uint64_t size;
	void *map;			/* what munmap() takes */
	size_t map_len;
};

/* Load the guest ELF's PT_LOAD segments into RAM; what the
 * image was built for in *info. */
int mb_elf_load(const char *path, const struct mb_ram *ram,
		uint64_t *entry, struct mb_image_info *info, char *err,
		size_t errlen);

#endif /* MAPBENCH_LOADER_H */
