// SPDX-License-Identifier: GPL-2.0-only
/*
 * kernel-check's parsers, with exact values: the TCG trace parser on a
 * block trace cut from a real QEMU log (tests/fixtures/kcheck/trace.log:
 * the blocks and executions of the guest's map_mem_timed() window, base,
 * rodata=on, 64M; the expected counts are the guest's own counters of
 * that run, and an independent count of the same file), the window state
 * machine on a synthetic trace, System.map/kallsyms parsing, Image
 * header and gzip detection, the banner, the GDB packet codec, the map
 * runs and their comparison, and the newc cpio.  Run from the tree.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h"
#include "kcheck/image.h"
#include "kcheck/trace.h"
#include "kcheck/rsp.h"
#include "kcheck/map.h"
#include "../guest/maprun.h"
#include "tap.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc(n + 1);
	if (b && fread(b, 1, n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (b) {
		b[n] = 0;
		*len = n;
	}
	return b;
}

/* The fixture, fed in chunks of every size in sizes[]. */
static void test_trace_fixture(void)
{
	static const size_t sizes[] = { 1, 7, 4096, 1 << 20 };
	size_t len;
	char *log = slurp("tests/fixtures/kcheck/trace.log", &len);

	CHECK(log, "trace fixture readable");
	if (!log)
		return;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct kc_window w = {
			.start_pc = 0xffff800080019470ULL,	/* map_mem_timed */
			.ret_func = 0xffff800080019470ULL,
		};
		struct kc_trace *t = kc_trace_new(&w);
		struct kc_counts c = { 0 };
		char err[128];
		int bad = 0;

		for (size_t o = 0; o < len && !bad; o += sizes[s])
			bad = kc_trace_feed(t, log + o, len - o < sizes[s] ?
					    len - o : sizes[s]);
		CHECK(!bad && kc_trace_state(t) == KC_DONE,
		      "trace: window closes at map_mem_timed's return");
		CHECK(!kc_trace_result(t, &c, err, sizeof(err)),
		      "trace: result");
		CHECK(c.insns == 10918 && c.tbs == 2568,
		      "trace: 10918 instructions in 2568 blocks");
		CHECK(c.ops[KC_OP_tlbi_vaale1is] == 42 &&
		      c.ops[KC_OP_dsb_ishst] == 630 &&
		      c.ops[KC_OP_dsb_ish] == 42 && c.ops[KC_OP_isb] == 630,
		      "trace: tlbi 42, dsb ishst 630, dsb ish 42, isb 630 (the guest's counters)");
		CHECK(!c.ops[KC_OP_tlbi_vmalle1is] && !c.ops[KC_OP_dsb_sy] &&
		      !c.ops[KC_OP_tlbi_other] && !c.ops[KC_OP_dsb_other],
		      "trace: no other barrier");
		CHECK(kc_trace_unknown(t) == 0, "trace: every line understood");
		kc_trace_free(t);
	}
	free(log);
}

/* A synthetic trace in QEMU's format: arming, nested calls, the last
 * return as the end, a stop pc, per-function counts. */
static const char synth[] =
	"----------------\nIN: \n"
	"0x40000000:  580000c0  ldr      x0, #0x40000018\n"
	"0x40000004:  d61f0080  br       x4\n\n"
	"Trace 0: 0x7f0000000100 [0000000000104004/0000000040000000/00000121/ff000200] \n"
	"----------------\nIN: \n"
	"0x40200000:  1459a356  b        #0x41868d5c\n\n"
	"Trace 0: 0x7f0000000200 [0000000000104004/0000000040200000/00000121/ff000200] \n"
	"----------------\nIN: mark\n"
	"0xffff000000002000:  f9000020  str      x0, [x1]\n"
	"0xffff000000002004:  d65f03c0  ret      \n\n"
	"Trace 0: 0x7f0000000300 [0000000000104004/ffff000000002000/00000121/ff000200] mark\n"
	"----------------\nIN: paging_init\n"
	"0xffff000000001000:  d503201f  nop      \n"
	"0xffff000000001004:  d503201f  nop      \n"
	"0xffff000000001008:  94000400  bl       #0xffff000000002000\n\n"
	"----------------\nIN: \n"
	"0xffff00000000100c:  f9000020  str      x0, [x1]\r\n"
	"0xffff000000001010:  d5033a9f  dsb      ishst\n"
	"0xffff000000001014:  d5033fdf  isb      \n"
	"0xffff000000001018:  94000400  bl       #0xffff000000003000\n\n"
	"Linking TBs 0x0 [0] index 0 -> 0x0 [0]\n"
	"Trace 0: 0x7f0000000400 [0000000000104004/ffff000000001000/00000121/ff000200] paging_init\n"
	"Trace 0: 0x7f0000000300 [0000000000104004/ffff000000002000/00000121/ff000200] mark\n"
	"Trace 0: 0x7f0000000500 [0000000000104004/ffff00000000100c/00000121/ff000200] \n"
	"----------------\nIN: fixmap\n"
	"0xffff000000003000:  f9000020  str      x0, [x1]\n"
	"0xffff000000003004:  d5033a9f  dsb      ishst\n"
	"0xffff000000003008:  d50887e0  tlbi     vaale1is, x0\n"
	"0xffff00000000300c:  d5033b9f  dsb      ish\n"
	"0xffff000000003010:  d65f03c0  ret      \n\n"
	"Trace 0: 0x7f0000000600 [0000000000104004/ffff000000003000/00000121/ff000200] fixmap\n"
	"----------------\nIN: \n"
	"0xffff00000000101c:  d508831f  tlbi     vmalle1is\n"
	"0xffff000000001020:  94000400  bl       #0xffff000000004000\n\n"
	"----------------\nIN: clear\n"
	"0xffff000000004000:  d5033fdf  isb      \n"
	"0xffff000000004004:  d65f03c0  ret      \n\n"
	"----------------\nIN: \n"
	"0xffff000000001024:  d503201f  nop      \n"
	"0xffff000000001028:  d5033f9f  dsb      sy\n"
	"0xffff00000000102c:  94000400  bl       #0xffff000000004000\n\n"
	"----------------\nIN: \n"
	"0xffff000000001030:  d5033fdf  isb      \n"
	"0xffff000000001034:  94000400  bl       #0xffff000000005000\n\n"
	"----------------\nIN: resize\n"
	"0xffff000000005000:  d65f03c0  ret      \n\n"
	"Trace 0: 0x7f0000000700 [0000000000104004/ffff00000000101c/00000121/ff000200] \n"
	"Trace 0: 0x7f0000000800 [0000000000104004/ffff000000004000/00000121/ff000200] clear\n"
	"Trace 0: 0x7f0000000900 [0000000000104004/ffff000000001024/00000121/ff000200] \n"
	"Trace 0: 0x7f0000000800 [0000000000104004/ffff000000004000/00000121/ff000200] clear\n"
	"Trace 0: 0x7f0000000a00 [0000000000104004/ffff000000001030/00000121/ff000200] \n"
	"Trace 0: 0x7f0000000b00 [0000000000104004/ffff000000005000/00000121/ff000200] resize\n"
	"Trace 0: 0x7f0000000c00 [0000000000104004/ffff000000001000/00000121/ff000200] paging_init\n";

static void test_trace_synth(void)
{
	struct kc_window w = {
		.arm_pc = 0xffff000000001000ULL,
		.start_pc = 0xffff000000002000ULL,
		.ret_func = 0xffff000000004000ULL,
		.stop_pc = 0xffff000000005000ULL,
		.func = { 0xffff000000003000ULL, 0xffff000000004000ULL },
		.entry_floor = 0x40200000,
	};
	struct kc_funcs fs = { 0 };
	static const char syms[] =
		"MBSYM ffff000000001000 T paging_init\n"
		"MBFUN ffff000000002000 T mark\n"
		"MBEND ffff000000002008 t after_mark\n"
		"ffff000000003000 T fixmap\n"
		"ffff000000003000 T fixmap_alias\n"
		"MBFUN ffff000000004000 t clear\n"
		"MBEND ffff000000004008 t after_clear\n"
		"ffff000000006000 D some_data\n";
	struct kc_trace *t = kc_trace_new(&w);
	const struct kc_fstat *f;
	struct kc_counts c = { 0 };
	char err[128];

	CHECK(!kc_funcs_parse(syms, sizeof(syms) - 1, &fs) && fs.nr == 4,
	      "funcs: 4 text functions (end markers, aliases, data dropped)");
	CHECK(fs.nr == 4 && fs.f[0].end == 0xffff000000002000ULL &&
	      fs.f[1].end == 0xffff000000002008ULL &&
	      !strcmp(fs.f[2].name, "fixmap") &&
	      fs.f[2].end == 0xffff000000004000ULL &&
	      fs.f[3].end == 0xffff000000004008ULL,
	      "funcs: each ends where the next symbol starts");
	kc_trace_set_funcs(t, &fs);
	CHECK(!kc_trace_feed(t, synth, sizeof(synth) - 1), "synth: fed");
	CHECK(kc_trace_state(t) == KC_DONE, "synth: closed at the stop pc");
	CHECK(!kc_trace_result(t, &c, err, sizeof(err)), "synth: result");
	/* mark 2, r1 4, fixmap 5, r2 2, clear 2, r3 3, clear 2 */
	CHECK(c.insns == 20 && c.tbs == 7,
	      "synth: 20 instructions in 7 blocks, up to the last return");
	CHECK(c.ops[KC_OP_dsb_ishst] == 2 && c.ops[KC_OP_isb] == 3 &&
	      c.ops[KC_OP_tlbi_vaale1is] == 1 && c.ops[KC_OP_dsb_ish] == 1 &&
	      c.ops[KC_OP_tlbi_vmalle1is] == 1 && c.ops[KC_OP_dsb_sy] == 1,
	      "synth: each barrier variant counted");
	CHECK(c.calls[0] == 1 && c.calls[1] == 2,
	      "synth: 1 fixmap call, 2 clear calls");
	CHECK(kc_trace_first_pc(t) == 0x40200000, "synth: entry above floor");
	CHECK(kc_trace_unknown(t) == 0, "synth: no unknown lines");
	f = kc_trace_fstats(t);
	CHECK(f && f[1].insns == 2 && f[1].entries == 1 && f[2].insns == 5 &&
	      f[3].insns == 4 && f[3].entries == 2 && f[0].insns == 9 &&
	      f[0].entries == 0 && f[fs.nr].insns == 0,
	      "synth: per function (paging_init 9, mark 2, fixmap 5, clear 4)");
	kc_trace_free(t);
	kc_funcs_free(&fs);

	/* a window that never closes, and one that never opens */
	t = kc_trace_new(&w);
	kc_trace_feed(t, synth, 1200);
	CHECK(kc_trace_state(t) != KC_DONE &&
	      kc_trace_result(t, &c, err, sizeof(err)) == -1,
	      "synth: an unfinished window is an error");
	kc_trace_free(t);
}

static void test_symtab(void)
{
	static const char map[] =
		"ffff800008000000 T _text\n"
		"ffff800008010000 T _stext\n"
		"ffff800009660000 T __init_begin\n"
		"ffff800009700000 T __init_end\n"
		"ffff8000097a1f48 B __bss_stop\n"
		"ffff800009669e2c T paging_init\n"
		"ffff80000833b8f0 T memblock_mark_nomap\n"
		"ffff80000833b920 T memblock_clear_nomap\n"
		"ffff800009681468 T memblock_allow_resize\n"
		"ffff80000803a460 T __set_fixmap\n"
		"ffff800008052b10 T cpu_supports_bbml2_noabort\n"
		"ffff800008052c40 T cpu_supports_bbml3\n"
		"ffff80000a900000 B _end\n"
		"ffff8000096699e8 t early_pgtable_alloc\n"
		"ffff8000096699e8 t early_pgtable_alloc_not\n"
		"0000000000000000 A garbage line\n"
		"short line\n"
		"MBSYM ffff80000833b8f0 T memblock_mark_nomap\n";
	struct kc_syms s = { 0 };
	char miss[128];

	CHECK(kc_symtab_parse(map, sizeof(map) - 1, &s) == KC_NR_SYMS,
	      "System.map: every wanted symbol once");
	CHECK(s.addr[KC_SYM_mark_nomap] == 0xffff80000833b8f0ULL &&
	      s.addr[KC_SYM_pgtable_alloc] == 0xffff8000096699e8ULL &&
	      s.addr[KC_SYM_text] == 0xffff800008000000ULL,
	      "System.map: exact addresses");
	CHECK(!kc_syms_missing(&s, miss, sizeof(miss)), "System.map: none missing");
	memset(&s, 0, sizeof(s));
	kc_symtab_parse("MBSYM ffff800008010000 T _stext\n", 31, &s);
	/* __init_end and __bss_stop may be missing (only 7.2's map_mem()
	 * needs them, and older kallsyms do not list them), the BBML2
	 * checks (only --force-bbml2 needs one) and _end (only run's
	 * --kernel-image reads it) */
	CHECK(kc_syms_missing(&s, miss, sizeof(miss)) == KC_NR_SYMS - 6 &&
	      strstr(miss, "paging_init") && strstr(miss, "__set_fixmap") &&
	      !strstr(miss, "__bss_stop") && !strstr(miss, "_end"),
	      "kallsyms: the missing ones are named, the optional ones not");
}

/* --symbols with an ELF: the guest's own has _text, _stext and
 * __init_begin (and none of the kernel's functions). */
static void test_elf_symbols(void)
{
	const char *elf = getenv("MB_TEST_GUEST");
	struct kc_syms s;
	char err[256];

	if (!elf)
		elf = "build/guest/mapbench-guest.elf";
	if (access(elf, R_OK)) {
		printf("# no %s: ELF symbols not tested\n", elf);
		return;
	}
	CHECK(!kc_syms_load(elf, &s, err, sizeof(err)) &&
	      !strcmp(s.source, "vmlinux") &&
	      s.addr[KC_SYM_text] == 0xffff800080000000ULL &&
	      s.addr[KC_SYM_stext] == 0xffff800080010000ULL &&
	      s.addr[KC_SYM_init_begin] && !s.addr[KC_SYM_paging_init],
	      "vmlinux: ELF symbols read with libelf");
	CHECK(kc_syms_load("tests/fixtures/kcheck/trace.log", &s, err,
			   sizeof(err)) == 0 && !s.addr[KC_SYM_text],
	      "System.map: a file without symbols gives none");
}

static void test_image(void)
{
	unsigned char raw[128] = { 'M', 'Z' }, gz[] = { 0x1f, 0x8b, 8 };
	char path[] = "/tmp/mb-kc-test-XXXXXX", err[256], ver[64];
	struct kc_image img;
	int a, b, c, fd;
	gzFile g;

	memcpy(raw + 56, "ARM\x64", 4);
	CHECK(kc_image_kind(raw, sizeof(raw)) == 0, "Image: ARM\\x64 magic");
	CHECK(kc_image_kind(gz, sizeof(gz)) == 1, "Image: gzip magic");
	CHECK(kc_image_kind((const unsigned char *)"\x7f" "ELF", 4) == -1 &&
	      kc_image_kind(raw, 40) == -1, "Image: others are neither");
	CHECK(!kc_banner_parse("xxLinux version 6.12.117+deb12-arm64 (x)", 40,
			       ver, sizeof(ver), &a, &b, &c) &&
	      !strcmp(ver, "6.12.117+deb12-arm64") && a == 6 && b == 12 &&
	      c == 117, "banner: version and numbers");
	CHECK(kc_banner_parse("Linux version %s", 16, ver, sizeof(ver), &a,
			      &b, &c) == -1, "banner: the format string is not one");
	/* header flags bits 2:1: the page size */
	CHECK(kc_image_page_shift(raw, sizeof(raw)) == 0,
	      "Image: flags 0 state no page size");
	raw[24] = 2 << 1 | 1;		/* 16K, big-endian bit ignored */
	CHECK(kc_image_page_shift(raw, sizeof(raw)) == 14, "Image: 16K pages");
	raw[24] = 1 << 1;
	CHECK(kc_image_page_shift(raw, sizeof(raw)) == 12, "Image: 4K pages");
	raw[24] = 3 << 1;
	CHECK(kc_image_page_shift(raw, sizeof(raw)) == 16 &&
	      kc_image_page_shift(raw, 40) == -1, "Image: 64K pages; short: none");
	raw[24] = 0;

	/* a tiny "Image" with a banner, gzip'd: unpacks, same hash */
	memcpy(raw + 64, "Linux version 6.1.0-56-arm64 (t)", 32);
	fd = mkstemp(path);
	close(fd);
	g = gzopen(path, "wb");
	gzwrite(g, raw, sizeof(raw));
	gzclose(g);
	CHECK(!kc_image_open(path, &img, err, sizeof(err)) && img.unpacked &&
	      img.size == sizeof(raw) &&
	      img.hash == mb_fnv1a(MB_FNV_OFFSET, raw, sizeof(raw)) &&
	      img.major == 6 && img.minor == 1 &&
	      !access(img.path, R_OK), "gzip'd Image unpacks to a temp file");
	kc_image_close(&img);
	CHECK(access(img.path, F_OK), "the unpacked copy is removed");
	/* truncated gzip */
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(write(fd, "\x1f\x8b\x08\x00\x00\x00\x00\x00", 8) == 8, "write");
	close(fd);
	CHECK(kc_image_open(path, &img, err, sizeof(err)) == MB_EXIT_USAGE &&
	      strstr(err, "cannot unpack"), "truncated gzip: one line, exit 1");
	/* not a kernel */
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(write(fd, "hello world", 11) == 11, "write");
	close(fd);
	CHECK(kc_image_open(path, &img, err, sizeof(err)) == MB_EXIT_USAGE &&
	      strstr(err, "not an arm64 kernel"), "not a kernel: exit 1");
	unlink(path);
}

static void test_rsp(void)
{
	char out[64], dec[64];
	size_t n;
	uint64_t v;

	CHECK(kc_rsp_encode("m40200000,40", out, sizeof(out)) == 16 &&
	      !strcmp(out, "$m40200000,40#83"), "rsp: encode with checksum");
	CHECK(kc_rsp_encode("a}b", out, sizeof(out)) > 0 &&
	      !strcmp(out, "$a}]b#9d"), "rsp: '}' escaped");
	CHECK(kc_rsp_decode("+$OK#9a", 7, dec, sizeof(dec), &n) == 7 &&
	      !strcmp(dec, "OK") && n == 2, "rsp: decode after an ack");
	CHECK(kc_rsp_decode("$a}]b#9d", 8, dec, sizeof(dec), &n) == 8 &&
	      !strcmp(dec, "a}b"), "rsp: escape decoded");
	CHECK(kc_rsp_decode("$OK#9b", 6, dec, sizeof(dec), &n) == -1,
	      "rsp: bad checksum refused");
	CHECK(kc_rsp_decode("$OK#9", 5, dec, sizeof(dec), &n) == 0 &&
	      kc_rsp_decode("+", 1, dec, sizeof(dec), &n) == 0,
	      "rsp: partial packet waits");
	CHECK(!kc_hex_le64("0080854100000000", &v) && v == 0x41858000,
	      "rsp: register value is little-endian");
	CHECK(kc_hex_le64("0080zz4100000000", &v) == -1, "rsp: bad hex");
}

/* Tables in a fake physical memory for kc_map_read. */
static uint64_t fake_mem[5][512];
static const uint64_t fake_pa[5] = { 0x1000, 0x2000, 0x3000, 0x4000, 0x5000 };

static int fake_read(void *ctx, uint64_t pa, void *page, size_t len)
{
	(void)ctx;
	for (int i = 0; i < 5; i++)
		if (fake_pa[i] == pa && len == 4096) {
			memcpy(page, fake_mem[i], 4096);
			return 0;
		}
	return -1;
}

static uint64_t fake_desc(const void *ctx, uint64_t pa, int idx)
{
	(void)ctx;
	for (int i = 0; i < 5; i++)
		if (fake_pa[i] == pa)
			return fake_mem[i][idx];
	return 0;
}

static void test_map(void)
{
	struct kc_map a = { 0 }, b = { 0 };
	char diff[512], err[128];
	struct kc_geom g;
	uint64_t nd;

	CHECK(!kc_geom_init(&g, 12, 48, false, err, sizeof(err)), "geom 4K/48");
	/* L0[0] -> L1; L1[1] -> L2; L2[0..1] blocks, L2[2] -> L3;
	 * L3[0..15] cont pages, L3[16..] plain; L0[300]: not linear */
	fake_mem[0][0] = 0x2000 | 0x1800000000000003ULL;
	fake_mem[0][300] = 0x5000 | 3;
	fake_mem[1][1] = 0x3000 | 0x1800000000000003ULL;
	fake_mem[2][0] = 0x40000000 | 0x00e8000000000701ULL;
	fake_mem[2][1] = 0x40200000 | 0x00e8000000000701ULL;
	fake_mem[2][2] = 0x4000 | 0x1800000000000003ULL;
	for (int i = 0; i < 512; i++)
		fake_mem[3][i] = (0x40400000 + i * 4096ULL) |
				 (i < 16 ? 0x00f8000000000707ULL :
				  0x00e8000000000707ULL);
	CHECK(!kc_map_read(fake_read, NULL, &g, 0x1000, &a, err, sizeof(err)),
	      "map: read back");
	CHECK(a.nr == 6 && a.tables == 4, "map: 6 runs from 4 tables");
	CHECK(a.nr == 6 && a.runs[0].table && a.runs[0].level == 0 &&
	      a.runs[2].level == 2 && !a.runs[2].table && a.runs[2].count == 2 &&
	      a.runs[4].count == 16 && a.runs[5].count == 496 &&
	      a.runs[5].va == 0xffff000040410000ULL,
	      "map: blocks, cont and plain pages as runs");
	CHECK(a.digest == mb_digest_root(fake_desc, NULL, 0x1000),
	      "map: digest as the guest's digest.h");
	for (size_t i = 0; i < a.nr; i++) {
		char line[128];
		const struct kc_run *r = &a.runs[i];

		snprintf(line, sizeof(line), "%s %llx %d %llx %llu",
			 r->table ? "MBTBL" : "MBMAP", (unsigned long long)r->va,
			 r->level, (unsigned long long)r->desc,
			 (unsigned long long)r->count);
		kc_map_parse_line(&b, line);
	}
	CHECK(!kc_map_compare(&a, &b, diff, sizeof(diff), &nd) && !nd,
	      "map: the guest's text form compares equal");
	b.runs[5].desc &= ~(1ULL << 55);
	CHECK(kc_map_compare(&a, &b, diff, sizeof(diff), &nd) == -1 &&
	      nd == 1 && strstr(diff, "0x00e8000040410707") &&
	      strstr(diff, "0x0068000040410707"),
	      "map: a missing PTE_DIRTY is shown");
	CHECK(kc_map_parse_line(&b, "MBMAP 1 9 2 3") == -1 &&
	      kc_map_parse_line(&b, "MBTBL 1 3 2 3") == -1 &&
	      kc_map_parse_line(&b, "hello") == 0, "map: bad lines refused");
	kc_map_free(&a);
	kc_map_free(&b);
}

static void test_geom(void)
{
	struct kc_geom g;
	char err[160];

	/* Debian's 16K kernel on -cpu max,lpa2=off: TCR_EL1 as read back */
	CHECK(!kc_geom_from_tcr(0x5000f57551b511ULL, &g, err, sizeof(err)) &&
	      g.page_shift == 14 && g.va_bits == 47 && g.start_level == 1 &&
	      g.root_entries == 2048 && g.entries == 2048 && !g.lpa2 &&
	      kc_level_shift(&g, 1) == 36 && kc_level_shift(&g, 2) == 25 &&
	      kc_level_shift(&g, 3) == 14 &&
	      g.linear_start == 0xffff800000000000ULL &&
	      g.linear_end == 0xffffc00000000000ULL,
	      "geom: 16K, T1SZ 17: 3 levels from L1, root 2048");
	/* TG1 0b10 4K, T1SZ 16 */
	CHECK(!kc_geom_from_tcr(2ULL << 30 | 16ULL << 16, &g, err,
				sizeof(err)) && g.page_shift == 12 &&
	      g.va_bits == 48 && g.start_level == 0 && g.root_entries == 512 &&
	      g.addr_mask == 0x0000fffffffff000ULL,
	      "geom: 4K/48: 4 levels from L0, root 512");
	/* 16K, T1SZ 12, DS: LPA2, root of 32 at L0, OA[51:50] in 9:8 */
	CHECK(!kc_geom_from_tcr(1ULL << 59 | 1ULL << 30 | 12ULL << 16, &g, err,
				sizeof(err)) && g.page_shift == 14 &&
	      g.va_bits == 52 && g.start_level == 0 && g.root_entries == 32 &&
	      g.lpa2 && g.addr_mask == 0x0003ffffffffc300ULL &&
	      g.linear_start == 0xfff0000000000000ULL &&
	      g.linear_end == 0xffffc00000000000ULL,
	      "geom: 16K/52 LPA2: root 32 at L0, address bits 49:14 and 9:8");
	CHECK(!kc_geom_init(&g, 16, 52, false, err, sizeof(err)) &&
	      g.start_level == 1 && g.root_entries == 1024 && g.entries == 8192 &&
	      g.addr_mask == 0x0000fffffffff000ULL,
	      "geom: 64K/52: 3 levels from L1, root 1024, OA[51:48] in 15:12");
	CHECK(!kc_geom_init(&g, 14, 36, false, err, sizeof(err)) &&
	      g.start_level == 2 && g.root_entries == 2048,
	      "geom: 16K/36: 2 levels from L2");
	/* TG1 4K, T1SZ 12, DS: five levels, a root of 16 at level -1 */
	CHECK(!kc_geom_from_tcr(1ULL << 59 | 2ULL << 30 | 12ULL << 16, &g, err,
				sizeof(err)) && g.page_shift == 12 &&
	      g.va_bits == 52 && g.start_level == -1 && g.root_entries == 16 &&
	      kc_level_shift(&g, -1) == 48 && g.lpa2 &&
	      g.addr_mask == 0x0003fffffffff300ULL &&
	      g.linear_start == 0xfff0000000000000ULL &&
	      g.linear_end == 0xffff800000000000ULL,
	      "geom: 4K/52 LPA2: 5 levels, root of 16 at level -1");
	CHECK(kc_geom_init(&g, 12, 52, false, err, sizeof(err)) ==
	      MB_EXIT_GUEST && strstr(err, "without LPA2"),
	      "geom: 4K/52 without LPA2 refused");
	CHECK(kc_geom_from_tcr(0, &g, err, sizeof(err)) == MB_EXIT_GUEST &&
	      strstr(err, "TG1"), "geom: reserved TG1 refused");
}

/* A 16K/47 tree: L1 root (2048 entries) at 0x10000, an L2 at 0x14000,
 * an L3 at 0x18000. */
static uint64_t m16[3][2048];

static int read16(void *ctx, uint64_t pa, void *page, size_t len)
{
	(void)ctx;
	if (len != sizeof(m16[0]) || pa < 0x10000 || pa > 0x18000 ||
	    pa & 0x3fff)
		return -1;
	memcpy(page, m16[(pa - 0x10000) >> 14], len);
	return 0;
}

static void test_map16(void)
{
	const uint64_t tbl = 0x1800000000000003ULL, pte = 0x00e8000000000707ULL;
	const uint64_t blk = 0x00e8000000000705ULL, lm = 0xffff800000000000ULL;
	const uint64_t va47 = (1ULL << 47) - 1;
	struct kc_map a = { 0 };
	struct kc_geom g;
	uint64_t h = MB_FNV_OFFSET;
	char err[160];

	kc_geom_init(&g, 14, 47, false, err, sizeof(err));
	m16[0][0] = 0x14000 | tbl;
	m16[0][1024] = 0x10000 | tbl;		/* PAGE_END and up: not linear */
	m16[1][0] = 0x18000 | tbl;
	m16[1][1] = 0x42000000 | blk;		/* a 32M block */
	for (int i = 0; i < 2048; i++)
		m16[2][i] = (0x40000000 + ((uint64_t)i << 14)) | pte |
			    (i < 128 ? 1ULL << 52 : 0);
	CHECK(!kc_map_read(read16, NULL, &g, 0x10000, &a, err, sizeof(err)) &&
	      a.tables == 3, "map 16K: 3 tables read at 16 KiB");
	CHECK(a.nr == 5 && a.runs[0].table && a.runs[0].level == 1 &&
	      a.runs[0].va == lm && a.runs[0].desc == tbl &&
	      a.runs[1].table && a.runs[1].level == 2 &&
	      !a.runs[2].table && a.runs[2].level == 3 &&
	      a.runs[2].count == 128 && a.runs[3].count == 1920 &&
	      a.runs[3].va == lm + (128 << 14) &&
	      a.runs[4].level == 2 && a.runs[4].va == lm + (1 << 25) &&
	      a.runs[4].count == 1, "map 16K: runs at levels 1..3, 16K steps");
	/* the digest, as guest/digest.h defines it (VAs to VA_BITS 47),
	 * written out */
	h = mb_fnv1a_u64(h, 1ULL << 56 | (lm & va47));
	h = mb_fnv1a_u64(h, tbl);
	h = mb_fnv1a_u64(h, 2ULL << 56 | (lm & va47));
	h = mb_fnv1a_u64(h, tbl);
	for (int i = 0; i < 2048; i++) {
		h = mb_fnv1a_u64(h, 3ULL << 56 |
				 ((lm + ((uint64_t)i << 14)) & va47));
		h = mb_fnv1a_u64(h, m16[2][i]);
	}
	h = mb_fnv1a_u64(h, 2ULL << 56 |
			 ((lm + (1ULL << 25)) & va47));
	h = mb_fnv1a_u64(h, m16[1][1]);
	CHECK(a.digest == h, "map 16K: digest over the linear half only");
	kc_map_free(&a);

	/* 16K/52 with LPA2: a root of 32 at L0; its top entry is linear
	 * only below PAGE_END = -2^46 and holds the image and the fixmap:
	 * left out whole, as the guest's LINEAR_PGD_LAST does; the one
	 * before it is walked */
	memset(m16, 0, sizeof(m16));
	kc_geom_init(&g, 14, 52, true, err, sizeof(err));
	m16[0][30] = 0x14000 | tbl;
	m16[0][31] = 0x18000 | tbl;		/* the shared top entry */
	m16[1][0] = 0x40000000 | blk;		/* L1: no block at 16K, but */
	m16[1][2047] = 0x42000000 | blk;	/* the walk reads any leaf */
	m16[2][0] = 0x44000000 | blk;		/* under the top: not read */
	CHECK(!kc_map_read(read16, NULL, &g, 0x10000, &a, err, sizeof(err)) &&
	      a.tables == 2 && a.nr == 3 && a.runs[0].level == 0 &&
	      a.runs[0].va == 0xffff000000000000ULL && a.runs[1].level == 1 &&
	      a.runs[1].count == 1 && a.runs[2].va == 0xffff7ff000000000ULL,
	      "map 16K/52: the shared top root entry left out, the one before walked");
	kc_map_free(&a);
}

static void test_kconfig(void)
{
	static const char cfg[] =
		"# CONFIG_ARM64_4K_PAGES is not set\n"
		"CONFIG_ARM64_16K_PAGES=y\n"
		"# CONFIG_ARM64_VA_BITS_48 is not set\n"
		"CONFIG_ARM64_VA_BITS_52=y\n"
		"CONFIG_ARM64_VA_BITS=52\n"
		"CONFIG_ARM64_LPA2=y\n";
	struct kc_kconfig k = { 0 };

	CHECK(!kc_kconfig_parse(cfg, sizeof(cfg) - 1, &k) &&
	      k.page_shift == 14 && k.va_bits == 52 && k.lpa2,
	      "kconfig: Debian 16K: 16K pages, VA_BITS 52, LPA2");
	CHECK(kc_kconfig_parse(cfg, 40, &k) == -1,
	      "kconfig: no VA size: refused");
}

static void test_cpio(void)
{
	char path[] = "/tmp/mb-kc-cpio-XXXXXX", err[128];
	size_t len;
	char *c;
	int fd = mkstemp(path);

	close(fd);
	CHECK(!kc_cpio_write(path, "hello", 5, err, sizeof(err)), "cpio: written");
	c = slurp(path, &len);
	CHECK(c && !memcmp(c, "070701", 6) && len % 4 == 0 &&
	      memmem(c, len, "dev/console", 11) &&
	      memmem(c, len, "TRAILER!!!", 10) && memmem(c, len, "hello", 5),
	      "cpio: newc with /dev/console, /init and the trailer");
	/* init's header: mode 0100755, size 5 */
	CHECK(c && memmem(c, len, "000081ED", 8) && memmem(c, len, "00000005", 8),
	      "cpio: /init is an executable of 5 bytes");
	free(c);
	unlink(path);
}

int main(void)
{
	test_trace_fixture();
	test_trace_synth();
	test_symtab();
	test_elf_symbols();
	test_image();
	test_rsp();
	test_map();
	test_geom();
	test_map16();
	test_kconfig();
	test_cpio();
	printf("test_kcheck: %d passed, %d failed\n", nr_tests - nr_failed,
	       nr_failed);
	return nr_failed != 0;
}
