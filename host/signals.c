// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stop flag of `mapbench run`: SIGINT and SIGTERM set it and kick the
 * vCPU, nothing else happens in the handler.  The backends and the
 * driver read the flag; none of them owns it.
 */
#include <stdio.h>

#include "signals.h"

volatile sig_atomic_t mb_stop_signal;
static volatile uint8_t *volatile kick;

static void on_stop(int sig)
{
	volatile uint8_t *k = kick;

	mb_stop_signal = sig;
	if (k)
		*k = 1;
}

void mb_signals_kick(volatile uint8_t *immediate_exit)
{
	kick = immediate_exit;
	/* a signal that came before there was a vCPU to kick */
	if (immediate_exit && mb_stop_signal)
		*immediate_exit = 1;
}

void mb_signals_install(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

const char *mb_signal_name(int sig)
{
	static char buf[24];

	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}
