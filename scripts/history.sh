#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make history: map_mem() across releases, measured on Debian's own arm64
# kernels.  Every series from 6.1 to the newest is fetched (the newest
# build of each, scripts/debian_kernel.sh: no system sources touched) and
# run under one `mapbench kernel-check` with a --kernel each, each
# against the strategy of its version; its last table, with the versions
# used, becomes docs/HISTORY.md.  HISTORY_SERIES="6.1 ..." another list,
# HISTORY_MEM another size (1G), HISTORY_OUT another file.
set -u
cd "$(dirname "$0")/.." || exit 1
MB=${BUILD:-build}/mapbench
mem=${HISTORY_MEM:-1G}
out=${HISTORY_OUT:-docs/HISTORY.md}
# series and the suites that hold them
series=${HISTORY_SERIES:-"6.1 6.12 6.16 6.17 6.18 6.19 7.0 7.1 7.2 7.3"}
suites_of() {
	case $1 in
	6.1|6.12) echo bookworm,bookworm-security ;;
	*) echo trixie-backports,sid ;;
	esac
}
[ -x "$MB" ] || { echo "history: $MB is not built (make)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=() used=()
for s in $series; do
	if ! got=$(scripts/debian_kernel.sh "$(suites_of "$s")" "$s" arm64 2> "$tmp/err"); then
		echo "history: $s: $(tail -n1 "$tmp/err"): left out" >&2
		continue
	fi
	read -r ver img cfg <<< "$got"
	args+=(--kernel "$img")
	used+=("$s: Debian $ver")
done
[ ${#args[@]} -gt 0 ] || { echo "history: no kernel could be fetched" >&2; exit 1; }
"$MB" kernel-check "${args[@]}" --mem "$mem" --json "$tmp/history.jsonl" \
	> "$tmp/out" 2> "$tmp/err"
rc=$?
if ! grep -q '^map_mem() across releases' "$tmp/out"; then
	echo "history: kernel-check exit $rc: $(tail -n1 "$tmp/err")" >&2
	exit 1
fi
{
	echo "# map_mem() across releases"
	echo
	echo "Made by \`make history\` (scripts/history.sh) on $(date -u +%Y-%m-%d):"
	echo "Debian's arm64 kernels, one per series (the newest build), each"
	echo "under \`mapbench kernel-check --mem $mem\` (QEMU TCG, -cpu max,lpa2=off,"
	echo "4K pages at 48-bit VA, rodata=full) against the strategy of its"
	echo "version (v6.10 from 6.10, v6.18 from 6.18, v7.2 from 7.2).  Counts"
	echo "are the kernel's, per GiB; \"ops\" and \"tables\" say whether the"
	echo "strategy's equal them; the instruction columns are both sides'."
	echo "6.19 .. 7.1 are compared with v6.18, whose PTEs lack the PTE_DIRTY"
	echo "those kernels put back: their tables differ by that bit (and"
	echo "6.13 .. 6.17's from v6.10's by the table AF)."
	echo
	printf -- '- %s\n' "${used[@]}"
	echo
	sed -n '/^map_mem() across releases/,$p' "$tmp/out" | tail -n +3
	echo
	echo "Kernels that did not run say why in their row.  The window of each"
	echo "is docs/ARCHITECTURE.md's (\"kernel-check\": NOMAP up to 7.1, the"
	echo "whole of map_mem() from 7.2)."
} > "$out.tmp" && mv "$out.tmp" "$out"
echo "history: $out ($(grep -c '^| [0-9]' "$out") kernels)"
