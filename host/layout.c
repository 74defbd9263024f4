// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM layouts: the --layout syntax, named presets, the checks every
 * layout passes before a VM exists, and the arithmetic on banks (top of
 * RAM, IPA bits, where the guest's page tables will land).
 *
 *   --mem SIZE              one bank of SIZE at 0x40000000
 *   --layout SPEC           ITEM[,ITEM]... where an ITEM is
 *      BASE:SIZE            one bank at BASE
 *      [Nx]SIZE[@gap=GAP]   N banks (default 1) of SIZE: the first GAP
 *                           above the previous bank's end (at 0x40000000
 *                           when it is the first item), each next one GAP
 *                           above the end of the one before
 *   --layout NAME           the preset configs/layouts/NAME.layout
 *   --layout DIR/FILE       a layout file: ITEMs, one or more a line,
 *                           '#' starts a comment
 *
 * BASE is 0x-hex or a size ("16G"); SIZE and GAP are sizes (K/M/G/T).
 * A layout starts at mapbench's RAM base (where the params, the record
 * and the guest image live), is ascending, disjoint, 4K aligned, below
 * 2^48, and spans at most the 48-bit linear map (2^47 bytes).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "layout.h"

#define SZ_4K		UINT64_C(0x1000)
#define SZ_2M		(UINT64_C(1) << 21)
#define SZ_1G		(UINT64_C(1) << 30)
#define SZ_512G		(UINT64_C(1) << 39)
#define PA_LIMIT	(UINT64_C(1) << 48)
#define LINEAR_SPAN	(UINT64_C(1) << 47)	/* PAGE_END - PAGE_OFFSET */
#define ITEM_MAX	64
#define LAYOUT_FILE_MAX	16384

/* The message into err, one line; -1. */

/* "0x40000000:64G", for messages. */
static void bank_str(const struct mb_bank *b, char *buf, size_t len)
{
	char sz[32];

	mb_format_size(b->size, sz, sizeof(sz));
	snprintf(buf, len, "0x%llx:%s", (unsigned long long)b->base, sz);
}

/* s[0..n): 0x-hex, "0" when zero is allowed, or a size. */
static int parse_num(const char *s, size_t n, int zero_ok, uint64_t *v)
{
	char buf[40];
	size_t i;

	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
		uint64_t x = 0;

		if (n == 2 || n > 18)
			return -1;
		for (i = 2; i < n; i++) {
			char c = buf[i];
			int d = c >= '0' && c <= '9' ? c - '0' :
				c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

			if (d < 0)
				return -1;
			x = x << 4 | d;
		}
		*v = x;
		return 0;
	}
	if (zero_ok && n == 1 && buf[0] == '0') {
		*v = 0;
		return 0;
	}
	return mb_parse_size(buf, v);
}

/* "[Nx]SIZE[@gap=GAP]" starting at *next; appends to b[]. */
static int parse_run_item(const char *it, size_t n, struct mb_bank *b,
			  unsigned int *nr, uint64_t *next, char *err,
			  size_t errlen)
{
	const char *x = memchr(it, 'x', n), *at = memchr(it, '@', n);
	const char *sz = it, *end = at ? at : it + n;
	uint64_t count = 1, size, gap = 0;

	/* "0x..." is a hex size, not a count */
	if (n > 1 && it[0] == '0' && (it[1] == 'x' || it[1] == 'X'))
		x = NULL;
	if (x && x < end) {
		if (x == it || parse_num(it, x - it, 0, &count) ||
		    count > MB_MAX_BANKS)
			return mb_errf(-1, err, errlen,
				       "'%.*s': the bank count must be 1..%d",
				       (int)n, it, MB_MAX_BANKS);
		sz = x + 1;
	}
	if (parse_num(sz, end - sz, 0, &size))
		return mb_errf(-1, err, errlen,
			       "'%.*s' is not a size (e.g. 64G)",
			       (int)(end - sz), sz);
	if (at) {
		const char *g = at + 1;
		size_t gl = it + n - g;

		if (gl < 4 || strncmp(g, "gap=", 4))
			return mb_errf(-1, err, errlen,
				       "'%.*s': the only option after '@' is gap=SIZE",
				       (int)n, it);
		if (parse_num(g + 4, gl - 4, 1, &gap))
			return mb_errf(-1, err, errlen,
				       "'%.*s' is not a gap size",
				       (int)(gl - 4), g + 4);
	}
	for (uint64_t i = 0; i < count; i++) {
		uint64_t base = *next;

		if (*nr || i)
			base += gap;
		if (base < *next || base + size < base)
			return mb_errf(-1, err, errlen,
				       "'%.*s' runs past 2^64", (int)n, it);
		if (*nr == MB_MAX_BANKS)
			return mb_errf(-1, err, errlen,
				       "more than %d RAM banks", MB_MAX_BANKS);
		b[*nr].base = base;
		b[*nr].size = size;
		(*nr)++;
		*next = base + size;
	}
	return 0;
}

int mb_layout_parse(const char *spec, struct mb_bank *b, unsigned int *nr,
		    char *err, size_t errlen)
{
	const char *p = spec;
	uint64_t next = MB_RAM_BASE;

	*nr = 0;
	if (!spec || !*spec)
		return mb_errf(-1, err, errlen, "empty layout");
	for (;;) {
		size_t n = strcspn(p, ",");
		const char *colon = memchr(p, ':', n);

		if (!n)
			return mb_errf(-1, err, errlen,
				       "empty item in '%.64s'", spec);
		if (n > ITEM_MAX)
			return mb_errf(-1, err, errlen,
				       "item '%.20s...' is too long", p);
		if (colon) {
			uint64_t base, size;

			if (parse_num(p, colon - p, 0, &base) ||
			    parse_num(colon + 1, p + n - colon - 1, 0, &size))
				return mb_errf(-1, err, errlen,
					       "'%.*s' is not BASE:SIZE (e.g. 0x80000000000:2G)",
					       (int)n, p);
			if (*nr == MB_MAX_BANKS)
				return mb_errf(-1, err, errlen,
					       "more than %d RAM banks",
					       MB_MAX_BANKS);
			b[*nr].base = base;
			b[*nr].size = size;
			(*nr)++;
			if (base + size < base)
				return mb_errf(-1, err, errlen,
					       "'%.*s' runs past 2^64", (int)n,
					       p);
			next = base + size;
		} else if (parse_run_item(p, n, b, nr, &next, err, errlen)) {
			return -1;
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	return mb_layout_check(b, *nr, err, errlen);
}

int mb_layout_check(const struct mb_bank *b, unsigned int nr, char *err,
		    size_t errlen)
{
	char s[48], t[48], sz[32];
	uint64_t top;

	if (!nr || nr > MB_MAX_BANKS)
		return mb_errf(-1, err, errlen,
			       "%u RAM banks; 1..%d allowed", nr, MB_MAX_BANKS);
	if (b[0].base != MB_RAM_BASE)
		return mb_errf(-1, err, errlen,
			       "the first bank starts at 0x%llx; it must start at 0x%lx, mapbench's RAM base (params, record and guest image)",
			       (unsigned long long)b[0].base,
			       (unsigned long)MB_RAM_BASE);
	for (unsigned int i = 0; i < nr; i++) {
		bank_str(&b[i], s, sizeof(s));
		if (!b[i].size || ((b[i].base | b[i].size) & (SZ_4K - 1)))
			return mb_errf(-1, err, errlen,
				       "bank %u (%s) is empty or not 4K aligned",
				       i, s);
		if (b[i].base + b[i].size < b[i].base ||
		    b[i].base + b[i].size > PA_LIMIT)
			return mb_errf(-1, err, errlen,
				       "bank %u (%s) ends beyond the 48-bit physical address space",
				       i, s);
		if (i && b[i].base < b[i - 1].base + b[i - 1].size) {
			bank_str(&b[i - 1], t, sizeof(t));
			return mb_errf(-1, err, errlen,
				       "bank %u (%s) overlaps or lies below bank %u (%s): banks must ascend without overlap",
				       i, s, i - 1, t);
		}
	}
	if (b[0].size < MB_MIN_RAM) {
		mb_format_size(b[0].size, sz, sizeof(sz));
		return mb_errf(-1, err, errlen,
			       "the first bank holds %s; it needs at least 64M (params, record, guest image)",
			       sz);
	}
	top = mb_layout_top(b, nr);
	/* PHYS_OFFSET is the RAM base rounded down to 1G: it is the base */
	if (top - MB_RAM_BASE > LINEAR_SPAN)
		return mb_errf(-1, err, errlen,
			       "RAM spans 0x%llx bytes from 0x%lx; the 48-bit linear map holds 128T",
			       (unsigned long long)(top - MB_RAM_BASE),
			       (unsigned long)MB_RAM_BASE);
	return 0;
}

void mb_layout_format(const struct mb_bank *b, unsigned int nr, char *buf,
		      size_t len)
{
	size_t o = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (unsigned int i = 0; i < nr && o < len; i++) {
		char s[48];

		bank_str(&b[i], s, sizeof(s));
		o += snprintf(buf + o, len - o, "%s%s", i ? "," : "", s);
	}
}

/*
 * A layout file's text -> one SPEC: comments and blanks dropped, lines
 * joined with ','.  Only printable ASCII is accepted.
 */
int mb_layout_from_text(const char *text, char *spec, size_t len,
			char *err, size_t errlen)
{
	size_t o = 0;
	int line = 1;

	if (!len)
		return mb_errf(-1, err, errlen, "no room for the layout");
	spec[0] = '\0';
	while (*text) {
		size_t n = strcspn(text, "\n"), keep;
		const char *hash = memchr(text, '#', n);

		keep = hash ? (size_t)(hash - text) : n;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = text[i];

			if ((c < 0x20 && c != '\t' && c != '\r') || c >= 0x7f)
				return mb_errf(-1, err, errlen,
					       "line %d: a control or non-ASCII byte",
					       line);
		}
		while (keep && strchr(" \t\r", text[keep - 1]))
			keep--;
		while (keep && strchr(" \t", *text)) {
			text++;
			keep--;
			n--;
		}
		if (keep) {
			if (o + keep + 2 > len)
				return mb_errf(-1, err, errlen,
					       "line %d: layout longer than %zu bytes",
					       line, len - 1);
			if (o)
				spec[o++] = ',';
			memcpy(spec + o, text, keep);
			o += keep;
			spec[o] = '\0';
		}
		text += n;
		if (*text == '\n')
			text++;
		line++;
	}
	if (!o)
		return mb_errf(-1, err, errlen, "no banks in the layout");
	return 0;
}

static int read_text(const char *path, char *buf, size_t len, char *err,
		     size_t errlen)
{
	struct stat st;
	size_t have = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mb_errf(-1, err, errlen,
			       "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return mb_errf(-1, err, errlen, "%s: not a regular file", path);
	}
	for (;;) {
		ssize_t r = read(fd, buf + have, len - 1 - have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			mb_errf(-1, err, errlen,
				"%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (!r)
			break;
		have += r;
		if (have == len - 1) {
			close(fd);
			return mb_errf(-1, err, errlen,
				       "%s: larger than %zu bytes", path,
				       len - 1);
		}
	}
	close(fd);
	buf[have] = '\0';
	if (strlen(buf) != have)
		return mb_errf(-1, err, errlen,
			       "%s: contains a NUL byte", path);
	return 0;
}

static int file_layout(const char *path, struct mb_bank *b, unsigned int *nr,
		       char *err, size_t errlen)
{
	char *text = malloc(LAYOUT_FILE_MAX), *spec = malloc(LAYOUT_FILE_MAX);
	char why[MB_ERRLEN];
	int ret = -1;

	if (!text || !spec) {
		mb_errf(-1, err, errlen, "out of memory");
		goto out;
	}
	if (read_text(path, text, LAYOUT_FILE_MAX, err, errlen))
		goto out;
	if (mb_layout_from_text(text, spec, LAYOUT_FILE_MAX, why,
				sizeof(why)) ||
	    mb_layout_parse(spec, b, nr, why, sizeof(why))) {
		mb_errf(-1, err, errlen, "%s: %s", path, why);
		goto out;
	}
	ret = 0;
out:
	free(text);
	free(spec);
	return ret;
}

/* The preset names in dir, space separated, for the error message. */
static void list_presets(const char *dir, char *buf, size_t len)
{
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	size_t o = 0;

	buf[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d)) && o < len) {
		size_t n = strlen(e->d_name);

		if (n > 7 && !strcmp(e->d_name + n - 7, ".layout") &&
		    e->d_name[0] != '.')
			o += snprintf(buf + o, len - o, "%s%.*s", o ? " " : "",
				      (int)(n - 7), e->d_name);
	}
	closedir(d);
}

static int preset_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 48 || !((*s >= 'a' && *s <= 'z') ||
			      (*s >= '0' && *s <= '9')))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

/* --layout ARG: a SPEC (starts with a digit), a file (has a '/'), or a
 * preset name looked up in preset_dir. */
int mb_layout_resolve(const char *arg, const char *preset_dir,
		      struct mb_bank *b, unsigned int *nr, char *err,
		      size_t errlen)
{
	char path[4096], names[256];

	if (!arg || !*arg)
		return mb_errf(-1, err, errlen, "empty layout");
	if (*arg >= '0' && *arg <= '9')
		return mb_layout_parse(arg, b, nr, err, errlen);
	if (strchr(arg, '/'))
		return file_layout(arg, b, nr, err, errlen);
	if (!preset_name_ok(arg) || strstr(arg, ".."))
		return mb_errf(-1, err, errlen,
			       "'%.64s' is neither a layout (BASE:SIZE,... or NxSIZE@gap=GAP) nor a preset name",
			       arg);
	if (preset_dir &&
	    (size_t)snprintf(path, sizeof(path), "%s/%s.layout", preset_dir,
			     arg) < sizeof(path) &&
	    !access(path, F_OK))
		return file_layout(path, b, nr, err, errlen);
	list_presets(preset_dir, names, sizeof(names));
	if (names[0])
		return mb_errf(-1, err, errlen,
			       "no preset '%s' (presets: %s)", arg, names);
	return mb_errf(-1, err, errlen,
		       "no preset '%s' (no preset directory %s)", arg,
		       preset_dir ? preset_dir : "found");
}

uint64_t mb_layout_top(const struct mb_bank *b, unsigned int nr)
{
	uint64_t top = 0;

	for (unsigned int i = 0; i < nr; i++)
		if (b[i].base + b[i].size > top)
			top = b[i].base + b[i].size;
	return top;
}

int mb_layout_misaligned(const struct mb_bank *b, unsigned int nr,
			 uint64_t align)
{
	for (unsigned int i = 0; i < nr; i++)
		if ((b[i].base | b[i].size) & (align - 1))
			return (int)i;
	return -1;
}

/* The IPA size KVM needs for RAM up to top: at least 32 bits. */
int mb_ipa_bits(uint64_t top)
{
	int bits = top > 1 ? 64 - __builtin_clzll(top - 1) : 0;

	return bits < 32 ? 32 : bits;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return a / b + !!(a % b);
}

/*
 * An upper bound of the page-table bytes the guest's top-down allocator
 * hands out: with PTE mappings one L3 table per 2M of each bank (plus the
 * partial ends), one L2 per 1G, one L1 per 512G; with block mappings one
 * L2 per 1G; plus temporary tables (idmap / temp-pgtable strategies: at
 * most one per 1G) and the kernel alias's L3s.  The host checks after the
 * run that the guest stayed inside it.
 */
uint64_t mb_table_bytes(const struct mb_params *p)
{
	int ptes = p->rodata == MB_RODATA_FULL &&
		   p->strategy != MB_STRAT_bbml2_blocks;
	uint64_t pages = 16;

	for (unsigned int i = 0; i < p->nr_banks && i < MB_MAX_BANKS; i++) {
		uint64_t sz = p->banks[i].size;

		if (ptes)
			pages += div_up(sz, SZ_2M) + 2;
		pages += div_up(sz, SZ_1G) + 2;		/* L2 */
		pages += div_up(sz, SZ_512G) + 2;	/* L1 */
		pages += div_up(sz, SZ_1G) + 2;		/* temporary */
	}
	return pages * SZ_4K;
}

/*
 * The top `bytes` of RAM as the top-down allocator walks it (highest bank
 * first, skipping holes), each range widened down to `align` but never
 * below its bank.  Returns the number of ranges, highest first.
 */
unsigned int mb_topdown_ranges(const struct mb_bank *b, unsigned int nr,
			       uint64_t bytes, uint64_t align,
			       struct mb_bank *out, unsigned int max)
{
	unsigned int n = 0;

	if (!align || (align & (align - 1)))
		align = SZ_4K;
	for (unsigned int i = nr; i-- > 0 && bytes && n < max;) {
		uint64_t top = b[i].base + b[i].size, lo;
		uint64_t take = bytes < b[i].size ? bytes : b[i].size;

		lo = (top - take) & ~(align - 1);
		if (lo < b[i].base)
			lo = b[i].base;
		out[n].base = lo;
		out[n].size = top - lo;
		n++;
		bytes -= take;
	}
	return n;
}
