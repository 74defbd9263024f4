#!/bin/bash
# make test: the four tiers in order, each timed.  A tier's own output
# ends with "TIER: N passed, N failed"; this ends with the tier totals.
set -u
cd "$(dirname "$0")/.."
tiers=(unit tcg kvm lava)
[ -n "${MB_TIERS:-}" ] && read -r -a tiers <<< "$MB_TIERS"
pass=0 fail=0 summary=()
for t in "${tiers[@]}"; do
	echo "=== tier: $t"
	start=$(date +%s)
	if "tests/$t/run.sh"; then
		pass=$((pass + 1)); res=passed
	else
		fail=$((fail + 1)); res=FAILED
	fi
	summary+=("$t $res in $(( $(date +%s) - start )) s")
done
echo "=== summary"
printf '  %s\n' "${summary[@]}"
echo "tiers: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
