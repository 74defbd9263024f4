#!/bin/bash
# Unit tier, analysis side through the CLI: report tables against golden
# files (tests/fixtures/report/*), compare on synthetic data (regression,
# improvement, noise, unmatched, failures, too few runs: exit codes and
# golden summaries), config errors, and plot output with the series names.
# No VM runs here.  UPDATE_GOLDEN=1 rewrites the golden files (review the
# diff before committing it).
set -u
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
MB=${MAPBENCH:-$B/asan/mapbench}
R=tests/fixtures/report
C=tests/fixtures/compare
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/assert.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1



# one_error NAME RC MESSAGE CMD...: exit RC and exactly that one line
one_error() {
	local name=$1 want=$2 msg=$3 rc
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ] && [ "$(cat "$tmp/err")" = "$msg" ]; then
		ok "$name: exit $rc: $msg"
	else
		not_ok "$name: exit $rc (want $want): $(head -2 "$tmp/err")"
		echo "#   want: $msg"
	fi
}

# ---- report ------------------------------------------------------------
golden "report: the seed's table, text" $R/seed.txt 0 "$MB" report $R/seed.jsonl
check "report: text is plain ASCII, no tabs" \
	bash -c "! LC_ALL=C grep -q '[^ -~]' $R/seed.txt"
golden "report: markdown" $R/seed.md 0 "$MB" report --format markdown $R/seed.jsonl
golden "report: csv" $R/seed.csv 0 "$MB" report --format csv $R/seed.jsonl
golden "report: edge cases (rodata modes, EMULATED, noisy, failed, skipped)" \
	$R/edge.txt 0 "$MB" report $R/edge.jsonl
golden "report: edge cases, json" $R/edge.json 0 "$MB" report --format json $R/edge.jsonl
golden "report: granules and VA sizes apart, a forced bbml2 run labelled" \
	$R/granules.txt 0 "$MB" report $R/granules.jsonl
check "report: 4K/48 records from before the granule join 4K/48 ones" \
	grep -qE "^  base +5 +269.6 " $R/granules.txt
check "report: 16K/47 and 64K each their own table" \
	bash -c "grep -q 'rodata=full, kvm, granule=16K va_bits=47\$' $R/granules.txt &&
		 grep -q 'rodata=full, kvm, granule=64K\$' $R/granules.txt"
check "report: a forced bbml2 run is a marked row of the 4K/48 table" \
	grep -q "^bbml2-blocks (forced) | 3.6 " $R/granules.txt
golden "report: other baseline, merged files" $R/merged.txt 0 \
	"$MB" report --baseline batch-barriers $R/edge.jsonl $R/seed.jsonl
check "report: json parses, EMULATED point flagged" \
	json_is $R/edge.json '[.points[] | select(.host == "ci-runner")] |
		length == 2 and all(.emulated and .deterministic)'
"$MB" report $R/seed.jsonl -o "$tmp/r.txt"
check "report -o FILE writes the same as stdout" cmp -s "$tmp/r.txt" $R/seed.txt
printf '{"strategy":"base"}\n' > "$tmp/bad.jsonl"
one_error "report: a record without rodata" 1 \
	"mapbench: $tmp/bad.jsonl:1: record has no 'rodata'" \
	"$MB" report $R/seed.jsonl "$tmp/bad.jsonl"
head -c 300 $R/seed.jsonl > "$tmp/cut.jsonl"
one_error "report: a cut last line" 1 \
	"mapbench: $tmp/cut.jsonl:1: incomplete last line (an interrupted write?)" \
	"$MB" report "$tmp/cut.jsonl"
one_error "report: missing file" 1 \
	"mapbench: cannot read $tmp/none.jsonl: No such file or directory" \
	"$MB" report "$tmp/none.jsonl"
one_error "report: unknown baseline" 1 \
	"mapbench: --baseline: no runs of strategy 'v9' in the input" \
	"$MB" report --baseline v9 $R/seed.jsonl
one_error "report: unknown format" 1 \
	"mapbench: --format: 'xml' is not text, markdown, csv or json" \
	"$MB" report --format xml $R/seed.jsonl
one_error "report -o into a missing directory" 2 \
	"mapbench: cannot write $tmp/no/r.txt: No such file or directory" \
	"$MB" report $R/seed.jsonl -o "$tmp/no/r.txt"

# ---- compare -------------------------------------------------------------
golden "compare: noise only" $C/noise.out 0 "$MB" compare $C/baseline.jsonl $C/noise.jsonl
golden "compare: a regression" $C/regress.out 1 "$MB" compare $C/baseline.jsonl $C/regress.jsonl
golden "compare: an improvement" $C/improve.out 0 "$MB" compare $C/baseline.jsonl $C/improve.jsonl
golden "compare: unmatched points listed" $C/unmatched.out 0 \
	"$MB" compare $C/baseline.jsonl $C/unmatched.jsonl
golden "compare: a point that fails now" $C/failed.out 1 \
	"$MB" compare $C/baseline.jsonl $C/failed.jsonl
golden "compare: too few runs to judge" $C/few.out 0 \
	"$MB" compare $C/few-base.jsonl $C/few.jsonl
golden "compare: regression as TAP" $C/regress.tap 1 \
	"$MB" compare --tap $C/baseline.jsonl $C/regress.jsonl
golden "compare: regression, threshold 25%: none" $C/regress-25.out 0 \
	"$MB" compare --threshold 25% $C/baseline.jsonl $C/regress.jsonl
exits "compare --junit" 1 "$MB" compare --junit "$tmp/j.xml" $C/baseline.jsonl $C/regress.jsonl
check "compare: JUnit XML has 4 cases, 1 failure, skips none" \
	grep -q '<testsuite name="mapbench compare" tests="4" failures="1" errors="0" skipped="0">' "$tmp/j.xml"
check "compare: JUnit XML names the regressed point" \
	grep -q 'name="v6.10 4G" time="[0-9.]*">$' "$tmp/j.xml"
check "compare: JUnit XML is balanced" \
	[ "$(grep -c '<testcase' "$tmp/j.xml")" = "$(grep -c '</testcase>\|<testcase[^>]*/>' "$tmp/j.xml")" ]
one_error "compare: other host, nothing matches" 2 \
	"mapbench: no point of $C/baseline.jsonl matches one of $C/otherhost.jsonl (different hosts? try --ignore-host)" \
	"$MB" compare $C/baseline.jsonl $C/otherhost.jsonl
exits "compare --ignore-host" 0 "$MB" compare --ignore-host $C/baseline.jsonl $C/otherhost.jsonl
one_error "compare: unusable input" 2 \
	"mapbench: $tmp/bad.jsonl:1: record has no 'rodata'" \
	"$MB" compare $C/baseline.jsonl "$tmp/bad.jsonl"
one_error "compare: bad threshold" 2 \
	"mapbench: --threshold: 'five' is not a percentage (e.g. 5%)" \
	"$MB" compare --threshold five $C/baseline.jsonl $C/noise.jsonl
one_error "compare: bad alpha" 2 \
	"mapbench: --alpha: '1.5' is not a probability in (0, 1)" \
	"$MB" compare --alpha 1.5 $C/baseline.jsonl $C/noise.jsonl

# ---- configs -------------------------------------------------------------
for c in smoke seed full; do
	exits "configs/$c.conf parses" 0 "$MB" matrix configs/$c.conf --dry-run
	echo "# $c: $(tail -1 "$tmp/out")"
done
check "smoke: every strategy at 1G and 4G, 1+3 runs each" \
	[ "$("$MB" matrix configs/smoke.conf --dry-run | grep -c 'runs=1+3')" = \
	  $(( 2 * $("$MB" list | wc -l) )) ]
check "seed: the seed's 6 strategies x 4 sizes" \
	[ "$("$MB" matrix configs/seed.conf --dry-run | tail -1)" = "24 points, 144 runs" ]
printf 'mem = 1G\nstrategy = base\n  v6.10 nope\n' > "$tmp/bad.conf"
one_error "matrix: a bad config names file:line" 1 \
	"mapbench: $tmp/bad.conf:3: unknown strategy 'nope' (mapbench list shows them)" \
	"$MB" matrix "$tmp/bad.conf" "$tmp/out-dir"
check "matrix: a bad config leaves no OUTDIR" [ ! -e "$tmp/out-dir" ]
one_error "matrix: missing config" 1 \
	"mapbench: cannot read config $tmp/none.conf: No such file or directory" \
	"$MB" matrix "$tmp/none.conf" "$tmp/out-dir"
one_error "matrix: deterministic on kvm" 1 \
	"mapbench: --deterministic needs tcg (QEMU icount), not kvm" \
	"$MB" matrix configs/smoke.conf "$tmp/out-dir" --deterministic --accel kvm
printf '{"not":"a matrix record"}\n' > "$tmp/foreign.jsonl"
mkdir -p "$tmp/foreign" && cp "$tmp/foreign.jsonl" "$tmp/foreign/results.jsonl"
one_error "matrix: OUTDIR with foreign records" 1 \
	"mapbench: $tmp/foreign/results.jsonl:1: not a matrix record (no matrix.host/point/outcome); use another OUTDIR" \
	"$MB" matrix configs/smoke.conf "$tmp/foreign"

# ---- the matrix runner, with a stand-in for `mapbench run` -------------
export MAPBENCH_MATRIX_RUN=tests/unit/fake-run.sh FAKE_LOG=$tmp/fake.log
printf 'strategy = base idmap v6.10 lazy-unmap\nmem = 1G 2G\nrepeat = 2\nwarmup = 1\n' \
	> "$tmp/fake.conf"
"$MB" matrix "$tmp/fake.conf" "$tmp/fm" --label fake -q > "$tmp/fm.out" 2>&1
rc=$?
check "matrix: a failed point makes exit 3" [ $rc = 3 ]
check "matrix: 4 points ran, 2 skipped (exit 5), 2 failed" \
	grep -q '^matrix: 8 points: 4 ran ok, 0 done before, 2 skipped, 2 failed' "$tmp/fm.out"
FM=$tmp/fm/results.jsonl
check "matrix: 1+2 records per ok point, warm-up first" \
	[ "$(jq -s 'map(select(.matrix.outcome == "ok")) | length == 12 and
		(map(select(.matrix.warmup)) | map(.matrix.run) | unique == [0])' "$FM")" = true ]
check "matrix: a run's exit 5 is a skip, with its message" \
	[ "$(jq -s 'map(select(.matrix.outcome == "skipped")) | length == 2 and
		all(.matrix.reason == "RAM up to 0x10040000000 needs 41 IPA bits, this host'"'"'s KVM allows 40" and
		    .exit_code == 5)' "$FM")" = true ]
check "matrix: a failure is recorded once per point, with the last stderr line" \
	[ "$(jq -s 'map(select(.matrix.outcome == "failed")) | length == 2 and
		all(.error == "guest exception: EC 0x25 at 0xffff800080001234" and
		    .exit_code == 3 and .status == "failed")' "$FM")" = true ]
check "matrix: a point calibrates once, on its first measured run (not the warm-up)" \
	[ "$(awk '$1 == "base" && $2 == "1G" { printf "%s ", $4 }' "$FAKE_LOG")" = "nocal cal nocal " ]
: > "$FAKE_LOG"
"$MB" matrix "$tmp/fake.conf" "$tmp/fm" --label fake -q > "$tmp/fm.out" 2>&1
check "matrix rerun: done points and skips are not run again, failures are" \
	bash -c "grep -q '0 ran ok, 4 done before, 2 skipped, 2 failed' '$tmp/fm.out' &&
		[ \"\$(cut -d' ' -f1 '$FAKE_LOG' | sort -u)\" = v6.10 ]"
check "matrix rerun: the skips are not recorded twice" \
	[ "$(jq -s 'map(select(.matrix.outcome == "skipped")) | length' "$FM")" = 2 ]
"$MB" matrix "$tmp/fake.conf" "$tmp/fm" --label other -q > /dev/null 2>&1
check "matrix: another --label is another host: its points run" \
	[ "$(jq -s 'map(select(.matrix.host == "other" and .matrix.outcome == "ok")) | length' "$FM")" = 12 ]
printf 'strategy = base temp-pgtable\nmem = 1G\n' > "$tmp/hang.conf"
: > "$FAKE_LOG"
"$MB" matrix "$tmp/hang.conf" "$tmp/hm" -q > "$tmp/hm.out" 2> "$tmp/hm.err" &
pid=$!
for _ in $(seq 100); do grep -q temp-pgtable "$FAKE_LOG" && break; sleep 0.1; done
child=$(awk '$1 == "temp-pgtable" { print $3 }' "$FAKE_LOG")
kill -INT $pid
wait $pid
rc=$?
check "matrix: SIGINT stops it: exit 130, resume hint" \
	bash -c "[ $rc = 130 ] && grep -q 'interrupted by SIGINT; 1 of 2 points recorded; run again to resume' '$tmp/hm.err'"
sleep 0.2
check "matrix: the running child is gone, its point not recorded" \
	bash -c "! kill -0 ${child:-1} 2> /dev/null && [ \$(wc -l < '$tmp/hm/results.jsonl') = 1 ] &&
		[ ! -e '$tmp/hm/.run.json' ]"
unset MAPBENCH_MATRIX_RUN FAKE_LOG

# ---- plot ----------------------------------------------------------------
exits "plot: SVG" 0 "$MB" plot $R/seed.jsonl -o "$tmp/p.svg"
check "plot: the SVG is an SVG" grep -q '<svg' "$tmp/p.svg"
for s in base no-cont-remap no-alloc-remap lazy-unmap batch-barriers \
	 TLBI DSB ISB 'fixmap map' 'guest RAM' 512G; do
	check "plot: the SVG shows '$s'" grep -q ">$s<" "$tmp/p.svg"
done
exits "plot: PNG" 0 "$MB" plot $R/seed.jsonl $R/edge.jsonl -o "$tmp/p.png"
check "plot: a 1600x720 PNG" \
	[ "$(od -An -tx1 -N24 "$tmp/p.png" | tr -d ' \n')" = \
	  89504e470d0a1a0a0000000d4948445200000640000002d0 ]
check "plot: nothing else left beside it" \
	[ "$(ls -A "$tmp" | grep -c '^\.p\.')" = 0 ]
one_error "plot: wrong extension" 1 \
	"mapbench: -o: '$tmp/p.jpg' must end in .png or .svg" \
	"$MB" plot $R/seed.jsonl -o "$tmp/p.jpg"
one_error "plot: nothing to plot" 1 \
	"mapbench: nothing to plot: no ok runs on host nowhere" \
	"$MB" plot $R/seed.jsonl --host nowhere -o "$tmp/q.png"
check "plot: a failed plot leaves no file" [ ! -e "$tmp/q.png" ]

tier_done analysis
