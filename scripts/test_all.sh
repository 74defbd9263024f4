#!/bin/bash
# make test: the tiers, each timed.  A tier's own output ends with
# "TIER: N passed, N failed"; this ends with the tier totals.  A tier
# that exits 77 could not run at all (e.g. the reference kernels cannot
# be fetched): it is counted as SKIPPED, never as passed, and does not
# fail the run.
#
# The tiers are independent (own temporary directories, sockets and
# caches), and each keeps about one core busy (one QEMU, one test
# binary at a time), so they run MB_JOBS at a time (default: one per
# core, at most two), the longest first.  Each tier's output is held
# in a file and printed whole when the tier ends; MB_JOBS=1 runs them
# one after the other with their output as it comes.  MB_TIERS="..."
# runs a subset.
set -u
cd "$(dirname "$0")/.." || exit 1
tiers=(unit tcg ref kvm lava pkg)
[ -n "${MB_TIERS:-}" ] && read -r -a tiers <<< "$MB_TIERS"
njobs=${MB_JOBS:-$(nproc)}
case $njobs in ''|*[!0-9]*|0) echo "test_all: MB_JOBS=$njobs is not a count" >&2; exit 2 ;; esac
[ "$njobs" -gt 2 ] && [ -z "${MB_JOBS:-}" ] && njobs=2

# the order they start in: the longest first (measured, make test)
order=()
for t in tcg unit ref kvm lava pkg; do
	[[ " ${tiers[*]} " == *" $t "* ]] && order+=("$t")
done
for t in "${tiers[@]}"; do
	[[ " ${order[*]} " == *" $t "* ]] || order+=("$t")
done

logs=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$logs"' EXIT
declare -A rc_of=() secs_of=() pid_tier=() start_of=()

result() {
	case $1 in
	0) echo passed ;;
	77) echo "SKIPPED (see its output)" ;;
	*) echo FAILED ;;
	esac
}

if [ "$njobs" -eq 1 ]; then
	for t in "${tiers[@]}"; do
		echo "=== tier: $t"
		start=$(date +%s)
		"tests/$t/run.sh"
		rc_of[$t]=$?
		secs_of[$t]=$(( $(date +%s) - start ))
	done
else
	echo "=== running ${#order[@]} tiers, $njobs at a time (${order[*]}); each tier's output follows when it ends"
	next=0 running=0 t0=$(date +%s)
	while [ "$next" -lt "${#order[@]}" ] || [ "$running" -gt 0 ]; do
		while [ "$running" -lt "$njobs" ] && [ "$next" -lt "${#order[@]}" ]; do
			t=${order[$next]}
			next=$((next + 1))
			start_of[$t]=$(date +%s)
			"tests/$t/run.sh" > "$logs/$t" 2>&1 < /dev/null &
			pid_tier[$!]=$t
			running=$((running + 1))
		done
		wait -n -p done_pid
		rc=$?
		t=${pid_tier[$done_pid]}
		running=$((running - 1))
		rc_of[$t]=$rc
		secs_of[$t]=$(( $(date +%s) - ${start_of[$t]} ))
		echo "=== tier: $t ($(result "$rc") in ${secs_of[$t]} s, at $(( $(date +%s) - t0 )) s)"
		cat "$logs/$t"
	done
fi

pass=0 fail=0 skip=0
echo "=== summary"
for t in "${tiers[@]}"; do
	case ${rc_of[$t]} in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
	echo "  $t $(result "${rc_of[$t]}") in ${secs_of[$t]} s"
done
echo "tiers: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
