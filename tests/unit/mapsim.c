// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapsim: run the unit tier's simulated engine on a given layout and
 * print its op counts and table digest as JSON, so the TCG and KVM tiers
 * can assert that the real guest did exactly what the unit tier did.
 *
 *   mapsim --bank BASE:SIZE [--bank ...] --kernel START:END
 *          [--image START:END] [--kfence SIZE] [--rodata full|on|off]
 *          [--strategy NAME] [--data START:END] [--bbml]
 *
 * --bbml: the CPU answered yes to the kernel's BBML2/BBML3 question
 * (the record's cpu_features.block_path): v6.18 and v7.2 take their
 * block path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "pgtable.h"
#include "sim.h"
#include "simenv.h"

static int strategy_id(const char *name)
{
#define ID(id, sym, cli, desc) if (!strcmp(name, cli)) return id;
	MB_STRATEGY_LIST(ID)
#undef ID
	return -1;
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
	struct simenv e;
	uint64_t ks = 0, ke = 0, is = 0, ie = 0, kf = 0, ds = 0, de = 0;
	unsigned int nr = 0, rodata = MB_RODATA_FULL;
	int strategy = MB_STRAT_base, bbml = 0;
	const char *why;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--bank") && i + 1 < argc &&
		    nr < MB_MAX_BANKS) {
			pair(argv[++i], &banks[nr].base, &banks[nr].size);
			nr++;
		} else if (!strcmp(argv[i], "--kernel") && i + 1 < argc) {
			pair(argv[++i], &ks, &ke);
		} else if (!strcmp(argv[i], "--data") && i + 1 < argc) {
			pair(argv[++i], &ds, &de);
		} else if (!strcmp(argv[i], "--kfence") && i + 1 < argc) {
			kf = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--bbml")) {
			bbml = 1;
		} else if (!strcmp(argv[i], "--image") && i + 1 < argc) {
			pair(argv[++i], &is, &ie);
		} else if (!strcmp(argv[i], "--rodata") && i + 1 < argc) {
			i++;
			rodata = !strcmp(argv[i], "on") ? MB_RODATA_ON :
				 !strcmp(argv[i], "off") ? MB_RODATA_OFF :
				 MB_RODATA_FULL;
		} else if (!strcmp(argv[i], "--strategy") && i + 1 < argc) {
			strategy = strategy_id(argv[++i]);
			if (strategy < 0) {
				fprintf(stderr, "mapsim: unknown strategy %s\n",
					argv[i]);
				return 2;
			}
		} else {
			fprintf(stderr, "mapsim: bad argument '%s'\n",
				argv[i]);
			return 2;
		}
	}
	why = nr ? simenv_init(&e, banks, nr, strategy, rodata, ks, ke,
				       ie, kf, bbml) :
		   "no --bank";
	if (why) {
		fprintf(stderr, "mapsim: %s\n", why);
		return 2;
	}
	e.mm.data_start = ds;
	e.mm.data_end = de;
	if (simenv_map_mem(&e))
		return 1;
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
	       (unsigned long long)simenv_digest());
	return 0;
}
