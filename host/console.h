/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest console's line tracker (console.c), shared by the KVM and
 * TCG backends.
 */
#ifndef MAPBENCH_CONSOLE_H
#define MAPBENCH_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mapbench/abi.h>

/*
 * Feed bytes in any chunking.  A record (TCG: MB_PF_CONSOLE_RECORD) is a
 * whole line MB_CONSOLE_TAG + hex of struct mb_result, '\r' allowed.
 */
#define MB_CONSOLE_TAIL	4096

enum mb_crec {
	MB_CREC_NONE,			/* no record line seen */
	MB_CREC_OK,			/* exactly one, well formed: in rec */
	MB_CREC_BAD,			/* malformed or repeated: rec_why */
};

struct mb_console {
	uint64_t total;			/* bytes fed */
	enum mb_crec rec_state;
	char rec_why[96];		/* one-line reason when BAD */
	unsigned char rec[sizeof(struct mb_result)];
	size_t line_len;		/* bytes of the current line kept */
	int line_long;			/* current line overflowed line[] */
	char line[sizeof(MB_CONSOLE_TAG) + 2 * sizeof(struct mb_result) + 8];
	size_t tail_pos;		/* bytes ever put in tail[] */
	char tail[MB_CONSOLE_TAIL];	/* ring of the last bytes, for errors */
};

void mb_console_init(struct mb_console *c);
void mb_console_feed(struct mb_console *c, const void *buf, size_t len);
void mb_console_finish(struct mb_console *c);
/* The last non-empty line, printable and without '"', for messages. */
void mb_console_last_line(const struct mb_console *c, char *buf,
			  size_t len);
/* -v: pass bytes on to f without control characters (no flush). */
void mb_console_forward(FILE *f, const void *buf, size_t n);

#endif /* MAPBENCH_CONSOLE_H */
