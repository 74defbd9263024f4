// SPDX-License-Identifier: GPL-2.0-only
/*
 * `mapbench run` once the options are known: --repeat fresh VMs, one
 * after the other, then one JSON record per run (JSON Lines, written
 * atomically) and one summary line per run.  Any failure stops the lot:
 * one line on stderr, the run's exit code, no JSON.
 *
 * SIGINT and SIGTERM only set a flag and kick the vCPU out of KVM_RUN
 * (immediate_exit); the run then unwinds normally -- QEMU killed, temp
 * files removed, no JSON -- and mapbench exits 128 + the signal.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapbench.h"

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

static int run_one(const struct mb_config *cfg, struct mb_outcome *out)
{
	return cfg->accel == MB_ACCEL_KVM ? mb_kvm_run(cfg, out) :
					    mb_tcg_run(cfg, out);
}

int mb_run(struct mb_config *cfg)
{
	unsigned int n = cfg->repeat ? cfg->repeat : 1;
	struct mb_outcome *outs;
	char err[MB_ERRLEN];
	int rc = MB_EXIT_OK;
	double t_report;

	mb_signals_install();
	if (cfg->accel == MB_ACCEL_TCG && cfg->verbose)
		fprintf(stderr, "mapbench: no KVM here: running under QEMU "
			"TCG -- EMULATED, times are not hardware times\n");
	outs = calloc(n, sizeof(*outs));
	if (!outs) {
		fprintf(stderr, "mapbench: out of memory for %u runs\n", n);
		return MB_EXIT_VMM;
	}
	for (unsigned int i = 0; i < n; i++) {
		/* the first run's overhead counts from process start */
		outs[i].t_start = i ? outs[i - 1].t_done : mb_process_start();
		rc = run_one(cfg, &outs[i]);
		if (!rc && mb_stop_signal) {
			rc = MB_EXIT_SIGNAL + mb_stop_signal;
			snprintf(outs[i].err, sizeof(outs[i].err),
				 "interrupted by %s", mb_stop_signal == SIGINT ?
				 "SIGINT" : "SIGTERM");
		}
		if (rc) {
			const char *why = outs[i].err[0] ? outs[i].err :
					  "run failed";

			if (n > 1)
				fprintf(stderr, "mapbench: run %u of %u: %s\n",
					i + 1, n, why);
			else
				fprintf(stderr, "mapbench: %s\n", why);
			goto out;
		}
	}
	t_report = mb_now();
	if (cfg->json_path) {
		rc = mb_report_jsonl(cfg->json_path, cfg, outs, n, err,
				     sizeof(err));
		if (rc) {
			fprintf(stderr, "mapbench: %s\n", err);
			goto out;
		}
	}
	if (cfg->verbose)
		fprintf(stderr, "mapbench: host overhead of run 1: set-up %.1f ms, teardown %.1f ms; JSON for %u run(s) written in %.1f ms\n",
			(outs[0].t_entry - outs[0].t_start) * 1e3,
			(outs[0].t_done - outs[0].t_exit) * 1e3, n,
			(mb_now() - t_report) * 1e3);
	for (unsigned int i = 0; i < n; i++)
		mb_report_line(stdout, cfg, &outs[i]);
out:
	free(outs);
	return rc;
}
