# dtgen: each Linux VM's device tree and QEMU's image placement, derived from
# the config the hypervisor is built from (docs/devicetree.md).
#
#   configs/NAME.c -> build/tools/dtgen/NAME/dtgen         (host tool, config linked in)
#                  -> build/dt/NAME/VM.dts, VM.dtb          (every VM with a DTB image)
#                  -> build/dt/NAME/loaders                 ("ADDR FILE" per -device loader)
#
# Which *file* is the kernel/initrd of a VM is the only thing said here
# (DTGEN_IMAGES_NAME); every address comes from the config.

DTGEN_OUT     := $(BUILD)/tools/dtgen
DTGEN_DT      := $(BUILD)/dt
DTGEN_SRCS    := tools/dtgen/dtgen.c tools/cfgcheck/check.c $(PLAT_BOARD_C)
DTGEN_HDRS    := tools/dtgen/dtgen.h tools/cfgcheck/check.h include/bulkhead/config.h \
		 include/bulkhead/platform.h $(PLATFORM_DIR)/plat_desc.h
DTGEN_INC     := -I. -Iinclude -Itools/cfgcheck -Itools/dtgen $(PLATFORM_INC)
DTC           ?= dtc

# Configs that boot Linux, and their files ('*' = every VM).
DTGEN_CONFIGS := reference
DTGEN_IMAGES_reference := '*:kernel=$(BUILD)/guest/Image' \
	'*:initrd=$(BUILD)/guest/initramfs-shell.cpio.gz'
DTGEN_DEPS_reference := $(BUILD)/guest/Image $(BUILD)/guest/initramfs-shell.cpio.gz
# the reference system of the ZCU102 (only built there: PLATFORM_CONFIGS)
DTGEN_CONFIGS += reference-zcu102
DTGEN_IMAGES_reference-zcu102 := $(DTGEN_IMAGES_reference)
DTGEN_DEPS_reference-zcu102 := $(DTGEN_DEPS_reference)
# remote I/O: the reference system with a bare-metal hostile frontend2
DTGEN_CONFIGS += test-rio-hostile
DTGEN_IMAGES_test-rio-hostile := $(DTGEN_IMAGES_reference) \
	'frontend2:kernel=$(BUILD)/guest/baremetal/rio_hostile.bin'
DTGEN_DEPS_test-rio-hostile := $(DTGEN_DEPS_reference) $(BUILD)/guest/baremetal/rio_hostile.bin
# remote I/O: device models that stop, die or start late (bulkhead.dm=off)
DTGEN_CONFIGS += test-rio-stall
DTGEN_IMAGES_test-rio-stall := $(DTGEN_IMAGES_reference)
DTGEN_DEPS_test-rio-stall := $(DTGEN_DEPS_reference)
# the access matrix on bare metal: the probe in every VM, each with its attempt
# (guest/baremetal/lib/bm_probe.h); the placeholders hold none, and
# tests/system/test_isolation_matrix.py loads its own files in their place
MATRIX_VMS := mback mfront mplain canary
MATRIX_ATTEMPTS := $(foreach v,$(MATRIX_VMS),$(BUILD)/matrix/test-matrix/$(v).attempt)
DTGEN_CONFIGS += test-matrix
DTGEN_IMAGES_test-matrix := '*:kernel=$(BUILD)/guest/baremetal/probe.bin' \
	$(foreach v,$(MATRIX_VMS),'$(v):raw=$(BUILD)/matrix/test-matrix/$(v).attempt')
DTGEN_DEPS_test-matrix := $(BUILD)/guest/baremetal/probe.bin $(MATRIX_ATTEMPTS)

# sizeof(struct probe_attempt) zero bytes: no attempt
$(MATRIX_ATTEMPTS):
	@mkdir -p $(dir $@)
	head -c 16 /dev/zero > $@

# the reference system with frontend1's faults injected as aborts
DTGEN_CONFIGS += test-linux-policy
DTGEN_IMAGES_test-linux-policy := $(DTGEN_IMAGES_reference)
DTGEN_DEPS_test-linux-policy := $(DTGEN_DEPS_reference)
# single Linux VMs of the hypervisor tests
DTGEN_CONFIGS += test-linux test-irq-linux
DTGEN_IMAGES_test-linux := $(DTGEN_IMAGES_reference)
DTGEN_DEPS_test-linux := $(DTGEN_DEPS_reference)
DTGEN_IMAGES_test-irq-linux := $(DTGEN_IMAGES_reference)
DTGEN_DEPS_test-irq-linux := $(DTGEN_DEPS_reference)

define DTGEN_RULES
$(DTGEN_OUT)/$(1)/dtgen: configs/$(1).c $(DTGEN_SRCS) tools/dtgen/main.c $(DTGEN_HDRS) $(wildcard configs/*.h)
	@mkdir -p $(DTGEN_OUT)/$(1)
	$(HOST_CC) $(HOST_CFLAGS) $(DTGEN_INC) -DDTGEN_CONFIG_NAME='"configs/$(1).c"' \
		-o $$@ $(DTGEN_SRCS) tools/dtgen/main.c configs/$(1).c

# One recipe: the VM names are known to the config (dtgen lists them in
# DIR/vms), not to make.  Every file is replaced by a rename, never deleted
# first, so a test reading the directory meanwhile sees old or new, not none.
# A VM that serves ssh gets its own host key and the authorized keys in its
# /chosen (scripts/ssh-dt.sh, guest/net/build.mk).
$(DTGEN_DT)/$(1)/loaders: $(DTGEN_OUT)/$(1)/dtgen $(DTGEN_DEPS_$(1)) $(SSH_DT_DEPS)
	@mkdir -p $(DTGEN_DT)/$(1)
	$(DTGEN_OUT)/$(1)/dtgen --out $(DTGEN_DT)/$(1) --dts $(addprefix --image ,$(DTGEN_IMAGES_$(1)))
	@for vm in $$$$(cat $(DTGEN_DT)/$(1)/vms); do \
		f=$(DTGEN_DT)/$(1)/$$$$vm; \
		scripts/ssh-dt.sh $$$$f.dts $(SSH_HOST_KEYS)/$(1)/$$$$vm $(GUEST_DROPBEAR) \
			$(SSH_AUTHORIZED) || exit 1; \
		echo "$(DTC) $$$$f.dts"; \
		$(DTC) -I dts -O dtb -o $$$$f.dtb.tmp $$$$f.dts && mv -f $$$$f.dtb.tmp $$$$f.dtb || exit 1; \
	done
	$(DTGEN_OUT)/$(1)/dtgen --out $(DTGEN_DT)/$(1) --loaders $(addprefix --image ,$(DTGEN_IMAGES_$(1)))
endef
# only those built for this platform (PLATFORM_CONFIGS, mk/platform.mk)
DTGEN_CONFIGS := $(filter $(PLATFORM_CONFIGS),$(DTGEN_CONFIGS))
$(foreach c,$(DTGEN_CONFIGS),$(eval $(call DTGEN_RULES,$(c))))

DTGEN_LOADERS := $(foreach c,$(DTGEN_CONFIGS),$(DTGEN_DT)/$(c)/loaders)

# Unit tests (cmocka, ASan+UBSan): tests/unit/test_dtgen*.c
DTGEN_UT := $(patsubst tests/unit/%.c,$(BUILD)/tools/dtgen/tests/%,$(wildcard tests/unit/test_dtgen*.c))
$(BUILD)/tools/dtgen/tests/%: tests/unit/%.c $(DTGEN_SRCS) $(DTGEN_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DTGEN_INC) -o $@ $< $(DTGEN_SRCS) $(CMOCKA_LIBS)

.PHONY: dtgen
dtgen: $(DTGEN_LOADERS)

# (they describe virt's devices: only where the reference config is built)
DTGEN_UT_BUILT   := $(if $(filter reference,$(PLATFORM_CONFIGS)),$(DTGEN_UT))
BUILD_ALL        += $(DTGEN_LOADERS) $(DTGEN_UT_BUILT)
UNIT_TESTS       += $(DTGEN_UT_BUILT)
CHECK_CMDS       += dtgen-rejects-overlap=tools/dtgen/test-overlap.sh
SYSTEM_TEST_DEPS += $(DTGEN_LOADERS)
