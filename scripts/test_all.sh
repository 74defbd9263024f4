#!/bin/bash
# make test: the tiers in order, each timed.  A tier's own output ends
# with "TIER: N passed, N failed"; this ends with the tier totals.  A
# tier that exits 77 could not run at all (e.g. the reference kernels
# cannot be fetched): it is counted as SKIPPED, never as passed, and
# does not fail the run.
set -u
cd "$(dirname "$0")/.."
tiers=(unit tcg ref kvm lava)
[ -n "${MB_TIERS:-}" ] && read -r -a tiers <<< "$MB_TIERS"
pass=0 fail=0 skip=0 summary=()
for t in "${tiers[@]}"; do
	echo "=== tier: $t"
	start=$(date +%s)
	"tests/$t/run.sh"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1)); res=passed
	elif [ "$rc" -eq 77 ]; then
		skip=$((skip + 1)); res="SKIPPED (see its output)"
	else
		fail=$((fail + 1)); res=FAILED
	fi
	summary+=("$t $res in $(( $(date +%s) - start )) s")
done
echo "=== summary"
printf '  %s\n' "${summary[@]}"
echo "tiers: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
