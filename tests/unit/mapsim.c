// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapsim: run the unit tier's simulated engine on a given layout and
 * print its op counts and table digest as JSON, so the TCG and KVM tiers
 * can assert that the real guest did exactly what the unit tier did.
 *
 *   mapsim --bank BASE:SIZE [--bank ...] --kernel START:END
 *          [--rodata full|on|off] [--strategy base]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENGINE(x) x##_sim
#include "engine.c"
#include "digest.h"
#include "sim.h"

static uint64_t rd(const void *ctx, uint64_t pa, int idx)
{
	uint64_t *w = sim_phys(pa + idx * 8);

	(void)ctx;
	return w ? *w : 0;
}

static void pair(const char *s, uint64_t *a, uint64_t *b)
{
	char *end;

	*a = strtoull(s, &end, 0);
	if (*end != ':') {
		fprintf(stderr, "mapsim: '%s' is not A:B\n", s);
		exit(2);
	}
	*b = strtoull(end + 1, &end, 0);
	if (*end) {
		fprintf(stderr, "mapsim: '%s' is not A:B\n", s);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct mb_bank banks[MB_MAX_BANKS];
	struct mb_memblock mblk;
	struct sim_layout l = { 0 };
	struct mb_mm mm = { 0 };
	uint64_t ks = 0, ke = 0, img, root;
	unsigned int nr = 0, rodata = MB_RODATA_FULL;
	const char *why;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--bank") && i + 1 < argc &&
		    nr < MB_MAX_BANKS) {
			pair(argv[++i], &banks[nr].base, &banks[nr].size);
			nr++;
		} else if (!strcmp(argv[i], "--kernel") && i + 1 < argc) {
			pair(argv[++i], &ks, &ke);
		} else if (!strcmp(argv[i], "--rodata") && i + 1 < argc) {
			i++;
			rodata = !strcmp(argv[i], "on") ? MB_RODATA_ON :
				 !strcmp(argv[i], "off") ? MB_RODATA_OFF :
				 MB_RODATA_FULL;
		} else if (!strcmp(argv[i], "--strategy") && i + 1 < argc) {
			if (strcmp(argv[++i], "base")) {
				fprintf(stderr, "mapsim: only base\n");
				return 2;
			}
		} else {
			fprintf(stderr, "mapsim: bad argument '%s'\n",
				argv[i]);
			return 2;
		}
	}
	why = nr ? memblock_init(&mblk, banks, nr) : "no --bank";
	if (why) {
		fprintf(stderr, "mapsim: %s\n", why);
		return 2;
	}
	/* the guest's boot state: image at MB_IMAGE_GPA, statics in it */
	img = MB_IMAGE_GPA;
	root = img + 0x100000;
	l.ram_base = banks[0].base;
	l.ram_end = banks[nr - 1].base + banks[nr - 1].size;
	l.image_pa = img;
	l.swapper_pa = root;
	l.bm_pte_pa = root + PAGE_SIZE;
	sim_reset(&l);
	memblock_reserve(&mblk, MB_RAM_BASE, img - MB_RAM_BASE);
	memblock_reserve(&mblk, img, MB_IMAGE_MAX);
	mm.pgd = mm.swapper = KIMAGE_VADDR + (root - img);
	mm.bm_pte = mm.pgd + PAGE_SIZE;
	mm.phys_offset = banks[0].base & ~(MEMSTART_ALIGN - 1);
	mm.mblk = &mblk;
	mm.rodata = rodata;
	mm.kernel_start = ks;
	mm.kernel_end = ke;

	if (setjmp(sim_panic_jmp)) {
		fprintf(stderr, "mapsim: engine panic: status %u line %u\n",
			sim_panic_status, sim_panic_line);
		return 1;
	}
	map_mem_sim(&mm);
	if (sim_errors) {
		fprintf(stderr, "mapsim: simulator: %s\n", sim_first_error);
		return 1;
	}

	printf("{\"counts\": {");
	{
		const char *sep = "";

#define P(name)	do {							\
		printf("%s\"%s\": %llu", sep, #name,			\
		       (unsigned long long)mb_counters.name);		\
		sep = ", ";						\
	} while (0);
		MB_COUNTER_LIST(P)
#undef P
	}
	printf("}, \"digest\": \"0x%016llx\"}\n",
	       (unsigned long long)mb_digest_root(rd, NULL, root));
	return 0;
}
