#!/bin/bash
# Reference tier: mapbench against real kernels.  Debian's arm64 kernels
# from 6.1 (before the linear-map series) to the newest (configs/
# ref-kernels.conf: series resolved to their newest build by
# scripts/debian_kernel.sh) run under `mapbench kernel-check` at two RAM
# sizes, and the newest at other rodata= values.  Asserted, per kernel
# and size and for the slope between the sizes: the kernel runs the
# granule and VA size the list names and mapbench's image is built for
# the same; every op count of the kernel's map_mem() window equals its
# strategy's -- every TLBI and DSB kind and ISB either side executed,
# fixmap calls, page tables (a count missing on either side fails) --
# and the final linear map is identical descriptor for descriptor
# (table attributes included).  Instructions: at each size and per GiB
# (the slope), within the list's tolerance of the kernel's (the goal is
# 2%; the figure is printed).
#
# A kernel whose mapbench image is not built (make guest builds one per
# granule and VA size) is reported SKIP with the image's name, counted
# apart: it is not a pass.  No kernels at all (offline with an empty
# cache): the tier says SKIP with the reason and exits 77, which
# scripts/test_all.sh counts as skipped.  A tier that checked nothing
# fails.
#
# make test runs the list's "quick" kernels at its first size (with their
# bbml and nowindow checks); MB_TEST_FULL=1 (make test-full) runs every
# kernel at both sizes, the slopes and the rodata lines.
#
# REF_KEEP=DIR keeps each kernel-check's output and JSON there; REF_CONF
# another kernel list (tests); REF_ONLY="NAME ..." a subset.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${BUILD:-build}
MB=$B/mapbench
CONF=${REF_CONF:-configs/ref-kernels.conf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/assert.sh
out=${REF_KEEP:-$tmp}
mkdir -p "$out"
# what this run wrote is newer (REF_KEEP may hold older runs' records)
touch "$tmp/stamp"

skip() {
	echo "ref: SKIPPED -- $*"
	echo "ref: SKIP: nothing was checked, this is not a pass"
	exit 77
}

for f in "$MB" "$B/guest/mapbench-guest.elf"; do
	if [ ! -f "$f" ]; then
		not_ok "input $f exists (make guest host)"
		tier_done ref
		exit 1
	fi
done
command -v jq > /dev/null || skip "jq is not installed"
command -v qemu-system-aarch64 > /dev/null ||
	skip "qemu-system-aarch64 is not installed (scripts/deps.sh)"

mem=$(awk '$1 == "mem" { $1 = ""; print }' "$CONF")
read -r -a sizes <<< "$mem"
[ "${#sizes[@]}" -ge 2 ] || { not_ok "$CONF names two RAM sizes"; tier_done ref; exit 1; }

# NAME -> "VERSION IMAGE CONFIG STRATEGY GRANULE TOLERANCE"
declare -A kern=()
names=()
while read -r name suites series flavour strat gran tol; do
	case $name in ''|'#'*|mem|rodata|nowindow|bbml|quick|quickbbml) continue ;; esac
	if [ -n "${REF_ONLY:-}" ] && ! [[ " $REF_ONLY " == *" $name "* ]]; then
		continue
	fi
	if [ "${MB_TEST_FULL:-0}" != 1 ] &&
	   ! [[ " $(awk '$1 == "quick" { $1 = ""; print }' "$CONF") " == *" $name "* ]]; then
		continue
	fi
	case ${tol:-} in
	[0-9]*%) ;;
	*) not_ok "$CONF: $name: tolerance '${tol:-}' is not N%"; continue ;;
	esac
	if ! got=$(scripts/debian_kernel.sh "$suites" "$series" "$flavour" 2> "$tmp/fetch.err"); then
		echo "SKIP - $name: $(tail -n1 "$tmp/fetch.err"): not checked"
		continue
	fi
	[ -s "$tmp/fetch.err" ] && sed "s/^/# $name: /" "$tmp/fetch.err"
	read -r ver img cfg <<< "$got"
	echo "# $name: Debian $ver, $img"
	kern[$name]="$ver $img $cfg $strat $gran ${tol%\%}"
	names+=("$name")
done < "$CONF"
[ "${#names[@]}" -gt 0 ] || skip "no reference kernel could be fetched or found in the cache"

skipped=0 checks_before=$pass
getc() { jq -r "select(.kernel_check.side == \"$2\") | .counts.$3 // \"missing\"" "$1"; }
getk() { jq -r "select(.kernel_check.side == \"$2\") | .kernel_check.$3 // \"missing\"" "$1"; }
within() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { exit !(b > 0 && a >= (1 - t / 100) * b && a <= (1 + t / 100) * b) }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }'; }

# assert_window TAG JSON STRATEGY TOL TEXT: a kernel-check record's
# window, kernel side against the strategy's: every TLBI/DSB/ISB kind
# either side executed, fixmap calls and tables equal (a count missing
# on either side fails), instructions within TOL%, tables identical.
assert_window() {
	local tag=$1 j=$2 strat=$3 tol=$4 txt=$5 bad c kv mv ki mi
	# every TLBI/DSB/ISB kind either side executed, fixmap calls, tables
	bad=
	for c in $(jq -r '.kernel_check.ops | to_entries[] | select(.value > 0) | .key' "$j" | sort -u) set_fixmap_calls tables; do
		case $c in set_fixmap_calls|tables) ;; *) c=ops.$c ;; esac
		kv=$(getk "$j" kernel "$c") mv=$(getk "$j" mapbench "$c")
		if [ "$kv" = missing ] || [ "$mv" = missing ]; then
			bad+=" $c missing (kernel $kv, mapbench $mv);"
		elif [ "$kv" != "$mv" ]; then
			bad+=" $c kernel $kv mapbench $mv;"
		fi
	done
	if [ -z "$bad" ]; then
		ok "$tag: every op count of the window equals $strat's"
	else
		not_ok "$tag: op counts differ from $strat's:$bad"
	fi
	ki=$(getk "$j" kernel instructions) mi=$(getk "$j" mapbench instructions)
	if within "$mi" "$ki" "$tol"; then
		ok "$tag: instructions within $tol% of the kernel's: kernel $ki, $strat $mi ($(pct "$mi" "$ki"))"
	else
		not_ok "$tag: instructions: kernel $ki, $strat $mi, outside +-$tol%"
	fi
	if json_is "$j" 'select(.kernel_check.side == "kernel") | .kernel_check.tables_identical'; then
		ok "$tag: final linear map identical to $strat's ($(getk "$j" kernel map_runs) runs, digest $(getk "$j" kernel digest))"
	else
		not_ok "$tag: final linear map differs from $strat's"
		sed -n '/^tables:/,/^$/p' "$txt" | sed 's/^/#   /' | head -10
	fi
}

# check_one NAME MEM RODATA [OPTION]: one kernel-check, its assertions;
# 0 if it ran (its JSON is $out/NAME-MEM-RODATA[OPTION].json), 1 if not,
# 2 skipped.
check_one() {
	local name=$1 m=$2 ro=$3 opt=${4:-} ver img cfg strat gran tol
	read -r ver img cfg strat gran tol <<< "${kern[$name]}"
	local tag="$name $m rodata=$ro${opt:+ $opt}" j=$out/$name-$m-$ro$opt.json rc start secs
	local shift_want va_want kg mg bad c kv mv ki mi
	case ${gran%%/*} in 4k) shift_want=12 ;; 16k) shift_want=14 ;; *) shift_want=16 ;; esac
	va_want=${gran#*/}
	# 52 bits: LPA2 offered (QEMU max), else the kernel falls back
	local cpu=max,lpa2=off
	[ "$va_want" = 52 ] && cpu=max
	start=$(date +%s)
	local cfgopt=(--config "$cfg")
	[ "$cfg" = - ] && cfgopt=()
	"$MB" kernel-check --kernel "$img" "${cfgopt[@]}" --mem "$m" \
		--rodata "$ro" --strategy "$strat" --cpu "$cpu" --json "$j" \
		$opt > "$out/$name-$m-$ro$opt.txt" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ "$rc" = 1 ] && grep -q '^mapbench: no mapbench guest for' "$out/$name-$m-$ro$opt.txt"; then
		echo "SKIP - $name: $(sed -n 's/^mapbench: //p' "$out/$name-$m-$ro$opt.txt"): not checked"
		return 2
	fi
	if [ "$rc" != 0 ] || [ ! -s "$j" ]; then
		not_ok "$tag: kernel-check exit $rc: $(tail -n1 "$out/$name-$m-$ro$opt.txt")"
		return 1
	fi
	ok "$tag: kernel-check ran, Debian $ver (${secs} s)"
	kg="$(getk "$j" kernel page_shift)/$(getk "$j" kernel va_bits)"
	mg="$(getk "$j" mapbench page_shift)/$(getk "$j" mapbench va_bits)"
	if [ "$kg" = "$shift_want/$va_want" ] && [ "$mg" = "$kg" ]; then
		ok "$tag: the kernel runs $gran (page shift/VA $kg), mapbench's image the same"
	else
		not_ok "$tag: granule/VA: kernel $kg, mapbench $mg, want $shift_want/$va_want ($gran)"
	fi
	assert_window "$tag" "$j" "$strat" "$tol" "$out/$name-$m-$ro$opt.txt"
	return 0
}

# same_as_kernel RUN.json KC.json: the run's alias, op counts and digest
# are the kernel side's; prints what differs, nothing when all agree.
same_as_kernel() {
	local j=$1 kj=$2 c kv mv
	[ "$(jq -r .layout.kernel_start "$j")" = "$(getk "$kj" kernel alias_start)" ] &&
	[ "$(jq -r .layout.kernel_end "$j")" = "$(getk "$kj" kernel alias_end)" ] ||
		printf ' alias run %s kernel %s..%s;' \
			"$(jq -r '"\(.layout.kernel_start)..\(.layout.kernel_end)"' "$j")" \
			"$(getk "$kj" kernel alias_start)" "$(getk "$kj" kernel alias_end)"
	for c in tlbi_vaale1is dsb_ishst dsb_ish isb tables; do
		kv=$(getc "$kj" kernel "$c")
		case $c in
		tables) mv=$(jq -r '[.counts.tables_lm1, .counts.tables_l0, .counts.tables_l1, .counts.tables_l2, .counts.tables_l3] | add' "$j") ;;
		*) mv=$(jq -r ".counts.$c // \"missing\"" "$j") ;;
		esac
		[ "$kv" != missing ] && [ "$kv" = "$mv" ] ||
			printf ' %s run %s kernel %s;' "$c" "$mv" "$kv"
	done
	# (the run writes 16 hex digits, kernel-check no leading zeros)
	[ "$(( $(jq -r .digest "$j") ))" = "$(( $(getk "$kj" kernel digest) ))" ] ||
		printf ' digest run %s kernel %s;' "$(jq -r .digest "$j")" \
			"$(getk "$kj" kernel digest)"
}

# check_run NAME MEM: `mapbench run` of the kernel's strategy builds the
# kernel's map -- the same alias, op counts and digest as the kernel side
# of its kernel-check at MEM -- twice: with the Image itself
# (--kernel-image: its symbols from kernel-check's cache), and plainly,
# with the image the strategy models by default (host/kimage.c) when
# that is this build (when Debian has moved on, said, not compared).
check_run() {
	local name=$1 m=$2 ver img cfg strat gran tol
	read -r ver img cfg strat gran tol <<< "${kern[$name]}"
	local kj=$out/$name-$m-full.json j cpu=max,lpa2=off rel kver bad how
	local g
	g=$(echo "${gran%%/*}" | tr k K)
	[ "${gran#*/}" = 52 ] && cpu=max
	[ -s "$kj" ] || return 0
	kver=$(getk "$kj" kernel kernel_version)
	for how in image default; do
		j=$out/$name-$m-run-$how.json
		if ! "$MB" run --accel tcg --mem "$m" --strategy "$strat" \
			--granule "$g" --va-bits "${gran#*/}" --tcg-cpu "$cpu" \
			--kernel-image "$([ $how = image ] && echo "$img" || echo default)" \
			--json "$j" > "$tmp/run.out" 2> "$tmp/run.err"; then
			not_ok "$name $m: mapbench run --strategy $strat --kernel-image $how runs: $(head -n1 "$tmp/run.err")"
			continue
		fi
		rel=$(jq -r '.kernel_image.release // "none"' "$j")
		if [ "$rel" != "$kver" ]; then
			if [ $how = image ]; then
				not_ok "$name $m: --kernel-image of the Image says release $rel, the kernel $kver"
			else
				echo "# $name $m: run's default image is $rel's, the kernel checked is $kver: not compared (host/kimage.c names another build)"
			fi
			continue
		fi
		bad=$(same_as_kernel "$j" "$kj")
		if [ -z "$bad" ]; then
			ok "$name $m: mapbench run --strategy $strat --kernel-image $how ($rel) builds the kernel's map (digest $(jq -r .digest "$j"))"
		else
			not_ok "$name $m: mapbench run --strategy $strat --kernel-image $how differs from the kernel:$bad"
		fi
	done
}

# make test: the first size; make test-full: both, and the rodata lines
full=${MB_TEST_FULL:-0}
run_sizes=("${sizes[@]}")
[ "$full" = 1 ] || run_sizes=("${sizes[0]}")
for name in "${names[@]}"; do
	read -r ver img cfg strat gran tol <<< "${kern[$name]}"
	ran=0
	for m in "${run_sizes[@]}"; do
		check_one "$name" "$m" full
		case $? in 0) ran=$((ran + 1)) ;; 2) skipped=$((skipped + 1)); continue 2 ;; esac
	done
	check_run "$name" "${sizes[0]}"
	[ "$full" = 1 ] &&
	for ro in $(awk -v n="$name" '$1 == "rodata" && $2 == n { $1 = $2 = ""; print }' "$CONF"); do
		check_one "$name" "${sizes[0]}" "$ro"
	done
	btol=$(awk -v n="$name" '$1 == "bbml" { for (i = 3; i <= NF; i++) if ($i == n) print $2 }' "$CONF")
	[ "$full" = 1 ] ||
	awk -v n="$name" '$1 == "quickbbml" { for (i = 2; i <= NF; i++) if ($i == n) f = 1 } END { exit !f }' "$CONF" ||
		btol=
	if [ -n "$btol" ]; then
		kern[$name]="$ver $img $cfg $strat $gran ${btol%\%}"
		check_one "$name" "${sizes[0]}" full --force-bbml2 &&
		check "$name ${sizes[0]} --force-bbml2: the kernel's check was forced and the map has blocks" \
			json_is "$out/$name-${sizes[0]}-full--force-bbml2.json" \
			'select(.kernel_check.side == "kernel") | .kernel_check.force_bbml2 and .kernel_check.bbml2_checks_forced > 0 and .counts.tables < 16'
		kern[$name]="$ver $img $cfg $strat $gran $tol"
	fi
	if awk -v n="$name" '$1 == "nowindow" && $2 == n { f = 1 } END { exit !f }' "$CONF"; then
		start=$(date +%s)
		"$MB" kernel-check --kernel "$img" \
			$([ "$cfg" = - ] || echo --config "$cfg") \
			--mem "${sizes[0]}" --window nomap --timeout 600 \
			--json "$tmp/nowin.json" > "$tmp/nowin.out" 2> "$tmp/nowin.err"
		rc=$? secs=$(( $(date +%s) - start ))
		if [ "$rc" = 3 ] && [ "$secs" -lt 60 ] && [ ! -e "$tmp/nowin.json" ] &&
		   [ "$(grep -c . "$tmp/nowin.err")" = 1 ] &&
		   grep -q 'no map_mem() window in this kernel.*memblock_mark_nomap()' "$tmp/nowin.err"; then
			ok "$name --window nomap: fails in $secs s, exit 3: $(cat "$tmp/nowin.err")"
		else
			not_ok "$name --window nomap: exit $rc in $secs s (want 3 within 60 s, one line naming memblock_mark_nomap()): $(head -c 300 "$tmp/nowin.err")"
		fi
	fi
	[ "$ran" -ge 2 ] || continue
	# the slope between the two sizes
	j1=$out/$name-${sizes[0]}-full.json j2=$out/$name-${sizes[1]}-full.json
	bad= line=
	for c in tlbi_vaale1is dsb_ishst dsb_ish isb set_fixmap_calls tables; do
		kv1=$(getc "$j1" kernel "$c") kv2=$(getc "$j2" kernel "$c")
		mv1=$(getc "$j1" mapbench "$c") mv2=$(getc "$j2" mapbench "$c")
		if [[ "$kv1$kv2$mv1$mv2" == *missing* ]]; then
			bad+=" $c missing;"
			continue
		fi
		ks=$((kv2 - kv1)) ms=$((mv2 - mv1))
		[ "$ks" = "$ms" ] || bad+=" $c kernel $ks mapbench $ms;"
		line+=" $c $ks"
	done
	if [ -z "$bad" ]; then
		ok "$name slope ${sizes[0]}..${sizes[1]}: op counts equal:$line"
	else
		not_ok "$name slope ${sizes[0]}..${sizes[1]}: op counts differ:$bad"
	fi
	kins=$(( $(getk "$j2" kernel instructions) - $(getk "$j1" kernel instructions) ))
	mins=$(( $(getk "$j2" mapbench instructions) - $(getk "$j1" mapbench instructions) ))
	gib=$(( ($(jq -r 'select(.kernel_check.side == "kernel") | .ram.total' "$j2") - \
		 $(jq -r 'select(.kernel_check.side == "kernel") | .ram.total' "$j1")) >> 20 ))
	kpg=$(( kins * 1024 / gib )) mpg=$(( mins * 1024 / gib ))
	if within "$mins" "$kins" "$tol"; then
		ok "$name slope ${sizes[0]}..${sizes[1]}: instructions per GiB within $tol% of the kernel's: kernel $kpg, $strat $mpg ($(pct "$mins" "$kins"))"
	else
		not_ok "$name slope ${sizes[0]}..${sizes[1]}: instructions per GiB: kernel $kpg, $strat $mpg, outside +-$tol%"
	fi
done
# The checks can fail: a record checked above, mutated as a broken
# oracle (or a broken strategy) would make it, must fail the check
# meant for it -- an op count off by one, a counter missing on one side,
# instructions 5% off, the tables differing.
selftest() {
	local j=$1 op got f
	op=$(jq -r 'select(.kernel_check.side == "kernel") | .kernel_check.ops |
		to_entries[] | select(.value > 0) | .key' "$j" | head -n1)
	while IFS=';' read -r what filter want; do
		jq -c "if .kernel_check.side == \"kernel\" then $filter else . end" \
			"$j" > "$tmp/mut.json"
		[ "$what" = "a mapbench counter missing" ] &&
			jq -c 'if .kernel_check.side == "mapbench" then del(.kernel_check.set_fixmap_calls) else . end' \
				"$j" > "$tmp/mut.json"
		got=$(pass=0 fail=0; assert_window mutant "$tmp/mut.json" strategy 3 \
			/dev/null > "$tmp/mut.out"; echo "$fail")
		if [ "$got" -ge 1 ] && grep -q "^not ok - mutant: .*$want" "$tmp/mut.out"; then
			ok "the checks fail on $what ($(grep -m1 '^not ok' "$tmp/mut.out" | cut -c1-120))"
		else
			not_ok "the checks do not fail on $what ($got failed)"
		fi
	done <<-EOT
	the kernel's $op off by one;.kernel_check.ops.$op += 1;op counts differ.*ops.$op kernel
	a mapbench counter missing;.;set_fixmap_calls missing
	the kernel's instructions 5% higher;.kernel_check.instructions = (.kernel_check.instructions * 1.05 | floor);outside +-3%
	tables differing;.kernel_check.tables_identical = false;final linear map differs
	EOT
}
for f in "$out"/*-full.json; do
	[ -s "$f" ] && { selftest "$f"; break; }
done

# Every record this run wrote against schema/: kernel-check's (both
# sides) and mapbench run --kernel-image's
mapfile -t kc < <(find "$out" -maxdepth 1 -name '*.json' ! -name '*-run-*' \
	-newer "$tmp/stamp" | sort)
mapfile -t runs < <(find "$out" -maxdepth 1 -name '*-run-*.json' \
	-newer "$tmp/stamp" | sort)
[ ${#kc[@]} -gt 0 ] && schema_valid kernel-check "${kc[@]}"
[ ${#runs[@]} -gt 0 ] && schema_valid run "${runs[@]}"

[ "$skipped" = 0 ] ||
	echo "ref: $skipped kernel(s) SKIPPED for want of their mapbench image: not checked, not passed"
if [ "$pass" = "$checks_before" ] && [ "$fail" = 0 ]; then
	not_ok "the reference tier checked nothing"
fi
tier_done ref
