// SPDX-License-Identifier: GPL-2.0-only
/*
 * Console: byte stores to the PL011 data register, through FIX_CONSOLE
 * once the MMU is on, at its physical address before.  Never used in the
 * timed window.
 */
#include <stdarg.h>

#include "compiler.h"
#include "arch.h"
#include "boot.h"
#include "sysregs.h"

static u64 uart_base(void)
{
	if (read_sysreg(sctlr_el1) & SCTLR_M)
		return fix_to_virt(FIX_CONSOLE);
	return MB_UART_GPA;
}

void mb_putc(char c)
{
	u64 base = uart_base();

	/* a plain 32-bit str: KVM needs a valid syndrome for MMIO */
	asm volatile("str %w0, [%1]" :: "r" ((u32)(u8)c), "r" (base)
		     : "memory");
}

void mb_puts(const char *s)
{
	while (*s) {
		if (*s == '\n')
			mb_putc('\r');
		mb_putc(*s++);
	}
}

static void put_num(u64 v, unsigned int base, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		unsigned int d = v % base;

		buf[n++] = d < 10 ? '0' + d : 'a' + d - 10;
		v /= base;
	} while (v);
	while (n < width--)
		mb_putc(pad);
	while (n)
		mb_putc(buf[--n]);
}

/* %s %c %d %u %x with an optional 0-padded width and l/ll modifiers. */
void mb_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, is_long = 0;
		char pad = ' ';

		if (*fmt != '%') {
			if (*fmt == '\n')
				mb_putc('\r');
			mb_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			is_long = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			mb_puts(va_arg(ap, const char *));
			break;
		case 'c':
			mb_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			long long v = is_long ? va_arg(ap, long long) :
						va_arg(ap, int);

			if (v < 0) {
				mb_putc('-');
				v = -v;
			}
			put_num((u64)v, 10, width, pad);
			break;
		}
		case 'u':
			put_num(is_long ? va_arg(ap, u64) : va_arg(ap, u32),
				10, width, pad);
			break;
		case 'x':
			put_num(is_long ? va_arg(ap, u64) : va_arg(ap, u32),
				16, width, pad);
			break;
		case '%':
			mb_putc('%');
			break;
		default:
			mb_putc('?');
			break;
		}
	}
	va_end(ap);
}
