#!/bin/bash
# Unit tier: kernel-check's JSON is a record that report and compare
# read (tests/fixtures/kcheck: a real kernel-check of Debian's 6.1 at 1G
# against base, and the same with the kernel 10% slower and one more
# dsb ishst per PTE, as a kernel commit could make it): golden report and
# compare output, compare's exit code, and kernel-check's bad input
# (one stderr line, its exit code, no JSON left).  No VM runs here.
# UPDATE_GOLDEN=1 rewrites the golden files.
set -u
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
MB=${MAPBENCH:-$B/asan/mapbench}
K=tests/fixtures/kcheck
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/assert.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1


golden "report reads kernel-check records (kernel as a strategy row)" \
	$K/report.txt 0 "$MB" report $K/kc-6.1-1G.jsonl
golden "compare gates a kernel commit: +10% and dsb_ishst +262144" \
	$K/compare.out 1 "$MB" compare $K/kc-6.1-1G.jsonl $K/kc-6.1-1G-regress.jsonl
golden "compare: the same kernel twice is the same" \
	$K/compare-same.out 0 "$MB" compare $K/kc-6.1-1G.jsonl $K/kc-6.1-1G.jsonl
# Debian's 6.12 and 6.18 at 512M, the kernel sides as kernel-check wrote
# them: the op counts moved by a table, and the map changed (6.18 sets
# the table AF and drops PTE_DIRTY): a verdict of its own, exit 1, with
# the first run that differs
golden "compare: 6.12 -> 6.18 is MAP CHANGED, with the first differing run" \
	$K/compare-map.out 1 "$MB" compare $K/map-612.json $K/map-618.json
check "compare: MAP CHANGED names 6.18's table AF" grep -q \
	'map changed: run 0: table va 0xffff000000000000 L0 attrs 0x1800000000000003 x1 -> table va 0xffff000000000000 L0 attrs 0x1800000000000403 x1' \
	"$K/compare-map.out"
exits "compare --tap: a changed map" 1 "$MB" compare --tap $K/map-612.json $K/map-618.json
check "compare --tap: a changed map is not ok" \
	grep -q '^not ok 1 - kernel 512M .* # MAP CHANGED' "$tmp/out"
exits "compare --junit: a changed map" 1 "$MB" compare --junit "$tmp/m.xml" $K/map-612.json $K/map-618.json
check "compare --junit: a map-changed failure" \
	grep -q '<failure type="map-changed" message="the final linear map changed">run 0: ' "$tmp/m.xml"
golden "compare: the same map twice is the same" \
	$K/compare-map-same.out 0 "$MB" compare $K/map-618.json $K/map-618.json

# bad input: exit code, one line, no JSON
printf 'hello' > "$tmp/notakernel"
printf '\x1f\x8b\x08\x00\x00\x00\x00\x00' > "$tmp/trunc.gz"
expect_fail "kernel-check: not an arm64 kernel" 1 "$tmp/o.json" -- \
	"$MB" kernel-check --kernel "$tmp/notakernel" --json "$tmp/o.json"
expect_fail "kernel-check: an Image it cannot unpack" 1 "$tmp/o.json" -- \
	"$MB" kernel-check --kernel "$tmp/trunc.gz" --json "$tmp/o.json"
expect_fail "kernel-check: no such file" 1 "$tmp/o.json" -- \
	"$MB" kernel-check --kernel "$tmp/none" --json "$tmp/o.json"
expect_fail "kernel-check: unwritable output (exit 2, as run's)" 2 "$tmp/ro/o.json" -- \
	"$MB" kernel-check --kernel "$tmp/notakernel" --json "$tmp/ro/o.json"
expect_fail "kernel-check: bad --rodata" 1 "$tmp/o.json" -- \
	"$MB" kernel-check --kernel "$tmp/notakernel" --rodata maybe
expect_fail "kernel-check: --kernel missing" 1 "$tmp/o.json" -- \
	"$MB" kernel-check --mem 1G
expect_fail "kernel-check: --json DIR/ is not a file name" 1 "$tmp/o.json" -- \
	"$MB" kernel-check --kernel "$tmp/notakernel" --json "$tmp/"
# a 16K Image (header flags bits 2:1 = 2) with its config beside it, as
# a Debian package ships them: without the mapbench image for 16K at
# 47-bit VA (52-bit config, -cpu max,lpa2=off), refused before any boot
mkdir -p "$tmp/k" "$tmp/noguest"
{ head -c 24 /dev/zero; printf '\x04'; head -c 31 /dev/zero; printf 'ARM\x64';
  head -c 4 /dev/zero; printf 'Linux version 6.12.0-test (t)\n'; } > "$tmp/k/vmlinuz-6.12.0-test"
printf 'CONFIG_ARM64_16K_PAGES=y\nCONFIG_ARM64_VA_BITS=52\nCONFIG_ARM64_LPA2=y\n' \
	> "$tmp/k/config-6.12.0-test"
MAPBENCH_GUEST=$tmp/noguest/mapbench-guest.elf expect_fail \
	"kernel-check: no mapbench image for the kernel's granule and VA" 1 "$tmp/o.json" -- \
	"$MB" kernel-check --kernel "$tmp/k/vmlinuz-6.12.0-test" --json "$tmp/o.json"
if grep -q "no mapbench guest for 16K pages at 47-bit VA: .*/mapbench-guest-16k-va47.elf is missing" "$tmp/neg.err"; then
	ok "kernel-check: the refusal names 16K, 47-bit VA and the image"
else
	not_ok "kernel-check: the refusal names 16K, 47-bit VA and the image: $(cat "$tmp/neg.err")"
fi
MAPBENCH_GUEST=$tmp/noguest/mapbench-guest.elf expect_fail \
	"kernel-check: --cpu max (LPA2): the 16k-va52 image is wanted" 1 "$tmp/o.json" -- \
	"$MB" kernel-check --kernel "$tmp/k/vmlinuz-6.12.0-test" --cpu max --json "$tmp/o.json"
grep -q "16K pages at 52-bit VA" "$tmp/neg.err" &&
	ok "kernel-check: with LPA2 offered the 16K kernel runs 52 bits" ||
	not_ok "kernel-check: with LPA2 offered: $(cat "$tmp/neg.err")"
printf 'CONFIG_ARM64_4K_PAGES=y\nCONFIG_ARM64_VA_BITS=48\n' > "$tmp/4k.config"
expect_fail "kernel-check: a config whose page size is not the Image's" 1 "$tmp/o.json" -- \
	"$MB" kernel-check --kernel "$tmp/k/vmlinuz-6.12.0-test" --config "$tmp/4k.config" \
	--json "$tmp/o.json"
expect_fail "kernel-check: --guest built for another granule" 1 "$tmp/o.json" -- \
	"$MB" kernel-check --kernel "$tmp/k/vmlinuz-6.12.0-test" \
	--guest "$B/guest/mapbench-guest.elf" --json "$tmp/o.json"

# errors read "mapbench: ..." as every command's do
"$MB" kernel-check --kernel "$tmp/notakernel" 2> "$tmp/neg.err"
if grep -q '^mapbench: ' "$tmp/neg.err" &&
   ! grep -q 'kernel-check:' "$tmp/neg.err"; then
	ok "kernel-check: errors start 'mapbench: '"
else
	not_ok "kernel-check: errors start 'mapbench: '"
	sed 's/^/#   /' "$tmp/neg.err" | head -3
fi
tier_done kcheck
