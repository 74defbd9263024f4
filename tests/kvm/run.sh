#!/bin/bash
# KVM tier: the static aarch64 host binary runs the real guest on real
# KVM.  There is no arm64 hardware here, so KVM is nested: one L1 arm64
# Linux under qemu-system-aarch64 (TCG, virtualization=on) runs every
# command below in a single boot (scripts/kvm_l1.sh); the results come
# back over its console and are checked here.
#
# Inputs: `make cross guest` (build/aarch64/mapbench, the guest ELF).
# The L1 kernel and busybox are downloaded into the cache on first use.
# KVM_KEEP=DIR keeps the L1's output (console, per-command files, JSON).
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${BUILD:-build}
MB=$B/aarch64/mapbench
GUEST=$B/guest/mapbench-guest.elf
SIM=$B/unit/mapsim
TLM=$B/unit/test_linear_map
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/assert.sh
out=${KVM_KEEP:-$tmp/l1}
# what this run collects is newer (KVM_KEEP may hold an older run's)
touch "$tmp/stamp"

for f in "$MB" "$GUEST" "$SIM" "$TLM"; do
	if [ ! -f "$f" ]; then
		not_ok "input $f exists (make cross guest unit)"
		tier_done kvm
		exit 1
	fi
done

# ---- what the L1 runs: NAME -> one shell line, JSON (if any) in
# /tmp/NAME.json there, files/NAME.json here.
names=()
: > "$tmp/cmds"
queue() {
	names+=("$1")
	printf '%s\n' "$2" >> "$tmp/cmds"
}
run() {
	local name=$1
	shift
	queue "$name" "mapbench run --accel kvm $* --json /tmp/$name.json"
}

run base1g --mem 1G --strategy base
run verbose --mem 64M --strategy base -v
# 64 GiB of NORESERVE RAM in a 3 GiB L1: only what the guest touches.
run base64g --mem 64G --strategy base
# Block mappings: cheap, and the 41-bit IPA path.
run off1t --mem 1T --strategy base --rodata off

run nope --mem 1G --strategy nope
run badsize --mem 12Q
queue corrupt "head -c 4000 build/guest/mapbench-guest.elf > /tmp/corrupt.elf && mapbench run --accel kvm --mem 1G --guest /tmp/corrupt.elf --json /tmp/corrupt.json"
queue x86elf "cp build/guest/mapbench-guest.elf /tmp/x86.elf && printf '\\076' | dd of=/tmp/x86.elf bs=1 seek=18 conv=notrunc 2>/dev/null && mapbench run --accel kvm --mem 1G --guest /tmp/x86.elf --json /tmp/x86elf.json"
queue nokvm "mv /dev/kvm /dev/kvm.away && { mapbench run --accel kvm --mem 1G --json /tmp/nokvm.json; rc=\$?; mv /dev/kvm.away /dev/kvm; exit \$rc; }"
run fault --mem 1G --inject fault
run early --mem 1G --inject early-fault
run hang --mem 1G --inject hang --timeout 3
run badrec --mem 1G --inject bad-record
run afterall --mem 64M --strategy base
# what this host can run, with the vCPU's own registers
queue doctor "mapbench doctor --json > /tmp/doctor.json"
queue doctor-text "mapbench doctor"
# Every strategy on real (nested) KVM, rodata=full; and rodata=on.
strategies="no-cont-remap no-alloc-remap lazy-unmap batch-barriers v6.10
	idmap idmap-lazy idmap-fill temp-pgtable bbml2-blocks bbml2-repaint
	v6.18 v7.2"
# bbml2-*: the L1's vCPU (QEMU max, MIDR 0x000f0510) is no BBML2_NOABORT
# part, so the kernel would not run them: forced, and saying so; one
# run unforced is refused (exit 5) before the guest starts.
force_of() { case $1 in bbml2-*) echo --force-bbml2 ;; esac; }
# ref_of ST PREFIX: the strategy and the run (PREFIX + rodata=full's
# name, or its own rodata's) whose final map ST's must equal; nothing
# for a reference.  The strategies on 6.9 build base's map; the merged
# kernels start the alias at _text (docs/STRATEGIES.md): v6.10's; 6.18
# drops PTE_DIRTY and sets the table AF, so bbml2-repaint builds v6.18's
# (pages: Debian's late KFENCE); bbml2-blocks' blocks and v7.2's alias
# have no other strategy's map (each equals the unit tier's).
ref_of() {
	local p=$2
	case $1 in
	base|v6.10|v6.18|v7.2|bbml2-blocks) ;;
	bbml2-repaint) echo "v6.18 ${p}v6.18" ;;
	*) echo "base ${p}base" ;;
	esac
}
for st in $strategies; do
	run "s-$st" --mem 1G --strategy "$st" $(force_of "$st")
	run "on-$st" --mem 1G --strategy "$st" --rodata on $(force_of "$st")
done
run on-base --mem 1G --strategy base --rodata on
run bbml2-refused --mem 1G --strategy bbml2-blocks
# Every granule: base at 16G with the 16K and 64K images, where the
# guest side has built them (copied into the L1 beside the 4K one); and
# every strategy at 1G rodata=full (v6.10 also rodata=on, bbml2-blocks'
# map), each against that granule's unit tier and base's map.
GRANULE_FILES=()
granules=
for g in 16k 64k; do
	img=$B/guest/mapbench-guest-$g-va48.elf
	if [ -f "$img" ]; then
		GRANULE_FILES+=("$img:/mapbench/build/guest/${img##*/}")
		granules="$granules $g"
		run "g$g" --mem 16G --strategy base --granule $g
		for st in base $strategies; do
			run "g$g-$st" --mem 1G --strategy "$st" --granule $g \
				$(force_of "$st")
		done
		run "g$g-on-v6.10" --mem 1G --strategy v6.10 --rodata on \
			--granule $g

	else
		not_ok "granule $g: $img not built (make guest builds every granule's image)"
	fi
done
# The VMM's host side: layouts, backing, prefault, vPMU, stats, signals.
. tests/kvm/vmm.sh
vmm_queue

# ---- one L1 boot
mkdir -p "$out"
start=$(date +%s)
if ! scripts/kvm_l1.sh -o "$out" -t "${KVM_L1_TIMEOUT:-1800}" -T 900 \
	"$tmp/cmds" "$MB:/mapbench/build/aarch64/mapbench" \
	"$GUEST:/mapbench/build/guest/mapbench-guest.elf" "${VMM_FILES[@]}" \
	"${GRANULE_FILES[@]}"; then
	not_ok "L1 ran all commands (see ${KVM_KEEP:-KVM_KEEP=DIR} console.log)"
	tail -n 5 "$out/console.log" 2>/dev/null | sed 's/^/#   /'
fi
sed 's/^/# L1 /' "$out/l1.txt" 2>/dev/null
echo "# L1 total $(( $(date +%s) - start )) s"

# ---- checks on what came back
idx() {
	local i
	for i in "${!names[@]}"; do
		[ "${names[$i]}" = "$1" ] && { echo $((i + 1)); return; }
	done
}
rc_of() { cat "$out/cmd-$(idx "$1").rc" 2>/dev/null || echo none; }
err_of() { cat "$out/cmd-$(idx "$1").err" 2>/dev/null; }
json_of() { echo "$out/files/$1.json"; }

# pos NAME IPA_BITS: exit 0, a verified KVM record, the expected IPA size
pos() {
	local name=$1 bits=$2 j n
	j=$(json_of "$name")
	n=$(idx "$name")
	if [ "$(rc_of "$name")" != 0 ] || [ ! -f "$j" ]; then
		not_ok "$name: exit $(rc_of "$name"), $(err_of "$name" | head -n1)"
		return
	fi
	check "$name: status ok, verified, on kvm" json_is "$j" \
		'.status == "ok" and .verify.errors == 0 and
		 .verify.leaves_checked > 0 and .digests_match and
		 .accel == "kvm" and (.counts.tlbi_vaale1is | type) == "number"'
	check "$name: IPA $bits bits within the limit" json_is "$j" \
		".kvm.ipa_bits == $bits and .kvm.ipa_limit >= $bits"
	check "$name: CNTVCT advanced" json_is "$j" '.timing.ticks > 0'
	check "$name: counts and digest equal the unit tier" \
		same_as_unit "$j" "$SIM"
	closed_form "$name" "$j" "$TLM"
	echo "# $name: $(head -n1 "$out/cmd-$n.out") ($(cat "$out/cmd-$n.time") s in L1)"
}

# neg NAME RC [PATTERN]: exit RC, one stderr line (matching), no JSON
neg() {
	local name=$1 want=$2 pat=${3:-} rc lines
	rc=$(rc_of "$name")
	lines=$(err_of "$name" | grep -c .)
	if [ "$rc" = "$want" ] && [ "$lines" = 1 ] &&
	   [ ! -e "$(json_of "$name")" ] &&
	   { [ -z "$pat" ] || err_of "$name" | grep -q -- "$pat"; }; then
		ok "$name: exit $rc: $(err_of "$name")"
	else
		not_ok "$name: exit $rc (want $want), $lines stderr lines, json $( [ -e "$(json_of "$name")" ] && echo left || echo absent)"
		err_of "$name" | head -n 5 | sed 's/^/#   /'
	fi
}

pos base1g 32
pos base64g 37
pos off1t 41
pos afterall 32
pos verbose 32
for st in $strategies; do
	pos "s-$st" 32
	pos "on-$st" 32
done
pos on-base 32
for st in bbml2-blocks bbml2-repaint; do
	for n in s-$st on-$st; do
		check "$n: forced, the vCPU's registers say why" \
			json_is "$(json_of "$n")" '.options.force_bbml2 and
			.cpu_features.from == "kvm-vcpu" and
			.cpu_features.bbml2_forced and
			(.cpu_features.bbml2_noabort | not)'
	done
done
echo "# vCPU: $(jq -c .cpu_features "$(json_of s-bbml2-blocks)" 2>/dev/null)"
# mapbench doctor on a host with an arm64 KVM: usable, its IPA limit and
# the vCPU's ID registers (those the runs above recorded), make run on KVM
if [ "$(rc_of doctor)" = 0 ] && [ -s "$(json_of doctor)" ]; then
	check "doctor: KVM usable, the vCPU's registers, make run on KVM" \
		json_is "$(json_of doctor)" \
		'.kvm.usable and .kvm.ipa_limit >= 36 and
		 .kvm.max_ram == (pow(2; .kvm.ipa_limit) - 1073741824) and
		 .cpu.from == "kvm-vcpu" and .cpu.granules["4K/48"] == true and
		 .make_run.works and .make_run.accel == "kvm"'
	same_ids() {
		jq -e --slurpfile r "$(json_of base1g)" \
			'.cpu.midr == $r[0].cpu_features.midr and
			 .cpu.id_aa64mmfr0 == $r[0].cpu_features.id_aa64mmfr0' \
			"$(json_of doctor)" > /dev/null
	}
	check "doctor: the same MIDR and MMFR0 as a run read" same_ids
	echo "# doctor: $(jq -c '{kvm, cpu: (.cpu | del(.granules)), thp, cntfrq}' "$(json_of doctor)")"
else
	not_ok "doctor: exit $(rc_of doctor), $(err_of doctor | head -n1)"
fi
# the same findings as a user reads them on the board
sed 's/^/#   /' "$out/cmd-$(idx doctor-text).out" 2>/dev/null
check "doctor (text) on the board: exit 0, make run works here on KVM" \
	bash -c '[ "$1" = 0 ] && grep -q "^make run: works here (KVM" "$2"' _ \
	"$(rc_of doctor-text)" "$out/cmd-$(idx doctor-text).out"
for g in $granules; do
	G=$(echo $g | tr k K)
	pos "g$g" 35
	check "g$g: granule $G, VA 48 recorded" json_is "$(json_of "g$g")" \
		".granule == \"$G\" and .va_bits == 48 and
		 .options.granule == \"$G\""
	for st in base $strategies; do
		pos "g$g-$st" 32
	done
	pos "g$g-on-v6.10" 32
	for st in $strategies; do
		read -r ref want <<< "$(ref_of "$st" g$g-)"
		[ -n "$ref" ] || continue
		check "g$g-$st: same map as $ref at $G" \
			same_digest "$(json_of "g$g-$st")" "$(json_of "$want")"
	done
done
# every strategy builds base's map.  A reference is not compared with
# itself; a missing run fails the comparison.
for st in $strategies; do
	read -r ref want <<< "$(ref_of "$st" s-)"
	[ -n "$ref" ] || continue
	[ "$want" = s-base ] && want=base1g	# base's rodata=full run
	check "s-$st: same map as $ref" \
		same_digest "$(json_of "s-$st")" "$(json_of "$want")"
	read -r ref want <<< "$(ref_of "$st" on-)"
	check "on-$st: same map as $ref rodata=on" \
		same_digest "$(json_of "on-$st")" "$(json_of "$want")"
done
check "verbose: -v forwards the guest console" \
	test "$(grep -c . "$out/cmd-$(idx verbose).out" 2>/dev/null)" -gt 1
check "L1 had /dev/kvm" grep -qx 'nested_kvm yes' "$out/l1.txt"

neg nope 1 'unknown strategy'
neg badsize 1
neg corrupt 1 'corrupt.elf'
neg x86elf 1 'not an aarch64 ELF (e_machine 62)'
neg nokvm 2 '/dev/kvm'
neg fault 3 'exception'
neg early 3 'MMU off'
neg hang 4 'did not finish in 3 s'
neg badrec 3 'checksum'
neg bbml2-refused 5 "host CPU: MIDR_EL1 = 0x.* is not on the kernel's BBML2_NOABORT list"

vmm_checks

# Every record the L1 wrote (files/NAME.json) against schema/: the runs
# and doctor's; the failed runs wrote none (neg checked that)
mapfile -t runs < <(find "$out/files" -maxdepth 1 -name '*.json' \
	! -name doctor.json -newer "$tmp/stamp" | sort)
schema_valid run "${runs[@]}"
[ -s "$(json_of doctor)" ] && schema_valid doctor "$(json_of doctor)"

echo "# $no_closed_form runs without a closed form (named above)"
tier_done kvm
