// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel image a run models: each strategy's reference kernel's, as
 * Debian builds it, or one read from a file (kimage.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cpufeat.h"
#include "kimage.h"
#include "kcheck/image.h"

/*
 * Debian's arm64 builds, read from the kernels themselves (kallsyms of
 * a nokaslr boot, as kernel-check reads them; _end from the Image
 * header's image_size).  tests/ref checks each row against the kernel it
 * names.  6.1's kallsyms list neither __init_end nor __bss_stop: only
 * 7.2's map_mem() needs them.
 */
static const struct ref_image {
	const char *kernel;		/* "6.18" */
	unsigned int page_shift;
	const char *debian;		/* package version */
	const char *release;		/* uname -r */
	uint64_t stext, init_begin, init_end, bss_stop, end;
} ref_images[] = {
	{ "6.1", 12, "6.1.192-3", "6.1.0-57-arm64",
	  0x10000, 0x1660000, 0, 0, 0x2010000 },
	{ "6.12", 12, "6.12.118-1~deb12u1", "6.12.118+deb12-arm64",
	  0x10000, 0x1d10000, 0x2680000, 0x2b269d0, 0x2b40000 },
	{ "6.18", 12, "6.18.15-1~bpo13+1", "6.18.15+deb13-arm64",
	  0x10000, 0x2190000, 0x2520000, 0x2a9a730, 0x2ab0000 },
	{ "6.18", 14, "6.18.15-1~bpo13+1", "6.18.15+deb13-arm64-16k",
	  0x10000, 0x21c0000, 0x2580000, 0x2b1a730, 0x2b40000 },
	{ "7.3", 12, "7.3.4-1~bpo13+1", "7.3.4+deb13-arm64",
	  0x10000, 0x2700000, 0x2b00000, 0x321e000, 0x3240000 },
	{ "7.3", 14, "7.3.4-1~bpo13+1", "7.3.4+deb13-arm64-16k",
	  0x10000, 0x2730000, 0x2b70000, 0x32a0000, 0x32d0000 },
};

/* The kernel a strategy is faithful to: the merged ones their own; the
 * proposals on 6.9 (docs/STRATEGIES.md) build on 6.1's map_mem(), and
 * the BBML2 branches are 6.18's. */
static const char *ref_kernel(unsigned int strategy)
{
	switch (strategy) {
	case MB_STRAT_v6_10:
		return "6.12";
	case MB_STRAT_v6_18:
	case MB_STRAT_bbml2_blocks:
	case MB_STRAT_bbml2_repaint:
		return "6.18";
	case MB_STRAT_v7_2:
		return "7.3";
	default:
		return "6.1";
	}
}

void mb_kimage_default(unsigned int strategy, unsigned int page_shift,
		       struct mb_kimage *k)
{
	const char *kern = ref_kernel(strategy);
	const struct ref_image *best = NULL;

	/* that granule's build, else the nearest smaller granule's */
	for (size_t i = 0; i < sizeof(ref_images) / sizeof(*best); i++) {
		const struct ref_image *r = &ref_images[i];

		if (strcmp(r->kernel, kern) || r->page_shift > page_shift)
			continue;
		if (!best || r->page_shift > best->page_shift)
			best = r;
	}
	memset(k, 0, sizeof(*k));
	k->source = MB_KIMAGE_DEFAULT;
	if (!best)		/* not reached: every kernel has a 4K row */
		return;
	snprintf(k->version, sizeof(k->version), "%s", best->release);
	if (best->page_shift == page_shift)
		snprintf(k->name, sizeof(k->name), "Debian %s %s",
			 best->debian, best->release);
	else
		snprintf(k->name, sizeof(k->name),
			 "Debian %s %s (Debian builds no %s %s)",
			 best->debian, best->release, kern,
			 mb_granule_name(page_shift));
	k->stext = best->stext;
	k->init_begin = best->init_begin;
	k->init_end = best->init_end;
	k->bss_stop = best->bss_stop;
	k->end = best->end;
}

/* An Image: its symbols from kernel-check's cache, _end from its header */
static int from_image(const char *path, const struct kc_image *img,
		      struct kc_syms *s, char *err, size_t errlen)
{
	char dir[4096], map[4200];
	char *text;
	size_t len;

	kc_syms_cache_path(img->hash, dir, sizeof(dir), map, sizeof(map));
	text = mb_read_file(map, 0, &len);
	if (!text)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "--kernel-image %s: no symbols for this Image (an Image has none): `mapbench kernel-check --kernel %s` reads and caches them in one boot, or give its vmlinux or System.map instead",
			       path, path);
	kc_symtab_parse(text, len, s);
	free(text);
	/* _text, as kernel-check takes it, when kallsyms omits it (6.1) */
	if (!s->addr[KC_SYM_text] && s->addr[KC_SYM_stext])
		s->addr[KC_SYM_text] = s->addr[KC_SYM_stext] & ~0x1fffffULL;
	if (img->image_size && s->addr[KC_SYM_text])
		s->addr[KC_SYM_end] = s->addr[KC_SYM_text] + img->image_size;
	return 0;
}

int mb_kimage_from_file(const char *path, struct mb_kimage *k, char *err,
			size_t errlen)
{
	struct kc_image img;
	struct kc_syms s;
	char why[MB_ERRLEN];
	uint64_t t;
	int ret;

	memset(k, 0, sizeof(*k));
	memset(&s, 0, sizeof(s));
	k->source = MB_KIMAGE_FILE;
	snprintf(k->name, sizeof(k->name), "%s", path);
	if (!kc_image_open(path, &img, why, sizeof(why))) {
		snprintf(k->version, sizeof(k->version), "%s", img.version);
		ret = from_image(path, &img, &s, err, errlen);
		kc_image_close(&img);
		if (ret)
			return ret;
	} else if (kc_syms_load(path, &s, why, sizeof(why))) {
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "--kernel-image %s: neither an arm64 Image nor a vmlinux or System.map",
			       path);
	}
	if (!s.addr[KC_SYM_text] && s.addr[KC_SYM_stext])
		s.addr[KC_SYM_text] = s.addr[KC_SYM_stext] & ~0x1fffffULL;
	t = s.addr[KC_SYM_text];
	if (!t || !s.addr[KC_SYM_stext] || !s.addr[KC_SYM_init_begin])
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "--kernel-image %s: its symbols lack _stext or __init_begin",
			       path);
	if (s.addr[KC_SYM_stext] < t ||
	    s.addr[KC_SYM_init_begin] <= s.addr[KC_SYM_stext] ||
	    s.addr[KC_SYM_init_begin] - t > (1ULL << 30) ||
	    (s.addr[KC_SYM_end] && s.addr[KC_SYM_end] < s.addr[KC_SYM_init_begin]))
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "--kernel-image %s: _text, _stext, __init_begin and _end are not in order within 1 GiB",
			       path);
	k->stext = s.addr[KC_SYM_stext] - t;
	k->init_begin = s.addr[KC_SYM_init_begin] - t;
	if (s.addr[KC_SYM_end])
		k->end = s.addr[KC_SYM_end] - t;
	if (s.addr[KC_SYM_init_end] && s.addr[KC_SYM_bss_stop] &&
	    s.addr[KC_SYM_init_end] >= s.addr[KC_SYM_init_begin] &&
	    s.addr[KC_SYM_bss_stop] > s.addr[KC_SYM_init_end] &&
	    s.addr[KC_SYM_bss_stop] - t <= (1ULL << 30)) {
		k->init_end = s.addr[KC_SYM_init_end] - t;
		k->bss_stop = s.addr[KC_SYM_bss_stop] - t;
	}
	return 0;
}

int mb_kimage_params(const struct mb_kimage *k, struct mb_params *p,
		     char *err, size_t errlen)
{
	uint64_t page = 1ULL << (p->page_shift ? p->page_shift : 12);
	uint64_t text = p->banks[0].base + MB_KIMAGE_LOAD_OFFSET;
	uint64_t top = p->banks[0].base + p->banks[0].size;
	uint64_t last;

	p->alias_text = p->alias_stext = p->alias_end = 0;
	p->alias_init_end = p->alias_bss_stop = 0;
	if (k->source == MB_KIMAGE_GUEST)
		return 0;
	last = text + (k->end > k->bss_stop ? k->end : k->bss_stop);
	if (last < text + k->init_begin)
		last = text + k->init_begin;
	if (!p->nr_banks || last > top)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "the kernel image modelled (%s, %" PRIu64 " MiB from 2 MiB above RAM) does not fit the first bank: a larger first bank, or --kernel-image guest",
			       k->name, (last - text) >> 20);
	p->alias_text = text;
	p->alias_stext = text + (k->stext & ~(page - 1));
	p->alias_end = text + ((k->init_begin + page - 1) & ~(page - 1));
	if (k->bss_stop) {
		p->alias_init_end = text + (k->init_end & ~(page - 1));
		if (p->alias_init_end < p->alias_end)
			p->alias_init_end = p->alias_end;
		p->alias_bss_stop = text + k->bss_stop;
	}
	return 0;
}

const char *mb_kimage_source_name(enum mb_kimage_source s)
{
	switch (s) {
	case MB_KIMAGE_DEFAULT:
		return "default";
	case MB_KIMAGE_GUEST:
		return "guest";
	default:
		return "file";
	}
}
