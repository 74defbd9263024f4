// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench: command line.  `mapbench run` boots the guest once with the
 * chosen strategy and RAM, on KVM (arm64 hosts) or QEMU TCG (anywhere,
 * labelled emulated), and writes the result as JSON.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mapbench.h"
#include "analysis.h"
#include "kcheck.h"

static const char usage_text[] =
"usage: mapbench run --mem SIZE [--strategy NAME] [--rodata full|on|off]\n"
"                    [--accel kvm|tcg] [--json FILE] [--guest ELF]\n"
"                    [--timeout SECONDS] [--qemu PATH] [--kfence[=SIZE]]\n"
"                    [-v]\n"
"                    [--deterministic]\n"
"                    [--layout SPEC|PRESET|FILE]\n"
"                    [--backing anon|thp|hugetlb[:SIZE]]\n"
"                    [--prefault none|host|guest] [--cpu N] [--pmu]\n"
"                    [--repeat N] [--iterations K] [--window-exits]\n"
"       mapbench matrix CONFIG OUTDIR [--label NAME] [--dry-run] ...\n"
"       mapbench report FILES... [--format text|markdown|csv|json]\n"
"                    [--baseline STRATEGY] [-o FILE]\n"
"       mapbench plot FILES... -o OUT.png|OUT.svg\n"
"       mapbench compare BASELINE CURRENT [--threshold 5%] [--alpha 0.01]\n"
"                    [--junit FILE] [--tap]\n"
"       mapbench kernel-check --kernel IMAGE [--mem SIZE] [--rodata MODE]\n"
"                    [--strategy NAME] [--json FILE] ... (--help)\n"
"       mapbench list\n"
"       mapbench version\n";

static int file_exists(const char *p)
{
	return access(p, R_OK) == 0;
}

/* Layout presets: $MAPBENCH_LAYOUTS, else configs/layouts of the tree
 * the binary was built in, else ./configs/layouts. */
static const char *preset_dir(void)
{
	static char buf[PATH_MAX + 64];
	static const char *const rel[] = {
		"../configs/layouts", "../../configs/layouts",
	};
	const char *env = getenv("MAPBENCH_LAYOUTS");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	for (size_t i = 0; n > 0 && i < sizeof(rel) / sizeof(rel[0]); i++) {
		self[n] = 0;
		snprintf(buf, sizeof(buf), "%s/%s", dirname(self), rel[i]);
		if (!access(buf, X_OK))
			return buf;
	}
	return "configs/layouts";
}

/* The guest ELF: $MAPBENCH_GUEST, else beside the binary as built. */
static const char *default_guest(void)
{
	static char buf[PATH_MAX + 64];
	static const char *const rel[] = {
		"guest/mapbench-guest.elf",
		"../guest/mapbench-guest.elf",
		"mapbench-guest.elf",
	};
	char self[PATH_MAX];
	const char *env = getenv("MAPBENCH_GUEST");
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return "build/guest/mapbench-guest.elf";
	self[n] = 0;
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(buf, sizeof(buf), "%s/%s", dirname(self), rel[i]);
		if (file_exists(buf))
			return buf;
		self[n] = 0;	/* dirname() may have modified it */
	}
	return "build/guest/mapbench-guest.elf";
}

static int cmd_list(void)
{
#define MB_STRAT_PRINT(id, name, cli, desc) \
	printf("%-16s %s\n", cli, desc);
	MB_STRATEGY_LIST(MB_STRAT_PRINT)
#undef MB_STRAT_PRINT
	return MB_EXIT_OK;
}

static unsigned int parse_timeout(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || v == 0 || v > 86400 || *s == '-')
		mb_die("--timeout: '%s' is not a number of seconds "
			  "(1..86400)", s);
	return (unsigned int)v;
}

/* Reject a bad guest ELF before any VM or QEMU exists. */
static void check_guest_elf(const struct mb_config *cfg)
{
	const struct mb_params *p = &cfg->params;
	const struct mb_bank *top = &p->banks[p->nr_banks - 1];
	struct mb_ram ram = {
		.gpa = MB_RAM_BASE,
		.size = top->base + top->size - MB_RAM_BASE,
	};
	char err[MB_ERRLEN];
	uint64_t entry;

	if (mb_elf_load(cfg->guest_elf, &ram, &entry, err, sizeof(err)))
		mb_die("%s", err);
}

static void parse_run(int argc, char **argv, struct mb_config *cfg)
{
	static const struct option opts[] = {
		{ "mem", required_argument, 0, 'm' },
		{ "strategy", required_argument, 0, 's' },
		{ "rodata", required_argument, 0, 'r' },
		{ "accel", required_argument, 0, 'a' },
		{ "json", required_argument, 0, 'j' },
		{ "guest", required_argument, 0, 'g' },
		{ "timeout", required_argument, 0, 't' },
		{ "qemu", required_argument, 0, 'q' },
		{ "verbose", no_argument, 0, 'v' },
		{ "inject", required_argument, 0, 'i' },	/* tests */
		{ "kfence", optional_argument, 0, 'K' },
		{ "deterministic", no_argument, 0, 'D' },
		{ "layout", required_argument, 0, 'L' },
		{ "backing", required_argument, 0, 'B' },
		{ "prefault", required_argument, 0, 'P' },
		{ "cpu", required_argument, 0, 'c' },
		{ "pmu", no_argument, 0, 'p' },
		{ "repeat", required_argument, 0, 'R' },
		{ "iterations", required_argument, 0, 'I' },
		{ "window-exits", no_argument, 0, 'W' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	struct mb_params *p = &cfg->params;
	const char *layout = NULL;
	char err[MB_ERRLEN];
	unsigned long n;
	uint64_t mem = 0;
	int c, v, accel_set = 0;

	p->strategy = MB_STRAT_base;
	p->rodata = MB_RODATA_FULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:s:r:a:j:g:t:q:vhi:", opts,
				NULL)) != -1) {
		switch (c) {
		case 'm':
			if (mb_parse_size(optarg, &mem))
				mb_die("--mem: '%s' is not a size (e.g. 1G, "
					  "512M, 1T)", optarg);
			break;
		case 's':
			v = mb_strategy_from_name(optarg);
			if (v < 0)
				mb_die("unknown strategy '%s' (mapbench "
					  "list shows them)", optarg);
			p->strategy = (uint32_t)v;
			break;
		case 'r':
			v = mb_rodata_from_name(optarg);
			if (v < 0)
				mb_die("--rodata: '%s' is not full, on or "
					  "off", optarg);
			p->rodata = (uint32_t)v;
			break;
		case 'a':
			if (!strcmp(optarg, "kvm"))
				cfg->accel = MB_ACCEL_KVM;
			else if (!strcmp(optarg, "tcg"))
				cfg->accel = MB_ACCEL_TCG;
			else
				mb_die("--accel: '%s' is not kvm or tcg",
					  optarg);
			accel_set = 1;
			break;
		case 'j':
			cfg->json_path = optarg;
			break;
		case 'g':
			cfg->guest_elf = optarg;
			break;
		case 't':
			cfg->timeout_s = parse_timeout(optarg);
			break;
		case 'q':
			cfg->qemu = optarg;
			break;
		case 'v':
			cfg->verbose = 1;
			break;
		case 'K':
			/* an early KFENCE pool: 2 MiB by default (255
			 * objects), as CONFIG_KFENCE_NUM_OBJECTS=255 gives */
			p->kfence_size = 2ULL << 20;
			if (optarg && (mb_parse_size(optarg, &p->kfence_size) ||
				       p->kfence_size & 0xfff ||
				       p->kfence_size > (1ULL << 30)))
				mb_die("--kfence: '%s' is not a page-aligned "
					  "size up to 1G", optarg);
			break;
		case 'i':
			if (!strcmp(optarg, "fault"))
				p->flags |= MB_PF_INJECT_FAULT;
			else if (!strcmp(optarg, "hang"))
				p->flags |= MB_PF_INJECT_HANG;
			else if (!strcmp(optarg, "bad-record"))
				p->flags |= MB_PF_INJECT_BADREC;
			else if (!strcmp(optarg, "early-fault"))
				p->flags |= MB_PF_INJECT_EARLY;
			else
				mb_die("--inject: '%s' is not fault, "
					  "early-fault, hang or bad-record",
					  optarg);
			break;
		case 'D':
			cfg->deterministic = 1;
			break;
		case 'L':
			layout = optarg;
			break;
		case 'B':
			if (mb_parse_backing(optarg, cfg, err, sizeof(err)))
				mb_die("%s", err);
			break;
		case 'P':
			if (mb_parse_prefault(optarg, cfg, err, sizeof(err)))
				mb_die("%s", err);
			break;
		case 'c':
			if (mb_parse_uint(optarg, 0, 4095, &n))
				mb_die("--cpu: '%s' is not a CPU number",
					  optarg);
			cfg->cpu = (int)n;
			cfg->set |= MB_SET_CPU;
			break;
		case 'p':
			cfg->pmu = 1;
			p->flags |= MB_PF_PMU;
			break;
		case 'R':
			if (mb_parse_uint(optarg, 1, 1000, &n))
				mb_die("--repeat: '%s' is not 1..1000",
					  optarg);
			cfg->repeat = (unsigned int)n;
			break;
		case 'I':
			if (mb_parse_uint(optarg, 1, MB_MAX_ITERS, &n))
				mb_die("--iterations: '%s' is not 1..%d",
					  optarg, MB_MAX_ITERS);
			p->iterations = (uint32_t)n;
			break;
		case 'W':
			cfg->window_exits = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(MB_EXIT_OK);
		default:
			fputs(usage_text, stderr);
			exit(MB_EXIT_USAGE);
		}
	}
	if (optind < argc)
		mb_die("unexpected argument '%s'", argv[optind]);
	if (mem && layout)
		mb_die("--mem and --layout exclude each other (a layout "
			  "gives the sizes)");
	if (!mem && !layout)
		mb_die("run needs --mem SIZE or --layout");
	if (layout) {
		if (mb_layout_resolve(layout, preset_dir(), p->banks,
				      &p->nr_banks, err, sizeof(err)))
			mb_die("--layout: %s", err);
		snprintf(cfg->layout, sizeof(cfg->layout), "%s", layout);
	} else {
		if (mem < MB_MIN_RAM)
			mb_die("--mem: %" PRIu64 " MiB is below the 64 MiB "
				  "minimum", mem >> 20);
		p->nr_banks = 1;
		p->banks[0].base = MB_RAM_BASE;
		p->banks[0].size = mem;
		if (mb_layout_check(p->banks, p->nr_banks, err, sizeof(err)))
			mb_die("--mem: %s", err);
	}
	if (cfg->prefault == MB_PREFAULT_GUEST)
		p->flags |= MB_PF_PREFAULT;
	if (!cfg->verbose)
		p->flags |= MB_PF_QUIET;
	mb_params_finish(p);

	if (cfg->deterministic && accel_set && cfg->accel != MB_ACCEL_TCG)
		mb_die("--deterministic needs --accel tcg (QEMU icount)");
	if (cfg->deterministic)
		cfg->accel = MB_ACCEL_TCG;
	if (!accel_set && !cfg->deterministic)
		cfg->accel = mb_kvm_usable() ? MB_ACCEL_KVM : MB_ACCEL_TCG;
	if (!cfg->guest_elf)
		cfg->guest_elf = default_guest();
	if (!file_exists(cfg->guest_elf))
		mb_die("guest ELF '%s' not found (build it with make)",
			  cfg->guest_elf);
	if (!cfg->timeout_s)
		cfg->timeout_s = 900;
	v = mb_config_check(cfg, err, sizeof(err));
	if (v) {
		fprintf(stderr, "mapbench: %s\n", err);
		exit(v);
	}
	check_guest_elf(cfg);
}

static int cmd_run(int argc, char **argv)
{
	struct mb_config cfg = { .cpu = -1 };

	parse_run(argc, argv, &cfg);
	return mb_run(&cfg);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return MB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
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
	/* kernel-check (host/kcheck.c) */
	if (!strcmp(argv[1], "kernel-check"))
		return mb_kernel_check_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("mapbench %s\n", MB_VERSION);
		return MB_EXIT_OK;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return MB_EXIT_OK;
	}
	mb_die("unknown command '%s'", argv[1]);
}
