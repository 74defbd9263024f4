// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one place a run's options are settled (options.h): `mapbench run`'s
 * arguments parsed, every value checked, the options checked against
 * each other (what the accelerator cannot honour, a --cpu this process
 * may not use), the layout and the guest ELF checked, the defaults filled
 * in.  Nothing here exits or prints: errors are one line and an MB_EXIT_*
 * code, so the fuzzer drives it like the CLI does.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "record.h"
#include "loader.h"
#include "layout.h"
#include "options.h"
#include "cpufeat.h"
#include "kimage.h"

const struct mb_okey_info mb_okeys[MB_OKEY_NR] = {
	[MB_OKEY_BACKING] = { "backing", "backing", "anon" },
	[MB_OKEY_PREFAULT] = { "prefault", "prefault", "none" },
	[MB_OKEY_LAYOUT] = { "layout", "layout", "mem" },
	[MB_OKEY_CPU] = { "cpu", "cpu", NULL },
	[MB_OKEY_GRANULE] = { "granule", "granule", "4K" },
	[MB_OKEY_VA_BITS] = { "va_bits", "va-bits", "48" },
	[MB_OKEY_PMU] = { "pmu", "pmu", "no" },
	[MB_OKEY_ITERATIONS] = { "iterations", "iterations", "1" },
	[MB_OKEY_FORCE_BBML2] = { "force_bbml2", "force-bbml2", "no" },
	[MB_OKEY_TCG_CPU] = { "tcg_cpu", "tcg-cpu", "max" },
	[MB_OKEY_KERNEL_IMAGE] = { "kernel_image", "kernel-image", "default" },
};

/* anon | thp | hugetlb[:SIZE] */
int mb_parse_backing(const char *s, struct mb_run_opts *o, char *err,
		     size_t errlen)
{
	uint64_t sz;

	o->hugepage = 0;
	if (!strcmp(s, "anon")) {
		o->backing = MB_BACKING_ANON;
	} else if (!strcmp(s, "thp")) {
		o->backing = MB_BACKING_THP;
	} else if (!strcmp(s, "hugetlb")) {
		o->backing = MB_BACKING_HUGETLB;
	} else if (!strncmp(s, "hugetlb:", 8)) {
		/* any power of two a kernel offers: 64K .. 16G */
		if (mb_parse_size(s + 8, &sz) || (sz & (sz - 1)) ||
		    sz < (UINT64_C(64) << 10) || sz > (UINT64_C(16) << 30))
			return mb_errf(-1, err, errlen,
				       "--backing: '%.32s' is not a huge page size (2M, 32M, 1G, ...)",
				       s + 8);
		o->backing = MB_BACKING_HUGETLB;
		o->hugepage = sz;
	} else {
		return mb_errf(-1, err, errlen,
			       "--backing: '%.32s' is not anon, thp or hugetlb[:SIZE]",
			       s);
	}
	o->set |= MB_SET_BACKING;
	return 0;
}

int mb_parse_prefault(const char *s, struct mb_run_opts *o, char *err,
		      size_t errlen)
{
	if (!strcmp(s, "none"))
		o->prefault = MB_PREFAULT_NONE;
	else if (!strcmp(s, "host"))
		o->prefault = MB_PREFAULT_HOST;
	else if (!strcmp(s, "guest"))
		o->prefault = MB_PREFAULT_GUEST;
	else
		return mb_errf(-1, err, errlen,
			       "--prefault: '%.32s' is not none, host or guest",
			       s);
	o->set |= MB_SET_PREFAULT;
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

const char *mb_backing_name(const struct mb_run_opts *o, char *buf,
			    size_t len)
{
	char sz[32];

	switch (o->backing) {
	case MB_BACKING_THP:
		return "thp";
	case MB_BACKING_HUGETLB:
		if (!o->hugepage)
			return "hugetlb";
		mb_format_size(o->hugepage, sz, sizeof(sz));
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
int mb_run_opts_check(const struct mb_run_opts *o, char *err, size_t errlen)
{
	if (o->accel == MB_ACCEL_TCG) {
		if (o->set & MB_SET_BACKING)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--backing is KVM-only: under TCG, QEMU allocates guest RAM itself");
		if (o->set & MB_SET_CPU)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--cpu is KVM-only: under TCG the vCPU is a QEMU thread");
		if (o->window_exits)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--window-exits is KVM-only: it samples KVM's exit counter");
		if (o->prefault == MB_PREFAULT_HOST)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--prefault host is KVM-only: under TCG, QEMU owns guest RAM (--prefault guest works)");
	} else if (o->set & MB_SET_TCG_CPU) {
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "--tcg-cpu is TCG-only: under KVM the vCPU is the host's CPU");
	}
	if (o->params.page_shift &&
	    !(mb_strategy_granules(o->params.strategy) &
	      MB_GRANULE_BIT(o->params.page_shift)))
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "strategy %s does not run with %s pages (mapbench list)",
			       mb_strategy_name(o->params.strategy),
			       mb_granule_name(o->params.page_shift));
	if (o->force_bbml2 && !mb_strategy_asks_bbml(o->params.strategy))
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "--force-bbml2: strategy %s does not ask the CPU for BBML2 (bbml2-*, v6.18 and v7.2 do)",
			       mb_strategy_name(o->params.strategy));
	/* an explicit huge page size is known now; the host's default
	 * only in the KVM backend, which checks that one */
	if (o->backing == MB_BACKING_HUGETLB && o->hugepage) {
		const struct mb_params *p = &o->params;
		int i = mb_layout_misaligned(p->banks, p->nr_banks,
					     o->hugepage);
		char sz[32];

		if (i >= 0) {
			mb_format_size(o->hugepage, sz, sizeof(sz));
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--backing hugetlb:%s: RAM bank %d at 0x%llx+0x%llx is not %s aligned",
				       sz, i,
				       (unsigned long long)p->banks[i].base,
				       (unsigned long long)p->banks[i].size,
				       sz);
		}
	}
	if (o->set & MB_SET_CPU) {
		cpu_set_t set;
		char cpus[128];

		CPU_ZERO(&set);
		if (sched_getaffinity(0, sizeof(set), &set))
			return mb_errf(MB_EXIT_VMM, err, errlen,
				       "sched_getaffinity: %s",
				       strerror(errno));
		if (o->cpu < 0 || o->cpu >= CPU_SETSIZE ||
		    !CPU_ISSET(o->cpu, &set)) {
			cpus_str(&set, cpus, sizeof(cpus));
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--cpu %d: this process may run on CPUs %s only",
				       o->cpu, cpus);
		}
	}
	return 0;
}

static int parse_inject(const char *s, struct mb_params *p, char *err,
			size_t errlen)
{
	if (!strcmp(s, "fault"))
		p->flags |= MB_PF_INJECT_FAULT;
	else if (!strcmp(s, "hang"))
		p->flags |= MB_PF_INJECT_HANG;
	else if (!strcmp(s, "bad-record"))
		p->flags |= MB_PF_INJECT_BADREC;
	else if (!strcmp(s, "early-fault"))
		p->flags |= MB_PF_INJECT_EARLY;
	else
		return mb_errf(-1, err, errlen,
			       "--inject: '%s' is not fault, early-fault, hang or bad-record",
			       s);
	return 0;
}

/* RAM: --mem SIZE (one bank at MB_RAM_BASE) or --layout, not both. */
static int settle_ram(struct mb_run_opts *o, uint64_t mem, const char *layout,
		      const struct mb_run_env *env, char *err, size_t errlen)
{
	struct mb_params *p = &o->params;
	char why[MB_ERRLEN];

	if (mem && layout)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "--mem and --layout exclude each other (a layout gives the sizes)");
	if (!mem && !layout)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "run needs --mem SIZE or --layout");
	if (layout) {
		if (mb_layout_resolve(layout, env->preset_dir, p->banks,
				      &p->nr_banks, why, sizeof(why)))
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--layout: %s", why);
		snprintf(o->layout, sizeof(o->layout), "%s", layout);
		return 0;
	}
	if (mem < MB_MIN_RAM)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "--mem: %" PRIu64 " MiB is below the 64 MiB minimum",
			       mem >> 20);
	p->nr_banks = 1;
	p->banks[0].base = MB_RAM_BASE;
	p->banks[0].size = mem;
	if (mb_layout_check(p->banks, p->nr_banks, why, sizeof(why)))
		return mb_errf(MB_EXIT_USAGE, err, errlen, "--mem: %s", why);
	return 0;
}

unsigned int mb_strategy_granules(unsigned int strategy)
{
	(void)strategy;		/* every strategy's idea carries over */
	return MB_GRANULE_4K | MB_GRANULE_16K | MB_GRANULE_64K;
}

void mb_granules_str(unsigned int mask, char *buf, size_t len)
{
	static const unsigned int shifts[] = { 12, 14, 16 };
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < 3 && n < len; i++)
		if (mask & MB_GRANULE_BIT(shifts[i]))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      mb_granule_name(shifts[i]));
}

int mb_strategy_needs_bbml2(unsigned int strategy)
{
	return strategy == MB_STRAT_bbml2_blocks ||
	       strategy == MB_STRAT_bbml2_repaint;
}

int mb_strategy_asks_bbml(unsigned int strategy)
{
	return mb_strategy_needs_bbml2(strategy) ||
	       strategy == MB_STRAT_v6_18 || strategy == MB_STRAT_v7_2;
}

int mb_bbml_block_path(const struct mb_run_opts *o,
		       const struct mb_cpu_ids *id)
{
	char why[MB_ERRLEN];

	switch (o->params.strategy) {
	case MB_STRAT_v6_18:
		return o->force_bbml2 ||
		       mb_cpu_bbml2_noabort(id, why, sizeof(why));
	case MB_STRAT_v7_2:
		return o->force_bbml2 || mb_cpu_bbml3(id, why, sizeof(why));
	default:
		return 0;
	}
}

int mb_guest_for(const char *default_elf, unsigned int page_shift,
		 unsigned int va_bits, char *buf, size_t len)
{
	const char *slash = strrchr(default_elf, '/');
	int dir = slash ? (int)(slash - default_elf) + 1 : 0;
	int n;

	if (page_shift == 12 && va_bits == 48)
		n = snprintf(buf, len, "%s", default_elf);
	else
		n = snprintf(buf, len, "%.*smapbench-guest-%dk-va%u.elf", dir,
			     default_elf, 1 << (page_shift - 10), va_bits);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * --granule / --va-bits: a combination the kernel's Kconfig offers, and
 * the image built for it beside the default guest, unless --guest names
 * one (then its info must agree with what was asked).
 */
static int pick_guest(struct mb_run_opts *o, const struct mb_run_env *env,
		      char *err, size_t errlen)
{
	unsigned int shift = o->set & MB_SET_GRANULE ? o->want_shift : 12;
	unsigned int va = o->set & MB_SET_VA_BITS ? o->want_va : 48;

	if (!(o->set & (MB_SET_GRANULE | MB_SET_VA_BITS)))
		return 0;
	if (!mb_va_bits_valid(shift, va))
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "--va-bits %u: the kernel offers %s with %s pages",
			       va, mb_va_bits_list(shift),
			       mb_granule_name(shift));
	o->want_shift = shift;
	o->want_va = va;
	/* what the CPU is asked for; the image must agree (check_guest) */
	o->params.page_shift = shift;
	o->params.va_bits = va;
	if (o->guest_elf)
		return 0;
	if (mb_guest_for(env->guest_elf, shift, va, o->guest_buf,
			 sizeof(o->guest_buf)))
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "guest ELF path too long");
	o->guest_elf = o->guest_buf;
	return 0;
}

/*
 * The guest ELF, once, before any VM or QEMU exists: readable, and its
 * segments fit the RAM (checked without loading: no hva).  QEMU would
 * boot any other file as a raw Image and hang until the timeout.
 */
static int check_guest(struct mb_run_opts *o, char *err, size_t errlen)
{
	struct mb_params *p = &o->params;
	struct mb_image_info info;
	struct mb_ram ram = {
		.gpa = MB_RAM_BASE,
		.size = mb_layout_top(p->banks, p->nr_banks) - MB_RAM_BASE,
	};
	uint64_t entry;

	if (access(o->guest_elf, R_OK) && o->guest_elf == o->guest_buf)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "no guest image for %s/%u: '%s' not found (build it with make)",
			       mb_granule_name(o->want_shift), o->want_va,
			       o->guest_elf);
	if (access(o->guest_elf, R_OK))
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "guest ELF '%s' not found (build it with make)",
			       o->guest_elf);
	if (mb_elf_load(o->guest_elf, &ram, &entry, &info, err, errlen))
		return MB_EXIT_USAGE;
	if ((o->set & (MB_SET_GRANULE | MB_SET_VA_BITS)) &&
	    (info.page_shift != o->want_shift || info.va_bits != o->want_va))
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "guest ELF '%s' is built for %s/%u, not %s/%u (--granule, --va-bits)",
			       o->guest_elf, mb_granule_name(info.page_shift),
			       info.va_bits, mb_granule_name(o->want_shift),
			       o->want_va);
	p->page_shift = info.page_shift;
	p->va_bits = info.va_bits;
	return 0;
}

/*
 * Under TCG the vCPU is a QEMU model whose ID registers are known
 * without starting it: the same checks the KVM backend makes on the
 * vCPU's registers (vmm.c), before QEMU starts.
 */
static int check_tcg_cpu(const struct mb_run_opts *o, char *err,
			 size_t errlen)
{
	const struct mb_cpu_ids *id = mb_tcg_cpu_ids(o->tcg_cpu);
	const struct mb_params *p = &o->params;
	int ret;

	if (!id)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "--tcg-cpu: '%.40s' is not one of %s",
			       o->tcg_cpu, mb_tcg_cpu_models());
	ret = mb_cpu_granule_check(id, p->page_shift, p->va_bits, err,
				   errlen);
	if (ret)
		return ret;
	return mb_bbml2_check(o, id, err, errlen);
}

int mb_bbml2_check(const struct mb_run_opts *o, const struct mb_cpu_ids *id,
		   char *err, size_t errlen)
{
	char why[MB_ERRLEN];

	if (!mb_strategy_needs_bbml2(o->params.strategy) || o->force_bbml2 ||
	    mb_cpu_bbml2_noabort(id, why, sizeof(why)))
		return 0;
	return mb_errf(MB_EXIT_HOST, err, errlen,
		       "%s: no %s (--force-bbml2 runs it anyway)",
		       why, mb_strategy_name(o->params.strategy));
}

/* What the arguments say beyond the options themselves. */
struct run_args {
	uint64_t mem;			/* --mem, 0: not given */
	const char *layout;		/* --layout, NULL: not given */
	int accel_set;			/* --accel given */
	const char *kernel_image;	/* --kernel-image, NULL: default */
};

/* One option and its value (NULL for flags); 0 or an MB_EXIT_* code. */
static int parse_opt(int c, const char *arg, struct mb_run_opts *o,
		     struct run_args *a, char *err, size_t errlen)
{
	struct mb_params *p = &o->params;
	unsigned long n;
	int v;

	switch (c) {
	case 'm':
		if (mb_parse_size(arg, &a->mem))
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--mem: '%s' is not a size (e.g. 1G, 512M, 1T)",
				       arg);
		break;
	case 's':
		v = mb_strategy_from_name(arg);
		if (v < 0)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "unknown strategy '%s' (mapbench list shows them)",
				       arg);
		p->strategy = (uint32_t)v;
		break;
	case 'r':
		v = mb_rodata_from_name(arg);
		if (v < 0)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--rodata: '%s' is not full, on or off",
				       arg);
		p->rodata = (uint32_t)v;
		break;
	case 'a':
		if (!strcmp(arg, "kvm"))
			o->accel = MB_ACCEL_KVM;
		else if (!strcmp(arg, "tcg"))
			o->accel = MB_ACCEL_TCG;
		else
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--accel: '%s' is not kvm or tcg", arg);
		a->accel_set = 1;
		break;
	case 'j':
		o->json_path = arg;
		break;
	case 'g':
		o->guest_elf = arg;
		break;
	case 't':
		if (mb_parse_uint(arg, 1, 86400, &n))
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--timeout: '%s' is not a number of seconds (1..86400)",
				       arg);
		o->timeout_s = (unsigned int)n;
		break;
	case 'q':
		o->qemu = arg;
		break;
	case 'v':
		o->verbose = 1;
		break;
	case 'K':
		/* an early KFENCE pool: 2 MiB by default (255 objects), as
		 * CONFIG_KFENCE_NUM_OBJECTS=255 gives */
		p->kfence_size = 2ULL << 20;
		if (arg && (mb_parse_size(arg, &p->kfence_size) ||
			    p->kfence_size & 0xfff ||
			    p->kfence_size > (1ULL << 30)))
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--kfence: '%s' is not a page-aligned size up to 1G",
				       arg);
		break;
	case 'i':
		if (parse_inject(arg, p, err, errlen))
			return MB_EXIT_USAGE;
		break;
	case 'D':
		o->deterministic = 1;
		break;
	case 'L':
		a->layout = arg;
		break;
	case 'B':
		if (mb_parse_backing(arg, o, err, errlen))
			return MB_EXIT_USAGE;
		break;
	case 'P':
		if (mb_parse_prefault(arg, o, err, errlen))
			return MB_EXIT_USAGE;
		break;
	case 'c':
		if (mb_parse_uint(arg, 0, 4095, &n))
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--cpu: '%s' is not a CPU number", arg);
		o->cpu = (int)n;
		o->set |= MB_SET_CPU;
		break;
	case 'p':
		o->pmu = 1;
		p->flags |= MB_PF_PMU;
		break;
	case 'R':
		if (mb_parse_uint(arg, 1, 1000, &n))
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--repeat: '%s' is not 1..1000", arg);
		o->repeat = (unsigned int)n;
		break;
	case 'I':
		if (mb_parse_uint(arg, 1, MB_MAX_ITERS, &n))
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--iterations: '%s' is not 1..%d", arg,
				       MB_MAX_ITERS);
		p->iterations = (uint32_t)n;
		break;
	case 'W':
		o->window_exits = 1;
		break;
	case 'C':
		p->flags |= MB_PF_NO_CALIBRATE;
		break;
	case 'G':
		v = mb_granule_parse(arg);
		if (v < 0)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--granule: '%s' is not 4K, 16K or 64K",
				       arg);
		o->want_shift = (unsigned int)v;
		o->set |= MB_SET_GRANULE;
		break;
	case 'V':
		if (mb_parse_uint(arg, 1, 64, &n))
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--va-bits: '%s' is not a number of bits (36 .. 52)",
				       arg);
		o->want_va = (unsigned int)n;
		o->set |= MB_SET_VA_BITS;
		break;
	case 'F':
		o->force_bbml2 = 1;
		break;
	case 'U':
		o->tcg_cpu = arg;
		o->set |= MB_SET_TCG_CPU;
		break;
	case 'X':
		if (!*arg)
			return mb_errf(MB_EXIT_USAGE, err, errlen,
				       "--kernel-image: empty (default, guest or an Image, vmlinux or System.map)");
		a->kernel_image = arg;
		break;
	}
	return 0;
}

/* The defaults of everything the arguments may leave out. */
static void run_opts_init(struct mb_run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cpu = -1;
	o->repeat = 1;
	o->timeout_s = MB_DEFAULT_TIMEOUT_S;
	o->backing = MB_BACKING_ANON;
	o->prefault = MB_PREFAULT_NONE;
	o->params.strategy = MB_STRAT_base;
	o->params.rodata = MB_RODATA_FULL;
	o->tcg_cpu = MB_DEFAULT_TCG_CPU;
}

/* The kernel image modelled (kimage.h), once the granule is known. */
static int settle_kimage(struct mb_run_opts *o, const char *arg, char *err,
			 size_t errlen)
{
	struct mb_params *p = &o->params;
	int ret;

	if (!arg || !strcmp(arg, "default"))
		mb_kimage_default(p->strategy, p->page_shift, &o->kimage);
	else if (!strcmp(arg, "guest"))
		o->kimage = (struct mb_kimage){ .source = MB_KIMAGE_GUEST,
						.name = "the guest's own" };
	else if ((ret = mb_kimage_from_file(arg, &o->kimage, err, errlen)))
		return ret;
	return mb_kimage_params(&o->kimage, p, err, errlen);
}

/* After the arguments: what follows from them, and the checks that need
 * all of them. */
static int settle(struct mb_run_opts *o, const struct run_args *a,
		  const struct mb_run_env *env, char *err, size_t errlen)
{
	struct mb_params *p = &o->params;
	int ret;

	ret = settle_ram(o, a->mem, a->layout, env, err, errlen);
	if (ret)
		return ret;
	if (o->prefault == MB_PREFAULT_GUEST)
		p->flags |= MB_PF_PREFAULT;
	if (!o->verbose)
		p->flags |= MB_PF_QUIET;
	mb_params_finish(p);

	if (o->deterministic && a->accel_set && o->accel != MB_ACCEL_TCG)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "--deterministic needs --accel tcg (QEMU icount)");
	if (o->deterministic)
		o->accel = MB_ACCEL_TCG;
	else if (!a->accel_set)
		o->accel = env->kvm_usable ? MB_ACCEL_KVM : MB_ACCEL_TCG;
	ret = pick_guest(o, env, err, errlen);
	if (ret)
		return ret;
	if (!o->guest_elf)
		o->guest_elf = env->guest_elf;
	if (!o->qemu || !*o->qemu)
		o->qemu = MB_DEFAULT_QEMU;
	ret = mb_run_opts_check(o, err, errlen);
	if (ret)
		return ret;
	/* what the CPU cannot do is said first, whatever is built: the
	 * granule asked for (else the image's, known after the check) */
	if (o->accel == MB_ACCEL_TCG && p->page_shift) {
		ret = check_tcg_cpu(o, err, errlen);
		if (ret)
			return ret;
	}
	ret = check_guest(o, err, errlen);
	if (!ret)
		ret = settle_kimage(o, a->kernel_image, err, errlen);
	if (ret || o->accel != MB_ACCEL_TCG)
		return ret;
	return check_tcg_cpu(o, err, errlen);
}

static const struct mb_opt run_opts[] = {
	MB_OPT("mem", 'm', true, required_argument, "SIZE", MB_ARG_NONE, NULL,
		"Guest RAM, one bank at 0x40000000: 64M .. 1T and beyond "
		"(K, M, G, T suffixes). Only page-table pages are touched, "
		"so a 1 TiB guest runs on a host with a few GiB."),
	MB_OPT("layout", 'L', false, required_argument, "SPEC|PRESET|FILE",
		MB_ARG_LAYOUT, NULL,
		"Several banks with holes instead of --mem, each its own "
		"memslot and memblock range: BASE:SIZE or [Nx]SIZE[@gap=GAP] "
		"items, comma-separated (2x64G@gap=64G); the first bank at "
		"0x40000000 holding 64M; up to 8 banks. A name is a preset "
		"(configs/layouts/NAME.layout: altra-2s, m2-vm, qemu-virt); a "
		"path with a '/' is such a file."),
	MB_OPT("strategy", 's', true, required_argument, "NAME",
		MB_ARG_STRATEGY, NULL,
		"How the linear map is built (default base, v6.9-rc1's "
		"map_mem()); mapbench list shows them all."),
	MB_OPT("rodata", 'r', true, required_argument, "full|on|off",
		MB_ARG_CHOICE, "full|on|off",
		"The kernel's rodata= mode: full (default: page mappings), on "
		"or off (block and contiguous mappings)."),
	MB_OPT("accel", 'a', true, required_argument, "kvm|tcg",
		MB_ARG_CHOICE, "kvm|tcg",
		"kvm (the default where /dev/kvm is an arm64 KVM) or tcg "
		"(QEMU, labelled emulated)."),
	MB_OPT("deterministic", 'D', false, no_argument, NULL, MB_ARG_NONE,
		NULL,
		"QEMU TCG with -icount shift=0,sleep=off: CNTVCT counts guest "
		"instructions, the same ticks every time (for CI gates; the "
		"times are emulated). Implies --accel tcg."),
	MB_OPT("json", 'j', true, required_argument, "FILE", MB_ARG_FILE,
		NULL,
		"The full record, one JSON object per run and per line, "
		"written atomically (mapbench-json(5))."),
	MB_OPT("guest", 'g', true, required_argument, "ELF", MB_ARG_FILE,
		NULL,
		"The guest image (default $MAPBENCH_GUEST, else the one "
		"installed or built beside the binary for the granule and VA "
		"size); its granule and VA size are the run's."),
	MB_OPT("timeout", 't', true, required_argument, "SECONDS",
		MB_ARG_NONE, NULL,
		"Wall-clock limit of one run, 1..86400 (default 900)."),
	MB_OPT("qemu", 'q', true, required_argument, "PATH", MB_ARG_FILE,
		NULL, "The QEMU binary for TCG (default qemu-system-aarch64)."),
	MB_OPT("kfence", 'K', false, optional_argument, "SIZE", MB_ARG_NONE,
		NULL,
		"An early KFENCE pool (default 2M, page-aligned, up to 1G), "
		"mapped last without blocks or contiguous ranges as the "
		"kernel does."),
	MB_OPT("backing", 'B', false, required_argument,
		"anon|thp|hugetlb[:SIZE]", MB_ARG_CHOICE, "anon|thp|hugetlb",
		"KVM only: what backs guest RAM: anon (default, base pages), "
		"thp, or hugetlb from the host's pool (its default size, or "
		"2M, 32M, 1G, ...). What the host gave is read back from "
		"smaps; a request it cannot honour is an error (exit 5), "
		"never a fallback."),
	MB_OPT("prefault", 'P', false, required_argument, "none|host|guest",
		MB_ARG_CHOICE, "none|host|guest",
		"none (default); host (KVM only): MADV_POPULATE_WRITE of the "
		"image and of the top of RAM where the page tables go; guest: "
		"the untimed counting pass runs first, so the window touches "
		"only faulted-in pages."),
	MB_OPT("cpu", 'c', false, required_argument, "N", MB_ARG_NONE, NULL,
		"KVM only: pin the vCPU thread to host CPU N (the vCPU is "
		"created there). The CPU it ran on and its MIDR are recorded "
		"either way."),
	MB_OPT("pmu", 'p', false, no_argument, NULL, MB_ARG_NONE, NULL,
		"Also read PMCCNTR_EL0 around each build (KVM: a vPMU, exit 5 "
		"where the host has none; with --cpu, the PMU of that CPU)."),
	MB_OPT("iterations", 'I', false, required_argument, "K",
		MB_ARG_NONE, NULL,
		"Build the map K times (1..16) in the same guest: the first "
		"build is the cold one, the others warm."),
	MB_OPT("repeat", 'R', false, required_argument, "N", MB_ARG_NONE,
		NULL,
		"N runs of the point (1..1000), each in a fresh VM; one record "
		"per run."),
	MB_OPT("window-exits", 'W', false, no_argument, NULL, MB_ARG_NONE,
		NULL,
		"KVM only: count the KVM exits inside the cold build's timed "
		"window (a sampling thread; a diagnostic)."),
	MB_OPT("no-calibrate", 'C', false, no_argument, NULL, MB_ARG_NONE,
		NULL,
		"Skip the unit costs and the floor the guest measures after "
		"verification (the record's calibration)."),
	MB_OPT("granule", 'G', false, required_argument, "4K|16K|64K",
		MB_ARG_CHOICE, "4K|16K|64K",
		"The kernel's page size (default 4K; alone, VA 48). Each "
		"granule and VA size is its own guest image; what the vCPU "
		"lacks is refused with exit 5."),
	MB_OPT("va-bits", 'V', false, required_argument, "N", MB_ARG_CHOICE,
		"36|39|42|47|48|52",
		"The kernel's VA size: 4K: 39, 48, 52; 16K: 36, 47, 48, 52; "
		"64K: 42, 48, 52 (default 48; alone, 4K)."),
	MB_OPT("force-bbml2", 'F', false, no_argument, NULL, MB_ARG_NONE,
		NULL,
		"Run bbml2-blocks and bbml2-repaint on a CPU the kernel would "
		"not use BBML2_NOABORT on, and make v6.18 and v7.2 take their "
		"block path; the record, the summary and every table say "
		"FORCED."),
	MB_OPT("tcg-cpu", 'U', false, required_argument, "MODEL",
		MB_ARG_CHOICE,
		"max|max,lpa2=off|cortex-a53|cortex-a57|cortex-a72|cortex-a76|neoverse-n1",
		"TCG only: QEMU's -cpu (default max); the feature checks use "
		"the model's ID registers as QEMU 7.2 sets them."),
	MB_OPT("kernel-image", 'X', false, required_argument,
		"default|guest|FILE", MB_ARG_FILE, NULL,
		"The kernel image whose extent the map carves out: default "
		"(the strategy's reference kernel as Debian builds it: 6.1, "
		"6.12, 6.18 or 7.3), guest (the guest's own 256 KiB image), or "
		"an Image whose symbols kernel-check cached, a vmlinux or a "
		"System.map."),
	MB_OPT("inject", 'i', true, required_argument,
		"fault|early-fault|hang|bad-record", MB_ARG_CHOICE,
		"fault|early-fault|hang|bad-record",
		"For the tests: the guest faults (after or before the MMU is "
		"on), hangs, or hands back a corrupt record."),
	MB_OPT("verbose", 'v', true, no_argument, NULL, MB_ARG_NONE, NULL,
		"Show the guest console; on stderr, the host's overhead of the "
		"first run."),
	MB_OPT_HELP,
	MB_OPT_END
};

const struct mb_cmd mb_run_cmd = {
	.name = "run",
	.summary = "build the kernel's linear map in a guest, time it and "
		   "check it",
	.synopsis = "--mem SIZE|--layout SPEC",
	.text = "Boots a minimal arm64 guest on /dev/kvm (arm64 hosts) or "
		"under QEMU TCG (anywhere; the record and the summary say "
		"EMULATED). The guest builds its linear map with the chosen "
		"strategy exactly as the kernel's map_mem() would (the same "
		"descriptors, barriers, TLB invalidations and fixmap "
		"traffic), times it with CNTVCT, counts every operation in a "
		"separate untimed pass, verifies the map and hands back a "
		"record.\n\n"
		"One line per run goes to standard output; --json writes the "
		"whole record.",
	.opts = run_opts,
};

int mb_run_opts_parse(int argc, char **argv, const struct mb_run_env *env,
		      struct mb_run_opts *o, char *err, size_t errlen)
{
	struct mb_getopt g = { 0 };
	struct run_args a = { 0 };
	int c, ret;

	run_opts_init(o);
	while ((c = mb_getopt(&mb_run_cmd, &g, argc, argv)) != -1) {
		if (c == '?' || c == ':')
			return mb_opt_errf(MB_EXIT_USAGE, c, argv, "run", err,
					   errlen);
		if (c == 'h') {
			o->help = 1;
			return 0;
		}
		ret = parse_opt(c, optarg, o, &a, err, errlen);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "unexpected argument '%s'", argv[optind]);
	return settle(o, &a, env, err, errlen);
}
