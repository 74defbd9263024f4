#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# schema/*.schema.json against the tree: its version is abi.h's and the
# writers', its lists are abi.h's, the golden records written by the
# current writers validate, and a record with a key removed, a wrong
# type or a wrong version does not.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/assert.sh
PY=/usr/bin/python3
SC=tests/schema_check.py
S=schema
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the validator, its lines as TAP comments
pyq() {
	$PY $SC "$@" > "$tmp/pyq"
	local rc=$?
	sed 's/^/# /' "$tmp/pyq"
	return $rc
}

# ---- versions -----------------------------------------------------------

abi=$(sed -n 's/^#define MB_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' \
	include/mapbench/abi.h)
run_v=$(sed -n 's/^#define SCHEMA_VERSION[[:space:]]*\([0-9]*\).*/\1/p' \
	host/report.c)
kc_v=$(sed -n 's/.*"schema", json_integer(\([0-9]*\)));.*/\1/p' \
	host/kcheck/output.c)
doc_v=$(sed -n 's/.*"doctor", json_integer(\([0-9]*\)));.*/\1/p' \
	host/doctor.c)

# jq -e, quietly
jqt() {
	jq -e "$@" > /dev/null
}

# every schema's $id and x-mapbench-abi carry abi.h's version
ids_follow_abi() {
	local f
	[ -n "$abi" ] || return 1
	for f in $S/*.schema.json; do
		jq -e --arg a "$abi" '(."$id" | test("/abi-" + $a + "/"))
			and (."x-mapbench-abi" | tostring) == $a' "$f" \
			> /dev/null || { echo "# $f: not abi-$abi"; return 1; }
	done
}
check "schema \$id and x-mapbench-abi are abi.h's MB_ABI_VERSION ($abi)" \
	ids_follow_abi
check "run schema's version is report.c's SCHEMA_VERSION ($run_v)" \
	jqt --arg v "$run_v" \
	'."$defs".fields.properties.schema.const | tostring == $v' \
	$S/run.schema.json
check "kernel-check schema's version is output.c's ($kc_v)" \
	jqt --arg v "$kc_v" '.properties.schema.const | tostring == $v' \
	$S/kernel-check.schema.json
check "doctor schema's version is doctor.c's ($doc_v)" \
	jqt --arg v "$doc_v" '.properties.doctor.const | tostring == $v' \
	$S/doctor.schema.json

# ---- lists that come from abi.h and the writers --------------------------

# the X(name) entries of an X-macro list in a header, one a line
xlist() {
	sed -n "/^#define $2(X)/,/^\$/p" "$1" |
		sed -n 's/^[[:space:]]*X(\([a-z0-9_]*\).*/\1/p'
}
same_list() {
	diff <(echo "$1") <(echo "$2") > "$tmp/diff" ||
		{ sed 's/^/#   /' "$tmp/diff"; return 1; }
}
check "counts: abi.h MB_COUNTER_LIST, in order" same_list \
	"$(xlist include/mapbench/abi.h MB_COUNTER_LIST)" \
	"$(jq -r '."$defs".counts.required[]' $S/run.schema.json)"
check "calibration.units: abi.h MB_UNIT_LIST" same_list \
	"$(xlist include/mapbench/abi.h MB_UNIT_LIST)" \
	"$(jq -r '."$defs".fields.properties.calibration.properties.units.required[]' \
	   $S/run.schema.json)"
check "strategies: abi.h MB_STRATEGY_LIST's names" same_list \
	"$(sed -n '/^#define MB_STRATEGY_LIST/,/^$/p' include/mapbench/abi.h |
	   sed -n 's/^[[:space:]]*X([0-9]*, [a-z0-9_]*, "\([^"]*\)".*/\1/p')" \
	"$(jq -r '."$defs".strategy.enum[]' $S/run.schema.json)"
check "kernel_check.ops: kcheck/trace.h KC_OP_LIST" same_list \
	"$(xlist host/kcheck/trace.h KC_OP_LIST)" \
	"$(jq -r '.properties.kernel_check.properties.ops.required[]' \
	   $S/kernel-check.schema.json)"
check "calibration.code.units: abi.h MB_CODE_LIST" same_list \
	"$(xlist include/mapbench/abi.h MB_CODE_LIST)" \
	"$(jq -r '."$defs".fields.properties.calibration.properties.code.properties.units.required[]' \
	   $S/run.schema.json)"
check "explain CSV classes: analysis.h MB_XCLASS_LIST" same_list \
	"$(xlist host/analysis/analysis.h MB_XCLASS_LIST)" \
	"$(jq -r '.properties.header.const[] | select(endswith("_share_pm"))
	   | sub("_share_pm$"; "") | select(. != "residual")' $S/explain-csv.schema.json)"
check "explain CSV units: abi.h MB_UNIT_LIST and MB_CODE_LIST" same_list \
	"$(xlist include/mapbench/abi.h MB_UNIT_LIST | sed 's/^/unit_/';
	   xlist include/mapbench/abi.h MB_CODE_LIST | sed 's/^/code_/')" \
	"$(jq -r '.properties.header.const[] | select(endswith("_n"))
	   | sub("_n$"; "")' $S/explain-csv.schema.json)"

# ---- the schemas are schemas, the validator validates ---------------------

check "every schema is a valid draft 2020-12 schema" \
	$PY -c 'import json, sys, jsonschema
for f in sys.argv[1:]:
    jsonschema.Draft202012Validator.check_schema(json.load(open(f)))' \
	$S/*.schema.json

# The golden records in tests/fixtures are older writers' (no granule,
# kernel_image, cpu_features, calibration.floor.descriptors,
# kernel_check.force_bbml2) or hand-made inputs for the readers
# (a_future_field): each is checked here with the fields added since
# filled in as today's writer fills them, so a field the schema wants
# and the writer never wrote still shows; the tiers validate what
# today's binary writes.
X=tests/fixtures
# (kcheck/kc-6.1-*.jsonl predate kernel_check.guest and page_shift
# too: left out.)
jq -c '.kernel_check += {force_bbml2: false} | .kernel_check.functions //= []' $X/kcheck/map-612.json \
	$X/kcheck/map-618.json > "$tmp/kc.jsonl"
out=$($PY $SC kernel-check "$tmp/kc.jsonl")
rc=$?
check "golden kernel-check records ($(wc -l < "$tmp/kc.jsonl")) validate" \
	[ "$rc" = 0 ]
echo "$out" | sed 's/^/# /'

# ---- the negative test: each mutation must fail, naming its path --------

# mutate NAME KIND FILE JQ WANT: FILE's first record changed by JQ must
# fail validation with a line that contains WANT
mutate() {
	local name=$1 kind=$2 file=$3 f=$4 want=$5 out
	head -1 "$file" | jq -c "$f" > "$tmp/m.json" || return 1
	out=$($PY $SC "$kind" "$tmp/m.json" 2>&1)
	if [ $? = 1 ] && [[ $out == *"$want"* ]]; then
		ok "$name is refused: ${out##*m.json:1: }"
	else
		not_ok "$name is refused (got: $out)"
	fi
}
K=$tmp/kc.jsonl
check "the unmutated record validates" pyq kernel-check "$K"
mutate "kernel-check: a key removed" kernel-check "$K" \
	'del(.kernel_check.digest)' "'digest' is a required property"
mutate "kernel-check: a key renamed" kernel-check "$K" \
	'.counts.isbs = .counts.isb | del(.counts.isb)' '$.counts'
mutate "kernel-check: a wrong type" kernel-check "$K" \
	'.timing.ticks = "12"' '$.timing.ticks'
mutate "kernel-check: a wrong version" kernel-check "$K" \
	'.schema = 2' '$.schema'
mutate "kernel-check: an unknown rodata" kernel-check "$K" \
	'.rodata = "maybe"' '$.rodata'

# a run record of today's writer (the golden one's first line keeps its
# probes), so the run schema's own failures are tested without a build
R=$tmp/run.json
jq -c 'del(.matrix)' $X/explain/det-tcg-1g.jsonl | head -1 > "$R"
check "a run record validates" pyq run "$R"
mutate "run: a key removed" run "$R" 'del(.counts.tlbi_vaale1is)' \
	"'tlbi_vaale1is' is a required property"
mutate "run: a wrong type" run "$R" '.timing.ticks = 1.5' '$.timing.ticks'
mutate "run: a wrong version" run "$R" '.schema = 8' '$.schema'
mutate "run: a wrong granule" run "$R" '.granule = "8K"' '$.granule'
mutate "run: a key added" run "$R" '.timming = {}' 'timming'
mutate "run: kvm facts on a TCG record" run "$R" \
	'.kvm = {ipa_bits: 40, ipa_limit: 40, stats: null}' '$'
check "a matrix record (a run plus matrix) validates" \
	pyq matrix <(head -1 $X/explain/det-tcg-1g.jsonl |
	jq -c --slurpfile r "$R" '$r[0] + {matrix}')
mutate "matrix: matrix.point removed" matrix \
	<(jq -c --slurpfile m <(head -1 $X/explain/det-tcg-1g.jsonl) \
	  '. + {matrix: $m[0].matrix}' "$R") \
	'del(.matrix.point)' "'point' is a required property"

# the explain CSV: a golden-style file with a column dropped and a bad cell
if [ -x "${B:-build}/mapbench" ]; then
	"${B:-build}/mapbench" explain --format csv $X/explain/det-tcg-1g.jsonl \
		> "$tmp/x.csv"
	check "explain CSV validates" pyq explain-csv "$tmp/x.csv"
	cut -d, -f1-13,15- "$tmp/x.csv" > "$tmp/cut.csv"
	check "explain CSV without floor_ticks is refused" \
		bash -c "! $PY $SC explain-csv '$tmp/cut.csv' | grep -q '^ok'"
	sed '2s/,anon/,x/; 2s/^\([^,]*,[^,]*,\)[0-9]*/\1lots/' "$tmp/x.csv" \
		> "$tmp/bad.csv"
	out=$($PY $SC explain-csv "$tmp/bad.csv")
	rc=$?
	check "explain CSV with text in mem_bytes is refused at row 2" \
		[ "$rc" = 1 -a -n "$(echo "$out" | grep ':2: \$.rows\[0\].mem_bytes')" ]
fi

tier_done schema
