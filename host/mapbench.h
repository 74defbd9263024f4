/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host-side interfaces shared by the mapbench host modules.
 */
#ifndef MAPBENCH_HOST_H
#define MAPBENCH_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include <mapbench/abi.h>

#ifndef MB_VERSION
#define MB_VERSION "0.0-unknown"
#endif
#ifndef MB_GIT_REV
#define MB_GIT_REV "unknown"
#endif

/* Exit codes of the mapbench binary (documented in README). */
#define MB_EXIT_OK	0	/* run completed, verification passed */
#define MB_EXIT_USAGE	1	/* bad input: CLI, sizes, names, files */
#define MB_EXIT_VMM	2	/* host/VMM failure: KVM, QEMU, I/O */
#define MB_EXIT_GUEST	3	/* guest failure: exception, verify, record */
#define MB_EXIT_TIMEOUT	4	/* guest did not finish in --timeout */
#define MB_EXIT_HOST	5	/* this host cannot run the point: IPA
				 * limit, no huge pages, no vPMU */
#define MB_EXIT_SIGNAL	128	/* + signal number: SIGINT 130, SIGTERM 143 */

#define MB_ERRLEN	256

enum mb_accel {
	MB_ACCEL_KVM,
	MB_ACCEL_TCG,
};

enum mb_backing {
	MB_BACKING_ANON,		/* MADV_NOHUGEPAGE: host base pages */
	MB_BACKING_THP,			/* MADV_HUGEPAGE */
	MB_BACKING_HUGETLB,		/* MAP_HUGETLB, size in hugepage */
};

enum mb_prefault {
	MB_PREFAULT_NONE,
	MB_PREFAULT_HOST,		/* MADV_POPULATE_WRITE, table region */
	MB_PREFAULT_GUEST,		/* MB_PF_PREFAULT: first touch untimed */
};

struct mb_config {
	const char *guest_elf;		/* path of mapbench-guest.elf */
	enum mb_accel accel;
	struct mb_params params;	/* what the guest is handed */
	unsigned int timeout_s;		/* wall-clock limit of one run */
	const char *json_path;		/* NULL: no JSON file */
	const char *qemu;		/* qemu-system-aarch64 to use (tcg) */
	int verbose;
	int deterministic;		/* tcg -icount: same ticks each run */
	/* host side of the run (options.c) */
	char layout[96];		/* preset name or spec as given */
	enum mb_backing backing;
	uint64_t hugepage;		/* hugetlb page size, 0: host default */
	enum mb_prefault prefault;
	int cpu;			/* pin the vCPU thread; -1: no */
	int pmu;			/* vPMU, guest reads PMCCNTR_EL0 */
	unsigned int repeat;		/* fresh VMs, one record each */
	int window_exits;		/* sample exits during the run */
	unsigned int set;		/* MB_SET_*: options given */
};

/* Options given explicitly (some are KVM-only). */
#define MB_SET_BACKING	(1u << 0)
#define MB_SET_PREFAULT	(1u << 1)
#define MB_SET_CPU	(1u << 2)

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
	/* KVM_GET_STATS_FD deltas over the run (kvm only) */
	int have_kstats;
	struct mb_kstats kvm_vm, kvm_vcpu;
};

/* vmm.c: run the guest on /dev/kvm.  Returns an MB_EXIT_* code. */
int mb_kvm_run(const struct mb_config *cfg, struct mb_outcome *out);
/* Nonzero if /dev/kvm can be opened and is an arm64 KVM. */
int mb_kvm_usable(void);

/* tcg.c: run the guest under qemu-system-aarch64 -accel tcg. */
int mb_tcg_run(const struct mb_config *cfg, struct mb_outcome *out);

/* memslots.c: guest RAM. */
struct mb_ram {
	uint8_t *hva;			/* aligned start, == gpa base */
	uint64_t gpa;
	uint64_t size;
	void *map;			/* what munmap() takes */
	size_t map_len;
};
/* Returns 0 or an MB_EXIT_* code; page: the backing's page size. */
int mb_ram_alloc(struct mb_ram *ram, uint64_t gpa, uint64_t size,
		 enum mb_backing backing, uint64_t page, char *err,
		 size_t errlen);
void mb_ram_free(struct mb_ram *ram);
int mb_ram_populate(const struct mb_ram *ram, unsigned int nr_ram,
		    const struct mb_bank *ranges, unsigned int nr_ranges,
		    uint64_t page, unsigned int *threads, char *err,
		    size_t errlen);

/* loader.c: load the guest ELF's PT_LOAD segments into RAM. */
int mb_elf_load(const char *path, const struct mb_ram *ram,
		uint64_t *entry, char *err, size_t errlen);

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
int mb_report_json(const char *path, const struct mb_config *cfg,
		   const struct mb_outcome *out, char *err, size_t errlen);
int mb_report_jsonl(const char *path, const struct mb_config *cfg,
		    const struct mb_outcome *outs, unsigned int n,
		    char *err, size_t errlen);
void mb_report_line(FILE *f, const struct mb_config *cfg,
		    const struct mb_outcome *out);

/* util.c */
int mb_parse_size(const char *s, uint64_t *out);
void mb_format_size(uint64_t v, char *buf, size_t len);
double mb_now(void);
int mb_write_all(int fd, const void *buf, size_t len);
void mb_one_line(char *s);
__attribute__((format(printf, 4, 5)))
int mb_errf(int code, char *err, size_t errlen, const char *fmt, ...);

/* layout.c: --layout / --mem, presets, and the arithmetic on banks. */
int mb_layout_parse(const char *spec, struct mb_bank *b, unsigned int *nr,
		    char *err, size_t errlen);
int mb_layout_check(const struct mb_bank *b, unsigned int nr, char *err,
		    size_t errlen);
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

/* options.c: values of the run options; 0 or -1 with err set. */
int mb_parse_backing(const char *s, struct mb_config *cfg, char *err,
		     size_t errlen);
int mb_parse_prefault(const char *s, struct mb_config *cfg, char *err,
		      size_t errlen);
int mb_parse_uint(const char *s, unsigned long min, unsigned long max,
		  unsigned long *out);
int mb_config_check(const struct mb_config *cfg, char *err, size_t errlen);
const char *mb_backing_name(const struct mb_config *cfg, char *buf,
			    size_t len);
const char *mb_prefault_name(enum mb_prefault pf);

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

/* record.c: the ESR, decoded for people. */
const char *mb_esr_class(unsigned int ec);
void mb_esr_describe(uint64_t esr, char *buf, size_t len);
const char *mb_vector_name(unsigned int vector);

/* run.c: `mapbench run` after parsing: repeats, signals, JSON. */
int mb_run(struct mb_config *cfg);
/* SIGINT / SIGTERM seen (the signal number), and a vCPU to kick. */
extern volatile sig_atomic_t mb_stop_signal;
void mb_signals_install(void);
void mb_signals_kick(volatile uint8_t *immediate_exit);

/*
 * tcg.c: picking the result record out of the guest's console stream
 * (exposed for the unit tests).  Feed bytes in any chunking; a record is
 * a whole line MB_CONSOLE_TAG + hex of struct mb_result, '\r' allowed.
 */
#define MB_CONSOLE_TAIL	4096

enum mb_crec {
	MB_CREC_NONE,			/* no record line seen */
	MB_CREC_OK,			/* exactly one, well formed: in rec */
	MB_CREC_BAD,			/* malformed or repeated: rec_why */
};

struct mb_console {
	uint64_t total;			/* bytes fed */
	enum mb_crec rec_state;
	char rec_why[96];		/* one-line reason when BAD */
	unsigned char rec[sizeof(struct mb_result)];
	size_t line_len;		/* bytes of the current line kept */
	int line_long;			/* current line overflowed line[] */
	char line[sizeof(MB_CONSOLE_TAG) + 2 * sizeof(struct mb_result) + 8];
	size_t tail_pos;		/* bytes ever put in tail[] */
	char tail[MB_CONSOLE_TAIL];	/* ring of the last bytes, for errors */
};

void mb_console_init(struct mb_console *c);
void mb_console_feed(struct mb_console *c, const void *buf, size_t len);
void mb_console_finish(struct mb_console *c);
void mb_console_last_line(const struct mb_console *c, char *buf,
			  size_t len);
/* Exactly 2 * outlen hex digits (either case) -> outlen bytes; 0 / -1. */
int mb_hex_decode(const char *s, size_t n, void *out, size_t outlen);

#endif /* MAPBENCH_HOST_H */
