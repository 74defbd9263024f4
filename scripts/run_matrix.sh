#!/bin/bash
# run_matrix.sh CONFIG [OUTDIR] [--label NAME] [--deterministic] ...
#
# Run a matrix config (docs/CONFIG.md).  `mapbench matrix` does the work:
# a fresh VM per run, one JSON record per run appended to
# OUTDIR/results.jsonl, progress and an ETA on a terminal, resumable.
# OUTDIR defaults to results/<config name>, so the same command again
# resumes an interrupted matrix.  Exit: 0 all points ran or were skipped
# (host limits), 1 bad config, 2 I/O, 3 some point failed, 128+N signal.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
	echo "usage: scripts/run_matrix.sh CONFIG [OUTDIR] [mapbench matrix options]" >&2
	exit 1
fi
conf=$1
shift
out=results/$(basename "$conf" .conf)
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
	out=$1
	shift
fi
mb=${MAPBENCH:-$root/build/mapbench}
if [ ! -x "$mb" ]; then
	make -C "$root" --no-print-directory guest host >&2 || exit 2
fi
"$mb" matrix "$conf" "$out" "$@"
rc=$?
if [ $rc -eq 0 ] || [ $rc -eq 3 ]; then
	echo "next: $mb report $out"
	echo "      $mb plot $out -o $out/plot.png"
fi
exit $rc
