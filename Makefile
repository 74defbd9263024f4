# mapbench: build the guest (aarch64, freestanding), the host VMM
# (native, and static aarch64 for the nested-KVM tier) and the tests.
#
#   make            guest ELF + host binary + unit tests
#   make run        install missing packages, run a small default sweep
#   make test       all three tiers: unit, tcg, kvm
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
HOST_LIBS	:= -lelf -ljansson -lm
SAN_FLAGS	:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all

# The guest: freestanding, no FP/SIMD (as the kernel), strict alignment
# because it runs with the MMU off first, position independent code so
# the same C runs at its physical address before the MMU is on.
GUEST_CFLAGS	:= -std=gnu11 -O2 -g $(WARN) -Iinclude -Iguest \
		   -ffreestanding -fno-builtin -nostdinc -isystem \
		   $(shell $(GUEST_CC) -print-file-name=include) \
		   -mgeneral-regs-only -mstrict-align -fpie \
		   -fvisibility=hidden -fno-stack-protector \
		   -fno-asynchronous-unwind-tables -fno-unwind-tables \
		   -mno-outline-atomics -fno-tree-loop-distribute-patterns \
		   -DMB_GUEST -MMD -MP
# Test-only variants (e.g. -DMB_INJECT_EXTRA_DSB), always in their own
# BUILD directory: see the inject-guest target.
GUEST_EXTRA_CFLAGS ?=
ifneq ($(GUEST_EXTRA_CFLAGS),)
ifeq ($(BUILD),build)
$(error GUEST_EXTRA_CFLAGS needs its own BUILD=dir, not build/)
endif
GUEST_CFLAGS	+= $(GUEST_EXTRA_CFLAGS)
endif
GUEST_LDFLAGS	:= -nostdlib -static -Wl,--no-pie -Wl,-T,guest/guest.lds \
		   -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
		   -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

GUEST_ELF	:= $(BUILD)/guest/mapbench-guest.elf
GUEST_SRCS	:= guest/entry.S guest/main.c guest/console.c \
		   guest/exception.c guest/fixmap.c guest/memblock.c \
		   guest/result.c \
		   guest/linear_map_timed.c guest/linear_map_counted.c \
		   guest/idmap.c guest/verify.c guest/string.c guest/tramp.S
GUEST_OBJS	:= $(patsubst guest/%,$(BUILD)/guest/%.o,$(GUEST_SRCS))

HOST_SRCS	:= host/main.c host/vmm.c host/memslots.c host/loader.c \
		   host/tcg.c host/record.c host/report.c host/util.c
# analysis: matrix configs and runner, statistics, report, plot, compare
HOST_SRCS	+= host/config.c host/matrix.c host/results.c host/stats.c \
		   host/table.c host/plot.c host/compare.c host/autil.c
# the VMM's host side: layouts, backing, stats, the run driver
HOST_SRCS	+= host/layout.c host/options.c host/hostinfo.c \
		   host/kvmstats.c host/esr.c host/run.c host/winexits.c
HOST_BIN	:= $(BUILD)/mapbench
HOST_ASAN	:= $(BUILD)/asan/mapbench
CROSS_BIN	:= $(BUILD)/aarch64/mapbench

UNIT_BIN	:= $(BUILD)/unit/test_linear_map $(BUILD)/unit/test_host \
		   $(BUILD)/unit/mapsim $(BUILD)/unit/test_vmm
UNIT_BIN	+= $(BUILD)/unit/test_analysis

-include $(GUEST_OBJS:.o=.d)

.PHONY: all guest host cross unit run test test-unit test-tcg test-kvm \
	deps clean bench
all: guest host unit

guest: $(GUEST_ELF)
host: $(HOST_BIN) $(HOST_ASAN)
cross: $(CROSS_BIN)
unit: $(UNIT_BIN)

GUEST_HDRS := $(wildcard guest/*.h) $(wildcard include/mapbench/*.h)
HOST_HDRS := $(wildcard host/*.h) $(wildcard include/mapbench/*.h)

$(BUILD)/guest/%.S.o: guest/%.S $(GUEST_HDRS)
	@mkdir -p $(@D)
	@echo "  AS      $@"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/guest/%.c.o: guest/%.c $(GUEST_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJS) guest/guest.lds
	@echo "  LD      $@"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) $(GUEST_OBJS) -o $@
	@scripts/check_guest.sh $@ $(BUILD)/guest/linear_map_timed.c.o

$(HOST_BIN): $(HOST_SRCS) $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) $(HOST_SRCS) -o $@ $(HOST_LIBS)

$(HOST_ASAN): $(HOST_SRCS) $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(HOST_SRCS) -o $@ $(HOST_LIBS)

# Static aarch64 build for the nested-KVM tier (and arm64 lab hosts that
# want one binary to copy around).
$(CROSS_BIN): $(HOST_SRCS) $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CROSS_CC) $(HOST_CFLAGS) -static $(HOST_SRCS) -o $@ \
		$(HOST_LIBS) -lz

# Unit tier: the guest's page-table engine built natively with simulated
# arch operations, under ASan/UBSan.
UNIT_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Iinclude -Iguest -Itests/unit \
	       -DMB_SIM $(SAN_FLAGS)
SIM_SRCS := tests/unit/sim.c tests/unit/simenv.c tests/unit/engine_sim.c \
	    guest/memblock.c
SIM_DEPS := $(SIM_SRCS) guest/engine.c tests/unit/sim.h tests/unit/simenv.h \
	    $(GUEST_HDRS)

$(BUILD)/unit/test_linear_map: tests/unit/test_linear_map.c $(SIM_DEPS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(UNIT_CFLAGS) $< $(SIM_SRCS) -o $@

# ---- Mutants: test-only builds of the engine, each with one deliberate
# mistake (#ifdef MB_MUTANT_<NAME> in guest/engine.c), with the unit
# tier's flags and warnings; tests/unit/run.sh requires each to fail
# checks.  Only the engine is rebuilt per mutant.
MUTANTS		:= lost_tlbi wrong_bit map_hole extra_window dsb_after_use \
		   tlbi_before_clear link_before_visible link_before_zero \
		   no_isb_ttbr
MUTANT_BIN	:= $(patsubst %,$(BUILD)/mutants/%/test_linear_map,$(MUTANTS))
MUTANT_COMMON	:= $(patsubst %.c,$(BUILD)/mutants/common/%.o,$(notdir \
		   tests/unit/test_linear_map.c tests/unit/sim.c \
		   tests/unit/simenv.c guest/memblock.c))

$(BUILD)/mutants/common/%.o: $(SIM_DEPS) tests/unit/test_linear_map.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(UNIT_CFLAGS) -c $(filter %/$*.c,$^) -o $@

$(BUILD)/mutants/%/engine_sim.o: tests/unit/engine_sim.c $(SIM_DEPS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(UNIT_CFLAGS) -DMB_MUTANT_$(shell echo $* | tr a-z A-Z) \
		-c $< -o $@

$(BUILD)/mutants/%/test_linear_map: $(BUILD)/mutants/%/engine_sim.o \
				    $(MUTANT_COMMON)
	@echo "  LD      $@"
	$(Q)$(CC) $(UNIT_CFLAGS) $^ -o $@

.SECONDARY: $(MUTANT_COMMON) \
	    $(patsubst %,$(BUILD)/mutants/%/engine_sim.o,$(MUTANTS))
.PHONY: mutants
mutants: $(MUTANT_BIN)
test-unit: mutants
# the real guest with a mapped hole: its verify must fail (tests/tcg)
.PHONY: mutant-guest
mutant-guest:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/mutants/guest-map_hole \
		GUEST_EXTRA_CFLAGS=-DMB_MUTANT_MAP_HOLE guest
# the tcg and kvm tiers compare every run with mapsim on its layout
test-tcg test-kvm: $(BUILD)/unit/mapsim
# ---- end of mutants

$(BUILD)/unit/mapsim: tests/unit/mapsim.c $(SIM_DEPS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(UNIT_CFLAGS) $< $(SIM_SRCS) -o $@

$(BUILD)/unit/test_host: tests/unit/test_host.c $(filter-out host/main.c,$(HOST_SRCS)) $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -DMB_UNIT_TEST tests/unit/test_host.c \
		$(filter-out host/main.c,$(HOST_SRCS)) -o $@ $(HOST_LIBS)

# The guest with one extra dsb ishst per PTE: a known regression for the
# deterministic gate (tests/tcg/matrix.sh).
.PHONY: inject-guest
inject-guest:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/inject \
		GUEST_EXTRA_CFLAGS=-DMB_INJECT_EXTRA_DSB guest

# Statistics, configs and result files; run from the source tree (it
# reads tests/fixtures/).
$(BUILD)/unit/test_analysis: tests/unit/test_analysis.c \
			     $(filter-out host/main.c,$(HOST_SRCS)) $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) tests/unit/test_analysis.c \
		$(filter-out host/main.c,$(HOST_SRCS)) -o $@ $(HOST_LIBS)

$(BUILD)/unit/test_vmm: tests/unit/test_vmm.c $(filter-out host/main.c,$(HOST_SRCS)) $(HOST_HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -DMB_UNIT_TEST tests/unit/test_vmm.c \
		$(filter-out host/main.c,$(HOST_SRCS)) -o $@ $(HOST_LIBS)

# libFuzzer harnesses (clang): the ELF loader, the result-record
# decoder, the option/layout parsers, the KVM stats decoder.
# tests/fuzz/run.sh runs each for a few seconds in the unit tier;
# `make fuzz` for FUZZ_TIME seconds each (default 300).
FUZZ_CC		?= clang
FUZZ_CFLAGS	:= -std=gnu11 -g -O1 $(WARN) -Iinclude -Ihost -D_GNU_SOURCE \
		   -DMB_VERSION='"$(VERSION)"' \
		   -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=all
FUZZ_BIN	:= $(addprefix $(BUILD)/fuzz/,fuzz_elf fuzz_record fuzz_cli \
		   fuzz_kstats)
FUZZ_TIME	?= 300

$(BUILD)/fuzz/fuzz_elf: tests/fuzz/fuzz_elf.c host/loader.c $(HOST_HDRS)
$(BUILD)/fuzz/fuzz_record: tests/fuzz/fuzz_record.c host/record.c \
			   host/esr.c $(HOST_HDRS)
$(BUILD)/fuzz/fuzz_cli: tests/fuzz/fuzz_cli.c host/layout.c host/options.c \
			host/util.c $(HOST_HDRS)
$(BUILD)/fuzz/fuzz_kstats: tests/fuzz/fuzz_kstats.c host/kvmstats.c \
			   $(HOST_HDRS)
$(FUZZ_BIN):
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(filter %.c,$^) -o $@ -lelf

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
	@$(MAKE) --no-print-directory all cross
	@scripts/test_all.sh

test-unit: unit host
	@tests/unit/run.sh

test-tcg: guest host
	@tests/tcg/run.sh

test-kvm: guest cross
	@tests/kvm/run.sh

# Benchmarks (minutes to hours; not part of make test): docs/bench/.
bench: deps
	@$(MAKE) --no-print-directory guest $(HOST_BIN)
	@scripts/bench.sh

clean:
	rm -rf $(BUILD)
