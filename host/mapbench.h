/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run side of the host: one `mapbench run` from settled options
 * (options.h) to a JSON record -- the KVM and TCG backends, guest RAM,
 * the ELF loader, the record checks, layouts, host facts, KVM stats.
 * The analysis side (analysis/) only reads what this side writes.
 */
#ifndef MAPBENCH_HOST_H
#define MAPBENCH_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mapbench/abi.h>

#include "util.h"
#include "options.h"
#include "cpufeat.h"

/* kernel-check records carry their map's first runs (kernel_check.
 * map_head): compare shows where two maps first differ. */
#define MB_MAP_HEAD	16
#define MB_MAP_LINE	96

/* KVM binary statistics (kvmstats.c), decoded by descriptor name. */
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

/* What the host backed guest RAM with (smaps), summed over a range. */
struct mb_memuse {
	uint64_t rss_kb;		/* base and THP pages */
	uint64_t anon_huge_kb;		/* of which THP */
	uint64_t hugetlb_kb;		/* hugetlbfs pages (not in Rss) */
};

struct mb_outcome {
	struct mb_result rec;		/* validated copy of the record */
	int have_record;
	/* accelerator facts, for the report */
	int ipa_bits;			/* kvm: IPA size the VM was created with */
	int ipa_limit;			/* kvm: KVM_CAP_ARM_VM_IPA_SIZE */
	char accel_desc[128];		/* e.g. "kvm" or "qemu 7.2.22 tcg" */
	double wall_s;			/* host wall time of the whole run */
	char err[MB_ERRLEN];		/* one line, set when returning != 0 */
	/* host timeline (mb_now()); t_start is set by the caller */
	double t_start;			/* process start, or the run's start */
	double t_entry;			/* first KVM_RUN / QEMU started */
	double t_exit;			/* last KVM_RUN returned / QEMU gone */
	double t_done;			/* VM and RAM torn down */
	/* memory the host actually gave the guest, read before teardown */
	int have_mem;
	uint64_t backing_page;		/* bytes: base, THP or hugetlb page */
	struct mb_memuse mem[MB_MAX_BANKS];
	struct mb_memuse mem_total;
	uint64_t vm_hwm_kb;		/* process peak RSS during this run */
	int hwm_reset;			/* VmHWM was reset at the run start */
	/* --prefault host */
	uint64_t pf_bytes;
	unsigned int pf_threads, pf_nr;
	double pf_s;
	struct mb_bank pf_ranges[MB_MAX_BANKS + 1];
	/* the host CPU and vPMU */
	int host_cpu;			/* vCPU thread's CPU at exit, -1 */
	uint64_t host_midr;
	int have_midr;
	uint64_t host_cntfrq;		/* 0: not readable here */
	const char *pmu_irqchip;	/* vPMU set up: "none" or "vgic-v3" */
	char pmu_name[48];		/* --cpu: the host PMU asked for */
	/* --window-exits: exits inside the cold window, a range */
	int have_wx;
	unsigned int wx_samples;
	uint64_t wx_min, wx_max, wx_slack;
	/* the vCPU's ID registers the granule and BBML2 checks read:
	 * KVM_GET_ONE_REG, or the QEMU model's (cpufeat.c) */
	int have_cpu_ids;
	const char *cpu_ids_from;	/* "kvm-vcpu" | "qemu-model" */
	struct mb_cpu_ids cpu_ids;
	int bbml2_noabort;		/* the kernel would use BBML2 */
	int bbml3;			/* 7.3's cpu_supports_bbml3() */
	int block_path;			/* v6.18/v7.2: MB_PF_BBML given */
	/* KVM_GET_STATS_FD deltas over the run (kvm only) */
	int have_kstats;
	struct mb_kstats kvm_vm, kvm_vcpu;
};

/* vmm.c: run the guest on /dev/kvm.  Returns an MB_EXIT_* code; out
 * comes from mb_outcome_init(). */
int mb_kvm_run(const struct mb_run_opts *opts, struct mb_outcome *out);
/* Nonzero if /dev/kvm can be opened and is an arm64 KVM. */
int mb_kvm_usable(void);

/* tcg.c: run the guest under qemu-system-aarch64 -accel tcg. */
int mb_tcg_run(const struct mb_run_opts *opts, struct mb_outcome *out);
/* QEMU's version ("7.2.22") from `QEMU --version`: 0, or -1 when it
 * does not run or says none. */
int mb_qemu_version(const char *qemu, char *ver, size_t len);

/* A bank of guest RAM in this process (memslots.c); the loader writes
 * into it (hva NULL: check only). */
struct mb_ram {
	uint8_t *hva;			/* aligned start, == gpa base */
	uint64_t gpa;
	uint64_t size;
	void *map;			/* what munmap() takes */
	size_t map_len;
};

/* loader.c: load the guest ELF's PT_LOAD segments into RAM; what the
 * image was built for in *info. */
int mb_elf_load(const char *path, const struct mb_ram *ram,
		uint64_t *entry, struct mb_image_info *info, char *err,
		size_t errlen);

/* record.c: validate a result record read from the guest. */
int mb_record_check(const void *raw, size_t len, const struct mb_params *p,
		    struct mb_result *out, char *err, size_t errlen);
void mb_params_finish(struct mb_params *p);
const char *mb_strategy_name(unsigned int id);
int mb_strategy_from_name(const char *name);
const char *mb_rodata_name(unsigned int id);
int mb_rodata_from_name(const char *name);
const char *mb_status_name(unsigned int st);

/* report.c: one JSON record per run, one per line (JSON Lines). */
int mb_report_json(const char *path, const struct mb_run_opts *opts,
		   const struct mb_outcome *out, char *err, size_t errlen);
int mb_report_jsonl(const char *path, const struct mb_run_opts *opts,
		    const struct mb_outcome *outs, unsigned int n,
		    char *err, size_t errlen);
void mb_report_line(FILE *f, const struct mb_run_opts *opts,
		    const struct mb_outcome *out);

/* layout.c: --layout / --mem, presets, and the arithmetic on banks. */
int mb_layout_parse(const char *spec, struct mb_bank *b, unsigned int *nr,
		    char *err, size_t errlen);
int mb_layout_check(const struct mb_bank *b, unsigned int nr, char *err,
		    size_t errlen);
/* The first bank whose base or size is not a multiple of align, or -1. */
int mb_layout_misaligned(const struct mb_bank *b, unsigned int nr,
			 uint64_t align);
int mb_layout_resolve(const char *arg, const char *preset_dir,
		      struct mb_bank *b, unsigned int *nr, char *err,
		      size_t errlen);
int mb_layout_from_text(const char *text, char *spec, size_t len,
			char *err, size_t errlen);
void mb_layout_format(const struct mb_bank *b, unsigned int nr, char *buf,
		      size_t len);
uint64_t mb_layout_top(const struct mb_bank *b, unsigned int nr);
int mb_ipa_bits(uint64_t top);
uint64_t mb_table_bytes(const struct mb_params *p);
unsigned int mb_topdown_ranges(const struct mb_bank *b, unsigned int nr,
			       uint64_t bytes, uint64_t align,
			       struct mb_bank *out, unsigned int max);

/* hostinfo.c: facts about the host, from /proc and /sys. */
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

/* kvmstats.c: KVM_GET_STATS_FD contents (header, names, descriptors,
 * data) decoded by name; the decoder sees bytes only, so captured files
 * test it. */
int mb_kstats_decode(const void *blob, size_t len, struct mb_kstats *out,
		     char *err, size_t errlen);
int mb_kstats_delta(const struct mb_kstats *before,
		    const struct mb_kstats *after, struct mb_kstats *delta,
		    char *err, size_t errlen);
int mb_kstats_read(int fd, void **blob, size_t *len);
const struct mb_kstat *mb_kstats_get(const struct mb_kstats *k,
				     const char *name);

/* winexits.c: --window-exits, exits sampled from a second thread. */
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

/* esr.c: the ESR, decoded for people. */
const char *mb_esr_class(unsigned int ec);
void mb_esr_describe(uint64_t esr, char *buf, size_t len);
const char *mb_vector_name(unsigned int vector);

/* run.c: `mapbench run` once the options are settled: --repeat fresh
 * VMs, then the JSON and one line per run.  An MB_EXIT_* code. */
int mb_run_repeats(const struct mb_run_opts *opts);
/* A clean outcome whose host timeline starts at t_start (the backends
 * fill in the rest and trust this). */
void mb_outcome_init(struct mb_outcome *out, double t_start);

#endif /* MAPBENCH_HOST_H */
