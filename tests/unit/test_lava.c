// SPDX-License-Identifier: GPL-2.0-only
/*
 * The LAVA side's pieces without LAVA: CRC-32 and base64 against their
 * standards' vectors, test case names, and the job-log decoder on logs
 * built here -- whole, cut, gapped, garbled -- in each form a lab hands
 * out (lava-run's lines, a server's "- " lines, plain text).  The
 * command-line side and captured logs of a real lava-run are in
 * tests/unit/lava.sh.
 */
#include <stdlib.h>
#include <string.h>

#include "lab/lava.h"
#include "tap.h"

static void codec(void)
{
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	static const char *const bad[] = {
		"Zg=", "Z===", "Zm9v!", "Zg==Zg==", "Zm=v", "AA==",
	};
	char name[101];

	CHECK(mb_crc32("123456789", 9) == 0xcbf43926,
	      "crc32 check value (IEEE, as zlib)");
	CHECK(mb_crc32("", 0) == 0, "crc32 of nothing");
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		struct mb_buf e = { 0 }, d = { 0 };

		mb_b64_encode(&e, vec[i][0], strlen(vec[i][0]));
		CHECK(!strcmp(e.p ? e.p : "", vec[i][1]),
		      "base64 encode: RFC 4648 vector");
		CHECK(!mb_b64_decode(&d, vec[i][1], strlen(vec[i][1])) &&
		      !strcmp(d.p ? d.p : "", vec[i][0]),
		      "base64 decode: RFC 4648 vector");
		mb_buf_free(&e);
		mb_buf_free(&d);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mb_buf d = { 0 };

		/* "AA==" decodes to a NUL: never part of a record */
		CHECK(mb_b64_decode(&d, bad[i], strlen(bad[i])) == -1,
		      "base64 decode refuses junk, bad padding, NUL");
		mb_buf_free(&d);
	}
	/* every byte value but NUL, through and back */
	{
		char all[255];
		struct mb_buf e = { 0 }, d = { 0 };

		for (int i = 0; i < 255; i++)
			all[i] = (char)(i + 1);
		mb_b64_encode(&e, all, sizeof(all));
		CHECK(!mb_b64_decode(&d, e.p, e.len) && d.len == 255 &&
		      !memcmp(d.p, all, 255), "base64 round trip, 255 bytes");
		mb_buf_free(&e);
		mb_buf_free(&d);
	}

	mb_lava_case_name("strategy=base mem=1G rodata=full", name,
			  sizeof(name));
	CHECK(!strcmp(name, "base_1G_full"), "case name: the three axes");
	mb_lava_case_name("strategy=v6.10 mem=512G rodata=on "
			  "backing=hugetlb:2M layout=2x64G@gap=64G "
			  "accel=kvm deterministic", name, sizeof(name));
	CHECK(!strcmp(name, "v6.10_512G_on_backing-hugetlb-2M_"
		      "layout-2x64G-gap-64G_accel-kvm_deterministic"),
	      "case name: options as key-value, odd characters as '-'");
	{
		char longp[400];

		snprintf(longp, sizeof(longp), "strategy=base mem=1G "
			 "rodata=full layout=%0300d", 7);
		mb_lava_case_name(longp, name, sizeof(name));
		CHECK(strlen(name) == 100, "case name: at most 100 characters");
	}
}

/* ---- logs ------------------------------------------------------------ */

enum form { RUN, SERVER, TEXT };

static const char *const recs[] = {
	"{\"strategy\":\"base\",\"status\":\"ok\",\"matrix\":{\"host\":"
	"\"b\",\"point\":\"strategy=base mem=1G rodata=full\"}}",
	"{\"strategy\":\"v6.10\",\"status\":\"failed\",\"error\":\"it "
	"said \\\"no\\\"\",\"pad\":\"0123456789012345678901234567890123456"
	"7890123456789012345678901234567890123456789012345678901234567890"
	"1234567890123456789012345678901234567890\"}",
	"{\"strategy\":\"idmap\",\"status\":\"skipped\"}",
};

/* one line of target output, in the log's form */
static void out(struct mb_buf *b, enum form f, const char *msg)
{
	if (f == TEXT) {
		mb_bprintf(b, "%s\n", msg);
		return;
	}
	mb_bprintf(b, "%s{\"dt\": \"2026-12-01T18:00:00.000000\", \"lvl\": "
		   "\"target\", \"msg\": \"", f == SERVER ? "- " : "");
	for (const char *p = msg; *p; p++)
		mb_bprintf(b, *p == '"' ? "\\\"" : *p == '\\' ? "\\\\" :
			   "%c", *p);
	mb_bprintf(b, "\"}\n");
}

/* What lava-board prints, for these records; records = the number the
 * mapbench-records case claims (-1: no such line). */
static void make_log(struct mb_buf *b, enum form f, size_t n,
		     long records)
{
	uint32_t all = 0xffffffff;
	char line[400];

	if (f != TEXT)
		mb_bprintf(b, "{\"dt\": \"x\", \"lvl\": \"info\", \"msg\": "
			   "\"start: 0 validate\"}\n");
	out(b, f, "+ cd /lava-4242/0/tests/0_mapbench");
	/* console noise with LAVA's escapes: \e, \x, a tag */
	if (f != TEXT)
		mb_bprintf(b, "{\"dt\": \"x\", \"lvl\": \"target\", \"msg\": "
			   "\"\\e[K\\x1b[0m \\U0001F600 \\_ ok\"}\n");
	snprintf(line, sizeof(line), "%s 1 %zu", MB_LAVA_BEGIN, n);
	out(b, f, line);
	for (size_t i = 0; i < n; i++) {
		struct mb_buf e = { 0 };
		uint32_t crc = mb_crc32(recs[i], strlen(recs[i]));
		size_t chunks;

		mb_b64_encode(&e, recs[i], strlen(recs[i]));
		chunks = (e.len + MB_LAVA_CHUNK - 1) / MB_LAVA_CHUNK;
		for (size_t c = 0; c < chunks; c++) {
			snprintf(line, sizeof(line), "%s %zu/%zu %zu/%zu %08x "
				 "%.*s", MB_LAVA_REC, i + 1, n, c + 1, chunks,
				 crc, MB_LAVA_CHUNK, e.p + c * MB_LAVA_CHUNK);
			out(b, f, line);
		}
		all = (all << 5 | all >> 27) ^ crc;
		mb_buf_free(&e);
	}
	snprintf(line, sizeof(line), "%s %zu %08x", MB_LAVA_END, n, all);
	out(b, f, line);
	if (records >= 0 && f != TEXT)
		mb_bprintf(b, "%s{\"dt\": \"x\", \"lvl\": \"results\", \"msg\":"
			   " {\"case\": \"%s\", \"definition\": \"0_mapbench\","
			   " \"measurement\": ! \"%ld.0\", \"result\": "
			   "\"pass\", \"units\": \"records\"}}\n",
			   f == SERVER ? "- " : "", MB_LAVA_RECORDS_CASE,
			   records);
}

static int decode(const char *text, struct mb_buf *o,
		  struct mb_lava_log *info, char *err, size_t errlen)
{
	return mb_lava_log_records("job.log", text, strlen(text), o, info,
				   err, errlen);
}

/* Drop line k (from 1) of text. */
static void drop_line(char *text, unsigned int k)
{
	char *p = text;

	for (unsigned int i = 1; i < k && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (p) {
		char *e = strchr(p, '\n');

		memmove(p, e ? e + 1 : p + strlen(p),
			strlen(e ? e + 1 : p + strlen(p)) + 1);
	}
}

static void logs(void)
{
	static const char *const fname[] = { "lava-run", "server", "text" };
	char err[512], msg[128];

	for (int f = RUN; f <= TEXT; f++) {
		struct mb_buf b = { 0 }, o = { 0 };
		struct mb_lava_log info;
		int r;

		make_log(&b, f, 3, 3);
		r = decode(b.p, &o, &info, err, sizeof(err));
		snprintf(msg, sizeof(msg), "%s form: 3 records back, in order",
			 fname[f]);
		CHECK(!r && info.records == 3 && info.blocks == 1 && o.p &&
		      !strncmp(o.p, recs[0], strlen(recs[0])) &&
		      strstr(o.p, recs[1]) && strstr(o.p, recs[2]), msg);
		if (r)
			printf("# %s\n", err);
		snprintf(msg, sizeof(msg), "%s form: the job id from /lava-N/",
			 fname[f]);
		CHECK(!strcmp(info.job, "4242"), msg);
		mb_buf_free(&b);
		mb_buf_free(&o);
	}

	/* failures, each one line naming job and line */
	{
		struct mb_buf b = { 0 }, o = { 0 };
		struct mb_lava_log info;
		char *p;

		/* truncated: the log stops after record 2's first chunk */
		make_log(&b, RUN, 3, -1);
		p = strstr(b.p, MB_LAVA_REC " 2/3 2/");
		if (p) {
			p = memrchr(b.p, '\n', p - b.p);
			p[1] = '\0';
		}
		CHECK(decode(b.p, &o, &info, err, sizeof(err)) == -1 &&
		      !strcmp(err, "job 4242 (job.log:6): the log ends inside "
			      "the records (after record 1 of 3, begun at line "
			      "4): a truncated log"),
		      "truncated: one line, job and the last line");
		printf("# %s\n", err);
		mb_buf_free(&b);
		mb_buf_free(&o);

		/* a lost line in the middle */
		make_log(&b, TEXT, 3, -1);
		drop_line(b.p, 4);
		CHECK(decode(b.p, &o, &info, err, sizeof(err)) == -1 &&
		      strstr(err, "job 4242 (job.log:4): record ") &&
		      strstr(err, "lines are missing"), "gap: named");
		printf("# %s\n", err);
		mb_buf_free(&b);
		mb_buf_free(&o);

		/* begin lost */
		make_log(&b, TEXT, 3, -1);
		drop_line(b.p, 2);
		CHECK(decode(b.p, &o, &info, err, sizeof(err)) == -1 &&
		      strstr(err, "(job.log:2): record 1 outside"),
		      "a lost begin line: named");
		mb_buf_free(&b);
		mb_buf_free(&o);

		/* end lost: the log ends inside the block */
		make_log(&b, TEXT, 3, -1);
		p = strstr(b.p, MB_LAVA_END);
		*p = '\0';
		CHECK(decode(b.p, &o, &info, err, sizeof(err)) == -1 &&
		      strstr(err, "after record 3 of 3"), "a lost end line");
		mb_buf_free(&b);
		mb_buf_free(&o);

		/* a garbled character: the CRC catches it */
		make_log(&b, TEXT, 3, -1);
		p = strstr(b.p, MB_LAVA_REC " 3/3 1/1 ");
		p = strchr(p + strlen(MB_LAVA_REC " 3/3 1/1 ") + 9, 'J');
		CHECK(p != NULL, "a character to garble");
		if (p)
			*p = 'K';
		CHECK(decode(b.p, &o, &info, err, sizeof(err)) == -1 &&
		      strstr(err, "record 3: CRC mismatch"), "garbled: CRC");
		printf("# %s\n", err);
		mb_buf_free(&b);
		mb_buf_free(&o);

		/* a chunk cut short */
		make_log(&b, TEXT, 3, -1);
		p = strstr(b.p, MB_LAVA_REC " 2/3 1/");
		p = strchr(p, '\n');
		memmove(p - 10, p, strlen(p) + 1);
		CHECK(decode(b.p, &o, &info, err, sizeof(err)) == -1 &&
		      strstr(err, "the line was cut"), "a cut chunk");
		mb_buf_free(&b);
		mb_buf_free(&o);

		/* LAVA kept fewer records than the board sent */
		make_log(&b, RUN, 3, 4);
		CHECK(decode(b.p, &o, &info, err, sizeof(err)) == -1 &&
		      strstr(err, "LAVA recorded 4 records"),
		      "mapbench-records disagrees: an error");
		mb_buf_free(&b);
		mb_buf_free(&o);

		/* nothing of ours */
		CHECK(decode("{\"dt\": \"x\", \"lvl\": \"info\", \"msg\": "
			     "\"hi\"}\n", &o, &info, err, sizeof(err)) == -1 &&
		      !strcmp(err, "job job.log (job.log): no mapbench records "
			      "in this log (did the test shell run? look for "
			      "'mapbench-lava:' lines)"), "no records: said");
		mb_buf_free(&o);

		/* a newer format */
		CHECK(decode(MB_LAVA_BEGIN " 2 1\n", &o, &info, err,
			     sizeof(err)) == -1 &&
		      strstr(err, "records of format 2"), "format version");
		mb_buf_free(&o);

		/* lavacli on a terminal: each line in colours */
		make_log(&b, TEXT, 3, -1);
		{
			struct mb_buf c = { 0 };
			const char *l = b.p;

			for (const char *q = b.p; *q; q++) {
				if (*q != '\n')
					continue;
				mb_bprintf(&c, "\033[0;90m2026-12-01T18:00:00"
					   "\033[0m \033[32m%.*s\033[0m\n",
					   (int)(q - l), l);
				l = q + 1;
			}
			CHECK(!decode(c.p, &o, &info, err, sizeof(err)) &&
			      info.records == 3, "lavacli's colours");
			mb_buf_free(&c);
		}
		mb_buf_free(&b);
		mb_buf_free(&o);

		/* two blocks (two test definitions) in one job */
		make_log(&b, TEXT, 2, -1);
		make_log(&b, TEXT, 1, -1);
		CHECK(!decode(b.p, &o, &info, err, sizeof(err)) &&
		      info.blocks == 2 && info.records == 3,
		      "two blocks in one log");
		mb_buf_free(&b);
		mb_buf_free(&o);
	}
}

int main(void)
{
	codec();
	logs();
	printf("test_lava: %d passed, %d failed\n", nr_tests - nr_failed,
	       nr_failed);
	return nr_failed != 0;
}
