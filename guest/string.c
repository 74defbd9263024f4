// SPDX-License-Identifier: GPL-2.0-only
/*
 * The few libc routines the compiler may call, and page zeroing.
 */
#include "compiler.h"
#include "arch.h"
#include "boot.h"
#include "engine.h"
#include "task.h"

void *memset(void *s, int c, size_t n)
{
	u8 *p = s;

	while (n--)
		*p++ = (u8)c;
	return s;
}

/* Eight bytes at a time where both sides allow it (-mstrict-align):
 * the probes restore a whole memblock before every build. */
void *memcpy(void *d, const void *s, size_t n)
{
	u8 *a = d;
	const u8 *b = s;

	if (!(((u64)a | (u64)b) & 7))
		for (; n >= 8; n -= 8, a += 8, b += 8)
			*(u64 *)a = *(const u64 *)b;
	while (n--)
		*a++ = *b++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	u8 *a = d;
	const u8 *b = s;

	if (a < b)
		return memcpy(d, s, n);
	while (n--)
		a[n] = b[n];
	return d;
}

int memcmp(const void *x, const void *y, size_t n)
{
	const u8 *a = x, *b = y;

	for (; n; n--, a++, b++)
		if (*a != *b)
			return *a - *b;
	return 0;
}

/* DC ZVA block size in bytes, 0 if DC ZVA is prohibited. */
static u64 zva_bytes;

void mb_zero_init(void)
{
	u64 dczid = read_sysreg(dczid_el0);

	zva_bytes = (dczid & 16) ? 0 : 4UL << (dczid & 15);
}

/*
 * Zero one page as arm64's memset() zero path and clear_page() both do:
 * DC ZVA by block; stp pairs where DC ZVA is prohibited.
 */
void mb_zero_page(u64 va)
{
	u64 a, end = va + PAGE_SIZE, bs = zva_bytes;

	if (likely(bs)) {
		for (a = va; a < end; a += bs)
			asm volatile("dc zva, %0" :: "r" (a) : "memory");
		return;
	}
	for (a = va; a < end; a += 16)
		asm volatile("stp xzr, xzr, [%0]" :: "r" (a) : "memory");
}

/*
 * The stack protector of the engine and memblock objects, built as the
 * kernel is (-fstack-protector-strong, guard at [sp_el0 + 16] like
 * current->stack_canary): entry.S points sp_el0 here (guest/task.h).
 */
struct mb_task mb_task = { .stack_canary = 0x2f8c1d6e93a4b507UL };
_Static_assert(__builtin_offsetof(struct mb_task, stack_canary) ==
	       MB_TASK_CANARY_OFF, "the Makefile's stack guard offset");

void __noreturn __stack_chk_fail(void);
void __noreturn __stack_chk_fail(void)
{
	mb_panic(MB_ST_BUG, __LINE__);
}
