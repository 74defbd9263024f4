// SPDX-License-Identifier: GPL-2.0-only
/*
 * kernel-check's inputs: the arm64 Image (raw, or gzip'd as a vmlinuz;
 * the arm64 boot header has "ARM\x64" at byte 56), its version from the
 * "Linux version" banner, its symbols (System.map, kallsyms text or a
 * vmlinux's ELF symbol table), and the newc cpio of the one-off symbol
 * boot.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <mapbench/abi.h>

#include "util.h"
#include "image.h"

const char *const kc_sym_names[KC_NR_SYMS] = {
#define KC_SYM_NAME(id, name) name,
	KC_SYM_LIST(KC_SYM_NAME)
#undef KC_SYM_NAME
};

#define ARM64_MAGIC_OFF	56
#define IMAGE_MAX	(512u << 20)

int kc_image_kind(const unsigned char *b, size_t n)
{
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return 1;
	if (n >= ARM64_MAGIC_OFF + 4 &&
	    !memcmp(b + ARM64_MAGIC_OFF, "ARM\x64", 4))
		return 0;
	return -1;
}

#define ARM64_FLAGS_OFF	24

int kc_image_page_shift(const unsigned char *b, size_t n)
{
	static const int shift[4] = { 0, 12, 14, 16 };
	uint64_t flags = 0;

	if (kc_image_kind(b, n) != 0)
		return -1;
	for (int i = 7; i >= 0; i--)
		flags = flags << 8 | b[ARM64_FLAGS_OFF + i];
	return shift[(flags >> 1) & 3];
}

/* "NAME=value" at a line start in text: value's start, else NULL. */
static const char *kconfig_value(const char *text, size_t n,
				 const char *name)
{
	size_t l = strlen(name);

	for (const char *p = text; p && p < text + n; ) {
		const char *e = memchr(p, '\n', text + n - p);

		if ((size_t)(text + n - p) > l && !memcmp(p, name, l) &&
		    p[l] == '=')
			return p + l + 1;
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

int kc_kconfig_parse(const char *text, size_t n, struct kc_kconfig *k)
{
	static const struct { const char *name; unsigned int shift; } pg[] = {
		{ "CONFIG_ARM64_4K_PAGES", 12 },
		{ "CONFIG_ARM64_16K_PAGES", 14 },
		{ "CONFIG_ARM64_64K_PAGES", 16 },
	};
	const char *v;

	k->page_shift = k->va_bits = 0;
	k->lpa2 = false;
	for (size_t i = 0; i < sizeof(pg) / sizeof(pg[0]); i++) {
		v = kconfig_value(text, n, pg[i].name);
		if (v && *v == 'y')
			k->page_shift = pg[i].shift;
	}
	v = kconfig_value(text, n, "CONFIG_ARM64_VA_BITS");
	if (v)
		k->va_bits = strtoul(v, NULL, 10);
	v = kconfig_value(text, n, "CONFIG_ARM64_LPA2");
	k->lpa2 = v && *v == 'y';
	return k->page_shift && k->va_bits ? 0 : -1;
}

int kc_kconfig_load(const char *path, struct kc_kconfig *k, char *err,
		    size_t errlen)
{
	size_t len;
	char *text = mb_read_file(path, 1 << 24, &len);
	int bad;

	if (!text)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "cannot read the kernel config %s", path);
	bad = kc_kconfig_parse(text, len, k);
	free(text);
	if (bad)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "%s: not an arm64 kernel .config (no page size or VA size)",
			       path);
	snprintf(k->path, sizeof(k->path), "%s", path);
	return 0;
}

int kc_banner_parse(const char *buf, size_t n, char *ver, size_t vlen,
		    int *major, int *minor, int *patch)
{
	static const char key[] = "Linux version ";
	const char *p = buf, *e = buf + n;

	while ((p = memmem(p, e - p, key, sizeof(key) - 1))) {
		const char *v = p + sizeof(key) - 1, *ve = v;
		int a, b, c = 0;

		while (ve < e && ve - v < 63 && *ve > ' ' && *ve < 127)
			ve++;
		p = v;
		if (ve == v || !(*v >= '0' && *v <= '9'))
			continue;
		if ((size_t)(ve - v) >= vlen)
			return -1;
		memcpy(ver, v, ve - v);
		ver[ve - v] = '\0';
		if (sscanf(ver, "%d.%d.%d", &a, &b, &c) < 2)
			continue;
		*major = a;
		*minor = b;
		*patch = c;
		return 0;
	}
	return -1;
}

static uint64_t fnv_file(const unsigned char *b, size_t n)
{
	return mb_fnv1a(MB_FNV_OFFSET, b, n);
}

static unsigned char *read_file(const char *path, size_t *len, char *err,
				size_t errlen, int *code)
{
	struct stat st;
	unsigned char *buf;

	*code = MB_EXIT_USAGE;
	if (stat(path, &st)) {
		mb_errf(1, err, errlen, "cannot open %s: %s", path,
			strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > IMAGE_MAX) {
		mb_errf(1, err, errlen, "%s: not a regular file of at most 512 MiB",
			path);
		return NULL;
	}
	buf = (unsigned char *)mb_read_file(path, IMAGE_MAX, len);
	if (!buf)
		mb_errf(1, err, errlen, "cannot read %s", path);
	return buf;
}

/* gunzip path to a temp file, its contents into *out. */
static int gunzip(const char *path, struct kc_image *img, unsigned char **out,
		  size_t *olen, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	size_t cap = 64u << 20, len = 0;
	unsigned char *buf = malloc(cap);
	gzFile gz = gzopen(path, "rb");
	int fd, n;

	if (!gz || !buf) {
		free(buf);
		if (gz)
			gzclose(gz);
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "%s: cannot unpack (gzip)", path);
	}
	while ((n = gzread(gz, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			unsigned char *b;

			if (cap >= IMAGE_MAX)
				break;
			b = realloc(buf, cap * 2);
			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
	}
	if (n < 0 || !len || len == cap || !gzeof(gz)) {
		gzclose(gz);
		free(buf);
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "%s: cannot unpack: corrupt or truncated gzip data",
			       path);
	}
	gzclose(gz);
	snprintf(img->path, sizeof(img->path), "%s/mapbench-image-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(img->path);
	if (fd < 0 || mb_write_all(fd, buf, len)) {
		if (fd >= 0) {
			close(fd);
			unlink(img->path);
		}
		free(buf);
		return mb_errf(MB_EXIT_VMM, err, errlen,
			       "cannot write the unpacked Image to a temp file");
	}
	close(fd);
	img->unpacked = 1;
	*out = buf;
	*olen = len;
	return 0;
}

int kc_image_open(const char *path, struct kc_image *img, char *err,
		  size_t errlen)
{
	unsigned char *buf, *raw = NULL;
	size_t len, rlen = 0;
	int code, kind;
	const char *bp;

	memset(img, 0, sizeof(*img));
	buf = read_file(path, &len, err, errlen, &code);
	if (!buf)
		return code;
	kind = kc_image_kind(buf, len);
	if (kind < 0) {
		free(buf);
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "%s: not an arm64 kernel Image (no \"ARM\\x64\" magic at byte 56, not gzip)",
			       path);
	}
	if (kind == 1) {
		code = gunzip(path, img, &raw, &rlen, err, errlen);
		free(buf);
		if (code)
			return code;
		buf = raw;
		len = rlen;
		if (kc_image_kind(buf, len) != 0) {
			kc_image_close(img);
			free(buf);
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "%s: unpacks to something that is not an arm64 kernel Image",
				       path);
		}
	} else {
		snprintf(img->path, sizeof(img->path), "%s", path);
	}
	img->size = len;
	img->hash = fnv_file(buf, len);
	img->page_shift = kc_image_page_shift(buf, len);
	/* arm64 booting.rst: image_size, little-endian, at byte 16 */
	for (int i = 7; i >= 0; i--)
		img->image_size = img->image_size << 8 | buf[16 + i];
	if (kc_banner_parse((const char *)buf, len, img->version,
			    sizeof(img->version), &img->major, &img->minor,
			    &img->patch)) {
		kc_image_close(img);
		free(buf);
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "%s: no \"Linux version\" banner in the Image",
			       path);
	}
	bp = memmem(buf, len, "Linux version ", 14);
	if (bp) {
		size_t n = strnlen(bp, len - (bp - (const char *)buf));

		if (n >= sizeof(img->banner))
			n = sizeof(img->banner) - 1;
		memcpy(img->banner, bp, n);
		img->banner[n] = '\0';
		for (char *c = img->banner; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = '\0';
	}
	free(buf);
	return 0;
}

void kc_image_close(struct kc_image *img)
{
	if (img->unpacked)
		unlink(img->path);
	img->unpacked = 0;
}

static int sym_index(const char *name, size_t n)
{
	for (int i = 0; i < KC_NR_SYMS; i++)
		if (strlen(kc_sym_names[i]) == n &&
		    !memcmp(kc_sym_names[i], name, n))
			return i;
	return -1;
}

int kc_symtab_parse(const char *text, size_t n, struct kc_syms *s)
{
	const char *p = text, *e = text + n;
	int found = 0;

	while (p < e) {
		const char *nl = memchr(p, '\n', e - p), *le = nl ? nl : e;
		const char *q = p, *name;
		uint64_t addr = 0;
		int digits = 0, idx;

		if (le - p > 6 && !memcmp(p, "MBSYM ", 6))
			q += 6;		/* the symbol boot's lines */
		for (; q < le && digits <= 16; q++, digits++) {
			int d = *q >= '0' && *q <= '9' ? *q - '0' :
				*q >= 'a' && *q <= 'f' ? *q - 'a' + 10 : -1;

			if (d < 0)
				break;
			addr = addr << 4 | d;
		}
		/* "<16 hex> <type> <name>[\t[module]]" */
		if (digits == 16 && q + 3 < le && q[0] == ' ' &&
		    q[2] == ' ') {
			const char *ne;

			name = q + 3;
			ne = name;
			while (ne < le && *ne != ' ' && *ne != '\t' &&
			       *ne != '\r')
				ne++;
			idx = sym_index(name, ne - name);
			if (idx >= 0 && !s->addr[idx]) {
				s->addr[idx] = addr;
				found++;
			}
		}
		p = nl ? nl + 1 : e;
	}
	return found;
}

int kc_syms_missing(const struct kc_syms *s, char *buf, size_t len)
{
	size_t o = 0;
	int n = 0;

	if (len)
		buf[0] = '\0';
	for (int i = 0; i < KC_NR_SYMS; i++) {
		/* only 7.2's map_mem() needs them; older kallsyms may not
		 * list them */
		if (s->addr[i] || i == KC_SYM_init_end ||
		    i == KC_SYM_bss_stop || i == KC_SYM_bbml2 ||
		    i == KC_SYM_bbml3 || i == KC_SYM_end)
			continue;
		n++;
		if (o < len)
			o += snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
				      kc_sym_names[i]);
	}
	return n;
}

int kc_elf_each_sym(Elf *e, int (*fn)(void *ctx, const GElf_Sym *sym,
				      const char *name), void *ctx)
{
	Elf_Scn *scn = NULL;
	int r = 0;

	while (!r && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; !r && d && i < sh.sh_size / sh.sh_entsize;
		     i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(d, i, &sym))
				break;
			name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (name)
				r = fn(ctx, &sym, name);
		}
	}
	return r;
}

static int sym_from_elf(void *ctx, const GElf_Sym *sym, const char *name)
{
	struct kc_syms *s = ctx;
	int idx = sym_index(name, strlen(name));

	if (idx >= 0 && !s->addr[idx] && sym->st_value)
		s->addr[idx] = sym->st_value;
	return 0;
}

static int syms_from_elf(const char *path, struct kc_syms *s, char *err,
			 size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;
	Elf *e;
	GElf_Ehdr eh;

	if (fd < 0)
		return mb_errf(MB_EXIT_USAGE, err, errlen, "cannot open %s: %s",
			       path, strerror(errno));
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || !gelf_getehdr(e, &eh) || eh.e_machine != EM_AARCH64) {
		ret = mb_errf(MB_EXIT_USAGE, err, errlen,
			      "%s: not an arm64 ELF vmlinux", path);
		goto out;
	}
	kc_elf_each_sym(e, sym_from_elf, s);
	snprintf(s->source, sizeof(s->source), "vmlinux");
out:
	if (e)
		elf_end(e);
	close(fd);
	return ret;
}

int kc_syms_load(const char *path, struct kc_syms *s, char *err,
		 size_t errlen)
{
	unsigned char *buf;
	size_t len;
	int code;

	memset(s, 0, sizeof(*s));
	buf = read_file(path, &len, err, errlen, &code);
	if (!buf)
		return code;
	if (len >= 4 && !memcmp(buf, "\x7f" "ELF", 4)) {
		free(buf);
		return syms_from_elf(path, s, err, errlen);
	}
	kc_symtab_parse((const char *)buf, len, s);
	free(buf);
	snprintf(s->source, sizeof(s->source), "System.map");
	return 0;
}

void kc_syms_cache_path(uint64_t hash, char *dir, size_t dlen, char *path,
			size_t plen)
{
	mb_cache_dir("kallsyms", dir, dlen);
	snprintf(path, plen, "%s/%016" PRIx64 ".v3.map", dir, hash);
}

/* ---- the newc cpio of the symbol boot ------------------------------------ */

static int cpio_entry(FILE *f, const char *name, unsigned int mode,
		      unsigned int rmaj, unsigned int rmin, const void *data,
		      size_t len, unsigned int ino)
{
	static const char zero[4];
	size_t nlen = strlen(name) + 1;

	if (fprintf(f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		    ino, mode, 0, 0, 1, 0, len, 0, 0, rmaj, rmin, nlen,
		    0) != 110)
		return -1;
	if (fwrite(name, 1, nlen, f) != nlen ||
	    fwrite(zero, 1, (4 - (110 + nlen) % 4) % 4, f) !=
	    (4 - (110 + nlen) % 4) % 4)
		return -1;
	if (len && fwrite(data, 1, len, f) != len)
		return -1;
	if (fwrite(zero, 1, (4 - len % 4) % 4, f) != (4 - len % 4) % 4)
		return -1;
	return 0;
}

int kc_cpio_write(const char *path, const void *init, size_t init_len,
		  char *err, size_t errlen)
{
	FILE *f = fopen(path, "wbe");
	int bad;

	if (!f)
		return mb_errf(MB_EXIT_VMM, err, errlen, "cannot create %s: %s",
			       path, strerror(errno));
	bad = cpio_entry(f, "dev", 040755, 0, 0, NULL, 0, 1) ||
	      cpio_entry(f, "dev/console", 020600, 5, 1, NULL, 0, 2) ||
	      cpio_entry(f, "init", 0100755, 0, 0, init, init_len, 3) ||
	      cpio_entry(f, "TRAILER!!!", 0, 0, 0, NULL, 0, 0);
	if (fclose(f))
		bad = 1;
	if (bad) {
		unlink(path);
		return mb_errf(MB_EXIT_VMM, err, errlen, "cannot write %s",
			       path);
	}
	return 0;
}
