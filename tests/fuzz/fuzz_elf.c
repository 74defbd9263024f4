// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: the guest ELF loader on arbitrary files.  The file
 * goes in through a memfd (the loader takes a path), RAM is a 4 MiB
 * buffer at the guest RAM base, as much as the image area needs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"
#include "loader.h"

#define RAM_SIZE	(MB_IMAGE_GPA + MB_IMAGE_MAX - MB_RAM_BASE)

static uint8_t *ram_buf;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_ram ram = { .gpa = MB_RAM_BASE, .size = RAM_SIZE };
	char path[64], err[MB_ERRLEN];
	struct mb_image_info info;
	uint64_t entry;
	int fd;

	if (!ram_buf) {
		ram_buf = malloc(RAM_SIZE);
		if (!ram_buf)
			abort();
	}
	ram.hva = ram_buf;
	fd = memfd_create("elf", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	if (mb_elf_load(path, &ram, &entry, &info, err, sizeof(err))) {
		/* a refusal is one line */
		if (!err[0] || strchr(err, '\n'))
			abort();
	} else if (entry < MB_RAM_BASE || entry >= MB_RAM_BASE + RAM_SIZE) {
		abort();
	}
	close(fd);
	return 0;
}
