#!/bin/bash
# Unit tier: the page-table engine on simulated arch ops (ASan/UBSan),
# host-side unit tests, and mutants that must make the suite fail.
set -u
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
pass=0 fail=0

run() {
	local name=$1; shift
	if "$@"; then pass=$((pass + 1)); echo "ok - $name"
	else fail=$((fail + 1)); echo "not ok - $name"; fi
}

run "engine (test_linear_map)" "$B/unit/test_linear_map"
if [ -x "$B/unit/test_host" ]; then
	run "host (test_host)" "$B/unit/test_host"
fi
run "run side (test_runside)" "$B/unit/test_runside"
run "kernel-check parsers (test_kcheck)" "$B/unit/test_kcheck"

# Analysis: statistics against scipy's answers, configs, result files;
# then report / compare / plot through the CLI against golden files.
run "analysis (test_analysis)" "$B/unit/test_analysis"
run "analysis CLI (tests/unit/analysis.sh)" tests/unit/analysis.sh
# LAVA labs: the job-log codec, jobs and logs through the CLI
run "LAVA (test_lava)" "$B/unit/test_lava"
run "LAVA CLI (tests/unit/lava.sh)" tests/unit/lava.sh
run "kernel-check records and bad input (tests/unit/kcheck.sh)" tests/unit/kcheck.sh

# Mutation check: a lost TLBI and a wrong descriptor bit, each in a
# test-only build, must be caught.
for m in 1 2; do
	bin=$B/unit/mutant$m
	cc -std=gnu11 -O1 -g -Iinclude -Iguest -Itests/unit -DMB_SIM \
		-DMB_MUTATE=$m tests/unit/test_linear_map.c tests/unit/sim.c \
		tests/unit/simenv.c tests/unit/engine_sim.c guest/memblock.c \
		-o "$bin" || { fail=$((fail + 1)); continue; }
	if "$bin" --quick > "$bin.log" 2>&1; then
		run "mutant $m is caught" false
	else
		run "mutant $m is caught ($(grep -c '^not ok' "$bin.log") checks failed)" true
	fi
done

# libFuzzer harnesses, a few seconds each (longer: make fuzz).
if tests/fuzz/run.sh "${FUZZ_SECONDS:-8}"; then
	run "fuzz harnesses (tests/fuzz/run.sh)" true
else
	run "fuzz harnesses (tests/fuzz/run.sh)" false
fi

echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
