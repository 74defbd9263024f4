// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench: the command line.  `mapbench run` boots the guest with the
 * chosen strategy and RAM, on KVM (arm64 hosts) or QEMU TCG (anywhere,
 * labelled emulated), and writes the result as JSON; matrix, report,
 * plot and compare are the analysis side (analysis/).  This file knows
 * where things are (presets, the guest ELF beside the binary) and turns
 * errors into exit codes; the options themselves are settled in
 * options.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mapbench.h"
#include "cli.h"

const char mb_run_usage[] =
"usage: mapbench run --mem SIZE | --layout SPEC|PRESET|FILE\n"
"                    [--strategy NAME] [--rodata full|on|off]\n"
"                    [--accel kvm|tcg] [--deterministic] [--json FILE]\n"
"                    [--guest ELF] [--timeout SECONDS] [--qemu PATH]\n"
"                    [--kfence[=SIZE]] [--backing anon|thp|hugetlb[:SIZE]]\n"
"                    [--prefault none|host|guest] [--cpu N] [--pmu]\n"
"                    [--iterations K] [--repeat N] [--window-exits]\n"
"                    [--inject fault|early-fault|hang|bad-record]\n"
"                    [-v|--verbose] [-h|--help]\n";

static const char other_usage[] =
"       mapbench list\n"
"       mapbench version\n";

/* Every command's usage, each as its command prints it. */
static void usage_all(FILE *f)
{
	static const char *const texts[] = {
		mb_run_usage, mb_matrix_usage, mb_report_usage,
		mb_plot_usage, mb_compare_usage, mb_lava_job_usage,
		mb_lava_board_usage, mb_lava_results_usage,
		mb_kernel_check_usage,
	};

	/* "usage:" once; the others' lines keep their alignment */
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (i)
			fputs("      ", f);
		fputs(i ? texts[i] + strlen("usage:") : texts[i], f);
	}
	fputs(other_usage, f);
}

static int cmd_list(void)
{
#define MB_STRAT_PRINT(id, name, cli, desc) \
	printf("%-16s %s\n", cli, desc);
	MB_STRATEGY_LIST(MB_STRAT_PRINT)
#undef MB_STRAT_PRINT
	return MB_EXIT_OK;
}

int mb_cmd_run(int argc, char **argv)
{
	struct mb_run_env env = {
		.preset_dir = mb_preset_dir(),
		.guest_elf = mb_default_guest(),
		.kvm_usable = mb_kvm_usable(),
	};
	struct mb_run_opts opts;
	char err[MB_ERRLEN];
	int ret;

	ret = mb_run_opts_parse(argc, argv, &env, &opts, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "mapbench: %s\n", err);
		return ret;
	}
	if (opts.help) {
		fputs(mb_run_usage, stdout);
		return MB_EXIT_OK;
	}
	return mb_run_repeats(&opts);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage_all(stderr);
		return MB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "run"))
		return mb_cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return cmd_list();
	if (!strcmp(argv[1], "matrix"))
		return mb_cmd_matrix(argc - 1, argv + 1);
	if (!strcmp(argv[1], "report"))
		return mb_cmd_report(argc - 1, argv + 1);
	if (!strcmp(argv[1], "plot"))
		return mb_cmd_plot(argc - 1, argv + 1);
	if (!strcmp(argv[1], "compare"))
		return mb_cmd_compare(argc - 1, argv + 1);
	/* LAVA labs (docs/LAB.md) */
	if (!strcmp(argv[1], "lava-job"))
		return mb_cmd_lava_job(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lava-board"))
		return mb_cmd_lava_board(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lava-results"))
		return mb_cmd_lava_results(argc - 1, argv + 1);
	/* a real kernel's map_mem() against a strategy (host/kcheck/) */
	if (!strcmp(argv[1], "kernel-check"))
		return mb_cmd_kernel_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("mapbench %s\n", MB_VERSION);
		return MB_EXIT_OK;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage_all(stdout);
		return MB_EXIT_OK;
	}
	mb_die("unknown command '%s' (mapbench --help)", argv[1]);
}
