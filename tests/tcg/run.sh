#!/bin/bash
# TCG tier: the real guest ELF under qemu-system-aarch64 -M virt (TCG),
# driven by the sanitized host binary.  Verification must pass, counts
# and the table digest must equal the unit tier's simulated engine
# (mapsim) for the same layout, counts the unit tier's closed forms
# (test_linear_map --expect: test code, not the engine) wherever they
# exist,
# CNTVCT must advance, and bad input or guest misbehaviour must give one
# line, the documented exit code and no JSON.
set -u
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
MB=${MAPBENCH:-$B/asan/mapbench}
SIM=$B/unit/mapsim
TLM=$B/unit/test_linear_map
GUEST=$B/guest/mapbench-guest.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/assert.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1

# Every comparison below needs these; a missing one fails the tier.
for f in "$MB" "$GUEST" "$SIM" "$TLM"; do
	if [ ! -f "$f" ]; then
		not_ok "input $f exists (make guest host unit)"
		tier_done tcg
		exit 1
	fi
done

strategies=$("$MB" list | awk '{print $1}')

# point STRATEGY MEM RODATA: verified, emulated, CNTVCT advanced, and the
# same op counts and table digest as the unit tier on the same layout.
# The account's calibration is checked where it is measured: rodata=full
# with a 48-bit image (every strategy, every granule); the other points
# run --no-calibrate (the probes cost a third of a TCG run).
point() {
	local sfx=${4:-}
	local st=$1 mem=$2 rodata=$3 j=$tmp/run-$1-$2-$3${sfx//\//_}.json
	local name="$st $mem rodata=$rodata${4:+ $4}" force=() cal=()
	shift 3
	case $rodata,$sfx in
	full,*-va48.elf|full,|full,--[!g]*) ;;
	*) cal=(--no-calibrate) ;;
	esac
	# QEMU's max CPU is no BBML2_NOABORT part: the kernel would not
	# run bbml2-*, so these runs are forced, and say so
	case $st in bbml2-*) force=(--force-bbml2) ;; esac
	if ! "$MB" run --accel tcg --mem "$mem" --strategy "$st" \
		--rodata "$rodata" --json "$j" "${force[@]}" "${cal[@]}" "$@" \
		> "$tmp/out" 2> "$tmp/err"; then
		not_ok "$name runs: $(head -1 "$tmp/err")"
		return
	fi
	if [ ${#force[@]} -gt 0 ]; then
		check "$name: forced, and the JSON and summary say so" \
			json_is "$j" '.options.force_bbml2 and
				.cpu_features.bbml2_forced and
				(.cpu_features.bbml2_noabort | not) and
				.cpu_features.from == "qemu-model" and
				.cpu_features.midr == "0xf0510"'
		check "$name: summary says BBML2 FORCED" \
			grep -q "BBML2 FORCED" "$tmp/out"
	fi
	check "$name: ok, verified, emulated, CNTVCT advanced" \
		json_is "$j" '.status == "ok" and .verify.errors == 0 and
			.verify.leaves_checked > 0 and .verify.at_checked > 0 and
			.verify.rw_checked > 0 and .digests_match and
			.verify.temp_tables == .verify.temp_freed and
			.emulated and .accel == "tcg" and
			.timing.ticks > 0 and .timing.cntfrq > 0'
	if [ ${#cal[@]} -gt 0 ]; then
		check "$name: --no-calibrate: no calibration" json_is "$j" \
			'has("calibration") | not'
	else
		check "$name: every direct unit, store form and the floor measured, the code units priced from its probes (timed: none below 0)" \
			json_is "$j" '([.calibration.units[] | select(
				  .min_picoticks <= .picoticks and
				  .picoticks <= .max_picoticks and .rounds == 7)]
				 | length) == 12 and
				([.calibration.stores[] | select(.picoticks > 0)]
				 | length) >= 3 and
				.calibration.floor.ticks > 0 and
				.calibration.floor.tables > 0 and
				.calibration.code.probes >= 2 and
				(.calibration.probes | length) ==
				  .calibration.code.probes and
				all(.calibration.code.units[];
				    .picoticks >= 0 and (.state != "bound" or
				    .picoticks == 0)) and
				.calibration.resolution_ticks > 0 and
				.calibration.cntfrq == .timing.cntfrq'
	fi
	check "$name: counts and digest equal the unit tier" \
		same_as_unit "$j" "$SIM"
	closed_form "$name" "$j" "$TLM"
	check "$name: summary says EMULATED" grep -q EMULATED "$tmp/out"
	echo "# $name: $(jq -r '"\(.timing.ticks) ticks, tlbi \(.counts.tlbi_vaale1is), dsb ishst \(.counts.dsb_ishst), dsb ish \(.counts.dsb_ish), isb \(.counts.isb), tables \(.counts.tables_l1 + .counts.tables_l2 + .counts.tables_l3)"' "$j")"
	cp "$j" "${TCG_KEEP:-$tmp}/" 2>/dev/null || true
}

# ref_of ST RODATA: the strategy and rodata whose final map ST's must
# equal, descriptor for descriptor; nothing when ST is a reference.
# The strategies on 6.9 build base's map; the merged kernels start the
# kernel alias at _text, not _stext (docs/STRATEGIES.md): v6.10's; 6.18
# drops PTE_DIRTY and sets the table AF, so bbml2-repaint builds v6.18's
# (pages: Debian's late KFENCE); bbml2-blocks' blocks and v7.2's alias
# have no other strategy's map (each equals the unit tier's).
ref_of() {
	case $1 in
	base|v6.10|v6.18|v7.2|bbml2-blocks) ;;
	bbml2-repaint) echo "v6.18 $2" ;;
	*) echo "base $2" ;;
	esac
}

# (A missing run fails the comparison.)
same_map_as_base() {
	local mem=$1 rodata=$2 st ref want
	for st in $strategies; do
		read -r ref want <<< "$(ref_of "$st" "$rodata")"
		[ -n "$ref" ] || continue
		check "$st $mem rodata=$rodata: same map as $ref at rodata=$want" \
			same_digest "$tmp/run-$st-$mem-$rodata.json" \
			"$tmp/run-$ref-$mem-$want.json"
	done
}

for rodata in on full off; do
	for st in $strategies; do
		point "$st" 1G "$rodata"
	done
	same_map_as_base 1G "$rodata"
done
# every strategy at 16G; v7.2 (v6.18's walk with the alias mapped twice;
# no other strategy's map to compare with) only under make test-full
for st in $strategies; do
	case $st in v7.2) [ "${MB_TEST_FULL:-0}" = 1 ] || continue ;; esac
	point "$st" 16G full
done
same_map_as_base 16G full
# The CPU's BBML answer: QEMU max says no (6.18's list, 7.3's BBML3),
# so v6.18 and v7.2 ran their page paths above; --force-bbml2 makes it
# yes and they take their kernel's block path: v6.18's is bbml2-blocks'
# map, op for op; v7.2's maps blocks (fewer tables than its pages).
point v6.18 1G full --force-bbml2
point v7.2 1G full --force-bbml2
# json_with FILE OTHER FILTER: FILTER true of FILE, OTHER as $o[0]
json_with() {
	[ "$(jq -r --slurpfile o "$2" "$3" "$1" 2>/dev/null)" = true ]
}
check "v6.18 1G --force-bbml2: block path recorded, bbml2-blocks' map and ops" \
	json_with "$tmp/run-v6.18-1G-full--force-bbml2.json" \
	"$tmp/run-bbml2-blocks-1G-full.json" \
	'.cpu_features.block_path and .cpu_features.bbml2_forced and
	 (.cpu_features.bbml3 | not) and .digest == $o[0].digest and
	 .counts == $o[0].counts'
check "v6.18, v7.2 1G unforced: no block path on QEMU max" json_with \
	"$tmp/run-v7.2-1G-full.json" "$tmp/run-v6.18-1G-full.json" \
	'(.cpu_features.block_path | not) and ($o[0].cpu_features.block_path | not)'
check "v7.2 1G --force-bbml2: block path, fewer tables than its pages" \
	json_with "$tmp/run-v7.2-1G-full--force-bbml2.json" \
	"$tmp/run-v7.2-1G-full.json" \
	'.cpu_features.block_path and .counts.tables_l3 < $o[0].counts.tables_l3'

# an early KFENCE pool: page-mapped inside a block-mapped linear map
for st in base v6.10 idmap idmap-fill temp-pgtable bbml2-repaint; do
	point "$st" 1G on --kfence
	point "$st" 1G full --kfence=4M
done
check "KFENCE pool: at the top of RAM, page-mapped" json_is \
	"$tmp/run-base-1G-on--kfence.json" \
	'.layout.kfence_end == "0x80000000" and .layout.kfence_size == 2097152
	 and .counts.tables_l3 >= 1'

# Every other granule and VA size: one image each (the host picks it with
# --guest) at 2G with rodata=full, base, v6.10 and bbml2-blocks at
# rodata=on; counts and digest equal that configuration's unit tier (its
# mapsim), and the final maps equal within the granule.  Every strategy
# runs at each granule's 48-bit VA; the other VA sizes (their closed
# forms all checked by the unit tier) run base, v6.10, idmap-fill and
# bbml2-blocks, and every strategy under MB_TEST_FULL=1 (make test-full).
UNIT_SIM=$SIM
for cfg in 16k-va48 64k-va48 4k-va39 4k-va52 16k-va36 16k-va47 16k-va52 \
	   64k-va42 64k-va52; do
	img=$B/guest/mapbench-guest-$cfg.elf
	SIM=$B/unit/$cfg/mapsim
	if [ ! -f "$img" ] || [ ! -x "$SIM" ]; then
		not_ok "$cfg: image and mapsim built (make guest unit)"
		continue
	fi
	cfg_strategies=$strategies
	case $cfg in
	*-va48) ;;
	*) [ "${MB_TEST_FULL:-0}" = 1 ] ||
		cfg_strategies="base v6.10 idmap-fill bbml2-blocks" ;;
	esac
	for st in $cfg_strategies; do
		point "$st" 2G full "--guest=$img"
	done
	for st in base v6.10 bbml2-blocks; do
		point "$st" 2G on "--guest=$img"
	done
	for st in $cfg_strategies; do
		read -r ref want <<< "$(ref_of "$st" full)"
		[ -n "$ref" ] || continue
		[ -f "$tmp/run-$ref-2G-$want--guest=${img//\//_}.json" ] ||
			point "$ref" 2G "$want" "--guest=$img"
		check "$cfg $st 2G rodata=full: same map as $ref at rodata=$want" same_digest \
			"$tmp/run-$st-2G-full--guest=${img//\//_}.json" \
			"$tmp/run-$ref-2G-$want--guest=${img//\//_}.json"
	done
	check "$cfg: the linear map starts at PAGE_OFFSET of ${cfg#*-va} bits" \
		json_is "$tmp/run-base-2G-full--guest=${img//\//_}.json" \
		".layout.page_offset == \"$(printf '0x%016x' $(( -(1 << ${cfg#*-va}) )))\""
done
SIM=$UNIT_SIM

# Unit costs: --no-calibrate records none (and the same map); under
# --deterministic (icount) they are instruction-exact, so two runs agree.
j=$tmp/cal
if "$MB" run --accel tcg --mem 1G --no-calibrate --json "$j-none.json" \
	> /dev/null 2> "$tmp/err"; then
	check "--no-calibrate: no calibration object, same map as base" \
		json_is "$j-none.json" '.status == "ok" and
			(has("calibration") | not)'
	check "--no-calibrate: same digest as a calibrated run" \
		same_digest "$j-none.json" "$tmp/run-base-1G-full.json"
else
	not_ok "--no-calibrate runs: $(head -1 "$tmp/err")"
fi
for i in 1 2; do
	"$MB" run --deterministic --mem 1G --json "$j-det$i.json" \
		> /dev/null 2> "$tmp/err" ||
		not_ok "--deterministic run $i: $(head -1 "$tmp/err")"
done
same_calibration() {
	jq -e --slurpfile b "$2" '.calibration == $b[0].calibration and
		(.calibration.units | length) == 12 and
		.calibration.floor.ticks > 0' "$1" > /dev/null 2>&1
}
check "--deterministic: identical unit costs and floor on two runs" \
	same_calibration "$j-det1.json" "$j-det2.json"
echo "# deterministic unit costs (ticks/op): $(jq -r '[.calibration.units | to_entries[] | "\(.key) \(.value.ticks)"] | join(", ")' "$j-det1.json" 2>/dev/null)"

# Every granule: base at 16G with the 16K and 64K images (the guest
# side builds them beside the 4K/48 one); the JSON says what was built.
for g in 16K 64K; do
	img=$B/guest/mapbench-guest-$(echo $g | tr K k)-va48.elf
	if [ ! -f "$img" ]; then
		not_ok "$g: $img not built (make guest builds every granule's image)"
		continue
	fi
	point base 16G full "--granule=$g"
	check "base 16G $g: granule and VA size recorded" json_is \
		"$tmp/run-base-16G-full--granule=$g.json" \
		".granule == \"$g\" and .va_bits == 48 and
		 .options.granule == \"$g\" and .options.va_bits == 48"
done

j=$tmp/neg.json
# What the vCPU cannot do: exit 5 before QEMU starts, one line naming
# the ID register field and its value (the models' values: cpufeat.c)
expect_fail "bbml2-blocks on QEMU max (no BBML2_NOABORT part)" 5 "$j" -- \
	"$MB" run --accel tcg --mem 1G --strategy bbml2-blocks --json "$j"
check "bbml2 refusal names MIDR_EL1 and --force-bbml2" grep -q \
	"host CPU: MIDR_EL1 = 0x000f0510 is not on the kernel's BBML2_NOABORT list (ID_AA64MMFR2_EL1.BBM = 0x2): no bbml2-blocks (--force-bbml2 runs it anyway)" \
	"$tmp/neg.err"
expect_fail "16K on cortex-a57" 5 "$j" -- "$MB" run --accel tcg --mem 1G \
	--granule 16K --tcg-cpu cortex-a57 --json "$j"
check "16K refusal names TGran16" grep -qx \
	"mapbench: host CPU: ID_AA64MMFR0_EL1.TGran16 = 0x0: no 16K granule" \
	"$tmp/neg.err"
expect_fail "4K/52 on max,lpa2=off" 5 "$j" -- "$MB" run --accel tcg \
	--mem 1G --granule 4K --va-bits 52 --tcg-cpu max,lpa2=off --json "$j"
expect_fail "16K/52 on max,lpa2=off" 5 "$j" -- "$MB" run --accel tcg \
	--mem 1G --granule 16K --va-bits 52 --tcg-cpu max,lpa2=off --json "$j"
expect_fail "64K/52 on neoverse-n1 (no FEAT_LVA)" 5 "$j" -- "$MB" run \
	--accel tcg --mem 1G --granule 64K --va-bits 52 --tcg-cpu neoverse-n1 \
	--json "$j"
expect_fail "a VA size the kernel does not offer" 1 "$j" -- "$MB" run \
	--accel tcg --mem 1G --granule 64K --va-bits 47 --json "$j"
expect_fail "an image for another granule" 1 "$j" -- "$MB" run --accel tcg \
	--mem 1G --granule 16K --guest "$GUEST" --json "$j"
head -c 4000 "$GUEST" > "$tmp/corrupt.elf"
printf 'not an elf' > "$tmp/text.elf"
expect_fail "unknown strategy" 1 "$j" -- "$MB" run --accel tcg --mem 1G --strategy nope --json "$j"
expect_fail "bad size" 1 "$j" -- "$MB" run --accel tcg --mem 12Q --json "$j"
expect_fail "size below minimum" 1 "$j" -- "$MB" run --accel tcg --mem 1M --json "$j"
expect_fail "truncated ELF" 1 "$j" -- "$MB" run --accel tcg --mem 1G --guest "$tmp/corrupt.elf" --json "$j"
expect_fail "not an ELF" 1 "$j" -- "$MB" run --accel tcg --mem 1G --guest "$tmp/text.elf" --json "$j"
expect_fail "missing ELF" 1 "$j" -- "$MB" run --accel tcg --mem 1G --guest "$tmp/none.elf" --json "$j"
expect_fail "missing qemu" 2 "$j" -- "$MB" run --accel tcg --mem 1G --qemu "$tmp/no-qemu" --json "$j"
if [ ! -e /dev/kvm ]; then
	expect_fail "no /dev/kvm" 2 "$j" -- "$MB" run --accel kvm --mem 1G --json "$j"
fi
expect_fail "guest exception, MMU off" 3 "$j" -- "$MB" run --accel tcg --mem 1G --inject early-fault --json "$j"
expect_fail "guest exception" 3 "$j" -- "$MB" run --accel tcg --mem 1G --inject fault --json "$j"
expect_fail "guest hangs" 4 "$j" -- "$MB" run --accel tcg --mem 1G --inject hang --timeout 5 --json "$j"
expect_fail "guest lies (bad record)" 3 "$j" -- "$MB" run --accel tcg --mem 1G --inject bad-record --json "$j"
expect_fail "json into a missing directory" 2 "$tmp/no/such/dir.json" -- "$MB" run --accel tcg --mem 64M --json "$tmp/no/such/dir.json"

# mapbench doctor on this host (no arm64 KVM): make run works under TCG
# (exit 0) and it says why not KVM; without QEMU it cannot (exit 5).
"$MB" doctor > "$tmp/doc.txt" 2> "$tmp/doc.err"
rc=$?
check "doctor: exit 0, make run works here under TCG" \
	bash -c "[ $rc = 0 ] && grep -qx 'make run: works here (QEMU TCG, EMULATED)' '$tmp/doc.txt'"
check "doctor: why not KVM, and QEMU's version, each on its line" \
	bash -c "grep -q '^  no   kvm       no /dev/kvm' '$tmp/doc.txt' &&
		grep -q '^  ok   qemu      qemu-system-aarch64 [0-9.]*: --accel tcg' '$tmp/doc.txt'"
sed 's/^/# /' "$tmp/doc.txt"
"$MB" doctor --json > "$tmp/doc.json" 2> "$tmp/doc.err"
check "doctor --json: one record: no KVM, QEMU max's granules, the images, make run on TCG" \
	json_is "$tmp/doc.json" '.doctor == 1 and (.kvm.usable | not) and
		(.kvm.why | length) > 0 and (.qemu | test("^[0-9.]+$")) and
		.cpu.from == "qemu-model max" and .cpu.midr == "0xf0510" and
		([.cpu.granules[] | select(. == true)] | length) == 10 and
		([.guest_images[] | select(. == true)] | length) == 10 and
		(.cpu.bbml2_noabort | not) and (.cpu.bbml3 | not) and
		.make_run.works and .make_run.accel == "tcg"'
"$MB" doctor --qemu "$tmp/no-qemu" > "$tmp/doc.txt" 2>&1
rc=$?
check "doctor without QEMU or KVM: exit 5, says make run will not work and why" \
	bash -c "[ $rc = 5 ] && grep -q '^make run: will not work: no KVM (no /dev/kvm.*) and no QEMU to fall back on ($tmp/no-qemu does not run' '$tmp/doc.txt'"
expect_fail "doctor with an unknown option" 1 "$j" -- "$MB" doctor --frob

# The guest's own check that nothing outside RAM is mapped: a guest
# whose engine maps one page past the top of RAM must fail verification.
hole=$B/mutants/guest-map_hole/guest/mapbench-guest.elf
if make --no-print-directory BUILD="$B" mutant-guest > "$tmp/make.log" 2>&1 &&
   [ -f "$hole" ]; then
	expect_fail "guest maps a page past RAM: verification fails" 3 "$j" -- \
		"$MB" run --accel tcg --layout 0x40000000:1G,0xc0000000:1027M \
		--guest "$hole" --json "$j"
	check "map-hole guest: the first error is the page past RAM" \
		grep -q 'verification failed: 1 errors, first at VA 0xffff0000c0300000' \
		"$tmp/neg.err"
else
	not_ok "the map-hole guest builds (make mutant-guest)"
	tail -n 5 "$tmp/make.log" | sed 's/^/#   /'
fi

. tests/tcg/vmm.sh
vmm_tcg

# Every record this tier wrote against schema/ (the failed runs wrote
# none: expect_fail checked that)
schema_valid run "$tmp"/run-*.json "$tmp"/cal-*.json "$tmp"/vmm*.json
schema_valid doctor "$tmp/doc.json"

# matrix -> report -> plot -> compare end to end, resume, the gate
check "matrix end to end (tests/tcg/matrix.sh)" tests/tcg/matrix.sh

# the account on the whole deterministic grid (252 points, minutes)
if [ "${MB_TEST_FULL:-0}" = 1 ]; then
	check "the account closes on configs/account.conf (tests/tcg/account.sh)" \
		tests/tcg/account.sh
else
	echo "# the account on configs/account.conf: make test-full runs it (252 points)"
fi

echo "# $no_closed_form runs without a closed form (named above)"
tier_done tcg
