# cfgcheck: the host-side checker of system configs, one binary per config
# (configs/NAME.c -> build/tools/cfgcheck/NAME/cfgcheck).  hyp/build.mk runs
# it before compiling the config into the hypervisor.
# configs/broken/*.c must fail: the CHECK_CMDS entry below proves it.

CFGCHECK_OUT  := $(BUILD)/tools/cfgcheck
CFGCHECK_SRCS := tools/cfgcheck/check.c tools/cfgcheck/main.c $(PLAT_BOARD_C)
CFGCHECK_INC  := -I. -Iinclude -Itools/cfgcheck $(PLATFORM_INC)
CFGCHECK_ALL  := $(patsubst %.c,%,$(wildcard configs/*.c configs/broken/*.c))

define CFGCHECK_RULE
# Configs may include shared headers of configs/ (test-layout.h): any change re-checks them.
$(CFGCHECK_OUT)/$(patsubst configs/%,%,$(1))/cfgcheck: $(1).c $(CFGCHECK_SRCS) tools/cfgcheck/check.h include/bulkhead/config.h \
		include/bulkhead/platform.h $(PLATFORM_DIR)/plat_desc.h $(wildcard configs/*.h)
	@mkdir -p $(CFGCHECK_OUT)/$(patsubst configs/%,%,$(1))
	$(HOST_CC) $(HOST_CFLAGS) $(CFGCHECK_INC) -DCFGCHECK_NAME='"$(1).c"' \
		-o $(CFGCHECK_OUT)/$(patsubst configs/%,%,$(1))/cfgcheck $(CFGCHECK_SRCS) $(1).c
endef
$(foreach c,$(CFGCHECK_ALL),$(eval $(call CFGCHECK_RULE,$(c))))

# (written for virt's devices: not on a board with its own PLAT_CONFIGS)
CFGCHECK_BROKEN := $(if $(PLAT_CONFIGS),,$(foreach c,$(wildcard configs/broken/*.c),$(CFGCHECK_OUT)/$(patsubst configs/%.c,%,$(c))/cfgcheck))

BUILD_ALL  += $(CFGCHECK_BROKEN)
CHECK_CMDS += cfgcheck-broken-configs=tools/cfgcheck/test-broken.sh
SYSTEM_TEST_DEPS += $(CFGCHECK_BROKEN)
