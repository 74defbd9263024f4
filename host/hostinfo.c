// SPDX-License-Identifier: GPL-2.0-only
/*
 * Facts about the host that move the numbers, read from /proc and /sys:
 * THP mode and PMD size, hugetlb sizes and pools, what guest RAM is
 * really backed with (smaps), peak RSS, CNTFRQ and MIDR.  The parsers take
 * text, so the unit tier feeds them captured files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "hostinfo.h"

#define THP_DIR		"/sys/kernel/mm/transparent_hugepage"
#define HUGETLB_DIR	"/sys/kernel/mm/hugepages"
#define SMAPS_MAX	(64u << 20)

static double process_start;

/* As early as this binary runs: "process start" for the overhead. */
__attribute__((constructor)) static void stamp_start(void)
{
	process_start = mb_now();
}

double mb_process_start(void)
{
	return process_start;
}

/* A small text file, NUL terminated; -1 if missing or empty. */
static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* The [selected] word of a sysfs choice list ("always [madvise] never"). */
int mb_bracketed(const char *text, char *out, size_t len)
{
	const char *a = strchr(text, '['), *b;

	if (!a || !len)
		return -1;
	b = strchr(a + 1, ']');
	if (!b || b == a + 1 || (size_t)(b - a - 1) >= len)
		return -1;
	memcpy(out, a + 1, b - a - 1);
	out[b - a - 1] = '\0';
	return 0;
}

int mb_thp_mode(char *buf, size_t len)
{
	char text[256];

	if (read_small(THP_DIR "/enabled", text, sizeof(text)))
		return -1;
	return mb_bracketed(text, buf, len);
}

uint64_t mb_thp_pmd_size(void)
{
	char text[64], *end;
	unsigned long long v;

	if (read_small(THP_DIR "/hpage_pmd_size", text, sizeof(text)))
		return 0;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || (v & (v - 1)))
		return 0;
	return v;
}

/* The sizes of /sys/kernel/mm/hugepages/hugepages-<N>kB, ascending. */
unsigned int mb_hugetlb_sizes(uint64_t *sizes, unsigned int max)
{
	DIR *d = opendir(HUGETLB_DIR);
	struct dirent *e;
	unsigned int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		unsigned long long kb;
		char tail[4];

		if (sscanf(e->d_name, "hugepages-%llukB%3s", &kb, tail) != 1 ||
		    !kb || kb > (UINT64_MAX >> 10))
			continue;
		sizes[n++] = (uint64_t)kb << 10;
	}
	closedir(d);
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j && sizes[j - 1] > sizes[j]; j--) {
			uint64_t t = sizes[j];

			sizes[j] = sizes[j - 1];
			sizes[j - 1] = t;
		}
	return n;
}

/* Hugepagesize from /proc/meminfo: what MAP_HUGETLB alone gets. */
uint64_t mb_hugetlb_default(void)
{
	char line[256];
	unsigned long long kb;
	uint64_t v = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %llu kB", &kb) == 1) {
			v = (uint64_t)kb << 10;
			break;
		}
	fclose(f);
	return v;
}

int mb_hugetlb_free(uint64_t size, uint64_t *free_pages)
{
	char path[128], text[64], *end;
	unsigned long long v;

	snprintf(path, sizeof(path), HUGETLB_DIR "/hugepages-%llukB/free_hugepages",
		 (unsigned long long)(size >> 10));
	if (read_small(path, text, sizeof(text)))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text)
		return -1;
	*free_pages = v;
	return 0;
}

/*
 * Sum the smaps fields of every VMA inside [start, end): the mapping of
 * one RAM bank may be several VMAs once madvise() has split it.
 * Returns 0 if at least one VMA was found.
 */
int mb_smaps_parse(const char *text, uint64_t start, uint64_t end,
		   struct mb_memuse *out)
{
	int in = 0, found = 0;
	const char *p = text;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		unsigned long long a, b, kb;
		char line[160];

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl ? nl + 1 : p + strlen(p);

		if (sscanf(line, "%llx-%llx ", &a, &b) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = a >= start && b <= end && a < b;
			found |= in;
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, "Rss: %llu kB", &kb) == 1)
			out->rss_kb += kb;
		else if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
			out->anon_huge_kb += kb;
		else if (sscanf(line, "Private_Hugetlb: %llu kB", &kb) == 1 ||
			 sscanf(line, "Shared_Hugetlb: %llu kB", &kb) == 1)
			out->hugetlb_kb += kb;
	}
	return found ? 0 : -1;
}

int mb_smaps_read(uint64_t start, uint64_t end, struct mb_memuse *out)
{
	int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	size_t cap = 1u << 16, have = 0;
	char *buf = NULL;
	int ret = -1;

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n;

		if (cap - have < 4096) {
			char *nb;

			if (cap >= SMAPS_MAX)
				goto out;
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto out;
			buf = nb;
			cap *= 2;
		} else if (!buf) {
			buf = malloc(cap);
			if (!buf)
				goto out;
		}
		n = read(fd, buf + have, cap - have - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (!n)
			break;
		have += n;
	}
	buf[have] = '\0';
	ret = mb_smaps_parse(buf, start, end, out);
out:
	free(buf);
	close(fd);
	return ret;
}

/* "VmHWM:     1234 kB" and friends from /proc/self/status. */
int mb_status_kb(const char *key, uint64_t *kb)
{
	char line[256];
	size_t klen = strlen(key);
	int ret = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		if (sscanf(line + klen + 1, " %llu kB", &v) == 1) {
			*kb = v;
			ret = 0;
		}
		break;
	}
	fclose(f);
	return ret;
}

/* Start VmHWM afresh, so each run reports its own peak. */
int mb_reset_hwm(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, "5", 1) == 1 ? 0 : -1;
	close(fd);
	return ret;
}

/* CNTFRQ_EL0 is readable from EL0 on arm64 Linux. */
uint64_t mb_host_cntfrq(void)
{
#ifdef __aarch64__
	uint64_t v;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
#else
	return 0;
#endif
}

int mb_cpu_midr(int cpu, uint64_t *midr)
{
	char path[128], text[64], *end;
	unsigned long long v;

	if (cpu < 0)
		return -1;
	snprintf(path, sizeof(path),
		 "/sys/devices/system/cpu/cpu%d/regs/identification/midr_el1",
		 cpu);
	if (read_small(path, text, sizeof(text)))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 16);
	if (errno || end == text || (*end && *end != '\n'))
		return -1;
	*midr = v;
	return 0;
}

/* Is cpu in a sysfs CPU list ("0-3,8,10-11\n")? -1 if it does not parse. */
int mb_cpulist_has(const char *list, int cpu)
{
	const char *p = list;
	int found = 0;

	while (*p && *p != '\n') {
		char *end;
		long a, b;

		errno = 0;
		a = strtol(p, &end, 10);
		if (errno || end == p || a < 0)
			return -1;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (errno || end == p + 1 || b < a)
				return -1;
			p = end;
		}
		if (cpu >= a && cpu <= b)
			found = 1;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -1;
	}
	return found;
}

/*
 * The perf PMU covering cpu: an event source with a "cpus" list (the
 * Arm core PMUs have one, uncore ones a "cpumask") holding it.
 */
int mb_pmu_for_cpu(int cpu, int *type, char *name, size_t len)
{
	DIR *d = opendir("/sys/bus/event_source/devices");
	struct dirent *e;
	int ret = -1;

	if (!d)
		return -1;
	while (ret && (e = readdir(d))) {
		char path[512], text[512], *end;
		long t;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path),
			 "/sys/bus/event_source/devices/%s/cpus", e->d_name);
		if (read_small(path, text, sizeof(text)) ||
		    mb_cpulist_has(text, cpu) != 1)
			continue;
		snprintf(path, sizeof(path),
			 "/sys/bus/event_source/devices/%s/type", e->d_name);
		if (read_small(path, text, sizeof(text)))
			continue;
		errno = 0;
		t = strtol(text, &end, 10);
		if (errno || end == text || t < 0 || t > INT32_MAX)
			continue;
		*type = (int)t;
		snprintf(name, len, "%s", e->d_name);
		ret = 0;
	}
	closedir(d);
	return ret;
}
