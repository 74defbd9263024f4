// SPDX-License-Identifier: GPL-2.0-only
/*
 * The result record and power-off (see result.h), and mb_panic(): the
 * engine's way to stop with a status.  Calls only the console.
 */
#include "compiler.h"
#include "arch.h"
#include "boot.h"
#include "engine.h"
#include "pgtable.h"
#include "result.h"

struct mb_result *mb_result_ptr(void)
{
	return (struct mb_result *)(fix_to_virt(FIX_RESULT) +
				    (MB_RESULT_GPA & ~PAGE_MASK));
}

const struct mb_params *mb_params_ptr(void)
{
	return (const struct mb_params *)(fix_to_virt(FIX_PARAMS) +
					  (MB_PARAMS_GPA & ~PAGE_MASK));
}

void mb_result_seal(struct mb_result *r, const struct mb_params *p)
{
	r->checksum = mb_fnv1a(MB_FNV_OFFSET, r,
			       offsetof(struct mb_result, checksum));
	if (READ_ONCE(p->flags) & MB_PF_INJECT_BADREC)
		r->checksum ^= 1;
}

void mb_result_emit(const struct mb_result *r, const struct mb_params *p)
{
	const u8 *b = (const u8 *)r;

	if (!(READ_ONCE(p->flags) & MB_PF_CONSOLE_RECORD))
		return;
	mb_puts("\n" MB_CONSOLE_TAG);
	for (size_t i = 0; i < sizeof(*r); i++)
		mb_printf("%02x", b[i]);
	mb_puts("\n");
}

void __noreturn mb_power_off(void)
{
	register u64 x0 asm("x0") = MB_PSCI_SYSTEM_OFF;

	asm volatile("hvc #0" : "+r" (x0) :: "memory");
	for (;;)
		asm volatile("wfi");
}

void __noreturn mb_finish(struct mb_result *r)
{
	mb_result_seal(r, mb_params_ptr());
	mb_result_emit(r, mb_params_ptr());
	mb_power_off();
}

void __noreturn mb_panic(unsigned int status, unsigned int line)
{
	struct mb_result *r = mb_result_ptr();

	mb_printf("mapbench-guest: failed: status %u at line %u\n", status,
		  line);
	r->status = status;
	r->detail = line;
	mb_finish(r);
}
