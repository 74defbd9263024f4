#!/bin/bash
# make run: the default job.  base at a few RAM sizes on real KVM where
# this is an arm64 host with /dev/kvm, else the same guest under QEMU TCG
# -- emulated, and labelled so.  Prints a table; JSON lands in results/.
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-build/mapbench}
sizes=${MB_SIZES:-1G 16G}
strategies=${MB_STRATEGIES:-$("$mb" list | awk '{print $1}')}
out=results/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"

accel=tcg
if [ "$(uname -m)" = aarch64 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	accel=kvm
fi
if [ $accel = tcg ]; then
	echo "No usable KVM on this $(uname -m) host: running under QEMU TCG."
	echo "*** EMULATED: times are QEMU's, not hardware's; op counts are real. ***"
fi
fmt='%-15s %-5s %5s %10s %8s %10s %9s %10s %8s %7s %s\n'
printf "$fmt" strategy rodata ram ms "vs base" ticks tlbi "dsb ishst" \
	"dsb ish" tables verify
for m in $sizes; do
	for s in $strategies; do
		j=$out/$s-$m.json
		# bbml2-*: under TCG there is no real CPU to ask, so they
		# run forced (the JSON says so); on KVM only where the
		# kernel would use BBML2_NOABORT (else exit 5: "refused")
		force=()
		case $s in bbml2-*) [ $accel = tcg ] && force=(--force-bbml2) ;; esac
		rc=0
		"$mb" run --accel $accel --mem "$m" --strategy "$s" \
			"${force[@]}" --json "$j" > /dev/null || rc=$?
		if [ $rc = 5 ]; then
			printf "$fmt" "$s" - "$m" refused - - - - - - \
				"(this CPU: exit 5)"
			continue
		elif [ $rc != 0 ]; then
			printf "$fmt" "$s" - "$m" FAILED - - - - - - -
			continue
		fi
		base=$out/base-$m.json
		jq -r --slurpfile b "$base" '
			(.timing.ticks) as $t |
			($b[0].timing.ticks) as $bt |
			[.strategy, .rodata, .ram.banks[0].size_h,
			 (.timing.ms * 1000 | round / 1000 | tostring),
			 (if $bt > 0 then (($t / $bt * 1000 | round) / 10 |
				tostring) + "%" else "-" end),
			 .timing.ticks,
			 (.counts.tlbi_vaale1is + .counts.tlbi_vmalle1is +
			  .counts.tlbi_vmalle1),
			 .counts.dsb_ishst, .counts.dsb_ish,
			 (.counts.tables_l1 + .counts.tables_l2 +
			  .counts.tables_l3),
			 (if .verify.errors == 0 then "ok" else "FAILED" end) +
			 (if .options.force_bbml2 then " (BBML2 forced)" else "" end)]
			| @tsv' "$j" |
		while IFS=$'\t' read -r -a f; do
			printf "$fmt" "${f[@]}"
		done
	done
done
[ $accel = tcg ] && echo "(accelerator: QEMU TCG -- EMULATED)"
echo "JSON: $out/"
