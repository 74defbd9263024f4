// SPDX-License-Identifier: GPL-2.0-only
/*
 * Values of the `mapbench run` options that shape the host side of a run
 * (backing, prefault, counts), and the checks that need all of them at
 * once: which options the chosen accelerator can honour, and whether a
 * --cpu is one this process may run on.  Parsers never exit: they return
 * -1 with a one-line reason, so the fuzzer can drive them.
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapbench.h"

/* Decimal digits only, min..max. */
int mb_parse_uint(const char *s, unsigned long min, unsigned long max,
		  unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* anon | thp | hugetlb[:SIZE] */
int mb_parse_backing(const char *s, struct mb_config *cfg, char *err,
		     size_t errlen)
{
	uint64_t sz;

	cfg->hugepage = 0;
	if (!strcmp(s, "anon")) {
		cfg->backing = MB_BACKING_ANON;
	} else if (!strcmp(s, "thp")) {
		cfg->backing = MB_BACKING_THP;
	} else if (!strcmp(s, "hugetlb")) {
		cfg->backing = MB_BACKING_HUGETLB;
	} else if (!strncmp(s, "hugetlb:", 8)) {
		/* any power of two a kernel offers: 64K .. 16G */
		if (mb_parse_size(s + 8, &sz) || (sz & (sz - 1)) ||
		    sz < (UINT64_C(64) << 10) || sz > (UINT64_C(16) << 30))
			return mb_errf(-1, err, errlen,
				    "--backing: '%.32s' is not a huge page size (2M, 32M, 1G, ...)",
				    s + 8);
		cfg->backing = MB_BACKING_HUGETLB;
		cfg->hugepage = sz;
	} else {
		return mb_errf(-1, err, errlen,
			    "--backing: '%.32s' is not anon, thp or hugetlb[:SIZE]",
			    s);
	}
	cfg->set |= MB_SET_BACKING;
	return 0;
}

int mb_parse_prefault(const char *s, struct mb_config *cfg, char *err,
		      size_t errlen)
{
	if (!strcmp(s, "none"))
		cfg->prefault = MB_PREFAULT_NONE;
	else if (!strcmp(s, "host"))
		cfg->prefault = MB_PREFAULT_HOST;
	else if (!strcmp(s, "guest"))
		cfg->prefault = MB_PREFAULT_GUEST;
	else
		return mb_errf(-1, err, errlen,
			    "--prefault: '%.32s' is not none, host or guest", s);
	cfg->set |= MB_SET_PREFAULT;
	return 0;
}

const char *mb_prefault_name(enum mb_prefault pf)
{
	switch (pf) {
	case MB_PREFAULT_HOST:
		return "host";
	case MB_PREFAULT_GUEST:
		return "guest";
	default:
		return "none";
	}
}

const char *mb_backing_name(const struct mb_config *cfg, char *buf,
			    size_t len)
{
	char sz[32];

	switch (cfg->backing) {
	case MB_BACKING_THP:
		return "thp";
	case MB_BACKING_HUGETLB:
		if (!cfg->hugepage)
			return "hugetlb";
		mb_format_size(cfg->hugepage, sz, sizeof(sz));
		snprintf(buf, len, "hugetlb:%s", sz);
		return buf;
	default:
		return "anon";
	}
}

/* "0-1,4" for messages. */
static void cpus_str(const cpu_set_t *set, char *buf, size_t len)
{
	size_t o = 0;
	int i = 0;

	buf[0] = '\0';
	while (i < CPU_SETSIZE && o < len) {
		int j;

		if (!CPU_ISSET(i, set)) {
			i++;
			continue;
		}
		for (j = i; j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, set); j++)
			;
		if (j > i)
			o += snprintf(buf + o, len - o, "%s%d-%d",
				      o ? "," : "", i, j);
		else
			o += snprintf(buf + o, len - o, "%s%d", o ? "," : "",
				      i);
		i = j + 1;
	}
}

/*
 * All options known: what the accelerator cannot honour is bad input,
 * said before anything runs.  Returns 0 or an MB_EXIT_* code.
 */
int mb_config_check(const struct mb_config *cfg, char *err, size_t errlen)
{
	const struct mb_params *p = &cfg->params;

	if (cfg->accel == MB_ACCEL_TCG) {
		if (cfg->set & MB_SET_BACKING)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				    "--backing is KVM-only: under TCG, QEMU allocates guest RAM itself");
		if (cfg->set & MB_SET_CPU)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				    "--cpu is KVM-only: under TCG the vCPU is a QEMU thread");
		if (cfg->window_exits)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				    "--window-exits is KVM-only: it samples KVM's exit counter");
		if (cfg->prefault == MB_PREFAULT_HOST)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				    "--prefault host is KVM-only: under TCG, QEMU owns guest RAM (--prefault guest works)");
	}
	if (cfg->backing == MB_BACKING_HUGETLB && cfg->hugepage) {
		for (unsigned int i = 0; i < p->nr_banks; i++) {
			const struct mb_bank *b = &p->banks[i];
			char sz[32];

			if ((b->base | b->size) & (cfg->hugepage - 1)) {
				mb_format_size(cfg->hugepage, sz, sizeof(sz));
				return mb_errf(MB_EXIT_USAGE, err, errlen,
					    "--backing hugetlb:%s: RAM bank %u at 0x%llx+0x%llx is not %s aligned",
					    sz, i,
					    (unsigned long long)b->base,
					    (unsigned long long)b->size, sz);
			}
		}
	}
	if (cfg->set & MB_SET_CPU) {
		cpu_set_t set;
		char cpus[128];

		CPU_ZERO(&set);
		if (sched_getaffinity(0, sizeof(set), &set))
			return mb_errf(MB_EXIT_VMM, err, errlen,
				    "sched_getaffinity: %s",
				    strerror(errno));
		if (cfg->cpu < 0 || cfg->cpu >= CPU_SETSIZE ||
		    !CPU_ISSET(cfg->cpu, &set)) {
			cpus_str(&set, cpus, sizeof(cpus));
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				    "--cpu %d: this process may run on CPUs %s only",
				    cfg->cpu, cpus);
		}
	}
	return 0;
}
