/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System registers and barriers for the real guest.  Barriers and TLBIs
 * are volatile asm with a "memory" clobber so the compiler can neither
 * merge nor move them, nor move descriptor stores across them.
 */
#ifndef MB_ARCH_H
#define MB_ARCH_H

#include "compiler.h"

#define read_sysreg(r) ({					\
	u64 __v;						\
	asm volatile("mrs %0, " #r : "=r" (__v) :: "memory");	\
	__v;							\
})

#define write_sysreg(v, r)					\
	asm volatile("msr " #r ", %x0" :: "rZ" ((u64)(v)) : "memory")

#define isb()		asm volatile("isb" ::: "memory")
#define dsb(opt)	asm volatile("dsb " #opt ::: "memory")

static __always_inline u64 read_cntvct(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static __always_inline u64 at_s1e1r(u64 va)
{
	asm volatile("at s1e1r, %0" :: "r" (va) : "memory");
	isb();
	return read_sysreg(par_el1);
}

/* Stores go through here: one str, never merged into stp or split. */
static __always_inline void str64(u64 va, u64 v)
{
	asm volatile("str %x1, [%0]" :: "r" (va), "rZ" (v) : "memory");
}

/* Two adjacent descriptors at va + off (a constant) with one stp; each
 * half is a single-copy atomic 64-bit store. */
#define stp64(va, off, v0, v1)						\
	asm volatile("stp %x2, %x3, [%0, %1]"				\
		     :: "r" (va), "i" (off), "rZ" (v0), "rZ" (v1)	\
		     : "memory")

static __always_inline u64 ldr64(u64 va)
{
	u64 v;

	asm volatile("ldr %0, [%1]" : "=r" (v) : "r" (va) : "memory");
	return v;
}

#endif
