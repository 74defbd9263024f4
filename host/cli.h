/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command line, on top of both halves: main.c dispatches to the
 * commands; every command's usage text is its own and `mapbench --help`
 * prints them all.  Only the CLI may exit on bad input (mb_die).
 */
#ifndef MAPBENCH_CLI_H
#define MAPBENCH_CLI_H

#include "opttab.h"

/* "mapbench: <msg>" on stderr, exit MB_EXIT_USAGE (bad input). */
__attribute__((format(printf, 1, 2), noreturn))
void mb_die(const char *fmt, ...);
/* getopt_long() returned '?' or ':': one line naming the option and
 * "(mapbench CMD --help)" on stderr, exit code. */
__attribute__((noreturn))
void mb_die_opt(int code, int c, char **argv, const char *cmd);

/*
 * mb_getopt() for a command that may exit: --help prints cmd's usage
 * and exits 0; an unknown option or a missing value is one line and
 * exit bad (MB_EXIT_USAGE; compare's is its own).  Returns the next
 * option of cmd's table, -1 at the end.
 */
int mb_cli_getopt(const struct mb_cmd *cmd, struct mb_getopt *g, int argc,
		  char **argv, int bad);

/* Files beside the binary as built or installed (or $MAPBENCH_GUEST,
 * $MAPBENCH_LAYOUTS): the guest ELF and the layout presets. */
const char *mb_default_guest(void);
const char *mb_preset_dir(void);

/* The commands: argv[0] is the command's name; an MB_EXIT_* code. */
int mb_cmd_run(int argc, char **argv);
int mb_cmd_matrix(int argc, char **argv);
int mb_cmd_report(int argc, char **argv);
int mb_cmd_plot(int argc, char **argv);
int mb_cmd_compare(int argc, char **argv);
int mb_cmd_explain(int argc, char **argv);
int mb_cmd_lava_job(int argc, char **argv);
int mb_cmd_lava_board(int argc, char **argv);
int mb_cmd_lava_results(int argc, char **argv);
int mb_cmd_kernel_check(int argc, char **argv);
int mb_cmd_doctor(int argc, char **argv);

/* Their option tables (opttab.h), each beside its parser. */
extern const struct mb_cmd mb_matrix_cmd;
extern const struct mb_cmd mb_report_cmd;
extern const struct mb_cmd mb_plot_cmd;
extern const struct mb_cmd mb_compare_cmd;
extern const struct mb_cmd mb_explain_cmd;
extern const struct mb_cmd mb_lava_job_cmd;
extern const struct mb_cmd mb_lava_board_cmd;
extern const struct mb_cmd mb_lava_results_cmd;
extern const struct mb_cmd mb_kernel_check_cmd;
extern const struct mb_cmd mb_doctor_cmd;

#endif /* MAPBENCH_CLI_H */
