#!/bin/bash
# TCG tier, the analysis workflow end to end on real guests: the smoke
# matrix in deterministic mode (QEMU -icount), interrupted with SIGTERM
# and resumed, must equal an uninterrupted run point for point and tick
# for tick; report and plot on it; compare of the two says nothing
# changed; compare against a guest with an extra dsb per PTE
# (make inject-guest) reports the regression; skipped and failed points
# are recorded with their reasons.  MATRIX_KEEP=DIR keeps the results,
# the table and the plots.
set -u
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
MB=${MAPBENCH:-$B/asan/mapbench}
INJECT=$B/inject/guest/mapbench-guest.elf
tmp=$(mktemp -d)
. tests/lib/assert.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export MAPBENCH=$MB
bg=
cleanup() {
	[ -n "$bg" ] && kill "$bg" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

nstrat=$("$MB" list | wc -l)

# point, run, ticks, counts, digest of every ok record: what must not
# depend on how the matrix was run
fingerprint() {
	jq -c 'select(.matrix.outcome == "ok") | [.matrix.point, .matrix.run,
		.matrix.warmup, .timing.ticks, .digest, .counts]' "$1" | sort
}

# Every point's runs are all there (0..3) and nothing else is.
whole_points() {
	jq -r '.matrix.point' "$1" | sort | uniq -c |
		awk '$1 != 4 { bad = 1 } END { exit bad }'
}

make --no-print-directory BUILD="$B" inject-guest > "$tmp/make.log" 2>&1
check "the injected-regression guest builds (make inject-guest)" \
	[ -s "$INJECT" ]

# ---- the smoke matrix, uninterrupted -----------------------------------
start=$(date +%s)
scripts/run_matrix.sh configs/smoke.conf "$tmp/a" --deterministic \
	--label ci -q > "$tmp/a.out" 2> "$tmp/a.err"
rc=$?
check "smoke matrix: exit 0 ($(( $(date +%s) - start )) s)" [ $rc = 0 ]
A=$tmp/a/results.jsonl
check "smoke matrix: $((2 * nstrat)) points x 4 runs, all ok and verified" \
	[ "$(jq -s "length == $((8 * nstrat)) and all(.matrix.outcome == \"ok\"
		and .status == \"ok\" and .verify.errors == 0 and .deterministic
		and .emulated)" "$A")" = true ]
check "smoke matrix: 1 warm-up + 3 runs per point" \
	[ "$(jq -s '[.[] | select(.matrix.warmup)] | length' "$A")" = \
	  $((2 * nstrat)) ]
check "smoke matrix: deterministic: the same ticks in every run of a point" \
	[ "$(jq -s 'group_by(.matrix.point) | all(map(.timing.ticks) | unique |
		length == 1)' "$A")" = true ]
check "run_matrix.sh says what to do next" grep -q "report $tmp/a" "$tmp/a.out"

"$MB" report "$A" > "$tmp/table.txt"
# bbml2-* are forced (QEMU's CPU has no BBML2_NOABORT): their rows say so
check "report: the smoke table, every strategy a row" \
	[ "$(grep -cE '^[a-z0-9.-]+( \(forced\))? +\| [0-9.]+ \((0|[+-][0-9]+)%\)' "$tmp/table.txt")" = "$nstrat" ]
check "report: the forced bbml2 rows are marked" \
	[ "$(grep -cE '^bbml2-(blocks|repaint) \(forced\) +\|' "$tmp/table.txt")" = 2 ]
check "report: EMULATED in the column heads" \
	grep -q '| 1G, EMULATED *| 4G, EMULATED' "$tmp/table.txt"
sed 's/^/# /' "$tmp/table.txt" | head -22

"$MB" plot "$A" -o "$tmp/smoke.png" && "$MB" plot "$A" -o "$tmp/smoke.svg"
check "plot: a PNG" [ "$(head -c 8 "$tmp/smoke.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]
missing=
for s in $("$MB" list | awk '{print $1}'); do
	grep -qE ">$s( \(forced\))?( \(= |<)" "$tmp/smoke.svg" ||
		missing="$missing $s"
done
check "plot: the SVG has a series for every strategy${missing:+ (missing:$missing)}" \
	[ -z "$missing" ]
check "plot: series hidden behind another say so in the legend" \
	grep -qE '>[a-z0-9.-]+ \(= [a-z0-9.-]+ \+-5%\)<' "$tmp/smoke.svg"
"$MB" plot --explain "$A" -o "$tmp/explain.svg"
check "plot --explain: a stacked bar per strategy" \
	[ "$(grep -cE '>[a-z0-9.-]+( \(forced\))? 4G<' "$tmp/explain.svg")" = "$nstrat" ]

# where the time goes, on real deterministic records: exact
. tests/lib/explain.sh
"$MB" explain --format csv "$A" > "$tmp/explain.csv"
check "explain: a row per strategy and size" \
	[ "$(($(wc -l < "$tmp/explain.csv") - 1))" = "$((2 * nstrat))" ]
check "explain: the deterministic smoke matrix (every strategy, 1G and 4G) closes every account within 2%, nothing unpriced, none under its floor" \
	explain_bound "$tmp/explain.csv" 20
"$MB" explain "$A" > "$tmp/explain.txt"
sed 's/^/# /' "$tmp/explain.txt"

# ---- interrupted and resumed ------------------------------------------
# the smoke matrix at 1G only (its 4G points cost three times as much):
# set against A's 1G points
sed 's/^mem .*/mem      = 1G/' configs/smoke.conf > "$tmp/smoke-1g.conf"
jq -c 'select(.ram.total == 1073741824)' "$A" > "$tmp/a1g.jsonl"
"$MB" matrix "$tmp/smoke-1g.conf" "$tmp/b" --deterministic --label ci -q \
	> "$tmp/b.out" 2> "$tmp/b.err" &
bg=$!
for _ in $(seq 600); do
	[ -e "$tmp/b/results.jsonl" ] &&
		[ "$(wc -l < "$tmp/b/results.jsonl")" -ge 24 ] && break
	sleep 0.1
done
"$MB" matrix "$tmp/smoke-1g.conf" "$tmp/b" --deterministic --label ci -q \
	> /dev/null 2> "$tmp/lock.err"
check "a second matrix on the same OUTDIR is refused (exit $?)" \
	grep -q "another matrix is writing to it" "$tmp/lock.err"
kill -TERM "$bg"
wait "$bg"
rc=$?
bg=
check "SIGTERM mid-way: exit 143, says how to resume" \
	bash -c "[ $rc = 143 ] && grep -q 'run again to resume' '$tmp/b.err'"
n=$(wc -l < "$tmp/b/results.jsonl")
check "interrupted: $((n / 4)) whole points recorded, none half" \
	bash -c "[ $((n % 4)) = 0 ] && [ $n -lt $((4 * nstrat)) ] && [ $n -ge 24 ]"
check "interrupted: whole points only" whole_points "$tmp/b/results.jsonl"
# pgrep in a function: "bash -c" would find its own command line
no_leftovers() {
	[ ! -e "$tmp/b/.run.json" ] && ! pgrep -f "$tmp/b/" > /dev/null
}
check "interrupted: no temp file, no guest left running" no_leftovers
# a crash in the middle of an append leaves a cut line: dropped on resume
head -c 200 "$A" >> "$tmp/b/results.jsonl"
"$MB" matrix "$tmp/smoke-1g.conf" "$tmp/b" --deterministic --label ci -q \
	> "$tmp/b2.out" 2> "$tmp/b2.err"
check "resumed: exit 0, the cut line dropped" \
	bash -c "[ $? = 0 ] && grep -q 'dropped an incomplete last line' '$tmp/b2.err'"
check "resumed: $((n / 4)) points were done before" \
	grep -q "$((n / 4)) done before" "$tmp/b2.out"
check "resumed: the same points, runs, ticks, counts and digests as uninterrupted" \
	[ "$(fingerprint "$tmp/a1g.jsonl")" = "$(fingerprint "$tmp/b/results.jsonl")" ]
cp "$tmp/b/results.jsonl" "$tmp/b.saved"
"$MB" matrix "$tmp/smoke-1g.conf" "$tmp/b" --deterministic --label ci -q \
	> "$tmp/b3.out" 2>&1
check "a complete matrix reruns nothing and appends nothing" \
	bash -c "grep -q '0 ran ok, $nstrat done before' '$tmp/b3.out' &&
		cmp -s '$tmp/b.saved' '$tmp/b/results.jsonl'"

# ---- the deterministic gate ------------------------------------------
"$MB" compare "$tmp/a1g.jsonl" "$tmp/b" > "$tmp/same.out"
rc=$?
check "compare, two runs of the same build: exit 0, all $nstrat the same" \
	bash -c "[ $rc = 0 ] && grep -q '^summary: $nstrat compared: 0 regressed, 0 improved, 0 unsure, $nstrat same' '$tmp/same.out'"
"$MB" matrix configs/gate.conf "$tmp/gate-old" --label ci -q > /dev/null
"$MB" matrix configs/gate.conf "$tmp/gate-new" --label ci -q \
	--guest "$INJECT" > /dev/null
# One dsb per PTE is 2.7% of base's window now that the engine runs the
# kernel's code path (6.1: 29 instructions per PTE): gate at 2%, which
# deterministic counts allow.
"$MB" compare "$tmp/gate-old" "$tmp/gate-new" --junit "$tmp/gate.xml" \
	--threshold 2% > "$tmp/gate.out"
rc=$?
check "compare, extra dsb per PTE: exit 1, every gate point regressed" \
	bash -c "[ $rc = 1 ] && grep -q '^summary: 5 compared: 5 regressed' '$tmp/gate.out'"
# (one per PTE: 1G is 262144 pages, of which Debian 6.1's alias, the
# image base models, maps 10 x 2M as blocks: 257024 PTEs)
check "compare: the regression names the extra barriers" \
	grep -q 'op counts changed: dsb_ishst +257024' "$tmp/gate.out"
check "compare: JUnit says 5 failures" \
	grep -q 'tests="5" failures="5"' "$tmp/gate.xml"
sed 's/^/# /' "$tmp/gate.out"
"$MB" compare --tap "$tmp/a" "$tmp/gate-old" > "$tmp/sub.tap"
check "the gate's points equal the smoke's (same ticks across configs); the rest listed as unmatched" \
	bash -c "[ \$(grep -c '^ok .* # same 0.0% p=1 (const)' '$tmp/sub.tap') = 5 ] &&
		[ \$(grep -c '# SKIP only in the baseline' '$tmp/sub.tap') = $((2 * nstrat - 5)) ]"

# ---- skipped and failed points ----------------------------------------
printf 'strategy = base\nmem = 64M 128T\n' > "$tmp/skip.conf"
"$MB" matrix "$tmp/skip.conf" "$tmp/s" --accel tcg -q > "$tmp/s.out" 2>&1
rc=$?
check "a point too big for this host is skipped, the matrix still exits 0" \
	bash -c "[ $rc = 0 ] && grep -q '1 ran ok, 0 done before, 1 skipped' '$tmp/s.out'"
check "the skip is recorded with its reason" json_is "$tmp/s/results.jsonl" \
	'select(.matrix.outcome == "skipped") | .matrix.reason |
	 startswith("memory: ~524544 MiB for page tables and the VMM")'
"$MB" matrix "$tmp/skip.conf" "$tmp/s" --accel tcg -q > /dev/null 2>&1
check "a rerun does not record the skip twice" \
	[ "$(wc -l < "$tmp/s/results.jsonl")" = 2 ]
printf 'not an elf' > "$tmp/bad.elf"
"$MB" matrix "$tmp/skip.conf" "$tmp/f" --accel tcg -q --guest "$tmp/bad.elf" \
	> /dev/null 2> "$tmp/f.err"
rc=$?
failed_recorded() {
	[ "$1" = 3 ] && json_is "$tmp/f/results.jsonl" 'select(
		.matrix.outcome == "failed") | .exit_code == 1 and
		(.error | test("not an ELF"))'
}
check "a failing point: exit 3, recorded as failed with the run's error" \
	failed_recorded $rc
"$MB" report "$tmp/f" > "$tmp/fs.txt"
check "report: FAILED and skipped cells, the reasons below" \
	bash -c "grep -q '| FAILED *| skipped' '$tmp/fs.txt' &&
		grep -q 'failed: .*ELF' '$tmp/fs.txt' &&
		grep -q 'skipped: memory: ' '$tmp/fs.txt'"

# Every record the matrices above appended, and explain's CSV, against
# schema/ (the resumed b's cut line was dropped on resume)
schema_valid matrix "$tmp"/*/results.jsonl
schema_valid explain-csv "$tmp/explain.csv"

if [ -n "${MATRIX_KEEP:-}" ]; then
	mkdir -p "$MATRIX_KEEP"
	cp "$A" "$MATRIX_KEEP/smoke.jsonl"
	cp "$tmp/table.txt" "$tmp/smoke.png" "$tmp/smoke.svg" "$tmp/gate.out" \
		"$tmp/same.out" "$tmp/gate.xml" "$MATRIX_KEEP/"
fi
tier_done matrix
