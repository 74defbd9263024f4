/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mapbench in a LAVA lab (docs/LAB.md):
 *
 *   lava-job      a matrix config -> LAVA job definitions (YAML), one per
 *                 device type, with mapbench's test definition inline
 *   lava-board    on the board, inside the test shell: run the matrix,
 *                 report every point with lava-test-case, print the
 *                 records into the job log between markers
 *   lava-results  job logs (lava-run's output, `lavacli jobs logs`) ->
 *                 the records again, as results.jsonl
 *
 * The records travel as base64 in numbered chunks with a CRC per record
 * (the log escapes quotes and may hold other console output between
 * lines), so a lost or cut line is noticed, never silently dropped.
 */
#ifndef MAPBENCH_LAVA_H
#define MAPBENCH_LAVA_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Markers in the job log (docs/LAB.md, "What comes back"). */
#define MB_LAVA_BEGIN		"mapbench-lava-begin"
#define MB_LAVA_REC		"mapbench-lava-rec"
#define MB_LAVA_END		"mapbench-lava-end"
#define MB_LAVA_VERSION		1
/* base64 characters per chunk line: short enough for any console */
#define MB_LAVA_CHUNK		160
/* The summary test case: its measurement is the number of records. */
#define MB_LAVA_RECORDS_CASE	"mapbench-records"

/* ---- lava_codec.c ---------------------------------------------------- */

uint32_t mb_crc32(const void *buf, size_t len);
/* base64 (RFC 4648, padded) of len bytes, appended to b. */
void mb_b64_encode(struct mb_buf *b, const void *buf, size_t len);
/* Decode into b; -1 on a character outside the alphabet or bad padding. */
int mb_b64_decode(struct mb_buf *b, const char *s, size_t len);
/* A LAVA test case name for a matrix point key: [A-Za-z0-9._-], at most
 * 100 characters ("strategy=base mem=1G rodata=full" -> "base_1G_full"). */
void mb_lava_case_name(const char *point, char *buf, size_t len);

/* ---- lava_job.c ------------------------------------------------------ */

struct mb_lava_job {
	const char *config_path;	/* for the job name */
	const char *config_text;	/* the config, shipped in the job */
	const char *device_type;
	const char *label;		/* matrix --label; NULL: device type */
	const char *kernel_url, *ramdisk_url, *mapbench_url, *dtb_url;
	const char *kernel_args;
	const char *deploy;		/* tmpfs | tftp */
	const char *boot;		/* qemu | u-boot | grub */
	const char *prompt;
	const char *job_name;
	const char *testdef_repo;	/* from: git, else inline */
	const char *testdef_rev;
	unsigned int test_minutes, job_minutes;
	const char *visibility, *priority;
	const char *const *tags;
	unsigned int ntags;
};

/* The job's YAML into out.  -1: err says why (a value YAML cannot
 * carry, a missing URL). */
int mb_lava_job_yaml(const struct mb_lava_job *j, struct mb_buf *out,
		     char *err, size_t errlen);
/* The Lava-Test-Shell definition (lava/mapbench.yaml) with these
 * parameter values; NULLs give the shipped defaults. */
void mb_lava_testdef_yaml(struct mb_buf *out, const char *indent,
			  const char *config_b64, const char *label,
			  const char *url);

/* ---- lava_results.c -------------------------------------------------- */

struct mb_lava_log {
	char job[64];			/* the job id, or the file's name */
	size_t records;			/* decoded */
	size_t blocks;			/* begin..end blocks */
	long cases_seen;		/* "results" lines of our suite, -1:
					 * none in this log */
	long records_case;		/* mapbench-records measurement, -1 */
};

/* Decode every record of one job log, appending one JSON line per record
 * to out.  -1: err is one line naming the job and the line. */
int mb_lava_log_records(const char *path, const char *text, size_t len,
			struct mb_buf *out, struct mb_lava_log *info,
			char *err, size_t errlen);

/* ---- commands -------------------------------------------------------- */


#endif /* MAPBENCH_LAVA_H */
