/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel-check's command line (kcheck/opts.c): the options, parsed and
 * checked once, and the defaults that follow from the Image and the CPU
 * model.
 */
#ifndef MAPBENCH_KCHECK_OPTS_H
#define MAPBENCH_KCHECK_OPTS_H

#include <stdbool.h>

#include <mapbench/abi.h>

struct kc_image;

#define KC_MAX_KERNELS	32

struct kc_opts {
	const char *kernels[KC_MAX_KERNELS];	/* --kernel, in order */
	unsigned int nkernels;
	const char *kernel;		/* the one being checked */
	bool json_append;		/* not the first: keep what is there */
	const char *symbols, *json, *qemu, *cpu, *guest;
	const char *config;		/* --config, else beside the Image */
	const char *layout;
	struct mb_bank bank;
	unsigned int rodata;
	int strategy;			/* -1: the closest */
	unsigned int timeout;
	int verbose;
	int kernel_only;		/* --kernel-only: no mapbench side */
	bool force_bbml2;		/* --force-bbml2 */
	int window;			/* --window: enum kc_window_kind, -1
					 * from the kernel's version */
};

/*
 * argv into o, every default filled in.  A bad option exits with the
 * usage error (mb_die); --help prints mb_kernel_check_usage and exits.
 * 0, or MB_EXIT_USAGE/MB_EXIT_VMM (said on stderr) for a --json file
 * that cannot be written.
 */
int kc_parse_opts(int argc, char **argv, struct kc_opts *o);
/* The strategy nearest the kernel's release: v6.10 from 6.10, else base. */
int kc_closest_strategy(const struct kc_image *img);
/* Does QEMU's CPU model offer FEAT_LPA2 (and FEAT_LPA)? */
bool kc_cpu_has_lpa2(const char *cpu);

#endif /* MAPBENCH_KCHECK_OPTS_H */
