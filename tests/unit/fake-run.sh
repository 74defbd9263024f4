#!/bin/bash
# A stand-in for `mapbench run` (MAPBENCH_MATRIX_RUN) so the matrix
# runner's bookkeeping is tested without VMs: base and lazy-unmap write a
# record, idmap is "too big for this host" (exit 5), v6.10 fails (exit 3),
# temp-pgtable hangs until killed.  FAKE_LOG gets one line per run:
# strategy, size, pid, and whether it calibrates (cal | nocal).
set -u
mem= st= json= cal=cal
while [ $# -gt 0 ]; do
	case $1 in
	run) ;;
	--mem) mem=$2; shift ;;
	--strategy) st=$2; shift ;;
	--json) json=$2; shift ;;
	--no-calibrate) cal=nocal ;;
	--*) [ "${2:-}" != "${2#--}" ] || [ $# -lt 2 ] || shift ;;
	esac
	shift
done
[ -n "${FAKE_LOG:-}" ] && echo "$st $mem $$ $cal" >> "$FAKE_LOG"
case $st in
idmap)
	echo "mapbench: RAM up to 0x10040000000 needs 41 IPA bits, this host's KVM allows 40" >&2
	exit 5 ;;
v6.10)
	echo "some noise first" >&2
	echo "mapbench: guest exception: EC 0x25 at 0xffff800080001234" >&2
	exit 3 ;;
temp-pgtable)
	exec sleep 600 ;;
esac
case $mem in
*G) bytes=$(( ${mem%G} << 30 )) ;;
*M) bytes=$(( ${mem%M} << 20 )) ;;
esac
printf '{"strategy":"%s","rodata":"full","accel":"tcg","emulated":true,"status":"ok","ram":{"total":%d},"timing":{"ticks":%d,"cntfrq":62500000}}\n' \
	"$st" "$bytes" $(( ${#st} * 1000 )) > "$json"
