# KVM-tier checks of the VMM's host side (sourced by tests/kvm/run.sh,
# whose queue/run/pos/neg/json_of helpers it uses): vmm_queue adds
# commands to the single L1 boot, vmm_checks asserts on what came back.
# Numbers on nested KVM under TCG are emulated: only ratios and counts
# are asserted, never speed.

# Extra files the L1 needs: the preset the altra-2s run names.
VMM_FILES=()
for f in altra-2s m2-vm; do
	VMM_FILES+=("configs/layouts/$f.layout:/mapbench/configs/layouts/$f.layout")
done

vmm_queue() {
	# Host cost does not grow with RAM: the same rodata=on map at
	# 1G / 64G / 512G / 1T (only table pages are ever touched).
	run v-on1g --mem 1G --rodata on -v
	run v-on64g --mem 64G --rodata on -v
	run v-on512g --mem 512G --rodata on -v
	run v-on1t --mem 1T --rodata on -v
	# Layouts: two banks with a hole, the 8-bank 47-bit Altra preset.
	run v-2bank --layout 2x1G@gap=1G
	run v-altra --layout altra-2s --rodata on
	# An Apple-like 36-bit IPA limit (test hook): m2-vm fits, 64G not.
	queue v-m2 "MAPBENCH_KVM_IPA_LIMIT=36 mapbench run --accel kvm --layout m2-vm --rodata on --json /tmp/v-m2.json"
	queue v-ipa "MAPBENCH_KVM_IPA_LIMIT=36 mapbench run --accel kvm --mem 64G --json /tmp/v-ipa.json"
	# Backing: THP, hugetlb 2M from a pool set up here, 1G without one.
	run v-thp --mem 1G --backing thp
	queue v-pool "echo 48 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages && cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"
	run v-huge2m --mem 1G --backing hugetlb:2M
	run v-hugepf --mem 1G --backing hugetlb:2M --prefault host
	run v-huge1g --mem 1G --backing hugetlb:1G
	# Prefault: the cold build against the warm ones, none vs guest.
	run v-pfnone --mem 1G --iterations 3
	run v-pfguest --mem 1G --iterations 3 --prefault guest
	# ... and the exits inside the window, sampled (--window-exits).
	run v-wxnone --mem 1G --window-exits --cpu 1
	run v-wxguest --mem 1G --window-exits --prefault guest --cpu 1
	run v-pfhost --mem 1G --prefault host
	run v-pfhost1t --mem 1T --rodata on --prefault host
	# vCPU pinning, vPMU (no irqchip, and the vGICv3 path), repeats.
	run v-cpu1 --mem 64M --cpu 1
	run v-cpu9 --mem 64M --cpu 9
	run v-pmu --mem 64M --pmu --iterations 2 --cpu 1
	queue v-pmugic "MAPBENCH_PMU_IRQCHIP=vgic-v3 mapbench run --accel kvm --mem 64M --pmu --json /tmp/v-pmugic.json"
	run v-repeat --mem 64M --repeat 3 --iterations 2
	# SIGINT / SIGTERM in KVM_RUN: 130 / 143, nothing left in /tmp.
	queue v-sigint "mapbench run --accel kvm --mem 1G --inject hang --timeout 60 --json /tmp/v-sigint.json & p=\$!; sleep 2; kill -INT \$p; wait \$p; rc=\$?; ls -a /tmp | grep -v '^\\.*\$' | grep -c sigint; exit \$rc"
	queue v-sigterm "mapbench run --accel kvm --mem 1G --inject hang --timeout 60 --json /tmp/v-sigterm.json & p=\$!; sleep 2; kill -TERM \$p; wait \$p"
}

# vjson NAME JQ: the expression on NAME's record is true
vjson() {
	json_is "$(json_of "$1")" "$2"
}

# vok NAME: exit 0, a verified KVM record
vok() {
	local name=$1
	if [ "$(rc_of "$name")" != 0 ] || [ ! -f "$(json_of "$name")" ]; then
		not_ok "$name: exit $(rc_of "$name"), $(err_of "$name" | head -n1)"
		return 1
	fi
	check "$name: ok and verified on kvm" vjson "$name" \
		'.status == "ok" and .verify.errors == 0 and .digests_match and
		 .accel == "kvm"'
}

vnum() {
	jq -r "$2" "$(json_of "$1")" 2>/dev/null
}

vmm_checks() {
	local n t g j

	# ---- RSS and overhead at 1G, 64G, 512G, 1T
	for n in v-on1g v-on64g v-on512g v-on1t; do
		vok "$n" || continue
		check "$n: guest RAM RSS = tables + image block + samples" \
			vjson "$n" '.memory.rss_kb <= .memory.table_bytes / 1024
				+ 4096 + 17 * 4 + 16 and
				.memory.rss_kb >= .memory.table_bytes / 1024'
		check "$n: process peak RSS under 16 MiB (VmHWM)" \
			vjson "$n" '.memory.vm_hwm_reset and
				.memory.vm_hwm_kb < 16384 and
				.memory.vm_hwm_kb >= .memory.rss_kb'
		check "$n: stats: one HVC (PSCI off), no user MMIO" \
			vjson "$n" '.kvm.stats.vcpu.hvc_exit_stat == 1 and
				.kvm.stats.vcpu.exits > 0 and
				(.kvm.stats.vm | has("remote_tlb_flush"))'
		echo "# $n: $(vnum "$n" '"IPA \(.kvm.ipa_bits), RSS \(.memory.rss_kb) KiB (tables \(.memory.table_bytes / 1024) KiB), VmHWM \(.memory.vm_hwm_kb) KiB, set-up \(.overhead.setup_s * 1000 | floor) ms, teardown \(.overhead.teardown_s * 1000 | floor) ms, exits \(.kvm.stats.vcpu.exits)"')"
		echo "#   $(err_of "$n" | grep 'host overhead')"
	done
	g=$(json_of v-on1g)
	for n in v-on64g v-on512g v-on1t; do
		j=$(json_of "$n")
		[ -f "$g" ] && [ -f "$j" ] || continue
		check "$n: set-up and teardown within 2x + 50 ms of 1G's" \
			jq -e -n --slurpfile a "$g" --slurpfile b "$j" \
			'$b[0].overhead.setup_s < 2 * $a[0].overhead.setup_s + 0.05 and
			 $b[0].overhead.teardown_s < 2 * $a[0].overhead.teardown_s + 0.05' \
			>/dev/null
	done
	vjson v-on1t '.kvm.ipa_bits == 41' && ok "v-on1t: 41-bit IPA" ||
		not_ok "v-on1t: 41-bit IPA"

	# ---- layouts
	if vok v-2bank; then
		check "v-2bank: two memslots, 1G hole, guest mapped both" vjson v-2bank \
			'[.ram.banks[] | [.base, .size]] ==
			 [["0x40000000", 1073741824], ["0xc0000000", 1073741824]] and
			 (.memory.banks | length) == 2 and .memory.banks[1].rss_kb > 0'
		check "v-2bank: counts and digest equal the unit tier" \
			same_as_unit "$(json_of v-2bank)" "$SIM"
		closed_form v-2bank "$(json_of v-2bank)" "$TLM"
	fi
	if vok v-altra; then
		check "v-altra: 8 banks up to 0x404000000000, 47-bit IPA" vjson v-altra \
			'(.ram.banks | length) == 8 and .kvm.ipa_bits == 47 and
			 .ram.banks[7].base == "0x400100000000" and
			 .options.layout == "altra-2s"'
		check "v-altra: counts and digest equal the unit tier" \
			same_as_unit "$(json_of v-altra)" "$SIM"
		closed_form v-altra "$(json_of v-altra)" "$TLM"
	fi

	vok v-m2 && check "v-m2: 16G in a 35-bit IPA under a 36-bit limit" \
		vjson v-m2 '.kvm.ipa_bits == 35 and .kvm.ipa_limit == 36 and
			.ram.total == 17179869184'
	neg v-ipa 5 "needs a 37-bit IPA; this host's KVM allows 36 bits (at most 63 GiB of RAM at 0x40000000)"

	# ---- backing
	if vok v-thp; then
		check "v-thp: every touched 2M of guest RAM is a THP" vjson v-thp \
			'.memory.backing == "thp" and .memory.page_size == 2097152 and
			 .memory.anon_huge_kb > 0 and
			 .memory.anon_huge_kb == .memory.rss_kb'
	fi
	if vok v-huge2m; then
		check "v-huge2m: hugetlb pages only, as smaps counts them" vjson v-huge2m \
			'.memory.backing == "hugetlb:2M" and .memory.hugetlb_kb > 0 and
			 .memory.hugetlb_kb % 2048 == 0 and .memory.rss_kb == 0'
	fi
	vok v-hugepf && check "v-hugepf: prefault host in whole 2M hugetlb pages" \
		vjson v-hugepf '.prefault.bytes % 2097152 == 0 and
			.memory.hugetlb_kb * 1024 >= .prefault.bytes and
			.memory.rss_kb == 0'
	check "v-pool: 48 free 2M pages" test "$(cat "$out/cmd-$(idx v-pool).out")" = 48
	neg v-huge1g 5 '0 free 1G pages, this run may need'
	vjson v-on1g '.memory.backing == "anon" and .memory.anon_huge_kb == 0' &&
		ok "v-on1g: anon backing has no THP" || not_ok "v-on1g: anon backing has no THP"

	# ---- prefault
	if vok v-pfnone && vok v-pfguest; then
		t=$(vnum v-pfnone '.timing | "\(.cold.ticks) \(.warm.median_ticks)"')
		g=$(vnum v-pfguest '.timing | "\(.cold.ticks) \(.warm.median_ticks)"')
		echo "# prefault none:  cold $(echo $t | cut -d' ' -f1) ticks, warm median $(echo $t | cut -d' ' -f2); exits $(vnum v-pfnone .kvm.stats.vcpu.exits), tables $(vnum v-pfnone .layout.alloc_pages)"
		echo "# prefault guest: cold $(echo $g | cut -d' ' -f1) ticks, warm median $(echo $g | cut -d' ' -f2); exits $(vnum v-pfguest .kvm.stats.vcpu.exits), tables $(vnum v-pfguest .layout.alloc_pages)"
		check "prefault: whole-run exits cover every table page (faults moved, not removed)" \
			jq -e -n --slurpfile a "$(json_of v-pfnone)" \
			--slurpfile b "$(json_of v-pfguest)" \
			'[$a[0], $b[0]] | all(.kvm.stats.vcpu.exits > .layout.alloc_pages)' \
			>/dev/null
		check "prefault none: the cold build pays for first touches (cold > 1.5 x warm)" \
			vjson v-pfnone '.timing.cold.ticks > 1.5 * .timing.warm.median_ticks'
		check "prefault guest: they left the window (cold < 1.5 x warm)" \
			vjson v-pfguest '.timing.cold.ticks < 1.5 * .timing.warm.median_ticks'
	fi
	if vok v-wxnone && vok v-wxguest; then
		echo "# window exits, prefault none:  $(vnum v-wxnone '"\(.kvm.window_exits.min)..\(.kvm.window_exits.max) (\(.kvm.window_exits.samples) samples), run \(.kvm.stats.vcpu.exits), table pages \(.layout.alloc_pages)"')"
		echo "# window exits, prefault guest: $(vnum v-wxguest '"\(.kvm.window_exits.min)..\(.kvm.window_exits.max) (\(.kvm.window_exits.samples) samples), run \(.kvm.stats.vcpu.exits), table pages \(.layout.alloc_pages)"')"
		check "prefault none: every table page's stage-2 fault is in the window" \
			vjson v-wxnone '.kvm.window_exits.min >= .layout.alloc_pages'
		check "prefault guest: none of them are (window exits < tables / 4)" \
			vjson v-wxguest '.kvm.window_exits.max < .layout.alloc_pages / 4 and
				.kvm.stats.vcpu.exits > .layout.alloc_pages'
	fi
	if vok v-pfhost; then
		check "v-pfhost: image block + table region populated, guest inside it" \
			vjson v-pfhost '.prefault.mode == "host" and
				.prefault.ranges[0] == {"base": "0x40000000", "size": 4194304} and
				.prefault.bytes < 16777216 and
				.memory.rss_kb * 1024 >= .prefault.bytes'
	fi
	if vok v-pfhost1t; then
		check "v-pfhost1t: a 1T guest populates under 16 MiB" \
			vjson v-pfhost1t '.prefault.bytes < 16777216 and
				.memory.rss_kb < 20480'
		echo "# v-pfhost1t: $(vnum v-pfhost1t '"\(.prefault.bytes / 1024) KiB in \(.prefault.threads) thread(s), \(.prefault.s * 1000 | floor) ms"')"
	fi

	# ---- CPU, vPMU, repeats
	vok v-cpu1 && check "v-cpu1: the vCPU ran on CPU 1, its MIDR recorded" \
		vjson v-cpu1 '.options.cpu == 1 and .host.cpu == 1 and
			(.host.midr | startswith("0x"))'
	neg v-cpu9 1 '--cpu 9: this process may run on CPUs 0-1 only'
	vok v-pmu && check "v-pmu: PMU_V3 without an irqchip, CPU 1's PMU, cycles per build" \
		vjson v-pmu '.kvm.pmu_irqchip == "none" and .timing.cold.cycles > 0 and
			(.kvm.pmu_host | length) > 0 and .host.cpu == 1 and
			(.timing.warm.cycles | length) == 1 and .timing.warm.cycles[0] > 0'
	vok v-pmugic && check "v-pmugic: PMU_V3 with an in-kernel vGICv3" \
		vjson v-pmugic '.kvm.pmu_irqchip == "vgic-v3" and .timing.cold.cycles > 0'
	j=$(json_of v-repeat)
	if [ "$(rc_of v-repeat)" = 0 ] && [ -f "$j" ]; then
		check "v-repeat: 3 records, one a line, run 0..2, 2 iterations each" \
			test "$(jq -c '[.run.index, .run.repeat, .timing.iterations, .status]' "$j" | tr -d '\n')" = \
			'[0,3,2,"ok"][1,3,2,"ok"][2,3,2,"ok"]'
		check "v-repeat: fresh VMs (each has its own set-up)" \
			test "$(jq -s '[.[].overhead.setup_s > 0] | all' "$j")" = true
	else
		not_ok "v-repeat: exit $(rc_of v-repeat)"
	fi

	# ---- signals
	check "v-sigint: exit 130, one line, nothing left in /tmp" \
		test "$(rc_of v-sigint):$(err_of v-sigint):$(cat "$out/cmd-$(idx v-sigint).out")" = \
		"130:mapbench: interrupted by SIGINT:0"
	check "v-sigterm: exit 143, one line" \
		test "$(rc_of v-sigterm):$(err_of v-sigterm)" = \
		"143:mapbench: interrupted by SIGTERM"
	[ ! -e "$(json_of v-sigint)" ] && [ ! -e "$(json_of v-sigterm)" ] &&
		ok "signals: no JSON written" || not_ok "signals: no JSON written"
}
