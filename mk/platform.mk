# The platform the whole build is for (docs/hypervisor.md, "Platforms"):
#   make PLATFORM=virt        QEMU virt with GICv3 (default), outputs in build/
#   make PLATFORM=virt-gicv2  QEMU virt with GICv2, outputs in build/virt-gicv2/
# Each platform is described once in platform/NAME/: platform.mk (the QEMU
# machine, the GIC version) and plat_desc.h (frames and INTIDs, for C).

PLATFORM ?= virt
PLATFORM_DIR := platform/$(PLATFORM)
ifeq ($(wildcard $(PLATFORM_DIR)/platform.mk),)
$(error PLATFORM=$(PLATFORM): no $(PLATFORM_DIR)/platform.mk (have: $(notdir $(wildcard platform/*))))
endif
include $(PLATFORM_DIR)/platform.mk

# The default platform keeps build/; every other one builds in its own tree.
ifeq ($(PLATFORM),virt)
BUILD ?= build
else
BUILD ?= build/$(PLATFORM)
endif

# -I for every compiler that needs the platform's facts (plat_desc.h)
PLATFORM_INC := -I$(PLATFORM_DIR)

# What scripts/run.sh and tests/lib/harness.py read to start QEMU.
PLATFORM_ENV := $(BUILD)/platform.env
$(PLATFORM_ENV): $(PLATFORM_DIR)/platform.mk mk/platform.mk
	@mkdir -p $(dir $@)
	@printf 'PLATFORM=%s\nGIC_VERSION=%s\nQEMU_MACHINE=%s\n' '$(PLATFORM)' \
		'$(PLAT_GIC_VERSION)' '$(PLAT_QEMU_MACHINE)' > $@.tmp && mv -f $@.tmp $@

# Recipes (tests/run.py, scripts) see the build directory of this platform.
export BUILD PLATFORM

# The build directory of platform $(1) as a sub-make for it computes it.
platform_build = $(if $(filter virt,$(1)),build,build/$(1))
