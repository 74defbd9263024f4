/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host-side interfaces shared by the mapbench host modules.
 */
#ifndef MAPBENCH_HOST_H
#define MAPBENCH_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mapbench/abi.h>

#ifndef MB_VERSION
#define MB_VERSION "0.0-unknown"
#endif

/* Exit codes of the mapbench binary (documented in README). */
#define MB_EXIT_OK	0	/* run completed, verification passed */
#define MB_EXIT_USAGE	1	/* bad input: CLI, sizes, names, files */
#define MB_EXIT_VMM	2	/* host/VMM failure: KVM, QEMU, I/O */
#define MB_EXIT_GUEST	3	/* guest failure: exception, verify, record */
#define MB_EXIT_TIMEOUT	4	/* guest did not finish in --timeout */

#define MB_ERRLEN	256

enum mb_accel {
	MB_ACCEL_KVM,
	MB_ACCEL_TCG,
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
int mb_ram_alloc(struct mb_ram *ram, uint64_t gpa, uint64_t size,
		 char *err, size_t errlen);
void mb_ram_free(struct mb_ram *ram);

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

/* report.c */
int mb_report_json(const char *path, const struct mb_config *cfg,
		   const struct mb_outcome *out, char *err, size_t errlen);
void mb_report_line(FILE *f, const struct mb_config *cfg,
		    const struct mb_outcome *out);

/* util.c */
int mb_parse_size(const char *s, uint64_t *out);
void mb_format_size(uint64_t v, char *buf, size_t len);
double mb_now(void);

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
