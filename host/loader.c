// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest ELF loader.  The guest is linked at its physical address and
 * entered with the MMU off, so PT_LOADs go to p_paddr and e_entry is a
 * physical address too.  The file is untrusted input: every field is
 * checked before any byte of guest RAM is written, so a rejected file
 * leaves RAM as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

struct mb_seg {
	size_t idx;			/* program header index, for messages */
	uint64_t pa, memsz, filesz, off;
	int exec;
};

struct mb_elf {
	const char *path;
	int fd;
	uint64_t file_size;
	Elf *elf;
	struct mb_seg *segs;
	size_t nr_segs;
	uint64_t entry;
	uint64_t phoff, phentsize, phnum;	/* phnum: PN_XNUM if many */
	char *err;
	size_t errlen;
};

#define ferr(e, fmt, ...) \
	snprintf((e)->err, (e)->errlen, "%s: " fmt, (e)->path, ##__VA_ARGS__)

static int elf_open(struct mb_elf *e)
{
	struct stat st;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		ferr(e, "libelf is too old: %s", elf_errmsg(-1));
		return -1;
	}
	e->fd = open(e->path, O_RDONLY | O_CLOEXEC);
	if (e->fd < 0) {
		ferr(e, "%s", strerror(errno));
		return -1;
	}
	if (fstat(e->fd, &st)) {
		ferr(e, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		ferr(e, "not a regular file");
		return -1;
	}
	e->file_size = st.st_size;
	e->elf = elf_begin(e->fd, ELF_C_READ, NULL);
	if (!e->elf || elf_kind(e->elf) != ELF_K_ELF) {
		ferr(e, "not an ELF file");
		return -1;
	}
	return 0;
}

static int check_ehdr(struct mb_elf *e, GElf_Ehdr *eh)
{
	if (!gelf_getehdr(e->elf, eh)) {
		ferr(e, "bad ELF header: %s", elf_errmsg(-1));
		return -1;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64) {
		ferr(e, "not a 64-bit ELF (class %u)", eh->e_ident[EI_CLASS]);
		return -1;
	}
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		ferr(e, "not a little-endian ELF (data %u)",
		     eh->e_ident[EI_DATA]);
		return -1;
	}
	if (eh->e_machine != EM_AARCH64) {
		ferr(e, "not an aarch64 ELF (e_machine %u)", eh->e_machine);
		return -1;
	}
	if (eh->e_type != ET_EXEC) {
		ferr(e, "not a static executable (e_type %u)", eh->e_type);
		return -1;
	}
	e->entry = eh->e_entry;
	e->phoff = eh->e_phoff;
	e->phentsize = eh->e_phentsize;
	e->phnum = eh->e_phnum;
	return 0;
}

static int ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Checks of one PT_LOAD on its own; all sums are proven not to wrap. */
static int check_seg(struct mb_elf *e, const struct mb_ram *ram,
		     const struct mb_seg *s)
{
	const uint64_t rsv = MB_PARAMS_GPA;
	const uint64_t rsv_len = MB_RESULT_GPA + 0x1000 - MB_PARAMS_GPA;

	if (s->filesz > s->memsz) {
		ferr(e, "segment %zu: file size 0x%llx exceeds memory size 0x%llx",
		     s->idx, (unsigned long long)s->filesz,
		     (unsigned long long)s->memsz);
		return -1;
	}
	if (s->off > e->file_size || s->filesz > e->file_size - s->off) {
		ferr(e, "segment %zu: bytes 0x%llx+0x%llx beyond the end of the file",
		     s->idx, (unsigned long long)s->off,
		     (unsigned long long)s->filesz);
		return -1;
	}
	if (s->pa < ram->gpa || s->pa - ram->gpa > ram->size ||
	    s->memsz > ram->size - (s->pa - ram->gpa)) {
		ferr(e, "segment %zu at 0x%llx+0x%llx outside guest RAM",
		     s->idx, (unsigned long long)s->pa,
		     (unsigned long long)s->memsz);
		return -1;
	}
	/* In RAM, so pa + memsz cannot wrap from here on. */
	if (ranges_overlap(s->pa, s->memsz, rsv, rsv_len)) {
		ferr(e, "segment %zu at 0x%llx overlaps the params/result pages",
		     s->idx, (unsigned long long)s->pa);
		return -1;
	}
	return 0;
}

static int collect_segs(struct mb_elf *e, const struct mb_ram *ram)
{
	uint64_t total = 0;
	size_t phnum, i, j;
	GElf_Phdr ph;

	if (elf_getphdrnum(e->elf, &phnum)) {
		ferr(e, "bad program headers: %s", elf_errmsg(-1));
		return -1;
	}
	/*
	 * libelf quietly counts only the headers present in a truncated
	 * file.  phnum < 2^32, phentsize < 2^16: the product cannot wrap.
	 */
	if ((e->phnum != PN_XNUM && phnum != e->phnum) ||
	    e->phoff > e->file_size ||
	    phnum * e->phentsize > e->file_size - e->phoff) {
		ferr(e, "program headers beyond the end of the file");
		return -1;
	}
	e->segs = calloc(phnum ? phnum : 1, sizeof(*e->segs));
	if (!e->segs) {
		ferr(e, "out of memory");
		return -1;
	}
	for (i = 0; i < phnum; i++) {
		struct mb_seg *s = &e->segs[e->nr_segs];

		if (!gelf_getphdr(e->elf, i, &ph)) {
			ferr(e, "bad program header %zu: %s", i, elf_errmsg(-1));
			return -1;
		}
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		*s = (struct mb_seg){ .idx = i, .pa = ph.p_paddr,
				      .memsz = ph.p_memsz,
				      .filesz = ph.p_filesz,
				      .off = ph.p_offset,
				      .exec = !!(ph.p_flags & PF_X) };
		if (check_seg(e, ram, s))
			return -1;
		for (j = 0; j < e->nr_segs; j++) {
			if (ranges_overlap(s->pa, s->memsz, e->segs[j].pa,
					   e->segs[j].memsz)) {
				ferr(e, "segments %zu and %zu overlap",
				     e->segs[j].idx, s->idx);
				return -1;
			}
		}
		/* Segments are disjoint inside RAM: the sum cannot wrap. */
		total += s->memsz;
		e->nr_segs++;
	}
	if (!e->nr_segs) {
		ferr(e, "no loadable segments");
		return -1;
	}
	/* The guest image is one 2 MiB block (abi.h); also bounds zeroing. */
	if (total > MB_IMAGE_MAX) {
		ferr(e, "segments need 0x%llx bytes, the image may use 0x%lx",
		     (unsigned long long)total, (unsigned long)MB_IMAGE_MAX);
		return -1;
	}
	return 0;
}

static int check_entry(struct mb_elf *e)
{
	size_t i;

	for (i = 0; i < e->nr_segs; i++) {
		const struct mb_seg *s = &e->segs[i];

		if (s->exec && e->entry >= s->pa &&
		    e->entry - s->pa < s->filesz && !(e->entry & 3))
			return 0;
	}
	ferr(e, "entry point 0x%llx is not in an executable segment",
	     (unsigned long long)e->entry);
	return -1;
}

/* The MB_IMAGE_SECTION note: this ABI's, a granule and VA size. */
static int read_image_info(struct mb_elf *e, struct mb_image_info *info)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(e->elf, &shstrndx)) {
		ferr(e, "no section names: %s", elf_errmsg(-1));
		return -1;
	}
	while ((scn = elf_nextscn(e->elf, scn))) {
		const char *name;
		Elf_Data *d;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			break;
		name = elf_strptr(e->elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, MB_IMAGE_SECTION))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || d->d_size != sizeof(*info)) {
			ferr(e, "section %s is not %zu bytes", MB_IMAGE_SECTION,
			     sizeof(*info));
			return -1;
		}
		memcpy(info, d->d_buf, sizeof(*info));
		if (info->magic != MB_IMAGE_MAGIC ||
		    info->abi_version != MB_ABI_VERSION) {
			ferr(e, "not a guest image of ABI version %u",
			     MB_ABI_VERSION);
			return -1;
		}
		if ((info->page_shift != 12 && info->page_shift != 14 &&
		     info->page_shift != 16) ||
		    info->va_bits < 36 || info->va_bits > 52) {
			ferr(e, "image built for page shift %u, %u-bit VA: not an arm64 Linux configuration",
			     info->page_shift, info->va_bits);
			return -1;
		}
		return 0;
	}
	ferr(e, "no %s section: not a mapbench guest image (ABI %u)",
	     MB_IMAGE_SECTION, MB_ABI_VERSION);
	return -1;
}

static int copy_seg(struct mb_elf *e, const struct mb_ram *ram,
		    const struct mb_seg *s)
{
	uint8_t *dst = ram->hva + (s->pa - ram->gpa);
	uint64_t done = 0;

	while (done < s->filesz) {
		uint64_t want = s->filesz - done;
		ssize_t n;

		if (want > (1u << 30))
			want = 1u << 30;
		n = pread(e->fd, dst + done, want, s->off + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ferr(e, "segment %zu: %s", s->idx,
			     n ? strerror(errno) : "file shrank while loading");
			return -1;
		}
		done += n;
	}
	memset(dst + s->filesz, 0, s->memsz - s->filesz);
	return 0;
}

int mb_elf_load(const char *path, const struct mb_ram *ram,
		uint64_t *entry, struct mb_image_info *info, char *err,
		size_t errlen)
{
	struct mb_elf e = { .path = path, .fd = -1, .err = err,
			    .errlen = errlen };
	GElf_Ehdr eh;
	int ret = -1;
	size_t i;

	if (elf_open(&e) || check_ehdr(&e, &eh) || collect_segs(&e, ram) ||
	    check_entry(&e) || read_image_info(&e, info))
		goto out;
	/* ram->hva == NULL: validate only (the TCG path, before QEMU) */
	for (i = 0; ram->hva && i < e.nr_segs; i++)
		if (copy_seg(&e, ram, &e.segs[i]))
			goto out;
	*entry = e.entry;
	ret = 0;
out:
	free(e.segs);
	if (e.elf)
		elf_end(e.elf);
	if (e.fd >= 0)
		close(e.fd);
	return ret;
}
