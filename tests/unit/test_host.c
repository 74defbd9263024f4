// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the host side that need neither KVM nor QEMU: sizes, the
 * JSON report, the console record scanner, and mb_tcg_run() driven by
 * fake "qemu" shell scripts.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "options.h"
#include "cpufeat.h"
#include "record.h"
#include "run.h"
#include "tcg.h"
#include "report.h"
#include "console.h"

#include "tap.h"
#include "fake_units.h"

static char tmpdir[256];		/* short: paths built from it fit */

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static int write_file(const char *path, const void *buf, size_t len,
		      int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, buf, len) == (ssize_t)len;
	return close(fd) || !ok ? -1 : 0;
}

static char *read_text(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Entries in dir other than . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* ---- sizes ----------------------------------------------------------- */

static void test_parse_size(void)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
		{ "4096", 4096 },
		{ "512K", 512ULL << 10 },
		{ "512k", 512ULL << 10 },
		{ "64M", 64ULL << 20 },
		{ "64m", 64ULL << 20 },
		{ "1G", 1ULL << 30 },
		{ "16G", 16ULL << 30 },
		{ "16g", 16ULL << 30 },
		{ "16GiB", 16ULL << 30 },
		{ "1KiB", 1024 },
		{ "1T", 1ULL << 40 },
		{ "1t", 1ULL << 40 },
		{ "0001M", 1ULL << 20 },
		{ "1536M", 1536ULL << 20 },
		{ "16777215T", 16777215ULL << 40 },
		{ "18446744073709551615", UINT64_MAX },
	};
	static const char *const bad[] = {
		"", "0", "0G", "000", "-1G", "+1G", " 1G", "1G ", "1.5G",
		"1GB", "1B", "1iB", "1Gi", "1Gib", "1GIB", "1GiBx", "1X",
		"G", "1GG", "0x10", "99999999999T", "16777216T",
		"18446744073709551616", "99999999999999999999999",
	};
	char name[96];
	int all = 1;
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 0;
		snprintf(name, sizeof(name), "parse_size accepts \"%s\"",
			 good[i].s);
		CHECK(!mb_parse_size(good[i].s, &v) && v == good[i].v, name);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 12345;
		snprintf(name, sizeof(name), "parse_size rejects \"%s\"",
			 bad[i]);
		CHECK(mb_parse_size(bad[i], &v) && v == 12345, name);
	}
	CHECK(mb_parse_size(NULL, &v), "parse_size rejects NULL");

	for (int i = 0; i < 64; i++) {
		uint64_t x = (1ULL << i) * 3 / 2 + (i > 20 ? 0 : 1), y;
		char buf[32];

		mb_format_size(x, buf, sizeof(buf));
		if (mb_parse_size(buf, &y) || y != x)
			all = 0;
	}
	CHECK(all, "parse_size(format_size(x)) == x");
}

static void test_format_size(void)
{
	static const struct {
		uint64_t v;
		const char *s;
	} t[] = {
		{ 0, "0" },
		{ 1, "1" },
		{ 4097, "4097" },
		{ 4096, "4K" },
		{ 1536ULL << 20, "1536M" },
		{ 1ULL << 30, "1G" },
		{ 16ULL << 30, "16G" },
		{ (1ULL << 30) + 4096, "1048580K" },
		{ 1ULL << 40, "1T" },
		{ 2048ULL << 40, "2048T" },
		{ UINT64_MAX, "18446744073709551615" },
	};
	char buf[32], name[96];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		mb_format_size(t[i].v, buf, sizeof(buf));
		snprintf(name, sizeof(name), "format_size -> \"%s\"", t[i].s);
		CHECK(!strcmp(buf, t[i].s), name);
	}
	memset(buf, 'x', sizeof(buf));
	mb_format_size(1536ULL << 20, buf, 3);
	CHECK(!strcmp(buf, "15") && buf[3] == 'x',
	      "format_size truncates within the buffer");
}

/* ---- console record -------------------------------------------------- */

static void fake_record(struct mb_result *r, const struct mb_params *p)
{
	memset(r, 0, sizeof(*r));
	r->magic = MB_RESULT_MAGIC;
	r->abi_version = MB_ABI_VERSION;
	r->size = sizeof(*r);
	r->status = MB_ST_OK;
	r->strategy = p->strategy;
	r->rodata = p->rodata;
	r->page_shift = p->page_shift;
	r->va_bits = p->va_bits;
	r->cntfrq = 62500000;
	r->t_start = 1000;
	r->t_end = 1000 + 7716000;
	r->nr_iters = 1;
	r->iter_ticks[0] = 7716000;
	r->page_offset = 0xffff000000000000ULL;
	r->phys_offset = MB_RAM_BASE;
	r->kernel_start = MB_IMAGE_GPA;
	r->kernel_end = MB_IMAGE_GPA + 0x10000;
	r->image_start = MB_IMAGE_GPA;
	r->image_end = MB_IMAGE_GPA + 0x20000;
	r->alloc_low = MB_RAM_BASE + 0x3ff00000ULL;
	r->alloc_pages = 8209;
	r->nr_banks = p->nr_banks;
	memcpy(r->banks, p->banks, sizeof(r->banks));
	r->digest = 0xdeadbeef;
	r->digest_counted = 0xdeadbeef;
	fake_units(r);
	r->checksum = mb_fnv1a(MB_FNV_OFFSET, r,
			       offsetof(struct mb_result, checksum));
}

static void to_hex(const void *p, size_t n, char *out)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void feed_str(struct mb_console *c, const char *s)
{
	mb_console_feed(c, s, strlen(s));
}

/* The console text for one record: prefix + "MBREC " + hex + suffix. */
static char *record_text(const struct mb_result *r, const char *prefix,
			 const char *suffix)
{
	size_t n = strlen(prefix) + strlen(MB_CONSOLE_TAG) +
		   2 * sizeof(*r) + strlen(suffix) + 1;
	char *s = malloc(n), *h;

	if (!s)
		abort();
	h = s + sprintf(s, "%s%s", prefix, MB_CONSOLE_TAG);
	to_hex(r, sizeof(*r), h);
	strcpy(h + 2 * sizeof(*r), suffix);
	return s;
}

static void test_hex_decode(void)
{
	unsigned char b[3];

	CHECK(!mb_hex_decode("00fF7a", 6, b, 3) && b[0] == 0 &&
	      b[1] == 0xff && b[2] == 0x7a, "hex_decode good, mixed case");
	CHECK(mb_hex_decode("00ff7", 5, b, 3), "hex_decode odd length");
	CHECK(mb_hex_decode("00ff7a00", 8, b, 3), "hex_decode too long");
	CHECK(mb_hex_decode("00fg7a", 6, b, 3), "hex_decode non-hex");
	CHECK(mb_hex_decode("00 f7a", 6, b, 3), "hex_decode space");
}

static void test_console(void)
{
	struct mb_params p = { .strategy = 3, .rodata = MB_RODATA_ON,
			       .page_shift = 12, .va_bits = 48, .nr_banks = 1,
			       .banks = { { MB_RAM_BASE, 1ULL << 30 } } };
	struct mb_console *c = malloc(sizeof(*c));
	struct mb_result r;
	char *t, last[128];
	size_t n;

	if (!c)
		abort();
	fake_record(&r, &p);

	t = record_text(&r, "booting\nstrategy lazy-unmap\n", "\npoweroff\n");
	mb_console_init(c);
	feed_str(c, t);
	mb_console_finish(c);
	CHECK(c->rec_state == MB_CREC_OK && !memcmp(c->rec, &r, sizeof(r)),
	      "console: good record found");
	mb_console_last_line(c, last, sizeof(last));
	CHECK(!strcmp(last, "poweroff"), "console: last line");

	/* One byte per read, and ragged chunks: a record split anywhere. */
	mb_console_init(c);
	for (size_t i = 0; t[i]; i++)
		mb_console_feed(c, t + i, 1);
	mb_console_finish(c);
	CHECK(c->rec_state == MB_CREC_OK && !memcmp(c->rec, &r, sizeof(r)),
	      "console: record split into 1-byte reads");
	mb_console_init(c);
	n = strlen(t);
	for (size_t i = 0, k = 1; i < n; i += k, k = k * 7 % 113 + 1)
		mb_console_feed(c, t + i, i + k > n ? n - i : k);
	mb_console_finish(c);
	CHECK(c->rec_state == MB_CREC_OK && !memcmp(c->rec, &r, sizeof(r)),
	      "console: record split into ragged reads");
	free(t);

	t = record_text(&r, "x\r\n", "\r\nbye\r\n");
	mb_console_init(c);
	feed_str(c, t);
	mb_console_finish(c);
	mb_console_last_line(c, last, sizeof(last));
	CHECK(c->rec_state == MB_CREC_OK && !strcmp(last, "bye"),
	      "console: CRLF line ends");
	free(t);

	t = record_text(&r, "", "");
	mb_console_init(c);
	feed_str(c, t);
	mb_console_finish(c);
	CHECK(c->rec_state == MB_CREC_OK,
	      "console: record without final newline at EOF");
	free(t);

	/* Odd length: drop the last hex digit. */
	t = record_text(&r, "", "\n");
	t[strlen(t) - 2] = '\n';
	t[strlen(t) - 1] = '\0';
	mb_console_init(c);
	feed_str(c, t);
	mb_console_finish(c);
	snprintf(last, sizeof(last), "(%zu hex digits, want %zu)",
		 2 * sizeof(r) - 1, 2 * sizeof(r));
	CHECK(c->rec_state == MB_CREC_BAD &&
	      strstr(c->rec_why, "malformed result record") &&
	      strstr(c->rec_why, last),
	      "console: odd hex length is malformed, says the length");
	free(t);

	t = record_text(&r, "", "\n");
	t[strlen(MB_CONSOLE_TAG) + 17] = 'z';
	mb_console_init(c);
	feed_str(c, t);
	mb_console_finish(c);
	CHECK(c->rec_state == MB_CREC_BAD &&
	      strstr(c->rec_why, "malformed result record"),
	      "console: non-hex character is malformed");
	free(t);

	/* One byte short, and one byte long. */
	t = record_text(&r, "", "\n");
	strcpy(t + strlen(t) - 3, "\n");
	mb_console_init(c);
	feed_str(c, t);
	mb_console_finish(c);
	CHECK(c->rec_state == MB_CREC_BAD, "console: short record");
	free(t);
	t = record_text(&r, "", "00\n");
	mb_console_init(c);
	feed_str(c, t);
	mb_console_finish(c);
	CHECK(c->rec_state == MB_CREC_BAD, "console: long record");
	free(t);

	/* Far too long: overflows the line buffer. */
	mb_console_init(c);
	feed_str(c, MB_CONSOLE_TAG);
	for (int i = 0; i < 1000; i++)
		feed_str(c, "0123456789abcdef");
	feed_str(c, "\nend\n");
	mb_console_finish(c);
	CHECK(c->rec_state == MB_CREC_BAD, "console: overlong record line");

	mb_console_init(c);
	feed_str(c, "hello\n\x1b[2Jworld\x07\n\n  \n");
	mb_console_finish(c);
	mb_console_last_line(c, last, sizeof(last));
	CHECK(c->rec_state == MB_CREC_NONE, "console: no record");
	CHECK(!strcmp(last, "?[2Jworld?"),
	      "console: last line skips blanks, masks control bytes");

	/* The tag only counts at the start of a line. */
	t = record_text(&r, "say ", "\n");
	mb_console_init(c);
	feed_str(c, t);
	mb_console_finish(c);
	CHECK(c->rec_state == MB_CREC_NONE, "console: tag mid-line ignored");
	free(t);

	t = record_text(&r, "", "\n");
	mb_console_init(c);
	feed_str(c, t);
	feed_str(c, t);
	mb_console_finish(c);
	CHECK(c->rec_state == MB_CREC_BAD &&
	      strstr(c->rec_why, "more than one"),
	      "console: two records are rejected");
	free(t);

	/* A long last line: truncated, never overrun. */
	mb_console_init(c);
	for (int i = 0; i < 600; i++)
		feed_str(c, "abcdefghij");
	feed_str(c, "\nXYZ0123456789");
	memset(last, 'x', sizeof(last));
	mb_console_last_line(c, last, 8);
	CHECK(!strcmp(last, "XYZ0123") && last[8] == 'x',
	      "console: last line truncated to the buffer");
	/* Longer than the tail: what the tail holds of it. */
	mb_console_init(c);
	for (int i = 0; i < 600; i++)
		feed_str(c, "abcdefghij");
	mb_console_last_line(c, last, sizeof(last));
	CHECK(strlen(last) == sizeof(last) - 1 && last[0] == 'e',
	      "console: unterminated line longer than the tail");
	free(c);
}

/* ---- the JSON report ------------------------------------------------- */

static const char *const counter_names[] = {
#define COUNTER_NAME(name) #name,
	MB_COUNTER_LIST(COUNTER_NAME)
#undef COUNTER_NAME
};

static void fake_run(struct mb_run_opts *cfg, struct mb_outcome *out,
		     enum mb_accel accel)
{
	uint64_t counts[MB_NR_COUNTERS];
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->guest_elf = "guest.elf";
	cfg->accel = accel;
	cfg->params.strategy = MB_STRAT_base;
	cfg->params.rodata = MB_RODATA_FULL;
	cfg->params.page_shift = 12;
	cfg->params.va_bits = 48;
	cfg->params.nr_banks = 1;
	cfg->params.banks[0].base = MB_RAM_BASE;
	cfg->params.banks[0].size = 16ULL << 30;
	memset(out, 0, sizeof(*out));
	fake_record(&out->rec, &cfg->params);
	out->rec.t_start = 5;
	out->rec.t_end = 5 + 7716000;
	for (i = 0; i < MB_NR_COUNTERS; i++)
		counts[i] = 1000 * (i + 1);
	memcpy(&out->rec.counts, counts, sizeof(counts));
	out->rec.floor_tables = 70000;
	out->rec.floor_descs = 39000;
	fake_units(&out->rec);
	out->rec.verify.leaves_checked = 11;
	out->rec.verify.pages_checked = 4194304;
	out->rec.verify.at_checked = 13;
	out->rec.verify.rw_checked = 14;
	out->have_record = 1;
	snprintf(out->accel_desc, sizeof(out->accel_desc), "%s",
		 accel == MB_ACCEL_TCG ? "qemu 7.2.22 tcg (emulated)" : "kvm");
	out->ipa_bits = 40;
	out->ipa_limit = 48;
	out->wall_s = 1.5;
}

static int jstr(json_t *o, const char *key, const char *want)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) && !strcmp(json_string_value(v), want);
}

static int jint(json_t *o, const char *key, long long want)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) == want;
}

static json_t *write_and_load(const char *path, const struct mb_run_opts *cfg,
			      const struct mb_outcome *out, int *rc)
{
	char err[MB_ERRLEN] = "";
	json_error_t je;

	*rc = mb_report_json(path, cfg, out, err, sizeof(err));
	if (*rc) {
		printf("# mb_report_json: %s\n", err);
		return NULL;
	}
	return json_load_file(path, 0, &je);
}

static void test_report_json(void)
{
	struct mb_run_opts cfg;
	struct mb_outcome out;
	char path[1024], dir[512], err[MB_ERRLEN];
	json_t *j, *o, *b;
	int rc, all;

	path_in(dir, sizeof(dir), "json");
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/report.json", dir);

	fake_run(&cfg, &out, MB_ACCEL_TCG);
	j = write_and_load(path, &cfg, &out, &rc);
	CHECK(!rc && j, "report: tcg report written and parses");
	if (!j)
		return;
	CHECK(jstr(j, "mapbench_version", MB_VERSION) &&
	      jint(j, "schema", 1), "report: version and schema");
	CHECK(jstr(j, "strategy", "base") &&
	      jstr(j, "rodata", mb_rodata_name(MB_RODATA_FULL)),
	      "report: strategy and rodata");
	CHECK(jstr(j, "accel", "tcg") &&
	      json_is_true(json_object_get(j, "emulated")) &&
	      jstr(j, "accel_desc", "qemu 7.2.22 tcg (emulated)"),
	      "report: accel tcg, emulated");
	CHECK(jstr(j, "status", mb_status_name(MB_ST_OK)), "report: status");
	o = json_object_get(j, "ram");
	b = json_array_get(json_object_get(o, "banks"), 0);
	CHECK(json_array_size(json_object_get(o, "banks")) == 1 &&
	      jstr(b, "base", "0x40000000") &&
	      jint(b, "size", 17179869184LL) && jstr(b, "size_h", "16G") &&
	      jint(o, "total", 17179869184LL), "report: ram");
	o = json_object_get(j, "layout");
	CHECK(jstr(o, "page_offset", "0xffff000000000000") &&
	      jstr(o, "phys_offset", "0x40000000") &&
	      jstr(o, "kernel_start", "0x40200000") &&
	      jstr(o, "kernel_end", "0x40210000") &&
	      jstr(o, "image_start", "0x40200000") &&
	      jstr(o, "image_end", "0x40220000") &&
	      jstr(o, "alloc_low", "0x7ff00000") &&
	      jint(o, "alloc_pages", 8209), "report: layout");
	o = json_object_get(j, "timing");
	CHECK(jint(o, "cntfrq", 62500000) && jint(o, "ticks", 7716000) &&
	      jint(o, "ns", 123456000) &&
	      json_is_real(json_object_get(o, "ms")) &&
	      json_real_value(json_object_get(o, "ms")) == 123.456,
	      "report: timing");
	o = json_object_get(j, "counts");
	all = json_object_size(o) == MB_NR_COUNTERS;
	for (size_t k = 0; k < MB_NR_COUNTERS; k++)
		all &= jint(o, counter_names[k], 1000 * (k + 1));
	CHECK(all, "report: every counter, by name");
	o = json_object_get(j, "calibration");
	b = json_object_get(json_object_get(o, "units"), "isb");
	CHECK(jint(o, "cntfrq", 62500000) && jint(o, "resolution_ticks", 1) &&
	      jint(o, "rounds", 7) && jint(o, "min_round_ticks", 1000) &&
	      json_object_size(json_object_get(o, "units")) == MB_NR_UNITS &&
	      jint(b, "picoticks", 5000000) &&
	      jint(b, "min_picoticks", 4999000) &&
	      jint(b, "max_picoticks", 5001000) &&
	      json_real_value(json_object_get(b, "ticks")) == 5.0 &&
	      json_real_value(json_object_get(b, "ns")) == 80.0 &&
	      jint(b, "reps", 64) && jint(b, "rounds", 7) &&
	      !json_object_get(b, "picocycles"),
	      "report: calibration, isb's unit cost exact");
	/*
	 * 70000 table pages, 39000 descriptors (one in the root): 312000
	 * bytes at stp's 2000 picoticks a byte, 70000 x 4096 - 38999 x 8
	 * bytes of zeroes at DC ZVA's 1000
	 */
	b = json_object_get(o, "floor");
	CHECK(jint(b, "tables", 70000) && jint(b, "descriptors", 39000) &&
	      jint(b, "root_descriptors", 1) &&
	      jint(b, "data_bytes", 312000) &&
	      jint(b, "zero_bytes", 286408008) &&
	      jint(b, "data_picoticks_per_byte", 2000) &&
	      jint(b, "zero_picoticks_per_byte", 1000) &&
	      jint(b, "ticks", 287032) && jint(b, "ns", 4592512),
	      "report: the floor, exact");
	b = json_object_get(o, "code");
	CHECK(jint(b, "probes", FAKE_PROBES) &&
	      json_array_size(json_object_get(o, "probes")) == FAKE_PROBES &&
	      jint(json_object_get(json_object_get(b, "units"), "pmds"),
		   "picoticks", 70000000) &&
	      !strcmp(json_string_value(json_object_get(json_object_get(
		      json_object_get(b, "units"), "splits"), "state")),
		      "unprobed"),
	      "report: the probes and the code units they price");
	o = json_object_get(j, "verify");
	CHECK(jint(o, "leaves_checked", 11) &&
	      jint(o, "pages_checked", 4194304) &&
	      jint(o, "at_checked", 13) && jint(o, "rw_checked", 14) &&
	      jint(o, "errors", 0) && !json_object_get(o, "first_bad_va"),
	      "report: verify, no first_bad_va without errors");
	CHECK(jstr(j, "digest", "0x00000000deadbeef") &&
	      jstr(j, "digest_counted", "0x00000000deadbeef") &&
	      json_is_true(json_object_get(j, "digests_match")),
	      "report: digests");
	o = json_object_get(j, "host");
	CHECK(json_is_string(json_object_get(o, "kernel")) &&
	      json_is_string(json_object_get(o, "machine")) &&
	      jint(o, "page_size", sysconf(_SC_PAGESIZE)) &&
	      json_integer_value(json_object_get(o, "ncpus")) >= 1,
	      "report: host facts");
	CHECK(!json_object_get(j, "kvm") && !json_object_get(j, "error") &&
	      json_real_value(json_object_get(j, "wall_s")) == 1.5,
	      "report: no kvm block for tcg, wall_s");
	json_decref(j);

	fake_run(&cfg, &out, MB_ACCEL_KVM);
	out.rec.verify.errors = 2;
	out.rec.verify.first_bad_va = 0xffff000012345000ULL;
	out.rec.digest_counted = 1;
	out.rec.cntfrq = 0;
	j = write_and_load(path, &cfg, &out, &rc);
	o = json_object_get(j, "kvm");
	CHECK(j && jstr(j, "accel", "kvm") &&
	      json_is_false(json_object_get(j, "emulated")) &&
	      jint(o, "ipa_bits", 40) && jint(o, "ipa_limit", 48),
	      "report: kvm report replaces the old one");
	o = json_object_get(j, "verify");
	CHECK(jint(o, "errors", 2) &&
	      jstr(o, "first_bad_va", "0xffff000012345000") &&
	      json_is_false(json_object_get(j, "digests_match")),
	      "report: verify errors, first_bad_va");
	o = json_object_get(j, "timing");
	CHECK(json_is_null(json_object_get(o, "ns")) &&
	      json_is_null(json_object_get(o, "ms")),
	      "report: cntfrq 0 gives null ns/ms");
	json_decref(j);

	fake_run(&cfg, &out, MB_ACCEL_TCG);
	out.have_record = 0;
	snprintf(out.err, sizeof(out.err), "guest did not finish in 5 s");
	j = write_and_load(path, &cfg, &out, &rc);
	CHECK(j && jstr(j, "status", "no-record") &&
	      jstr(j, "error", "guest did not finish in 5 s") &&
	      !json_object_get(j, "timing") && !json_object_get(j, "counts"),
	      "report: run without a record");
	json_decref(j);
	CHECK(count_entries(dir) == 1, "report: no temp files left behind");

	/* Failures: one line, non-zero, nothing left behind. */
	fake_run(&cfg, &out, MB_ACCEL_TCG);
	out.rec.counts.isb = 1ULL << 63;
	unlink(path);
	err[0] = '\0';
	rc = mb_report_json(path, &cfg, &out, err, sizeof(err));
	CHECK(rc && strstr(err, "isb") && !strchr(err, '\n') &&
	      count_entries(dir) == 0,
	      "report: counter beyond 2^63 fails, writes nothing");

	fake_run(&cfg, &out, MB_ACCEL_TCG);
	snprintf(path, sizeof(path), "%s/nonexistent/report.json", dir);
	err[0] = '\0';
	rc = mb_report_json(path, &cfg, &out, err, sizeof(err));
	CHECK(rc && err[0] && !strchr(err, '\n') && access(path, F_OK) &&
	      count_entries(dir) == 0,
	      "report: missing directory fails cleanly");

	/* rename() onto a directory fails after the temp file exists. */
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0755);
	err[0] = '\0';
	rc = mb_report_json(path, &cfg, &out, err, sizeof(err));
	CHECK(rc && err[0] && count_entries(dir) == 1 &&
	      count_entries(path) == 0,
	      "report: failed rename leaves no temp file");
	rmdir(path);

	/* the granule from the checked record; a forced bbml2 run */
	fake_run(&cfg, &out, MB_ACCEL_TCG);
	cfg.params.strategy = MB_STRAT_bbml2_blocks;
	cfg.params.page_shift = out.rec.page_shift = 14;
	cfg.params.va_bits = out.rec.va_bits = 47;
	cfg.force_bbml2 = 1;
	cfg.tcg_cpu = "max";
	out.have_cpu_ids = 1;
	out.cpu_ids_from = "qemu-model";
	out.cpu_ids = *mb_tcg_cpu_ids("max");
	snprintf(path, sizeof(path), "%s/granule.json", dir);
	j = write_and_load(path, &cfg, &out, &rc);
	o = json_object_get(j, "options");
	b = json_object_get(j, "cpu_features");
	CHECK(j && jstr(j, "granule", "16K") && jint(j, "page_shift", 14) &&
	      jint(j, "va_bits", 47) && jstr(o, "granule", "16K") &&
	      jint(o, "va_bits", 47) &&
	      json_is_true(json_object_get(o, "force_bbml2")) &&
	      jstr(o, "tcg_cpu", "max"),
	      "report: granule and VA size, top level and options");
	CHECK(jstr(b, "from", "qemu-model") && jstr(b, "midr", "0xf0510") &&
	      jstr(b, "id_aa64mmfr0", "0x10201126") && jint(b, "pa_bits", 52) &&
	      json_is_false(json_object_get(b, "bbml2_noabort")) &&
	      json_is_true(json_object_get(b, "bbml2_forced")),
	      "report: cpu_features, bbml2 forced where the kernel would not");
	json_decref(j);
	unlink(path);
	rmdir(dir);
}

static void test_report_line(void)
{
	struct mb_run_opts cfg;
	struct mb_outcome out;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	fake_run(&cfg, &out, MB_ACCEL_TCG);
	f = open_memstream(&buf, &len);
	mb_report_line(f, &cfg, &out);
	fclose(f);
	CHECK(buf && strstr(buf, "base rodata=") &&
	      strstr(buf, " 16G [tcg, EMULATED]: 123.456 ms "
		     "(7716000 ticks @ 62.5 MHz)") &&
	      strstr(buf, "verify ok\n") && strchr(buf, '\n')[1] == '\0',
	      "report line: tcg run, one line, EMULATED");
	free(buf);

	cfg.params.strategy = MB_STRAT_bbml2_repaint;
	cfg.params.page_shift = 16;
	cfg.params.va_bits = 52;
	cfg.force_bbml2 = 1;
	f = open_memstream(&buf, &len);
	mb_report_line(f, &cfg, &out);
	fclose(f);
	CHECK(buf && strstr(buf, "bbml2-repaint rodata=full 16G 64K/52 "
			    "[tcg, EMULATED, BBML2 FORCED]: "),
	      "report line: granule, VA size and BBML2 FORCED");
	free(buf);
	cfg.force_bbml2 = 0;

	fake_run(&cfg, &out, MB_ACCEL_KVM);
	out.rec.verify.errors = 3;
	f = open_memstream(&buf, &len);
	mb_report_line(f, &cfg, &out);
	fclose(f);
	CHECK(buf && !strstr(buf, "EMULATED") && strstr(buf, "[kvm]") &&
	      strstr(buf, "verify FAILED (3 errors"),
	      "report line: kvm run with verify errors");
	free(buf);

	out.have_record = 0;
	snprintf(out.err, sizeof(out.err), "boom");
	f = open_memstream(&buf, &len);
	mb_report_line(f, &cfg, &out);
	fclose(f);
	CHECK(buf && strstr(buf, "no result: boom\n"),
	      "report line: no record");
	free(buf);
}

/* ---- mb_tcg_run() against fake qemu scripts -------------------------- */

/*
 * A minimal aarch64 guest image: "wfi; b ." at the image address, and
 * the MB_IMAGE_SECTION saying 4K pages, 48-bit VA.
 */
static int write_guest_elf(const char *path)
{
	static const uint32_t code[] = { 0xd503207f, 0x17ffffff };
	static const char names[] = "\0.shstrtab\0" MB_IMAGE_SECTION;
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
		uint8_t pad[4096 - sizeof(Elf64_Ehdr) - sizeof(Elf64_Phdr)];
		uint32_t code[2];
		struct mb_image_info info;
		char names[sizeof(names)];
		uint8_t pad2[7];
		Elf64_Shdr sh[3];
	} f;

	memset(&f, 0, sizeof(f));
	memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
	f.eh.e_ident[EI_CLASS] = ELFCLASS64;
	f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f.eh.e_ident[EI_VERSION] = EV_CURRENT;
	f.eh.e_type = ET_EXEC;
	f.eh.e_machine = EM_AARCH64;
	f.eh.e_version = EV_CURRENT;
	f.eh.e_entry = MB_IMAGE_GPA;
	f.eh.e_phoff = sizeof(f.eh);
	f.eh.e_ehsize = sizeof(f.eh);
	f.eh.e_phentsize = sizeof(f.ph);
	f.eh.e_phnum = 1;
	f.eh.e_shoff = offsetof(__typeof__(f), sh);
	f.eh.e_shentsize = sizeof(f.sh[0]);
	f.eh.e_shnum = 3;
	f.eh.e_shstrndx = 1;
	f.ph.p_type = PT_LOAD;
	f.ph.p_flags = PF_R | PF_X;
	f.ph.p_offset = 4096;
	f.ph.p_vaddr = f.ph.p_paddr = MB_IMAGE_GPA;
	f.ph.p_filesz = f.ph.p_memsz = sizeof(code);
	f.ph.p_align = 4096;
	memcpy(f.code, code, sizeof(code));
	f.info = (struct mb_image_info){ .magic = MB_IMAGE_MAGIC,
		.abi_version = MB_ABI_VERSION, .page_shift = 12, .va_bits = 48 };
	memcpy(f.names, names, sizeof(names));
	f.sh[1].sh_name = 1;
	f.sh[1].sh_type = SHT_STRTAB;
	f.sh[1].sh_offset = offsetof(__typeof__(f), names);
	f.sh[1].sh_size = sizeof(names);
	f.sh[1].sh_addralign = 1;
	f.sh[2].sh_name = sizeof("\0.shstrtab");
	f.sh[2].sh_type = SHT_PROGBITS;
	f.sh[2].sh_offset = offsetof(__typeof__(f), info);
	f.sh[2].sh_size = sizeof(f.info);
	f.sh[2].sh_addralign = 8;
	return write_file(path, &f, sizeof(f), 0644);
}

/* A fake qemu: answers --version, logs its argv, then runs body. */
static void fake_qemu(const char *path, const char *body)
{
	char *s;
	int n;

	n = asprintf(&s,
		     "#!/bin/sh\n"
		     "[ \"$1\" = --version ] && {\n"
		     "  echo 'QEMU emulator version 9.8.7 (fake)'; exit 0; }\n"
		     "printf '%%s\\n' \"$@\" > %s/argv\n"
		     "for a; do\n"
		     "  f=${a#loader,file=}; f=${f%%%%,addr=*}\n"
		     "  [ \"$f\" != \"$a\" ] && cp \"$f\" %s/params.bin\n"
		     "done\n"
		     "%s\n", tmpdir, tmpdir, body);
	if (n < 0 || write_file(path, s, n, 0755))
		abort();
	free(s);
}

static int tcg_with(const char *body, unsigned int timeout_s,
		    struct mb_outcome *out)
{
	char qemu[512], elf[512];
	struct mb_run_opts cfg;
	struct mb_outcome dummy;

	fake_run(&cfg, &dummy, MB_ACCEL_TCG);
	path_in(qemu, sizeof(qemu), "qemu");
	path_in(elf, sizeof(elf), "guest.elf");
	fake_qemu(qemu, body);
	cfg.qemu = qemu;
	cfg.guest_elf = elf;
	cfg.timeout_s = timeout_s;
	mb_params_finish(&cfg.params);
	mb_outcome_init(out, mb_now());
	return mb_tcg_run(&cfg, out);
}

static int temps_left(void)
{
	const char *d = getenv("TMPDIR");
	DIR *dir = opendir(d && *d ? d : "/tmp");
	struct dirent *e;
	int n = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		if (!strncmp(e->d_name, "mapbench-params-", 16))
			n++;
	closedir(dir);
	return n;
}

/* The params the fake qemu found on its loader device. */
static int check_params(const char *path)
{
	unsigned char buf[sizeof(struct mb_params) + 1];
	struct mb_params p;
	int fd = open(path, O_RDONLY), ok;

	if (fd < 0)
		return 0;
	/* exactly one struct mb_params, nothing more */
	ok = read(fd, buf, sizeof(buf)) == sizeof(p);
	memcpy(&p, buf, sizeof(p));
	ok = ok && p.magic == MB_PARAMS_MAGIC && p.size == sizeof(p) &&
	     (p.flags & MB_PF_CONSOLE_RECORD) && p.nr_banks == 1 &&
	     p.banks[0].base == MB_RAM_BASE &&
	     p.banks[0].size == 16ULL << 30;
	close(fd);
	return ok;
}

/* `mapbench run --accel tcg --mem 1G --guest ELF`, settled. */
static int settle_guest(const char *elf, char *err, size_t errlen)
{
	char *argv[] = { "run", "--accel", "tcg", "--mem", "1G", "--guest",
			 (char *)elf, NULL };
	struct mb_run_env env = { .preset_dir = "configs/layouts",
				  .guest_elf = "guest.elf" };
	struct mb_run_opts o;

	return mb_run_opts_parse(7, argv, &env, &o, err, errlen);
}

static void test_tcg(void)
{
	struct mb_run_opts cfg;
	struct mb_outcome out;
	struct mb_result r;
	char path[512], body[2 * sizeof(struct mb_result) + 4096], want[600];
	char err[MB_ERRLEN], *hex, *argv;
	int before = temps_left(), fds = count_entries("/proc/self/fd"), rc;
	double t;

	path_in(path, sizeof(path), "guest.elf");
	CHECK(!write_guest_elf(path), "tcg: wrote a tiny guest ELF");

	/* Not installed. */
	fake_run(&cfg, &out, MB_ACCEL_TCG);
	cfg.qemu = "/nonexistent/qemu-system-aarch64";
	cfg.guest_elf = path;
	cfg.timeout_s = 5;
	mb_outcome_init(&out, mb_now());
	rc = mb_tcg_run(&cfg, &out);
	CHECK(rc == MB_EXIT_VMM && strstr(out.err, "not found") &&
	      strstr(out.err, "scripts/deps.sh"), "tcg: qemu missing");

	/* The happy path, as far as the record. */
	fake_run(&cfg, &out, MB_ACCEL_TCG);
	mb_params_finish(&cfg.params);
	fake_record(&r, &cfg.params);
	hex = record_text(&r, "", "");
	snprintf(body, sizeof(body), "echo booting; echo '%.*s'; echo bye",
		 (int)(sizeof(body) - 64), hex);
	rc = tcg_with(body, 10, &out);
	CHECK(rc == 0 && out.have_record && out.rec.digest == 0xdeadbeef,
	      "tcg: record passed on to mb_record_check");
	if (rc)
		printf("# mb_tcg_run: %s\n", out.err);
	CHECK(!strcmp(out.accel_desc, "qemu 9.8.7 tcg (emulated)"),
	      "tcg: accel_desc from --version");
	argv = read_text(strcat(strcpy(body, tmpdir), "/argv"));
	snprintf(want, sizeof(want), "\n-kernel\n%s\n-device\nloader,file=",
		 path);
	CHECK(argv && strstr(argv, "\n-m\n16384M\n") && strstr(argv, want) &&
	      strstr(argv, ",addr=0x40100000,force-raw=on\n") &&
	      strstr(argv, "memory-backend-ram,id=ram0,size=16384M,"
			   "reserve=off\n") &&
	      strstr(argv, "\n-nic\nnone\n") &&
	      strstr(argv, "\n-no-reboot\n") &&
	      strstr(argv, "\n-serial\nstdio\n") &&
	      strstr(argv, "\n-cpu\nmax\n") &&
	      !strstr(argv, "-icount"), "tcg: qemu command line");
	CHECK(out.have_cpu_ids && !strcmp(out.cpu_ids_from, "qemu-model") &&
	      out.cpu_ids.midr == 0x000f0510 && !out.bbml2_noabort,
	      "tcg: the -cpu model's ID registers in the outcome");
	CHECK(check_params(strcat(strcpy(body, tmpdir), "/params.bin")),
	      "tcg: params file for the loader, CONSOLE_RECORD set");
	CHECK(temps_left() == before, "tcg: params file unlinked");
	free(hex);

	rc = tcg_with("echo 'MBREC 0011'", 10, &out);
	CHECK(rc == MB_EXIT_GUEST && strstr(out.err, "malformed") &&
	      !out.have_record, "tcg: malformed record");

	rc = tcg_with("printf 'booting\\nlast words\\n'", 10, &out);
	CHECK(rc == MB_EXIT_GUEST &&
	      strstr(out.err, "without a result record") &&
	      strstr(out.err, "last words"), "tcg: no record");

	rc = tcg_with("echo 'qemu-system-aarch64: bogus option' >&2; exit 1",
		      10, &out);
	CHECK(rc == MB_EXIT_VMM && strstr(out.err, "bogus option") &&
	      strstr(out.err, "status 1"), "tcg: qemu fails");

	t = mb_now();
	rc = tcg_with("exec sleep 30", 1, &out);
	t = mb_now() - t;
	CHECK(rc == MB_EXIT_TIMEOUT &&
	      !strcmp(out.err, "guest did not finish in 1 s (qemu tcg)") &&
	      t < 5, "tcg: timeout, SIGTERM");

	t = mb_now();
	rc = tcg_with("trap '' TERM; while :; do sleep 1; done", 1, &out);
	t = mb_now() - t;
	CHECK(rc == MB_EXIT_TIMEOUT && t < 8, "tcg: timeout, SIGKILL");

	rc = tcg_with("exec yes 0123456789abcdef", 20, &out);
	CHECK(rc == MB_EXIT_GUEST && strstr(out.err, "exceeded"),
	      "tcg: console flood killed");
	CHECK(temps_left() == before, "tcg: no params file left behind");
	CHECK(count_entries("/proc/self/fd") == fds, "tcg: no fd leaks");

	/* The guest ELF is checked once, when the options are settled. */
	rc = settle_guest("/nonexistent/guest.elf", err, sizeof(err));
	CHECK(rc == MB_EXIT_USAGE &&
	      !strcmp(err, "guest ELF '/nonexistent/guest.elf' not found (build it with make)"),
	      "options: unreadable guest ELF");

	/* QEMU would boot this as a raw Image: caught before it starts. */
	path_in(path, sizeof(path), "text.elf");
	write_file(path, "hello\n", 6, 0644);
	rc = settle_guest(path, err, sizeof(err));
	CHECK(rc == MB_EXIT_USAGE && strstr(err, "text.elf") &&
	      !strchr(err, '\n'), "options: not an ELF, rejected before qemu");
	unlink(path);
	path_in(path, sizeof(path), "guest.elf");
	rc = settle_guest(path, err, sizeof(err));
	if (rc)
		printf("# %s\n", err);
	CHECK(!rc, "options: a good guest ELF is accepted");

	unlink(path);
	path_in(path, sizeof(path), "qemu");
	unlink(path);
	path_in(path, sizeof(path), "argv");
	unlink(path);
	path_in(path, sizeof(path), "params.bin");
	unlink(path);
}

static int rm_entry(const char *p, const struct stat *st, int type,
		    struct FTW *f)
{
	(void)st;
	(void)type;
	(void)f;
	return remove(p);
}

int main(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/mb-test-host-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	/* a private TMPDIR: "nothing left behind" must not see other
	 * processes' files */
	{
		static char priv[sizeof(tmpdir) + 8];

		snprintf(priv, sizeof(priv), "%s/tmp", tmpdir);
		if (mkdir(priv, 0700) || setenv("TMPDIR", priv, 1)) {
			perror(priv);
			return 1;
		}
	}
	test_parse_size();
	test_format_size();
	test_hex_decode();
	test_console();
	test_report_json();
	test_report_line();
	test_tcg();
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	printf("test_host: %d passed, %d failed\n", nr_tests - nr_failed,
	       nr_failed);
	return nr_failed ? 1 : 0;
}
