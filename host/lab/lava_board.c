// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench lava-board CONFIG OUTDIR [--label NAME]: what LAVA's test
 * shell runs on the board (lava/mapbench.yaml).  It runs the matrix
 * (`mapbench matrix`, a child), then
 *
 *   - one LAVA test case per point, through the test shell's own
 *     lava-test-case: pass with the median of the measured runs in ms,
 *     fail or skip for points that failed or that the board cannot run;
 *   - every record of OUTDIR/results.jsonl into the job log:
 *
 *       mapbench-lava-begin 1 RECORDS
 *       mapbench-lava-rec I/RECORDS J/CHUNKS CRC32 BASE64...
 *       mapbench-lava-end RECORDS CRC32-OF-THE-CRCS
 *
 *     (I and J from 1), so lava-results can rebuild results.jsonl and
 *     notice any line that did not make it;
 *   - a last test case, mapbench-records, measuring how many records
 *     went out.
 *
 * Exit 0 when every point was reported, whatever the points' results;
 * non-zero only when the matrix could not run or the report failed.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "cli.h"
#include "lava.h"

/*
 * fork + exec, wait; the exit code, or 128 + signal, or 127.  piped:
 * the child's stderr comes through a pipe, so it does not see the
 * console as a terminal (the matrix then prints one line per point, no
 * cursor movements, which a log keeps badly).
 */
static int spawn(char *const argv[], bool use_path, bool piped)
{
	int ep[2] = { -1, -1 }, st;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if (piped && pipe(ep))
		mb_die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		mb_die("fork: %s", strerror(errno));
	if (!pid) {
		if (piped) {
			dup2(ep[1], 2);
			close(ep[0]);
			close(ep[1]);
		}
		if (use_path)
			execvp(argv[0], argv);
		else
			execv(argv[0], argv);
		fprintf(stderr, "mapbench: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	if (piped) {
		char buf[512];
		ssize_t r;

		close(ep[1]);
		while ((r = read(ep[0], buf, sizeof(buf))) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 || write(2, buf, r) != r)
				break;
		}
		close(ep[0]);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			mb_die("waitpid: %s", strerror(errno));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* lava-test-case NAME --result R [--measurement M --units ms] */
static int test_case(const char *name, const char *result, double ms,
		     const char *units)
{
	char meas[64];
	char *argv[] = {
		"lava-test-case", (char *)name, "--result", (char *)result,
		NULL, NULL, NULL, NULL, NULL,
	};

	if (units) {
		snprintf(meas, sizeof(meas), "%.3f", ms);
		argv[4] = "--measurement";
		argv[5] = meas;
		argv[6] = "--units";
		argv[7] = (char *)units;
	}
	return spawn(argv, true, false);
}

/* One test case per point, in the order the matrix ran them. */
static int report_points(const char *results, unsigned int *failed)
{
	struct mb_runset set = { 0 };
	struct mb_groups gs;
	char err[512], name[101], (*names)[101];
	int ret = 0;

	if (mb_runs_load(&set, results, err, sizeof(err))) {
		fprintf(stderr, "mapbench: %s\n", err);
		mb_runs_free(&set);
		return -1;
	}
	if (mb_group_runs(&set, 0, &gs))
		mb_die("out of memory");
	names = calloc(gs.n + 1, sizeof(*names));
	if (!names)
		mb_die("out of memory");
	for (size_t i = 0; i < gs.n; i++) {
		const struct mb_group *g = &gs.v[i];
		const char *res;
		int r;

		mb_lava_case_name(g->key->point[0] ? g->key->point :
				  g->key->strategy, name, sizeof(name));
		/* a name LAVA already has would overwrite that case (two
		 * points alike but for characters a name cannot hold, or
		 * cut at 100): number the later one */
		for (size_t k = 0; k < i; k++) {
			char num[24];
			size_t at;

			if (strcmp(names[k], name))
				continue;
			snprintf(num, sizeof(num), "-%zu", i + 1);
			at = strlen(name);
			if (at + strlen(num) >= sizeof(name))
				at = sizeof(name) - 1 - strlen(num);
			memcpy(name + at, num, strlen(num) + 1);
			break;
		}
		snprintf(names[i], sizeof(names[i]), "%s", name);
		if (g->failed) {
			res = "fail";
			(*failed)++;
		} else if (g->skipped || !g->n) {
			res = "skip";
		} else {
			res = "pass";
		}
		if (g->why)
			printf("mapbench-lava: %s: %s\n", name, g->why);
		r = !strcmp(res, "pass") ?
		    test_case(name, res, g->st.median, "ms") :
		    test_case(name, res, 0, NULL);
		if (r) {
			fprintf(stderr, "mapbench: lava-test-case %s: exit "
				"%d\n", name, r);
			ret = -1;
		}
	}
	free(names);
	mb_groups_free(&gs);
	mb_runs_free(&set);
	return ret;
}

/* Every line of results.jsonl into the log; returns the record count. */
static long emit_records(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0, total;
	ssize_t len;
	uint32_t all = 0xffffffff;

	if (!f) {
		fprintf(stderr, "mapbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* count first: the begin marker says how many follow */
	while ((len = getline(&line, &cap, f)) > 0)
		if (strspn(line, " \t\r\n") < (size_t)len)
			n++;
	rewind(f);
	printf("%s %d %zu\n", MB_LAVA_BEGIN, MB_LAVA_VERSION, n);
	total = n;
	n = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		struct mb_buf b = { 0 };
		uint32_t crc;
		size_t chunks;

		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strspn(line, " \t") == (size_t)len)
			continue;
		n++;
		crc = mb_crc32(line, len);
		all = (all << 5 | all >> 27) ^ crc;
		mb_b64_encode(&b, line, len);
		if (b.oom)
			mb_die("out of memory");
		chunks = (b.len + MB_LAVA_CHUNK - 1) / MB_LAVA_CHUNK;
		for (size_t c = 0; c < chunks; c++)
			printf("%s %zu/%zu %zu/%zu %08x %.*s\n", MB_LAVA_REC,
			       n, total, c + 1, chunks, crc, MB_LAVA_CHUNK,
			       b.p + c * MB_LAVA_CHUNK);
		mb_buf_free(&b);
		/* a console is slow: let it drain as we go */
		fflush(stdout);
	}
	printf("%s %zu %08x\n", MB_LAVA_END, n, all);
	fflush(stdout);
	free(line);
	fclose(f);
	return n;
}

static const struct mb_opt lava_board_opts[] = {
	MB_OPT("label", 'l', false, required_argument, "NAME", MB_ARG_NONE,
	       NULL, "The host label of the records (empty: the default)."),
	MB_OPT_HELP,
	MB_OPT_END
};

const struct mb_cmd mb_lava_board_cmd = {
	.name = "lava-board",
	.summary = "the board side of a LAVA job: doctor, matrix, results",
	.synopsis = "CONFIG OUTDIR",
	.text = "Run by the test definition (lava/mapbench.yaml) in LAVA's "
		"test shell on the board: prints the board's doctor record, "
		"runs the matrix of CONFIG into OUTDIR and prints every record "
		"and every point's LAVA test case into the job log.",
	.opts = lava_board_opts,
};

int mb_cmd_lava_board(int argc, char **argv)
{
	struct mb_getopt gopt = { 0 };
	const char *label = NULL;
	char self[PATH_MAX], results[PATH_MAX + 32];
	char *margv[8];
	unsigned int failed = 0;
	int opt, rc, n = 0;
	long recs;
	ssize_t len;

	while ((opt = mb_cli_getopt(&mb_lava_board_cmd, &gopt, argc, argv,
				     MB_EXIT_USAGE)) != -1) {
		switch (opt) {
		case 'l':
			/* the test shell passes "" when MB_LABEL is unset */
			label = *optarg ? optarg : NULL;
			break;
		}
	}
	if (argc - optind != 2) {
		mb_usage_synopsis(&mb_lava_board_cmd, stderr);
		return MB_EXIT_USAGE;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		mb_die("cannot find my own binary: %s", strerror(errno));
	self[len] = '\0';
	snprintf(results, sizeof(results), "%s/results.jsonl",
		 argv[optind + 1]);
	/* the guest ELF ships beside the binary (opt/mapbench/) */
	if (!getenv("MAPBENCH_GUEST") || !*getenv("MAPBENCH_GUEST")) {
		char guest[PATH_MAX + 32], *slash = strrchr(self, '/');

		snprintf(guest, sizeof(guest), "%.*s/mapbench-guest.elf",
			 slash ? (int)(slash - self) : 1, slash ? self : ".");
		if (!access(guest, R_OK))
			setenv("MAPBENCH_GUEST", guest, 1);
	}

	/* a board's facts, for whoever reads the log: the summary, then
	 * what `mapbench doctor --json` finds here, on one line */
	printf("mapbench-lava: mapbench %s, /dev/kvm %s\n", MB_VERSION,
	       access("/dev/kvm", R_OK | W_OK) ? "NOT usable" : "usable");
	margv[0] = self;
	margv[1] = "doctor";
	margv[2] = "--json";
	margv[3] = NULL;
	printf("mapbench-lava: doctor: ");
	/* exit 5 (make run would not work) is information too; anything
	 * else left the line open */
	rc = spawn(margv, false, false);
	if (rc != 0 && rc != MB_EXIT_HOST)
		printf("(mapbench doctor exited %d)\n", rc);
	margv[n++] = self;
	margv[n++] = "matrix";
	margv[n++] = argv[optind];
	margv[n++] = argv[optind + 1];
	if (label) {
		margv[n++] = "--label";
		margv[n++] = (char *)label;
	}
	margv[n] = NULL;
	rc = spawn(margv, false, true);
	/* 0 all ran or skipped, 3 some failed: both leave a full record */
	if (rc != 0 && rc != 3) {
		fprintf(stderr, "mapbench: matrix exited %d\n", rc);
		if (access(results, R_OK))
			return rc ? rc : MB_EXIT_VMM;
	}
	if (report_points(results, &failed))
		rc = MB_EXIT_VMM;
	else if (rc == 3)
		rc = 0;		/* reported, as failed test cases */
	recs = emit_records(results);
	if (recs < 0)
		return MB_EXIT_VMM;
	if (test_case(MB_LAVA_RECORDS_CASE, "pass", (double)recs, "records"))
		rc = rc ? rc : MB_EXIT_VMM;
	printf("mapbench-lava: %ld records, %u failed points\n", recs, failed);
	return rc;
}
