/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BUG_ON() for the engine and the allocator, and the environment's
 * panic behind it: the guest's result.c, the unit tier's simulator.
 */
#ifndef MAPBENCH_GUEST_BUG_H
#define MAPBENCH_GUEST_BUG_H

#include <mapbench/abi.h>

#include "compiler.h"

/* Provided by the environment: record the failure and stop. */
void __noreturn mb_panic(unsigned int status, unsigned int line);
#ifdef MB_GUEST
/*
 * BUG() as arm64 has it: a BRK the exception vector turns into a report
 * (status MB_ST_BUG, the line in BRK's immediate), so a checking
 * function stays a leaf like the kernel's.
 */
#define MB_BUG_ON(c) do {						\
	if (unlikely(c)) {						\
		asm volatile("brk %0" :: "i" (__LINE__));		\
		__builtin_unreachable();				\
	}								\
} while (0)
#else
#define MB_BUG_ON(c) do {						\
	if (unlikely(c))						\
		mb_panic(MB_ST_BUG, __LINE__);				\
} while (0)
#endif

#endif /* MAPBENCH_GUEST_BUG_H */
