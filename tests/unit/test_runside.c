// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the run side that need no KVM: the layout syntax and its
 * checks, IPA and table-region arithmetic, the run options settled
 * (options.c: values, combinations, defaults, one-line errors), smaps
 * parsing, the KVM binary-stats decoder (fed files captured from the
 * nested-KVM tier's Linux 6.1), ESR decoding, and the record checks of
 * --iterations / --pmu.  Run from the top of the tree.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "util.h"
#include "options.h"
#include "cpufeat.h"
#include "kimage.h"
#include "record.h"
#include "layout.h"
#include "esr.h"
#include "hostinfo.h"
#include "kvm/kvmstats.h"
#include "kvm/winexits.h"

#define G	(UINT64_C(1) << 30)
#define M	(UINT64_C(1) << 20)

#include "tap.h"
#include "fake_units.h"
#include "account.h"

static char tmpdir[256];

/* ---- layouts --------------------------------------------------------- */

struct lcase {
	const char *spec;
	unsigned int nr;
	struct mb_bank b[MB_MAX_BANKS];
};

static const struct lcase good[] = {
	{ "64G", 1, { { 0x40000000, 64 * G } } },
	{ "1x64G", 1, { { 0x40000000, 64 * G } } },
	{ "2x64G@gap=64G", 2, { { 0x40000000, 64 * G },
				{ 0x40000000 + 128 * G, 64 * G } } },
	{ "3x1G", 3, { { 0x40000000, G }, { 0x80000000, G },
		       { 0xc0000000, G } } },
	{ "2x1G@gap=0", 2, { { 0x40000000, G }, { 0x80000000, G } } },
	{ "0x40000000:64G,0x2000000000:64G", 2,
	  { { 0x40000000, 64 * G }, { 0x2000000000, 64 * G } } },
	{ "1G:1G,4G:2G", 2, { { G, G }, { 4 * G, 2 * G } } },
	{ "0x40000000:1G,2x512M@gap=1G", 3,
	  { { 0x40000000, G }, { 0xc0000000, 512 * M },
	    { 0x120000000, 512 * M } } },
	{ "0X40000000:0x4000000", 1, { { 0x40000000, 64 * M } } },
	{ "2x0x40000000", 2, { { 0x40000000, G }, { 0x80000000, G } } },
	{ "0x40000000", 1, { { 0x40000000, G } } },
	{ "0x40000000:1G,0x800000000000:1G", 2,
	  { { 0x40000000, G }, { 0x800000000000, G } } },
};

static const struct {
	const char *spec, *msg;
} bad[] = {
	{ "", "empty layout" },
	{ "12Q", "'12Q' is not a size" },
	{ "2x1G@gap", "the only option after '@' is gap=SIZE" },
	{ "2x1G@foo=1G", "the only option after '@' is gap=SIZE" },
	{ "2x1G@gap=x", "'x' is not a gap size" },
	{ "0x1:1G", "the first bank starts at 0x1" },
	{ "0x50000000:1G", "it must start at 0x40000000" },
	{ "1G,0x40000000:1G", "bank 1 (0x40000000:1G) overlaps or lies below bank 0" },
	{ "0x40000000:1G,0x60000000:1G", "overlaps or lies below bank 0" },
	{ "9x1G", "the bank count must be 1..8" },
	{ "0x", NULL },
	{ "x1G", "the bank count must be 1..8" },
	{ "0x40000000:1G,,1G", "empty item" },
	{ "0x40000000:1G,", "empty item" },
	{ "32M", "it needs at least 64M" },
	{ "0x40000000:1G,0x80000001:1G", "is empty or not 4K aligned" },
	{ "0x40000000:1G,0xffffffffffff0000:1G", "runs past 2^64" },
	{ "0x40000000:1G,0xffffc0000000:2G", "beyond the 48-bit physical address space" },
	{ "0x40000000:1G,0x800040000000:1G", "the 48-bit linear map holds 128T" },
	{ "5x1G,4x1G", "more than 8 RAM banks" },
	{ "1\tG", "'1?G' is not a size" },
	{ "0x40000000:1G,0x40000000:1G:1G", NULL },
	{ "0x40000000:1G@gap=1G", NULL },
	{ "0x10000000000000000:1G", NULL },
};

static void test_layout_parse(void)
{
	struct mb_bank b[MB_MAX_BANKS], b2[MB_MAX_BANKS];
	char err[MB_ERRLEN], name[800], text[512];
	unsigned int nr, nr2;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int ok;

		memset(b, 0xa5, sizeof(b));
		err[0] = 0;
		ok = !mb_layout_parse(good[i].spec, b, &nr, err, sizeof(err)) &&
		     nr == good[i].nr &&
		     !memcmp(b, good[i].b, nr * sizeof(b[0]));
		snprintf(name, sizeof(name), "layout '%s' -> %u banks %s",
			 good[i].spec, good[i].nr, ok ? "" : err);
		CHECK(ok, name);
		/* formatting gives a spec that parses to the same banks */
		mb_layout_format(b, nr, text, sizeof(text));
		ok = !mb_layout_parse(text, b2, &nr2, err, sizeof(err)) &&
		     nr2 == nr && !memcmp(b, b2, nr * sizeof(b[0]));
		snprintf(name, sizeof(name), "layout '%s' round trip via '%s'",
			 good[i].spec, text);
		CHECK(ok, name);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc;

		err[0] = 0;
		rc = mb_layout_parse(bad[i].spec, b, &nr, err, sizeof(err));
		snprintf(name, sizeof(name), "layout '%s' rejected: %s",
			 bad[i].spec, err);
		CHECK(rc && err[0] && !strchr(err, '\n') &&
		      (!bad[i].msg || strstr(err, bad[i].msg)), name);
	}
	mb_layout_parse("0x40000000:64G,0x80000000000:2G", b, &nr, err,
			sizeof(err));
	mb_layout_format(b, nr, text, sizeof(text));
	CHECK(!strcmp(text, "0x40000000:64G,0x80000000000:2G"),
	      "layout format: hex base, largest exact unit");
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void test_layout_files(void)
{
	struct mb_bank b[MB_MAX_BANKS];
	char err[MB_ERRLEN], spec[256], dir[300], path[400];
	unsigned int nr;
	int rc;

	rc = mb_layout_from_text("# a comment\n\n  0x40000000:1G   # bank 0\n"
				 "\t0x100000000:2G\r\n# end", spec,
				 sizeof(spec), err, sizeof(err));
	CHECK(!rc && !strcmp(spec, "0x40000000:1G,0x100000000:2G"),
	      "layout text: comments, blanks and CRs dropped, lines joined");
	rc = mb_layout_from_text("# nothing\n\n", spec, sizeof(spec), err,
				 sizeof(err));
	CHECK(rc && strstr(err, "no banks"), "layout text: no banks");
	rc = mb_layout_from_text("1G\n\x01\n", spec, sizeof(spec), err,
				 sizeof(err));
	CHECK(rc && strstr(err, "line 2"), "layout text: control byte");
	rc = mb_layout_from_text("0x40000000:1G\n0x100000000:2G\n", spec, 16,
				 err, sizeof(err));
	CHECK(rc && strstr(err, "longer than 15 bytes"),
	      "layout text: too long for the buffer");

	snprintf(dir, sizeof(dir), "%s/layouts", tmpdir);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/two.layout", dir);
	write_text(path, "# two banks\n0x40000000:1G\n0x100000000:1G\n");
	rc = mb_layout_resolve("two", dir, b, &nr, err, sizeof(err));
	CHECK(!rc && nr == 2 && b[1].base == 0x100000000ULL && b[1].size == G,
	      "layout preset by name");
	rc = mb_layout_resolve(path, NULL, b, &nr, err, sizeof(err));
	CHECK(!rc && nr == 2, "layout file by path");
	snprintf(path, sizeof(path), "%s/broken.layout", dir);
	write_text(path, "0x40000000:1G\n0x20000000:1G\n");
	rc = mb_layout_resolve("broken", dir, b, &nr, err, sizeof(err));
	CHECK(rc && strstr(err, "broken.layout: bank 1"),
	      "layout preset: a bad bank names the file");
	rc = mb_layout_resolve("nope", dir, b, &nr, err, sizeof(err));
	CHECK(rc && strstr(err, "no preset 'nope' (presets: ") &&
	      strstr(err, "two") && strstr(err, "broken"),
	      "layout preset: unknown name lists the presets");
	rc = mb_layout_resolve("../x", dir, b, &nr, err, sizeof(err));
	CHECK(rc, "layout preset: a path is not a name");
	rc = mb_layout_resolve("a..b", dir, b, &nr, err, sizeof(err));
	CHECK(rc && strstr(err, "neither a layout"),
	      "layout preset: '..' refused");
	rc = mb_layout_resolve("/nonexistent/x.layout", dir, b, &nr, err,
			       sizeof(err));
	CHECK(rc && strstr(err, "No such file"), "layout file: missing");
	rc = mb_layout_resolve("2x1G@gap=1G", dir, b, &nr, err, sizeof(err));
	CHECK(!rc && nr == 2, "layout resolve: a spec is a spec");

	/* the shipped presets parse, with the documented shapes */
	rc = mb_layout_resolve("altra-2s", "configs/layouts", b, &nr, err,
			       sizeof(err));
	CHECK(!rc && nr == 8 && b[7].base == 0x400100000000ULL &&
	      b[7].size == 252 * G &&
	      mb_ipa_bits(mb_layout_top(b, nr)) == 47,
	      "preset altra-2s: 8 banks, socket 1 at 64T, 47-bit IPA");
	rc = mb_layout_resolve("m2-vm", "configs/layouts", b, &nr, err,
			       sizeof(err));
	CHECK(!rc && nr == 1 && b[0].size == 16 * G &&
	      mb_ipa_bits(mb_layout_top(b, nr)) == 35,
	      "preset m2-vm: 16G, 35-bit IPA");
	rc = mb_layout_resolve("qemu-virt", "configs/layouts", b, &nr, err,
			       sizeof(err));
	CHECK(!rc && nr == 1 && b[0].size == 64 * G, "preset qemu-virt: 64G");
}

static void test_ipa(void)
{
	CHECK(mb_ipa_bits(MB_RAM_BASE + 64 * M) == 32, "IPA: 64M -> 32 bits");
	CHECK(mb_ipa_bits(1ULL << 32) == 32, "IPA: top 4G -> 32 bits");
	CHECK(mb_ipa_bits((1ULL << 32) + 4096) == 33, "IPA: above 4G -> 33");
	CHECK(mb_ipa_bits(MB_RAM_BASE + 64 * G) == 37, "IPA: 64G -> 37 bits");
	CHECK(mb_ipa_bits(MB_RAM_BASE + 512 * G) == 40, "IPA: 512G -> 40");
	CHECK(mb_ipa_bits(MB_RAM_BASE + 1024 * G) == 41, "IPA: 1T -> 41 bits");
	CHECK(mb_ipa_bits(1ULL << 48) == 48, "IPA: top 2^48 -> 48 bits");
}

static void test_table_region(void)
{
	struct mb_params p = { .nr_banks = 1, .rodata = MB_RODATA_FULL,
			       .page_shift = 12, .va_bits = 48,
			       .strategy = MB_STRAT_base };
	struct mb_bank b[2] = { { 0x40000000, G }, { 0xc0000000, G } };
	struct mb_bank r[4];
	unsigned int n;

	p.banks[0] = b[0];
	/* 16 + L3 (512 + 2) + L2 (1 + 2) + L1 (1 + 2) + temp (1 + 2) */
	CHECK(mb_table_bytes(&p) == 539 * 4096,
	      "tables: 1G rodata=full bound is 539 pages (base uses 514)");
	p.rodata = MB_RODATA_ON;
	CHECK(mb_table_bytes(&p) == 25 * 4096,
	      "tables: 1G rodata=on bound is 25 pages");
	p.banks[0].size = 1024 * G;
	CHECK(mb_table_bytes(&p) == (16 + 1026 + 4 + 1026) * 4096,
	      "tables: 1T rodata=on bound is 2072 pages");
	p.rodata = MB_RODATA_FULL;
	p.strategy = MB_STRAT_bbml2_blocks;
	CHECK(mb_table_bytes(&p) == (16 + 1026 + 4 + 1026) * 4096,
	      "tables: bbml2-blocks maps blocks even with rodata=full");

	n = mb_topdown_ranges(b, 2, 3 * G / 2, 2 * M, r, 4);
	CHECK(n == 2 && r[0].base == 0xc0000000 && r[0].size == G &&
	      r[1].base == 0x60000000 && r[1].size == G / 2,
	      "top-down: highest bank first, then the next below the hole");
	n = mb_topdown_ranges(b, 2, 4096 * 3, 2 * M, r, 4);
	CHECK(n == 1 && r[0].base == 0x100000000 - 2 * M &&
	      r[0].size == 2 * M, "top-down: widened down to the page size");
	n = mb_topdown_ranges(b, 2, 8 * G, 2 * M, r, 4);
	CHECK(n == 2 && r[1].base == 0x40000000 && r[1].size == G,
	      "top-down: never below a bank");
	n = mb_topdown_ranges(b, 2, 3 * G / 2, 2 * M, r, 1);
	CHECK(n == 1, "top-down: at most max ranges");
}

/* ---- options --------------------------------------------------------- */

static void test_options(void)
{
	struct mb_run_opts cfg = { .cpu = -1 };
	char err[MB_ERRLEN], buf[32];
	unsigned long v;

	CHECK(!mb_parse_backing("anon", &cfg, err, sizeof(err)) &&
	      cfg.backing == MB_BACKING_ANON && (cfg.set & MB_SET_BACKING),
	      "backing anon");
	CHECK(!mb_parse_backing("thp", &cfg, err, sizeof(err)) &&
	      cfg.backing == MB_BACKING_THP, "backing thp");
	CHECK(!mb_parse_backing("hugetlb", &cfg, err, sizeof(err)) &&
	      cfg.backing == MB_BACKING_HUGETLB && !cfg.hugepage &&
	      !strcmp(mb_backing_name(&cfg, buf, sizeof(buf)), "hugetlb"),
	      "backing hugetlb: the host's default size");
	CHECK(!mb_parse_backing("hugetlb:32M", &cfg, err, sizeof(err)) &&
	      cfg.hugepage == 32 * M &&
	      !strcmp(mb_backing_name(&cfg, buf, sizeof(buf)), "hugetlb:32M"),
	      "backing hugetlb:32M");
	CHECK(!mb_parse_backing("hugetlb:1G", &cfg, err, sizeof(err)) &&
	      cfg.hugepage == G, "backing hugetlb:1G");
	CHECK(mb_parse_backing("hugetlb:3M", &cfg, err, sizeof(err)) &&
	      strstr(err, "'3M' is not a huge page size"),
	      "backing hugetlb:3M refused");
	CHECK(mb_parse_backing("hugetlb:4K", &cfg, err, sizeof(err)),
	      "backing hugetlb:4K refused");
	CHECK(mb_parse_backing("huge", &cfg, err, sizeof(err)) &&
	      !strcmp(err, "--backing: 'huge' is not anon, thp or hugetlb[:SIZE]"),
	      "backing: unknown, exact message");
	CHECK(mb_parse_backing("huge\npage", &cfg, err, sizeof(err)) &&
	      !strcmp(err, "--backing: 'huge?page' is not anon, thp or hugetlb[:SIZE]"),
	      "backing: a newline in the value stays out of the message");
	CHECK(!mb_parse_prefault("guest", &cfg, err, sizeof(err)) &&
	      cfg.prefault == MB_PREFAULT_GUEST &&
	      !strcmp(mb_prefault_name(cfg.prefault), "guest"),
	      "prefault guest");
	CHECK(mb_parse_prefault("all", &cfg, err, sizeof(err)) &&
	      !strcmp(err, "--prefault: 'all' is not none, host or guest"),
	      "prefault: unknown, exact message");
	CHECK(!mb_parse_uint("16", 1, 16, &v) && v == 16 &&
	      mb_parse_uint("17", 1, 16, &v) && mb_parse_uint("0", 1, 16, &v) &&
	      mb_parse_uint("-1", 0, 16, &v) && mb_parse_uint("", 0, 16, &v) &&
	      mb_parse_uint("1x", 0, 16, &v) &&
	      mb_parse_uint("99999999999999999999999", 0, ~0UL, &v),
	      "uint: range, digits only, no overflow");

	memset(&cfg, 0, sizeof(cfg));
	cfg.accel = MB_ACCEL_TCG;
	cfg.params.nr_banks = 1;
	cfg.params.banks[0] = (struct mb_bank){ MB_RAM_BASE, G };
	mb_parse_backing("thp", &cfg, err, sizeof(err));
	CHECK(mb_run_opts_check(&cfg, err, sizeof(err)) == MB_EXIT_USAGE &&
	      !strcmp(err, "--backing is KVM-only: under TCG, QEMU allocates guest RAM itself"),
	      "tcg: --backing refused");
	cfg.set = MB_SET_CPU;
	CHECK(mb_run_opts_check(&cfg, err, sizeof(err)) == MB_EXIT_USAGE &&
	      strstr(err, "--cpu is KVM-only"), "tcg: --cpu refused");
	cfg.set = 0;
	cfg.prefault = MB_PREFAULT_HOST;
	CHECK(mb_run_opts_check(&cfg, err, sizeof(err)) == MB_EXIT_USAGE &&
	      strstr(err, "--prefault host is KVM-only"),
	      "tcg: --prefault host refused");
	cfg.prefault = MB_PREFAULT_GUEST;
	cfg.pmu = 1;
	CHECK(!mb_run_opts_check(&cfg, err, sizeof(err)),
	      "tcg: --prefault guest and --pmu are fine");
	cfg.accel = MB_ACCEL_KVM;
	cfg.backing = MB_BACKING_HUGETLB;
	cfg.hugepage = G;
	cfg.params.banks[0].size = 3 * G / 2;
	CHECK(mb_run_opts_check(&cfg, err, sizeof(err)) == MB_EXIT_USAGE &&
	      strstr(err, "RAM bank 0 at 0x40000000+0x60000000 is not 1G aligned"),
	      "kvm: hugetlb:1G needs 1G-aligned banks");
	cfg.backing = MB_BACKING_ANON;
	cfg.set = MB_SET_CPU;
	cfg.cpu = 4000;
	CHECK(mb_run_opts_check(&cfg, err, sizeof(err)) == MB_EXIT_USAGE &&
	      strstr(err, "--cpu 4000: this process may run on CPUs 0"),
	      "kvm: --cpu not in the affinity mask");
	cfg.cpu = 0;
	CHECK(!mb_run_opts_check(&cfg, err, sizeof(err)), "kvm: --cpu 0 fine");
}

/* `mapbench run ARGS...` settled by mb_run_opts_parse(); rc, err. */
static int settle(struct mb_run_opts *o, char *err, size_t errlen, ...)
{
	static const struct mb_run_env env = {
		.preset_dir = "configs/layouts",
		.guest_elf = "/nonexistent/guest.elf",
	};
	char *argv[24] = { "run" };
	int argc = 1;
	va_list ap;

	va_start(ap, errlen);
	while (argc < 23 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	return mb_run_opts_parse(argc, argv, &env, o, err, errlen);
}

static void test_run_opts(void)
{
	struct mb_run_opts o;
	char err[MB_ERRLEN];
	int rc;

	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--foo", NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "unknown option '--foo' (mapbench run --help)"),
	      "run: unknown long option, one line");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--foo=bar", NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "unknown option '--foo' (mapbench run --help)"),
	      "run: unknown long option with a value");
	rc = settle(&o, err, sizeof(err), "-vx", "--mem", "1G", NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "unknown option '-x' (mapbench run --help)"),
	      "run: unknown short option in a cluster");
	rc = settle(&o, err, sizeof(err), "--mem", NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "option '--mem' needs a value (mapbench run --help)"),
	      "run: missing value");
	rc = settle(&o, err, sizeof(err), "--help", "--bogus", NULL);
	CHECK(rc == 0 && o.help, "run: --help");
	rc = settle(&o, err, sizeof(err), NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "run needs --mem SIZE or --layout"), "run: no RAM");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--layout", "2x1G",
		    NULL);
	CHECK(rc == MB_EXIT_USAGE && strstr(err, "exclude each other"),
	      "run: --mem and --layout");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "extra", NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "unexpected argument 'extra'"), "run: extra argument");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--timeout", "0",
		    NULL);
	CHECK(rc == MB_EXIT_USAGE && strstr(err, "--timeout: '0'"),
	      "run: --timeout 0");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--deterministic",
		    "--accel", "kvm", NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "--deterministic needs --accel tcg (QEMU icount)"),
	      "run: --deterministic on kvm");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--backing", "thp",
		    NULL);
	CHECK(rc == MB_EXIT_USAGE && strstr(err, "--backing is KVM-only"),
	      "run: checks against each other (no KVM here: tcg)");
	rc = settle(&o, err, sizeof(err), "--layout", "2x1G@gap=1G",
		    "--accel", "kvm", "--backing", "hugetlb:1G", NULL);
	CHECK(rc == MB_EXIT_USAGE && strstr(err, "guest ELF") &&
	      o.params.nr_banks == 2, "run: 1G banks fit hugetlb:1G");
	rc = settle(&o, err, sizeof(err), "--mem", "1536M", "--accel", "kvm",
		    "--backing", "hugetlb:1G", NULL);
	CHECK(rc == MB_EXIT_USAGE && strstr(err, "is not 1G aligned"),
	      "run: hugetlb:1G alignment checked with the options");
	/* everything settled before the ELF is looked at */
	rc = settle(&o, err, sizeof(err), "--mem", "1G", NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "guest ELF '/nonexistent/guest.elf' not found (build it with make)"),
	      "run: the guest ELF checked once");
	CHECK(o.accel == MB_ACCEL_TCG && o.timeout_s == MB_DEFAULT_TIMEOUT_S &&
	      o.repeat == 1 && o.cpu == -1 && o.backing == MB_BACKING_ANON &&
	      o.prefault == MB_PREFAULT_NONE && !strcmp(o.qemu, MB_DEFAULT_QEMU) &&
	      o.params.strategy == MB_STRAT_base &&
	      o.params.rodata == MB_RODATA_FULL &&
	      o.params.magic == MB_PARAMS_MAGIC &&
	      (o.params.flags & MB_PF_QUIET), "run: defaults filled in");
}

/* ---- granules and the CPU features they need ------------------------- */

static int granule_refused(const struct mb_cpu_ids *id, unsigned int shift,
			   unsigned int va, const char *want)
{
	char err[MB_ERRLEN] = "";
	int rc = mb_cpu_granule_check(id, shift, va, err, sizeof(err));

	if (!want)
		return rc == 0;
	if (rc != MB_EXIT_HOST || strcmp(err, want)) {
		printf("# got %d '%s'\n", rc, err);
		return 0;
	}
	return 1;
}

static void test_cpufeat(void)
{
	/* Cortex-A57: 4K and 64K, no 16K, 44-bit PA, no LVA */
	const struct mb_cpu_ids a57 = { 0x411fd070, 0x00001124, 0 };
	/* every granule, LPA2 on 4K and 16K, LVA */
	const struct mb_cpu_ids all = { 0x000f0510, 0x10201126, 0x10000 };
	/* TGran4 = 0xf: no 4K; TGran64 = 0xf: no 64K */
	const struct mb_cpu_ids no4 = { 0, 0xf0100005, 0 };
	const struct mb_cpu_ids no64 = { 0, 0x0f100005, 0 };
	struct mb_cpu_ids id = { 0 };
	char why[MB_ERRLEN], buf[160];
	static const unsigned int ok_va[3][4] = {
		{ 39, 48, 52, 0 }, { 36, 47, 48, 52 }, { 42, 48, 52, 0 },
	};
	unsigned int nvalid = 0;

	CHECK(mb_granule_parse("4K") == 12 && mb_granule_parse("16k") == 14 &&
	      mb_granule_parse("64K") == 16 && mb_granule_parse("8K") < 0 &&
	      mb_granule_parse("4096") < 0 && mb_granule_parse("") < 0,
	      "granule: names parsed, case-insensitive, nothing else");
	CHECK(!strcmp(mb_granule_name(12), "4K") &&
	      !strcmp(mb_granule_name(14), "16K") &&
	      !strcmp(mb_granule_name(16), "64K") &&
	      !strcmp(mb_granule_name(13), "?"), "granule: names");
	for (unsigned int g = 0; g < 3; g++)
		for (unsigned int va = 0; va <= 64; va++)
			nvalid += mb_va_bits_valid(12 + 2 * g, va);
	CHECK(nvalid == 10 && mb_va_bits_valid(12, ok_va[0][0]) &&
	      mb_va_bits_valid(14, ok_va[1][1]) &&
	      mb_va_bits_valid(16, ok_va[2][2]) && !mb_va_bits_valid(12, 47) &&
	      !mb_va_bits_valid(14, 39) && !mb_va_bits_valid(16, 47) &&
	      !mb_va_bits_valid(13, 48),
	      "VA sizes: the 10 Kconfig offers, nothing else");

	CHECK(granule_refused(&a57, 12, 48, NULL) &&
	      granule_refused(&a57, 16, 48, NULL) &&
	      granule_refused(&a57, 12, 39, NULL),
	      "A57: 4K and 64K at 48 bits");
	CHECK(granule_refused(&a57, 14, 47,
			      "host CPU: ID_AA64MMFR0_EL1.TGran16 = 0x0: no 16K granule"),
	      "A57: no 16K, field and value named");
	CHECK(granule_refused(&a57, 12, 52,
			      "host CPU: ID_AA64MMFR0_EL1.TGran4 = 0x0: no 52-bit VA with 4K pages (FEAT_LPA2 is 0x1)"),
	      "A57: no 4K/52 (LPA2)");
	CHECK(granule_refused(&a57, 16, 52,
			      "host CPU: ID_AA64MMFR2_EL1.VARange = 0x0: no 52-bit VA with 64K pages (FEAT_LVA is 0x1)"),
	      "A57: no 64K/52 (LVA)");
	CHECK(granule_refused(&no4, 12, 48,
			      "host CPU: ID_AA64MMFR0_EL1.TGran4 = 0xf: no 4K granule"),
	      "TGran4 = 0xf: no 4K");
	CHECK(granule_refused(&no64, 16, 42,
			      "host CPU: ID_AA64MMFR0_EL1.TGran64 = 0xf: no 64K granule"),
	      "TGran64 = 0xf: no 64K");
	id = all;
	id.mmfr0 = 0x00101126;		/* lpa2=off: TGran4 0, TGran16 1 */
	CHECK(granule_refused(&id, 14, 52,
			      "host CPU: ID_AA64MMFR0_EL1.TGran16 = 0x1: no 52-bit VA with 16K pages (FEAT_LPA2 is 0x2)") &&
	      granule_refused(&id, 14, 48, NULL) &&
	      granule_refused(&id, 16, 52, NULL),
	      "no LPA2: 16K/52 refused, 16K/48 and 64K/52 (LVA) fine");
	for (unsigned int g = 0; g < 3; g++)
		for (unsigned int i = 0; i < 4 && ok_va[g][i]; i++)
			if (!granule_refused(&all, 12 + 2 * g, ok_va[g][i],
					     NULL))
				CHECK(0, "max: every granule and VA size");
	CHECK(mb_cpu_pa_bits(&all) == 52 && mb_cpu_pa_bits(&a57) == 44,
	      "PARange decoded to bits");
	mb_cpu_describe(&all, buf, sizeof(buf));
	CHECK(!strcmp(buf, "MIDR_EL1 0x000f0510, TGran4 0x1, TGran16 0x2, TGran64 0x0, PARange 52-bit, VARange 0x1, BBM 0x0"),
	      "ID fields described");

	/* BBML2_NOABORT: v6.18's MIDR allow-list, MMFR2.BBM not asked */
	id = (struct mb_cpu_ids){ 0x410fd840 | 2, 0, 0 };	/* V3 r0p2 */
	CHECK(mb_cpu_bbml2_noabort(&id, why, sizeof(why)) &&
	      strstr(why, "Neoverse-V3"), "BBML2: Neoverse-V3 r0p2, BBM 0");
	id.midr = 0x410fd841;					/* r0p1 */
	CHECK(!mb_cpu_bbml2_noabort(&id, why, sizeof(why)) &&
	      !strcmp(why, "host CPU: MIDR_EL1 = 0x410fd841 (r0p1) is not Neoverse-V3 r0p2+, the kernel's BBML2_NOABORT revisions"),
	      "BBML2: Neoverse-V3 r0p1 refused");
	id.midr = 0x411fd842;					/* r1p2 */
	CHECK(!mb_cpu_bbml2_noabort(&id, why, sizeof(why)),
	      "BBML2: a variant the list does not name");
	id.midr = 0x410fd823;					/* X4 r0p3 */
	CHECK(mb_cpu_bbml2_noabort(&id, why, sizeof(why)), "BBML2: X4 r0p3");
	id.midr = 0x410fd822;
	CHECK(!mb_cpu_bbml2_noabort(&id, why, sizeof(why)), "BBML2: X4 r0p2");
	id.midr = 0xc00fac31;
	CHECK(mb_cpu_bbml2_noabort(&id, why, sizeof(why)), "BBML2: AmpereOne");
	id.midr = 0xc03fac41;
	CHECK(mb_cpu_bbml2_noabort(&id, why, sizeof(why)),
	      "BBML2: AmpereOne A, any revision");
	id.midr = 0x4e0f0100;
	CHECK(mb_cpu_bbml2_noabort(&id, why, sizeof(why)),
	      "BBML2: NVIDIA Olympus");
	id = (struct mb_cpu_ids){ 0x413fd0c1, 0x00101125, 0x0020000000001011ULL };
	CHECK(!mb_cpu_bbml2_noabort(&id, why, sizeof(why)) &&
	      !strcmp(why, "host CPU: MIDR_EL1 = 0x413fd0c1 is not on the kernel's BBML2_NOABORT list (ID_AA64MMFR2_EL1.BBM = 0x2)"),
	      "BBML2: Altra's Neoverse-N1 refused even with BBM 2");
	CHECK(mb_tcg_cpu_ids("max") && mb_tcg_cpu_ids("max,lpa2=off") &&
	      mb_tcg_cpu_ids("cortex-a57") && !mb_tcg_cpu_ids("host") &&
	      !mb_cpu_bbml2_noabort(mb_tcg_cpu_ids("max"), why, sizeof(why)),
	      "TCG models: known ones; max has no BBML2_NOABORT");

	/* BBML3 (7.3): MMFR2.BBM >= 3, else a longer MIDR list */
	CHECK(!mb_cpu_bbml3(mb_tcg_cpu_ids("max"), why, sizeof(why)) &&
	      !strcmp(why, "host CPU: ID_AA64MMFR2_EL1.BBM = 0x2 and MIDR_EL1 = 0x000f0510 is not on the kernel's BBML3 list"),
	      "BBML3: QEMU max (BBM 2) no");
	id = (struct mb_cpu_ids){ 0x000f0510, 0, 3ULL << 52 };
	CHECK(mb_cpu_bbml3(&id, why, sizeof(why)) &&
	      !mb_cpu_bbml2_noabort(&id, why, sizeof(why)),
	      "BBML3: BBM 3 whatever the MIDR; 6.18's list still no");
	id = (struct mb_cpu_ids){ 0x410fd4d0, 0, 0 };		/* A715 */
	CHECK(mb_cpu_bbml3(&id, why, sizeof(why)) && strstr(why, "Cortex-A715") &&
	      !mb_cpu_bbml2_noabort(&id, why, sizeof(why)),
	      "BBML3: Cortex-A715 on 7.3's list only");
	id.midr = 0x410fd8c0;					/* C1-Ultra r0p0 */
	CHECK(!mb_cpu_bbml3(&id, why, sizeof(why)), "BBML3: C1-Ultra r0p0 no");
	id.midr = 0x410fd8c1;					/* r0p1 */
	CHECK(!mb_cpu_bbml3(&id, why, sizeof(why)), "BBML3: C1-Ultra r0p1 no");
	id.midr = 0x411fd8c1;					/* r1p1 */
	CHECK(mb_cpu_bbml3(&id, why, sizeof(why)), "BBML3: C1-Ultra r1p1");
	id.midr = 0x412fd8c0;					/* r2p0 */
	CHECK(mb_cpu_bbml3(&id, why, sizeof(why)), "BBML3: C1-Ultra r2p0");
	id.midr = 0x410fd840;					/* V3 r0p0 */
	CHECK(!mb_cpu_bbml3(&id, why, sizeof(why)), "BBML3: Neoverse-V3 r0p0 no");
}

static void test_run_granule(void)
{
	const char *g4 = "build/guest/mapbench-guest.elf";
	struct mb_run_opts o;
	char err[MB_ERRLEN], path[256];
	int rc;

	CHECK(!mb_guest_for("build/guest/mapbench-guest.elf", 14, 47, path,
			    sizeof(path)) &&
	      !strcmp(path, "build/guest/mapbench-guest-16k-va47.elf"),
	      "image for 16K/47 beside the default");
	CHECK(!mb_guest_for("g.elf", 16, 52, path, sizeof(path)) &&
	      !strcmp(path, "mapbench-guest-64k-va52.elf"),
	      "image for 64K/52, default without a directory");
	CHECK(!mb_guest_for("/x/mapbench-guest.elf", 12, 48, path,
			    sizeof(path)) &&
	      !strcmp(path, "/x/mapbench-guest.elf"),
	      "4K/48: the default image itself");
	CHECK(mb_guest_for("/x/g.elf", 12, 39, path, 8) < 0,
	      "image path too long: refused");

	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--granule", "8K",
		    NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "--granule: '8K' is not 4K, 16K or 64K"),
	      "run: --granule 8K");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--va-bits", "47",
		    NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "--va-bits 47: the kernel offers 39, 48 or 52 with 4K pages"),
	      "run: --va-bits alone is for 4K");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--granule", "64K",
		    "--va-bits", "36", NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "--va-bits 36: the kernel offers 42, 48 or 52 with 64K pages"),
	      "run: 64K/36 is no Kconfig choice");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--va-bits", "x",
		    NULL);
	CHECK(rc == MB_EXIT_USAGE && strstr(err, "--va-bits: 'x'"),
	      "run: --va-bits x");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--granule", "16K",
		    NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "no guest image for 16K/48: '/nonexistent/mapbench-guest-16k-va48.elf' not found (build it with make)") &&
	      o.params.page_shift == 14 && o.params.va_bits == 48,
	      "run: --granule alone is VA 48, its image beside the default");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--granule", "16K",
		    "--tcg-cpu", "cortex-a57", NULL);
	CHECK(rc == MB_EXIT_HOST &&
	      !strcmp(err, "host CPU: ID_AA64MMFR0_EL1.TGran16 = 0x0: no 16K granule"),
	      "run: TCG model without 16K: exit 5 before the image is looked at");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--granule", "4K",
		    "--va-bits", "52", "--tcg-cpu", "max,lpa2=off", NULL);
	CHECK(rc == MB_EXIT_HOST && strstr(err, "TGran4 = 0x0"),
	      "run: 4K/52 under max,lpa2=off: exit 5");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--tcg-cpu", "host",
		    NULL);
	CHECK(rc == MB_EXIT_USAGE && strstr(err, "--tcg-cpu: 'host' is not one of max"),
	      "run: unknown --tcg-cpu");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--accel", "kvm",
		    "--tcg-cpu", "max", NULL);
	CHECK(rc == MB_EXIT_USAGE && strstr(err, "--tcg-cpu is TCG-only"),
	      "run: --tcg-cpu under KVM");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--strategy",
		    "bbml2-blocks", NULL);
	CHECK(rc == MB_EXIT_HOST &&
	      !strcmp(err, "host CPU: MIDR_EL1 = 0x000f0510 is not on the kernel's BBML2_NOABORT list (ID_AA64MMFR2_EL1.BBM = 0x2): no bbml2-blocks (--force-bbml2 runs it anyway)"),
	      "run: bbml2-blocks refused under TCG max");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--strategy",
		    "bbml2-repaint", "--force-bbml2", NULL);
	CHECK(rc == MB_EXIT_USAGE && o.force_bbml2 &&
	      strstr(err, "guest ELF '/nonexistent/guest.elf'"),
	      "run: bbml2-repaint forced: goes on to the image");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--force-bbml2",
		    NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "--force-bbml2: strategy base does not ask the CPU for BBML2 (bbml2-*, v6.18 and v7.2 do)"),
	      "run: --force-bbml2 on base");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--strategy", "v7.2",
		    "--force-bbml2", NULL);
	CHECK(rc == MB_EXIT_USAGE && o.force_bbml2 &&
	      strstr(err, "guest ELF '/nonexistent/guest.elf'"),
	      "run: v7.2 takes --force-bbml2");
	{
		struct mb_cpu_ids a715 = { 0x410fd4d0, 0, 0 };
		struct mb_run_opts b = { 0 };

		b.params.strategy = MB_STRAT_v7_2;
		CHECK(mb_bbml_block_path(&b, &a715) &&
		      !mb_bbml_block_path(&b, mb_tcg_cpu_ids("max")),
		      "block path: v7.2 on a BBML3 CPU, not on QEMU max");
		b.params.strategy = MB_STRAT_v6_18;
		CHECK(!mb_bbml_block_path(&b, &a715),
		      "block path: v6.18 asks 6.18's list (A715 not on it)");
		b.force_bbml2 = 1;
		CHECK(mb_bbml_block_path(&b, mb_tcg_cpu_ids("max")),
		      "block path: v6.18 forced");
		b.params.strategy = MB_STRAT_base;
		CHECK(!mb_bbml_block_path(&b, &a715),
		      "block path: base has none");
	}
	if (access(g4, R_OK)) {
		printf("# %s not built: image checks skipped\n", g4);
		return;
	}
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--guest", g4,
		    "--granule", "16K", "--va-bits", "47", NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "guest ELF 'build/guest/mapbench-guest.elf' is built for 4K/48, not 16K/47 (--granule, --va-bits)"),
	      "run: --guest must agree with --granule/--va-bits");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--guest", g4,
		    "--granule", "4k", NULL);
	CHECK(rc == 0 && o.params.page_shift == 12 && o.params.va_bits == 48,
	      "run: --guest agreeing with --granule 4k");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--guest", g4, NULL);
	CHECK(rc == 0 && o.params.page_shift == 12 && o.params.va_bits == 48 &&
	      !strcmp(o.tcg_cpu, "max"),
	      "run: without --granule the image says");

	/* the kernel image modelled: the strategy's Debian build */
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--guest", g4,
		    "--strategy", "v6.10", NULL);
	CHECK(rc == 0 && o.kimage.source == MB_KIMAGE_DEFAULT &&
	      strstr(o.kimage.name, "6.12.118+deb12-arm64") &&
	      o.params.alias_text == 0x40200000 &&
	      o.params.alias_stext == 0x40210000 &&
	      o.params.alias_end == 0x41f10000 &&
	      o.params.alias_init_end == 0x42880000 &&
	      o.params.alias_bss_stop == 0x42d269d0,
	      "run: v6.10 models Debian 6.12's image, _text 2M above RAM");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--guest", g4, NULL);
	CHECK(rc == 0 && strstr(o.kimage.name, "6.1.0-57-arm64") &&
	      o.params.alias_end == 0x41860000 && !o.params.alias_bss_stop,
	      "run: base models Debian 6.1's (no data symbols)");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--guest", g4,
		    "--kernel-image", "guest", NULL);
	CHECK(rc == 0 && o.kimage.source == MB_KIMAGE_GUEST &&
	      !o.params.alias_text && !o.params.alias_end,
	      "run: --kernel-image guest: the guest's own image");
	rc = settle(&o, err, sizeof(err), "--mem", "1G", "--guest", g4,
		    "--kernel-image", "/nonexistent/vmlinux", NULL);
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "--kernel-image /nonexistent/vmlinux: neither an arm64 Image nor a vmlinux or System.map"),
	      "run: --kernel-image of a missing file");
	{
		char map[] = "/tmp/mb-kimage-XXXXXX";
		int fd = mkstemp(map);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

		if (f) {
			fputs("ffff800080000000 T _text\n"
			      "ffff800080010000 T _stext\n"
			      "ffff800081000000 D __init_begin\n"
			      "ffff800081200000 D __init_end\n"
			      "ffff800081400100 B __bss_stop\n"
			      "ffff800086000000 B _end\n", f);
			fclose(f);
		}
		rc = settle(&o, err, sizeof(err), "--mem", "1G", "--guest",
			    g4, "--strategy", "v7.2", "--kernel-image", map,
			    NULL);
		CHECK(rc == 0 && o.kimage.source == MB_KIMAGE_FILE &&
		      o.params.alias_end == 0x41200000 &&
		      o.params.alias_init_end == 0x41400000 &&
		      o.params.alias_bss_stop == 0x41600100 &&
		      o.kimage.end == 0x6000000,
		      "run: --kernel-image System.map");
		rc = settle(&o, err, sizeof(err), "--mem", "64M", "--guest",
			    g4, "--kernel-image", map, NULL);
		CHECK(rc == MB_EXIT_USAGE &&
		      strstr(err, ", 96 MiB from 2 MiB above RAM) does not fit the first bank"),
		      "run: an image larger than the first bank: refused");
		unlink(map);
	}
}

/* ---- host facts ------------------------------------------------------ */

/* The shape of /proc/self/smaps on Linux 6.1, bank split by madvise. */
static const char smaps[] =
"00400000-00401000 r-xp 00000000 fe:01 123 /usr/bin/mapbench\n"
"Size:                  4 kB\n"
"Rss:                   4 kB\n"
"AnonHugePages:         0 kB\n"
"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
"Size:                  4 kB\n"
"Rss:                   4 kB\n"
"AnonHugePages:         0 kB\n"
"Private_Hugetlb:       0 kB\n"
"7f0000001000-7f0040001000 rw-p 00000000 00:00 0 \n"
"Size:            1048576 kB\n"
"KernelPageSize:        4 kB\n"
"Rss:               38912 kB\n"
"Pss:               38912 kB\n"
"AnonHugePages:     36864 kB\n"
"Shared_Hugetlb:        0 kB\n"
"Private_Hugetlb:    4096 kB\n"
"VmFlags: rd wr mr mw me ac sd hg\n"
"7f0040001000-7f0040200000 rw-p 00000000 00:00 0 \n"
"Rss:                   8 kB\n"
"AnonHugePages:         0 kB\n"
"7fff00000000-7fff00021000 rw-p 00000000 00:00 0 [stack]\n"
"Rss:                 100 kB\n";

static void test_hostinfo(void)
{
	struct mb_memuse m;
	char buf[32];

	CHECK(!mb_smaps_parse(smaps, 0x7f0000001000ULL, 0x7f0040200000ULL,
			      &m) &&
	      m.rss_kb == 38920 && m.anon_huge_kb == 36864 &&
	      m.hugetlb_kb == 4096,
	      "smaps: the VMAs of one bank summed, others not");
	CHECK(mb_smaps_parse(smaps, 0x1000, 0x2000, &m) && !m.rss_kb,
	      "smaps: no VMA in range");
	CHECK(mb_smaps_parse("", 0, ~0ULL, &m), "smaps: empty");
	CHECK(mb_cpulist_has("0-3,8,10-11\n", 0) == 1 &&
	      mb_cpulist_has("0-3,8,10-11\n", 3) == 1 &&
	      mb_cpulist_has("0-3,8,10-11\n", 8) == 1 &&
	      mb_cpulist_has("0-3,8,10-11\n", 11) == 1 &&
	      mb_cpulist_has("0-3,8,10-11\n", 9) == 0 &&
	      mb_cpulist_has("0-3,8,10-11\n", 12) == 0 &&
	      mb_cpulist_has("5", 5) == 1 && mb_cpulist_has("", 0) == 0,
	      "cpu lists: ranges and singles");
	CHECK(mb_cpulist_has("3-1", 2) == -1 && mb_cpulist_has("a", 0) == -1 &&
	      mb_cpulist_has("1,,2", 1) == -1 && mb_cpulist_has("1 2", 1) == -1,
	      "cpu lists: malformed");
	CHECK(!mb_bracketed("always [madvise] never\n", buf, sizeof(buf)) &&
	      !strcmp(buf, "madvise"), "THP mode: the bracketed word");
	CHECK(mb_bracketed("always madvise never", buf, sizeof(buf)) &&
	      mb_bracketed("[]", buf, sizeof(buf)) &&
	      mb_bracketed("[toolongforthebuffer]", buf, 8),
	      "THP mode: no or bad brackets");
}

/* ---- KVM binary stats ------------------------------------------------ */

static void *load(const char *name, size_t *len)
{
	char path[256];
	struct stat st;
	void *buf;
	int fd;

	snprintf(path, sizeof(path), "tests/unit/data/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return NULL;
	buf = malloc(st.st_size);
	if (!buf || read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

static const char *const vcpu_names[] = {
	"halt_successful_poll", "halt_attempted_poll", "halt_poll_invalid",
	"halt_wakeup", "halt_poll_success_ns", "halt_poll_fail_ns",
	"halt_wait_ns", "halt_poll_success_hist", "halt_poll_fail_hist",
	"halt_wait_hist", "blocking", "hvc_exit_stat", "wfe_exit_stat",
	"wfi_exit_stat", "mmio_exit_user", "mmio_exit_kernel",
	"signal_exits", "exits",
};

static void test_kstats(void)
{
	struct mb_kstats *k = calloc(4, sizeof(*k));
	size_t lb, la, lvb, lva;
	void *b = load("kvm-6.1-vcpu-before.bin", &lb);
	void *a = load("kvm-6.1-vcpu-after.bin", &la);
	void *vb = load("kvm-6.1-vm-before.bin", &lvb);
	void *va = load("kvm-6.1-vm-after.bin", &lva);
	char err[MB_ERRLEN];
	const struct mb_kstat *s;
	int all = 1, rc;

	if (!k || !a || !b || !va || !vb) {
		CHECK(0, "kstats: fixtures in tests/unit/data");
		goto out;
	}
	rc = mb_kstats_decode(b, lb, &k[0], err, sizeof(err));
	CHECK(!rc && k[0].nr == 18 && !strcmp(k[0].id, "kvm-111/vcpu-0"),
	      "kstats: Linux 6.1 vCPU file: 18 stats, id kvm-111/vcpu-0");
	for (unsigned int i = 0; i < 18; i++)
		all &= !strcmp(k[0].s[i].name, vcpu_names[i]);
	CHECK(all, "kstats: vCPU stat names enumerated in order");
	s = mb_kstats_get(&k[0], "halt_wait_hist");
	CHECK(s && (s->flags & KVM_STATS_TYPE_MASK) == KVM_STATS_TYPE_LOG_HIST &&
	      s->size == 32, "kstats: halt_wait_hist is a 32-bucket log hist");
	s = mb_kstats_get(&k[0], "blocking");
	CHECK(s && (s->flags & KVM_STATS_TYPE_MASK) == KVM_STATS_TYPE_INSTANT,
	      "kstats: blocking is an instant value");
	rc = mb_kstats_decode(a, la, &k[1], err, sizeof(err));
	CHECK(!rc, "kstats: vCPU file after the run decodes");
	rc = mb_kstats_delta(&k[0], &k[1], &k[2], err, sizeof(err));
	CHECK(!rc && mb_kstats_get(&k[2], "exits")->value == 103 &&
	      mb_kstats_get(&k[2], "hvc_exit_stat")->value == 1 &&
	      mb_kstats_get(&k[2], "mmio_exit_user")->value == 0,
	      "kstats: the 64M run's deltas: 103 exits, 1 HVC (PSCI off)");
	CHECK(!mb_kstats_decode(vb, lvb, &k[0], err, sizeof(err)) &&
	      !mb_kstats_decode(va, lva, &k[1], err, sizeof(err)) &&
	      k[0].nr == 2 && !strcmp(k[0].id, "kvm-111") &&
	      !strcmp(k[0].s[0].name, "remote_tlb_flush") &&
	      !strcmp(k[0].s[1].name, "remote_tlb_flush_requests") &&
	      !mb_kstats_delta(&k[0], &k[1], &k[2], err, sizeof(err)),
	      "kstats: VM file: remote_tlb_flush(_requests)");

	/* malformed files: every one refused, nothing read out of bounds */
	rc = mb_kstats_decode(b, 10, &k[0], err, sizeof(err));
	CHECK(rc && strstr(err, "no header"), "kstats: truncated header");
	rc = mb_kstats_decode(b, lb - 8, &k[0], err, sizeof(err));
	CHECK(rc && strstr(err, "data beyond"), "kstats: truncated data");
	rc = mb_kstats_decode(b, 200, &k[0], err, sizeof(err));
	CHECK(rc && strstr(err, "descriptors beyond"),
	      "kstats: truncated descriptors");
	{
		struct kvm_stats_header h;
		uint8_t *c = malloc(lb);

		memcpy(c, b, lb);
		memcpy(&h, c, sizeof(h));
		h.num_desc = 100000;
		memcpy(c, &h, sizeof(h));
		CHECK(mb_kstats_decode(c, lb, &k[0], err, sizeof(err)) &&
		      strstr(err, "100000 descriptors"),
		      "kstats: absurd descriptor count");
		memcpy(c, b, lb);
		h.num_desc = 18;
		h.name_size = 0;
		memcpy(c, &h, sizeof(h));
		CHECK(mb_kstats_decode(c, lb, &k[0], err, sizeof(err)),
		      "kstats: name size 0");
		memcpy(c, b, lb);
		/* the second name made equal to the first */
		memcpy(&h, c, sizeof(h));
		memcpy(c + h.desc_offset + sizeof(struct kvm_stats_desc) +
		       (sizeof(struct kvm_stats_desc) + h.name_size),
		       c + h.desc_offset + sizeof(struct kvm_stats_desc),
		       h.name_size);
		CHECK(mb_kstats_decode(c, lb, &k[0], err, sizeof(err)) &&
		      strstr(err, "appears twice"), "kstats: duplicate name");
		memcpy(c, b, lb);
		c[h.id_offset + h.name_size - 1] = 'x';
		memset(c + h.id_offset, 'x', h.name_size);
		CHECK(mb_kstats_decode(c, lb, &k[0], err, sizeof(err)) &&
		      strstr(err, "bad id"), "kstats: unterminated id");
		free(c);
	}
	mb_kstats_decode(a, la, &k[0], err, sizeof(err));
	mb_kstats_decode(b, lb, &k[1], err, sizeof(err));
	CHECK(mb_kstats_delta(&k[0], &k[1], &k[2], err, sizeof(err)) &&
	      strstr(err, "went backwards"), "kstats: counters never go back");
out:
	free(a);
	free(b);
	free(va);
	free(vb);
	free(k);
}

/* ---- --window-exits -------------------------------------------------- */

static void test_window_exits(void)
{
	/* a sample every 100 ticks, each read taking 10; one exit per 10
	 * ticks between 1000 and 2000, none elsewhere */
	struct mb_wx_sample s[40];
	uint64_t min, max;

	for (unsigned int i = 0; i < 40; i++) {
		uint64_t t = 100 * i + 5, e;

		s[i].lo = t - 5;
		s[i].hi = t + 5;
		e = t < 1000 ? 0 : t > 2000 ? 100 : (t - 1000) / 10;
		s[i].exits = 7 + e;
	}
	CHECK(!mb_wx_count(s, 40, 1000, 2000, 0, &min, &max) &&
	      min == 90 && max == 100,
	      "window exits: 90..100 for 100 exits in the window");
	CHECK(!mb_wx_count(s, 40, 1000, 2000, 50, &min, &max) &&
	      min == 80 && max == 100,
	      "window exits: the offset's slack widens the range");
	CHECK(!mb_wx_count(s, 40, 2500, 2600, 0, &min, &max) &&
	      min == 0 && max == 0, "window exits: none outside");
	CHECK(!mb_wx_count(s, 40, 1020, 1030, 0, &min, &max) &&
	      min == 0 && max == 10,
	      "window exits: a window between two samples");
	CHECK(mb_wx_count(s, 40, 3900, 4500, 0, &min, &max),
	      "window exits: samples must surround the window");
	CHECK(mb_wx_count(s, 40, 2000, 1000, 0, &min, &max) &&
	      mb_wx_count(s, 0, 1000, 2000, 0, &min, &max),
	      "window exits: backwards window, no samples");
}

/* ---- ESR ------------------------------------------------------------- */

static void test_esr(void)
{
	char buf[128];

	mb_esr_describe(0x96000004, buf, sizeof(buf));
	CHECK(!strcmp(buf, "data abort (EC 0x25): translation fault, level 0, on a read"),
	      "ESR 0x96000004: the injected fault");
	mb_esr_describe(0x96000045, buf, sizeof(buf));
	CHECK(!strcmp(buf, "data abort (EC 0x25): translation fault, level 1, on a write"),
	      "ESR 0x96000045: write, level 1");
	mb_esr_describe(0x8600000f, buf, sizeof(buf));
	CHECK(!strcmp(buf, "instruction abort (EC 0x21): permission fault, level 3"),
	      "ESR 0x8600000f: instruction permission fault");
	mb_esr_describe(0x96000021, buf, sizeof(buf));
	CHECK(strstr(buf, "alignment fault"), "ESR: alignment fault");
	mb_esr_describe(0xf2000000ULL | 0x800, buf, sizeof(buf));
	CHECK(!strcmp(buf, "BRK (EC 0x3c)"), "ESR: BRK");
	mb_esr_describe(0x0a000000, buf, sizeof(buf));
	CHECK(!strcmp(buf, "reserved EC (EC 0x02)"), "ESR: reserved class");
	mb_esr_describe(~0ULL, buf, sizeof(buf));
	CHECK(strstr(buf, "EC 0x3f"), "ESR: all ones still decodes");
	CHECK(!strcmp(mb_vector_name(4), "sync, current EL, SPx") &&
	      !strcmp(mb_vector_name(0x17), "SError, current EL, SPx"),
	      "vector names (masked to 16)");
}

/* ---- record checks: --iterations and --pmu --------------------------- */

static void seal(struct mb_result *r)
{
	r->checksum = mb_fnv1a(MB_FNV_OFFSET, r,
			       offsetof(struct mb_result, checksum));
}

static void good_record(struct mb_result *r, const struct mb_params *p)
{
	memset(r, 0, sizeof(*r));
	r->magic = MB_RESULT_MAGIC;
	r->abi_version = MB_ABI_VERSION;
	r->size = sizeof(*r);
	r->strategy = p->strategy;
	r->rodata = p->rodata;
	r->page_shift = p->page_shift;
	r->va_bits = p->va_bits;
	r->cntfrq = 62500000;
	r->t_start = 100;
	r->t_end = 1100;
	r->nr_iters = p->iterations ? p->iterations : 1;
	for (unsigned int i = 0; i < r->nr_iters; i++)
		r->iter_ticks[i] = 1000 - i;
	r->pmu = !!(p->flags & MB_PF_PMU);
	for (unsigned int i = 0; r->pmu && i < r->nr_iters; i++)
		r->iter_cycles[i] = 5000 + i;
	r->kernel_start = r->kernel_end = MB_IMAGE_GPA;
	r->image_start = MB_IMAGE_GPA;
	r->image_end = MB_IMAGE_GPA + 0x20000;
	r->alloc_low = MB_RAM_BASE + G - 0x1000;
	r->alloc_pages = 1;
	r->nr_banks = p->nr_banks;
	memcpy(r->banks, p->banks, sizeof(r->banks));
	r->counts.tables_l0 = 1;
	r->counts.tables_l1 = 2;
	r->counts.tables_l2 = 3;
	r->counts.tables_l3 = 40;
	r->floor_tables = 46;
	r->floor_descs = 40 * 512 + 45;
	fake_units(r);
	seal(r);
}

static void test_record_iters(void)
{
	struct mb_params p = { .nr_banks = 1, .iterations = 3,
			       .page_shift = 12, .va_bits = 48,
			       .flags = MB_PF_PMU };
	struct mb_result r, out;
	char err[MB_ERRLEN];

	p.banks[0] = (struct mb_bank){ MB_RAM_BASE, G };
	good_record(&r, &p);
	CHECK(!mb_record_check(&r, sizeof(r), &p, &out, err, sizeof(err)),
	      "record: 3 iterations with cycles accepted");
	good_record(&r, &p);
	r.nr_iters = 2;
	seal(&r);
	CHECK(mb_record_check(&r, sizeof(r), &p, &out, err, sizeof(err)) ==
	      MB_EXIT_GUEST && strstr(err, "another number of iterations"),
	      "record: wrong iteration count");
	good_record(&r, &p);
	r.iter_ticks[0] = 7;
	seal(&r);
	CHECK(mb_record_check(&r, sizeof(r), &p, &out, err, sizeof(err)) &&
	      strstr(err, "first iteration is not its window"),
	      "record: first iteration must be the window");
	good_record(&r, &p);
	r.iter_ticks[5] = 1;
	seal(&r);
	CHECK(mb_record_check(&r, sizeof(r), &p, &out, err, sizeof(err)) &&
	      strstr(err, "beyond its iterations"),
	      "record: data beyond nr_iters");
	good_record(&r, &p);
	r.pmu = 0;
	seal(&r);
	CHECK(mb_record_check(&r, sizeof(r), &p, &out, err, sizeof(err)) &&
	      strstr(err, "PMU flag"), "record: PMU flag must match");
	p.flags = 0;
	good_record(&r, &p);
	r.iter_cycles[1] = 3;
	seal(&r);
	CHECK(mb_record_check(&r, sizeof(r), &p, &out, err, sizeof(err)) &&
	      strstr(err, "cycles without the PMU"),
	      "record: cycles without the PMU");
	p.iterations = 0;
	good_record(&r, &p);
	CHECK(!mb_record_check(&r, sizeof(r), &p, &out, err, sizeof(err)) &&
	      out.nr_iters == 1, "record: iterations 0 means 1");
	good_record(&r, &p);
	r.status = MB_ST_EXCEPTION;
	r.exc.esr = 0x96000004;
	r.exc.far = 0xffff7ffffffff000ULL;
	r.exc.elr = 0xffff800080011418ULL;
	r.exc.spsr = 0x800003c5;
	r.exc.vector = 4;
	r.exc.mmu_on = 1;
	seal(&r);
	CHECK(mb_record_check(&r, sizeof(r), &p, &out, err, sizeof(err)) ==
	      MB_EXIT_GUEST &&
	      !strcmp(err, "guest took an exception: data abort (EC 0x25): translation fault, level 0, on a read; ESR 0x96000004 FAR 0xffff7ffffffff000 ELR 0xffff800080011418 SPSR 0x800003c5, vector 4 (sync, current EL, SPx), MMU on"),
	      "record: exception message, exact");
}

/* ---- record checks: unit costs and the floor ------------------------- */

static int units_rejected(struct mb_result *r, const struct mb_params *p,
			  const char *why)
{
	struct mb_result out;
	char err[MB_ERRLEN];

	seal(r);
	return mb_record_check(r, sizeof(*r), p, &out, err, sizeof(err)) ==
	       MB_EXIT_GUEST && strstr(err, why);
}

/* r's floor as the guest computes it from its stores */
static void refloor(struct mb_result *r)
{
	struct mb_floor f = mb_floor_of(r);

	r->floor_ticks = (f.data_bytes * f.data_pt + f.zero_bytes * f.zero_pt) /
			 MB_CAL_PICO;
}

static void test_record_units(void)
{
	struct mb_params p = { .nr_banks = 1, .page_shift = 12,
			       .va_bits = 48 };
	struct mb_result r, out;
	char err[MB_ERRLEN];

	p.banks[0] = (struct mb_bank){ MB_RAM_BASE, G };
	good_record(&r, &p);
	/* 20525 descriptors (8 bytes each at stp's 2000 picoticks a byte),
	 * 46 x 4096 - 20524 x 8 bytes of zeroes at DC ZVA's 1000 */
	CHECK(r.floor_ticks == 352 &&
	      !mb_record_check(&r, sizeof(r), &p, &out, err, sizeof(err)) &&
	      out.units[MB_UNIT_isb].median_pt == 5000000 &&
	      out.stores[MB_STORE_stp_q].median_pt == 4000 &&
	      out.nr_probes == FAKE_PROBES,
	      "record: unit costs, stores, probes and floor accepted, exact");
	good_record(&r, &p);
	memset(&r.stores[MB_STORE_dc_zva], 0, sizeof(r.stores[0]));
	refloor(&r);
	seal(&r);
	CHECK(r.floor_ticks == 376 &&
	      !mb_record_check(&r, sizeof(r), &p, &out, err, sizeof(err)),
	      "record: no DC ZVA (DZP): the zeroes at the best data store");
	good_record(&r, &p);
	r.floor_ticks++;
	CHECK(units_rejected(&r, &p, "floor does not match its tables"),
	      "record: floor off by one tick");
	good_record(&r, &p);
	r.floor_descs = 46 * 512 + 2;
	refloor(&r);
	CHECK(units_rejected(&r, &p, "floor does not match its tables"),
	      "record: more descriptors than the tables have slots");
	good_record(&r, &p);
	r.floor_tables = (G >> 12) + 1;
	CHECK(units_rejected(&r, &p, "floor does not match its tables"),
	      "record: more table pages than RAM");
	good_record(&r, &p);
	r.floor_buffer += 1;
	CHECK(units_rejected(&r, &p, "floor does not match its tables"),
	      "record: floor buffer not whole 256-byte blocks");
	good_record(&r, &p);
	r.calibrated = 0;
	CHECK(units_rejected(&r, &p, "has no unit costs"),
	      "record: calibration missing");
	good_record(&r, &p);
	r.units[MB_UNIT_fixmap_pair].rounds = 6;
	CHECK(units_rejected(&r, &p, "unit cost out of range"),
	      "record: rounds must be MB_CAL_ROUNDS");
	good_record(&r, &p);
	r.units[MB_UNIT_isb].reps = 3;
	CHECK(units_rejected(&r, &p, "unit cost out of range"),
	      "record: reps must be a power of two");
	good_record(&r, &p);
	r.units[MB_UNIT_isb].reps = MB_CAL_MAX_REPS * 2;
	CHECK(units_rejected(&r, &p, "unit cost out of range"),
	      "record: reps over the cap");
	good_record(&r, &p);
	r.units[MB_UNIT_ttbr].max_pt = 1;
	CHECK(units_rejected(&r, &p, "unit cost out of range"),
	      "record: max under the median");
	good_record(&r, &p);
	r.units[MB_UNIT_zero_page].max_pt = r.cntfrq * MB_CAL_PICO + 1;
	CHECK(units_rejected(&r, &p, "unit cost out of range"),
	      "record: an op over a second");
	good_record(&r, &p);
	r.units[MB_UNIT_isb].median_pc = 1;
	CHECK(units_rejected(&r, &p, "unit cost out of range"),
	      "record: unit cycles without the PMU");
	good_record(&r, &p);
	r.stores[MB_STORE_stp].rounds = 6;
	CHECK(units_rejected(&r, &p, "store rate out of range"),
	      "record: a store form's rounds");
	good_record(&r, &p);
	r.nr_probes = MB_MAX_PROBES + 1;
	CHECK(units_rejected(&r, &p, "probe count out of range"),
	      "record: more probes than the ABI holds");
	good_record(&r, &p);
	r.probes[2].kind = MB_NR_PROBE_KINDS;
	CHECK(units_rejected(&r, &p, "probe out of range"),
	      "record: a probe of no kind");
	good_record(&r, &p);
	r.probes[0].reps = 3;
	CHECK(units_rejected(&r, &p, "probe out of range"),
	      "record: a probe's reps must be a power of two");
	good_record(&r, &p);
	r.probes[1].median_pt = r.cntfrq * MB_CAL_PICO * 60 + 1;
	CHECK(units_rejected(&r, &p, "probe out of range"),
	      "record: a probe build over a minute");
	good_record(&r, &p);
	r.probes[FAKE_PROBES].counts[MB_CTR_ptes] = 1;
	CHECK(units_rejected(&r, &p, "data beyond its probes"),
	      "record: data beyond nr_probes");
	good_record(&r, &p);
	r.cnt_res = 0;
	CHECK(units_rejected(&r, &p, "counter resolution out of range"),
	      "record: counter resolution 0");
	good_record(&r, &p);
	r.floor_tables = r.floor_ticks = ~0ULL;
	CHECK(units_rejected(&r, &p, "floor does not match its tables"),
	      "record: floor overflow is rejected");

	p.flags = MB_PF_NO_CALIBRATE;
	good_record(&r, &p);
	CHECK(units_rejected(&r, &p, "not asked for"),
	      "record: --no-calibrate, unit costs present");
	good_record(&r, &p);
	memset(&r.calibrated, 0, offsetof(struct mb_result, checksum) -
	       offsetof(struct mb_result, calibrated));
	seal(&r);
	CHECK(!mb_record_check(&r, sizeof(r), &p, &out, err, sizeof(err)),
	      "record: --no-calibrate, none: accepted");
	r.probes[MB_MAX_PROBES - 1].reps = 1;
	CHECK(units_rejected(&r, &p, "not asked for"),
	      "record: --no-calibrate, one field set");
}

/* What prices pt leave of the fake probes (their events: fake_probe()). */
static double fake_rms(const struct mb_result *r, const int64_t *pt)
{
	double ss = 0;

	for (unsigned int k = 0; k < r->nr_probes; k++) {
		const uint32_t *n = r->probes[k].counts;
		double e = (double)r->probes[k].median_pt;

		e -= (double)pt[MB_CODE_map_mem];
		e -= (double)n[MB_CTR_ptes] * (double)pt[MB_CODE_ptes];
		e -= (double)n[MB_CTR_windows] * (double)pt[MB_CODE_windows];
		e -= (double)n[MB_CTR_pmds] * (double)pt[MB_CODE_pmds];
		e -= (double)n[MB_CTR_tables_l3] * (double)pt[MB_CODE_tables];
		e -= (double)n[MB_CTR_walks] * (double)pt[MB_CODE_walks];
		ss += e * e;
	}
	return sqrt(ss / r->nr_probes);
}

/*
 * A timed run's prices are the best non-negative ones: on exact probes
 * the same as unconstrained; where a true price is negative (walks', made
 * so), that unit is held at 0 (bound), none is negative, and what they
 * leave of the probes is no more than clamping the free solution does.
 */
static void test_account_nonneg(const struct mb_params *p)
{
	struct mb_code_prices free_pr, pr;
	struct mb_result r;
	int64_t clamp[MB_NR_CODES];
	bool exact = true, nonneg = true;

	good_record(&r, p);
	CHECK(!mb_account_prices(&r, true, &pr), "account: non-negative "
	      "prices from the fake probes");
	for (unsigned int c = 0; c < MB_NR_CODES; c++)
		if (fake_code_pt(c))
			exact &= pr.state[c] == MB_CODE_SOLVED &&
				 llabs(pr.pt[c] - fake_code_pt(c)) < 1000;
	CHECK(exact, "account: non-negative, exact probes: every price "
	      "recovered, solved");
	for (unsigned int k = 0; k < FAKE_PROBES; k++)
		r.probes[k].median_pt -= 2 * r.probes[k].counts[MB_CTR_walks] *
					 (uint64_t)fake_code_pt(MB_CODE_walks);
	CHECK(!mb_account_prices(&r, false, &free_pr) &&
	      llabs(free_pr.pt[MB_CODE_walks] +
		    fake_code_pt(MB_CODE_walks)) < 1000,
	      "account: unconstrained, a negative true price is found");
	CHECK(!mb_account_prices(&r, true, &pr), "account: non-negative, "
	      "the same probes");
	for (unsigned int c = 0; c < MB_NR_CODES; c++) {
		nonneg &= pr.pt[c] >= 0;
		clamp[c] = free_pr.pt[c] > 0 ? free_pr.pt[c] : 0;
	}
	CHECK(nonneg && pr.state[MB_CODE_walks] == MB_CODE_BOUND &&
	      !pr.pt[MB_CODE_walks],
	      "account: non-negative: none below 0, walks bound at 0");
	CHECK(pr.rms_pt > 1000 &&
	      fabs(pr.rms_pt - fake_rms(&r, pr.pt)) < 1 &&
	      pr.rms_pt < fake_rms(&r, clamp),
	      "account: non-negative: leaves less of the probes than the "
	      "free prices clamped at 0");
}

/*
 * The code units' prices from the probes (account.c): the fake probes
 * are exact sums of their counts at fake_code_pt(), so least squares
 * recovers every price (to doubles' rounding); units no probe counts are
 * unprobed; a unit the probes only move with another is merged.
 */
static void test_account_prices(void)
{
	struct mb_params p = { .nr_banks = 1, .page_shift = 12,
			       .va_bits = 48 };
	struct mb_code_prices pr;
	struct mb_result r;
	bool exact = true, unprobed = true;

	p.banks[0] = (struct mb_bank){ MB_RAM_BASE, G };
	good_record(&r, &p);
	CHECK(!mb_account_prices(&r, false, &pr) && pr.probes == FAKE_PROBES,
	      "account: prices from the fake probes");
	for (unsigned int c = 0; c < MB_NR_CODES; c++) {
		if (fake_code_pt(c))
			exact &= pr.state[c] == MB_CODE_SOLVED &&
				 llabs(pr.pt[c] - fake_code_pt(c)) < 1000;
		else
			unprobed &= pr.state[c] == MB_CODE_UNPROBED &&
				    !pr.pt[c];
	}
	CHECK(exact && pr.rms_pt < 1000, "account: each price to a "
	      "thousandth of a tick, the probes fitted as closely");
	CHECK(unprobed, "account: units no probe counts are unprobed, 0");
	/* blocks only ever twice the tables: the probes cannot part them */
	for (unsigned int k = 0; k < FAKE_PROBES; k++)
		r.probes[k].counts[MB_CTR_blocks] =
			2 * r.probes[k].counts[MB_CTR_tables_l3];
	CHECK(!mb_account_prices(&r, false, &pr) &&
	      pr.state[MB_CODE_blocks] == MB_CODE_MERGED &&
	      pr.pt[MB_CODE_blocks] == 0 &&
	      llabs(pr.pt[MB_CODE_tables] -
		    fake_code_pt(MB_CODE_tables)) < 1000,
	      "account: a unit that moves only with another is merged");
	r.nr_probes = 1;
	CHECK(mb_account_prices(&r, false, &pr) == -1,
	      "account: one probe prices nothing");
	test_account_nonneg(&p);
}

int main(void)
{
	const char *base = getenv("TMPDIR");
	char cmd[400];

	snprintf(tmpdir, sizeof(tmpdir), "%s/mb-test-vmm-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_layout_parse();
	test_layout_files();
	test_ipa();
	test_table_region();
	test_options();
	test_run_opts();
	test_cpufeat();
	test_run_granule();
	test_hostinfo();
	test_kstats();
	test_esr();
	test_window_exits();
	test_record_iters();
	test_record_units();
	test_account_prices();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		printf("# could not remove %s\n", tmpdir);

	printf("test_runside: %d passed, %d failed\n", nr_tests - nr_failed,
	       nr_failed);
	return nr_failed ? 1 : 0;
}
