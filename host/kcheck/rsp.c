// SPDX-License-Identifier: GPL-2.0-only
/*
 * A minimal client of the GDB remote serial protocol, enough to drive
 * QEMU's gdbstub: packets "$payload#checksum" (checksum: the payload's
 * bytes summed mod 256, two hex digits), acknowledged with '+'; binary
 * data escaped with '}' and the byte XOR 0x20.  Used for a breakpoint
 * (Z0), continue (c), a system register (p, its number found in the
 * target description read with qXfer:features:read) and memory
 * (m, physical with QEMU's Qqemu.PhyMemMode:1).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "rsp.h"
#include "util.h"

static const char hexd[] = "0123456789abcdef";

int kc_rsp_encode(const char *payload, char *out, size_t outlen)
{
	size_t o = 0;
	unsigned int sum = 0;

	if (outlen < 5)
		return -1;
	out[o++] = '$';
	for (const char *p = payload; *p; p++) {
		char c = *p;

		if (o + 2 + 3 >= outlen)
			return -1;
		if (c == '$' || c == '#' || c == '}' || c == '*') {
			out[o++] = '}';
			sum += '}';
			c ^= 0x20;
		}
		out[o++] = c;
		sum += (unsigned char)c;
	}
	out[o++] = '#';
	out[o++] = hexd[(sum >> 4) & 15];
	out[o++] = hexd[sum & 15];
	out[o] = '\0';
	return o;
}

int kc_rsp_decode(const char *in, size_t n, char *out, size_t outlen,
		  size_t *plen)
{
	size_t i = 0, o = 0, start;
	unsigned int sum = 0;
	int hi, lo;

	while (i < n && in[i] != '$')
		i++;	/* acks, and anything else before a packet */
	if (i == n)
		return 0;
	start = ++i;
	while (i < n && in[i] != '#')
		i++;
	if (i + 3 > n)
		return 0;
	hi = mb_hexval((unsigned char)in[i + 1]);
	lo = mb_hexval((unsigned char)in[i + 2]);
	for (size_t j = start; j < i; j++)
		sum += (unsigned char)in[j];
	if (hi < 0 || lo < 0 || (unsigned int)(hi << 4 | lo) != (sum & 255))
		return -1;
	for (size_t j = start; j < i; j++) {
		char c = in[j];

		if (c == '*')
			return -1;	/* run-length: never asked for */
		if (c == '}') {
			if (++j >= i)
				return -1;
			c = in[j] ^ 0x20;
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	if (plen)
		*plen = o;
	return i + 3;
}

int kc_hex_le64(const char *hex, uint64_t *v)
{
	unsigned char b[8];
	uint64_t x = 0;

	if (mb_hex_decode(hex, 16, b, sizeof(b)))
		return -1;
	for (int i = 0; i < 8; i++)
		x |= (uint64_t)b[i] << (8 * i);
	*v = x;
	return 0;
}

int kc_rsp_connect(struct kc_rsp *r, const char *path, double deadline,
		   char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	r->in_len = 0;
	if (strlen(path) >= sizeof(a.sun_path))
		return mb_errf(MB_EXIT_VMM, err, errlen,
			       "gdb socket path too long: %s", path);
	strcpy(a.sun_path, path);
	for (;;) {
		r->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (r->fd < 0)
			return mb_errf(MB_EXIT_VMM, err, errlen, "socket: %s",
				       strerror(errno));
		if (!connect(r->fd, (struct sockaddr *)&a, sizeof(a)))
			return 0;
		close(r->fd);
		r->fd = -1;
		if (mb_now() > deadline)
			return mb_errf(MB_EXIT_VMM, err, errlen,
				       "cannot connect to QEMU's gdbstub at %s: %s",
				       path, strerror(errno));
		usleep(20000);
	}
}

void kc_rsp_close(struct kc_rsp *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

int kc_rsp_send(struct kc_rsp *r, const char *payload)
{
	size_t n = strlen(payload) + 8;
	char *buf = malloc(n);
	int len, ret;

	if (!buf)
		return -1;
	len = kc_rsp_encode(payload, buf, n);
	ret = len < 0 ? -1 : mb_write_all(r->fd, buf, len);
	free(buf);
	return ret ? -1 : 0;
}

/* A packet from the buffer: 1, 0 none yet, -1 bad. */
static int take(struct kc_rsp *r, char *out, size_t outlen)
{
	int used = kc_rsp_decode(r->in, r->in_len, out, outlen, NULL);

	if (used <= 0)
		return used;
	memmove(r->in, r->in + used, r->in_len - used);
	r->in_len -= used;
	if (mb_write_all(r->fd, "+", 1))
		return -1;
	return 1;
}

static int fill(struct kc_rsp *r, int ms)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	ssize_t n;

	if (r->in_len == sizeof(r->in))
		return -1;
	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = read(r->fd, r->in + r->in_len, sizeof(r->in) - r->in_len);
	if (n <= 0)
		return -1;
	r->in_len += n;
	return 1;
}

int kc_rsp_poll(struct kc_rsp *r, char *out, size_t outlen)
{
	int t = take(r, out, outlen);

	if (t)
		return t;
	if (fill(r, 0) < 0)
		return -1;
	return take(r, out, outlen);
}

int kc_rsp_recv(struct kc_rsp *r, char *out, size_t outlen, double deadline)
{
	for (;;) {
		int t = take(r, out, outlen);

		if (t)
			return t > 0 ? 0 : -1;
		if (mb_now() > deadline)
			return -1;
		if (fill(r, 100) < 0)
			return -1;
	}
}

int kc_rsp_cmd(struct kc_rsp *r, const char *payload, char *out,
	       size_t outlen, double deadline)
{
	if (kc_rsp_send(r, payload))
		return -1;
	return kc_rsp_recv(r, out, outlen, deadline);
}

int kc_rsp_read_mem(struct kc_rsp *r, uint64_t addr, void *buf, size_t len,
		    double deadline)
{
	unsigned char *b = buf;
	char cmd[64], rep[2 * 1024 + 16];

	while (len) {
		size_t n = len > 1024 ? 1024 : len;

		snprintf(cmd, sizeof(cmd), "m%llx,%zx",
			 (unsigned long long)addr, n);
		if (kc_rsp_cmd(r, cmd, rep, sizeof(rep), deadline) ||
		    strlen(rep) != 2 * n)
			return -1;
		if (mb_hex_decode(rep, 2 * n, b, n))
			return -1;
		b += n;
		addr += n;
		len -= n;
	}
	return 0;
}

/* A whole qXfer:features:read annex, or NULL. */
static char *read_annex(struct kc_rsp *r, const char *annex, double deadline)
{
	size_t len = 0, cap = 65536;
	char *all = malloc(cap), *rep = malloc(8192), cmd[160];

	if (!all || !rep)
		goto fail;
	for (;;) {
		size_t n;

		snprintf(cmd, sizeof(cmd), "qXfer:features:read:%s:%zx,%x",
			 annex, len, 4000);
		if (kc_rsp_cmd(r, cmd, rep, 8192, deadline) ||
		    (rep[0] != 'l' && rep[0] != 'm'))
			goto fail;
		n = strlen(rep + 1);
		if (len + n + 1 > cap) {
			char *a = realloc(all, 2 * (len + n + 1));

			if (!a)
				goto fail;
			all = a;
			cap = 2 * (len + n + 1);
		}
		memcpy(all + len, rep + 1, n);
		len += n;
		if (rep[0] == 'l' || !n)
			break;
	}
	all[len] = '\0';
	free(rep);
	return all;
fail:
	free(all);
	free(rep);
	return NULL;
}

/* regnum="N" of <reg name="NAME" ...> in an XML feature, or -1. */
static int find_regnum(const char *xml, const char *name)
{
	char key[80];
	const char *p, *e, *q;

	snprintf(key, sizeof(key), "name=\"%s\"", name);
	p = strstr(xml, key);
	if (!p)
		return -1;
	e = strchr(p, '>');
	q = strstr(p, "regnum=\"");
	if (!e || !q || q > e)
		return -1;
	return atoi(q + 8);
}

int kc_rsp_sysreg(struct kc_rsp *r, const char *name, double deadline)
{
	char *top = read_annex(r, "target.xml", deadline);
	const char *p;
	int num = -1;

	if (!top)
		return -1;
	/* every included feature: <xi:include href="x.xml"/> */
	for (p = top; num < 0 && (p = strstr(p, "href=\"")); ) {
		char annex[128];
		const char *e;
		char *x;

		p += 6;
		e = strchr(p, '"');
		if (!e || e - p >= (long)sizeof(annex))
			break;
		memcpy(annex, p, e - p);
		annex[e - p] = '\0';
		x = read_annex(r, annex, deadline);
		if (x)
			num = find_regnum(x, name);
		free(x);
	}
	if (num < 0)
		num = find_regnum(top, name);
	free(top);
	return num;
}
