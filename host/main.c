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
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "options.h"
#include "accel.h"
#include "record.h"
#include "run.h"
#include "cli.h"
#include "opttab.h"

static const struct mb_opt no_opts[] = { MB_OPT_HELP, MB_OPT_END };

static const struct mb_cmd list_cmd = {
	.name = "list",
	.summary = "list the strategies: name, granules, what each is",
	.text = "One line per strategy: its name (what --strategy takes), "
		"the granules it runs with, and the kernel or patch series "
		"it is.",
	.opts = no_opts,
};

static const struct mb_cmd version_cmd = {
	.name = "version",
	.summary = "print mapbench's version",
	.opts = no_opts,
};

/* A command without options of its own: --help, or nothing. */
static void no_options(const struct mb_cmd *cmd, int argc, char **argv)
{
	struct mb_getopt g = { 0 };

	while (mb_cli_getopt(cmd, &g, argc, argv, MB_EXIT_USAGE) != -1)
		;
	if (optind < argc)
		mb_die("%s: unexpected argument '%s'", cmd->name,
		       argv[optind]);
}

/* One line per strategy: name, the granules it runs with, what it is. */
static int cmd_list(int argc, char **argv)
{
	char g[32];

	no_options(&list_cmd, argc, argv);
#define MB_STRAT_PRINT(id, name, cli, desc) \
	mb_granules_str(mb_strategy_granules(id), g, sizeof(g)); \
	printf("%-16s %-11s %s%s\n", cli, g, desc, \
	       mb_strategy_needs_bbml2(id) ? \
	       " (needs BBML2_NOABORT, else --force-bbml2)" : "");
	MB_STRATEGY_LIST(MB_STRAT_PRINT)
#undef MB_STRAT_PRINT
	return MB_EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
	no_options(&version_cmd, argc, argv);
	printf("mapbench %s\n", MB_VERSION);
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
		mb_usage(&mb_run_cmd, stdout);
		return MB_EXIT_OK;
	}
	return mb_run_repeats(&opts);
}

static const struct mb_opt help_opts[] = {
	{ .name = "man", .key = 'm', .help = "Write the man page of CMD "
	  "(of mapbench itself without CMD) in roff to standard output." },
	{ .name = "complete", .key = 'c', .help = "Shell completion: the "
	  "candidates for the last of the words after it (the words after "
	  "\"mapbench\"), one a line; @file and @dir ask the shell for "
	  "paths." },
	MB_OPT_HELP,
	MB_OPT_END
};

static const struct mb_cmd help_cmd = {
	.name = "help",
	.summary = "print a command's help, its man page or completions",
	.synopsis = "[CMD]\n--man [CMD]\n--complete -- WORD...",
	.opts = help_opts,
};

/* The commands, in the order `mapbench --help` and mapbench(1) list
 * them. */
static const struct command {
	const struct mb_cmd *cmd;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ &mb_run_cmd, mb_cmd_run },
	{ &list_cmd, cmd_list },
	{ &mb_matrix_cmd, mb_cmd_matrix },
	{ &mb_report_cmd, mb_cmd_report },
	{ &mb_plot_cmd, mb_cmd_plot },
	{ &mb_compare_cmd, mb_cmd_compare },
	{ &mb_explain_cmd, mb_cmd_explain },
	/* a real kernel's map_mem() against a strategy (host/kcheck/) */
	{ &mb_kernel_check_cmd, mb_cmd_kernel_check },
	/* what this host can run, and why not (host/doctor.c) */
	{ &mb_doctor_cmd, mb_cmd_doctor },
	/* LAVA labs (docs/LAB.md) */
	{ &mb_lava_job_cmd, mb_cmd_lava_job },
	{ &mb_lava_board_cmd, mb_cmd_lava_board },
	{ &mb_lava_results_cmd, mb_cmd_lava_results },
	{ &version_cmd, cmd_version },
	{ &help_cmd, NULL },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const struct mb_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(name, commands[i].cmd->name))
			return commands[i].cmd;
	return NULL;
}

/* Every command's synopsis, and where the rest is. */
static void usage_all(FILE *f)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		mb_usage_synopsis(commands[i].cmd, f);
	fputs("\n`mapbench CMD --help` lists a command's options; "
	      "`man mapbench` has the whole reference.\n", f);
}

/* mapbench(1): what the commands are, the exit codes, the environment. */
static void man_mapbench(FILE *f, const char *date)
{
	fprintf(f, ".TH MAPBENCH 1 \"%s\" \"mapbench %s\" \"mapbench manual\"\n"
		".SH NAME\nmapbench \\- how long the arm64 kernel takes to "
		"build its linear map, and why\n"
		".SH SYNOPSIS\n.B mapbench\n\\fICOMMAND\\fR [\\fIOPTION\\fR]...\n"
		".SH DESCRIPTION\n"
		"mapbench boots a minimal arm64 guest on /dev/kvm (or under "
		"QEMU TCG, labelled emulated) that builds the kernel's linear "
		"map with a chosen strategy, exactly as map_mem() in "
		"arch/arm64/mm/mmu.c would, times it and checks it; it sweeps "
		"guest RAM sizes, turns the records into tables, plots and "
		"regression gates, and checks its strategies against real "
		"Debian kernels.\n.SH COMMANDS\n", date, MB_VERSION);
	for (size_t i = 0; i < NR_COMMANDS; i++) {
		const struct mb_cmd *c = commands[i].cmd;

		fprintf(f, ".TP\n.BR mapbench\\-%s (1)\n%s.\n", c->name,
			c->summary);
	}
	fputs(".SH EXIT STATUS\n"
	      ".TP\n0\nthe run completed and the map verified\n"
	      ".TP\n1\nbad input: an option, a size, a strategy name, a file "
	      "(one line on standard error names it)\n"
	      ".TP\n2\nhost or VMM failure: KVM, QEMU, I/O\n"
	      ".TP\n3\nguest failure: an exception, verification failed, a "
	      "malformed result record\n"
	      ".TP\n4\nthe guest did not finish within \\-\\-timeout\n"
	      ".TP\n5\nthis host cannot run the point (RAM above the KVM IPA "
	      "limit, huge pages, the vPMU, a granule or VA size the CPU "
	      "lacks, BBML2); mapbench doctor says which\n"
	      ".TP\n128+N\ninterrupted by signal N (130: SIGINT, 143: "
	      "SIGTERM); temporary files removed\n"
	      ".PP\ncompare has its own: 1 a regression, 2 unusable input.\n"
	      ".SH ENVIRONMENT\n"
	      ".TP\nMAPBENCH_GUEST\nthe guest image, instead of the one "
	      "installed beside the binary\n"
	      ".TP\nMAPBENCH_LAYOUTS\nthe directory of layout presets\n"
	      ".TP\nMAPBENCH_CACHE\nkernel-check's and the tests' cache "
	      "(default $XDG_CACHE_HOME/mapbench or ~/.cache/mapbench)\n"
	      ".SH SEE ALSO\n.BR mapbench\\-json (5)\n", f);
}

/* Today's date for .TH, or the one SOURCE_DATE_EPOCH gives. */
static void man_date(char *buf, size_t len)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	time_t t = e && *e ? (time_t)strtoll(e, NULL, 10) : time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d", &tm))
		snprintf(buf, len, "1970-01-01");
}

static int cmd_help(int argc, char **argv)
{
	const char *strategies[MB_NR_STRATEGIES + 1];
	const struct mb_cmd *cmds[NR_COMMANDS];
	const struct mb_cmd *c = NULL;
	struct mb_getopt g = { 0 };
	bool man = false, complete = false;
	char date[16];
	int opt;

	while (!complete && (opt = mb_cli_getopt(&help_cmd, &g, argc, argv,
						 MB_EXIT_USAGE)) != -1) {
		if (opt == 'm')
			man = true;
		else if (opt == 'c')
			complete = true;
	}
	if (complete) {
		if (optind < argc && !strcmp(argv[optind], "--"))
			optind++;
		for (size_t i = 0; i < NR_COMMANDS; i++)
			cmds[i] = commands[i].cmd;
		for (unsigned int i = 0; i < MB_NR_STRATEGIES; i++)
			strategies[i] = mb_strategy_name(i);
		strategies[MB_NR_STRATEGIES] = NULL;
		mb_complete(cmds, NR_COMMANDS, strategies, mb_preset_dir(),
			    argv + optind, argc - optind, stdout);
		return MB_EXIT_OK;
	}
	if (argc - optind > 1)
		mb_die("help: one command at most ('%s' is one too many)",
		       argv[optind + 1]);
	if (optind < argc) {
		c = find_cmd(argv[optind]);
		if (!c)
			mb_die("help: unknown command '%s' (mapbench --help)",
			       argv[optind]);
	}
	man_date(date, sizeof(date));
	if (man && c)
		mb_man_page(c, stdout, MB_VERSION, date);
	else if (man)
		man_mapbench(stdout, date);
	else if (c)
		mb_usage(c, stdout);
	else
		usage_all(stdout);
	return MB_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage_all(stderr);
		return MB_EXIT_USAGE;
	}
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (commands[i].fn && !strcmp(argv[1], commands[i].cmd->name))
			return commands[i].fn(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	if (!strcmp(argv[1], "help"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_all(stdout);
		return MB_EXIT_OK;
	}
	mb_die("unknown command '%s' (mapbench --help)", argv[1]);
}
