#!/bin/bash
# Unit tier, mapbench explain through the CLI: the account of real
# deterministic TCG records (tests/fixtures/explain/det-tcg-1g.jsonl,
# every strategy at 1G, rodata full and off; det-tcg-1g-16k-64k.jsonl,
# the same at 16K and 64K; tcg-4g-base.json, a timed 4G base run)
# closes within 2% on every row, no run under its floor, and matches its
# golden text; the report's section; --fit on the thread's own tables
# against golden output, --predict's points (counts derived affinely
# checked against exact ones); bad input.  No VM runs here.  UPDATE_GOLDEN=1
# rewrites the golden files.
set -u
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
MB=${MAPBENCH:-$B/asan/mapbench}
X=tests/fixtures/explain
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/assert.sh
. tests/lib/explain.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
# strategies in the fixture (not `mapbench list`: it may grow)
nfix=$(jq -r .strategy $X/det-tcg-1g.jsonl | sort -u | wc -l)

# one_error NAME RC MESSAGE CMD...: exit RC, that one line, no stdout
one_error() {
	local name=$1 want=$2 msg=$3 rc
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ] && [ "$(cat "$tmp/err")" = "$msg" ] &&
	   [ ! -s "$tmp/out" ]; then
		ok "$name: exit $rc, one line"
	else
		not_ok "$name: exit $rc (want $want): $(head -c 300 "$tmp/err")"
	fi
}

# ---- the decomposition ---------------------------------------------------
golden "explain: deterministic TCG, every strategy at 1G" $X/det-tcg-1g.txt 0 \
	"$MB" explain $X/det-tcg-1g.jsonl
golden "explain: a 4G base TCG run" $X/tcg-4g-base.txt 0 \
	"$MB" explain $X/tcg-4g-base.json
"$MB" explain --format csv $X/det-tcg-1g.jsonl > "$tmp/det.csv"
check "explain --format csv: a row per strategy and rodata mode" \
	test "$(($(wc -l < "$tmp/det.csv") - 1))" = "$((2 * nfix))"
check "explain: every deterministic row closes within 2%, nothing unpriced, none under its floor" \
	explain_bound "$tmp/det.csv" 20
"$MB" explain --format csv $X/det-tcg-1g-16k-64k.jsonl > "$tmp/det-g.csv"
check "explain: at 16K and 64K (1G: a 64K PMD is half of RAM) every strategy, rodata full and off, closes within 2%" \
	explain_bound "$tmp/det-g.csv" 20
check "explain: the 16K and 64K records are a row per strategy, granule and rodata mode" \
	test "$(($(wc -l < "$tmp/det-g.csv") - 1))" = "$((4 * nfix))"
"$MB" explain --format csv $X/tcg-4g-base.json > "$tmp/4g.csv"
check "explain: the timed 4G run: nothing unpriced, not under its floor (its residual is TCG's: not bounded)" \
	explain_bound "$tmp/4g.csv" 1000000
check "explain: the timed 4G run: no class below 0 (its prices are the best non-negative ones)" \
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /_share_pm$/ &&
			   $i != "residual_share_pm") c[i] = 1; next }
		 { for (i in c) if ($i < 0) bad = 1 } END { exit bad + !length(c) }' "$tmp/4g.csv"
check "explain: base at 1G, fixmap pairs = fixmap_unmap of the record" \
	test "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++)
			    if ($i == "unit_fixmap_pair_n") c = i }
		    NR == 2 { print $c }' "$tmp/det.csv")" = \
	     "$(head -1 $X/det-tcg-1g.jsonl | jq .counts.fixmap_unmap)"
"$MB" report $X/det-tcg-1g.jsonl > "$tmp/report.txt"
check "report: a 'Where the time goes' section with every strategy" \
	test "$(sed -n '/^Where the time goes/,$p' "$tmp/report.txt" |
		grep -c '^[a-z].* 1G ')" = "$((2 * nfix))"

if command -v gnuplot > /dev/null; then
	"$MB" plot --explain $X/det-tcg-1g.jsonl -o "$tmp/x.svg"
	check "plot --explain: a stacked bar per strategy" \
		test "$(grep -cE '>[a-z0-9.-]+( \(forced\))? 1G<' "$tmp/x.svg")" = "$nfix"
	"$MB" plot $X/det-tcg-1g.jsonl -o "$tmp/p.svg"
	check "plot: lines hidden behind another say so (lazy-unmap on no-cont-remap)" \
		grep -qF '>lazy-unmap [rodata=full tcg EMULATED deterministic] (= no-cont-remap +-5%)<' "$tmp/p.svg"
	one_error "plot --explain: no unit costs" 1 \
		"mapbench: plot --explain: no run with unit costs ('calibration') in the input" \
		"$MB" plot --explain tests/fixtures/report/seed.jsonl -o "$tmp/n.png"
	check "plot --explain: nothing written on error" \
		test -z "$(ls "$tmp" | grep '^n\.')"
else
	not_ok "plot --explain: gnuplot is not installed (scripts/deps.sh installs it)"
fi

# ---- --fit on the thread's tables ----------------------------------------
golden "explain --fit: v1 + batch-barriers, checked against v3" \
	$X/fit-v1-batch.txt 0 \
	"$MB" explain --fit $X/v1-batch.md --counts $X/counts.jsonl \
	--check $X/v3-merged.md
golden "explain --fit: Eric Chanudet's table" $X/fit-v1-batch-ec.txt 0 \
	"$MB" explain --fit $X/v1-batch-ec.md --counts $X/counts.jsonl
# the same table as CSV: the same fit
grep '^| ' $X/v1-batch.md | sed 's/ ([^)]*)//g; s/^| *//; s/ *|$//; s/ *| */,/g' \
	> "$tmp/v1.csv"
"$MB" explain --fit "$tmp/v1.csv" --counts $X/counts.jsonl | tail -n +2 \
	> "$tmp/fit-csv.txt"
"$MB" explain --fit $X/v1-batch.md --counts $X/counts.jsonl | tail -n +2 \
	> "$tmp/fit-md.txt"
check "explain --fit: the table as CSV fits the same" \
	cmp -s "$tmp/fit-csv.txt" "$tmp/fit-md.txt"
golden "explain --fit --format csv" $X/fit-v1-batch.csv 0 \
	"$MB" explain --fit $X/v1-batch.md --counts $X/counts.jsonl \
	--format csv

# ---- --fit --predict ------------------------------------------------------
G16=17179869184 G64=68719476736
golden "explain --fit --predict: exact and derived points, per machine" \
	$X/fit-v1-batch-predict.txt 0 \
	"$MB" explain --fit $X/v1-batch.md --counts $X/counts.jsonl \
	--predict base@512G,lazy-unmap@1T,v6.10@64G
"$MB" explain --fit $X/v1-batch.md --counts $X/counts.jsonl \
	--predict base@512G,lazy-unmap@1T,v6.10@64G > "$tmp/pred.txt"
check "explain --fit --predict: a block per machine" \
	test "$(grep -c '^  predicted (--predict):$' "$tmp/pred.txt")" = 3
check "explain --fit --predict: base 512G from the file's own counts (with the table's time on the machine that has that cell)" \
	test "$(grep -cE '^  base +512G +- +[0-9]+ exact counts$' \
		"$tmp/pred.txt"),$(grep -cE '^  base +512G +17443 +17460 exact counts$' \
		"$tmp/pred.txt")" = 2,1
check "explain --fit --predict: lazy-unmap 1T derived from 256G and 512G" \
	test "$(grep -cE \
		'^  lazy-unmap +1T +- +[0-9]+ from counts at 256G, 512G$' \
		"$tmp/pred.txt")" = 3
fit_sum='^  the fit reproduces all [0-9]+ cells within [0-9.]+% \(worst: '
chk_sum='^  the other table: [0-9]+ cells? with counts within [0-9.]+% \(worst: '
check "explain --fit: a reproduction summary per machine, and --check's" \
	test "$(grep -cE "$fit_sum" $X/fit-v1-batch.txt):$(grep -cE \
		"$chk_sum" $X/fit-v1-batch.txt)" = 3:3
"$MB" explain --fit $X/v1-batch.md --counts $X/counts.jsonl --format csv \
	--predict base@512G,lazy-unmap@1T,v6.10@64G > "$tmp/pred.csv"
check "explain --fit --predict --format csv: the same CSV plus 9 predict rows" \
	test "$(grep -c '^"[^"]*",predict,' "$tmp/pred.csv"):$(grep -v \
		'^"[^"]*",predict,' "$tmp/pred.csv" | cmp - $X/fit-v1-batch.csv &&
		echo same)" = 9:same
check "explain --fit --predict: an exact point is its cell (Altra Metal base 512G)" \
	test "$(awk -F, '$1 == "\"Altra Metal\"" && $3 == "\"base\"" &&
		$4 == "512G" && ($2 == "cell" || $2 == "predict") { print $5 }' \
		"$tmp/pred.csv" | uniq -c | awk '{ print $1 }')" = 2
# counts derived from two sizes against the exact counts: v6.10 (not in
# the table) counted only at 16G and 64G, predicted between and beyond
jq -c "select(.strategy != \"v6.10\" or .mem == $G16 or .mem == $G64)" \
	$X/counts.jsonl > "$tmp/two.jsonl"
pts=v6.10@36G,v6.10@256G,v6.10@512G
"$MB" explain --fit $X/v1-batch.md --counts $X/counts.jsonl --format csv \
	--predict $pts > "$tmp/exact.csv"
"$MB" explain --fit $X/v1-batch.md --counts "$tmp/two.jsonl" \
	--format csv --predict $pts > "$tmp/affine.csv"
check "explain --fit --predict: counts from 16G and 64G only say so" \
	test "$("$MB" explain --fit $X/v1-batch.md --counts "$tmp/two.jsonl" \
		--predict $pts | grep -c 'from counts at 16G, 64G$')" = 9
# affine_close EXACT.csv AFFINE.csv: the same 9 predict rows, each
# within 0.1% of the exact one
affine_close() {
	awk -F, '$2 != "predict" { next }
		 FNR == NR { want[$1 FS $3 FS $4] = $5; next }
		 { k = $1 FS $3 FS $4; n++
		   d = (k in want) ? $5 / want[k] - 1 : 1
		   if (d > 0.001 || d < -0.001) bad++ }
		 END { exit !(n == 9 && !bad) }' "$1" "$2"
}
check "explain --fit --predict: derived affinely, within 0.1% of the exact counts' ms" \
	affine_close "$tmp/exact.csv" "$tmp/affine.csv"
one_error "explain --fit --predict: an unknown strategy" 1 \
	"mapbench: --predict: 'nope@16G': 'nope' is no strategy (mapbench list)" \
	"$MB" explain --fit $X/v1-batch.md --counts $X/counts.jsonl \
	--predict base@16G,nope@16G
one_error "explain --fit --predict: a bad size" 1 \
	"mapbench: --predict: 'base@16Q': '16Q' is not a size like 64G" \
	"$MB" explain --fit $X/v1-batch.md --counts $X/counts.jsonl \
	--predict base@16Q
one_error "explain --fit --predict: no @" 1 \
	"mapbench: --predict: 'base' is not STRATEGY@SIZE" \
	"$MB" explain --fit $X/v1-batch.md --counts $X/counts.jsonl \
	--predict base
one_error "explain --fit --predict: no counts to derive from" 1 \
	"mapbench: $X/counts.jsonl: no counts for idmap at 64G, nor at two other sizes (tools/fit-counts.sh \"idmap\" \"64G\")" \
	"$MB" explain --fit $X/v1-batch.md --counts $X/counts.jsonl \
	--predict v6.10@64G,idmap@64G -o "$tmp/p.txt"
check "explain --fit --predict -o: no output file after the error" \
	test ! -e "$tmp/p.txt"
jq -c "select(.strategy != \"v6.10\" or .mem == $G16)" $X/counts.jsonl \
	> "$tmp/one.jsonl"
one_error "explain --fit --predict: counts at one other size only" 1 \
	"mapbench: $tmp/one.jsonl: no counts for v6.10 at 1T, nor at two other sizes (tools/fit-counts.sh \"v6.10\" \"1024G\")" \
	"$MB" explain --fit $X/v1-batch.md --counts "$tmp/one.jsonl" \
	--predict v6.10@1T
one_error "explain --predict without --fit" 1 \
	"mapbench: --predict goes with --fit" \
	"$MB" explain --predict base@16G $X/tcg-4g-base.json

# ---- bad input: one line, exit 1, nothing written ------------------------
one_error "explain: unknown file" 1 \
	"mapbench: cannot read $tmp/none.json: No such file or directory" \
	"$MB" explain "$tmp/none.json"
jq -c 'del(.calibration)' $X/tcg-4g-base.json > "$tmp/nocal.json"
one_error "explain: a record without unit costs" 1 \
	"mapbench: $tmp/nocal.json:1: record has no unit costs ('calibration': run without --no-calibrate)" \
	"$MB" explain "$tmp/nocal.json"
jq -c 'del(.calibration.units.isb)' $X/tcg-4g-base.json > "$tmp/noisb.json"
one_error "explain: a unit missing" 1 \
	"mapbench: $tmp/noisb.json:1: 'calibration.units.isb' has no integer 'picoticks'" \
	"$MB" explain "$tmp/noisb.json"
printf '| | M2 VM 16G |\n| base | 15x1 |\n' > "$tmp/bad.md"
one_error "explain --fit: a malformed cell" 1 \
	"mapbench: $tmp/bad.md:2: '15x1' is not a time in ms" \
	"$MB" explain --fit "$tmp/bad.md" --counts $X/counts.jsonl
printf '| | M2 VM |\n| base | 151 |\n' > "$tmp/nosize.md"
one_error "explain --fit: a column without a size" 1 \
	"mapbench: $tmp/nosize.md:1: column 'M2 VM' does not end in a size like 64G" \
	"$MB" explain --fit "$tmp/nosize.md" --counts $X/counts.jsonl
printf '| | M2 VM 16G |\n| base | 151 |\n| no-cont-remap | 77 |\n' > "$tmp/few.md"
one_error "explain --fit: too few cells" 1 \
	"mapbench: $tmp/few.md: machine 'M2 VM' has 2 cells, the fit needs at least 4" \
	"$MB" explain --fit "$tmp/few.md" --counts $X/counts.jsonl
printf '{"strategy": "base", "mem": 17179869184, "counts": {}}\n' > "$tmp/c.jsonl"
one_error "explain --fit: counts without the counters" 1 \
	"mapbench: $tmp/c.jsonl:1: counts.tlbi_vaale1is is not a count" \
	"$MB" explain --fit $X/v1-batch.md --counts "$tmp/c.jsonl"
head -1 $X/counts.jsonl > "$tmp/c3.jsonl"
one_error "explain --fit: a cell without counts" 1 \
	"mapbench: $X/v1-batch.md: no counts for no-cont-remap at Apple M2 VM 16G (tools/fit-counts.sh)" \
	"$MB" explain --fit $X/v1-batch.md --counts "$tmp/c3.jsonl"
one_error "explain --fit: no --counts" 1 \
	"mapbench: explain --fit needs --counts FILE (tools/fit-counts.sh writes one)" \
	"$MB" explain --fit $X/v1-batch.md
one_error "explain --fit -o: nothing half-written on error" 1 \
	"mapbench: $tmp/few.md: machine 'M2 VM' has 2 cells, the fit needs at least 4" \
	"$MB" explain --fit "$tmp/few.md" --counts $X/counts.jsonl -o "$tmp/o.txt"
check "explain --fit -o: no output file after the error" test ! -e "$tmp/o.txt"

tier_done "explain"
