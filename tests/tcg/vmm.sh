# TCG-tier checks of the VMM options (sourced by tests/tcg/run.sh, with
# its $MB, $SIM, $TLM, $tmp and assert helpers): what QEMU TCG honours, what
# it refuses, and a clean SIGINT (QEMU stopped, params file removed).

vmm_tcg() {
	local j=$tmp/vmm.json t=$tmp/sig rc

	# A layout with a hole, 3 builds, prefault in the guest, the vPMU.
	if "$MB" run --accel tcg --layout 2x1G@gap=1G --iterations 3 \
		--prefault guest --pmu --json "$j" > "$tmp/out" 2> "$tmp/err"; then
		check "tcg layout 2x1G@gap=1G: two banks, verified, unit tier's map" \
			json_is "$j" '.status == "ok" and .verify.errors == 0 and
				[.ram.banks[].base] == ["0x40000000", "0xc0000000"] and
				.options.layout == "2x1G@gap=1G"'
		check "tcg layout: counts and digest equal the unit tier" \
			same_as_unit "$j" "$SIM"
		closed_form "tcg layout" "$j" "$TLM"
		check "tcg --iterations 3 --pmu --prefault guest: cold, 2 warm, cycles" \
			json_is "$j" '.timing.iterations == 3 and
				.timing.cold.ticks == .timing.ticks and
				(.timing.warm.ticks | length) == 2 and
				.timing.cold.cycles > 0 and
				(.timing.warm.cycles | length) == 2 and
				.options.prefault == "guest" and .options.pmu and
				.prefault.mode == "guest" and (.kvm | not)'
	else
		not_ok "tcg layout with options runs: $(head -1 "$tmp/err")"
	fi
	# kept for run.sh's schema check; the next run starts without it
	[ -e "$j" ] && mv "$j" "$tmp/vmm-layout.json"
	if "$MB" run --accel tcg --mem 64M --repeat 2 --json "$j" > "$tmp/out" \
		2> "$tmp/err"; then
		check "tcg --repeat 2: two records, two summary lines" \
			test "$(jq -c '.run' "$j" | tr -d '\n'):$(grep -c EMULATED "$tmp/out")" = \
			'{"index":0,"repeat":2}{"index":1,"repeat":2}:2'
	else
		not_ok "tcg --repeat 2 runs: $(head -1 "$tmp/err")"
	fi

	expect_fail "tcg refuses --backing" 1 "$j" -- "$MB" run --accel tcg --mem 64M --backing thp --json "$j"
	expect_fail "tcg refuses --cpu" 1 "$j" -- "$MB" run --accel tcg --mem 64M --cpu 0 --json "$j"
	expect_fail "tcg refuses --prefault host" 1 "$j" -- "$MB" run --accel tcg --mem 64M --prefault host --json "$j"
	expect_fail "bad layout" 1 "$j" -- "$MB" run --accel tcg --layout 0x40000000:1G,0x60000000:1G --json "$j"
	expect_fail "unknown preset" 1 "$j" -- "$MB" run --accel tcg --layout nope --json "$j"
	expect_fail "--mem with --layout" 1 "$j" -- "$MB" run --accel tcg --mem 1G --layout 1G --json "$j"
	expect_fail "--iterations 17" 1 "$j" -- "$MB" run --accel tcg --mem 1G --iterations 17 --json "$j"

	# SIGINT while QEMU runs a hanging guest: exit 130, one line, QEMU
	# gone, its params file removed, no JSON.
	mkdir -p "$t"
	TMPDIR=$t "$MB" run --accel tcg --mem 64M --inject hang --timeout 60 \
		--json "$t/sig.json" > "$tmp/out" 2> "$tmp/err" &
	local pid=$!
	sleep 2
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	check "tcg SIGINT: exit 130, one line, QEMU gone, nothing left" \
		test "$rc:$(cat "$tmp/err"):$(ls -A "$t" | wc -l):$(pgrep -fc "$t/")" = \
		"130:mapbench: interrupted by SIGINT:0:0"
}
