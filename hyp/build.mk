# Bulkhead hypervisor: one image per system config,
#   configs/NAME.c  ->  build/hyp/NAME/bulkhead.bin  (QEMU -kernel)
# Every .c/.S under hyp/ is linked in (the GIC engineer's files included).
# A config is checked by its host checker (tools/cfgcheck) before it is
# compiled in; a failing check fails the build.

HYP_OUT      := $(BUILD)/hyp
HYP_CONFIGS  := $(PLATFORM_CONFIGS)
HYP_LDS_SRC  := hyp/arch/aarch64/bulkhead.ld.S
# the physical GIC driver of the platform's version only (gic/gic_v2.c or gic_v3.c)
HYP_GIC_OTHER := $(if $(filter 2,$(PLAT_GIC_VERSION)),hyp/arch/aarch64/gic/gic_v3.c,hyp/arch/aarch64/gic/gic_v2.c)
# ... and the board's code and console driver (platform/NAME/platform.mk)
HYP_SRCS     := $(filter-out $(HYP_GIC_OTHER) $(HYP_LDS_SRC),$(sort $(shell find hyp -name '*.c' -o -name '*.S'))) \
		$(PLAT_HYP_SRCS)
HYP_INCLUDES := -I. -Iinclude -Ihyp/include -Ihyp/arch/aarch64/include $(PLATFORM_INC)
HYP_CFLAGS   := $(FREESTANDING_CFLAGS) -mstrict-align $(HYP_INCLUDES)
# linked at the board's load address: the script is run through cpp with plat_desc.h
HYP_LDS      := $(HYP_OUT)/bulkhead.ld

$(HYP_LDS): $(HYP_LDS_SRC) $(PLATFORM_DIR)/plat_desc.h
	@mkdir -p $(dir $@)
	$(CROSS_CC) -E -P -x c $(HYP_INCLUDES) -D__ASSEMBLY__ $< -o $@
HYP_OBJS     := $(patsubst %,$(HYP_OUT)/obj/%.o,$(HYP_SRCS))

$(HYP_OUT)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(HYP_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(HYP_OUT)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(HYP_CFLAGS) $(DEPFLAGS) -c $< -o $@

define HYP_CONFIG_RULES
$(HYP_OUT)/$(1)/config.o: configs/$(1).c $(HYP_OUT)/$(1)/cfgcheck.ok
	@mkdir -p $(HYP_OUT)/$(1)
	$(CROSS_CC) $(HYP_CFLAGS) $(DEPFLAGS) -c configs/$(1).c -o $(HYP_OUT)/$(1)/config.o

# the checker names the VM and the field; its failure stops the build.  It
# also writes the config's memory map for tests and scripts (layout).
$(HYP_OUT)/$(1)/cfgcheck.ok: $(BUILD)/tools/cfgcheck/$(1)/cfgcheck
	@mkdir -p $(HYP_OUT)/$(1)
	$(BUILD)/tools/cfgcheck/$(1)/cfgcheck --layout $(HYP_OUT)/$(1)/layout
	@touch $(HYP_OUT)/$(1)/cfgcheck.ok

$(HYP_OUT)/$(1)/bulkhead.elf: $(HYP_OBJS) $(HYP_OUT)/$(1)/config.o $(HYP_LDS)
	$(CROSS_CC) $(FREESTANDING_LDFLAGS) -Wl,--no-warn-rwx-segments -T $(HYP_LDS) -o $(HYP_OUT)/$(1)/bulkhead.elf \
		$(HYP_OBJS) $(HYP_OUT)/$(1)/config.o -lgcc

$(HYP_OUT)/$(1)/bulkhead.bin: $(HYP_OUT)/$(1)/bulkhead.elf
	$(CROSS_OBJCOPY) -O binary $(HYP_OUT)/$(1)/bulkhead.elf $(HYP_OUT)/$(1)/bulkhead.bin
endef
$(foreach c,$(HYP_CONFIGS),$(eval $(call HYP_CONFIG_RULES,$(c))))

HYP_IMAGES := $(foreach c,$(HYP_CONFIGS),$(HYP_OUT)/$(c)/bulkhead.bin)

# Host unit tests of the pure parts: tests/unit/test_hyp_*.c, each linked
# with the hypervisor sources it names in HYP_UT_SRCS_<name>.
HYP_UT_INC   := -I. -Iinclude -Ihyp/include -Ihyp/arch/aarch64/include \
		$(PLATFORM_INC) -Itools/cfgcheck
HYP_UT_NAMES := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_hyp_*.c))
HYP_UT_SRCS_test_hyp_pt  := hyp/arch/aarch64/pt.c
HYP_UT_SRCS_test_hyp_esr := hyp/arch/aarch64/esr.c
HYP_UT_SRCS_test_hyp_idregs := hyp/arch/aarch64/idregs.c
HYP_UT_SRCS_test_hyp_printf := hyp/core/printf.c
HYP_UT_SRCS_test_hyp_fdt := hyp/core/fdt.c
HYP_UT_SRCS_test_hyp_rio := hyp/core/rio_ring.c
HYP_UT_SRCS_test_hyp_cfgcheck := tools/cfgcheck/check.c $(PLAT_BOARD_C)
HYP_UT_SRCS_test_hyp_watchdog := hyp/core/sbsa_gwdt.c hyp/core/restart_limit.c
HYP_UT_SRCS_test_hyp_ctl := hyp/core/vm_ctl_regs.c
# vm.c itself is #included by the test; its formatter is linked in
HYP_UT_SRCS_test_hyp_vm_off := hyp/core/printf.c
HYP_UNIT_TESTS := $(foreach t,$(HYP_UT_NAMES),$(BUILD)/hyp/tests/$(t))

define HYP_UT_RULE
$(BUILD)/hyp/tests/$(1): tests/unit/$(1).c $(HYP_UT_SRCS_$(1))
	@mkdir -p $(BUILD)/hyp/tests
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $(HYP_UT_INC) -o $(BUILD)/hyp/tests/$(1) \
		tests/unit/$(1).c $(HYP_UT_SRCS_$(1)) $(CMOCKA_LIBS)
endef
$(foreach t,$(HYP_UT_NAMES),$(eval $(call HYP_UT_RULE,$(t))))

.PHONY: hyp
hyp: $(HYP_IMAGES)

BUILD_ALL        += $(HYP_IMAGES) $(HYP_UNIT_TESTS)
UNIT_TESTS       += $(HYP_UNIT_TESTS)
SYSTEM_TEST_DEPS += $(HYP_IMAGES)

-include $(HYP_OBJS:.o=.d) $(foreach c,$(HYP_CONFIGS),$(HYP_OUT)/$(c)/config.d)
-include $(HYP_UNIT_TESTS:=.d)

# Remote I/O: the device model runs in the backend VM.  The reference config
# boots every VM from the shell role's initramfs, so it goes in there with an
# rc.local that starts it in a VM that has remote-I/O uio nodes (the backend).
HYP_RIO_DM := $(BUILD)/dm/aarch64/bulkhead-dm
GUEST_EXTRA_shell += $(HYP_RIO_DM):/usr/bin/bulkhead-dm guest/rio/rc.local:/etc/rc.local \
	guest/rio/dm-supervise:/usr/sbin/dm-supervise guest/rio/bulkhead-console:/usr/bin/bulkhead-console
$(BUILD)/guest/initramfs-shell.cpio.gz: $(HYP_RIO_DM) guest/rio/rc.local guest/rio/dm-supervise \
	guest/rio/bulkhead-console
