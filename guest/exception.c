// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unexpected exceptions: report ESR/FAR/ELR and the vector on the console
 * and in the result record, then power off.  Runs with the MMU on or off
 * (PC-relative code, addresses chosen by SCTLR_EL1.M), never returns.
 */
#include "compiler.h"
#include "arch.h"
#include "boot.h"
#include "result.h"
#include "sysregs.h"

/* char arrays, not pointers: no absolute addresses with the MMU off */
static const char vec_names[16][14] = {
	"sync EL1t", "irq EL1t", "fiq EL1t", "serror EL1t",
	"sync EL1h", "irq EL1h", "fiq EL1h", "serror EL1h",
	"sync EL0 64", "irq EL0 64", "fiq EL0 64", "serror EL0 64",
	"sync EL0 32", "irq EL0 32", "fiq EL0 32", "serror EL0 32",
};

static int in_exception;

static void report(unsigned int status, u32 detail, u64 vec, u64 esr, u64 far,
		   u64 elr, u64 spsr)
{
	int mmu = read_sysreg(sctlr_el1) & SCTLR_M;
	struct mb_result *r;
	const struct mb_params *p;

	r = (struct mb_result *)(mmu ? mb_result_ptr() :
				 (void *)MB_RESULT_GPA);
	p = (const struct mb_params *)(mmu ? mb_params_ptr() :
				       (const void *)MB_PARAMS_GPA);
	r->magic = MB_RESULT_MAGIC;
	r->abi_version = MB_ABI_VERSION;
	r->size = sizeof(*r);
	r->status = status;
	r->detail = detail;
	r->exc.esr = esr;
	r->exc.far = far;
	r->exc.elr = elr;
	r->exc.spsr = spsr;
	r->exc.vector = (u32)vec;
	r->exc.mmu_on = mmu;
	mb_result_seal(r, p);
	mb_result_emit(r, p);
}

void __noreturn mb_exception(u64 vec, u64 esr, u64 far, u64 elr, u64 spsr)
{
	if (in_exception++)
		mb_power_off();		/* faulted while reporting */
	if (((esr >> 26) & 0x3f) == 0x3c) {	/* BRK: MB_BUG_ON() */
		mb_printf("mapbench-guest: failed: status %u at line %u\n",
			  MB_ST_BUG, (u32)(esr & 0xffff));
		report(MB_ST_BUG, esr & 0xffff, vec, esr, far, elr, spsr);
		mb_power_off();
	}
	mb_printf("\nmapbench-guest: unexpected exception: vector %u (%s) "
		  "ESR 0x%lx (EC 0x%x) FAR 0x%lx ELR 0x%lx SPSR 0x%lx\n",
		  (u32)vec, vec_names[vec & 15], esr, (u32)(esr >> 26) & 0x3f,
		  far, elr, spsr);
	report(MB_ST_EXCEPTION, 0, vec, esr, far, elr, spsr);
	mb_power_off();
}

void __noreturn mb_wrong_el(u64 zero, u64 el)
{
	(void)zero;
	mb_printf("\nmapbench-guest: entered at EL%u, need EL1\n",
		  (u32)(el >> 2) & 3);
	report(MB_ST_BAD_PARAMS, 0, 0, 0, 0, 0, 0);
	mb_power_off();
}
