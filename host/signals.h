/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SIGINT and SIGTERM during `mapbench run`: the handler only sets a flag
 * and kicks the vCPU out of KVM_RUN (immediate_exit); every layer that
 * waits checks the flag and unwinds.  Below everything but libc.
 */
#ifndef MAPBENCH_SIGNALS_H
#define MAPBENCH_SIGNALS_H

#include <signal.h>
#include <stdint.h>

/* The signal seen (SIGINT or SIGTERM), 0 until then. */
extern volatile sig_atomic_t mb_stop_signal;
void mb_signals_install(void);
/* The vCPU's kvm_run.immediate_exit to set on a signal, or NULL. */
void mb_signals_kick(volatile uint8_t *immediate_exit);
/* "SIGINT", "SIGTERM", "SIGHUP", else "signal N". */
const char *mb_signal_name(int sig);

#endif /* MAPBENCH_SIGNALS_H */
