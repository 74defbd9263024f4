/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Included first by every guest C file.  Everything is hidden so that
 * -fpie code reaches globals PC-relatively (no GOT): the same C runs at
 * its physical address with the MMU off and at its link address after.
 */
#ifndef MB_COMPILER_H
#define MB_COMPILER_H

#if defined(MB_GUEST)
#pragma GCC visibility push(hidden)
#endif

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint8_t u8;

#define __noreturn	__attribute__((noreturn))
#define __aligned(x)	__attribute__((aligned(x)))
#define __section(s)	__attribute__((section(s)))
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
#define __noinline	__attribute__((noinline))
#define __used		__attribute__((used))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#ifdef MB_GUEST
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif

#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif
