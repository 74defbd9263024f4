#!/bin/bash
# make run: the default job.  base at a few RAM sizes on real KVM where
# this is an arm64 host with /dev/kvm, else the same guest under QEMU TCG
# -- emulated, and labelled so.  Prints a table; JSON lands in results/.
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-build/mapbench}
sizes=${MB_SIZES:-1G 4G 16G}
strategies=${MB_STRATEGIES:-base}
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
printf '%-16s %-6s %6s %12s %10s %12s %10s %8s %s\n' strategy rodata ram \
	ms ticks tlbi "dsb ishst" "dsb ish" tables verify
for s in $strategies; do
	for m in $sizes; do
		j=$out/$s-$m.json
		"$mb" run --accel $accel --mem "$m" --strategy "$s" \
			--json "$j" > /dev/null
		jq -r '[.strategy, .rodata, .ram.banks[0].size_h,
			(.timing.ms * 1000 | round / 1000 | tostring),
			.timing.ticks, .counts.tlbi_vaale1is,
			.counts.dsb_ishst, .counts.dsb_ish,
			(.counts.tables_l1 + .counts.tables_l2 +
			 .counts.tables_l3),
			(if .verify.errors == 0 then "ok" else "FAILED" end)]
			| @tsv' "$j" |
		awk -F'\t' '{ printf "%-16s %-6s %6s %12s %10s %12s %10s %8s %s\n",
			$1, $2, $3, $4, $5, $6, $7, $8, $9 }'
	done
done
[ $accel = tcg ] && echo "(accelerator: QEMU TCG -- EMULATED)"
echo "JSON: $out/"
