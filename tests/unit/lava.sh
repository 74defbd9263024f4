#!/bin/bash
# Unit tier, the LAVA side through the CLI, without LAVA: the jobs
# `mapbench lava-job` writes against golden YAML, the shipped test
# definition, option errors; `mapbench lava-results` on job logs captured
# from a real lava-run (tests/fixtures/lava/README) in the forms a lab
# hands out, merged jobs, and cut ones; `lava-board` with a stand-in
# lava-test-case and matrix runner.  UPDATE_GOLDEN=1 rewrites the golden
# files (review the diff before committing it).
set -u
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
MB=${MAPBENCH:-$B/asan/mapbench}
L=tests/fixtures/lava
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/assert.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1


# one_error NAME RC PATTERN CMD...: exit RC, one stderr line matching
one_error() {
	local name=$1 want=$2 pat=$3 rc
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ] && [ "$(grep -c . "$tmp/err")" = 1 ] &&
	   grep -q -- "$pat" "$tmp/err"; then
		ok "$name: exit $rc: $(cat "$tmp/err")"
	else
		not_ok "$name: exit $rc (want $want): $(head -2 "$tmp/err")"
		echo "#   want: $pat"
	fi
}

urls=(--kernel-url https://lab.example/arm64/vmlinuz
      --ramdisk-url https://lab.example/arm64/ramdisk.cpio.gz
      --mapbench-url https://lab.example/mapbench/mapbench-aarch64.tar.gz)

# ---- lava-job
golden "lava-job: qemu (tmpfs, mapbench as an overlay)" "$L/job-qemu.yaml" 0 \
	"$MB" lava-job "$L/mixed.conf" "${urls[@]}" --label "Ampere Altra VM"
golden "lava-job: a u-boot board (tftp, the test shell fetches mapbench)" \
	"$L/job-juno-r2.yaml" 0 \
	"$MB" lava-job "$L/mixed.conf" "${urls[@]}" --device-type juno-r2 \
	--dtb-url https://lab.example/arm64/juno-r2.dtb --tag kvm \
	--tag hugepages --test-timeout 30 --priority high
golden "lava-job: the test definition from git" "$L/job-git.yaml" 0 \
	"$MB" lava-job "$L/mixed.conf" "${urls[@]}" --device-type synquacer \
	--boot grub --testdef-repo https://git.example/mapbench.git \
	--testdef-revision v1.0 --job-name "mapbench nightly" \
	--kernel-args "console=ttyAMA0,115200 hugepages=16"
golden "lava/mapbench.yaml is lava-job --testdef" lava/mapbench.yaml 0 \
	"$MB" lava-job --testdef
"$MB" lava-job "$L/mixed.conf" "${urls[@]}" --device-type qemu \
	--device-type juno-r2 --label Lab -o "$tmp/jobs" > "$tmp/list"
check "lava-job -o: one file per device type, labels kept apart" \
	test "$(grep -h "^ *MB_LABEL:" "$tmp"/jobs/*.yaml | sort | tr -s ' ' |
		tr '\n' '|')" = " MB_LABEL: 'Lab juno-r2'| MB_LABEL: 'Lab qemu'|"
check "lava-job -o: prints what it wrote" \
	test "$(cat "$tmp/list")" = "$tmp/jobs/mapbench-mixed-qemu.yaml
$tmp/jobs/mapbench-mixed-juno-r2.yaml"
one_error "lava-job: URLs are needed" 1 "needs --kernel-url" \
	"$MB" lava-job "$L/mixed.conf"
one_error "lava-job: a bad config is the config's error" 1 \
	"x.conf:1: unknown key 'strateg'" \
	sh -c 'printf "strateg = base\nmem = 1G\n" > "$1/x.conf" &&
	       exec "$2" lava-job "$1/x.conf"' sh "$tmp" "$MB"
one_error "lava-job: several device types need -o" 1 "give -o DIR" \
	"$MB" lava-job "$L/mixed.conf" "${urls[@]}" --device-type a \
	--device-type b
one_error "lava-job: a device type name" 1 "not a LAVA device type" \
	"$MB" lava-job "$L/mixed.conf" "${urls[@]}" --device-type 'a b'
one_error "lava-job: no control characters in values" 1 "control" \
	"$MB" lava-job "$L/mixed.conf" "${urls[@]}" --job-name "$(printf 'a\tb')"
one_error "lava-job: qemu boots tmpfs only" 1 "goes with" \
	"$MB" lava-job "$L/mixed.conf" "${urls[@]}" --deploy tftp --boot qemu

# ---- lava-results on captured logs
# the real lava-run log, its records, and the report on them
golden "lava-results: a lava-run log (pass, skip, fail)" "$L/mixed.jsonl" 0 \
	"$MB" lava-results "$L/mixed-lava-run.log"
check "  ... says how many, per job" \
	grep -qx "mapbench: job 7 ($L/mixed-lava-run.log): 4 records" "$tmp/err"
golden "report on the returned records" "$L/mixed-report.txt" 0 \
	"$MB" report "$L/mixed.jsonl"
# the server's stored form (`lavacli jobs logs --raw`): "- " lines
sed 's/^/- /' "$L/mixed-lava-run.log" > "$tmp/raw.log"
golden "lava-results: the server's raw form" "$L/mixed.jsonl" 0 \
	"$MB" lava-results "$tmp/raw.log"
# plain text (`lavacli jobs logs`, a console capture)
golden "lava-results: plain text" "$L/mixed.jsonl" 0 \
	"$MB" lava-results "$L/mixed-text.log"
# several jobs: their records one after the other, each job's host apart
"$MB" lava-results "$L/mixed-lava-run.log" "$L/mini-lava-run.log" \
	-o "$tmp/merged.jsonl" 2> "$tmp/err"
check "lava-results: two jobs merge" \
	test "$(grep -c . "$tmp/merged.jsonl")" = 8
"$MB" lava-results --by-job "$L/mixed-lava-run.log" "$L/mini-lava-run.log" \
	-o "$tmp/byjob.jsonl" 2> "$tmp/err"
check "lava-results --by-job: LABEL #JOB" \
	test "$(jq -r .matrix.host "$tmp/byjob.jsonl" | sort -u | tr '\n' '|')" = \
	"qemu-lava-a #7|qemu-lava-b #8|"
golden "report across two jobs" "$L/merged-report.txt" 0 \
	"$MB" report "$tmp/merged.jsonl"
one_error "a truncated log: job and line" 1 \
	"^mapbench: job 7 ($L/mixed-truncated.log:570): the log ends inside the records (after record 2 of 4, begun at line 523): a truncated log$" \
	"$MB" lava-results "$L/mixed-lava-run.log" "$L/mixed-truncated.log"
check "  ... and no output file" test ! -e "$tmp/none.jsonl"
one_error "the same job twice" 1 "job 7 .* is given twice" \
	"$MB" lava-results "$L/mixed-lava-run.log" "$tmp/raw.log"
one_error "a log without records" 1 "no mapbench records" \
	"$MB" lava-results "$L/job-qemu.yaml"

# ---- lava-board with stand-ins for LAVA's lava-test-case and the runs
mkdir -p "$tmp/bin"
cat > "$tmp/bin/lava-test-case" <<'EOF'
#!/bin/sh
echo "CASE $*" >> "$CASES"
EOF
chmod +x "$tmp/bin/lava-test-case"
# fake-run.sh: base runs, v6.10 fails, idmap cannot run here (skip)
printf 'strategy = base v6.10 idmap\nmem = 1G 4G\nrepeat = 2\nwarmup = 1\n' \
	> "$tmp/b.conf"
PATH=$tmp/bin:$PATH CASES=$tmp/cases \
	MAPBENCH_MATRIX_RUN=tests/unit/fake-run.sh \
	"$MB" lava-board "$tmp/b.conf" "$tmp/bout" --label board \
	> "$tmp/board.out" 2> "$tmp/board.err"
check "lava-board: exit 0" test $? = 0
check "lava-board: a case per point, then the records count" \
	test "$(cut -d' ' -f2,4 "$tmp/cases" | tr '\n' ' ')" = \
	"base_1G_full pass v6.10_1G_full fail idmap_1G_full skip base_4G_full pass v6.10_4G_full fail idmap_4G_full skip mapbench-records pass "
check "lava-board: medians in ms" \
	grep -q '^CASE base_1G_full --result pass --measurement [0-9.]* --units ms$' "$tmp/cases"
check "lava-board: 10 records out" \
	grep -qx "CASE mapbench-records --result pass --measurement 10.000 --units records" "$tmp/cases"
"$MB" lava-results "$tmp/board.out" > "$tmp/back.jsonl" 2> "$tmp/err"
check "lava-board -> lava-results: the records, byte for byte" \
	cmp -s "$tmp/back.jsonl" "$tmp/bout/results.jsonl"

# two points whose names LAVA cannot tell apart: the later is numbered
printf 'strategy = base\nmem = 1G\nbacking = x:y x-y\n' > "$tmp/d.conf"
: > "$tmp/cases"
PATH=$tmp/bin:$PATH CASES=$tmp/cases \
	MAPBENCH_MATRIX_RUN=tests/unit/fake-run.sh \
	"$MB" lava-board "$tmp/d.conf" "$tmp/dout" > /dev/null 2>&1
check "lava-board: names made unique" \
	test "$(cut -d' ' -f2 "$tmp/cases" | tr '\n' ' ')" = \
	"base_1G_full_backing-x-y base_1G_full_backing-x-y-2 mapbench-records "

tier_done "lava CLI"
