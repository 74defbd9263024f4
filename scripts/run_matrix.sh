#!/bin/bash
# run_matrix.sh CONFIG [OUTDIR]: run every point of CONFIG (the product
# of its strategy/mem/rodata/repeat values) with a fresh VM per run and
# append one JSON record per run to OUTDIR/results.jsonl.
#
# Minimal first form: the resumable runner with statistics comes later.
set -euo pipefail
cd "$(dirname "$0")/.."
conf=${1:?usage: run_matrix.sh CONFIG [OUTDIR]}
out=${2:-results/matrix-$(date +%Y%m%d-%H%M%S)}
mb=${MAPBENCH:-build/mapbench}
[ -r "$conf" ] || { echo "run_matrix: cannot read $conf" >&2; exit 1; }

declare -A val=([strategy]=base [mem]=1G [rodata]=full [repeat]=1)
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	line=${line%%#*}
	[[ $line =~ ^[[:space:]]*$ ]] && continue
	if [[ ! $line =~ ^[[:space:]]*([a-z]+)[[:space:]]*=[[:space:]]*(.+)$ ]]; then
		echo "run_matrix: $conf:$lineno: expected 'key = values'" >&2
		exit 1
	fi
	key=${BASH_REMATCH[1]}
	case $key in
	strategy|mem|rodata|repeat) val[$key]=${BASH_REMATCH[2]} ;;
	*) echo "run_matrix: $conf:$lineno: unknown key '$key'" >&2; exit 1 ;;
	esac
done < "$conf"
[[ ${val[repeat]} =~ ^[0-9]+$ ]] && [ "${val[repeat]}" -ge 1 ] || {
	echo "run_matrix: $conf: repeat must be a positive number" >&2; exit 1; }

mkdir -p "$out"
total=0 done_=0 failed=0
for s in ${val[strategy]}; do for m in ${val[mem]}; do
	for r in ${val[rodata]}; do total=$((total + val[repeat])); done
done; done
for s in ${val[strategy]}; do for m in ${val[mem]}; do for r in ${val[rodata]}; do
	for ((i = 0; i < val[repeat]; i++)); do
		tmp=$out/.point.json
		if "$mb" run --mem "$m" --strategy "$s" --rodata "$r" \
			--json "$tmp" > /dev/null; then
			jq -c . "$tmp" >> "$out/results.jsonl"
		else
			failed=$((failed + 1))
		fi
		rm -f "$tmp"
		done_=$((done_ + 1))
		printf '[%d/%d] %s %s rodata=%s\n' "$done_" "$total" "$s" "$m" "$r" >&2
	done
done; done; done
echo "results: $out/results.jsonl ($((total - failed)) runs, $failed failed)"
[ "$failed" -eq 0 ]
