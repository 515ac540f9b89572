# The platform the whole build is for (docs/platforms.md):
#   make PLATFORM=virt        QEMU virt with GICv3 (default), outputs in build/
#   make PLATFORM=virt-gicv2  QEMU virt with GICv2, outputs in build/virt-gicv2/
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

# What scripts/run.sh and tests/lib/harness.py read to start QEMU and find
# the board's devices: tools/platinfo writes it from the board's struct.
PLATFORM_ENV := $(BUILD)/platform.env

# Recipes (tests/run.py, scripts) see the build directory of this platform.
export BUILD PLATFORM PLAT_BOARD_C

# The build directory of platform $(1) as a sub-make for it computes it.
platform_build = $(if $(filter virt,$(1)),build,build/$(1))
