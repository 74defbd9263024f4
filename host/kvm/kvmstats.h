/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM binary statistics (kvmstats.c): KVM_GET_STATS_FD contents (header,
 * names, descriptors, data) decoded by descriptor name.  The decoder sees
 * bytes only, so captured files test it.
 */
#ifndef MAPBENCH_KVMSTATS_H
#define MAPBENCH_KVMSTATS_H

#include <stddef.h>
#include <stdint.h>

#define MB_KSTAT_NAME	64
#define MB_KSTAT_MAX	128

struct mb_kstat {
	char name[MB_KSTAT_NAME];
	uint32_t flags;			/* KVM_STATS_TYPE/UNIT/BASE bits */
	int16_t exponent;
	uint16_t size;			/* > 1: a histogram, buckets summed */
	uint64_t value;
	uint64_t at;			/* offset of its data in the file */
};

struct mb_kstats {
	char id[MB_KSTAT_NAME];
	unsigned int nr;
	struct mb_kstat s[MB_KSTAT_MAX];
};

int mb_kstats_decode(const void *blob, size_t len, struct mb_kstats *out,
		     char *err, size_t errlen);
int mb_kstats_delta(const struct mb_kstats *before,
		    const struct mb_kstats *after, struct mb_kstats *delta,
		    char *err, size_t errlen);
int mb_kstats_read(int fd, void **blob, size_t *len);
const struct mb_kstat *mb_kstats_get(const struct mb_kstats *k,
				     const char *name);

#endif /* MAPBENCH_KVMSTATS_H */
