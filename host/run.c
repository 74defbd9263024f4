// SPDX-License-Identifier: GPL-2.0-only
/*
 * `mapbench run` once the options are known: --repeat fresh VMs, one
 * after the other, then one JSON record per run (JSON Lines, written
 * atomically) and one summary line per run.  Any failure stops the lot:
 * one line on stderr, the run's exit code, no JSON.
 *
 * On SIGINT or SIGTERM (signals.c) the run unwinds normally -- QEMU
 * killed, temp files removed, no JSON -- and mapbench exits 128 + the
 * signal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "options.h"
#include "cpufeat.h"
#include "hostinfo.h"
#include "report.h"
#include "tcg.h"
#include "kvm/vmm.h"
#include "run.h"
#include "signals.h"

void mb_outcome_init(struct mb_outcome *out, double t_start)
{
	memset(out, 0, sizeof(*out));
	out->t_start = t_start;
	out->host_cpu = -1;
}

static int run_one(const struct mb_run_opts *opts, struct mb_outcome *out)
{
	return opts->accel == MB_ACCEL_KVM ? mb_kvm_run(opts, out) :
					    mb_tcg_run(opts, out);
}

int mb_run_repeats(const struct mb_run_opts *opts)
{
	unsigned int n = opts->repeat;
	struct mb_outcome *outs;
	char err[MB_ERRLEN];
	int rc = MB_EXIT_OK;
	double t_report;

	mb_signals_install();
	if (opts->accel == MB_ACCEL_TCG && opts->verbose)
		fprintf(stderr, "mapbench: no KVM here: running under QEMU "
			"TCG -- EMULATED, times are not hardware times\n");
	outs = calloc(n, sizeof(*outs));
	if (!outs) {
		fprintf(stderr, "mapbench: out of memory for %u runs\n", n);
		return MB_EXIT_VMM;
	}
	for (unsigned int i = 0; i < n; i++) {
		/* the first run's overhead counts from process start */
		mb_outcome_init(&outs[i], i ? outs[i - 1].t_done :
				mb_process_start());
		rc = run_one(opts, &outs[i]);
		if (!rc && mb_stop_signal)
			rc = mb_signal_errf(mb_stop_signal, outs[i].err,
					    sizeof(outs[i].err), NULL);
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
	if (opts->json_path) {
		rc = mb_report_jsonl(opts->json_path, opts, outs, n, err,
				     sizeof(err));
		if (rc) {
			fprintf(stderr, "mapbench: %s\n", err);
			goto out;
		}
	}
	if (opts->verbose && outs[0].have_cpu_ids) {
		char desc[160];

		mb_cpu_describe(&outs[0].cpu_ids, desc, sizeof(desc));
		fprintf(stderr, "mapbench: %s %s: %s; %s/%u supported%s%s\n",
			opts->accel == MB_ACCEL_TCG ? "QEMU TCG -cpu" :
			"KVM vCPU", opts->accel == MB_ACCEL_TCG ?
			opts->tcg_cpu : "(KVM_GET_ONE_REG)", desc,
			mb_granule_name(opts->params.page_shift),
			opts->params.va_bits,
			outs[0].bbml2_noabort ? ", BBML2_NOABORT" :
			outs[0].bbml3 ? ", BBML3" : "",
			opts->force_bbml2 ? ", bbml2 FORCED" : "");
	}
	if (opts->verbose)
		fprintf(stderr, "mapbench: host overhead of run 1: set-up %.1f ms, teardown %.1f ms; JSON for %u run(s) written in %.1f ms\n",
			(outs[0].t_entry - outs[0].t_start) * 1e3,
			(outs[0].t_done - outs[0].t_exit) * 1e3, n,
			(mb_now() - t_report) * 1e3);
	for (unsigned int i = 0; i < n; i++)
		mb_report_line(stdout, opts, &outs[i]);
out:
	free(outs);
	return rc;
}
