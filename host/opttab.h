/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A command's option table: the one description of a command's options
 * that its getopt_long() loop, its usage and `--help`, its man page
 * (`mapbench help --man`) and the shell completion (`mapbench help
 * --complete`) are all made from, so none of them can drift from the
 * parser.  Each command defines its table next to its parser.
 */
#ifndef MAPBENCH_OPTTAB_H
#define MAPBENCH_OPTTAB_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/* What a value is, for the completion. */
enum mb_arg {
	MB_ARG_NONE,		/* a flag, or a value nothing can guess */
	MB_ARG_FILE,		/* a path */
	MB_ARG_DIR,		/* a directory */
	MB_ARG_CHOICE,		/* one of .choices, '|'-separated */
	MB_ARG_STRATEGY,	/* a strategy name (mapbench list) */
	MB_ARG_LAYOUT,		/* a layout preset, or a file */
};

struct mb_opt {
	const char *name;	/* the long name, without "--" */
	int key;		/* what getopt_long() returns for it */
	bool short_too;		/* key is also the short option -key */
	int has_arg;		/* no_argument, required_argument, ... */
	const char *arg;	/* the value's name in the usage: "SIZE" */
	enum mb_arg kind;
	const char *choices;	/* MB_ARG_CHOICE: "full|on|off" */
	const char *help;	/* what it does, one sentence */
	bool repeat;		/* may be given more than once */
};

struct mb_cmd {
	const char *name;	/* "run" */
	const char *summary;	/* one line: the man page's NAME */
	const char *synopsis;	/* what follows the name: operands, the
				 * options it cannot do without; lines
				 * after a '\n' are alternatives */
	const char *text;	/* DESCRIPTION: paragraphs split by "\n\n" */
	const char *exits;	/* EXIT STATUS, when not mapbench(1)'s */
	const struct mb_opt *opts;	/* ended by MB_OPT_END */
};

/*
 * One entry: long name, getopt key, whether the key is also a short
 * option, has_arg, the value's name, its kind and choices, the help.
 */
#define MB_OPT(n, k, s, h, a, kd, ch, txt) \
	{ .name = n, .key = k, .short_too = s, .has_arg = h, .arg = a, \
	  .kind = kd, .choices = ch, .help = txt }
/* a flag: no value */
#define MB_FLAG(n, k, s, txt) \
	MB_OPT(n, k, s, no_argument, NULL, MB_ARG_NONE, NULL, txt)

/* The entry every command has; designated, so a table reads as one. */
#define MB_OPT_HELP \
	{ .name = "help", .key = 'h', .short_too = true, \
	  .help = "Print this help and exit." }

/* ... and the end of every table */
#define MB_OPT_END	{ .name = NULL }

/* getopt_long()'s tables made from a command's option table. */
#define MB_OPT_MAX	48

struct mb_getopt {
	const struct mb_cmd *cmd;
	struct option lo[MB_OPT_MAX + 1];
	char optstring[2 * MB_OPT_MAX + 2];
};

/*
 * getopt_long() over cmd's table: the first call (g->cmd not yet set)
 * builds the tables and resets getopt (optind = 0, opterr = 0, a ':'
 * first so a missing value returns ':').  Returns what getopt_long()
 * returns; '?' and ':' are for mb_opt_errf().
 */
int mb_getopt(const struct mb_cmd *cmd, struct mb_getopt *g, int argc,
	      char **argv);

/* "usage: mapbench NAME SYNOPSIS", then every option with its help. */
void mb_usage(const struct mb_cmd *cmd, FILE *f);
/* Only the synopsis lines (for `mapbench --help`'s overview). */
void mb_usage_synopsis(const struct mb_cmd *cmd, FILE *f);
/* The command's man page, roff (man(7)): section 1. */
void mb_man_page(const struct mb_cmd *cmd, FILE *f, const char *version,
		 const char *date);

/*
 * Completion candidates, one per line: words[0..nw-1] are the words
 * after "mapbench" up to the one being completed (the last, maybe
 * empty).  cmds[] lists the commands; strategies[] the strategy names;
 * presets the layout preset directory.
 */
void mb_complete(const struct mb_cmd *const *cmds, unsigned int ncmds,
		 const char *const *strategies, const char *presets,
		 char **words, int nw, FILE *f);

#endif /* MAPBENCH_OPTTAB_H */
