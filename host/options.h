/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A run's options, settled once.  `mapbench run`'s arguments go through
 * mb_run_opts_parse() only: parsed, checked against each other, the
 * guest ELF and the layout checked, every default filled in.  What comes
 * out is trusted by the driver and both backends; what only the host can
 * tell at run time (its page size, its huge page pool, KVM's IPA limit)
 * is checked once, in the KVM backend.
 */
#ifndef MAPBENCH_OPTIONS_H
#define MAPBENCH_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include <mapbench/abi.h>

#include "kimage.h"
#include "opttab.h"

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

/* The options of one `mapbench run`, validated and defaulted. */
struct mb_run_opts {
	const char *guest_elf;		/* the guest image run (see guest_buf) */
	enum mb_accel accel;
	struct mb_params params;	/* what the guest is handed */
	unsigned int timeout_s;		/* wall-clock limit of one run */
	const char *json_path;		/* NULL: no JSON file */
	const char *qemu;		/* QEMU binary to use (tcg) */
	int verbose;
	int deterministic;		/* tcg -icount: same ticks each run */
	char layout[96];		/* preset name or spec as given */
	enum mb_backing backing;
	uint64_t hugepage;		/* hugetlb page size, 0: host default */
	enum mb_prefault prefault;
	int cpu;			/* pin the vCPU thread; -1: no */
	int pmu;			/* vPMU, guest reads PMCCNTR_EL0 */
	unsigned int repeat;		/* fresh VMs, one record each, >= 1 */
	int window_exits;		/* sample exits during the run */
	unsigned int set;		/* MB_SET_*: options given */
	int help;			/* --help: nothing else was checked */
	/* --granule / --va-bits: params.page_shift/va_bits once settled */
	unsigned int want_shift, want_va;
	int force_bbml2;		/* run bbml2-* where the kernel would not */
	const char *tcg_cpu;		/* QEMU -cpu under TCG (default max) */
	struct mb_kimage kimage;	/* the kernel image modelled */
	char guest_buf[4096];		/* the image picked for the granule */
};

/* Options given explicitly (some are KVM-only). */
#define MB_SET_BACKING	(1u << 0)
#define MB_SET_PREFAULT	(1u << 1)
#define MB_SET_CPU	(1u << 2)
#define MB_SET_GRANULE	(1u << 3)
#define MB_SET_VA_BITS	(1u << 4)
#define MB_SET_TCG_CPU	(1u << 5)

#define MB_DEFAULT_TCG_CPU	"max"

#define MB_DEFAULT_TIMEOUT_S	900
#define MB_DEFAULT_QEMU		"qemu-system-aarch64"

/* What the caller knows about where it runs (the CLI; the fuzzer fakes
 * it). */
struct mb_run_env {
	const char *preset_dir;		/* configs/layouts */
	const char *guest_elf;		/* used without --guest */
	int kvm_usable;			/* the --accel default */
};

/*
 * argv[0] is "run".  0, or an MB_EXIT_* code with one line in err; never
 * exits and prints nothing (--help: o->help set, 0).
 */
int mb_run_opts_parse(int argc, char **argv, const struct mb_run_env *env,
		      struct mb_run_opts *o, char *err, size_t errlen);

/* The pieces, exposed for the unit tests; 0 or -1 with err set. */
int mb_parse_backing(const char *s, struct mb_run_opts *o, char *err,
		     size_t errlen);
int mb_parse_prefault(const char *s, struct mb_run_opts *o, char *err,
		      size_t errlen);
/* The options against each other and this process: 0 or MB_EXIT_*. */
int mb_run_opts_check(const struct mb_run_opts *o, char *err,
		      size_t errlen);

const char *mb_backing_name(const struct mb_run_opts *o, char *buf,
			    size_t len);
const char *mb_prefault_name(enum mb_prefault pf);

/* The granules a strategy runs with (mapbench list; run refuses the
 * others): MB_GRANULE_BIT(page_shift) bits. */
#define MB_GRANULE_BIT(shift)	(1u << ((shift) - 12) / 2)
#define MB_GRANULE_4K		MB_GRANULE_BIT(12)
#define MB_GRANULE_16K		MB_GRANULE_BIT(14)
#define MB_GRANULE_64K		MB_GRANULE_BIT(16)
unsigned int mb_strategy_granules(unsigned int strategy);
/* "4K,16K,64K" */
void mb_granules_str(unsigned int mask, char *buf, size_t len);

/* bbml2-blocks and bbml2-repaint: the kernel builds their map only on a
 * boot CPU with BBML2_NOABORT. */
int mb_strategy_needs_bbml2(unsigned int strategy);
/* Those, and v6.18 and v7.2, whose kernels take a block path for the
 * linear map on such a CPU: --force-bbml2 applies to them. */
int mb_strategy_asks_bbml(unsigned int strategy);

/*
 * The guest image for a granule and VA size, beside the default one:
 * "DIR/mapbench-guest.elf" for 4K/48, else
 * "DIR/mapbench-guest-<4k|16k|64k>-va<N>.elf".  0, or -1 if it does not
 * fit buf.
 */
struct mb_cpu_ids;
/* bbml2-*: 0 if the CPU has BBML2_NOABORT as the kernel decides it, or
 * the run is forced; else MB_EXIT_HOST with the reason. */
int mb_bbml2_check(const struct mb_run_opts *o, const struct mb_cpu_ids *id,
		   char *err, size_t errlen);
/* v6.18 and v7.2: 1 if their kernel takes its block path on this CPU
 * (6.18's BBML2_NOABORT list; 7.3's BBML3) or the run is forced, which
 * the guest is told with MB_PF_BBML; 0 otherwise and for the rest. */
int mb_bbml_block_path(const struct mb_run_opts *o,
		       const struct mb_cpu_ids *id);

int mb_guest_for(const char *default_elf, unsigned int page_shift,
		 unsigned int va_bits, char *buf, size_t len);

/*
 * The run options a record's "options" object holds, one table for its
 * writer (report.c), the matrix config's axes (analysis/config.c, whose
 * axes are the first MB_OKEY_NR_AXES, in this order) and the readers'
 * defaults (analysis/results.c).
 */
enum mb_okey {
	MB_OKEY_BACKING, MB_OKEY_PREFAULT, MB_OKEY_LAYOUT, MB_OKEY_CPU,
	MB_OKEY_GRANULE, MB_OKEY_VA_BITS,
	MB_OKEY_NR_AXES,
	MB_OKEY_PMU = MB_OKEY_NR_AXES, MB_OKEY_ITERATIONS,
	MB_OKEY_FORCE_BBML2, MB_OKEY_TCG_CPU, MB_OKEY_KERNEL_IMAGE,
	MB_OKEY_NR,
};

struct mb_okey_info {
	const char *json;	/* the key, in "options" and in a config */
	const char *opt;	/* `mapbench run`'s long option */
	const char *dflt;	/* run's default as the analysis spells values
				 * (booleans yes/no): a point at it is no
				 * different; NULL: none */
};
extern const struct mb_okey_info mb_okeys[MB_OKEY_NR];

/* `mapbench run`'s option table (opttab.h), beside its parser. */
extern const struct mb_cmd mb_run_cmd;

#endif /* MAPBENCH_OPTIONS_H */
