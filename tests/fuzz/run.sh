#!/bin/bash
# Fuzz tier (run by the unit tier with a few seconds each, by `make fuzz`
# with FUZZ_TIME): each libFuzzer harness for SECONDS, starting from its
# committed corpus in tests/fuzz/corpus/NAME (never modified: new inputs
# go to a scratch directory).  A crash, leak, timeout or sanitizer report
# fails the harness; its input is kept in build/fuzz/artifacts.
#
# usage: tests/fuzz/run.sh [SECONDS]   (default 8)
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${BUILD:-build}
secs=${1:-8}
pass=0 fail=0

if ! make --no-print-directory -s fuzz-bin >/dev/null 2>"$B/fuzz-build.log"; then
	echo "not ok - fuzz harnesses build (clang; see $B/fuzz-build.log)"
	sed 's/^/#   /' "$B/fuzz-build.log" | head -5
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$B/fuzz/artifacts"

for name in elf record cli kstats lava kcheck fit_table; do
	bin=$B/fuzz/fuzz_$name
	mkdir -p "$work/$name"
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 \
		-artifact_prefix="$B/fuzz/artifacts/$name-" \
		"$work/$name" "tests/fuzz/corpus/$name" \
		> "$work/$name.log" 2>&1
	rc=$?
	runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$work/$name.log")
	cov=$(grep -o 'cov: [0-9]*' "$work/$name.log" | tail -n1)
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok - fuzz $name: ${runs:-?} inputs in ${secs} s, $cov, no findings"
	else
		fail=$((fail + 1))
		echo "not ok - fuzz $name: exit $rc (inputs in $B/fuzz/artifacts)"
		grep -m5 -E 'ERROR|SUMMARY|deadly' "$work/$name.log" | sed 's/^/#   /'
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
