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

run "engine (test_linear_map), 4K/48" "$B/unit/test_linear_map"
# the same closed forms at every other granule and VA size built
for cfg in 4k-va39 4k-va52 16k-va36 16k-va47 16k-va48 16k-va52 64k-va42 \
	   64k-va48 64k-va52; do
	run "engine (test_linear_map), $cfg" "$B/unit/$cfg/test_linear_map"
done
run "host (test_host)" "$B/unit/test_host"
run "run side (test_runside)" "$B/unit/test_runside"
run "kernel-check parsers (test_kcheck)" "$B/unit/test_kcheck"

# Analysis: statistics against scipy's answers, configs, result files;
# then report / compare / plot through the CLI against golden files.
run "analysis (test_analysis)" "$B/unit/test_analysis"
run "analysis CLI (tests/unit/analysis.sh)" tests/unit/analysis.sh
run "explain CLI (tests/unit/explain.sh)" tests/unit/explain.sh
# LAVA labs: the job-log codec, jobs and logs through the CLI
run "LAVA (test_lava)" "$B/unit/test_lava"
run "LAVA CLI (tests/unit/lava.sh)" tests/unit/lava.sh
run "kernel-check records and bad input (tests/unit/kcheck.sh)" tests/unit/kcheck.sh
# schema/: its versions and lists against abi.h and the writers, the
# golden records, and mutated records it must refuse
run "JSON schema (tests/unit/schema.sh)" tests/unit/schema.sh
# docs/ARCHITECTURE.md against the tree: files, header rows, no circle
run "the command line: option tables, --help, man pages, completion (tests/unit/cli.sh)" tests/unit/cli.sh
run "architecture doc matches the tree (tests/unit/archdoc.sh)" tests/unit/archdoc.sh
# make install: FHS places, a moved prefix runs from / with its own
# files, says where it looked, make uninstall leaves nothing
run "make install, relocation, uninstall (tests/unit/install.sh)" tests/unit/install.sh
# a fresh machine's make run: nothing on stderr before deps.sh
run "first contact without the cross compiler (tests/unit/firstcontact.sh)" tests/unit/firstcontact.sh

# Mutants (make mutants): test-only engines, each tests/mutants/<name>.patch
# applied to a copy of guest/.  Each must run to its summary and fail
# checks of every kind its "# expect:" line names (a mutant caught only
# by another kind is not caught); a crash, a sanitizer report, a missing
# build or a patch without expectations is a failure of the suite.  Two
# at a time, each into its own log; the verdicts in name order.
mutant_run() {
	local bin=$B/mutants/$1/test_linear_map
	[ -x "$bin" ] || return 0
	"$bin" --quick > "$bin.log" 2>&1
	echo $? > "$bin.rc"
}
caught=0 mutants=0
names=$(ls tests/mutants/*.patch 2>/dev/null | sed 's|.*/||; s|\.patch$||')
for m in $names; do
	rm -f "$B/mutants/$m/test_linear_map.rc"
	mutant_run "$m" &
	while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
done
wait
for m in $names; do
	bin=$B/mutants/$m/test_linear_map
	expect=$(sed -n 's/^# expect: *//p' "tests/mutants/$m.patch")
	mutants=$((mutants + 1))
	if [ -z "$expect" ]; then
		run "mutant $m: tests/mutants/$m.patch has no '# expect:' line" false
		continue
	fi
	if [ ! -x "$bin" ] || [ ! -f "$bin.rc" ]; then
		run "mutant $m: not built (make mutants)" false
		continue
	fi
	rc=$(cat "$bin.rc")
	summary=$(grep -E '^test_linear_map: [0-9]+ passed, [0-9]+ failed$' \
		"$bin.log")
	nf=$(echo "$summary" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
	# the kinds with failed checks: "kind: N" from the summary, N > 0
	failed=$(sed -n 's/^failed by kind: //p' "$bin.log" | tr ',' '\n' |
		 sed -n 's/^ *\([a-z-]*\): \([1-9][0-9]*\)$/\1 (\2)/p' |
		 tr '\n' ' ')
	missed=
	for k in $expect; do
		case " $failed" in
		*" $k ("*) ;;
		*) missed="$missed $k" ;;
		esac
	done
	if [ "$rc" -ne 1 ] || [ -z "$nf" ] || [ "$nf" -eq 0 ] ||
	   grep -q 'Sanitizer\|runtime error' "$bin.log"; then
		run "mutant $m is caught (exit $rc, ${summary:-no summary}; see $bin.log)" false
	elif [ -n "$missed" ]; then
		run "mutant $m is caught by [$expect]: not by [${missed# }] (failed: $failed; see $bin.log)" false
	else
		run "mutant $m is caught by [$expect] (failed: ${failed% })" true
		caught=$((caught + 1))
	fi
done

echo "# mutants: $mutants, caught by their expected kinds: $caught"

# libFuzzer harnesses, a few seconds each (longer: make fuzz).
if tests/fuzz/run.sh "${FUZZ_SECONDS:-5}"; then
	run "fuzz harnesses (tests/fuzz/run.sh)" true
else
	run "fuzz harnesses (tests/fuzz/run.sh)" false
fi

echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
