// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's console as both backends see it: a byte stream (PL011 MMIO
 * exits under KVM, QEMU's stdout under TCG), untrusted.  One tracker
 * keeps the last line for error messages, picks out the result record
 * line (TCG), and passes the stream on without control characters (-v).
 */
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "util.h"

void mb_console_init(struct mb_console *c)
{
	memset(c, 0, sizeof(*c));
}

/* A whole line (without its '\n') is in c->line. */
static void console_line(struct mb_console *c)
{
	const size_t tag = sizeof(MB_CONSOLE_TAG) - 1;
	size_t n = c->line_len;

	if (n < tag || memcmp(c->line, MB_CONSOLE_TAG, tag))
		return;
	if (n > tag && c->line[n - 1] == '\r')
		n--;
	if (c->rec_state != MB_CREC_NONE) {
		c->rec_state = MB_CREC_BAD;
		snprintf(c->rec_why, sizeof(c->rec_why),
			 "more than one result record on console");
		return;
	}
	c->rec_state = MB_CREC_BAD;
	/* The length is worth telling: a guest of another ABI differs. */
	if (c->line_long || n - tag != 2 * sizeof(c->rec))
		snprintf(c->rec_why, sizeof(c->rec_why),
			 "malformed result record on console (%s%zu hex digits, want %zu)",
			 c->line_long ? "over " : "", n - tag,
			 2 * sizeof(c->rec));
	else if (mb_hex_decode(c->line + tag, n - tag, c->rec,
			       sizeof(c->rec)))
		snprintf(c->rec_why, sizeof(c->rec_why),
			 "malformed result record on console (not hex)");
	else
		c->rec_state = MB_CREC_OK;
}

void mb_console_feed(struct mb_console *c, const void *buf, size_t len)
{
	const char *p = buf;

	c->total += len;
	for (size_t i = 0; i < len; i++) {
		c->tail[c->tail_pos++ % MB_CONSOLE_TAIL] = p[i];
		if (p[i] == '\n') {
			console_line(c);
			c->line_len = 0;
			c->line_long = 0;
		} else if (c->line_len < sizeof(c->line)) {
			c->line[c->line_len++] = p[i];
		} else {
			/* Keep the head: it says whether this is a record. */
			c->line_long = 1;
		}
	}
}

/* The stream ended: a record line may lack its final newline. */
void mb_console_finish(struct mb_console *c)
{
	if (c->line_len || c->line_long)
		console_line(c);
	c->line_len = 0;
	c->line_long = 0;
}

/* The last non-empty line of the tail, made printable, for errors. */
void mb_console_last_line(const struct mb_console *c, char *buf,
			  size_t len)
{
	size_t have = c->tail_pos < MB_CONSOLE_TAIL ? c->tail_pos :
		      MB_CONSOLE_TAIL;
	size_t end = have, start, o = 0;

#define TAILC(i) (c->tail[(c->tail_pos - have + (i)) % MB_CONSOLE_TAIL])
	while (end && (TAILC(end - 1) == '\n' || TAILC(end - 1) == '\r' ||
		       TAILC(end - 1) == ' ' || TAILC(end - 1) == '\t'))
		end--;
	start = end;
	while (start && TAILC(start - 1) != '\n')
		start--;
	if (!len)
		return;
	for (size_t i = start; i < end && o + 1 < len; i++) {
		unsigned char ch = TAILC(i);

		/* it is quoted in messages: no '"' inside */
		if (ch == '"')
			ch = '\'';
		buf[o++] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
	}
#undef TAILC
	buf[o] = '\0';
}

void mb_console_forward(FILE *f, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = p[i];

		if (ch == '\r')
			continue;
		if (ch != '\n' && ch != '\t' && (ch < 0x20 || ch >= 0x7f))
			ch = '?';
		fputc(ch, f);
	}
}
