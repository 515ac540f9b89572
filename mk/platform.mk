# The platform the whole build is for (docs/platforms.md):
#   make PLATFORM=virt        QEMU virt with GICv3 (default), outputs in build/
#   make PLATFORM=virt-gicv2  QEMU virt with GICv2, outputs in build/virt-gicv2/
#   make PLATFORM=zcu102      QEMU xlnx-zcu102 (GIC-400), outputs in build/zcu102/
# Each platform is described once in platform/NAME/ (docs/platforms.md):
# plat_desc.h (the board's facts, for C), board.c (them as a struct
# bh_platform, for the host tools) and platform.mk (the QEMU machine, which
# files make the board's code).

PLATFORM ?= virt
PLATFORM_DIR := platform/$(PLATFORM)
ifeq ($(wildcard $(PLATFORM_DIR)/platform.mk),)
$(error PLATFORM=$(PLATFORM): no $(PLATFORM_DIR)/platform.mk (have: $(notdir $(wildcard platform/*))))
endif
include $(PLATFORM_DIR)/platform.mk
# The GIC version picks the hypervisor's driver files: read, not retyped.
PLAT_GIC_VERSION := $(shell sed -n 's/^\#define[[:space:]]*PLAT_GIC_VERSION[[:space:]]*//p' \
	$(PLATFORM_DIR)/plat_desc.h)

# The default platform keeps build/; every other one builds in its own tree.
ifeq ($(PLATFORM),virt)
BUILD ?= build
else
BUILD ?= build/$(PLATFORM)
endif

# -I for every compiler that needs the platform's facts (plat_desc.h)
PLATFORM_INC := -I$(PLATFORM_DIR)

# The reference system `make run` starts on the board (scripts/run.sh) and
# the Linux tests boot (tests/lib/consoles.py): configs/reference.c unless
# its platform.mk names its own.
PLAT_RUN_CONFIG ?= reference

# What scripts/run.sh and tests/lib/harness.py read to start QEMU and find
# the board's devices: tools/platinfo writes it from the board's struct, and
# what only make knows of starting QEMU for the board, where platform.mk says
# it: RUN_CONFIG, QEMU_MEM and QEMU_CPU (fixed), QEMU_DTB (under BUILD),
# QEMU_SERIALS ("uart": extra serial ports are the board's UARTs),
# QEMU_NIC_MODEL and QEMU_NICS (the board's NICs, which QEMU's -nic options
# fill in this order), CONFIGS (those built).
PLATFORM_ENV := $(BUILD)/platform.env
PLATFORM_ENV_SETS := --set RUN_CONFIG=$(PLAT_RUN_CONFIG) \
	$(if $(PLAT_QEMU_MEM),--set QEMU_MEM=$(PLAT_QEMU_MEM)) \
	$(if $(PLAT_QEMU_CPU),--set QEMU_CPU=$(PLAT_QEMU_CPU)) \
	$(if $(PLAT_DTS),--set QEMU_DTB=platform.dtb) \
	$(if $(PLAT_QEMU_SERIALS),--set QEMU_SERIALS=$(PLAT_QEMU_SERIALS)) \
	$(if $(PLAT_QEMU_NIC_MODEL),--set QEMU_NIC_MODEL=$(PLAT_QEMU_NIC_MODEL) \
		--set 'QEMU_NICS=$(strip $(PLAT_QEMU_NICS))') \
	$(if $(PLAT_CONFIGS),--set 'CONFIGS=$(strip $(PLAT_CONFIGS))')

# The configs built for this platform: PLAT_CONFIGS of its platform.mk, by
# default every configs/*.c but those made for another board alone, named
# NAME-BOARD (configs/reference-zcu102.c); a board without virt's devices
# names its own.
PLATFORM_NAMES := $(patsubst platform/%/platform.mk,%,$(wildcard platform/*/platform.mk))
PLATFORM_OTHERS_CONFIGS := $(foreach p,$(filter-out $(PLATFORM),$(PLATFORM_NAMES)),%-$(p))
PLATFORM_CONFIGS := $(or $(PLAT_CONFIGS),$(filter-out $(PLATFORM_OTHERS_CONFIGS), \
	$(patsubst configs/%.c,%,$(wildcard configs/*.c))))

# A board QEMU makes no DTB for is started with the one compiled from PLAT_DTS.
ifneq ($(PLAT_DTS),)
PLATFORM_DTB := $(BUILD)/platform.dtb
$(PLATFORM_DTB): $(PLAT_DTS)
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<
endif

# Recipes (tests/run.py, scripts) see the build directory of this platform.
export BUILD PLATFORM PLAT_BOARD_C

# The build directory of platform $(1) as a sub-make for it computes it.
platform_build = $(if $(filter virt,$(1)),build,build/$(1))
