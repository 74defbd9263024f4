// SPDX-License-Identifier: GPL-2.0-only
/*
 * Everything made from a command's option table (opttab.h): getopt's
 * arrays, the usage, the man page and the completion candidates.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "opttab.h"

int mb_getopt(const struct mb_cmd *cmd, struct mb_getopt *g, int argc,
	      char **argv)
{
	if (g->cmd != cmd) {
		char *s = g->optstring;
		unsigned int n = 0;

		*s++ = ':';
		for (const struct mb_opt *o = cmd->opts; o->name; o++) {
			/* a table longer than MB_OPT_MAX is a bug: the
			 * unit test walks every command's table */
			if (n == MB_OPT_MAX)
				break;
			g->lo[n++] = (struct option){ o->name, o->has_arg,
						      NULL, o->key };
			if (!o->short_too)
				continue;
			*s++ = (char)o->key;
			if (o->has_arg == required_argument)
				*s++ = ':';
		}
		g->lo[n] = (struct option){ 0 };
		*s = '\0';
		g->cmd = cmd;
		optind = 0;	/* glibc: a full reset, as for a new argv */
		opterr = 0;
	}
	return getopt_long(argc, argv, g->optstring, g->lo, NULL);
}

/* "-m, --mem SIZE", "    --kfence[=SIZE]", "    --pmu" into buf. */
static void opt_label(const struct mb_opt *o, char *buf, size_t len)
{
	int n = 0;

	if (o->short_too)
		n = snprintf(buf, len, "-%c, ", o->key);
	else
		n = snprintf(buf, len, "    ");
	if (o->has_arg == required_argument)
		snprintf(buf + n, len - n, "--%s %s", o->name, o->arg);
	else if (o->has_arg == optional_argument)
		snprintf(buf + n, len - n, "--%s[=%s]", o->name, o->arg);
	else
		snprintf(buf + n, len - n, "--%s", o->name);
}

void mb_usage_synopsis(const struct mb_cmd *cmd, FILE *f)
{
	const char *s = cmd->synopsis ? cmd->synopsis : "";
	bool first = true;

	do {
		size_t n = strcspn(s, "\n");

		fprintf(f, "%s mapbench %s%s%.*s%s\n", first ? "usage:" :
			"      ", cmd->name, n ? " " : "", (int)n, s,
			cmd->opts[0].name ? " [OPTION]..." : "");
		s += n;
		first = false;
	} while (*s && *++s);
}

/* text from column col to 79, continued lines indented by ind. */
static void wrap(FILE *f, const char *text, int col, int ind)
{
	const char *s = text;

	while (*s) {
		size_t n = strcspn(s, " ");

		if (col > ind && col + 1 + (int)n > 79) {
			fprintf(f, "\n%*s", ind, "");
			col = ind;
		} else if (col > ind) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)n, s);
		col += (int)n;
		s += n;
		while (*s == ' ')
			s++;
	}
	fputc('\n', f);
}

#define HELP_COL	30

void mb_usage(const struct mb_cmd *cmd, FILE *f)
{
	char label[96];

	mb_usage_synopsis(cmd, f);
	wrap(f, cmd->summary, 0, 0);
	if (cmd->opts[0].name)
		fputs("\noptions:\n", f);
	for (const struct mb_opt *o = cmd->opts; o->name; o++) {
		opt_label(o, label, sizeof(label));
		if (strlen(label) + 4 <= HELP_COL)
			fprintf(f, "  %-*s", HELP_COL - 2, label);
		else
			fprintf(f, "  %s\n%*s", label, HELP_COL, "");
		wrap(f, o->help, HELP_COL, HELP_COL);
	}
	fprintf(f, "\n`man mapbench-%s` has the whole reference.\n",
		cmd->name);
}

/* s as roff text: a leading '.' or '\'' escaped, '\' and '-' too. */
static void roff(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		bool bol = !i || s[i - 1] == '\n';

		if (s[i] == '\\')
			fputs("\\e", f);
		else if (s[i] == '-')
			fputs("\\-", f);
		else if (bol && (s[i] == '.' || s[i] == '\''))
			fprintf(f, "\\&%c", s[i]);
		else
			fputc(s[i], f);
	}
}

static void roffs(FILE *f, const char *s)
{
	roff(f, s, strlen(s));
}

void mb_man_page(const struct mb_cmd *cmd, FILE *f, const char *version,
		 const char *date)
{
	const char *s = cmd->synopsis ? cmd->synopsis : "";
	char up[64];
	size_t i;

	for (i = 0; cmd->name[i] && i < sizeof(up) - 1; i++)
		up[i] = cmd->name[i] >= 'a' && cmd->name[i] <= 'z' ?
			cmd->name[i] - 'a' + 'A' : cmd->name[i];
	up[i] = '\0';
	fprintf(f, ".TH MAPBENCH\\-%s 1 \"%s\" \"mapbench %s\" "
		"\"mapbench manual\"\n", up, date, version);
	fputs(".SH NAME\n", f);
	fprintf(f, "mapbench\\-%s \\- ", cmd->name);
	roffs(f, cmd->summary);
	fputs("\n.SH SYNOPSIS\n", f);
	do {
		size_t n = strcspn(s, "\n");

		fprintf(f, ".B mapbench %s\n", cmd->name);
		if (n) {
			roff(f, s, n);
			fputc('\n', f);
		}
		if (cmd->opts[0].name)
			fputs("[\\fIOPTION\\fR]...\n", f);
		s += n;
		if (*s)
			fputs(".br\n", f);
	} while (*s && *++s);
	if (cmd->text) {
		fputs(".SH DESCRIPTION\n", f);
		for (s = cmd->text; *s; ) {
			const char *end = strstr(s, "\n\n");
			size_t n = end ? (size_t)(end - s) : strlen(s);

			fputs(".PP\n", f);
			roff(f, s, n);
			fputc('\n', f);
			s += n;
			while (*s == '\n')
				s++;
		}
	}
	if (cmd->opts[0].name)
		fputs(".SH OPTIONS\n", f);
	for (const struct mb_opt *o = cmd->opts; o->name; o++) {
		fputs(".TP\n", f);
		if (o->short_too)
			fprintf(f, "\\fB\\-%c\\fR, ", o->key);
		fputs("\\fB\\-\\-", f);
		roffs(f, o->name);
		fputs("\\fR", f);
		if (o->has_arg == optional_argument)
			fputs("[=", f);
		else if (o->has_arg == required_argument)
			fputc(' ', f);
		if (o->has_arg != no_argument) {
			fputs("\\fI", f);
			roffs(f, o->arg);
			fputs("\\fR", f);
		}
		if (o->has_arg == optional_argument)
			fputc(']', f);
		fputc('\n', f);
		roffs(f, o->help);
		if (o->repeat)
			fputs(" May be given more than once.", f);
		fputc('\n', f);
	}
	fputs(".SH EXIT STATUS\n", f);
	if (cmd->exits) {
		roffs(f, cmd->exits);
		fputc('\n', f);
	} else {
		fputs("0 on success, 1 on bad input (an option, a size, a "
		      "name, a file) with one line on standard error naming "
		      "the problem; the other codes are in\n"
		      ".BR mapbench (1).\n", f);
	}
	fputs(".SH SEE ALSO\n.BR mapbench (1),\n.BR mapbench\\-json (5)\n",
	      f);
}

/* ---- completion -------------------------------------------------- */

static void words_with_prefix(const char *list, char sep, const char *cur,
			      FILE *f)
{
	size_t cl = strlen(cur);

	while (*list) {
		size_t n = strcspn(list, (char[]){ sep, '\0' });

		if (n >= cl && !strncmp(list, cur, cl))
			fprintf(f, "%.*s\n", (int)n, list);
		list += n;
		if (*list)
			list++;
	}
}

static const struct mb_opt *find_opt(const struct mb_cmd *cmd,
				     const char *w)
{
	if (w[0] != '-')
		return NULL;
	for (const struct mb_opt *o = cmd->opts; o->name; o++) {
		if (w[1] == '-' && !strcmp(w + 2, o->name))
			return o;
		if (w[1] != '-' && o->short_too && w[1] == o->key && !w[2])
			return o;
	}
	return NULL;
}

static void complete_value(const struct mb_opt *o,
			   const char *const *strategies,
			   const char *presets, const char *cur, FILE *f)
{
	size_t cl = strlen(cur);
	struct dirent *de;
	DIR *d;

	switch (o->kind) {
	case MB_ARG_CHOICE:
		words_with_prefix(o->choices, '|', cur, f);
		break;
	case MB_ARG_STRATEGY:
		for (; *strategies; strategies++)
			if (!strncmp(*strategies, cur, cl))
				fprintf(f, "%s\n", *strategies);
		break;
	case MB_ARG_LAYOUT:
		d = presets ? opendir(presets) : NULL;
		while (d && (de = readdir(d))) {
			const char *dot = strrchr(de->d_name, '.');

			if (de->d_name[0] == '.' || !dot ||
			    strcmp(dot, ".layout"))
				continue;
			if (!strncmp(de->d_name, cur, cl))
				fprintf(f, "%.*s\n",
					(int)(dot - de->d_name), de->d_name);
		}
		if (d)
			closedir(d);
		fputs("@file\n", f);
		break;
	case MB_ARG_FILE:
		fputs("@file\n", f);
		break;
	case MB_ARG_DIR:
		fputs("@dir\n", f);
		break;
	case MB_ARG_NONE:
		break;
	}
}

void mb_complete(const struct mb_cmd *const *cmds, unsigned int ncmds,
		 const char *const *strategies, const char *presets,
		 char **words, int nw, FILE *f)
{
	const struct mb_cmd *cmd = NULL;
	const char *cur = nw > 0 ? words[nw - 1] : "";
	const struct mb_opt *prev;
	size_t cl = strlen(cur);

	if (nw <= 1) {
		for (unsigned int i = 0; i < ncmds; i++)
			if (!strncmp(cmds[i]->name, cur, cl))
				fprintf(f, "%s\n", cmds[i]->name);
		return;
	}
	for (unsigned int i = 0; i < ncmds; i++)
		if (!strcmp(cmds[i]->name, words[0]))
			cmd = cmds[i];
	if (!cmd)
		return;
	prev = nw >= 3 ? find_opt(cmd, words[nw - 2]) : NULL;
	if (prev && prev->has_arg == required_argument) {
		complete_value(prev, strategies, presets, cur, f);
		return;
	}
	if (cur[0] == '-') {
		for (const struct mb_opt *o = cmd->opts; o->name; o++)
			if (!strncmp(o->name, cur + 2 * (cl >= 2),
				     cl >= 2 ? cl - 2 : 0) &&
			    (cl < 2 || cur[1] == '-'))
				fprintf(f, "--%s\n", o->name);
		return;
	}
	fputs("@file\n", f);
}
