# mapbench: build the guest (aarch64, freestanding), the host VMM
# (native, and static aarch64 for the nested-KVM tier) and the tests.
#
#   make            guest ELF + host binary + unit tests
#   make run        install missing packages, run a small default sweep
#   make test       all tiers: unit, tcg, ref (real kernels), kvm, lava, pkg
#   make cross      static aarch64 host binary (build/aarch64/mapbench)

MAKEFLAGS += --no-builtin-rules
.SUFFIXES:

BUILD		?= build
ifeq ($(V),1)
Q :=
else
Q := @
endif
HOST_ARCH	:= $(shell uname -m)
# the build before the tiers uses every core (the tiers run one at a time)
NPROC		:= $(shell nproc 2>/dev/null || echo 2)
VERSION		:= $(shell git describe --always --dirty 2>/dev/null || echo unknown)
GIT_REV		:= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)

ifeq ($(HOST_ARCH),aarch64)
GUEST_CC	?= gcc
CROSS_CC	?= gcc
else
GUEST_CC	?= aarch64-linux-gnu-gcc
CROSS_CC	?= aarch64-linux-gnu-gcc
endif
CC		?= gcc

WARN		:= -Wall -Wextra -Werror
HOST_CFLAGS	:= -std=gnu11 -O2 -g $(WARN) -Iinclude -Ihost \
		   -DMB_VERSION='"$(VERSION)"' -DMB_GIT_REV='"$(GIT_REV)"' \
		   -D_GNU_SOURCE
HOST_LIBS	:= -lelf -ljansson -lz -lm
SAN_FLAGS	:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all

# The compiler's own headers (stddef.h...), asked only when the cross
# compiler is there: on a fresh machine `make run` parses this before
# deps.sh installs it, and must print nothing that looks like an error
# (the guest is built by a sub-make, after deps.sh, which asks again).
GUEST_ISYSTEM	:= $(addprefix -isystem ,$(shell command -v $(GUEST_CC) \
		   >/dev/null 2>&1 && $(GUEST_CC) -print-file-name=include))

# The guest: freestanding, no FP/SIMD (as the kernel), strict alignment
# because it runs with the MMU off first, position independent code so
# the same C runs at its physical address before the MMU is on.
# GUEST_DIR: where the guest's sources are read from; a mutant's guest
# (make mutant-guest, inject-guest) is built from a patched copy of
# guest/, always in its own BUILD directory.
GUEST_DIR	?= guest
ifneq ($(GUEST_DIR),guest)
ifeq ($(BUILD),build)
$(error GUEST_DIR=$(GUEST_DIR) needs its own BUILD=dir, not build/)
endif
endif
# -fno-var-tracking: debug info without variable locations, which for
# the engine's inlined strategies took 8 of its 13 s per object (22
# objects); the code is unchanged (GCC's debug options never change it;
# linear_map_timed.o's text was compared byte for byte with and without).
GUEST_CFLAGS	:= -std=gnu11 -O2 -g -fno-var-tracking $(WARN) -Iinclude -I$(GUEST_DIR) \
		   -ffreestanding -fno-builtin -nostdinc $(GUEST_ISYSTEM) \
		   -mgeneral-regs-only -mstrict-align -fpie \
		   -fvisibility=hidden -fno-stack-protector \
		   -fno-asynchronous-unwind-tables -fno-unwind-tables \
		   -mno-outline-atomics -fno-tree-loop-distribute-patterns \
		   -DMB_GUEST -MMD -MP
GUEST_LDFLAGS	:= -nostdlib -static -Wl,--no-pie \
		   -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
		   -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

# One guest image per granule and VA size the kernel's Kconfig offers,
# both compile-time constants as in a kernel (docs/ARCHITECTURE.md):
# $(BUILD)/guest/mapbench-guest-<4k|16k|64k>-va<N>.elf, the host picks
# one; mapbench-guest.elf is the 4K/48 one.  (4K/52 and 16K/52, LPA2:
# not yet.)
GUEST_CONFIGS	?= 4k-va39 4k-va48 4k-va52 16k-va36 16k-va47 16k-va48 16k-va52 \
		   64k-va42 64k-va48 64k-va52
guest_shift	= $(if $(filter 4k-%,$(1)),12,$(if $(filter 16k-%,$(1)),14,16))
guest_va	= $(patsubst va%,%,$(lastword $(subst -, ,$(1))))
GUEST_ELF	:= $(BUILD)/guest/mapbench-guest.elf
GUEST_ELFS	:= $(patsubst %,$(BUILD)/guest/mapbench-guest-%.elf,$(GUEST_CONFIGS))
GUEST_SRCS	:= guest/entry.S guest/main.c guest/console.c \
		   guest/exception.c guest/fixmap.c guest/memblock.c \
		   guest/result.c guest/image.c \
		   guest/linear_map_timed.c guest/linear_map_counted.c \
		   guest/idmap.c guest/verify.c guest/string.c guest/tramp.S
# kernel-check: the final map as runs on the console
GUEST_SRCS	+= guest/mapdump.c
# unit costs and the floor, after verification
GUEST_SRCS	+= guest/calibrate.c
guest_objs	= $(patsubst guest/%,$(BUILD)/guest/$(1)/%.o,$(GUEST_SRCS))
GUEST_OBJS	:= $(foreach c,$(GUEST_CONFIGS),$(call guest_objs,$(c)))

# ---- host sources, by layer (docs/ARCHITECTURE.md draws the includes) ---
# base: helpers every layer uses (no mapbench types)
HOST_BASE_SRCS	:= host/util.c host/signals.c host/child.c host/opttab.c
# where the shipped files are, from the binary's own place (make install)
HOST_BASE_SRCS	+= host/paths.c
# run side: one `mapbench run` -- options settled once, then a backend
# (host/kvm/ or tcg.c) and the JSON record; accel.c asks /dev/kvm only
# whether it is usable (no VM), for the run's default and the matrix
HOST_RUN_SRCS	:= host/layout.c host/loader.c host/record.c host/esr.c \
		   host/hostinfo.c host/options.c host/cpufeat.c host/kimage.c \
		   host/console.c host/report.c host/tcg.c host/run.c \
		   host/accel.c host/doctor.c host/config.c host/account.c
# the KVM backend: the VMM (VM, vCPU, exits), guest RAM, the vPMU, KVM's
# stats, --window-exits, and doctor's probe of /dev/kvm
HOST_KVM_SRCS	:= host/kvm/vmm.c host/kvm/memslots.c host/kvm/pmu.c \
		   host/kvm/kvmstats.c host/kvm/winexits.c host/kvm/kvm_probe.c
HOST_RUN_SRCS	+= $(HOST_KVM_SRCS)
# analysis: the matrix runner, result files, statistics, report, plot,
# compare, explain (never the VMM: tests/unit/archdoc.sh)
HOST_ANALYSIS_SRCS := host/analysis/units.c \
		   host/analysis/results.c host/analysis/stats.c \
		   host/analysis/table.c host/analysis/plot.c \
		   host/analysis/compare.c host/analysis/matrix.c \
		   host/analysis/explain.c host/analysis/fit.c \
		   host/analysis/fit_table.c
# the lab (host/lab/): LAVA jobs, the board side, results back from job
# logs
HOST_ANALYSIS_SRCS += host/lab/lava_codec.c host/lab/lava_job.c \
		   host/lab/lava_board.c host/lab/lava_results.c
# the command line on top of both
HOST_CLI_SRCS	:= host/cli.c host/main.c
# (the unit tests link the commands, so the library has cli.c, not main.c)
# kernel-check: a real kernel's map_mem() against a strategy, with the
# static arm64 /init of its symbol boot built here and embedded (blob.S):
# the command and its options, the parsers (Image, trace, gdbstub, map),
# the symbols, QEMU and the runs, the output
HOST_CMD_SRCS	:= host/kcheck/kcheck.c host/kcheck/window.c host/kcheck/opts.c \
		   host/kcheck/image.c host/kcheck/trace.c host/kcheck/rsp.c \
		   host/kcheck/map.c host/kcheck/symbols.c host/kcheck/qemu.c \
		   host/kcheck/kernel_run.c host/kcheck/guest_run.c \
		   host/kcheck/output.c host/kcheck/blob.S
KC_INIT		:= $(BUILD)/kcheck/kallsyms-init
HOST_LIB_SRCS	:= $(HOST_BASE_SRCS) $(HOST_RUN_SRCS) $(HOST_ANALYSIS_SRCS) \
		   $(HOST_CMD_SRCS)
HOST_SRCS	:= $(HOST_LIB_SRCS) $(HOST_CLI_SRCS)
HOST_LIB_SRCS	+= host/cli.c

# Objects per flavour: build/host (native), build/asan (sanitizers, for
# the tests), build/aarch64 (static, for the nested-KVM tier).  The test
# programs link the library archive of their flavour: only what they use.
host_objs	= $(patsubst host/%.S,$(BUILD)/$(1)/%.o,$(patsubst host/%.c,$(BUILD)/$(1)/%.o,$(2)))
HOST_OBJS	:= $(call host_objs,host,$(HOST_SRCS))
ASAN_OBJS	:= $(call host_objs,asan,$(HOST_SRCS))
CROSS_OBJS	:= $(call host_objs,aarch64,$(HOST_SRCS))
ASAN_LIB	:= $(BUILD)/asan/libmapbench.a
HOST_BIN	:= $(BUILD)/mapbench
HOST_ASAN	:= $(BUILD)/asan/mapbench
CROSS_BIN	:= $(BUILD)/aarch64/mapbench

UNIT_BIN	:= $(BUILD)/unit/test_linear_map $(BUILD)/unit/mapsim
# the engine per granule and VA size (the default one above is 4K/48)
UNIT_CONFIGS	:= $(filter-out 4k-va48,$(GUEST_CONFIGS))
UNIT_BIN	+= $(foreach c,$(UNIT_CONFIGS),$(BUILD)/unit/$(c)/test_linear_map \
		   $(BUILD)/unit/$(c)/mapsim)
UNIT_BIN	+= $(BUILD)/unit/test_host $(BUILD)/unit/test_runside \
		   $(BUILD)/unit/test_analysis $(BUILD)/unit/test_lava \
		   $(BUILD)/unit/test_kcheck

-include $(GUEST_OBJS:.o=.d)
-include $(HOST_OBJS:.o=.d) $(ASAN_OBJS:.o=.d) $(CROSS_OBJS:.o=.d)

.PHONY: all guest host cross unit run test test-full test-unit test-tcg test-kvm \
	deps clean bench FORCE
all: guest host unit man

guest: $(GUEST_ELFS) $(GUEST_ELF)
host: $(HOST_BIN) $(HOST_ASAN)
cross: $(CROSS_BIN)
unit: $(UNIT_BIN)

# The man pages, written by the binary from the option tables its
# parsers use (host/opttab.h), so they cannot drift from --help:
# mapbench(1), mapbench-CMD(1) for every command it lists, and the
# record format, mapbench-json(5); and the bash completion, which asks
# the binary.  SOURCE_DATE_EPOCH (the last commit's) dates them.
MAN_STAMP	:= $(BUILD)/man/.made
.PHONY: man
man: $(MAN_STAMP) $(BUILD)/completion/mapbench
$(MAN_STAMP): $(HOST_BIN) docs/mapbench-json.5
	@echo "  MAN     $(BUILD)/man"
	$(Q)rm -rf $(@D) && mkdir -p $(@D) && \
	export SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || \
		date +%s) && \
	$(HOST_BIN) help --man > $(@D)/mapbench.1 && \
	for c in $$($(HOST_BIN) help --complete -- ''); do \
		$(HOST_BIN) help --man $$c > $(@D)/mapbench-$$c.1 || exit 1; \
	done && cp docs/mapbench-json.5 $(@D)/ && touch $@
$(BUILD)/completion/mapbench: scripts/completion/mapbench
	@mkdir -p $(@D)
	$(Q)cp $< $@

GUEST_HDRS := $(wildcard guest/*.h) $(wildcard include/mapbench/*.h)

$(KC_INIT): tools/kallsyms-init.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CROSS_CC) -static -Os -std=gnu11 $(WARN) $< -o $@


# The engine and its allocator built as the reference kernels build
# them: pac-ret+leaf return-address signing (hint-space NOPs on a CPU
# without PAC or with it disabled) and ftrace's two patchable NOPs on
# every function entry, and the per-task stack protector (the canary
# at [sp_el0], guest/string.c).  The rest of the guest does without.
GUEST_KERNEL_CFLAGS := -mbranch-protection=pac-ret+leaf \
		       -fpatchable-function-entry=2 \
		       -fstack-protector-strong \
		       -mstack-protector-guard=sysreg \
		       -mstack-protector-guard-reg=sp_el0 \
		       -mstack-protector-guard-offset=16

# guest_image(config): its objects, its linker script, its ELF
define guest_image
$(BUILD)/guest/$(1)/linear_map_timed.c.o $(BUILD)/guest/$(1)/linear_map_counted.c.o \
$(BUILD)/guest/$(1)/memblock.c.o: GUEST_CFLAGS += $(GUEST_KERNEL_CFLAGS)
$(BUILD)/guest/$(1)/%.c.o $(BUILD)/guest/$(1)/%.S.o $(BUILD)/guest/$(1)/guest.lds: \
	GUEST_CFG := -DMB_PAGE_SHIFT=$(call guest_shift,$(1)) -DMB_VA_BITS=$(call guest_va,$(1))

$(BUILD)/guest/$(1)/%.c.o: $(GUEST_DIR)/%.c $(GUEST_HDRS)
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$(Q)$(GUEST_CC) $$(GUEST_CFLAGS) $$(GUEST_CFG) -c $$< -o $$@

$(BUILD)/guest/$(1)/%.S.o: $(GUEST_DIR)/%.S $(GUEST_HDRS)
	@mkdir -p $$(@D)
	@echo "  AS      $$@"
	$(Q)$(GUEST_CC) $$(GUEST_CFLAGS) $$(GUEST_CFG) -D__ASSEMBLY__ -c $$< -o $$@

$(BUILD)/guest/$(1)/guest.lds: $(GUEST_DIR)/guest.lds.S $(GUEST_HDRS)
	@mkdir -p $$(@D)
	@echo "  CPP     $$@"
	$(Q)$(GUEST_CC) -E -P -x assembler-with-cpp -D__ASSEMBLER__ -Iinclude \
		-I$(GUEST_DIR) $$(GUEST_CFG) $$< -o $$@

$(BUILD)/guest/mapbench-guest-$(1).elf: $(call guest_objs,$(1)) $(BUILD)/guest/$(1)/guest.lds
	@echo "  LD      $$@"
	$(Q)$(GUEST_CC) $$(GUEST_CFLAGS) $$(GUEST_LDFLAGS) \
		-Wl,-T,$(BUILD)/guest/$(1)/guest.lds $(call guest_objs,$(1)) -o $$@
	@scripts/check_guest.sh $$@ $(BUILD)/guest/$(1)/linear_map_timed.c.o
endef
$(foreach c,$(GUEST_CONFIGS),$(eval $(call guest_image,$(c))))

# the default image, 4K/48, under its old name
$(GUEST_ELF): $(BUILD)/guest/mapbench-guest-4k-va48.elf
	$(Q)cp $< $@

# The version is in the objects that print or record it; they are rebuilt
# when it changes (the stamp is rewritten only then).
VERSION_STAMP	:= $(BUILD)/version.txt
$(VERSION_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(VERSION) $(GIT_REV)' | cmp -s - $@ || \
		echo '$(VERSION) $(GIT_REV)' > $@
$(foreach f,host asan aarch64,$(BUILD)/$(f)/main.o $(BUILD)/$(f)/report.o \
	$(BUILD)/$(f)/analysis/matrix.o): $(VERSION_STAMP)

# kernel-check's /init, embedded: the same arm64 bytes in every flavour
$(foreach f,host asan aarch64,$(BUILD)/$(f)/kcheck/blob.o): $(KC_INIT)
$(BUILD)/host/%.o: host/%.S
	@mkdir -p $(@D)
	@echo "  AS      $@"
	$(Q)$(CC) -DKC_INIT_BLOB='"$(KC_INIT)"' -c $< -o $@

$(BUILD)/asan/%.o: host/%.S
	@mkdir -p $(@D)
	@echo "  AS      $@"
	$(Q)$(CC) -DKC_INIT_BLOB='"$(KC_INIT)"' -c $< -o $@

$(BUILD)/aarch64/%.o: host/%.S
	@mkdir -p $(@D)
	@echo "  AS      $@"
	$(Q)$(CROSS_CC) -DKC_INIT_BLOB='"$(KC_INIT)"' -c $< -o $@

$(BUILD)/host/%.o: host/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/asan/%.o: host/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/aarch64/%.o: host/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CROSS_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(HOST_BIN): $(HOST_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(HOST_OBJS) -o $@ $(HOST_LIBS)

$(HOST_ASAN): $(ASAN_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(SAN_FLAGS) $(ASAN_OBJS) -o $@ $(HOST_LIBS)

# (the Makefile too: a source added to a list must reach the archive)
$(ASAN_LIB): $(call host_objs,asan,$(HOST_LIB_SRCS)) Makefile
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $(filter %.o,$^)

# Static aarch64 build for the nested-KVM tier (and arm64 lab hosts that
# want one binary to copy around).
$(CROSS_BIN): $(CROSS_OBJS)
	@echo "  LD      $@"
	$(Q)$(CROSS_CC) -static $(CROSS_OBJS) -o $@ $(HOST_LIBS)

# Unit tier: the guest's page-table engine built natively with simulated
# arch operations, under ASan/UBSan.
# The simulator runs the trampoline's own text (guest/tramp.S, made a C
# string in tramp_S.h), not a copy of its sequence.
UNIT_CFLAGS := -std=gnu11 -O1 -g -fno-var-tracking $(WARN) -Iinclude -Iguest -Itests/unit \
	       -I$(BUILD)/unit/gen -DMB_SIM $(SAN_FLAGS)
SIM_SRCS := tests/unit/sim.c tests/unit/simenv.c tests/unit/engine_sim.c \
	    guest/memblock.c
SIM_DEPS := $(SIM_SRCS) guest/engine.c tests/unit/sim.h tests/unit/simenv.h \
	    $(GUEST_HDRS) $(BUILD)/unit/gen/tramp_S.h
# tramp_S_h(tramp.S, header): each line a string literal
define tramp_S_h
	{ echo '/* generated by make from $(1) */'; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' \
		$(1); } > $(2)
endef
$(BUILD)/unit/gen/tramp_S.h: guest/tramp.S
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)$(call tramp_S_h,$<,$@)

# test_linear_map's descriptor bits: the manual's, not guest/pgtable.h's
UNIT_DESC_HDRS := tests/unit/arm_desc.h tests/unit/arm_desc_check.h

# The simulated engine is compiled once per granule and VA size, and
# test_linear_map and mapsim of that configuration link it.
# sim_objs(config): its objects; sim_cfg(config): its -D flags (none for
# 4K/48, the default; its binaries are the ones directly in unit/).
sim_objs = $(patsubst %.c,$(BUILD)/unit/obj-$(1)/%.o,$(notdir $(SIM_SRCS)))
sim_cfg	= $(if $(filter 4k-va48,$(1)),,-DMB_PAGE_SHIFT=$(call guest_shift,$(1)) \
	  -DMB_VA_BITS=$(call guest_va,$(1)))
unit_dir = $(BUILD)/unit$(if $(filter 4k-va48,$(1)),,/$(1))

define unit_config
$(BUILD)/unit/obj-$(1)/%.o: $(SIM_DEPS)
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$(Q)$(CC) $(UNIT_CFLAGS) $(call sim_cfg,$(1)) \
		-c $$(filter %/$$*.c,$$^) -o $$@
$(call unit_dir,$(1))/test_linear_map $(call unit_dir,$(1))/mapsim: \
		$(call unit_dir,$(1))/%: tests/unit/%.c $(call sim_objs,$(1))
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$(Q)$(CC) $(UNIT_CFLAGS) $(call sim_cfg,$(1)) $$< \
		$(call sim_objs,$(1)) -o $$@
$(call unit_dir,$(1))/test_linear_map: $(UNIT_DESC_HDRS)
endef
$(foreach c,4k-va48 $(UNIT_CONFIGS),$(eval $(call unit_config,$(c))))

# ---- Mutants: test-only builds of the engine, each with one deliberate
# mistake: tests/mutants/<name>.patch, a unified diff of guest/ (its
# header says what it breaks and which kinds of check must catch it).
# make copies guest/ to $(BUILD)/mutants/<name>/guest/, applies the patch
# there (no fuzz: a patch that no longer applies stops the build with one
# line naming the mutant) and compiles that engine.c -- and its tramp.S's
# text for the simulator -- with the unit tier's flags and warnings; the
# simulator and the tests are built once for all.  tests/unit/run.sh
# requires each to fail checks of every kind its header expects.
MUTANTS		:= $(patsubst tests/mutants/%.patch,%,$(wildcard tests/mutants/*.patch))
MUTANT_BIN	:= $(patsubst %,$(BUILD)/mutants/%/test_linear_map,$(MUTANTS))
MUTANT_COMMON	:= $(patsubst %.c,$(BUILD)/mutants/common/%.o,$(notdir \
		   tests/unit/test_linear_map.c tests/unit/sim.c \
		   tests/unit/simenv.c guest/memblock.c))

patch_error = mutant $(1): tests/mutants/$(1).patch no longer applies to \
	      guest/ (see $(BUILD)/mutants/$(1)/patch.log)
# the patched copy of guest/ (the .patched stamp: copied, patched, and
# its tramp.S made text)
$(BUILD)/mutants/%/guest/.patched: tests/mutants/%.patch $(wildcard guest/*)
	@echo "  PATCH   $(@D)"
	$(Q)rm -rf $(@D) && mkdir -p $(@D) && cp guest/* $(@D)/
	$(Q)patch -p1 -F0 -N --no-backup-if-mismatch -d $(BUILD)/mutants/$* \
		< $< > $(BUILD)/mutants/$*/patch.log 2>&1 || \
		{ echo "$(call patch_error,$*)" >&2; exit 1; }
	$(Q)$(call tramp_S_h,$(@D)/tramp.S,$(@D)/tramp_S.h)
	$(Q)touch $@

$(BUILD)/mutants/common/%.o: $(SIM_DEPS) tests/unit/test_linear_map.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(UNIT_CFLAGS) -c $(filter %/$*.c,$^) -o $@

$(BUILD)/mutants/common/test_linear_map.o: $(UNIT_DESC_HDRS)

# the patched copy comes first on the include path: its engine.c and
# tramp_S.h; the headers it includes are guest/'s (copied unchanged)
$(BUILD)/mutants/%/engine_sim.o: tests/unit/engine_sim.c $(SIM_DEPS) \
				 $(BUILD)/mutants/%/guest/.patched
	@echo "  CC      $@"
	$(Q)$(CC) -I$(BUILD)/mutants/$*/guest $(UNIT_CFLAGS) -c $< -o $@

$(BUILD)/mutants/%/test_linear_map: $(BUILD)/mutants/%/engine_sim.o \
				    $(MUTANT_COMMON)
	@echo "  LD      $@"
	$(Q)$(CC) $(UNIT_CFLAGS) $^ -o $@

.SECONDARY: $(MUTANT_COMMON) \
	    $(patsubst %,$(BUILD)/mutants/%/engine_sim.o,$(MUTANTS)) \
	    $(patsubst %,$(BUILD)/mutants/%/guest/.patched,$(MUTANTS))
.PHONY: mutants
mutants: $(MUTANT_BIN)
test-unit: mutants
# the real guest built from a mutant's patched guest/ (default map_hole:
# its verify must fail, tests/tcg), in $(BUILD)/mutants/guest-<name>
MUTANT		?= map_hole
.PHONY: mutant-guest
mutant-guest: $(BUILD)/mutants/$(MUTANT)/guest/.patched
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/mutants/guest-$(MUTANT) \
		GUEST_DIR=$(BUILD)/mutants/$(MUTANT)/guest \
		GUEST_CONFIGS=4k-va48 guest
# the tcg and kvm tiers compare every run with mapsim on its layout, and
# its counts with test_linear_map --expect (the closed forms)
# ---- end of mutants

# Host unit tests, under ASan/UBSan, linked against the asan library:
# test_host (report, console, TCG backend), test_runside (layouts,
# options, host facts, KVM stats, records), test_analysis (statistics,
# configs, result files; run from the source tree: tests/fixtures/).
HOST_TESTS	:= test_host test_runside test_analysis test_lava test_kcheck
$(BUILD)/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) -Itests/unit $(SAN_FLAGS) -MMD -MP -c $< -o $@

# (test_host compares the version in the JSON with its own)
$(patsubst %,$(BUILD)/unit/%.o,$(HOST_TESTS)): $(VERSION_STAMP)
$(addprefix $(BUILD)/unit/,$(HOST_TESTS)): %: %.o $(ASAN_LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(SAN_FLAGS) $< $(ASAN_LIB) -o $@ $(HOST_LIBS)
-include $(patsubst %,$(BUILD)/unit/%.d,$(HOST_TESTS))

# The guest with one extra dsb ishst per PTE (the extra_dsb mutant): a
# known regression for the deterministic gate (tests/tcg/matrix.sh).
.PHONY: inject-guest
inject-guest: $(BUILD)/mutants/extra_dsb/guest/.patched
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/inject \
		GUEST_DIR=$(BUILD)/mutants/extra_dsb/guest \
		GUEST_CONFIGS=4k-va48 guest

# libFuzzer harnesses (clang): the ELF loader, the result-record
# decoder, the option/layout parsers, the KVM stats decoder.
# tests/fuzz/run.sh runs each for a few seconds in the unit tier;
# `make fuzz` for FUZZ_TIME seconds each (default 300).
FUZZ_CC		?= clang
FUZZ_CFLAGS	:= -std=gnu11 -g -O1 $(WARN) -Iinclude -Ihost -D_GNU_SOURCE \
		   -DMB_VERSION='"$(VERSION)"' -fno-sanitize-recover=all
FUZZ_SAN	:= address,undefined
FUZZ_BIN	:= $(addprefix $(BUILD)/fuzz/,fuzz_elf fuzz_record fuzz_cli \
		   fuzz_kstats fuzz_lava fuzz_kcheck fuzz_fit_table)
FUZZ_TIME	?= 300
fuzz_objs	= $(patsubst host/%.c,$(BUILD)/fuzz/obj/%.o,$(1))

$(BUILD)/fuzz/obj/%.o: host/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) \
		-MMD -MP -c $< -o $@
-include $(wildcard $(BUILD)/fuzz/obj/*.d $(BUILD)/fuzz/*.d)

$(BUILD)/fuzz/fuzz_elf: tests/fuzz/fuzz_elf.c \
	$(call fuzz_objs,host/loader.c $(HOST_BASE_SRCS))
$(BUILD)/fuzz/fuzz_record: tests/fuzz/fuzz_record.c \
	$(call fuzz_objs,host/record.c host/esr.c $(HOST_BASE_SRCS))
$(BUILD)/fuzz/fuzz_cli: tests/fuzz/fuzz_cli.c \
	$(call fuzz_objs,host/options.c host/cpufeat.c host/kimage.c \
		host/kcheck/image.c host/layout.c \
		host/loader.c host/record.c host/esr.c $(HOST_BASE_SRCS))
$(BUILD)/fuzz/fuzz_kstats: tests/fuzz/fuzz_kstats.c \
	$(call fuzz_objs,host/kvm/kvmstats.c $(HOST_BASE_SRCS))
$(BUILD)/fuzz/fuzz_lava: tests/fuzz/fuzz_lava.c \
	$(call fuzz_objs,host/lab/lava_results.c \
		host/lab/lava_codec.c host/cli.c $(HOST_BASE_SRCS))
$(BUILD)/fuzz/fuzz_kcheck: tests/fuzz/fuzz_kcheck.c \
	$(call fuzz_objs,host/kcheck/trace.c host/kcheck/rsp.c \
		host/kcheck/map.c $(HOST_BASE_SRCS))
$(BUILD)/fuzz/fuzz_fit_table: tests/fuzz/fuzz_fit_table.c \
	$(call fuzz_objs,host/analysis/fit_table.c $(HOST_BASE_SRCS))
$(FUZZ_BIN):
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -MMD -MP \
		$< $(filter %.o,$^) -o $@ -lelf -ljansson -lz -lm

.PHONY: fuzz fuzz-bin
fuzz-bin: $(FUZZ_BIN)

fuzz: fuzz-bin
	@tests/fuzz/run.sh $(FUZZ_TIME)

deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory guest $(HOST_BIN)
	@scripts/run_default.sh $(HOST_BIN) $(GUEST_ELF)

test: deps
	@host/lab/deps_lava.sh
	@$(MAKE) --no-print-directory -j$(NPROC) all cross mutants
	@scripts/test_all.sh

# make test with every strategy at every granule and VA size on TCG
# (make test runs every strategy at each granule's 48-bit VA).
test-full: deps
	@host/lab/deps_lava.sh
	@$(MAKE) --no-print-directory -j$(NPROC) all cross mutants
	@MB_TEST_FULL=1 scripts/test_all.sh

test-unit: unit host
	@tests/unit/run.sh

test-tcg: guest host $(BUILD)/unit/mapsim $(BUILD)/unit/test_linear_map
	@tests/tcg/run.sh

test-kvm: guest cross $(BUILD)/unit/mapsim $(BUILD)/unit/test_linear_map
	@tests/kvm/run.sh

# LAVA labs (docs/LAB.md): what a lab's job deploys besides its kernel,
# and the tier where LAVA's own dispatcher runs a generated job (root).
.PHONY: lava-bundle test-lava
lava-bundle: guest cross
	@host/lab/lava_bundle.sh -r $(BUILD)/lava

test-lava: guest host cross
	@host/lab/deps_lava.sh
	@tests/lava/run.sh

# Reference tier: real Debian kernels under kernel-check (exit 77: skip)
.PHONY: test-ref
test-ref: guest host
	@tests/ref/run.sh

# map_mem() across releases on Debian's arm64 kernels: docs/HISTORY.md
# (about a quarter of an hour; not part of make test).
.PHONY: history
history: deps guest host
	@scripts/history.sh

# Benchmarks (minutes to hours; not part of make test): docs/bench/.
bench: deps
	@$(MAKE) --no-print-directory guest $(HOST_BIN)
	@scripts/bench.sh

clean:
	rm -rf $(BUILD)

# ---- make install / make uninstall (FHS; the Debian package uses them)
# PREFIX/bin/mapbench; the guest images in PREFIX/lib/mapbench/guest/
# (aarch64 ELF loaded into a VM, never run by the host: private,
# architecture-dependent data, so lib/, not libexec/, which is for
# programs other programs execute); configs/ (the layout presets in
# it) in PREFIX/share/mapbench/configs/, the JSON schema in
# share/mapbench/schema/, README and docs/ in share/doc/mapbench/, the
# man pages and bash completion where man and bash-completion look.
# The binary finds the rest from its own place (host/paths.c), so a
# DESTDIR tree or a moved prefix works.  Man pages, completion and
# schema are installed when they exist (globbed when the rule runs).
PREFIX		?= /usr/local
DESTDIR		?=
INSTALL		?= install
MB_BINDIR	= $(DESTDIR)$(PREFIX)/bin
MB_LIBDIR	= $(DESTDIR)$(PREFIX)/lib/mapbench
MB_DATADIR	= $(DESTDIR)$(PREFIX)/share/mapbench
MB_DOCDIR	= $(DESTDIR)$(PREFIX)/share/doc/mapbench
MB_MANDIR	= $(DESTDIR)$(PREFIX)/share/man
MB_COMPDIR	= $(DESTDIR)$(PREFIX)/share/bash-completion/completions
MB_DOCS		:= README.md $(wildcard docs/*.md) $(wildcard docs/bench/*)
MB_CONFIGS	:= $(wildcard configs/*.conf)
MB_LAYOUTS	:= $(wildcard configs/layouts/*.layout)

# pkg tier: the .deb from this tree, lintian, installed into a clean
# debootstrap root (cached in ~/.cache/mapbench/root/) where run and
# doctor must work (tests/pkg/run.sh; root)
.PHONY: test-pkg
test-pkg: guest host
	@tests/pkg/run.sh

.PHONY: install uninstall host-bin
# the native binary alone, without the sanitized one (debian/rules)
host-bin: $(HOST_BIN)

install: guest $(HOST_BIN)
	@echo "  INSTALL $(DESTDIR)$(PREFIX)"
	$(Q)case '$(PREFIX)' in /*) ;; *) \
		echo "make install: PREFIX=$(PREFIX) is not an absolute path" >&2; \
		exit 1 ;; esac
	$(Q)$(INSTALL) -d $(MB_BINDIR) $(MB_LIBDIR)/guest \
		$(MB_DATADIR)/configs/layouts $(MB_DOCDIR)/bench
	$(Q)$(INSTALL) -m 0755 $(HOST_BIN) $(MB_BINDIR)/mapbench
	$(Q)$(INSTALL) -m 0644 $(GUEST_ELF) $(GUEST_ELFS) $(MB_LIBDIR)/guest/
	$(Q)$(INSTALL) -m 0644 $(MB_CONFIGS) $(MB_DATADIR)/configs/
	$(Q)$(INSTALL) -m 0644 $(MB_LAYOUTS) $(MB_DATADIR)/configs/layouts/
	$(Q)$(INSTALL) -m 0644 $(filter-out docs/bench/%,$(MB_DOCS)) $(MB_DOCDIR)/
	$(Q)$(INSTALL) -m 0644 $(filter docs/bench/%,$(MB_DOCS)) $(MB_DOCDIR)/bench/
	$(Q)set -e; for s in 1 5; do \
		for f in $(BUILD)/man/*.$$s; do \
			[ -f "$$f" ] || continue; \
			$(INSTALL) -d $(MB_MANDIR)/man$$s; \
			$(INSTALL) -m 0644 "$$f" $(MB_MANDIR)/man$$s/; \
		done; \
	done; \
	if [ -f $(BUILD)/completion/mapbench ]; then \
		$(INSTALL) -d $(MB_COMPDIR); \
		$(INSTALL) -m 0644 $(BUILD)/completion/mapbench $(MB_COMPDIR)/; \
	fi; \
	for f in schema/*.json; do \
		[ -f "$$f" ] || continue; \
		$(INSTALL) -d $(MB_DATADIR)/schema; \
		$(INSTALL) -m 0644 "$$f" $(MB_DATADIR)/schema/; \
	done

# Only what install put there: mapbench's own directories, its man
# pages (mapbench*.1, mapbench*.5), its completion; the shared
# directories (bin/, share/man/...) stay.
uninstall:
	@echo "  UNINST  $(DESTDIR)$(PREFIX)"
	$(Q)rm -f $(MB_BINDIR)/mapbench $(MB_COMPDIR)/mapbench \
		$(MB_MANDIR)/man1/mapbench*.1 $(MB_MANDIR)/man5/mapbench*.5
	$(Q)rm -rf $(MB_LIBDIR) $(MB_DATADIR) $(MB_DOCDIR)
