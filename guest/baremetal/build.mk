# Bare-metal test guests (freestanding C at EL1, MMU off):
#   guest/baremetal/lib/   runtime (every .c/.S in it, incl. the GIC helpers)
#   guest/baremetal/NAME/  one test program -> build/guest/baremetal/NAME.bin
# Linked at BM_LINK_ADDR (default 0x40000000, override BM_LINK_ADDR_NAME),
# loaded by QEMU with -device loader,file=NAME.bin,addr=PA,force-raw=on.

BM_OUT      := $(BUILD)/guest/baremetal
BM_LIB_SRCS := $(sort $(wildcard guest/baremetal/lib/*.c guest/baremetal/lib/*.S)) \
	       hyp/core/printf.c
BM_CFLAGS   := $(FREESTANDING_CFLAGS) -mstrict-align -Iguest/baremetal/lib -Ihyp/include -Iinclude
BM_LIB_OBJS := $(patsubst %,$(BM_OUT)/obj/%.o,$(BM_LIB_SRCS))
BM_TESTS    := $(filter-out lib,$(notdir $(patsubst %/,%,$(dir $(wildcard guest/baremetal/*/*.c)))))
BM_LINK_ADDR ?= 0x40000000
# The cross-VM access probe lives clear of QEMU's RAM (PROBE_LINK_IPA, lib/bm_probe.h).
BM_LINK_ADDR_probe := 0x80000000

$(BM_OUT)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(BM_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BM_OUT)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(BM_CFLAGS) $(DEPFLAGS) -c $< -o $@

define BM_TEST_RULES
BM_OBJS_$(1) := $(patsubst %,$(BM_OUT)/obj/%.o,$(wildcard guest/baremetal/$(1)/*.c guest/baremetal/$(1)/*.S))
$(BM_OUT)/$(1).elf: $$(BM_OBJS_$(1)) $(BM_LIB_OBJS) guest/baremetal/lib/guest.ld
	$(CROSS_CC) $(FREESTANDING_LDFLAGS) -Wl,--no-warn-rwx-segments -T guest/baremetal/lib/guest.ld \
		-Wl,--defsym=BM_LINK_ADDR=$(or $(BM_LINK_ADDR_$(1)),$(BM_LINK_ADDR)) \
		-o $(BM_OUT)/$(1).elf $$(BM_OBJS_$(1)) $(BM_LIB_OBJS) -lgcc
$(BM_OUT)/$(1).bin: $(BM_OUT)/$(1).elf
	$(CROSS_OBJCOPY) -O binary $(BM_OUT)/$(1).elf $(BM_OUT)/$(1).bin
endef
$(foreach t,$(BM_TESTS),$(eval $(call BM_TEST_RULES,$(t))))

BM_IMAGES := $(foreach t,$(BM_TESTS),$(BM_OUT)/$(t).bin)
BUILD_ALL        += $(BM_IMAGES)
SYSTEM_TEST_DEPS += $(BM_IMAGES)

-include $(BM_LIB_OBJS:.o=.d) $(foreach t,$(BM_TESTS),$(BM_OBJS_$(t):.o=.d))
