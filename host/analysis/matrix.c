// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench matrix CONFIG OUTDIR: run every point of a config, each run a
 * fresh `mapbench run` child (so a fresh VM), and append the records to
 * OUTDIR/results.jsonl.  A point's runs are appended together in one
 * write only once all of them finished, so an interrupted point is
 * never half-recorded and is redone on the next invocation, which skips
 * every point already complete.  Points the host cannot run are recorded
 * as skipped, with the reason; failures as failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"
#include "util.h"
#include "accel.h"
#include "config.h"
#include "cli.h"
#include "options.h"

#define RESULTS		"results.jsonl"
#define RUN_JSON	".run.json"
#define ERRTAIL		512

static volatile sig_atomic_t stop_sig;
static volatile pid_t child_pgid;

static void on_signal(int sig)
{
	stop_sig = sig;
	if (child_pgid > 0)
		kill(-child_pgid, SIGTERM);
}

struct done {
	char host[64];
	char point[256];
	int run;			/* -1: a skip record */
};

struct ctx {
	const struct mb_matrix_cfg *cfg;
	const char *outdir;
	const char *label;
	const char *guest;
	char self[PATH_MAX];
	char results[PATH_MAX];
	char runjson[PATH_MAX];
	int fd;				/* results.jsonl, locked */
	int force_accel;		/* -1: the config's */
	bool force_det, quiet, verbose, tty;
	int auto_accel;			/* what "auto" resolves to */
	struct done *done;
	size_t ndone, capdone;
	/* progress */
	size_t points, points_done;
	double cost_total, cost_done, cost_ran, t0;
	unsigned int n_ok, n_resumed, n_skipped, n_failed;
};

static int point_accel(const struct ctx *c, const struct mb_point *pt)
{
	if (c->force_accel >= 0)
		return c->force_accel;
	if (pt->sec->accel >= 0)
		return pt->sec->accel;
	if (c->force_det || pt->sec->deterministic)
		return MB_ACCEL_TCG;
	return c->auto_accel;
}

static bool point_det(const struct ctx *c, const struct mb_point *pt)
{
	return c->force_det || pt->sec->deterministic;
}

/* The resume key: the config's point plus what the command line forced. */
static void run_key(const struct ctx *c, const struct mb_point *pt,
		    char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", pt->key,
		 c->force_accel >= 0 && pt->sec->accel < 0 ?
		 (c->force_accel == MB_ACCEL_KVM ? " accel=kvm" :
		  " accel=tcg") : "",
		 c->force_det && !pt->sec->deterministic ?
		 " deterministic" : "");
}

static void label(const struct mb_point *pt, char *buf, size_t len)
{
	char size[32];
	size_t n;

	mb_format_size(pt->mem, size, sizeof(size));
	n = snprintf(buf, len, "%s %s rodata=%s",
		     mb_strategy_name(pt->strategy), size,
		     mb_rodata_name(pt->rodata));
	for (unsigned int i = 0; i < MB_CFG_MAX_EXTRA; i++)
		if (pt->extra[i] && n < len)
			n += snprintf(buf + n, len - n, " %s=%s",
				      mb_extra_option(i), pt->extra[i]);
}

/* Relative cost of one run, for the ETA: start-up plus size. */
static double run_cost(const struct mb_point *pt)
{
	return 1.0 + (double)(pt->mem >> 30) / 8;
}

/* ---- what an earlier invocation recorded ------------------------------ */

static int add_done(struct ctx *c, const char *host, const char *point,
		    int run)
{
	struct done *d;

	if (c->ndone == c->capdone) {
		size_t cap = c->capdone ? c->capdone * 2 : 256;

		d = realloc(c->done, cap * sizeof(*d));
		if (!d)
			return -1;
		c->done = d;
		c->capdone = cap;
	}
	d = &c->done[c->ndone++];
	snprintf(d->host, sizeof(d->host), "%s", host);
	snprintf(d->point, sizeof(d->point), "%s", point);
	d->run = run;
	return 0;
}

static bool is_done(const struct ctx *c, const char *point, int run)
{
	for (size_t i = 0; i < c->ndone; i++)
		if (c->done[i].run == run && !strcmp(c->done[i].point, point) &&
		    !strcmp(c->done[i].host, c->label))
			return true;
	return false;
}

/*
 * Read results.jsonl: ok runs and skip records count as done.  A last
 * line without its newline is what a crash mid-write leaves: cut it.
 */
static int load_done(struct ctx *c)
{
	struct stat st;
	char *buf, *p, *end;
	unsigned int line = 0;
	ssize_t got;

	if (fstat(c->fd, &st))
		goto io;
	if (!st.st_size)
		return 0;
	buf = malloc(st.st_size + 1);
	if (!buf)
		mb_die("out of memory");
	got = pread(c->fd, buf, st.st_size, 0);
	if (got != st.st_size) {
		free(buf);
		goto io;
	}
	buf[got] = '\0';
	end = memrchr(buf, '\n', got);
	end = end ? end + 1 : buf;
	if (end != buf + got) {
		fprintf(stderr, "mapbench: %s: dropped an incomplete last "
			"line (%zd bytes, an interrupted write)\n", c->results,
			buf + got - end);
		if (ftruncate(c->fd, end - buf)) {
			free(buf);
			goto io;
		}
	}
	for (p = buf; p < end; p = strchr(p, '\n') + 1) {
		size_t n = strcspn(p, "\n");
		json_t *o, *m;
		json_error_t je;
		const char *host, *point, *outcome;
		json_int_t run;

		line++;
		if (strspn(p, " \t\r") >= n)
			continue;
		o = json_loadb(p, n, 0, &je);
		m = o ? json_object_get(o, "matrix") : NULL;
		host = json_string_value(json_object_get(m, "host"));
		point = json_string_value(json_object_get(m, "point"));
		outcome = json_string_value(json_object_get(m, "outcome"));
		run = json_integer_value(json_object_get(m, "run"));
		if (!host || !point || !outcome) {
			json_decref(o);
			free(buf);
			mb_die("%s:%u: not a matrix record (%s); use another "
			       "OUTDIR", c->results, line,
			       o ? "no matrix.host/point/outcome" : je.text);
		}
		if (!strcmp(outcome, "ok") && add_done(c, host, point, run))
			mb_die("out of memory");
		if (!strcmp(outcome, "skipped") &&
		    add_done(c, host, point, -1))
			mb_die("out of memory");
		json_decref(o);
	}
	free(buf);
	return 0;
io:
	fprintf(stderr, "mapbench: %s: %s\n", c->results, strerror(errno));
	return -1;
}

/* ---- can this host run the point? ---------------------------------- */

static uint64_t mem_available(void)
{
	char line[256];
	unsigned long long kb;
	FILE *f = fopen("/proc/meminfo", "r");
	uint64_t v = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			v = (uint64_t)kb << 10;
	fclose(f);
	return v;
}

static bool feasible(const struct ctx *c, const struct mb_point *pt,
		     char *why, size_t len)
{
	/* tables: 8 bytes per 4K page, twice (timed and counting pass) */
	uint64_t need = (pt->mem >> 8) + (256ULL << 20), avail;
	bool layout = pt->extra[MB_EXTRA_LAYOUT] != NULL; /* RAM top not ours */

	if (point_accel(c, pt) == MB_ACCEL_KVM && !layout) {
		uint64_t top = MB_RAM_BASE + pt->mem - 1;
		int bits = 64 - __builtin_clzll(top), lim = mb_kvm_ipa_limit();

		if (lim && bits > lim) {
			snprintf(why, len, "IPA: RAM up to 0x%" PRIx64 " needs "
				 "%d bits, host KVM allows %d", top, bits,
				 lim);
			return false;
		}
	}
	avail = mem_available();
	if (avail && need > avail) {
		snprintf(why, len, "memory: ~%" PRIu64 " MiB for page tables "
			 "and the VMM, %" PRIu64 " MiB available",
			 need >> 20, avail >> 20);
		return false;
	}
	return true;
}

/* ---- records --------------------------------------------------------- */

static json_t *matrix_obj(const struct ctx *c, const struct mb_point *pt,
			  const char *key, int run, const char *outcome)
{
	json_t *m = json_object(), *axes = json_object();

	if (!m || !axes)
		mb_die("out of memory");
	json_object_set_new(m, "host", json_string(c->label));
	json_object_set_new(m, "point", json_string(key));
	json_object_set_new(m, "config", json_string(c->cfg->path));
	json_object_set_new(m, "section", json_string(pt->sec->name));
	if (run >= 0) {
		json_object_set_new(m, "run", json_integer(run));
		json_object_set_new(m, "warmup",
				    json_boolean(run < (int)pt->sec->warmup));
	}
	json_object_set_new(m, "outcome", json_string(outcome));
	for (unsigned int i = 0; i < MB_CFG_MAX_EXTRA; i++)
		if (pt->extra[i])
			json_object_set_new(axes, mb_extra_option(i),
					    json_string(pt->extra[i]));
	json_object_set_new(m, "axes", axes);
	return m;
}

/* A record for a run that produced none: failed or skipped. */
static json_t *stub_record(const struct ctx *c, const struct mb_point *pt,
			   const char *key, int run, const char *outcome,
			   const char *why, int code)
{
	json_t *o = json_object(), *ram = json_object(), *m;
	bool tcg = point_accel(c, pt) == MB_ACCEL_TCG;

	if (!o || !ram)
		mb_die("out of memory");
	json_object_set_new(o, "mapbench_version", json_string(MB_VERSION));
	json_object_set_new(o, "strategy",
			    json_string(mb_strategy_name(pt->strategy)));
	json_object_set_new(o, "rodata",
			    json_string(mb_rodata_name(pt->rodata)));
	json_object_set_new(o, "accel", json_string(tcg ? "tcg" : "kvm"));
	json_object_set_new(o, "emulated", json_boolean(tcg));
	json_object_set_new(o, "deterministic",
			    json_boolean(point_det(c, pt)));
	json_object_set_new(ram, "total", json_integer(pt->mem));
	json_object_set_new(o, "ram", ram);
	json_object_set_new(o, "status", json_string(outcome));
	json_object_set_new(o, "error", json_string(why));
	if (mb_point_forced(pt)) {
		json_t *opts = json_object();

		if (!opts)
			mb_die("out of memory");
		json_object_set_new(opts, "force_bbml2", json_true());
		json_object_set_new(o, "options", opts);
	}
	if (code)
		json_object_set_new(o, "exit_code", json_integer(code));
	m = matrix_obj(c, pt, key, run, outcome);
	json_object_set_new(m, "reason", json_string(why));
	json_object_set_new(o, "matrix", m);
	return o;
}

static void append_line(struct mb_buf *b, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12));

	if (!s)
		mb_die("out of memory");
	mb_bprintf(b, "%s\n", s);
	free(s);
	json_decref(o);
}

static int append_point(struct ctx *c, const struct mb_buf *b)
{
	const char *p = b->p;
	size_t len = b->len;

	if (b->oom)
		mb_die("out of memory");
	/* one write() per point: the whole point or (on a crash) a cut
	 * last line, which the next load_done() drops */
	while (len) {
		ssize_t r = write(c->fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto io;
		p += r;
		len -= r;
	}
	if (fsync(c->fd))
		goto io;
	return 0;
io:
	fprintf(stderr, "mapbench: cannot append to %s: %s\n", c->results,
		strerror(errno));
	return -1;
}

/* ---- one run: a child `mapbench run` --------------------------------- */

struct child_res {
	int code;			/* exit code, or 128 + signal */
	char err[ERRTAIL];		/* its last stderr line */
};

static void last_line(char *tail, char *out, size_t len)
{
	char *e = tail + strlen(tail), *s;

	while (e > tail && (e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	s = strrchr(tail, '\n');
	s = s ? s + 1 : tail;
	if (!strncmp(s, "mapbench: ", 10))
		s += 10;
	snprintf(out, len, "%s", *s ? s : "no message");
}

/*
 * A run of a point; run is its index (warm-ups first).  Only the first
 * measured run calibrates: a point's runs build the same map, so one
 * set of prices explains all of them (explain lends it to the median
 * run), and the probes are not paid again on every repetition.
 */
static void run_child(struct ctx *c, const struct mb_point *pt,
		      unsigned int run, struct child_res *res)
{
	char mem[32], timeout[16], tail[ERRTAIL * 2] = "", *argv[40];
	char opt[MB_CFG_MAX_EXTRA][40], guest[4096];
	int n = 0, ep[2], st;
	size_t have = 0;
	pid_t pid, parent = getpid();

	mb_format_size(pt->mem, mem, sizeof(mem));
	argv[n++] = c->self;
	argv[n++] = "run";
	argv[n++] = "--mem";
	argv[n++] = mem;
	argv[n++] = "--strategy";
	argv[n++] = (char *)mb_strategy_name(pt->strategy);
	argv[n++] = "--rodata";
	argv[n++] = (char *)mb_rodata_name(pt->rodata);
	argv[n++] = "--accel";
	argv[n++] = point_accel(c, pt) == MB_ACCEL_KVM ? "kvm" : "tcg";
	if (point_det(c, pt))
		argv[n++] = "--deterministic";
	if (pt->sec->timeout) {
		snprintf(timeout, sizeof(timeout), "%u", pt->sec->timeout);
		argv[n++] = "--timeout";
		argv[n++] = timeout;
	}
	/* --guest names the 4K/48 image: the others are beside it */
	if (c->guest) {
		unsigned int shift, va;

		mb_point_granule(pt, &shift, &va);
		if (mb_guest_for(c->guest, shift, va, guest, sizeof(guest)))
			mb_die("--guest: path too long");
		argv[n++] = "--guest";
		argv[n++] = guest;
	}
	if (mb_point_forced(pt))
		argv[n++] = "--force-bbml2";
	if (run != pt->sec->warmup)
		argv[n++] = "--no-calibrate";
	for (unsigned int i = 0; i < MB_CFG_MAX_EXTRA; i++) {
		if (!pt->extra[i])
			continue;
		snprintf(opt[i], sizeof(opt[i]), "--%s", mb_okeys[i].opt);
		argv[n++] = opt[i];
		argv[n++] = (char *)pt->extra[i];
	}
	argv[n++] = "--json";
	argv[n++] = c->runjson;
	argv[n] = NULL;

	memset(res, 0, sizeof(*res));
	if (pipe2(ep, O_CLOEXEC))
		mb_die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		mb_die("fork: %s", strerror(errno));
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		/* own group: a signal to it reaches QEMU too */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		dup2(null, 0);
		if (!c->verbose)
			dup2(null, 1);
		dup2(ep[1], 2);
		execv(c->self, argv);
		dprintf(ep[1], "mapbench: cannot run %s: %s\n", c->self,
			strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	child_pgid = pid;
	if (stop_sig)
		kill(-pid, SIGTERM);
	close(ep[1]);
	for (;;) {
		char buf[512];
		ssize_t r = read(ep[0], buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (c->verbose)
			fwrite(buf, 1, r, stderr);
		/* keep the tail only */
		if (have + r >= sizeof(tail)) {
			size_t keep = sizeof(tail) / 2;

			if (have > keep) {
				memmove(tail, tail + have - keep, keep);
				have = keep;
			}
			if ((size_t)r >= sizeof(tail) - have)
				r = sizeof(tail) - have - 1;
		}
		memcpy(tail + have, buf, r);
		have += r;
		tail[have] = '\0';
	}
	close(ep[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			mb_die("waitpid: %s", strerror(errno));
	child_pgid = 0;
	res->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	last_line(tail, res->err, sizeof(res->err));
}

/* ---- progress -------------------------------------------------------- */

static void progress(struct ctx *c, const char *what, const char *state)
{
	char eta[32] = "";
	double el = mb_now() - c->t0;

	if (c->quiet)
		return;
	if (c->cost_ran > 0 && c->cost_done < c->cost_total) {
		double s = el / c->cost_ran * (c->cost_total - c->cost_done);

		snprintf(eta, sizeof(eta), ", ETA %um%02us",
			 (unsigned int)(s / 60), (unsigned int)s % 60);
	}
	if (c->tty)
		fprintf(stderr, "\r\033[K[%zu/%zu%s] %s %s", c->points_done,
			c->points, eta, what, state);
	else if (*state)
		fprintf(stderr, "[%zu/%zu%s] %s %s\n", c->points_done,
			c->points, eta, what, state);
}

/* ---- the matrix ------------------------------------------------------ */

enum { PT_OK, PT_FAILED, PT_SKIPPED, PT_STOPPED };

static int run_point(struct ctx *c, const struct mb_point *pt,
		     const char *key, const char *what)
{
	unsigned int runs = pt->sec->warmup + pt->sec->repeat;
	struct mb_buf b = { 0 };
	struct child_res res;
	char state[64];
	int ret = PT_OK;

	for (unsigned int i = 0; i < runs; i++) {
		json_error_t je;
		json_t *o;

		if (is_done(c, key, i))
			continue;
		snprintf(state, sizeof(state), "(run %u/%u)", i + 1, runs);
		if (c->tty)
			progress(c, what, state);
		unlink(c->runjson);
		run_child(c, pt, i, &res);
		if (stop_sig) {
			ret = PT_STOPPED;
			break;
		}
		c->cost_ran += run_cost(pt);
		c->cost_done += run_cost(pt);
		if (res.code == MB_EXIT_HOST) {
			/* the run says this host cannot: a skip, once */
			mb_buf_free(&b);
			append_line(&b, stub_record(c, pt, key, -1, "skipped",
						    res.err, res.code));
			ret = PT_SKIPPED;
			break;
		}
		o = res.code ? NULL : json_load_file(c->runjson, 0, &je);
		if (!o) {
			if (!res.code)
				snprintf(res.err, sizeof(res.err), "run "
					 "succeeded but its JSON is "
					 "unreadable: %.200s", je.text);
			/* the whole point is this one failure record */
			mb_buf_free(&b);
			append_line(&b, stub_record(c, pt, key, i, "failed",
						    res.err, res.code));
			ret = PT_FAILED;
			break;
		}
		if (!json_is_object(o))
			mb_die("%s: not a JSON object", c->runjson);
		json_object_set_new(o, "matrix",
				    matrix_obj(c, pt, key, i, "ok"));
		append_line(&b, o);
	}
	unlink(c->runjson);
	if (ret != PT_STOPPED && b.len && append_point(c, &b))
		ret = -1;
	if (ret == PT_FAILED) {
		c->n_failed++;
		snprintf(state, sizeof(state), "FAILED");
		if (!c->quiet)
			fprintf(stderr, "%smapbench: %s: %s\n",
				c->tty ? "\r\033[K" : "", what, res.err);
	} else if (ret == PT_SKIPPED) {
		c->n_skipped++;
	} else if (ret == PT_OK) {
		c->n_ok++;
	}
	mb_buf_free(&b);
	return ret;
}

static int run_matrix(struct ctx *c, const struct mb_point *pts, size_t n)
{
	char key[300], what[200], why[200];
	int ret = 0;

	c->points = n;
	for (size_t i = 0; i < n; i++)
		c->cost_total += run_cost(&pts[i]) *
			(pts[i].sec->warmup + pts[i].sec->repeat);
	c->t0 = mb_now();

	for (size_t i = 0; i < n && !stop_sig; i++) {
		const struct mb_point *pt = &pts[i];
		unsigned int runs = pt->sec->warmup + pt->sec->repeat, have = 0;
		double cost = run_cost(pt) * runs;
		int r;

		run_key(c, pt, key, sizeof(key));
		label(pt, what, sizeof(what));
		for (unsigned int j = 0; j < runs; j++)
			have += is_done(c, key, j);
		if (have == runs || is_done(c, key, -1)) {
			c->n_resumed += have == runs;
			c->n_skipped += have != runs;
			c->cost_done += cost;
			c->points_done++;
			continue;
		}
		c->cost_done += run_cost(pt) * have;
		if (!feasible(c, pt, why, sizeof(why))) {
			struct mb_buf b = { 0 };

			append_line(&b, stub_record(c, pt, key, -1, "skipped",
						    why, 0));
			r = append_point(c, &b);
			mb_buf_free(&b);
			if (r)
				return MB_EXIT_VMM;
			c->n_skipped++;
			c->cost_done += cost - run_cost(pt) * have;
			c->points_done++;
			progress(c, what, "skipped");
			if (c->tty && !c->quiet)
				fprintf(stderr, "\n");
			continue;
		}
		r = run_point(c, pt, key, what);
		if (r == PT_STOPPED)
			break;
		if (r < 0)
			return MB_EXIT_VMM;
		c->points_done++;
		progress(c, what, r == PT_OK ? "ok" : r == PT_SKIPPED ?
			 "skipped" : "FAILED");
		if (r == PT_FAILED)
			ret = 3;
	}
	if (c->tty && !c->quiet)
		fprintf(stderr, "\r\033[K");
	if (stop_sig) {
		char note[96], err[MB_ERRLEN];

		snprintf(note, sizeof(note), "%zu of %zu points recorded; run again to resume",
			 c->points_done, c->points);
		ret = mb_signal_errf(stop_sig, err, sizeof(err), note);
		fprintf(stderr, "mapbench: %s\n", err);
		return ret;
	}
	printf("matrix: %zu points: %u ran ok, %u done before, %u skipped, "
	       "%u failed; results in %s\n", n, c->n_ok, c->n_resumed,
	       c->n_skipped, c->n_failed, c->results);
	return ret;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return -1;
	return 0;
}

static const struct mb_opt matrix_opts[] = {
	MB_OPT("label", 'l', false, required_argument, "NAME", MB_ARG_NONE,
	       NULL, "The host's name in the records and every table "
	       "(default the host name); 1..63 characters."),
	MB_OPT("guest", 'g', false, required_argument, "ELF", MB_ARG_FILE,
	       NULL, "The guest image for every run (default: the one "
	       "beside the binary, per granule)."),
	MB_OPT("accel", 'a', false, required_argument, "kvm|tcg",
	       MB_ARG_CHOICE, "kvm|tcg", "Run every point on this "
	       "accelerator, whatever the config says."),
	MB_FLAG("deterministic", 'd', false, "Every point under TCG with "
		"-icount: instruction counts, identical on every run."),
	MB_FLAG("dry-run", 'n', false, "Print the points and what would "
		"run; run nothing."),
	MB_FLAG("quiet", 'q', true, "No progress line."),
	MB_FLAG("verbose", 'v', true, "Each run's command and output."),
	MB_OPT_HELP,
	MB_OPT_END
};

const struct mb_cmd mb_matrix_cmd = {
	.name = "matrix",
	.summary = "run every point of a matrix config, resumably",
	.synopsis = "CONFIG OUTDIR",
	.text = "Runs every point of CONFIG (strategies x sizes x rodata x "
		"the other axes, repeats, warm-ups, timeout: docs/CONFIG.md), "
		"each run in a fresh VM, and appends one JSON record per run to "
		"OUTDIR/results.jsonl. Stopped at any time, the same command "
		"resumes, redoing only the point that was cut short. Points "
		"this host cannot run are recorded as skipped with the reason; "
		"a failed point makes the exit code 3.",
	.opts = matrix_opts,
};

static void default_label(char *buf, size_t len)
{
	if (gethostname(buf, len) || !buf[0])
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
}

int mb_cmd_matrix(int argc, char **argv)
{
	struct mb_getopt gopt = { 0 };
	struct ctx c = { .fd = -1, .force_accel = -1 };
	struct mb_matrix_cfg cfg;
	struct sigaction sa = { .sa_handler = on_signal };
	char err[512], host[64];
	struct mb_point *pts;
	bool dry = false;
	size_t n, runs = 0;
	int opt, ret;
	ssize_t len;

	while ((opt = mb_cli_getopt(&mb_matrix_cmd, &gopt, argc, argv,
				     MB_EXIT_USAGE)) != -1) {
		switch (opt) {
		case 'l':
			if (!*optarg || strlen(optarg) >= 64 ||
			    strpbrk(optarg, "\"\\\n\t|"))
				mb_die("--label: 1..63 characters, no quotes, "
				       "tabs or '|'");
			c.label = optarg;
			break;
		case 'g':
			c.guest = optarg;
			break;
		case 'a':
			if (!strcmp(optarg, "kvm"))
				c.force_accel = MB_ACCEL_KVM;
			else if (!strcmp(optarg, "tcg"))
				c.force_accel = MB_ACCEL_TCG;
			else
				mb_die("--accel: '%s' is not kvm or tcg",
				       optarg);
			break;
		case 'd':
			c.force_det = true;
			break;
		case 'n':
			dry = true;
			break;
		case 'q':
			c.quiet = true;
			break;
		case 'v':
			c.verbose = true;
			break;
		}
	}
	if (argc - optind != 2 && !(dry && argc - optind == 1)) {
		mb_usage_synopsis(&mb_matrix_cmd, stderr);
		return MB_EXIT_USAGE;
	}
	if (c.force_det && c.force_accel == MB_ACCEL_KVM)
		mb_die("--deterministic needs tcg (QEMU icount), not kvm");
	if (mb_config_parse(argv[optind], &cfg, err, sizeof(err)))
		mb_die("%s", err);
	pts = mb_config_points(&cfg, &n, err, sizeof(err));
	if (!pts)
		mb_die("%s", err);
	for (size_t i = 0; i < n; i++) {
		if (c.force_accel == MB_ACCEL_KVM && pts[i].sec->deterministic)
			mb_die("%s:%u: [%s] is deterministic: it cannot run "
			       "on --accel kvm", cfg.path, pts[i].sec->line,
			       pts[i].sec->name);
		runs += pts[i].sec->warmup + pts[i].sec->repeat;
	}
	c.cfg = &cfg;
	if (!c.label) {
		default_label(host, sizeof(host));
		c.label = host;
	}
	if (dry) {
		char key[300];

		for (size_t i = 0; i < n; i++) {
			run_key(&c, &pts[i], key, sizeof(key));
			printf("[%s] %s runs=%u+%u\n", pts[i].sec->name, key,
			       pts[i].sec->warmup, pts[i].sec->repeat);
		}
		printf("%zu points, %zu runs\n", n, runs);
		free(pts);
		mb_config_free(&cfg);
		return MB_EXIT_OK;
	}

	c.outdir = argv[optind + 1];
	len = readlink("/proc/self/exe", c.self, sizeof(c.self) - 1);
	if (len <= 0)
		mb_die("cannot find my own binary: %s", strerror(errno));
	c.self[len] = '\0';
	/* tests: a stand-in for `mapbench run` (tests/unit/fake-run.sh) */
	if (getenv("MAPBENCH_MATRIX_RUN") && *getenv("MAPBENCH_MATRIX_RUN"))
		snprintf(c.self, sizeof(c.self), "%s",
			 getenv("MAPBENCH_MATRIX_RUN"));
	if (c.guest && access(c.guest, R_OK))
		mb_die("guest ELF '%s': %s", c.guest, strerror(errno));
	if (snprintf(c.results, sizeof(c.results), "%s/%s", c.outdir,
		     RESULTS) >= (int)sizeof(c.results) ||
	    snprintf(c.runjson, sizeof(c.runjson), "%s/%s", c.outdir,
		     RUN_JSON) >= (int)sizeof(c.runjson))
		mb_die("OUTDIR path too long");
	ret = MB_EXIT_VMM;
	if (mkdir_p(c.outdir)) {
		fprintf(stderr, "mapbench: cannot create %s: %s\n", c.outdir,
			strerror(errno));
		goto out;
	}
	c.fd = open(c.results, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (c.fd < 0) {
		fprintf(stderr, "mapbench: cannot open %s: %s\n", c.results,
			strerror(errno));
		goto out;
	}
	if (flock(c.fd, LOCK_EX | LOCK_NB)) {
		fprintf(stderr, "mapbench: %s: another matrix is writing to "
			"it\n", c.results);
		goto out;
	}
	if (load_done(&c))
		goto out;
	c.auto_accel = mb_kvm_usable() ? MB_ACCEL_KVM : MB_ACCEL_TCG;
	c.tty = isatty(STDERR_FILENO);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	ret = run_matrix(&c, pts, n);
	unlink(c.runjson);
out:
	if (c.fd >= 0)
		close(c.fd);
	free(c.done);
	free(pts);
	mb_config_free(&cfg);
	return ret;
}
