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

static const struct mb_opt kc_opts[] = {
	MB_OPT("kernel", 'k', false, required_argument, "IMAGE", MB_ARG_FILE,
	       NULL, "The arm64 kernel to boot: an Image or a gzip'd vmlinuz "
	       "(up to 32, checked one after the other, each with the "
	       "config beside it, into one table). Required."),
	MB_OPT("mem", 'm', false, required_argument, "SIZE", MB_ARG_NONE,
	       NULL, "Guest RAM at 0x40000000, whole MiB, at least 64M "
	       "(default 1G)."),
	MB_OPT("layout", 'l', false, required_argument, "SPEC|PRESET",
	       MB_ARG_LAYOUT, NULL, "RAM as a layout of one bank at "
	       "0x40000000 (QEMU virt has one)."),
	MB_OPT("rodata", 'r', false, required_argument, "full|on|off",
	       MB_ARG_CHOICE, "full|on|off", "The kernel's rodata= (default "
	       "full), and the strategy's."),
	MB_OPT("symbols", 'y', false, required_argument, "System.map|vmlinux",
	       MB_ARG_FILE, NULL, "The kernel's symbols (e.g. the -dbg "
	       "package's); default: read from a one-off boot of the Image, "
	       "cached per Image."),
	MB_OPT("strategy", 's', false, required_argument, "NAME",
	       MB_ARG_STRATEGY, NULL, "What to compare with (default: the "
	       "strategy of the kernel's version: base before 6.10, v6.10, "
	       "v6.18 from 6.18, v7.2 from 7.2)."),
	MB_OPT("cpu", 'c', false, required_argument, "MODEL", MB_ARG_CHOICE,
	       "max,lpa2=off|max", "QEMU's -cpu for both sides (default "
	       "max,lpa2=off; max lets LPA2 kernels run 52-bit VA)."),
	MB_OPT("json", 'j', false, required_argument, "FILE", MB_ARG_FILE,
	       NULL, "Write a record for the kernel (strategy \"kernel\") "
	       "and one for the strategy, in the format report and compare "
	       "read."),
	MB_OPT("timeout", 't', false, required_argument, "SECONDS",
	       MB_ARG_NONE, NULL, "Per QEMU run, 1..86400 (default 600)."),
	MB_OPT("qemu", 'q', false, required_argument, "PATH", MB_ARG_FILE,
	       NULL, "The QEMU binary (default qemu-system-aarch64)."),
	MB_OPT("guest", 'g', false, required_argument, "ELF", MB_ARG_FILE,
	       NULL, "The mapbench guest for the strategy's side (default: "
	       "the one built for the kernel's granule and VA size)."),
	MB_OPT("config", 'C', false, required_argument, "KERNEL-CONFIG",
	       MB_ARG_FILE, NULL, "The kernel's .config (default "
	       "config-RELEASE beside the Image, as Debian ships it): its VA "
	       "size and LPA2."),
	MB_FLAG("kernel-only", 'K', false, "Measure and print the kernel's "
		"side alone."),
	MB_OPT("window", 'w', false, required_argument, "auto|nomap|map-mem",
	       MB_ARG_CHOICE, "auto|nomap|map-mem", "Which map_mem() window "
	       "to look for when the version does not say (nomap up to "
	       "7.1, map-mem from 7.2; default auto)."),
	MB_FLAG("force-bbml2", 'B', false, "The strategy's side takes the "
		"BBML2 block path as on a CPU the kernel trusts."),
	MB_FLAG("verbose", 'v', true, "The QEMU command lines and the "
		"kernel's console."),
	MB_OPT_HELP,
	MB_OPT_END
};

const struct mb_cmd mb_kernel_check_cmd = {
	.name = "kernel-check",
	.summary = "a real kernel's map_mem() against a strategy, "
		   "instruction by instruction",
	.synopsis = "--kernel IMAGE",
	.text = "Boots a real arm64 kernel under QEMU TCG, counts every "
		"instruction and every TLBI, DSB and ISB it executes in "
		"map_mem() (from the kernel's own symbols), reads its final "
		"linear map, then runs the mapbench guest with the strategy "
		"on the same RAM and compares the two: op counts, "
		"instructions and the tables.\n\n"
		"To check a kernel tree: build it (arm64), then mapbench "
		"kernel-check --kernel arch/arm64/boot/Image --symbols "
		"System.map --mem 2G --json mine.json; mapbench compare "
		"before.json after.json gates it commit by commit.",
	.opts = kc_opts,
};

int kc_parse_opts(int argc, char **argv, struct kc_opts *o)
{
	struct mb_getopt gopt = { 0 };
	char err[MB_ERRLEN];
	unsigned long ul;
	int c, v;

	*o = (struct kc_opts){
		.qemu = "qemu-system-aarch64", .cpu = KC_DEFAULT_CPU,
		.strategy = -1, .timeout = KC_DEFAULT_TIMEOUT,
		.rodata = MB_RODATA_FULL, .window = -1,
	};
	while ((c = mb_cli_getopt(&mb_kernel_check_cmd, &gopt, argc, argv,
				     MB_EXIT_USAGE)) != -1) {
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
			if (mb_layout_resolve(optarg, mb_preset_dir(), b, &nr,
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
