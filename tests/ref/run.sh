#!/bin/bash
# Reference tier: mapbench against real kernels.  Debian's arm64 6.1
# (before the linear-map series) and 6.12 (after it), 4K pages, and
# 6.12's 16K-page flavour are fetched with apt-get download (versions in
# configs/ref-kernels.conf) and run under `mapbench kernel-check` at two
# RAM sizes.  Asserted, per kernel and size and for the slope between
# the sizes: the kernel runs the granule and VA size the list names and
# mapbench's image is built for the same; every op count of the
# kernel's map_mem() window equals its strategy's (base for 6.1, v6.10
# for 6.12) -- TLBI, DSB ishst, DSB ish, ISB, fixmap calls, page tables
# -- and the final linear map is identical descriptor for descriptor.
# Instructions: at each size and per GiB (the slope), mapbench's window
# executes within 5% of the kernel's (the goal is 2%; the figure is
# printed).  The 16K kernel is a 52-bit LPA2 build running at 47 bits
# (QEMU's LPA2 off); its strategy's image converts addresses for LPA2
# the same way (docs/STRATEGIES.md, "Code path"), so the same 5% holds.
#
# A kernel whose mapbench image is not built (make guest builds one per
# granule and VA size) is reported SKIP with the image's name, counted
# apart: it is not a pass.
#
# No packages (offline, mirror without them): the tier says SKIP with
# the reason and exits 77, which scripts/test_all.sh counts as skipped.
#
# REF_KEEP=DIR keeps each kernel-check's output and JSON there; REF_CONF
# another kernel list (tests).
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${BUILD:-build}
MB=$B/mapbench
CONF=${REF_CONF:-configs/ref-kernels.conf}
cache=${MAPBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mapbench}/ref
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/assert.sh
out=${REF_KEEP:-$tmp}
mkdir -p "$out"

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

# apt-get download as root warns that _apt cannot write the cwd.
apt_dl() {
	(cd "$cache" && apt-get -q -o APT::Sandbox::User=root download "$1" \
		> "$tmp/apt.log" 2>&1)
}
refreshed=
apt_refresh() {
	[ -z "$refreshed" ] || return 1
	refreshed=1
	if [ "$(id -u)" -eq 0 ]; then
		apt-get update -qq > /dev/null 2>&1
	else
		sudo -n apt-get update -qq > /dev/null 2>&1
	fi
}

# image PKG VER: the kernel Image of the package, fetched if need be.
image() {
	local pkg=$1 ver=$2 deb dir img
	dir=$cache/$pkg-$ver
	img=$(ls "$dir"/boot/vmlinuz-* 2>/dev/null | head -n1)
	if [ -n "$img" ]; then
		echo "$img"
		return 0
	fi
	mkdir -p "$cache" || return 1
	deb=$(ls "$cache/${pkg}_${ver//:/%3a}_arm64.deb" 2>/dev/null)
	if [ -z "$deb" ]; then
		apt_dl "$pkg:arm64=$ver" || { apt_refresh && apt_dl "$pkg:arm64=$ver"; } ||
			return 1
		deb=$(ls "$cache/${pkg}_"*"_arm64.deb" 2>/dev/null | grep -F "_${ver//:/%3a}_" | head -n1)
	fi
	[ -n "$deb" ] || return 1
	mkdir -p "$dir"
	# the config beside the Image: kernel-check reads its VA size
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$dir" --wildcards './boot/vmlinuz-*' './boot/config-*' ||
		return 1
	ls "$dir"/boot/vmlinuz-* 2>/dev/null | head -n1
}

mem=$(awk '$1 == "mem" { $1 = ""; print }' "$CONF")
read -r -a sizes <<< "$mem"
[ "${#sizes[@]}" -ge 2 ] || { not_ok "$CONF names two RAM sizes"; tier_done ref; exit 1; }

kernels=()
while read -r name pkg ver strat gran insns; do
	case $name in ''|'#'*|mem) continue ;; esac
	img=$(image "$pkg" "$ver") || skip "cannot fetch $pkg:arm64=$ver with apt-get download ($(tail -n1 "$tmp/apt.log" 2>/dev/null))"
	kernels+=("$name $img $strat ${gran:-4k/48} ${insns:-5%}")
done < "$CONF"
skipped=0

# The op counters both records carry (kernel-check's JSON, docs/JSON.md).
ops='tlbi_vaale1is dsb_ishst dsb_ish isb set_fixmap_calls tables'
getc() { jq -r "select(.kernel_check.side == \"$2\") | .counts.$3" "$1"; }

for k in "${kernels[@]}"; do
	read -r name img strat gran insns <<< "$k"
	# "16k/47": page shift 14, 47-bit VA
	case ${gran%%/*} in 4k) shift_want=12 ;; 16k) shift_want=14 ;; *) shift_want=16 ;; esac
	va_want=${gran#*/}
	for m in "${sizes[@]}"; do
		j=$out/$name-$m.json
		start=$(date +%s)
		nice "$MB" kernel-check --kernel "$img" --mem "$m" \
			--strategy "$strat" --json "$j" > "$out/$name-$m.txt" 2>&1
		rc=$?
		secs=$(( $(date +%s) - start ))
		if [ "$rc" = 1 ] && grep -q '^mapbench: no mapbench guest for' "$out/$name-$m.txt"; then
			echo "SKIP - $name: $(sed -n 's/^mapbench: //p' "$out/$name-$m.txt"): not checked"
			skipped=$((skipped + 1))
			continue 2
		fi
		if [ "$rc" != 0 ] || [ ! -s "$j" ]; then
			not_ok "$name $m: kernel-check exit $rc: $(tail -n1 "$out/$name-$m.txt")"
			continue
		fi
		ok "$name $m: kernel-check ran (${secs} s)"
		kg=$(jq -r 'select(.kernel_check.side == "kernel") | .kernel_check | "\(.page_shift)/\(.va_bits)"' "$j")
		mg=$(jq -r 'select(.kernel_check.side == "mapbench") | .kernel_check | "\(.page_shift)/\(.va_bits)"' "$j")
		if [ "$kg" = "$shift_want/$va_want" ] && [ "$mg" = "$kg" ]; then
			ok "$name $m: the kernel runs $gran (page shift/VA $kg), mapbench's image the same"
		else
			not_ok "$name $m: granule/VA: kernel $kg, mapbench $mg, want $shift_want/$va_want ($gran)"
		fi
		bad=
		for c in $ops; do
			kv=$(getc "$j" kernel "$c") mv=$(getc "$j" mapbench "$c")
			[ "$kv" = "$mv" ] || bad+=" $c kernel $kv mapbench $mv;"
		done
		if [ -z "$bad" ]; then
			ok "$name $m: every op count of the window equals $strat's"
		else
			not_ok "$name $m: op counts differ from $strat's:$bad"
		fi
		ki=$(getc "$j" kernel instructions) mi=$(getc "$j" mapbench instructions)
		pct=$(awk -v a="$mi" -v b="$ki" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')
		ps=$(jq -r 'select(.kernel_check.side == "kernel") | .kernel_check.page_shift' "$j")
		pages=$(( $(jq -r 'select(.kernel_check.side == "kernel") | .ram.total' "$j") >> ps ))
		if awk -v a="$mi" -v b="$ki" 'BEGIN { exit !(a >= 0.95 * b && a <= 1.05 * b) }'; then
			ok "$name $m: instructions within 5% of the kernel's: kernel $ki, $strat $mi ($pct)"
		else
			not_ok "$name $m: instructions: kernel $ki, $strat $mi ($pct), outside +-5%"
		fi
		if json_is "$j" 'select(.kernel_check.side == "kernel") | .kernel_check.tables_identical'; then
			ok "$name $m: final linear map identical to $strat's ($(jq -r 'select(.kernel_check.side == "kernel") | "\(.kernel_check.map_runs) runs, digest \(.kernel_check.digest)"' "$j"))"
		else
			not_ok "$name $m: final linear map differs from $strat's"
			sed -n '/^tables:/,/^$/p' "$out/$name-$m.txt" | sed 's/^/#   /' | head -10
		fi
	done
	# the slope between the two sizes
	j1=$out/$name-${sizes[0]}.json j2=$out/$name-${sizes[1]}.json
	[ -s "$j1" ] && [ -s "$j2" ] || continue
	bad= line=
	for c in $ops instructions; do
		ks=$(( $(getc "$j2" kernel "$c") - $(getc "$j1" kernel "$c") ))
		ms=$(( $(getc "$j2" mapbench "$c") - $(getc "$j1" mapbench "$c") ))
		[ "$c" = instructions ] && { kins=$ks mins=$ms; continue; }
		[ "$ks" = "$ms" ] || bad+=" $c kernel $ks mapbench $ms;"
		line+=" $c $ks"
	done
	if [ -z "$bad" ]; then
		ok "$name slope ${sizes[0]}..${sizes[1]}: op counts equal:$line"
	else
		not_ok "$name slope ${sizes[0]}..${sizes[1]}: op counts differ:$bad"
	fi
	gib=$(( ($(jq -r 'select(.kernel_check.side == "kernel") | .ram.total' "$j2") - \
		 $(jq -r 'select(.kernel_check.side == "kernel") | .ram.total' "$j1")) >> 20 ))
	kpg=$(( kins * 1024 / gib )) mpg=$(( mins * 1024 / gib ))
	ratio=$(awk -v a="$mins" -v b="$kins" 'BEGIN { printf "%.4f", a / b }')
	pct=$(awk -v r="$ratio" 'BEGIN { printf "%+.1f%%", (r - 1) * 100 }')
	if awk -v r="$ratio" 'BEGIN { exit !(r >= 0.95 && r <= 1.05) }'; then
		ok "$name slope ${sizes[0]}..${sizes[1]}: instructions per GiB within 5% of the kernel's: kernel $kpg, $strat $mpg ($pct)"
	else
		not_ok "$name slope ${sizes[0]}..${sizes[1]}: instructions per GiB: kernel $kpg, $strat $mpg ($pct), outside +-5%"
	fi
done
[ "$skipped" = 0 ] ||
	echo "ref: $skipped kernel(s) SKIPPED for want of their mapbench image: not checked, not passed"
tier_done ref
