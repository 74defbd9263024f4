#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The exact op counts `mapbench explain --fit` fits with: the unit
# tier's engine (build/unit/mapsim, the guest's engine.c run natively on
# the simulated arch ops) on one bank at QEMU virt's RAM base, 4K
# granule, 48-bit VA, for each strategy and size given.  One JSON line
# per point: {"strategy": S, "mem": BYTES, "rodata": R, "counts": {...}}.
#
#   tools/fit-counts.sh [-r full|on|off] "STRATEGIES" "SIZES" > counts.jsonl
#   tools/fit-counts.sh "base v6.10" "16G 64G" > counts.jsonl
set -eu

B=${B:-build}
SIM=$B/unit/mapsim
rodata=full
if [ "${1:-}" = -r ]; then
	rodata=$2
	shift 2
fi
[ $# -eq 2 ] || { echo "usage: $0 [-r RODATA] STRATEGIES SIZES" >&2; exit 2; }
[ -x "$SIM" ] || { echo "$0: $SIM not built (make unit)" >&2; exit 2; }

bytes() {
	case $1 in
	*G) echo $(( ${1%G} << 30 )) ;;
	*M) echo $(( ${1%M} << 20 )) ;;
	*) echo "$0: size '$1' is not NG or NM" >&2; exit 2 ;;
	esac
}

for s in $1; do
	for m in $2; do
		n=$(bytes "$m")
		out=$("$SIM" --bank "0x40000000:$n" \
			--kernel 0x40200000:0x41000000 --rodata "$rodata" \
			--strategy "$s")
		printf '{"strategy": "%s", "mem": %s, "rodata": "%s", %s\n' \
			"$s" "$n" "$rodata" "${out#\{}"
	done
done
