# Shared helpers for the tier scripts (sourced).  Each check prints one
# "ok"/"not ok" line; tier_done prints "TIER: N passed, N failed".
pass=0
fail=0

ok() {
	pass=$((pass + 1))
	echo "ok - $*"
}

not_ok() {
	fail=$((fail + 1))
	echo "not ok - $*"
}

# check NAME CMD...: ok if CMD succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# json_is FILE JQ-EXPR: the expression must evaluate to true
json_is() {
	[ "$(jq -r "$2" "$1" 2>/dev/null)" = true ]
}

# exits NAME RC CMD...: CMD exits RC with nothing on stderr (its stdout
# in $tmp/out).  Needs $tmp.
exits() {
	local name=$1 want=$2 rc
	shift 2
	"$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ] && [ ! -s "$tmp/err" ]; then
		ok "$name: exit $rc"
	else
		not_ok "$name: exit $rc (want $want)"
		head -3 "$tmp/err" | sed 's/^/#   /'
	fi
}

# golden NAME FILE RC CMD...: CMD exits RC and its stdout equals FILE
# (UPDATE_GOLDEN=1 rewrites FILE when the exit code is right: review the
# diff before committing it).  Needs $tmp.
golden() {
	local name=$1 want=$2 rc=$3 got
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	[ -n "${UPDATE_GOLDEN:-}" ] && [ "$got" = "$rc" ] && cp "$tmp/out" "$want"
	if [ "$got" = "$rc" ] && cmp -s "$tmp/out" "$want"; then
		ok "$name (exit $got)"
	else
		not_ok "$name: exit $got (want $rc), or stdout differs from $want"
		head -3 "$tmp/err" | sed 's/^/#   /'
		diff -u "$want" "$tmp/out" | head -20 | sed 's/^/#   /'
	fi
}

# expect_fail NAME RC JSON -- CMD...: CMD exits RC, says one line on
# stderr, and leaves no JSON file behind.
expect_fail() {
	local name=$1 want=$2 json=$3 rc lines
	shift 4
	rm -f "$json"
	"$@" > "$tmp/neg.out" 2> "$tmp/neg.err"
	rc=$?
	lines=$(grep -c . "$tmp/neg.err")
	if [ "$rc" = "$want" ] && [ "$lines" = 1 ] && [ ! -e "$json" ]; then
		ok "$name: exit $rc: $(cat "$tmp/neg.err")"
	else
		not_ok "$name: exit $rc (want $want), $lines stderr lines," \
			"json $( [ -e "$json" ] && echo left || echo absent)"
		sed 's/^/#   /' "$tmp/neg.err" | head -5
	fi
}

# unit_args JSON: the layout a guest run reports, as the arguments of
# mapsim and of test_linear_map --expect, into UNIT_ARGS.
unit_args() {
	local json=$1
	UNIT_ARGS=($(jq -r '.ram.banks[] | "--bank \(.base):\(.size)"' "$json"))
	UNIT_ARGS+=(--kernel "$(jq -r '"\(.layout.kernel_start):\(.layout.kernel_end)"' "$json")")
	UNIT_ARGS+=(--image "$(jq -r '"\(.layout.image_start):\(.layout.image_end)"' "$json")")
	UNIT_ARGS+=(--rodata "$(jq -r .rodata "$json")" --strategy "$(jq -r .strategy "$json")")
	UNIT_ARGS+=(--kfence "$(jq -r '.layout.kfence_size // 0' "$json")")
	UNIT_ARGS+=(--data "$(jq -r '"\(.layout.data_start // 0):\(.layout.data_end // 0)"' "$json")")
	[ "$(jq -r '.cpu_features.block_path // false' "$json")" != true ] ||
		UNIT_ARGS+=(--bbml)
}

# unit_bin JSON BIN: BIN (build/unit/mapsim or test_linear_map) built for
# the run's granule and VA size: DIR/<4k|16k|64k>-va<N>/NAME beside the
# 4K/48 one (unless BIN is that one already).
unit_bin() {
	local json=$1 bin=$2 gv
	gv=$(jq -r '"\(.granule // "4K" | ascii_downcase)-va\(.va_bits // 48)"' "$json")
	if [ "$gv" != 4k-va48 ] &&
	   [ "$(basename "$(dirname "$bin")")" != "$gv" ]; then
		bin=$(dirname "$bin")/$gv/$(basename "$bin")
	fi
	echo "$bin"
}

# Counts and digest of a guest run must equal the unit tier's simulated
# engine on the layout the guest reports.
# A comparison that cannot run fails, and says why.
same_as_unit() {
	local json=$1 sim=$2
	if [ ! -f "$json" ]; then
		echo "# cannot compare with the unit tier: no $json"
		return 1
	fi
	sim=$(unit_bin "$json" "$sim")
	if [ ! -x "$sim" ]; then
		echo "# cannot compare with the unit tier: $sim not built (make unit)"
		return 1
	fi
	unit_args "$json"
	if ! "$sim" "${UNIT_ARGS[@]}" > "$json.unit" 2> "$json.unit.err"; then
		echo "# cannot compare with the unit tier: $sim failed: $(head -n1 "$json.unit.err")"
		return 1
	fi
	[ "$(jq -cS .counts "$json")" = "$(jq -cS .counts "$json.unit")" ] &&
	[ "$(jq -r .digest "$json")" = "$(jq -r .digest "$json.unit")" ]
}

# closed_form NAME JSON TLM: the guest's counts equal the closed forms
# test_linear_map (TLM, the 4K/48 build; the run's own granule's is
# found beside it) asserts for the layout the guest reports: test code,
# not the engine, so a guest and a simulator that agree on a wrong count
# still fail.  A point the closed forms do not cover (test_linear_map
# --expect exits 3) is neither passed nor failed: it is counted in
# no_closed_form and named.
no_closed_form=0
closed_form() {
	local name=$1 json=$2 tlm=$3 rc diff
	if [ ! -f "$json" ]; then
		not_ok "$name: counts equal the closed forms: no $json"
		return
	fi
	tlm=$(unit_bin "$json" "$tlm")
	if [ ! -x "$tlm" ]; then
		not_ok "$name: counts equal the closed forms: $tlm not built (make unit)"
		return
	fi
	unit_args "$json"
	"$tlm" --expect "${UNIT_ARGS[@]}" > "$json.closed" 2> "$json.closed.err"
	rc=$?
	case $rc in
	0)	diff=$(jq -rn --slurpfile g "$json" --slurpfile e "$json.closed" \
			'[$e[0].counts | to_entries[] |
			  select($g[0].counts[.key] != .value) |
			  "\(.key) = \($g[0].counts[.key]), expected \(.value)"] |
			 join("; ")' 2>&1)
		# the closed forms are the operation counters' (to
		# table_stores): the code-path counters after them are the
		# account's
		if [ -z "$diff" ] &&
		   [ "$(jq -r '.counts | keys | length' "$json.closed")" -gt 0 ]; then
			ok "$name: counts equal the unit tier's closed forms"
		else
			not_ok "$name: counts equal the unit tier's closed forms: ${diff:-the counters differ}"
		fi ;;
	3)	no_closed_form=$((no_closed_form + 1))
		echo "# $name: $(head -n1 "$json.closed.err")" ;;
	*)	not_ok "$name: counts equal the closed forms: $tlm --expect exit $rc: $(head -n1 "$json.closed.err")" ;;
	esac
}

# same_digest A B: both runs' JSON exist, and their maps digest equal.
# A comparison that cannot run fails, and says why.
same_digest() {
	local f a b
	for f in "$1" "$2"; do
		if [ ! -f "$f" ]; then
			echo "# cannot compare maps: no $f"
			return 1
		fi
	done
	a=$(jq -r '.digest // empty' "$1")
	b=$(jq -r '.digest // empty' "$2")
	if [ -z "$a" ] || [ -z "$b" ]; then
		echo "# cannot compare maps: no digest in $1 or $2"
		return 1
	fi
	[ "$a" = "$b" ]
}

tier_done() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# schema_valid KIND FILE...: every record in the files validates against
# schema/KIND.schema.json, one python3 for all of them (tests/schema_check.py,
# Debian's python3-jsonschema); one line with the files and records
# counted, or the first failure's file, line, JSON path and problem.
schema_valid() {
	local kind=$1 out rc
	shift
	if [ $# -eq 0 ]; then
		not_ok "schema: no $kind records to validate"
		return
	fi
	out=$(/usr/bin/python3 tests/schema_check.py "$kind" "$@" 2>&1)
	rc=$?
	if [ "$rc" = 0 ]; then
		ok "schema: ${out##*schema_check: }"
	else
		not_ok "schema: $(echo "$out" | grep -v '^ok ' | head -1)"
	fi
}
