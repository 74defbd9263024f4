// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM: one anonymous mapping per bank.
 *
 * The mapping is MAP_NORESERVE and never touched here, so a 1 TiB guest
 * costs address space only: pages are allocated when the guest (or the
 * loader) first writes them.  The usable start is placed so that
 * hva % 2 MiB == gpa % 2 MiB, which lets the host back guest blocks with
 * huge pages when a later policy asks for them; the baseline forbids THP
 * so that every guest page is a host base page.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mapbench.h"

#define MB_HVA_ALIGN	(UINT64_C(2) << 20)

int mb_ram_alloc(struct mb_ram *ram, uint64_t gpa, uint64_t size,
		 char *err, size_t errlen)
{
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t off = gpa & (MB_HVA_ALIGN - 1);
	uintptr_t base, hva;
	size_t len;
	void *map;

	memset(ram, 0, sizeof(*ram));
	if (psz <= 0 || (psz & (psz - 1))) {
		snprintf(err, errlen, "cannot read the host page size");
		return -1;
	}
	if (!size || ((size | gpa) & (uint64_t)(psz - 1))) {
		snprintf(err, errlen,
			 "guest RAM 0x%llx+0x%llx is not aligned to the host page size (%ld)",
			 (unsigned long long)gpa, (unsigned long long)size,
			 psz);
		return -1;
	}
	if (gpa + size < gpa || size > SIZE_MAX - MB_HVA_ALIGN) {
		snprintf(err, errlen, "guest RAM 0x%llx+0x%llx is too large",
			 (unsigned long long)gpa, (unsigned long long)size);
		return -1;
	}

	/* The slack lets us slide the start to the wanted 2 MiB phase. */
	len = size + MB_HVA_ALIGN;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED) {
		snprintf(err, errlen,
			 "cannot map %llu MiB of guest RAM: %s",
			 (unsigned long long)(size >> 20), strerror(errno));
		return -1;
	}

	base = (uintptr_t)map;
	hva = ((base - off + MB_HVA_ALIGN - 1) & ~(uintptr_t)(MB_HVA_ALIGN - 1))
	      + off;
	if (hva < base)
		hva += MB_HVA_ALIGN;

	/* Kernels without THP reject the advice; they back with 4K anyway. */
	if (madvise((void *)hva, size, MADV_NOHUGEPAGE) && errno != EINVAL) {
		snprintf(err, errlen, "madvise(MADV_NOHUGEPAGE) on guest RAM: %s",
			 strerror(errno));
		munmap(map, len);
		return -1;
	}

	ram->hva = (uint8_t *)hva;
	ram->gpa = gpa;
	ram->size = size;
	ram->map = map;
	ram->map_len = len;
	return 0;
}

void mb_ram_free(struct mb_ram *ram)
{
	if (ram->map)
		munmap(ram->map, ram->map_len);
	memset(ram, 0, sizeof(*ram));
}
