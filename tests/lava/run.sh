#!/bin/bash
# LAVA tier: a job from `mapbench lava-job` runs under LAVA's own
# dispatcher (lava-run from Debian's lava-dispatcher, no server), on a
# QEMU "board" whose CPU has EL2, booting Debian's arm64 kernel with
# mapbench's busybox ramdisk: the matrix runs on the board's real
# (nested) /dev/kvm.  Then:
#
#   - every generated job (several device types) passes lava-common's
#     schema, and lava-run --validate;
#   - the job finishes; each matrix point is a LAVA test case, with the
#     median in ms as its measurement when it passed;
#   - lava-results turns the job log back into records, none lost
#     (their count is LAVA's mapbench-records case), and the records'
#     medians are the test cases' measurements;
#   - `mapbench report` on them has the same points as a local run of
#     the same config (QEMU TCG here: no KVM on this x86 host), with the
#     same run counts, statuses and op counts -- not the same times:
#     nested KVM and TCG time different machines;
#   - a cut or gapped log gives one error line naming job and line.
#
# Needs root (lava-run insists) and lava-dispatcher (host/lab/deps_lava.sh,
# run by `make test-lava`).  LAVA_CONFIG=FILE runs another config
# (default tests/lava/ci.conf: the smoke matrix at 1G); LAVA_KEEP=DIR
# keeps the job, its log and the records.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${BUILD:-build}
MB=$B/mapbench
PY=/usr/bin/python3
config=${LAVA_CONFIG:-tests/lava/ci.conf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/assert.sh
keep=${LAVA_KEEP:-$tmp/keep}
mkdir -p "$keep"
t_start=$(date +%s)

stop() {
	not_ok "$*"
	tier_done lava
	exit 1
}

for f in "$MB" "$B/aarch64/mapbench" "$B/guest/mapbench-guest.elf"; do
	[ -f "$f" ] || stop "input $f exists (make host cross guest)"
done
# lava-run insists on root: as root, or through sudo
asroot=()
if [ "$(id -u)" -ne 0 ]; then
	sudo -n true 2>/dev/null ||
		stop "lava-run must run as root (or with sudo -n): it says so itself"
	asroot=(sudo -n)
fi
command -v lava-run >/dev/null &&
	$PY -c 'import lava_common.schemas' 2>/dev/null ||
	stop "lava-dispatcher installed (host/lab/deps_lava.sh)"
ok "lava-run: $(dpkg-query -W -f='lava-dispatcher ${Version}' lava-dispatcher)"

# ---- what the board gets: the lab's kernel, mapbench's ramdisk and
# bundle, served as file:// URLs (LAVA downloads them the same way)
www=$tmp/www
host/lab/lava_bundle.sh -r "$www" || stop "host/lab/lava_bundle.sh -r"
kernel=$(scripts/kvm_l1.sh -F | head -n 1)
[ -s "$kernel" ] || stop "Debian's arm64 kernel (scripts/kvm_l1.sh -F)"
urls=(--kernel-url "file://$kernel"
      --ramdisk-url "file://$www/ramdisk.cpio.gz"
      --mapbench-url "file://$www/mapbench-aarch64.tar.gz")
label="LAVA qemu nested-KVM"

check "lava-job: a job per device type" \
	"$MB" lava-job "$config" "${urls[@]}" -o "$tmp/jobs" --label "$label" \
	--device-type qemu --device-type juno-r2 --device-type synquacer \
	--tag kvm > /dev/null
# the one to run: qemu only, so the label is just the label
job=$tmp/jobs/run-qemu.yaml
"$MB" lava-job "$config" "${urls[@]}" --label "$label" > "$job" ||
	stop "lava-job wrote $job"
"$MB" lava-job "$config" "${urls[@]}" --label "$label" \
	--testdef-repo https://example.org/mapbench.git --testdef-revision v1 \
	> "$tmp/jobs/git-testdef.yaml" ||
	not_ok "lava-job --testdef-repo"

# lava-common's schema, strict, on every job written (and on the unit
# tier's golden jobs: the u-boot and git forms)
for j in "$tmp"/jobs/*.yaml tests/fixtures/lava/job-*.yaml; do
	check "schema: $(basename "$j")" $PY -c '
import sys, yaml
from lava_common.schemas import validate
validate(yaml.safe_load(open(sys.argv[1])), strict=True)' "$j"
done
# the test definition shipped in the tree is the one the jobs carry
check "lava/mapbench.yaml is what lava-job --testdef prints" \
	cmp -s lava/mapbench.yaml <("$MB" lava-job --testdef)
check "lava/mapbench.yaml: a Lava-Test Test Definition 1.0" $PY -c '
import sys, yaml
from lava_common.schemas.test import testdef
testdef.validate(yaml.safe_load(open(sys.argv[1])))' lava/mapbench.yaml

# ---- the real engine
id=$((10000 + $$ % 50000))
cp "$job" "$keep/job.yaml"
validate() {
	"${asroot[@]}" lava-run --validate --job-id "$id" \
		--output-dir "$tmp/vout" --device tests/lava/qemu-device.yaml \
		"$job" > "$tmp/validate.log" 2>&1
}
check "lava-run --validate" validate
# --validate leaves its work directory behind
"${asroot[@]}" rm -rf "/var/lib/lava/dispatcher/tmp/$id"
t0=$(date +%s)
"${asroot[@]}" lava-run --job-id "$id" --output-dir "$tmp/out" \
	--device tests/lava/qemu-device.yaml "$job" > "$keep/job.log" 2>&1
rc=$?
t_job=$(( $(date +%s) - t0 ))
echo "# lava-run: exit $rc in $t_job s"
log=$keep/job.log
check "lava-run exits 0" test "$rc" = 0
check "the job finished (LAVA's own verdict)" \
	grep -q '"lvl": "results", "msg": {"case": "job", "definition": "lava", "result": "pass"' "$log"
check "the board had /dev/kvm" grep -q '/dev/kvm present' "$log"
# the board's capabilities, as mapbench doctor found them, in the log
$PY - "$log" > "$tmp/doctor.json" <<'EOF'
import sys, yaml
for line in open(sys.argv[1]):
    if "mapbench-lava: doctor: " not in line:
        continue
    msg = yaml.safe_load(line.strip())["msg"]
    # LAVA's log escapes the console's quotes
    print(msg[msg.index("mapbench-lava: doctor: ") + 23:].replace('\\"', '"'))
    break
EOF
check "the job log has the board's doctor record: KVM usable, its vCPU, make run on KVM" \
	json_is "$tmp/doctor.json" '.doctor == 1 and .kvm.usable and
		.cpu.from == "kvm-vcpu" and .make_run.accel == "kvm"'

# LAVA's test cases of the mapbench suite: "case result measurement units"
$PY - "$log" > "$tmp/cases" <<'EOF'
import sys, yaml
for line in open(sys.argv[1]):
    line = line.strip()
    if '"lvl": "results"' not in line:
        continue
    d = yaml.safe_load(line)
    m = d["msg"]
    if not m.get("definition", "").endswith("_mapbench"):
        continue
    print(m["case"], m["result"], m.get("measurement", "-"),
          m.get("units", "-"))
EOF
sed 's/^/# LAVA: /' "$tmp/cases"

# ---- back into records
if "$MB" lava-results "$log" -o "$keep/lava.jsonl" 2> "$tmp/lr.err"; then
	ok "lava-results: $(cat "$tmp/lr.err")"
else
	stop "lava-results: $(cat "$tmp/lr.err")"
fi
nrec=$(grep -c . "$keep/lava.jsonl")
check "no record lost: $nrec records, LAVA's mapbench-records says the same" \
	grep -qx "mapbench-records pass $nrec.0 records" "$tmp/cases"

# every point a test case: the case name is the point key's values
# (docs/LAB.md); passed ones measure the median of the measured runs
check "every matrix point is a LAVA test case with its median" \
	$PY - "$keep/lava.jsonl" "$tmp/cases" "$config" "$MB" <<'EOF'
import json, re, subprocess, sys, statistics
recs = [json.loads(l) for l in open(sys.argv[1])]
cases = {}
for l in open(sys.argv[2]):
    c, r, m, u = l.split()
    cases[c] = (r, m, u)
dry = subprocess.run([sys.argv[4], "matrix", sys.argv[3], "--dry-run"],
                     capture_output=True, text=True, check=True).stdout
points = [re.match(r"\[[^]]*\] (.*) runs=", l).group(1)
          for l in dry.splitlines() if l.startswith("[")]
def name(p):
    out = []
    for t in p.split():
        for k in ("strategy=", "mem=", "rodata="):
            if t.startswith(k):
                t = t[len(k):]
        out.append(re.sub(r"[^A-Za-z0-9._-]", "-", t))
    return "_".join(out)
bad = 0
for p in points:
    n = name(p)
    mine = [r for r in recs if r["matrix"]["point"] == p]
    if n not in cases or not mine:
        print("# missing:", p, n in cases, len(mine)); bad += 1; continue
    r, m, u = cases[n]
    outs = {x["matrix"]["outcome"] for x in mine}
    want = "fail" if "failed" in outs else "skip" if "skipped" in outs else "pass"
    if r != want:
        print("# result", n, r, "want", want); bad += 1; continue
    if r == "pass":
        ms = [x["timing"]["ticks"] / x["timing"]["cntfrq"] * 1000
              for x in mine if not x["matrix"]["warmup"]]
        med = statistics.median(ms)
        if u != "ms" or abs(float(m) - med) > 0.0015:
            print("# median", n, m, u, med); bad += 1
extra = set(cases) - {name(p) for p in points} - {"mapbench-records"}
if extra:
    print("# unexpected cases:", extra); bad += 1
print("# %d points, %d LAVA cases" % (len(points), len(cases)))
sys.exit(bad != 0)
EOF

"$MB" report "$keep/lava.jsonl" > "$keep/report.txt" 2> "$tmp/rep.err"
check "report reads the returned records" test $? = 0
sed 's/^/# /' "$keep/report.txt" | head -n 40

# ---- a local run of the same config: TCG, the only accelerator here
t0=$(date +%s)
"$MB" matrix "$config" "$tmp/local" --accel tcg -q --label local \
	> /dev/null 2> "$tmp/local.err"
rc=$?
t_local=$(( $(date +%s) - t0 ))
# 3: some point failed, which the comparison below looks at
check "local matrix (tcg) ran: exit $rc in $t_local s" \
	test "$rc" = 0 -o "$rc" = 3
# Point for point: the same points (RAM, banks, strategy, rodata,
# options), the same numbers of measured runs, warm-ups, failures and
# skips -- the report's csv without host, accel and times.
shape() {
	"$MB" report "$1" --format csv |
	awk -F, 'NR > 1 { print $2, $3, $4, $5, $6, $10, $11, $12, $13, $14 }' |
	sort
}
shape "$keep/lava.jsonl" > "$tmp/shape.lava"
shape "$tmp/local" > "$tmp/shape.local"
if cmp -s "$tmp/shape.lava" "$tmp/shape.local" &&
   [ -s "$tmp/shape.lava" ]; then
	ok "report: the same $(wc -l < "$tmp/shape.lava") points, run counts and statuses as the local run"
else
	not_ok "report: points differ from the local run"
	diff "$tmp/shape.local" "$tmp/shape.lava" | head -n 10 | sed 's/^/#   /'
fi
# the op counts of every run: identical on KVM and TCG
counts() {
	jq -c 'select(.status == "ok") | [.strategy, .ram.total, .rodata,
	       .matrix.run, (.counts | to_entries | sort)]' \
		"$1" | sort
}
if cmp -s <(counts "$keep/lava.jsonl") <(counts "$tmp/local/results.jsonl"); then
	ok "op counts of every run equal the local run's"
else
	not_ok "op counts differ from the local run"
fi

# ---- logs that lost lines
rec_lines=$(grep -n 'mapbench-lava-rec ' "$log" | cut -d: -f1)
mid=$(echo "$rec_lines" | sed -n "$(( $(echo "$rec_lines" | wc -l) / 2 ))p")
head -n "$mid" "$log" > "$tmp/cut.log"
expect_fail "a truncated log: one line naming job and line" 1 "$tmp/x.jsonl" \
	-- "$MB" lava-results "$tmp/cut.log" -o "$tmp/x.jsonl"
check "  ... the job id and the line in it" \
	grep -q "^mapbench: job $id ($tmp/cut.log:$mid): " "$tmp/neg.err"
sed "${mid}d" "$log" > "$tmp/gap.log"
expect_fail "a log with a lost line in the middle" 1 "$tmp/x.jsonl" \
	-- "$MB" lava-results "$tmp/gap.log" -o "$tmp/x.jsonl"
expect_fail "the same job twice" 1 "$tmp/x.jsonl" \
	-- "$MB" lava-results "$log" "$log" -o "$tmp/x.jsonl"

echo "# tier times: lava-run $t_job s, local tcg run $t_local s, all $(( $(date +%s) - t_start )) s"
# Every record this tier wrote against schema/: the board's decoded from
# the job log (lava-results writes matrix records), the local matrix,
# and the board's doctor record
schema_valid matrix "$keep/lava.jsonl" "$tmp/local/results.jsonl"
schema_valid doctor "$tmp/doctor.json"

tier_done lava
