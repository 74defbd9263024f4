// SPDX-License-Identifier: GPL-2.0-only
/*
 * ESR_EL1 and the vector offset, decoded for the one-line error a guest
 * exception produces (Arm ARM D17.2.37: EC in bits [31:26], for aborts
 * the fault status in [5:0] and WnR in [6]).  Values come from the guest
 * record: any 64-bit value decodes to something printable.
 */
#include <stdio.h>

#include "esr.h"

#define EC_IABT_LOW	0x20
#define EC_IABT_CUR	0x21
#define EC_DABT_LOW	0x24
#define EC_DABT_CUR	0x25

static const char *const ec_names[64] = {
	[0x00] = "unknown reason",
	[0x01] = "WFI/WFE",
	[0x07] = "SVE/SIMD/FP access",
	[0x0e] = "illegal execution state",
	[0x15] = "SVC",
	[0x16] = "HVC",
	[0x17] = "SMC",
	[0x18] = "MSR/MRS/system instruction",
	[0x19] = "SVE access",
	[0x20] = "instruction abort from a lower EL",
	[0x21] = "instruction abort",
	[0x22] = "PC alignment fault",
	[0x24] = "data abort from a lower EL",
	[0x25] = "data abort",
	[0x26] = "SP alignment fault",
	[0x2c] = "FP exception",
	[0x2f] = "SError",
	[0x30] = "breakpoint from a lower EL",
	[0x31] = "breakpoint",
	[0x32] = "software step from a lower EL",
	[0x33] = "software step",
	[0x34] = "watchpoint from a lower EL",
	[0x35] = "watchpoint",
	[0x3c] = "BRK",
};

const char *mb_esr_class(unsigned int ec)
{
	const char *n = ec < 64 ? ec_names[ec] : NULL;

	return n ? n : "reserved EC";
}

/* Data/instruction fault status code, level included. */
static void fsc_str(unsigned int fsc, char *buf, size_t len)
{
	static const char *const kind[] = {
		"address size fault", "translation fault",
		"access flag fault", "permission fault",
	};
	unsigned int lvl = fsc & 3;

	if (fsc < 0x10)
		snprintf(buf, len, "%s, level %u", kind[fsc >> 2], lvl);
	else if (fsc == 0x10)
		snprintf(buf, len, "synchronous external abort");
	else if (fsc == 0x21)
		snprintf(buf, len, "alignment fault");
	else if (fsc == 0x30)
		snprintf(buf, len, "TLB conflict abort");
	else
		snprintf(buf, len, "fault status 0x%02x", fsc);
}

/* "data abort (EC 0x25): translation fault, level 0, on a read" */
void mb_esr_describe(uint64_t esr, char *buf, size_t len)
{
	unsigned int ec = (esr >> 26) & 0x3f;
	char fsc[64];

	if (ec == EC_DABT_CUR || ec == EC_DABT_LOW) {
		fsc_str(esr & 0x3f, fsc, sizeof(fsc));
		snprintf(buf, len, "%s (EC 0x%02x): %s, on a %s",
			 mb_esr_class(ec), ec, fsc,
			 esr & (1u << 6) ? "write" : "read");
	} else if (ec == EC_IABT_CUR || ec == EC_IABT_LOW) {
		fsc_str(esr & 0x3f, fsc, sizeof(fsc));
		snprintf(buf, len, "%s (EC 0x%02x): %s", mb_esr_class(ec), ec,
			 fsc);
	} else {
		snprintf(buf, len, "%s (EC 0x%02x)", mb_esr_class(ec), ec);
	}
}

/* VBAR_EL1 + 0x80 * vector: which table entry took it. */
const char *mb_vector_name(unsigned int vector)
{
	static const char *const names[16] = {
		"sync, current EL, SP0", "IRQ, current EL, SP0",
		"FIQ, current EL, SP0", "SError, current EL, SP0",
		"sync, current EL, SPx", "IRQ, current EL, SPx",
		"FIQ, current EL, SPx", "SError, current EL, SPx",
		"sync, lower EL, AArch64", "IRQ, lower EL, AArch64",
		"FIQ, lower EL, AArch64", "SError, lower EL, AArch64",
		"sync, lower EL, AArch32", "IRQ, lower EL, AArch32",
		"FIQ, lower EL, AArch32", "SError, lower EL, AArch32",
	};

	return names[vector & 15];
}
