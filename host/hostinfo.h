/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Facts about the host (hostinfo.c), from /proc and /sys: THP, huge
 * pages, smaps, VmHWM, CNTFRQ, MIDR, CPU lists, PMUs.
 */
#ifndef MAPBENCH_HOSTINFO_H
#define MAPBENCH_HOSTINFO_H

#include <stddef.h>
#include <stdint.h>

/* What the host backed guest RAM with (smaps), summed over a range. */
struct mb_memuse {
	uint64_t rss_kb;		/* base and THP pages */
	uint64_t anon_huge_kb;		/* of which THP */
	uint64_t hugetlb_kb;		/* hugetlbfs pages (not in Rss) */
};

int mb_bracketed(const char *text, char *out, size_t len);
int mb_thp_mode(char *buf, size_t len);
uint64_t mb_thp_pmd_size(void);
unsigned int mb_hugetlb_sizes(uint64_t *sizes, unsigned int max);
uint64_t mb_hugetlb_default(void);
int mb_hugetlb_free(uint64_t size, uint64_t *free_pages);
int mb_smaps_parse(const char *text, uint64_t start, uint64_t end,
		   struct mb_memuse *out);
int mb_smaps_read(uint64_t start, uint64_t end, struct mb_memuse *out);
int mb_status_kb(const char *key, uint64_t *kb);
int mb_reset_hwm(void);
uint64_t mb_host_cntfrq(void);
int mb_cpu_midr(int cpu, uint64_t *midr);
int mb_cpulist_has(const char *list, int cpu);
int mb_pmu_for_cpu(int cpu, int *type, char *name, size_t len);
double mb_process_start(void);

#endif /* MAPBENCH_HOSTINFO_H */
