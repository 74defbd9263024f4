/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Granules, VA sizes and the CPU features they need, decoded from ID
 * register values only (pure: the unit tier feeds fake values).  The KVM
 * backend reads the vCPU's registers with KVM_GET_ONE_REG, the options
 * layer takes a QEMU CPU model's from a table; both ask the same
 * questions here.
 */
#ifndef MAPBENCH_CPUFEAT_H
#define MAPBENCH_CPUFEAT_H

#include <stddef.h>
#include <stdint.h>

/* "4K", "16k", ... -> PAGE_SHIFT 12, 14 or 16; -1 on anything else. */
int mb_granule_parse(const char *s);
/* 12 -> "4K"; "?" for anything else. */
const char *mb_granule_name(unsigned int page_shift);
/* A VA size the kernel's Kconfig offers with this granule. */
int mb_va_bits_valid(unsigned int page_shift, unsigned int va_bits);
/* "39, 48 or 52" for messages. */
const char *mb_va_bits_list(unsigned int page_shift);

/* The vCPU's identity and the ID register fields the map depends on. */
struct mb_cpu_ids {
	uint64_t midr;			/* MIDR_EL1 */
	uint64_t mmfr0;			/* ID_AA64MMFR0_EL1 */
	uint64_t mmfr2;			/* ID_AA64MMFR2_EL1 */
};

/*
 * Can this CPU run a PAGE_SHIFT / VA_BITS kernel as built?  0, or
 * MB_EXIT_HOST with one line naming the register field and its value:
 * "host CPU: ID_AA64MMFR0_EL1.TGran16 = 0x0: no 16K granule".
 */
int mb_cpu_granule_check(const struct mb_cpu_ids *id, unsigned int page_shift,
			 unsigned int va_bits, char *err, size_t errlen);

/*
 * Would v6.18's has_bbml2_noabort() say yes for this (boot) CPU?  1, or
 * 0 with the reason in why.  The kernel decides on the MIDR alone (an
 * allow-list of implementations that never raise TLB conflict aborts);
 * ID_AA64MMFR2_EL1.BBM is reported but not required, as in the kernel.
 */
int mb_cpu_bbml2_noabort(const struct mb_cpu_ids *id, char *why,
			 size_t len);

/*
 * Would 7.3's cpu_supports_bbml3() say yes?  ID_AA64MMFR2_EL1.BBM >= 3,
 * or an implementation on its list of parts that have BBML3 without
 * saying so.  1, or 0 with the reason in why.
 */
int mb_cpu_bbml3(const struct mb_cpu_ids *id, char *why, size_t len);

/* "MIDR_EL1 0x.., TGran4 0x1, TGran16 0x2, TGran64 0x0, PARange 52-bit,
 * VARange 0x1, BBM 0x2" */
void mb_cpu_describe(const struct mb_cpu_ids *id, char *buf, size_t len);

/* PARange as bits (32 .. 52), 0 if reserved. */
unsigned int mb_cpu_pa_bits(const struct mb_cpu_ids *id);

/*
 * The QEMU TCG CPU models `run --tcg-cpu` knows, with their ID register
 * values as QEMU 7.2 sets them (target/arm/cpu64.c); NULL if unknown.
 */
const struct mb_cpu_ids *mb_tcg_cpu_ids(const char *model);
/* "max, max,lpa2=off, ..." for messages. */
const char *mb_tcg_cpu_models(void);

#endif /* MAPBENCH_CPUFEAT_H */
