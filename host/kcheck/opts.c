// SPDX-License-Identifier: GPL-2.0-only
/*
 * kernel-check's command line: its options parsed and checked once,
 * before anything runs, and the defaults that follow from the Image
 * (the closest strategy) and the CPU model (LPA2 offered or not).
 */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "record.h"
#include "layout.h"
#include "window.h"
#include "cli.h"
#include "image.h"
#include "opts.h"

#define KC_DEFAULT_CPU		"max,lpa2=off"
#define KC_DEFAULT_TIMEOUT	600

/* Does QEMU's CPU model offer FEAT_LPA2 (and FEAT_LPA)?  Only "max"
 * does among the models a kernel boots on, unless told lpa2=off. */
bool kc_cpu_has_lpa2(const char *cpu)
{
	return (!strcmp(cpu, "max") || !strncmp(cpu, "max,", 4)) &&
	       !strstr(cpu, "lpa2=off");
}

/* The strategy of the newest kernel at or before this one's version
 * (6.19 .. 7.1 take v6.18's: their PTEs have PTE_DIRTY back). */
int kc_closest_strategy(const struct kc_image *img)
{
	int v = img->major * 1000 + img->minor;

	if (v >= 7002)
		return MB_STRAT_v7_2;
	if (v >= 6018)
		return MB_STRAT_v6_18;
	if (v >= 6010)
		return MB_STRAT_v6_10;
	return MB_STRAT_base;
}

/*
 * The JSON file must be a file name as mb_write_atomic() takes it (exit
 * 1) and creatable: its directory writable, not a dir (exit 2, as what
 * `run` cannot write, README).  Checked before anything runs.
 */
static int check_output(const char *path)
{
	char d[PATH_MAX], err[MB_ERRLEN];
	struct stat st;
	bool dir;

	if (mb_check_file_name(path, err, sizeof(err))) {
		fprintf(stderr, "mapbench: %s\n", err);
		return MB_EXIT_USAGE;
	}
	dir = !stat(path, &st) && S_ISDIR(st.st_mode);
	snprintf(d, sizeof(d), "%s", path);
	if (dir || access(dirname(d), W_OK | X_OK)) {
		fprintf(stderr, "mapbench: cannot write %s: %s\n",
			path, dir ? "a directory" :
			"its directory is not writable");
		return MB_EXIT_VMM;
	}
	return 0;
}

const char mb_kernel_check_usage[] =
"usage: mapbench kernel-check --kernel IMAGE [--kernel IMAGE...]\n"
"                    [--mem SIZE | --layout SPEC]\n"
"                    [--rodata full|on|off] [--symbols System.map|vmlinux]\n"
"                    [--strategy NAME] [--cpu MODEL] [--json FILE]\n"
"                    [--timeout SECONDS] [--qemu PATH] [--guest ELF]\n"
"                    [--config KERNEL-CONFIG] [--kernel-only]\n"
"                    [--window auto|nomap|map-mem] [--force-bbml2] [-v]\n";

int kc_parse_opts(int argc, char **argv, struct kc_opts *o)
{
	static const struct option lo[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "mem", required_argument, NULL, 'm' },
		{ "layout", required_argument, NULL, 'l' },
		{ "rodata", required_argument, NULL, 'r' },
		{ "symbols", required_argument, NULL, 'y' },
		{ "strategy", required_argument, NULL, 's' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "qemu", required_argument, NULL, 'q' },
		{ "guest", required_argument, NULL, 'g' },
		{ "config", required_argument, NULL, 'C' },
		{ "kernel-only", no_argument, NULL, 'K' },
		{ "window", required_argument, NULL, 'w' },
		{ "force-bbml2", no_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char err[MB_ERRLEN];
	unsigned long ul;
	int c, v;

	*o = (struct kc_opts){
		.qemu = "qemu-system-aarch64", .cpu = KC_DEFAULT_CPU,
		.strategy = -1, .timeout = KC_DEFAULT_TIMEOUT,
		.rodata = MB_RODATA_FULL, .window = -1,
	};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vh", lo, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (o->nkernels == KC_MAX_KERNELS)
				mb_die("--kernel: at most %d kernels",
				       KC_MAX_KERNELS);
			o->kernels[o->nkernels++] = optarg;
			o->kernel = o->kernels[0];
			break;
		case 'm':
			if (mb_parse_size(optarg, &o->bank.size) ||
			    o->bank.size < MB_MIN_RAM || o->bank.size & 0xfffff)
				mb_die("--mem %s: a size of at least 64M, whole MiB",
				       optarg);
			o->bank.base = MB_RAM_BASE;
			break;
		case 'l': {
			struct mb_bank b[MB_MAX_BANKS];
			unsigned int nr = 0;

			o->layout = optarg;
			if (mb_layout_resolve(optarg, "configs/layouts", b, &nr,
					      err, sizeof(err)))
				mb_die("--layout: %s", err);
			if (nr != 1 || b[0].base != MB_RAM_BASE)
				mb_die("--layout %s: QEMU virt has one RAM bank at 0x40000000",
				       optarg);
			o->bank = b[0];
			break;
		}
		case 'r':
			v = mb_rodata_from_name(optarg);
			if (v < 0)
				mb_die("--rodata %s: full, on or off",
				       optarg);
			o->rodata = v;
			break;
		case 'y':
			o->symbols = optarg;
			break;
		case 's':
			v = mb_strategy_from_name(optarg);
			if (v < 0)
				mb_die("unknown strategy '%s' (mapbench list shows them)",
				       optarg);
			o->strategy = v;
			break;
		case 'c':
			o->cpu = optarg;
			break;
		case 'j':
			o->json = optarg;
			break;
		case 't':
			if (mb_parse_uint(optarg, 1, 86400, &ul))
				mb_die("--timeout %s: 1..86400 seconds",
				       optarg);
			o->timeout = ul;
			break;
		case 'q':
			o->qemu = optarg;
			break;
		case 'g':
			o->guest = optarg;
			break;
		case 'C':
			o->config = optarg;
			break;
		case 'K':
			o->kernel_only = 1;
			break;
		case 'B':
			o->force_bbml2 = true;
			break;
		case 'w':
			/* a tree whose version does not say which */
			if (!strcmp(optarg, "nomap"))
				o->window = KC_WIN_NOMAP;
			else if (!strcmp(optarg, "map-mem"))
				o->window = KC_WIN_MAP_MEM;
			else if (strcmp(optarg, "auto"))
				mb_die("--window %s: auto, nomap or map-mem",
				       optarg);
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			fputs(mb_kernel_check_usage, stdout);
			exit(0);
		default:
			mb_die_opt(MB_EXIT_USAGE, c, argv, "kernel-check");
		}
	}
	if (optind < argc)
		mb_die("unexpected argument '%s'", argv[optind]);
	if (!o->kernel)
		mb_die("--kernel IMAGE is required");
	/* one config, one guest image: one kernel */
	if (o->nkernels > 1 && (o->config || o->guest || o->symbols))
		mb_die("--config, --guest and --symbols name one kernel's: give one --kernel with them (several find their configs beside them)");
	if (!o->bank.size) {
		o->bank.base = MB_RAM_BASE;
		o->bank.size = 1ULL << 30;
	}
	if (o->guest && access(o->guest, R_OK))
		mb_die("no mapbench guest at %s (make guest, or --guest)",
		       o->guest);
	if (o->json)
		return check_output(o->json);
	return 0;
}
