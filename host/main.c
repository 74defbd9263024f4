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
#include <stdio.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "options.h"
#include "accel.h"
#include "run.h"
#include "cli.h"

const char mb_run_usage[] =
"usage: mapbench run --mem SIZE | --layout SPEC|PRESET|FILE\n"
"                    [--strategy NAME] [--rodata full|on|off]\n"
"                    [--accel kvm|tcg] [--deterministic] [--json FILE]\n"
"                    [--guest ELF] [--timeout SECONDS] [--qemu PATH]\n"
"                    [--kfence[=SIZE]] [--backing anon|thp|hugetlb[:SIZE]]\n"
"                    [--prefault none|host|guest] [--cpu N] [--pmu]\n"
"                    [--iterations K] [--repeat N] [--window-exits]\n"
"                    [--no-calibrate] [--granule 4K|16K|64K] [--va-bits N]\n"
"                    [--force-bbml2] [--tcg-cpu MODEL]\n"
"                    [--kernel-image default|guest|IMAGE|VMLINUX|SYSTEM.MAP]\n"
"                    [--inject fault|early-fault|hang|bad-record]\n"
"                    [-v|--verbose] [-h|--help]\n";

static const char other_usage[] =
"       mapbench list\n"
"       mapbench version\n";

/* One line per strategy: name, the granules it runs with, what it is. */
static int cmd_list(int argc, char **argv)
{
	char g[32];

	(void)argc;
	(void)argv;
#define MB_STRAT_PRINT(id, name, cli, desc) \
	mb_granules_str(mb_strategy_granules(id), g, sizeof(g)); \
	printf("%-16s %-11s %s%s\n", cli, g, desc, \
	       mb_strategy_needs_bbml2(id) ? \
	       " (needs BBML2_NOABORT, else --force-bbml2)" : "");
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

/* The commands, in the order `mapbench --help` lists their usage. */
static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;		/* NULL: in other_usage */
} commands[] = {
	{ "run", mb_cmd_run, mb_run_usage },
	{ "list", cmd_list, NULL },
	{ "matrix", mb_cmd_matrix, mb_matrix_usage },
	{ "report", mb_cmd_report, mb_report_usage },
	{ "plot", mb_cmd_plot, mb_plot_usage },
	{ "compare", mb_cmd_compare, mb_compare_usage },
	{ "explain", mb_cmd_explain, mb_explain_usage },
	/* LAVA labs (docs/LAB.md) */
	{ "lava-job", mb_cmd_lava_job, mb_lava_job_usage },
	{ "lava-board", mb_cmd_lava_board, mb_lava_board_usage },
	{ "lava-results", mb_cmd_lava_results, mb_lava_results_usage },
	/* a real kernel's map_mem() against a strategy (host/kcheck/) */
	{ "kernel-check", mb_cmd_kernel_check, mb_kernel_check_usage },
	/* what this host can run, and why not (host/doctor.c) */
	{ "doctor", mb_cmd_doctor, mb_doctor_usage },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* Every command's usage, each as its command prints it. */
static void usage_all(FILE *f)
{
	bool first = true;

	/* "usage:" once; the others' lines keep their alignment */
	for (size_t i = 0; i < NR_COMMANDS; i++) {
		const char *u = commands[i].usage;

		if (!u)
			continue;
		if (!first)
			fputs("      ", f);
		fputs(first ? u : u + strlen("usage:"), f);
		first = false;
	}
	fputs(other_usage, f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage_all(stderr);
		return MB_EXIT_USAGE;
	}
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
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
