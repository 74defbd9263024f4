/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --window-exits (winexits.c): the vCPU's exits sampled from a second
 * thread, and the least and most the record's window can hold.
 */
#ifndef MAPBENCH_WINEXITS_H
#define MAPBENCH_WINEXITS_H

#include <stdint.h>

struct mb_wx_sample {
	uint64_t lo, hi;		/* host CNTVCT around the read */
	uint64_t exits;
};
struct mb_wx;
uint64_t mb_host_cntvct(void);
struct mb_wx *mb_wx_start(int fd, uint64_t at, const void *cpus);
unsigned int mb_wx_stop(struct mb_wx *w, const struct mb_wx_sample **s);
void mb_wx_free(struct mb_wx *w);
int mb_wx_count(const struct mb_wx_sample *s, unsigned int n,
		uint64_t start, uint64_t end, uint64_t slack, uint64_t *min,
		uint64_t *max);

#endif /* MAPBENCH_WINEXITS_H */
