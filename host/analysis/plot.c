// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench plot FILES... -o OUT.png|OUT.svg: one picture for a talk.
 * Left, map_mem() time against RAM size per strategy, log-log, median
 * with its 95% CI; right, operations per GiB per strategy (TLBIs, DSBs,
 * ISBs, fixmap maps) at each strategy's largest size.  Drawn by gnuplot
 * from data files in a temporary directory; the picture is renamed into
 * place only when gnuplot succeeded.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis.h"
#include "cli.h"

extern char **environ;

struct series {
	const struct mb_group **pts;	/* sorted by RAM */
	size_t n;
	char title[320];
	int same_as;			/* an earlier series it hides, or -1 */
};

/* Two series coincide when they have the same sizes and every median is
 * within this of the other's: the later one's legend entry says so. */
#define COINCIDE_TOL	0.05

struct plot {
	struct mb_groups g;
	const char *host, *rodata;
	const struct mb_run *primary;	/* options of the counts panel */
	struct series *s;
	size_t ns;
	bool emulated, many_hosts, many_opts, explain;
	const struct mb_runset *set;
	char dir[64];
};

static bool same_opts(const struct mb_run *a, const struct mb_run *b)
{
	return !strcmp(a->rodata, b->rodata) && !strcmp(a->accel, b->accel) &&
	       a->emulated == b->emulated &&
	       a->deterministic == b->deterministic &&
	       !strcmp(a->opts, b->opts);
}

static bool wanted(const struct plot *p, const struct mb_group *g)
{
	return g->n && (!p->host || !strcmp(g->key->host, p->host)) &&
	       (!p->rodata || !strcmp(g->key->rodata, p->rodata));
}

static bool same_series(const struct mb_run *a, const struct mb_run *b)
{
	return !strcmp(a->strategy, b->strategy) &&
	       !strcmp(a->host, b->host) && a->nbanks == b->nbanks &&
	       !strcmp(a->layout, b->layout) &&
	       same_opts(a, b);
}

static int cmp_mem(const void *a, const void *b)
{
	uint64_t x = (*(const struct mb_group *const *)a)->key->mem;
	uint64_t y = (*(const struct mb_group *const *)b)->key->mem;

	return (x > y) - (x < y);
}

static int cmp_series(const void *a, const void *b)
{
	const struct mb_run *x = ((const struct series *)a)->pts[0]->key;
	const struct mb_run *y = ((const struct series *)b)->pts[0]->key;
	int rx = mb_strategy_rank(x->strategy);
	int ry = mb_strategy_rank(y->strategy);

	if (rx != ry)
		return rx - ry;
	return strcmp(x->strategy, y->strategy) ?:
	       strcmp(x->host, y->host) ?: strcmp(x->rodata, y->rodata) ?:
	       strcmp(x->opts, y->opts);
}

static bool coincide(const struct series *a, const struct series *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		double x = a->pts[i]->st.median, y = b->pts[i]->st.median;

		if (a->pts[i]->key->mem != b->pts[i]->key->mem ||
		    !(fabs(x - y) <= COINCIDE_TOL * (x > y ? x : y)))
			return false;
	}
	return true;
}

/* Series drawn over another: "(= base +-5%)" in the legend. */
static void mark_coinciding(struct plot *p)
{
	for (size_t j = 0; j < p->ns; j++) {
		struct series *s = &p->s[j];
		size_t len = strlen(s->title);

		s->same_as = -1;
		for (size_t i = 0; i < j && s->same_as < 0; i++)
			if (coincide(&p->s[i], s))
				s->same_as = (int)i;
		if (s->same_as >= 0 && len + 48 < sizeof(s->title))
			snprintf(s->title + len, sizeof(s->title) - len,
				 " (= %.31s +-%d%%)",
				 p->s[s->same_as].pts[0]->key->strategy,
				 (int)(COINCIDE_TOL * 100));
	}
}

static void build_series(struct plot *p)
{
	const struct mb_run *first = NULL;
	size_t best = 0;

	for (size_t i = 0; i < p->g.n; i++) {
		const struct mb_group *g = &p->g.v[i];
		struct series *s = NULL;

		if (!wanted(p, g))
			continue;
		if (!first)
			first = g->key;
		p->emulated |= g->key->emulated;
		p->many_hosts |= strcmp(g->key->host, first->host) != 0;
		p->many_opts |= !same_opts(g->key, first);
		for (size_t j = 0; j < p->ns && !s; j++)
			if (same_series(p->s[j].pts[0]->key, g->key))
				s = &p->s[j];
		if (!s) {
			struct series *v = realloc(p->s, (p->ns + 1) *
						   sizeof(*v));

			if (!v)
				mb_die("out of memory");
			p->s = v;
			s = &p->s[p->ns++];
			memset(s, 0, sizeof(*s));
		}
		s->pts = realloc(s->pts, (s->n + 1) * sizeof(*s->pts));
		if (!s->pts)
			mb_die("out of memory");
		s->pts[s->n++] = g;
	}
	for (size_t j = 0; j < p->ns; j++) {
		struct series *s = &p->s[j];
		const struct mb_run *k = s->pts[0]->key;
		char o[256];
		size_t len;

		qsort(s->pts, s->n, sizeof(*s->pts), cmp_mem);
		len = snprintf(s->title, sizeof(s->title), "%s", k->strategy);
		mb_options_label(k, o, sizeof(o));
		if (p->many_opts && len < sizeof(s->title))
			len += snprintf(s->title + len, sizeof(s->title) - len,
					" [%s]", o);
		if (p->many_hosts && len < sizeof(s->title))
			snprintf(s->title + len, sizeof(s->title) - len,
				 " @%s", k->host);
	}
	if (!p->ns)
		return;
	qsort(p->s, p->ns, sizeof(*p->s), cmp_series);
	mark_coinciding(p);
	/* counts panel: the options with the most series */
	for (size_t j = 0; j < p->ns; j++) {
		size_t n = 0;

		for (size_t i = 0; i < p->ns; i++)
			n += same_opts(p->s[i].pts[0]->key,
				       p->s[j].pts[0]->key);
		if (n > best) {
			best = n;
			p->primary = p->s[j].pts[0]->key;
		}
	}
}

/* gnuplot single-quoted string: a quote is doubled. */
static void gq(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static double gib(uint64_t mem)
{
	return (double)mem / (1ULL << 30);
}

static uint64_t sum(const struct mb_run *r, const char *prefix)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < MB_NR_COUNTERS; i++)
		if (!strncmp(mb_counter_names[i], prefix, strlen(prefix)))
			v += r->counts[i];
	return v;
}

static void write_data(struct plot *p, FILE *sc, bool *have_counts)
{
	char path[128];
	uint64_t mems[64];
	size_t nm = 0;
	FILE *f;

	/* one file per series: GiB median ci_lo ci_hi */
	for (size_t j = 0; j < p->ns; j++) {
		snprintf(path, sizeof(path), "%s/s%zu.dat", p->dir, j);
		f = fopen(path, "w");
		if (!f)
			mb_die("cannot write %s: %s", path, strerror(errno));
		for (size_t i = 0; i < p->s[j].n; i++) {
			const struct mb_group *g = p->s[j].pts[i];
			size_t k;

			fprintf(f, "%.9g %.9g %.9g %.9g\n", gib(g->key->mem),
				g->st.median, g->st.ci_lo, g->st.ci_hi);
			for (k = 0; k < nm && mems[k] != g->key->mem; k++)
				;
			if (k == nm && nm < 64)
				mems[nm++] = g->key->mem;
		}
		if (fclose(f))
			mb_die("cannot write %s: %s", path, strerror(errno));
	}
	fprintf(sc, "set xtics (");
	for (size_t k = 0; k < nm; k++) {
		char size[32];

		mb_format_size(mems[k], size, sizeof(size));
		fprintf(sc, "%s\"%s\" %.9g", k ? ", " : "", size,
			gib(mems[k]));
	}
	fprintf(sc, ")\n");

	/* counts per GiB at each strategy's largest RAM */
	snprintf(path, sizeof(path), "%s/counts.dat", p->dir);
	f = fopen(path, "w");
	if (!f)
		mb_die("cannot write %s: %s", path, strerror(errno));
	*have_counts = false;
	for (size_t j = 0; j < p->ns; j++) {
		const struct series *s = &p->s[j];
		const struct mb_group *g = NULL;
		double v[4], per;

		if (!same_opts(s->pts[0]->key, p->primary) ||
		    (p->many_hosts &&
		     strcmp(s->pts[0]->key->host, p->primary->host)))
			continue;
		for (size_t i = s->n; i-- > 0 && !g;)
			if (s->pts[i]->counted)
				g = s->pts[i];
		if (!g)
			continue;
		per = gib(g->key->mem);
		v[0] = sum(g->counted, "tlbi") / per;
		v[1] = sum(g->counted, "dsb") / per;
		v[2] = sum(g->counted, "isb") / per;
		v[3] = sum(g->counted, "fixmap_map") / per;
		fprintf(f, "\"%s\"", s->pts[0]->key->strategy);
		/* log scale: a zero has no bar */
		for (int k = 0; k < 4; k++)
			fprintf(f, v[k] > 0 ? " %.9g" : " NaN", v[k]);
		fprintf(f, "\n");
		*have_counts = true;
	}
	if (fclose(f))
		mb_die("cannot write %s: %s", path, strerror(errno));
}

static const char *const palette[12] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#aec7e8",
};

/* gnuplot point types: filled and open squares, circles, triangles,
 * diamonds, pentagons, crosses -- no two strategies alike */
static const int point_types[12] = { 5, 7, 9, 11, 13, 15, 4, 6, 8, 10, 12, 2 };

static void write_script(struct plot *p, FILE *sc, const char *out, bool svg)
{
	bool have_counts;
	char o[256];

	if (svg)
		fprintf(sc, "set terminal svg size 1600,720 dynamic "
			"font 'sans,13' noenhanced background '#ffffff'\n");
	else
		fprintf(sc, "set terminal pngcairo size 1600,720 "
			"font 'sans,11' noenhanced\n");
	fprintf(sc, "set output ");
	gq(sc, out);
	fprintf(sc, "\nset encoding utf8\nset datafile missing 'NaN'\n");
	/* eleven strategies: colours, point shapes and dash patterns that
	 * stay apart, so lines drawn over each other remain visible */
	for (int i = 0; i < 12; i++)
		fprintf(sc, "set linetype %d lc rgb '%s' pt %d dt %d\n", i + 1,
			palette[i], point_types[i], i % 5 + 1);
	fprintf(sc, "set multiplot layout 1,2 title ");
	mb_options_label(p->primary, o, sizeof(o));
	{
		char t[400];

		snprintf(t, sizeof(t), "mapbench: arm64 linear map (map_mem) "
			 "on %s%s", p->many_hosts ? "several hosts" :
			 p->primary->host, p->emulated ?
			 " -- EMULATED (QEMU TCG): shapes, not hardware "
			 "times" : "");
		gq(sc, t);
	}
	fprintf(sc, " font ',15'\n");
	fprintf(sc, "set title 'map_mem() time vs RAM (median, 95%% CI)'\n"
		"set logscale x 2\nset logscale y 10\n"
		"set xlabel 'guest RAM'\nset ylabel 'ms'\n"
		"set grid xtics ytics mytics\n"
		"set key outside right top box samplen 2\n"
		"set mytics 10\nset format y '%%g'\n"
		"set offsets graph 0.05, graph 0.05, 0, 0\n");
	write_data(p, sc, &have_counts);
	fprintf(sc, "plot ");
	for (size_t j = 0; j < p->ns; j++) {
		/* a hidden series: bigger open marks, drawn on top */
		fprintf(sc, "%s'%s/s%zu.dat' using 1:2:3:4 with yerrorlines "
			"lt %zu lw 2 ps %s title ", j ? ", \\\n     " : "",
			p->dir, j, j % 12 + 1,
			p->s[j].same_as >= 0 ? "1.6" : "0.9");
		gq(sc, p->s[j].title);
	}
	fprintf(sc, "\n\nunset logscale\nunset offsets\nunset xtics\n"
		"set xtics nomirror rotate by -35 scale 0\n"
		"set logscale y 10\n"
		"set ytics ('0.1' 0.1, '1' 1, '10' 10, '100' 100, '1k' 1e3, "
		"'10k' 1e4, '100k' 1e5, '1M' 1e6, '10M' 1e7, '100M' 1e8)\n"
		"set grid ytics\nset ylabel 'per GiB of RAM'\n"
		"set xlabel ''\nset key top right box opaque\n"
		"set style data histogram\n"
		"set style histogram cluster gap 1\n"
		"set style fill solid 0.85 border -1\nset boxwidth 0.9\n");
	fprintf(sc, "set title ");
	{
		char t[400];

		snprintf(t, sizeof(t), "operations per GiB, %s (largest RAM "
			 "run; log scale, zero = no bar)", o);
		gq(sc, t);
	}
	fprintf(sc, "\n");
	if (have_counts)
		fprintf(sc, "plot '%s/counts.dat' using 2:xtic(1) title 'TLBI',"
			" '' using 3 title 'DSB', '' using 4 title 'ISB', "
			"'' using 5 title 'fixmap map'\n", p->dir);
	else
		fprintf(sc, "set label 1 'no op counts in the input' at "
			"graph 0.5, graph 0.5 center\nunset key\n"
			"plot [0:1] [1:10] NaN notitle\n");
	fprintf(sc, "unset multiplot\nset output\n");
}

/* The bars' data into f (NULL: only count them); the number of bars. */
static size_t explain_rows(struct plot *p, FILE *f)
{
	struct mb_xpoint *x;
	char err[512], o[64];
	size_t n, rows = 0;

	if (mb_explain_points(p->set, &p->g, false, &x, &n, err, sizeof(err)))
		mb_die("%s", err);
	for (size_t i = 0; i < n; i++) {
		const struct mb_run *r = x[i].run;
		const struct mb_explain *e = &x[i].x;
		double per = 1e3 / (double)MB_CAL_PICO / (double)e->cntfrq;

		if (!wanted(p, x[i].group) || !same_opts(r, p->primary) ||
		    strcmp(r->host, p->primary->host))
			continue;
		/* the largest RAM of the strategy: the last of its points */
		if (i + 1 < n && !strcmp(x[i + 1].run->strategy, r->strategy) &&
		    !strcmp(x[i + 1].run->host, r->host) &&
		    same_opts(x[i + 1].run, r))
			continue;
		rows++;
		if (!f)
			continue;
		mb_format_size(r->mem, o, sizeof(o));
		fprintf(f, "\"%s %s\"", r->strategy, o);
		for (unsigned int c = 0; c < MB_NR_XCLASS; c++)
			fprintf(f, " %.9g", (double)e->pt[c] * per);
		fprintf(f, " %.9g %.9g\n", e->residual_pt > 0 ?
			(double)e->residual_pt * per : 0.0,
			(double)e->measured_pt * per);
	}
	free(x);
	return rows;
}

/*
 * plot --explain: one stacked bar per strategy (the primary options, each
 * strategy's largest RAM): each operation class's predicted ms, then
 * the residual when positive; a cross marks the measured time.
 */
static void write_explain(struct plot *p, FILE *sc, const char *out,
			  bool svg)
{
	char path[128], o[256], t[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/explain.dat", p->dir);
	f = fopen(path, "w");
	if (!f)
		mb_die("cannot write %s: %s", path, strerror(errno));
	explain_rows(p, f);
	if (fclose(f))
		mb_die("cannot write %s: %s", path, strerror(errno));
	if (svg)
		fprintf(sc, "set terminal svg size 1400,720 dynamic "
			"font 'sans,13' noenhanced background '#ffffff'\n");
	else
		fprintf(sc, "set terminal pngcairo size 1400,720 "
			"font 'sans,11' noenhanced\n");
	fprintf(sc, "set output ");
	gq(sc, out);
	mb_options_label(p->primary, o, sizeof(o));
	snprintf(t, sizeof(t), "mapbench explain: where map_mem()'s time goes "
		 "on %s, %s", p->primary->host, o);
	fprintf(sc, "\nset title ");
	gq(sc, t);
	fprintf(sc, "\nset style data histogram\n"
		"set style histogram rowstacked\n"
		"set style fill solid 0.85 border -1\nset boxwidth 0.75\n"
		"set key outside right top box\nset ylabel 'ms'\n"
		"set grid ytics\nset xtics nomirror rotate by -35 scale 0\n"
		"set yrange [0:*]\n");
	for (int i = 0; i < 12; i++)
		fprintf(sc, "set linetype %d lc rgb '%s'\n", i + 1,
			palette[i]);
	fprintf(sc, "plot ");
	for (unsigned int c = 0; c < MB_NR_XCLASS; c++)
		fprintf(sc, "%s'%s' using %u%s title '%s'", c ? ", " : "",
			path, c + 2, c ? "" : ":xtic(1)", mb_xclass_names[c]);
	fprintf(sc, ", '' using %u title 'residual' lc rgb '#dddddd', "
		"'' using 0:%u with points pt 2 ps 2 lw 2 lc rgb '#000000' "
		"title 'measured'\nset output\n", MB_NR_XCLASS + 2,
		MB_NR_XCLASS + 3);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int run_gnuplot(const char *script, const char *log)
{
	char *argv[] = { "gnuplot", (char *)script, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, r;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT |
					 O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	r = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r) {
		errno = r;
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : 1;
}

static const struct mb_opt plot_opts[] = {
	MB_OPT("output", 'o', true, required_argument, "OUT.png|OUT.svg",
	       MB_ARG_FILE, NULL, "The picture to write; its suffix says "
	       "PNG or SVG. Required."),
	MB_OPT("host", 'H', false, required_argument, "LABEL", MB_ARG_NONE,
	       NULL, "Only the runs of this host label."),
	MB_OPT("rodata", 'r', false, required_argument, "full|on|off",
	       MB_ARG_CHOICE, "full|on|off", "Only the runs of this rodata "
	       "mode."),
	MB_FLAG("explain", 'x', false, "Draw where the time goes instead: "
		"one stacked bar per strategy."),
	MB_OPT_HELP,
	MB_OPT_END
};

const struct mb_cmd mb_plot_cmd = {
	.name = "plot",
	.summary = "draw time against RAM, and op counts, with gnuplot",
	.synopsis = "FILE... -o OUT.png|OUT.svg",
	.text = "Draws time against RAM per strategy (log-log) and op counts "
		"per GiB per strategy into one PNG or SVG, with gnuplot. Every "
		"strategy has its own colour, point shape and dash pattern; a "
		"line that lies on an earlier one (every median within 5%) "
		"says so in the legend.",
	.opts = plot_opts,
};

int mb_cmd_plot(int argc, char **argv)
{
	struct mb_getopt gopt = { 0 };
	struct plot p = { 0 };
	struct mb_runset set = { 0 };
	char err[512], script[128], log[128], *tmp = NULL, line[256] = "";
	const char *out = NULL, *ext, *slash;
	FILE *sc;
	int opt, r;
	bool svg;

	while ((opt = mb_cli_getopt(&mb_plot_cmd, &gopt, argc, argv,
				     MB_EXIT_USAGE)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'H':
			p.host = optarg;
			break;
		case 'r':
			if (mb_rodata_from_name(optarg) < 0)
				mb_die("--rodata: '%s' is not full, on or off",
				       optarg);
			p.rodata = optarg;
			break;
		case 'x':
			p.explain = true;
			break;
		}
	}
	if (optind == argc || !out) {
		mb_usage_synopsis(&mb_plot_cmd, stderr);
		return MB_EXIT_USAGE;
	}
	ext = strrchr(out, '.');
	if (!ext || (strcmp(ext, ".png") && strcmp(ext, ".svg")))
		mb_die("-o: '%s' must end in .png or .svg", out);
	svg = !strcmp(ext, ".svg");
	if (strchr(out, '\'') || strchr(out, '\n'))
		mb_die("-o: '%s': no quotes or newlines in the name", out);
	for (int i = optind; i < argc; i++)
		if (mb_runs_load(&set, argv[i], err, sizeof(err)))
			mb_die("%s", err);
	if (mb_group_runs(&set, 0, &p.g))
		mb_die("out of memory");
	build_series(&p);
	if (!p.ns)
		mb_die("nothing to plot: no ok runs%s%s%s%s", p.host ?
		       " on host " : "", p.host ? p.host : "",
		       p.rodata ? " with rodata=" : "",
		       p.rodata ? p.rodata : "");

	p.set = &set;
	if (p.explain && !explain_rows(&p, NULL))
		mb_die("plot --explain: no run with unit costs "
		       "('calibration') in the input");

	snprintf(p.dir, sizeof(p.dir), "/tmp/mapbench-plot.XXXXXX");
	if (!mkdtemp(p.dir))
		mb_die("mkdtemp: %s", strerror(errno));
	snprintf(script, sizeof(script), "%s/plot.gp", p.dir);
	snprintf(log, sizeof(log), "%s/gnuplot.log", p.dir);
	/* the picture goes beside OUT first: rename() into place */
	slash = strrchr(out, '/');
	if (asprintf(&tmp, "%.*s.%s.tmp%s", slash ? (int)(slash - out + 1) : 0,
		     out, slash ? slash + 1 : out, ext) < 0)
		mb_die("out of memory");
	sc = fopen(script, "w");
	if (!sc)
		mb_die("cannot write %s: %s", script, strerror(errno));
	if (p.explain)
		write_explain(&p, sc, tmp, svg);
	else
		write_script(&p, sc, tmp, svg);
	if (fclose(sc))
		mb_die("cannot write %s: %s", script, strerror(errno));

	r = run_gnuplot(script, log);
	if (r < 0) {
		fprintf(stderr, "mapbench: cannot run gnuplot: %s (install "
			"gnuplot-nox)\n", strerror(errno));
	} else if (r) {
		FILE *f = fopen(log, "r");
		char buf[256];

		/* gnuplot's last words: the last line that is not blank */
		while (f && fgets(buf, sizeof(buf), f))
			if (strspn(buf, " \t\n^") < strlen(buf))
				memcpy(line, buf, sizeof(line));
		if (f)
			fclose(f);
		line[strcspn(line, "\n")] = '\0';
		fprintf(stderr, "mapbench: gnuplot failed: %s\n", line);
	} else if (rename(tmp, out)) {
		fprintf(stderr, "mapbench: cannot write %s: %s\n", out,
			strerror(errno));
		r = 1;
	}
	if (r)
		unlink(tmp);
	nftw(p.dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(tmp);
	for (size_t j = 0; j < p.ns; j++)
		free(p.s[j].pts);
	free(p.s);
	mb_groups_free(&p.g);
	mb_runs_free(&set);
	return r ? MB_EXIT_VMM : MB_EXIT_OK;
}
