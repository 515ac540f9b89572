# Bulkhead: static-partitioning hypervisor for Armv8-A and a VirtIO device model.
#
#   make run    install what is missing, build everything, start the reference system
#   make test   the same set-up, then every test (ends with "N passed, N failed")
#   make all    build only;  make deps  install missing Debian packages only
#   make help   more targets

.DEFAULT_GOAL := all
.SECONDEXPANSION:
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

include mk/platform.mk
include mk/toolchain.mk
BUILD_ALL        += $(PLATFORM_ENV)
SYSTEM_TEST_DEPS += $(PLATFORM_ENV)

# Every area brings its own fragment; sorted so the order never depends on the file system.
BUILD_FRAGMENTS := $(sort $(shell find . -path ./build -prune -o -name build.mk -print))
include $(BUILD_FRAGMENTS)

PYTHON ?= python3
SYSTEM_TESTS ?= tests/system
# Pass T=substring to run only the tests whose names contain it.
T ?=

.PHONY: all deps run test unit-test system-test bench soak help clean FORCE
FORCE:

# Packages first, in a make of its own: the rest of the build needs the tools it installs.
deps:
	@scripts/deps.sh

all: deps
	@$(MAKE) --no-print-directory build-all

.PHONY: build-all
build-all: $(BUILD_ALL)

run: deps
	@$(MAKE) --no-print-directory build-all
	@scripts/run.sh

# `make test` on the default platform also runs, on each platform of
# TEST_PLATFORMS_EXTRA (built in its own tree), the tests whose names contain
# one of TEST_ON_<platform>: what differs there (README, "Tests").
# `make test PLATFORM=virt-gicv2` runs the whole suite there instead.
TEST_PLATFORMS_EXTRA := $(if $(filter virt,$(PLATFORM)),virt-gicv2 zcu102)
TEST_ON_virt-gicv2 := test_hyp_irq,test_hyp_idregs,test_vgic,test_linux_reference,test_ssh_into_every_vm,test_pty_consoles
# zcu102: the bare-metal suite; what needs devices the board lacks skips, saying which;
# and its reference system (configs/reference-zcu102.c): every console, ssh into every VM,
# a frontend's reset, the consoles' device model restarted, a boot without error lines
TEST_ON_zcu102 := test_hyp_core,test_hyp_irq,test_hyp_idregs,test_hyp_memtype,test_hyp_policy
TEST_ON_zcu102 := $(TEST_ON_zcu102),test_rio_baremetal,test_baremetal_access_matrix
TEST_ON_zcu102 := $(TEST_ON_zcu102),test_three_vms_reach_shells,test_ssh_into_every_vm
TEST_ON_zcu102 := $(TEST_ON_zcu102),test_reboot_frontend1_restarts_only_it,test_pty_consoles
TEST_ON_zcu102 := $(TEST_ON_zcu102),test_hvc_only_console,test_ssh_clean_boot_prints_no_errors
TEST_ON_zcu102 := $(TEST_ON_zcu102),test_make_run_consoles_and_quit
TEST_EXTRA_ARGS := $(foreach p,$(TEST_PLATFORMS_EXTRA),--extra $(p):$(call platform_build,$(p)):$(TEST_ON_$(p)))

test: deps
	@$(MAKE) --no-print-directory build-all
	@$(foreach p,$(TEST_PLATFORMS_EXTRA),$(MAKE) --no-print-directory PLATFORM=$(p) \
		BUILD=$(call platform_build,$(p)) build-all &&) true
	@$(MAKE) --no-print-directory run-tests RUN_EXTRA="$(TEST_EXTRA_ARGS)"

.PHONY: run-tests
run-tests: $(UNIT_TESTS) $(SYSTEM_TEST_DEPS)
	@$(PYTHON) tests/run.py -k "$(T)" --unit $(UNIT_TESTS) --check $(CHECK_CMDS) --system $(SYSTEM_TESTS) \
		$(RUN_EXTRA)

# Host unit tests and checks alone: no QEMU, no guest images.
unit-test: deps
	@$(MAKE) --no-print-directory $(UNIT_TESTS)
	@$(PYTHON) tests/run.py -k "$(T)" --unit $(UNIT_TESTS) --check $(CHECK_CMDS)

system-test: deps
	@$(MAKE) --no-print-directory run-system-tests

.PHONY: run-system-tests
run-system-tests: $(SYSTEM_TEST_DEPS)
	@$(PYTHON) tests/run.py -k "$(T)" --system $(SYSTEM_TESTS)

# Figures, not pass/fail: device model throughput on the host, then the reference
# system against QEMU's own virtconsole side by side (remote I/O, boot time, idle
# CPU; BENCH_RUNS boots of each, default 3): table, $(BUILD)/bench/rio.json and
# rio.svg; then the frontends' network against QEMU's own virtio-net (TCP MiB/s and
# round trip): table and $(BUILD)/bench/net.json (docs/performance.md); then their
# disk against QEMU's own virtio-blk (IOPS, MiB/s, fdatasync latency; blk.json,
# blk.svg); console streams at once, both directions of one console and two
# consoles, against QEMU's own virtconsole (streams.json, streams.svg); in one
# boot, frontend1's hvc0 and virtio-net against its own UART and the backend's
# NIC (board.json, board.svg: the only comparison on a board whose QEMU model has
# no virtio-mmio, the ZCU102, where the others skip); the
# hypervisor's own boot time ($(BUILD)/bench/hyp-boot.json,
# docs/hypervisor.md); last how long a frontend takes from a panic, and from its
# watchdog's expiry, to its shell, over 100 restarts in a row
# ($(BUILD)/bench/recovery.json, docs/running.md "Recovery").
# The four comparisons with QEMU's own devices run in BENCH_LOAD mode: quiet (the
# host as it is), busy (one more host core kept busy by the benchmark, around each
# system's boot alike) or both (default: each run in each, side by side, with how
# much of its quiet ratio each loaded one kept; scripts/benchload.py,
# docs/performance.md "Quiet and loaded").  PLATFORM=virt-gicv2 or zcu102 measures
# there.
BENCH_LOAD ?= both
bench: deps
	@$(MAKE) --no-print-directory build-all
	@$(MAKE) --no-print-directory bench-dm
	@BUILD=$(BUILD) $(PYTHON) scripts/bench-rio.py --load $(BENCH_LOAD) $(BENCH_RUNS)
	@BUILD=$(BUILD) $(PYTHON) scripts/bench-net.py --load $(BENCH_LOAD) $(BENCH_RUNS)
	@BUILD=$(BUILD) $(PYTHON) scripts/bench-blk.py --load $(BENCH_LOAD) $(BENCH_RUNS)
	@BUILD=$(BUILD) $(PYTHON) scripts/bench-streams.py --load $(BENCH_LOAD) $(BENCH_RUNS)
	@BUILD=$(BUILD) $(PYTHON) scripts/bench-board.py --load $(BENCH_LOAD) $(BENCH_RUNS)
	@BUILD=$(BUILD) $(PYTHON) scripts/hyp-boot-time.py
	@BUILD=$(BUILD) $(PYTHON) scripts/recovery-time.py

# Both frontends stream both ways through the reference system's ptys for
# SOAK_SECONDS (default 600; make test runs the same test for 60 s), every
# byte checked by bh-stream (tests/system/test_dm_streams.py).
SOAK_SECONDS ?= 600
soak: deps
	@$(MAKE) --no-print-directory build-all
	@$(MAKE) --no-print-directory run-soak

.PHONY: run-soak
run-soak: $(SYSTEM_TEST_DEPS)
	@BH_SOAK_SECONDS=$(SOAK_SECONDS) $(PYTHON) tests/run.py -k test_soak --system $(SYSTEM_TESTS)

# Every fuzz target for longer (FUZZ_SECONDS each, default 600) than the 60 s of `make test`.
.PHONY: fuzz
fuzz: fuzz-dm fuzz-vgic

clean:
	rm -rf $(BUILD)

help:
	@sed -n '3,6p' Makefile | sed 's/^# \{0,1\}//'
	@echo "  make unit-test      host unit tests and checks only"
	@echo "  make system-test    QEMU system tests only"
	@echo "  make test T=virtcon only tests whose name contains 'virtcon'"
	@echo "  make bench          figures: device model MB/s; remote I/O, boot, idle vs QEMU virtconsole; frontend network vs QEMU virtio-net; disk vs QEMU virtio-blk; a frontend's recovery time (BENCH_RUNS=3)"
	@echo "                      each comparison quiet and with one host core busy (BENCH_LOAD=both; or quiet, busy);"
	@echo "                      PLATFORM=virt-gicv2 for virt with a GICv2"
	@echo "  make fuzz           longer fuzz runs (device model ring parser, vGIC)"
	@echo "  make soak           both frontends stream both ways for SOAK_SECONDS=600, every byte checked"
	@echo "  make clean          remove build/ (the cached guest kernel stays in $$(scripts/cache-dir.sh))"
