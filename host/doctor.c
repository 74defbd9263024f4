// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench doctor: what this host can run and what it cannot, each with
 * the reason and the fix, as text or as one JSON record (which
 * lava-board can print into a job log).  Exit 0 when the default
 * `make run` works here: KVM on an arm64 host with a usable /dev/kvm,
 * else QEMU TCG; MB_EXIT_HOST when neither does.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>

#include "util.h"
#include "options.h"
#include "hostinfo.h"
#include "tcg.h"
#include "cli.h"
#include "cpufeat.h"
#include "kvm/kvm_probe.h"

static const struct mb_opt doctor_opts[] = {
	MB_FLAG("json", 'j', false, "Print the findings as one JSON record "
		"(what lava-board prints into the job log)."),
	MB_OPT("qemu", 'q', false, required_argument, "PATH", MB_ARG_FILE,
	       NULL, "The QEMU binary TCG would use (default "
	       "qemu-system-aarch64)."),
	MB_OPT_HELP,
	MB_OPT_END
};

const struct mb_cmd mb_doctor_cmd = {
	.name = "doctor",
	.summary = "what this host can run, and why not",
	.text = "Checks, with the checks run makes: /dev/kvm and its "
		"permissions, the KVM IPA size and so the largest guest RAM, "
		"the vPMU, the vCPU's granules, VA sizes, LPA2, BBML2 and "
		"BBML3, hugetlb pools and THP, the counter frequency, QEMU for "
		"TCG, the guest images, the kernels kernel-check has cached. "
		"Each line says what holds, and for what does not, the reason "
		"and the fix.",
	.exits = "0 when the default `make run` will work (on KVM, or "
		 "under TCG where there is no KVM), 5 when it will not.",
	.opts = doctor_opts,
};

/* The guest images `make guest` builds: granule (page shift), VA bits. */
static const struct { unsigned int shift, va; } images[] = {
	{ 12, 39 }, { 12, 48 }, { 12, 52 }, { 14, 36 }, { 14, 47 },
	{ 14, 48 }, { 14, 52 }, { 16, 42 }, { 16, 48 }, { 16, 52 },
};
#define NR_IMAGES	(sizeof(images) / sizeof(images[0]))

struct doctor {
	struct utsname uts;
	struct mb_kvm_probe kvm;
	int kvm_ok;			/* run --accel kvm works */
	char kvm_why[256];
	const char *qemu;
	char qemu_ver[32];		/* "": no QEMU */
	/* the CPU runs see: the vCPU's, else QEMU's max model */
	const struct mb_cpu_ids *ids;
	const char *ids_from;
	char can[NR_IMAGES][MB_ERRLEN];	/* "": runs, else why not */
	int have_image[NR_IMAGES];
	char image_path[NR_IMAGES][4096];
	int bbml2, bbml3;
	char bbml2_why[MB_ERRLEN], bbml3_why[MB_ERRLEN];
	uint64_t huge_size[8], huge_free[8];
	unsigned int nr_huge;
	char thp[32];			/* "always", "madvise", "never", "" */
	uint64_t cntfrq;
	char kernels[16][128];		/* kernel-check's cached kernels */
	unsigned int nr_kernels;
	const char *accel;		/* what make run would use, or NULL */
	char run_why[640];
};

static void check_kvm(struct doctor *d)
{
	const struct mb_kvm_probe *k = &d->kvm;

	mb_kvm_probe(&d->kvm);
	if (!k->present)
		snprintf(d->kvm_why, sizeof(d->kvm_why), "%s",
#ifdef __aarch64__
			 "no /dev/kvm: load KVM (modprobe kvm; in a VM, a hypervisor with nested virtualization, e.g. QEMU -M virt,virtualization=on)"
#else
			 "no /dev/kvm: this is no arm64 host (runs use QEMU TCG, EMULATED)"
#endif
			 );
	else if (k->open_errno == EACCES)
		snprintf(d->kvm_why, sizeof(d->kvm_why),
			 "/dev/kvm: permission denied (sudo usermod -aG kvm $USER, then log in again)");
	else if (k->open_errno)
		snprintf(d->kvm_why, sizeof(d->kvm_why), "/dev/kvm: %s",
			 strerror(k->open_errno));
	else if (!k->arm64)
		snprintf(d->kvm_why, sizeof(d->kvm_why),
			 "/dev/kvm is %s's KVM: %s", d->uts.machine, k->err);
	else if (k->api != 12 || !k->psci)
		snprintf(d->kvm_why, sizeof(d->kvm_why),
			 "/dev/kvm: API version %d%s (mapbench needs 12 and PSCI 0.2)",
			 k->api, k->psci ? "" : ", no PSCI 0.2");
	else if (!k->have_ids)
		snprintf(d->kvm_why, sizeof(d->kvm_why),
			 "/dev/kvm: no vCPU to read ID registers from: %s",
			 k->err);
	else
		d->kvm_ok = 1;
	if (d->kvm_ok) {
		d->ids = &k->ids;
		d->ids_from = "kvm-vcpu";
	} else {
		d->ids = mb_tcg_cpu_ids(MB_DEFAULT_TCG_CPU);
		d->ids_from = "qemu-model " MB_DEFAULT_TCG_CPU;
	}
}

static void check_cpu(struct doctor *d)
{
	const char *def = mb_default_guest();

	for (unsigned int i = 0; i < NR_IMAGES; i++) {
		char *why = d->can[i];

		if (!mb_cpu_granule_check(d->ids, images[i].shift,
					  images[i].va, why, MB_ERRLEN))
			why[0] = '\0';
		if (mb_guest_for(def, images[i].shift, images[i].va,
				 d->image_path[i], sizeof(d->image_path[i])))
			d->image_path[i][0] = '\0';
		d->have_image[i] = d->image_path[i][0] &&
				   !access(d->image_path[i], R_OK);
	}
	d->bbml2 = mb_cpu_bbml2_noabort(d->ids, d->bbml2_why,
					sizeof(d->bbml2_why));
	d->bbml3 = mb_cpu_bbml3(d->ids, d->bbml3_why, sizeof(d->bbml3_why));
}

static void check_memory(struct doctor *d)
{
	d->nr_huge = mb_hugetlb_sizes(d->huge_size, 8);
	for (unsigned int i = 0; i < d->nr_huge; i++)
		if (mb_hugetlb_free(d->huge_size[i], &d->huge_free[i]))
			d->huge_free[i] = 0;
	if (mb_thp_mode(d->thp, sizeof(d->thp)))
		d->thp[0] = '\0';
#ifdef __aarch64__
	d->cntfrq = mb_host_cntfrq();
#endif
}

/* kernel-check's Debian kernels: $MAPBENCH_CACHE/ref (else under
 * $XDG_CACHE_HOME or ~/.cache/mapbench), one directory per package. */
static void check_kernels(struct doctor *d)
{
	char dir[4096];
	struct dirent *e;
	DIR *dp;

	mb_cache_dir("ref", dir, sizeof(dir));
	dp = opendir(dir);
	if (!dp)
		return;
	while ((e = readdir(dp)) && d->nr_kernels < 16)
		if (e->d_name[0] != '.')
			snprintf(d->kernels[d->nr_kernels++], 128, "%.127s",
				 e->d_name);
	closedir(dp);
	qsort(d->kernels, d->nr_kernels, 128,
	      (int (*)(const void *, const void *))strcmp);
}

/* What `make run` (scripts/run_default.sh) uses: KVM where usable, else
 * TCG; either needs the 4K/48 image and the CPU to run it. */
static void verdict(struct doctor *d)
{
	unsigned int def = 1;		/* images[1]: 4K/48 */
	char why[MB_ERRLEN + 16];

	if (!d->have_image[def]) {
		snprintf(d->run_why, sizeof(d->run_why),
			 "no guest image %.300s (make guest)",
			 d->image_path[def]);
		return;
	}
	if (d->kvm_ok && !d->can[def][0]) {
		d->accel = "kvm";
		return;
	}
	if (d->kvm_ok)
		snprintf(why, sizeof(why), "the vCPU: %s", d->can[def]);
	else
		snprintf(why, sizeof(why), "%s", d->kvm_why);
	if (!d->qemu_ver[0]) {
		snprintf(d->run_why, sizeof(d->run_why),
			 "no KVM (%.300s) and no QEMU to fall back on (%.200s does not run: apt install qemu-system-arm, or scripts/deps.sh)",
			 why, d->qemu);
		return;
	}
	d->accel = "tcg";
}

/* ---- text ------------------------------------------------------------ */

static void line(const char *state, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line(const char *state, const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("  %-4s %-9s ", state, what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void print_text(const struct doctor *d)
{
	char desc[160], sz[32], list[256] = "";
	size_t n = 0;

	printf("mapbench doctor: %s, Linux %s\n", d->uts.machine,
	       d->uts.release);
	if (d->kvm_ok)
		line("ok", "kvm", "/dev/kvm: arm64 KVM, API 12, PSCI 0.2");
	else
		line("no", "kvm", "%s", d->kvm_why);
	if (d->kvm_ok) {
		mb_format_size((1ULL << d->kvm.ipa_limit) - MB_RAM_BASE, sz,
			       sizeof(sz));
		line("ok", "ipa", "%d-bit IPA%s: guest RAM up to %s (--mem)",
		     d->kvm.ipa_limit, d->kvm.ipa_cap ? "" :
		     " (no KVM_CAP_ARM_VM_IPA_SIZE)", sz);
		line(d->kvm.pmu ? "ok" : "no", "pmu", "%s",
		     d->kvm.pmu ? "vPMU: --pmu works" :
		     "no vPMU (KVM_CAP_ARM_PMU_V3 is 0: no PMU driver, or not exposed): --pmu refused");
	}
	if (d->qemu_ver[0])
		line("ok", "qemu", "%s %s: --accel tcg and kernel-check",
		     d->qemu, d->qemu_ver);
	else
		line("no", "qemu", "%s not found or says no version: no TCG, no kernel-check (apt install qemu-system-arm)",
		     d->qemu);
	mb_cpu_describe(d->ids, desc, sizeof(desc));
	line("info", "cpu", "%s (%s)", desc, d->ids_from);
	for (unsigned int i = 0; i < NR_IMAGES; i++)
		if (!d->can[i][0] && n < sizeof(list))
			n += snprintf(list + n, sizeof(list) - n, "%s%s/%u",
				      n ? " " : "",
				      mb_granule_name(images[i].shift),
				      images[i].va);
	line("ok", "granules", "%s", list[0] ? list : "none");
	for (unsigned int i = 0; i < NR_IMAGES; i++)
		if (d->can[i][0])
			line("no", "granules", "%s/%u: %s",
			     mb_granule_name(images[i].shift), images[i].va,
			     d->can[i]);
	line(d->bbml2 ? "ok" : "info", "bbml2", "%s", d->bbml2 ?
	     d->bbml2_why : "v6.18's BBML2_NOABORT: no, so bbml2-* need --force-bbml2 and v6.18 maps pages");
	line(d->bbml3 ? "ok" : "info", "bbml3", "%s", d->bbml3 ?
	     d->bbml3_why : "7.3's BBML3: no, so v7.2 maps pages (--force-bbml2 takes its block path)");
	for (unsigned int i = 0; i < NR_IMAGES; i++)
		if (!d->have_image[i])
			line("no", "image", "%s not built (make guest)",
			     d->image_path[i]);
	if (!d->nr_huge)
		line("info", "hugetlb", "no hugetlb page sizes: --backing hugetlb refused");
	for (unsigned int i = 0; i < d->nr_huge; i++) {
		mb_format_size(d->huge_size[i], sz, sizeof(sz));
		if (d->huge_free[i])
			line("ok", "hugetlb", "%s: %llu free", sz,
			     (unsigned long long)d->huge_free[i]);
		else
			line("info", "hugetlb", "%s: none free (--backing hugetlb:%s needs a pool: echo N > /sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages)",
			     sz, sz, (unsigned long long)(d->huge_size[i] >> 10));
	}
	line(d->thp[0] && strcmp(d->thp, "never") ? "ok" : "info", "thp",
	     "%s", !d->thp[0] ? "no transparent huge pages: --backing thp refused" :
	     !strcmp(d->thp, "never") ? "[never]: --backing thp refused" :
	     d->thp);
	if (d->cntfrq)
		line("info", "cntfrq", "%llu Hz", (unsigned long long)d->cntfrq);
	if (!d->nr_kernels)
		line("info", "kernels", "none cached for kernel-check (make test-ref fetches Debian's)");
	else
		line("ok", "kernels", "%u cached for kernel-check (%s%s)",
		     d->nr_kernels, d->kernels[0],
		     d->nr_kernels > 1 ? ", ..." : "");
	if (d->accel)
		printf("make run: works here (%s)\n", !strcmp(d->accel, "kvm") ?
		       "KVM" : "QEMU TCG, EMULATED");
	else
		printf("make run: will not work: %s\n", d->run_why);
}

/* ---- JSON ------------------------------------------------------------ */

static json_t *jhexu(uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "0x%llx", (unsigned long long)v);
	return json_string(b);
}

static int print_json(const struct doctor *d)
{
	json_t *o = json_object(), *k = json_object(), *c = json_object();
	json_t *g = json_object(), *img = json_object(), *hp = json_array();
	json_t *ks = json_array(), *run = json_object();
	char name[32];
	int ret;

	if (!o || !k || !c || !g || !img || !hp || !ks || !run)
		return -1;
	json_object_set_new(o, "mapbench_version", json_string(MB_VERSION));
	json_object_set_new(o, "doctor", json_integer(1));
	json_object_set_new(o, "machine", json_string(d->uts.machine));
	json_object_set_new(o, "kernel", json_string(d->uts.release));
	json_object_set_new(k, "usable", json_boolean(d->kvm_ok));
	json_object_set_new(k, "present", json_boolean(d->kvm.present));
	if (!d->kvm_ok)
		json_object_set_new(k, "why", json_string(d->kvm_why));
	if (d->kvm_ok) {
		json_object_set_new(k, "ipa_limit",
				    json_integer(d->kvm.ipa_limit));
		json_object_set_new(k, "max_ram",
				    json_integer((1LL << d->kvm.ipa_limit) -
						 MB_RAM_BASE));
		json_object_set_new(k, "pmu", json_boolean(d->kvm.pmu));
	}
	json_object_set_new(o, "kvm", k);
	json_object_set_new(o, "qemu", d->qemu_ver[0] ?
			    json_string(d->qemu_ver) : json_null());
	json_object_set_new(c, "from", json_string(d->ids_from));
	json_object_set_new(c, "midr", jhexu(d->ids->midr));
	json_object_set_new(c, "id_aa64mmfr0", jhexu(d->ids->mmfr0));
	json_object_set_new(c, "id_aa64mmfr2", jhexu(d->ids->mmfr2));
	for (unsigned int i = 0; i < NR_IMAGES; i++) {
		snprintf(name, sizeof(name), "%s/%u",
			 mb_granule_name(images[i].shift), images[i].va);
		json_object_set_new(g, name, d->can[i][0] ?
				    json_string(d->can[i]) : json_true());
		json_object_set_new(img, name, json_boolean(d->have_image[i]));
	}
	json_object_set_new(c, "granules", g);
	json_object_set_new(c, "bbml2_noabort", json_boolean(d->bbml2));
	json_object_set_new(c, "bbml3", json_boolean(d->bbml3));
	json_object_set_new(o, "cpu", c);
	json_object_set_new(o, "guest_images", img);
	for (unsigned int i = 0; i < d->nr_huge; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "size", json_integer(d->huge_size[i]));
		json_object_set_new(e, "free", json_integer(d->huge_free[i]));
		json_array_append_new(hp, e);
	}
	json_object_set_new(o, "hugetlb", hp);
	json_object_set_new(o, "thp", d->thp[0] ? json_string(d->thp) :
			    json_null());
	json_object_set_new(o, "cntfrq", d->cntfrq ?
			    json_integer(d->cntfrq) : json_null());
	for (unsigned int i = 0; i < d->nr_kernels; i++)
		json_array_append_new(ks, json_string(d->kernels[i]));
	json_object_set_new(o, "kernels_cached", ks);
	json_object_set_new(run, "works", json_boolean(d->accel != NULL));
	json_object_set_new(run, "accel", d->accel ? json_string(d->accel) :
			    json_null());
	if (!d->accel)
		json_object_set_new(run, "why", json_string(d->run_why));
	json_object_set_new(o, "make_run", run);
	ret = json_dumpf(o, stdout, JSON_COMPACT) || puts("") == EOF;
	json_decref(o);
	return ret ? -1 : 0;
}

int mb_cmd_doctor(int argc, char **argv)
{
	const char *qemu = MB_DEFAULT_QEMU;
	struct mb_getopt gopt = { 0 };
	struct doctor *d;
	int c, json = 0, ret;

	while ((c = mb_cli_getopt(&mb_doctor_cmd, &gopt, argc, argv,
				  MB_EXIT_USAGE)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'q':
			qemu = optarg;
			break;
		}
	}
	if (optind < argc)
		mb_die("doctor: unexpected argument '%s'", argv[optind]);
	d = calloc(1, sizeof(*d));
	if (!d)
		mb_die("out of memory");
	d->qemu = qemu;
	uname(&d->uts);
	check_kvm(d);
	if (mb_qemu_version(d->qemu, d->qemu_ver, sizeof(d->qemu_ver)))
		d->qemu_ver[0] = '\0';
	check_cpu(d);
	check_memory(d);
	check_kernels(d);
	verdict(d);
	if (json)
		ret = print_json(d) ? MB_EXIT_VMM : 0;
	else
		ret = (print_text(d), 0);
	if (!ret && !d->accel)
		ret = MB_EXIT_HOST;
	free(d);
	return ret;
}
