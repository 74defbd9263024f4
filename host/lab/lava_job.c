// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench lava-job CONFIG: LAVA job definitions that run a matrix
 * config on boards with KVM.  The YAML is written by hand: it is output
 * only, of a fixed shape, and every value that goes into it is checked
 * to be one a YAML scalar carries (no control characters).  The
 * dispatcher's schema (lava_common.schemas) checks the result in the
 * lava test tier.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "lava.h"

/* ---- YAML scalars ---------------------------------------------------- */

static bool plain_ok(const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null",
	};
	bool digits = true;

	if (!*s || *s == '-' || *s == '.')
		return false;
	for (const char *p = s; *p; p++) {
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-", *p))
			return false;
		if (!strchr("0123456789.", *p))
			digits = false;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return false;
	return !digits;
}

/* A scalar: plain when nothing in it means anything to YAML, else
 * single-quoted (where only the quote itself is special). */
static void yq(struct mb_buf *b, const char *s)
{
	if (plain_ok(s)) {
		mb_bprintf(b, "%s", s);
		return;
	}
	mb_bprintf(b, "'");
	for (; *s; s++)
		mb_bprintf(b, *s == '\'' ? "''" : "%c", *s);
	mb_bprintf(b, "'");
}

/* "key: value\n" at an indent */
static void kv(struct mb_buf *b, const char *ind, const char *k,
	       const char *v)
{
	mb_bprintf(b, "%s%s: ", ind, k);
	yq(b, v);
	mb_bprintf(b, "\n");
}

static int check_value(const char *what, const char *s, char *err,
		       size_t errlen)
{
	if (!s)
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return mb_errf(-1, err, errlen, "%s: a control "
				       "character or newline cannot go into "
				       "the job", what);
	return 0;
}

/* ---- the test definition (lava/mapbench.yaml) ------------------------ */

/*
 * Run by LAVA's test shell on the board, one line each in one sh
 * (busybox's is enough).  mapbench comes from MB_DIR (put there by the
 * job's overlay, or by the lab's own image), or from the tarball at
 * MB_URL when that is set.  lava-board reports each point itself and
 * exits non-zero only when it could not report: that is a test case of
 * its own.
 */
static const char *const testdef_steps[] = {
	"if [ -n \"$MB_URL\" ]; then wget -q -O /tmp/mapbench.tar.gz "
	"\"$MB_URL\" && tar -xzf /tmp/mapbench.tar.gz -C / || "
	"lava-test-case mapbench-fetch --result fail; fi",
	"export PATH=\"$MB_DIR:$PATH\"",
	"echo \"$MB_CONFIG\" | base64 -d > /tmp/mapbench.conf || "
	"lava-test-case mapbench-config --result fail",
	"mapbench lava-board /tmp/mapbench.conf /tmp/mapbench-lava "
	"--label \"$MB_LABEL\" || lava-test-case mapbench-board --result fail",
};

void mb_lava_testdef_yaml(struct mb_buf *b, const char *ind,
			  const char *config_b64, const char *label,
			  const char *url)
{
	mb_bprintf(b, "%smetadata:\n", ind);
	mb_bprintf(b, "%s  format: Lava-Test Test Definition 1.0\n", ind);
	mb_bprintf(b, "%s  name: mapbench\n", ind);
	mb_bprintf(b, "%s  description: 'arm64 linear-map build times "
		   "(map_mem) on this board''s KVM: one test case per "
		   "matrix point, median ms'\n", ind);
	mb_bprintf(b, "%s  scope:\n%s  - performance\n", ind, ind);
	mb_bprintf(b, "%sparams:\n", ind);
	mb_bprintf(b, "%s  # the matrix config, base64 (mapbench lava-job "
		   "fills it in)\n", ind);
	kv(b, ind, "  MB_CONFIG", config_b64 ? config_b64 : "");
	mb_bprintf(b, "%s  # the host label of the records (the board)\n",
		   ind);
	kv(b, ind, "  MB_LABEL", label ? label : "");
	mb_bprintf(b, "%s  # where mapbench and its guest are on the board\n",
		   ind);
	kv(b, ind, "  MB_DIR", "/opt/mapbench");
	mb_bprintf(b, "%s  # or a tarball (opt/mapbench/...) to fetch and "
		   "unpack at /\n", ind);
	kv(b, ind, "  MB_URL", url ? url : "");
	mb_bprintf(b, "%srun:\n%s  steps:\n", ind, ind);
	for (size_t i = 0; i < sizeof(testdef_steps) /
	     sizeof(testdef_steps[0]); i++) {
		mb_bprintf(b, "%s  - ", ind);
		yq(b, testdef_steps[i]);
		mb_bprintf(b, "\n");
	}
}

/* ---- the job --------------------------------------------------------- */

/* Minutes the test action may take: a generous bound from the config
 * (a run is a fresh VM: seconds on a board, more on slow ones; big RAM
 * adds about 0.5 s per GiB), so a stuck board is noticed. */
static unsigned int estimate_minutes(const char *text, char *err,
				     size_t errlen)
{
	struct mb_matrix_cfg cfg;
	struct mb_point *pts;
	double s = 0;
	size_t n;

	if (mb_config_parse_text("config", text, &cfg, err, errlen))
		return 0;
	pts = mb_config_points(&cfg, &n, err, errlen);
	if (!pts) {
		mb_config_free(&cfg);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		s += (pts[i].sec->warmup + pts[i].sec->repeat) *
		     (10.0 + (double)(pts[i].mem >> 30) * 0.5);
	free(pts);
	mb_config_free(&cfg);
	return 5 + (unsigned int)(s / 60);
}

static void base_name(const char *path, char *buf, size_t len)
{
	const char *s = strrchr(path, '/');
	size_t n;

	s = s ? s + 1 : path;
	n = strcspn(s, ".");
	snprintf(buf, len, "%.*s", (int)(n ? n : strlen(s)), s);
}

/* Every value goes into YAML as it is, so each is checked first. */
static int job_check(const struct mb_lava_job *j, char *err, size_t errlen)
{
	bool tmpfs = !strcmp(j->deploy, "tmpfs");
	bool qemu = !strcmp(j->boot, "qemu");
	const struct { const char *what, *v; } vals[] = {
		{ "--device-type", j->device_type }, { "--label", j->label },
		{ "--kernel-url", j->kernel_url },
		{ "--ramdisk-url", j->ramdisk_url },
		{ "--mapbench-url", j->mapbench_url },
		{ "--dtb-url", j->dtb_url },
		{ "--kernel-args", j->kernel_args },
		{ "--prompt", j->prompt }, { "--job-name", j->job_name },
		{ "--testdef-repo", j->testdef_repo },
		{ "--testdef-revision", j->testdef_rev },
	};

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		if (check_value(vals[i].what, vals[i].v, err, errlen))
			return -1;
	for (unsigned int i = 0; i < j->ntags; i++)
		if (check_value("--tag", j->tags[i], err, errlen))
			return -1;
	if (!j->kernel_url || !j->ramdisk_url || !j->mapbench_url)
		return mb_errf(-1, err, errlen, "needs --kernel-url, "
			       "--ramdisk-url and --mapbench-url "
			       "(docs/LAB.md)");
	if (qemu != tmpfs)
		return mb_errf(-1, err, errlen, "--boot qemu goes with "
			       "--deploy tmpfs, and only it");
	if (tmpfs && strchr(j->kernel_args, '"'))
		return mb_errf(-1, err, errlen, "--kernel-args: no "
			       "double quotes (QEMU's -append)");
	return 0;
}

/* The job's head: the config as comments, name, device, tags, the QEMU
 * board's context, the timeouts. */
static void job_head(const struct mb_lava_job *j, struct mb_buf *b,
		     const char *label, unsigned int test_min)
{
	char name[64], line[256];
	const char *p;

	base_name(j->config_path, name, sizeof(name));
	mb_bprintf(b, "# mapbench lava-job %s for device type %s "
		   "(docs/LAB.md)\n", j->config_path, j->device_type);
	mb_bprintf(b, "# The matrix config, carried base64 in MB_CONFIG "
		   "below:\n");
	for (p = j->config_text; *p;) {
		size_t n = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		for (char *c = line; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = ' ';
		mb_bprintf(b, "#%s%s\n", *line ? "   " : "", line);
		p += n + (p[n] == '\n');
	}
	if (j->job_name)
		kv(b, "", "job_name", j->job_name);
	else {
		snprintf(line, sizeof(line), "mapbench %s on %s", name, label);
		kv(b, "", "job_name", line);
	}
	kv(b, "", "device_type", j->device_type);
	kv(b, "", "visibility", j->visibility);
	kv(b, "", "priority", j->priority);
	if (j->ntags) {
		mb_bprintf(b, "tags:\n");
		for (unsigned int i = 0; i < j->ntags; i++) {
			mb_bprintf(b, "- ");
			yq(b, j->tags[i]);
			mb_bprintf(b, "\n");
		}
	}
	mb_bprintf(b, "context:\n  arch: arm64\n");
	if (!strcmp(j->boot, "qemu")) {
		/* a QEMU "board" with EL2, so its /dev/kvm is nested KVM */
		mb_bprintf(b, "  cpu: max\n");
		kv(b, "  ", "machine", "virt,virtualization=on,gic-version=3");
		mb_bprintf(b, "  memory: 3072\n");
		mb_bprintf(b, "  extra_options:\n  - -smp 2\n");
	}
	mb_bprintf(b, "timeouts:\n");
	mb_bprintf(b, "  job:\n    minutes: %u\n", j->job_minutes ?
		   j->job_minutes : test_min + 20);
	mb_bprintf(b, "  action:\n    minutes: 10\n");
	mb_bprintf(b, "  connection:\n    minutes: 2\n");
}

/* The deploy action: kernel and ramdisk, with mapbench overlaid on the
 * ramdisk when LAVA packs it (tmpfs). */
static void job_deploy(const struct mb_lava_job *j, struct mb_buf *b,
		       bool overlay)
{
	bool tmpfs = !strcmp(j->deploy, "tmpfs");
	char line[256];
	const char *p;

	mb_bprintf(b, "- deploy:\n");
	kv(b, "    ", "to", j->deploy);
	mb_bprintf(b, "    timeout:\n      minutes: 5\n");
	if (tmpfs) {
		mb_bprintf(b, "    images:\n");
		mb_bprintf(b, "      kernel:\n");
		kv(b, "        ", "url", j->kernel_url);
		snprintf(line, sizeof(line), "-kernel {kernel} -append \"%s\"",
			 j->kernel_args);
		kv(b, "        ", "image_arg", line);
		mb_bprintf(b, "      ramdisk:\n");
		kv(b, "        ", "url", j->ramdisk_url);
		kv(b, "        ", "image_arg", "-initrd {ramdisk}");
	} else {
		mb_bprintf(b, "    kernel:\n");
		kv(b, "      ", "url", j->kernel_url);
		mb_bprintf(b, "      type: image\n");
		if (j->dtb_url) {
			mb_bprintf(b, "    dtb:\n");
			kv(b, "      ", "url", j->dtb_url);
		}
		mb_bprintf(b, "    ramdisk:\n");
		kv(b, "      ", "url", j->ramdisk_url);
	}
	/* a gzip'd newc cpio: LAVA unpacks it, adds its test shell (and
	 * mapbench) and packs it again */
	p = tmpfs ? "        " : "      ";
	mb_bprintf(b, "%scompression: gz\n", p);
	if (overlay) {
		mb_bprintf(b, "%sformat: cpio.newc\n", p);
		mb_bprintf(b, "%soverlays:\n", p);
		mb_bprintf(b, "%s  lava: true\n", p);
		mb_bprintf(b, "%s  mapbench:\n", p);
		snprintf(line, sizeof(line), "%s    ", p);
		kv(b, line, "url", j->mapbench_url);
		mb_bprintf(b, "%s    format: tar\n", p);
		mb_bprintf(b, "%s    path: /\n", p);
	}
}

static void job_boot(const struct mb_lava_job *j, struct mb_buf *b)
{
	mb_bprintf(b, "- boot:\n");
	kv(b, "    ", "method", j->boot);
	if (!strcmp(j->deploy, "tmpfs"))
		mb_bprintf(b, "    media: tmpfs\n");
	else
		mb_bprintf(b, "    commands: ramdisk\n");
	mb_bprintf(b, "    timeout:\n      minutes: 5\n");
	mb_bprintf(b, "    prompts:\n    - ");
	yq(b, j->prompt);
	mb_bprintf(b, "\n");
}

/* The test action: the test definition from git, or inline. */
static void job_test(const struct mb_lava_job *j, struct mb_buf *b,
		     const char *label, const char *cfg64,
		     unsigned int test_min, bool overlay)
{
	mb_bprintf(b, "- test:\n");
	mb_bprintf(b, "    timeout:\n      minutes: %u\n", test_min);
	mb_bprintf(b, "    definitions:\n");
	if (j->testdef_repo) {
		mb_bprintf(b, "    - from: git\n");
		kv(b, "      ", "repository", j->testdef_repo);
		if (j->testdef_rev)
			kv(b, "      ", "revision", j->testdef_rev);
		mb_bprintf(b, "      path: lava/mapbench.yaml\n");
		mb_bprintf(b, "      name: mapbench\n");
		mb_bprintf(b, "      parameters:\n");
		kv(b, "        ", "MB_CONFIG", cfg64);
		kv(b, "        ", "MB_LABEL", label);
		if (!overlay)
			kv(b, "        ", "MB_URL", j->mapbench_url);
	} else {
		mb_bprintf(b, "    - from: inline\n");
		mb_bprintf(b, "      path: inline/mapbench.yaml\n");
		mb_bprintf(b, "      name: mapbench\n");
		mb_bprintf(b, "      repository:\n");
		mb_lava_testdef_yaml(b, "        ", cfg64, label,
				     overlay ? "" : j->mapbench_url);
	}
}

int mb_lava_job_yaml(const struct mb_lava_job *j, struct mb_buf *b,
		     char *err, size_t errlen)
{
	const char *label = j->label ? j->label : j->device_type;
	/* tmpfs: LAVA overlays mapbench, else the test shell fetches it */
	bool overlay = !strcmp(j->deploy, "tmpfs");
	struct mb_buf cfg64 = { 0 };
	unsigned int test_min = j->test_minutes;

	if (job_check(j, err, errlen))
		return -1;
	if (!test_min) {
		test_min = estimate_minutes(j->config_text, err, errlen);
		if (!test_min)
			return -1;
	}
	mb_b64_encode(&cfg64, j->config_text, strlen(j->config_text));

	job_head(j, b, label, test_min);
	mb_bprintf(b, "actions:\n");
	job_deploy(j, b, overlay);
	job_boot(j, b);
	job_test(j, b, label, cfg64.p ? cfg64.p : "", test_min, overlay);
	mb_buf_free(&cfg64);
	if (b->oom)
		return mb_errf(-1, err, errlen, "out of memory");
	return 0;
}

/* ---- the command ----------------------------------------------------- */

enum {
	O_DT = 256, O_KURL, O_RURL, O_MURL, O_DTB, O_KARGS, O_LABEL,
	O_DEPLOY, O_BOOT, O_PROMPT, O_NAME, O_TAG, O_TTEST, O_TJOB,
	O_REPO, O_REV, O_VIS, O_PRIO, O_TESTDEF,
};

#define URL(n, k, txt) MB_OPT(n, k, false, required_argument, "URL", \
			      MB_ARG_NONE, NULL, txt)

static const struct mb_opt lava_job_opts[] = {
	MB_OPT("device-type", O_DT, false, required_argument, "TYPE",
	       MB_ARG_NONE, NULL, "A LAVA device type to run on: one job "
	       "per type (default qemu)."),
	URL("kernel-url", O_KURL, "The board's kernel (KVM built in). "
	    "Required."),
	URL("ramdisk-url", O_RURL, "The board's ramdisk. Required."),
	URL("mapbench-url", O_MURL, "A tarball of mapbench's static arm64 "
	    "binary and guest images (scripts/lava_bundle.sh makes it). "
	    "Required."),
	URL("dtb-url", O_DTB, "The board's device tree, where it needs one."),
	MB_OPT("kernel-args", O_KARGS, false, required_argument, "ARGS",
	       MB_ARG_NONE, NULL, "The board kernel's command line (default "
	       "console=ttyAMA0)."),
	MB_OPT("label", O_LABEL, false, required_argument, "NAME",
	       MB_ARG_NONE, NULL, "The host label of the records (default "
	       "the device type); 1..63 characters."),
	MB_OPT("deploy", O_DEPLOY, false, required_argument, "tmpfs|tftp",
	       MB_ARG_CHOICE, "tmpfs|tftp", "LAVA's deploy method (default "
	       "tmpfs on qemu, else tftp)."),
	MB_OPT("boot", O_BOOT, false, required_argument, "qemu|u-boot|grub",
	       MB_ARG_CHOICE, "qemu|u-boot|grub", "LAVA's boot method "
	       "(default qemu after tmpfs, else u-boot)."),
	MB_OPT("prompt", O_PROMPT, false, required_argument, "TEXT",
	       MB_ARG_NONE, NULL, "The shell prompt LAVA waits for (default "
	       "\"mapbench-lava# \")."),
	MB_OPT("job-name", O_NAME, false, required_argument, "NAME",
	       MB_ARG_NONE, NULL, "The job's name (default from the config "
	       "and the device type)."),
	MB_OPT("tag", O_TAG, false, required_argument, "TAG", MB_ARG_NONE,
	       NULL, "A LAVA device tag the board must have (up to 16)."),
	MB_OPT("test-timeout", O_TTEST, false, required_argument, "MIN",
	       MB_ARG_NONE, NULL, "The test action's timeout in minutes "
	       "(default from the matrix's size)."),
	MB_OPT("job-timeout", O_TJOB, false, required_argument, "MIN",
	       MB_ARG_NONE, NULL, "The whole job's timeout in minutes "
	       "(default the test's + 20)."),
	MB_OPT("testdef-repo", O_REPO, false, required_argument, "GIT-URL",
	       MB_ARG_NONE, NULL, "Take the test definition from git "
	       "instead of inline."),
	MB_OPT("testdef-revision", O_REV, false, required_argument, "REV",
	       MB_ARG_NONE, NULL, "With --testdef-repo: the revision."),
	MB_OPT("visibility", O_VIS, false, required_argument,
	       "public|personal", MB_ARG_CHOICE, "public|personal",
	       "The job's visibility (default public)."),
	MB_OPT("priority", O_PRIO, false, required_argument,
	       "high|medium|low", MB_ARG_CHOICE, "high|medium|low",
	       "The job's priority (default medium)."),
	MB_FLAG("testdef", O_TESTDEF, false, "Print the shipped test "
		"definition (lava/mapbench.yaml) and exit."),
	MB_OPT("output", 'o', true, required_argument, "DIR", MB_ARG_DIR,
	       NULL, "Write the job files into DIR (default: standard "
	       "output, one job)."),
	MB_OPT_HELP,
	MB_OPT_END
};
#undef URL

const struct mb_cmd mb_lava_job_cmd = {
	.name = "lava-job",
	.summary = "LAVA job definitions that run a matrix on boards",
	.synopsis = "CONFIG --kernel-url URL --ramdisk-url URL "
		    "--mapbench-url URL\n--testdef",
	.text = "Writes LAVA job definitions that run the matrix of CONFIG on "
		"boards with KVM (one job per device type): the lab's kernel "
		"and ramdisk as URLs, mapbench's static binary and guest "
		"images fetched by the test shell; every point becomes a LAVA "
		"test case with its median, and the records come back in the "
		"job log (mapbench-lava-results(1)). docs/LAB.md has the "
		"details.",
	.opts = lava_job_opts,
};

static char *slurp_text(const char *path)
{
	size_t len;
	char *t = mb_read_file(path, 0, &len);

	if (!t)
		mb_die("%s: %s", path, errno == ENOMEM ? "out of memory" :
		       strerror(errno));
	if (!len || strlen(t) != len)
		mb_die("%s: empty, or not a text file", path);
	return t;
}

static unsigned int parse_minutes(const char *opt, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || *s == '-' || !v || v > 10080)
		mb_die("%s: '%s' is not a number of minutes (1..10080)", opt,
		       s);
	return v;
}

/* --testdef: the shipped test definition, as the jobs hold it inline */
static void print_testdef(void)
{
	struct mb_buf b = { 0 };

	mb_bprintf(&b, "# mapbench's Lava-Test-Shell definition: `mapbench "
		   "lava-job` puts it into\n# its jobs inline; a lab may use "
		   "it from git instead (docs/LAB.md).\n# Generated by "
		   "`mapbench lava-job --testdef`; the unit tier checks they "
		   "agree.\n");
	mb_lava_testdef_yaml(&b, "", NULL, NULL, NULL);
	if (b.oom)
		mb_die("out of memory");
	fputs(b.p, stdout);
	mb_buf_free(&b);
}

/* The same checks `mapbench matrix` makes, before any job exists. */
static void check_config(const char *path)
{
	struct mb_matrix_cfg cfg;
	struct mb_point *pts;
	char err[512];
	size_t n;

	if (mb_config_parse(path, &cfg, err, sizeof(err)))
		mb_die("%s", err);
	pts = mb_config_points(&cfg, &n, err, sizeof(err));
	if (!pts)
		mb_die("%s", err);
	free(pts);
	mb_config_free(&cfg);
}

/*
 * The job for one device type, on stdout or as OUTDIR/mapbench-CONFIG-
 * TYPE.yaml; several types get a label each.  0, or -1 when the file
 * could not be written (said on stderr).
 */
static int one_job(const struct mb_lava_job *j, const char *dt, bool several,
		   const char *outdir)
{
	struct mb_lava_job jt = *j;
	struct mb_buf b = { 0 };
	bool qemu = !strcmp(dt, "qemu");
	char err[512], path[4096], label[96], name[64];
	int ret = 0;

	jt.device_type = dt;
	if (!jt.deploy)
		jt.deploy = qemu ? "tmpfs" : "tftp";
	if (!jt.boot)
		jt.boot = !strcmp(jt.deploy, "tmpfs") ? "qemu" : "u-boot";
	if (several && j->label) {
		/* one label per board type, or the columns merge */
		snprintf(label, sizeof(label), "%s %s", j->label, dt);
		if (strlen(label) >= 64)
			mb_die("--label with device type '%s': over 63 "
			       "characters", dt);
		jt.label = label;
	}
	if (mb_lava_job_yaml(&jt, &b, err, sizeof(err)))
		mb_die("%s", err);
	if (!outdir) {
		fputs(b.p, stdout);
	} else {
		base_name(j->config_path, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/mapbench-%s-%s.yaml", outdir,
			 name, dt);
		if (mb_write_atomic(path, b.p, b.len, err, sizeof(err))) {
			fprintf(stderr, "mapbench: %s\n", err);
			ret = -1;
		} else {
			printf("%s\n", path);
		}
	}
	mb_buf_free(&b);
	return ret;
}

int mb_cmd_lava_job(int argc, char **argv)
{
	struct mb_getopt gopt = { 0 };
	struct mb_lava_job j = {
		.kernel_args = "console=ttyAMA0",
		.prompt = "mapbench-lava# ",
		.visibility = "public",
		.priority = "medium",
	};
	const char *dts[16], *tags[16], *outdir = NULL;
	unsigned int ndt = 0;
	int opt, ret = MB_EXIT_OK;

	while ((opt = mb_cli_getopt(&mb_lava_job_cmd, &gopt, argc, argv,
				     MB_EXIT_USAGE)) != -1) {
		switch (opt) {
		case O_DT:
			if (ndt == 16)
				mb_die("--device-type: at most 16");
			if (!*optarg || strspn(optarg, "abcdefghijklmnopqrstuvw"
			    "xyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
			    strlen(optarg) || strlen(optarg) > 60)
				mb_die("--device-type: '%s' is not a LAVA "
				       "device type name", optarg);
			dts[ndt++] = optarg;
			break;
		case O_KURL: j.kernel_url = optarg; break;
		case O_RURL: j.ramdisk_url = optarg; break;
		case O_MURL: j.mapbench_url = optarg; break;
		case O_DTB: j.dtb_url = optarg; break;
		case O_KARGS: j.kernel_args = optarg; break;
		case O_LABEL:
			if (!*optarg || strlen(optarg) >= 64 ||
			    strpbrk(optarg, "\"\\\n\t|'$`"))
				mb_die("--label: 1..63 characters, no quotes, "
				       "'$', tabs or '|'");
			j.label = optarg;
			break;
		case O_DEPLOY:
			if (strcmp(optarg, "tmpfs") && strcmp(optarg, "tftp"))
				mb_die("--deploy: '%s' is not tmpfs or tftp",
				       optarg);
			j.deploy = optarg;
			break;
		case O_BOOT:
			if (strcmp(optarg, "qemu") && strcmp(optarg, "u-boot")
			    && strcmp(optarg, "grub"))
				mb_die("--boot: '%s' is not qemu, u-boot or "
				       "grub", optarg);
			j.boot = optarg;
			break;
		case O_PROMPT: j.prompt = optarg; break;
		case O_NAME: j.job_name = optarg; break;
		case O_TAG:
			if (j.ntags == 16)
				mb_die("--tag: at most 16");
			tags[j.ntags++] = optarg;
			break;
		case O_TTEST:
			j.test_minutes = parse_minutes("--test-timeout",
						       optarg);
			break;
		case O_TJOB:
			j.job_minutes = parse_minutes("--job-timeout", optarg);
			break;
		case O_REPO: j.testdef_repo = optarg; break;
		case O_REV: j.testdef_rev = optarg; break;
		case O_VIS:
			if (strcmp(optarg, "public") &&
			    strcmp(optarg, "personal"))
				mb_die("--visibility: public or personal");
			j.visibility = optarg;
			break;
		case O_PRIO:
			if (strcmp(optarg, "high") && strcmp(optarg, "medium")
			    && strcmp(optarg, "low"))
				mb_die("--priority: high, medium or low");
			j.priority = optarg;
			break;
		case O_TESTDEF:
			print_testdef();
			return MB_EXIT_OK;
		case 'o': outdir = optarg; break;
		}
	}
	if (argc - optind != 1) {
		mb_usage_synopsis(&mb_lava_job_cmd, stderr);
		return MB_EXIT_USAGE;
	}
	j.tags = tags;
	j.config_path = argv[optind];
	j.config_text = slurp_text(j.config_path);
	check_config(j.config_path);
	if (!ndt)
		dts[ndt++] = "qemu";
	if (ndt > 1 && !outdir)
		mb_die("several device types: give -o DIR for their jobs");
	if (outdir && mkdir(outdir, 0777) && errno != EEXIST)
		mb_die("cannot create %s: %s", outdir, strerror(errno));

	for (unsigned int i = 0; i < ndt; i++) {
		if (one_job(&j, dts[i], ndt > 1, outdir))
			ret = MB_EXIT_VMM;
	}
	free((char *)j.config_text);
	return ret;
}
