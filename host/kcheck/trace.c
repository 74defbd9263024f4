// SPDX-License-Identifier: GPL-2.0-only
/*
 * Counting executed instructions from QEMU's TCG log
 * (`-d in_asm,exec,nochain`).  Two kinds of records matter:
 *
 *   ----------------
 *   IN: [symbol]
 *   0x<pc>:  <insn hex>  <mnemonic> <operands>     one per instruction
 *   <blank line>                                   a translated block
 *
 *   Trace <cpu>: <host ptr> [<cs_base>/<pc>/<flags>/<cflags>] [symbol]
 *                                                  one block executed
 *
 * With nochain QEMU returns to its main loop after every block, so every
 * execution of every block is logged.  A block's instructions, TLBIs,
 * DSBs and ISBs are counted once at translation and added at each
 * execution.  Blocks are keyed by their first pc; a retranslation (after
 * a TB flush) replaces the old entry.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

const char *const kc_op_names[KC_NR_OPS] = {
#define KC_OP_NAME(id, m, o) #id,
	KC_OP_LIST(KC_OP_NAME)
#undef KC_OP_NAME
};

struct op_match {
	const char *mnem, *opnd;
};

static const struct op_match op_match[KC_NR_OPS] = {
#define KC_OP_MATCH(id, m, o) { m, o },
	KC_OP_LIST(KC_OP_MATCH)
#undef KC_OP_MATCH
};

struct tb {
	uint64_t pc;		/* 0: empty slot */
	uint64_t last_pc;	/* pc of its last instruction */
	int32_t fn;		/* function index + 1, 0 not looked up */
	uint32_t insns;
	uint64_t execs;		/* in the window */
	uint8_t last_bl;	/* ends in "bl" */
	uint16_t ops[KC_NR_OPS];
};

struct kc_trace {
	struct kc_window w;
	enum kc_state state;
	/* block table, open addressing */
	struct tb *tbs;
	size_t cap, used;
	/* the block being read from an IN: record */
	bool in_block;
	struct tb cur;
	/* line assembly */
	char *line;
	size_t line_len, line_cap;
	bool line_long;
	/* window */
	struct kc_counts now, checkpoint;
	bool have_checkpoint;
	uint64_t ret_pc;	/* pending return address, 0 none */
	const struct tb *prev;	/* the block executed before */
	uint64_t first_pc;
	uint64_t unknown;
	bool opened;		/* start_pc was reached while armed */
	/* per-function counts, now and at the checkpoint */
	const struct kc_funcs *fs;
	struct kc_fstat *fnow, *fcheck;
};

void kc_trace_set_funcs(struct kc_trace *t, const struct kc_funcs *fs)
{
	free(t->fnow);
	free(t->fcheck);
	t->fs = fs;
	t->fnow = calloc(fs->nr + 1, sizeof(*t->fnow));
	t->fcheck = calloc(fs->nr + 1, sizeof(*t->fcheck));
	if (!t->fnow || !t->fcheck) {
		free(t->fnow);
		free(t->fcheck);
		t->fnow = t->fcheck = NULL;
		t->fs = NULL;
	}
}

const struct kc_fstat *kc_trace_fstats(const struct kc_trace *t)
{
	return t->fs && t->state == KC_DONE ? t->fcheck : NULL;
}

/* Index of the function holding pc, fs->nr if none. */
static size_t func_of(const struct kc_funcs *fs, uint64_t pc)
{
	size_t lo = 0, hi = fs->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (fs->f[mid].start <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && pc < fs->f[lo - 1].end)
		return lo - 1;
	return fs->nr;
}

static void count_func(struct kc_trace *t, struct tb *b, uint64_t pc)
{
	size_t i;

	if (!t->fs || !b)
		return;
	if (!b->fn)
		b->fn = func_of(t->fs, pc) + 1;
	i = b->fn - 1;
	t->fnow[i].insns += b->insns;
	if (i < t->fs->nr && pc == t->fs->f[i].start)
		t->fnow[i].entries++;
}

static void take_checkpoint(struct kc_trace *t)
{
	t->checkpoint = t->now;
	t->have_checkpoint = true;
	if (t->fs)
		memcpy(t->fcheck, t->fnow,
		       (t->fs->nr + 1) * sizeof(*t->fcheck));
}

static size_t hash_pc(uint64_t pc, size_t cap)
{
	pc ^= pc >> 29;
	pc *= 0xbf58476d1ce4e5b9ULL;
	pc ^= pc >> 32;
	return pc & (cap - 1);
}

static struct tb *tb_find(struct kc_trace *t, uint64_t pc)
{
	size_t i = hash_pc(pc, t->cap);

	while (t->tbs[i].pc) {
		if (t->tbs[i].pc == pc)
			return &t->tbs[i];
		i = (i + 1) & (t->cap - 1);
	}
	return NULL;
}

static int tb_put(struct kc_trace *t, const struct tb *b)
{
	size_t i;

	if ((t->used + 1) * 2 > t->cap) {
		struct tb *old = t->tbs;
		size_t ocap = t->cap;

		t->cap *= 2;
		t->tbs = calloc(t->cap, sizeof(*t->tbs));
		if (!t->tbs)
			return -1;
		t->used = 0;
		for (size_t j = 0; j < ocap; j++)
			if (old[j].pc && tb_put(t, &old[j]))
				return -1;
		free(old);
		/* prev pointed into the old table */
		if (t->prev)
			t->prev = NULL;
	}
	i = hash_pc(b->pc, t->cap);
	while (t->tbs[i].pc && t->tbs[i].pc != b->pc)
		i = (i + 1) & (t->cap - 1);
	if (!t->tbs[i].pc)
		t->used++;
	t->tbs[i] = *b;
	return 0;
}

struct kc_trace *kc_trace_new(const struct kc_window *w)
{
	struct kc_trace *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->w = *w;
	t->state = w->arm_pc ? KC_IDLE : KC_ARMED;
	t->cap = 1 << 12;	/* grows */
	t->tbs = calloc(t->cap, sizeof(*t->tbs));
	t->line_cap = 1024;
	t->line = malloc(t->line_cap);
	if (!t->tbs || !t->line) {
		kc_trace_free(t);
		return NULL;
	}
	return t;
}

void kc_trace_free(struct kc_trace *t)
{
	if (!t)
		return;
	free(t->tbs);
	free(t->line);
	free(t->fnow);
	free(t->fcheck);
	free(t);
}

bool kc_trace_opened(const struct kc_trace *t)
{
	return t->opened;
}

enum kc_state kc_trace_state(const struct kc_trace *t)
{
	return t->state;
}

uint64_t kc_trace_first_pc(const struct kc_trace *t)
{
	return t->first_pc;
}

uint64_t kc_trace_unknown(const struct kc_trace *t)
{
	return t->unknown;
}

static const char *skip_sp(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *skip_word(const char *p, const char *e)
{
	while (p < e && *p != ' ' && *p != '\t' && *p != ',')
		p++;
	return p;
}

static bool word_is(const char *p, const char *e, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(e - p) == n && !memcmp(p, w, n);
}

/* Hex number at p (optional 0x); end of it in *end. */
static int parse_hex(const char *p, const char *e, uint64_t *v,
		     const char **end)
{
	uint64_t x = 0;
	const char *s;

	if (e - p > 2 && p[0] == '0' && p[1] == 'x')
		p += 2;
	s = p;
	for (; p < e; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (p - s >= 16)
			return -1;
		x = x << 4 | d;
	}
	if (p == s)
		return -1;
	*v = x;
	*end = p;
	return 0;
}

/* "0x<pc>:  <hex>  <mnem> <operands>" */
static void insn_line(struct kc_trace *t, const char *p, const char *e)
{
	const char *m, *me, *o, *oe;
	uint64_t pc, code;

	if (parse_hex(p, e, &pc, &p) || p >= e || *p != ':') {
		t->unknown++;
		return;
	}
	p = skip_sp(p + 1, e);
	if (parse_hex(p, e, &code, &p)) {
		t->unknown++;
		return;
	}
	m = skip_sp(p, e);
	me = skip_word(m, e);
	o = skip_sp(me, e);
	oe = skip_word(o, e);
	if (!t->cur.insns)
		t->cur.pc = pc;
	t->cur.insns++;
	t->cur.last_pc = pc;
	t->cur.last_bl = word_is(m, me, "bl");
	for (int i = 0; i < KC_NR_OPS; i++) {
		if (!word_is(m, me, op_match[i].mnem))
			continue;
		if (op_match[i].opnd && !word_is(o, oe, op_match[i].opnd))
			continue;
		t->cur.ops[i]++;
		break;
	}
}

static void add_tb(struct kc_counts *c, const struct tb *b)
{
	c->insns += b->insns;
	c->tbs++;
	for (int i = 0; i < KC_NR_OPS; i++)
		c->ops[i] += b->ops[i];
}

static void exec_tb(struct kc_trace *t, uint64_t pc)
{
	struct tb *b = tb_find(t, pc);

	if (!t->first_pc && pc >= t->w.entry_floor)
		t->first_pc = pc;
	switch (t->state) {
	case KC_IDLE:
	case KC_ARMED:
		/* past the point where the window should have closed, and
		 * it never opened: say so now, not at the timeout */
		if (t->w.stop_pc && pc == t->w.stop_pc) {
			t->state = KC_DONE;
			break;
		}
		if (t->state == KC_IDLE) {
			if (pc == t->w.arm_pc)
				t->state = KC_ARMED;
			break;
		}
		if (pc != t->w.start_pc)
			break;
		t->opened = true;
		t->state = KC_OPEN;
		/* the opening block is counted */
		__attribute__((fallthrough));
	case KC_OPEN:
		if (t->ret_pc && pc == t->ret_pc) {
			take_checkpoint(t);
			t->ret_pc = 0;
			if (!t->w.stop_pc) {
				t->state = KC_DONE;
				break;
			}
		}
		if (t->w.stop_pc && pc == t->w.stop_pc) {
			/* no call to return from: up to, not including,
			 * the block at stop_pc */
			if (!t->w.ret_func)
				take_checkpoint(t);
			t->state = KC_DONE;
			break;
		}
		if (t->w.ret_func && pc == t->w.ret_func && t->prev && t->prev->last_bl)
			t->ret_pc = t->prev->last_pc + 4;
		for (int i = 0; i < KC_MAX_FUNCS; i++)
			if (t->w.func[i] && pc == t->w.func[i])
				t->now.calls[i]++;
		if (b) {
			add_tb(&t->now, b);
			b->execs++;
		} else {
			t->unknown++;
		}
		count_func(t, b, pc);
		break;
	case KC_DONE:
		break;
	}
	t->prev = b;
}

/* "Trace 0: 0x7f.. [cs_base/pc/flags/cflags] ..." */
static void trace_line(struct kc_trace *t, const char *p, const char *e)
{
	uint64_t v;

	p = memchr(p, '[', e - p);
	if (!p)
		goto bad;
	p = memchr(p, '/', e - p);
	if (!p || parse_hex(p + 1, e, &v, &p) || p >= e || *p != '/')
		goto bad;
	exec_tb(t, v);
	return;
bad:
	t->unknown++;
}

static void end_block(struct kc_trace *t)
{
	if (t->in_block && t->cur.insns && tb_put(t, &t->cur))
		t->unknown++;
	t->in_block = false;
}

static void one_line(struct kc_trace *t, const char *p, size_t n)
{
	const char *e = p + n;

	if (n && e[-1] == '\r')
		e--;
	if (t->in_block) {
		if (e - p > 2 && p[0] == '0' && p[1] == 'x') {
			insn_line(t, p, e);
			return;
		}
		end_block(t);
	}
	if (e - p >= 6 && !memcmp(p, "Trace ", 6)) {
		trace_line(t, p, e);
	} else if (e - p >= 3 && !memcmp(p, "IN:", 3)) {
		memset(&t->cur, 0, sizeof(t->cur));
		t->in_block = true;
	}
}

int kc_trace_feed(struct kc_trace *t, const char *buf, size_t n)
{
	const char *p = buf, *e = buf + n;

	while (p < e) {
		const char *nl = memchr(p, '\n', e - p);
		size_t len = (nl ? nl : e) - p;

		if (!t->line_len && nl) {
			/* whole line in the buffer: no copy */
			one_line(t, p, len);
			p = nl + 1;
			continue;
		}
		if (t->line_len + len > t->line_cap) {
			if (t->line_len + len > (1u << 20)) {
				/* nothing sane is that long: drop it */
				t->line_long = true;
				t->line_len = 0;
			} else {
				char *l = realloc(t->line,
						  2 * (t->line_len + len));

				if (!l)
					return -1;
				t->line = l;
				t->line_cap = 2 * (t->line_len + len);
			}
		}
		if (!t->line_long) {
			memcpy(t->line + t->line_len, p, len);
			t->line_len += len;
		}
		if (!nl)
			break;
		if (!t->line_long)
			one_line(t, t->line, t->line_len);
		else
			t->unknown++;
		t->line_len = 0;
		t->line_long = false;
		p = nl + 1;
	}
	return 0;
}

int kc_trace_result(const struct kc_trace *t, struct kc_counts *c,
		    char *err, size_t errlen)
{
	if (t->state != KC_DONE || !t->opened) {
		snprintf(err, errlen, "the window %s",
			 t->state == KC_OPEN ? "did not close" :
			 "never opened");
		return -1;
	}
	if (!t->have_checkpoint) {
		snprintf(err, errlen,
			 "no return from the window's last call was seen");
		return -1;
	}
	*c = t->checkpoint;
	return 0;
}

/* ---- function tables ---------------------------------------------------- */

int kc_funcs_add(struct kc_funcs *fs, uint64_t start, uint64_t end,
		 const char *name)
{
	if (fs->nr == fs->cap) {
		size_t cap = fs->cap ? 2 * fs->cap : 256;
		struct kc_func *f = realloc(fs->f, cap * sizeof(*f));

		if (!f)
			return -1;
		fs->f = f;
		fs->cap = cap;
	}
	fs->f[fs->nr].start = start;
	fs->f[fs->nr].end = end;
	snprintf(fs->f[fs->nr].name, sizeof(fs->f[0].name), "%s", name);
	fs->nr++;
	return 0;
}

static int cmp_func(const void *a, const void *b)
{
	const struct kc_func *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

void kc_funcs_sort(struct kc_funcs *fs)
{
	if (fs->nr)
		qsort(fs->f, fs->nr, sizeof(*fs->f), cmp_func);
}

void kc_funcs_free(struct kc_funcs *fs)
{
	free(fs->f);
	memset(fs, 0, sizeof(*fs));
}

int kc_funcs_parse(const char *text, size_t n, struct kc_funcs *fs)
{
	const char *p = text, *e = text + n;
	size_t first = fs->nr, o = first;

	while (p < e) {
		const char *nl = memchr(p, '\n', e - p), *start = p;
		size_t len = (nl ? nl : e) - p;
		char line[256], name[128], type[4], tag[8] = "";
		unsigned long long a;
		int end_only;

		p = nl ? nl + 1 : e;
		if (len >= sizeof(line))
			continue;
		memcpy(line, start, len);
		line[len] = '\0';
		if (sscanf(line, "%7s %llx %3s %127s", tag, &a, type,
			   name) == 4 && !strncmp(tag, "MB", 2)) {
			end_only = !strcmp(tag, "MBEND");
		} else if (sscanf(line, "%llx %3s %127s", &a, type, name) == 3) {
			end_only = 0;
		} else {
			continue;
		}
		if (type[0] != 't' && type[0] != 'T')
			continue;
		/* an end marker is a function of no name, dropped below */
		if (kc_funcs_add(fs, a, 0, end_only ? "" : name))
			return -1;
	}
	kc_funcs_sort(fs);
	/* each ends where the next begins; then drop the end markers and
	 * aliases (same start: keep the first name) */
	for (size_t i = first; i < fs->nr; i++) {
		size_t j = i + 1;

		while (j < fs->nr && fs->f[j].start == fs->f[i].start)
			j++;
		fs->f[i].end = j < fs->nr ? fs->f[j].start : fs->f[i].start + 4;
	}
	for (size_t i = first; i < fs->nr; i++) {
		if (!fs->f[i].name[0])
			continue;
		if (o > first && fs->f[o - 1].start == fs->f[i].start)
			continue;
		fs->f[o++] = fs->f[i];
	}
	fs->nr = o;
	return 0;
}

void kc_trace_dump_tbs(const struct kc_trace *t, FILE *f)
{
	for (size_t i = 0; i < t->cap; i++) {
		const struct tb *b = &t->tbs[i];

		if (!b->pc || !b->execs)
			continue;
		fprintf(f, "%016llx %u %llu %s\n", (unsigned long long)b->pc,
			b->insns, (unsigned long long)b->execs,
			t->fs && b->fn > 0 && (size_t)b->fn <= t->fs->nr ?
			t->fs->f[b->fn - 1].name : "?");
	}
}
