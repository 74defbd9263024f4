// SPDX-License-Identifier: GPL-2.0-only
/*
 * Granules, VA sizes and the CPU features they need (cpufeat.h): ID
 * register fields decoded the way arm64 Linux reads them at boot
 * (arch/arm64/kernel/cpufeature.c, head.S), from values alone.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "cpufeat.h"

/* ID_AA64MMFR0_EL1 */
#define MMFR0_PARANGE_SHIFT	0
#define MMFR0_TGRAN16_SHIFT	20
#define MMFR0_TGRAN64_SHIFT	24
#define MMFR0_TGRAN4_SHIFT	28
#define TGRAN4_NI		0xf	/* signed: -1 */
#define TGRAN4_52_BIT		0x1
#define TGRAN16_NI		0x0
#define TGRAN16_52_BIT		0x2
#define TGRAN64_NI		0xf

/* ID_AA64MMFR2_EL1 */
#define MMFR2_VARANGE_SHIFT	16
#define MMFR2_BBM_SHIFT		52
#define VARANGE_52		0x1

/* MIDR_EL1 */
#define MIDR_REV(m)		((unsigned int)(m) & 0xf)
#define MIDR_PARTNUM(m)		(((unsigned int)(m) >> 4) & 0xfff)
#define MIDR_VARIANT(m)		(((unsigned int)(m) >> 20) & 0xf)
#define MIDR_IMPL(m)		(((unsigned int)(m) >> 24) & 0xff)

static unsigned int field(uint64_t reg, unsigned int shift)
{
	return (reg >> shift) & 0xf;
}

int mb_granule_parse(const char *s)
{
	if (!strcasecmp(s, "4K"))
		return 12;
	if (!strcasecmp(s, "16K"))
		return 14;
	if (!strcasecmp(s, "64K"))
		return 16;
	return -1;
}

const char *mb_granule_name(unsigned int page_shift)
{
	switch (page_shift) {
	case 12:
		return "4K";
	case 14:
		return "16K";
	case 16:
		return "64K";
	}
	return "?";
}

/* What arch/arm64/Kconfig's ARM64_VA_BITS choice offers per granule. */
int mb_va_bits_valid(unsigned int page_shift, unsigned int va_bits)
{
	switch (page_shift) {
	case 12:
		return va_bits == 39 || va_bits == 48 || va_bits == 52;
	case 14:
		return va_bits == 36 || va_bits == 47 || va_bits == 48 ||
		       va_bits == 52;
	case 16:
		return va_bits == 42 || va_bits == 48 || va_bits == 52;
	}
	return 0;
}

const char *mb_va_bits_list(unsigned int page_shift)
{
	switch (page_shift) {
	case 12:
		return "39, 48 or 52";
	case 14:
		return "36, 47, 48 or 52";
	case 16:
		return "42, 48 or 52";
	}
	return "none";
}

unsigned int mb_cpu_pa_bits(const struct mb_cpu_ids *id)
{
	static const unsigned char bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned int pa = field(id->mmfr0, MMFR0_PARANGE_SHIFT);

	return pa < sizeof(bits) ? bits[pa] : 0;
}

void mb_cpu_describe(const struct mb_cpu_ids *id, char *buf, size_t len)
{
	snprintf(buf, len,
		 "MIDR_EL1 0x%08llx, TGran4 0x%x, TGran16 0x%x, TGran64 0x%x, PARange %u-bit, VARange 0x%x, BBM 0x%x",
		 (unsigned long long)id->midr,
		 field(id->mmfr0, MMFR0_TGRAN4_SHIFT),
		 field(id->mmfr0, MMFR0_TGRAN16_SHIFT),
		 field(id->mmfr0, MMFR0_TGRAN64_SHIFT), mb_cpu_pa_bits(id),
		 field(id->mmfr2, MMFR2_VARANGE_SHIFT),
		 field(id->mmfr2, MMFR2_BBM_SHIFT));
}

int mb_cpu_granule_check(const struct mb_cpu_ids *id, unsigned int page_shift,
			 unsigned int va_bits, char *err, size_t errlen)
{
	unsigned int t4 = field(id->mmfr0, MMFR0_TGRAN4_SHIFT);
	unsigned int t16 = field(id->mmfr0, MMFR0_TGRAN16_SHIFT);
	unsigned int t64 = field(id->mmfr0, MMFR0_TGRAN64_SHIFT);
	unsigned int va = field(id->mmfr2, MMFR2_VARANGE_SHIFT);

	switch (page_shift) {
	case 12:
		if (t4 == TGRAN4_NI)
			return mb_errf(MB_EXIT_HOST, err, errlen,
				       "host CPU: ID_AA64MMFR0_EL1.TGran4 = 0x%x: no 4K granule",
				       t4);
		/* 52-bit VA with 4K pages is FEAT_LPA2: TGran4 == 1 */
		if (va_bits == 52 && t4 != TGRAN4_52_BIT)
			return mb_errf(MB_EXIT_HOST, err, errlen,
				       "host CPU: ID_AA64MMFR0_EL1.TGran4 = 0x%x: no 52-bit VA with 4K pages (FEAT_LPA2 is 0x1)",
				       t4);
		return 0;
	case 14:
		if (t16 == TGRAN16_NI)
			return mb_errf(MB_EXIT_HOST, err, errlen,
				       "host CPU: ID_AA64MMFR0_EL1.TGran16 = 0x%x: no 16K granule",
				       t16);
		if (va_bits == 52 && t16 != TGRAN16_52_BIT)
			return mb_errf(MB_EXIT_HOST, err, errlen,
				       "host CPU: ID_AA64MMFR0_EL1.TGran16 = 0x%x: no 52-bit VA with 16K pages (FEAT_LPA2 is 0x2)",
				       t16);
		return 0;
	case 16:
		if (t64 == TGRAN64_NI)
			return mb_errf(MB_EXIT_HOST, err, errlen,
				       "host CPU: ID_AA64MMFR0_EL1.TGran64 = 0x%x: no 64K granule",
				       t64);
		/* 52-bit VA with 64K pages is FEAT_LVA */
		if (va_bits == 52 && va != VARANGE_52)
			return mb_errf(MB_EXIT_HOST, err, errlen,
				       "host CPU: ID_AA64MMFR2_EL1.VARange = 0x%x: no 52-bit VA with 64K pages (FEAT_LVA is 0x1)",
				       va);
		return 0;
	}
	return mb_errf(MB_EXIT_USAGE, err, errlen, "PAGE_SHIFT %u is no granule",
		       page_shift);
}

/*
 * An implementation and a span of its variant:revision pairs, as the
 * kernel's struct midr_range: MIDR_REV_RANGE(m, v, lo, hi) is v:lo ..
 * v:hi, MIDR_RANGE(m, v0, r0, v1, r1) v0:r0 .. v1:r1, MIDR_ALL_VERSIONS
 * 0:0 .. f:f.  lo and hi are (variant << 4 | revision).
 */
struct midr_span {
	unsigned int impl, part, lo, hi;
	const char *name;
};

#define ALL_VERSIONS	0x00, 0xff

/*
 * v6.18's supports_bbml2_noabort_list (cpufeature.c): implementations
 * whose makers attest they never raise a TLB conflict abort when a
 * block's size changes without break-before-make.
 */
#define BBML2_NOABORT_PARTS						\
	{ 0x41, 0xd82, 0x03, 0x0f, "Cortex-X4 r0p3+" },			\
	{ 0x41, 0xd84, 0x02, 0x0f, "Neoverse-V3 r0p2+" },		\
	{ 0x41, 0xd83, 0x02, 0x0f, "Neoverse-V3AE r0p2+" },		\
	{ 0x4e, 0x010, ALL_VERSIONS, "NVIDIA Olympus" },		\
	{ 0xc0, 0xac3, ALL_VERSIONS, "AmpereOne" },			\
	{ 0xc0, 0xac4, ALL_VERSIONS, "AmpereOne A" }

static const struct midr_span bbml2_parts[] = {
	BBML2_NOABORT_PARTS,
};

/*
 * 7.3's supports_bbml3_list (cpu_supports_bbml3()): implementations with
 * BBML3 that do not advertise it in ID_AA64MMFR2_EL1.BBM: 6.18's list
 * and more.
 */
static const struct midr_span bbml3_parts[] = {
	BBML2_NOABORT_PARTS,		/* 6.18's, then 7.3's additions */
	{ 0x41, 0xd88, ALL_VERSIONS, "Cortex-A520AE" },
	{ 0x41, 0xd4d, ALL_VERSIONS, "Cortex-A715" },
	{ 0x41, 0xd89, ALL_VERSIONS, "Cortex-A720AE" },
	{ 0x41, 0xd87, ALL_VERSIONS, "Cortex-A725" },
	{ 0x41, 0xd8e, ALL_VERSIONS, "Neoverse-N3" },
	{ 0x41, 0xd8a, ALL_VERSIONS, "C1-Nano" },
	{ 0x41, 0xd8b, ALL_VERSIONS, "C1-Pro" },
	{ 0x41, 0xd8c, 0x11, 0xff, "C1-Ultra r1p1+" },
	{ 0x41, 0xd90, 0x11, 0xff, "C1-Premium r1p1+" },
};

/* The span of list that holds m, or NULL. */
static const struct midr_span *midr_find(const struct midr_span *list,
					 size_t n, uint64_t m, int *in_range)
{
	unsigned int vr = MIDR_VARIANT(m) << 4 | MIDR_REV(m);

	for (size_t i = 0; i < n; i++) {
		if (MIDR_IMPL(m) != list[i].impl ||
		    MIDR_PARTNUM(m) != list[i].part)
			continue;
		*in_range = vr >= list[i].lo && vr <= list[i].hi;
		return &list[i];
	}
	return NULL;
}

int mb_cpu_bbml2_noabort(const struct mb_cpu_ids *id, char *why, size_t len)
{
	unsigned int bbm = field(id->mmfr2, MMFR2_BBM_SHIFT);
	uint64_t m = id->midr;
	const struct midr_span *p;
	int in;

	p = midr_find(bbml2_parts, sizeof(bbml2_parts) / sizeof(*p), m, &in);
	if (p && in) {
		snprintf(why, len, "MIDR_EL1 = 0x%08llx is %s (ID_AA64MMFR2_EL1.BBM = 0x%x)",
			 (unsigned long long)m, p->name, bbm);
		return 1;
	}
	if (p)
		snprintf(why, len,
			 "host CPU: MIDR_EL1 = 0x%08llx (r%up%u) is not %s, the kernel's BBML2_NOABORT revisions",
			 (unsigned long long)m, MIDR_VARIANT(m), MIDR_REV(m),
			 p->name);
	else
		snprintf(why, len,
			 "host CPU: MIDR_EL1 = 0x%08llx is not on the kernel's BBML2_NOABORT list (ID_AA64MMFR2_EL1.BBM = 0x%x)",
			 (unsigned long long)m, bbm);
	return 0;
}

int mb_cpu_bbml3(const struct mb_cpu_ids *id, char *why, size_t len)
{
	unsigned int bbm = field(id->mmfr2, MMFR2_BBM_SHIFT);
	uint64_t m = id->midr;
	const struct midr_span *p;
	int in;

	if (bbm >= 3) {
		snprintf(why, len, "ID_AA64MMFR2_EL1.BBM = 0x%x (BBML3)", bbm);
		return 1;
	}
	p = midr_find(bbml3_parts, sizeof(bbml3_parts) / sizeof(*p), m, &in);
	if (p && in) {
		snprintf(why, len, "MIDR_EL1 = 0x%08llx is %s (BBML3 unadvertised: ID_AA64MMFR2_EL1.BBM = 0x%x)",
			 (unsigned long long)m, p->name, bbm);
		return 1;
	}
	snprintf(why, len,
		 "host CPU: ID_AA64MMFR2_EL1.BBM = 0x%x and MIDR_EL1 = 0x%08llx is not on the kernel's BBML3 list",
		 bbm, (unsigned long long)m);
	return 0;
}

/*
 * QEMU 7.2's values for the fields read above (target/arm/cpu64.c).
 * max: MIDR implementer 0 ("software"), part 'Q'; FEAT_LPA, FEAT_LPA2
 * (TGran4 1, TGran16 2), FEAT_LVA, FEAT_BBM level 2.  lpa2=off takes
 * LPA2 away (TGran4 0, TGran16 1).
 */
static const struct tcg_cpu {
	const char *model;
	struct mb_cpu_ids id;
} tcg_cpus[] = {
	{ "max", { 0x000f0510, 0x10201126, 0x0020000000010000ULL } },
	{ "max,lpa2=off", { 0x000f0510, 0x00101126, 0x0020000000010000ULL } },
	{ "cortex-a53", { 0x410fd034, 0x00001122, 0 } },
	{ "cortex-a57", { 0x411fd070, 0x00001124, 0 } },
	{ "cortex-a72", { 0x410fd083, 0x00001124, 0 } },
	{ "cortex-a76", { 0x414fd0b1, 0x00101122, 0x1011 } },
	{ "neoverse-n1", { 0x414fd0c1, 0x00101125, 0x1011 } },
};

const struct mb_cpu_ids *mb_tcg_cpu_ids(const char *model)
{
	if (!model)
		return NULL;
	for (size_t i = 0; i < sizeof(tcg_cpus) / sizeof(tcg_cpus[0]); i++)
		if (!strcmp(model, tcg_cpus[i].model))
			return &tcg_cpus[i].id;
	return NULL;
}

const char *mb_tcg_cpu_models(void)
{
	return "max, max,lpa2=off, cortex-a53, cortex-a57, cortex-a72, cortex-a76, neoverse-n1";
}
