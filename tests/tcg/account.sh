#!/bin/bash
# TCG tier (make test-full), the account on the whole grid: every
# strategy at every rodata mode, 1G and 4G, 4K 16K and 64K, under QEMU
# -icount (configs/account.conf), through `mapbench matrix` and
# `mapbench explain`.  Every row must close its account within 2% of its
# measured time, leave nothing unpriced and take at least its floor.
# ACCOUNT_KEEP=DIR keeps the results and the table.
set -u
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
MB=${MAPBENCH:-$B/mapbench}
tmp=${ACCOUNT_KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
. tests/lib/assert.sh
. tests/lib/explain.sh
[ -n "${ACCOUNT_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT

if ! "$MB" matrix configs/account.conf "$tmp/grid" -q --label account \
	> "$tmp/matrix.log" 2>&1; then
	not_ok "account grid: mapbench matrix failed: $(tail -3 "$tmp/matrix.log")"
	tier_done account
	exit
fi
n=$(jq -s 'map(select(.matrix.outcome == "ok")) | length' \
	"$tmp/grid/results.jsonl")
check "account grid: all 252 points ran ok" [ "$n" = 252 ]
"$MB" explain --format csv "$tmp/grid/results.jsonl" > "$tmp/account.csv"
"$MB" explain "$tmp/grid/results.jsonl" > "$tmp/account.txt"
check "account grid: every row within 2%, nothing unpriced, none under its floor" \
	explain_bound "$tmp/account.csv" 20
tier_done account
