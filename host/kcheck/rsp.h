/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The GDB remote serial protocol, client side (kcheck/rsp.c): enough of
 * it to drive QEMU's gdbstub over a unix socket.
 */
#ifndef MAPBENCH_KCHECK_RSP_H
#define MAPBENCH_KCHECK_RSP_H

#include <stddef.h>
#include <stdint.h>

/* "$payload#cs" into out (escaping $#}*); returns its length or -1. */
int kc_rsp_encode(const char *payload, char *out, size_t outlen);
/* One packet from in[0..n): payload into out (NUL-terminated).
 * Returns bytes consumed (> 0), 0 need more, -1 bad checksum/format.
 * Leading '+', '-' and noise before '$' are consumed. */
int kc_rsp_decode(const char *in, size_t n, char *out, size_t outlen,
		  size_t *plen);
int kc_hex_le64(const char *hex, uint64_t *v);

struct kc_rsp {
	int fd;
	char in[65536];
	size_t in_len;
};

int kc_rsp_connect(struct kc_rsp *r, const char *path, double deadline,
		   char *err, size_t errlen);
void kc_rsp_close(struct kc_rsp *r);
int kc_rsp_send(struct kc_rsp *r, const char *payload);
/* Wait for one packet until deadline; 0 ok, -1 error/timeout. */
int kc_rsp_recv(struct kc_rsp *r, char *out, size_t outlen,
		double deadline);
/* A packet already buffered or readable now: 1, 0 none, -1 error. */
int kc_rsp_poll(struct kc_rsp *r, char *out, size_t outlen);
int kc_rsp_cmd(struct kc_rsp *r, const char *payload, char *out,
	       size_t outlen, double deadline);
int kc_rsp_read_mem(struct kc_rsp *r, uint64_t addr, void *buf, size_t len,
		    double deadline);
/* Register number of a system register from the target description. */
int kc_rsp_sysreg(struct kc_rsp *r, const char *name, double deadline);

#endif /* MAPBENCH_KCHECK_RSP_H */
