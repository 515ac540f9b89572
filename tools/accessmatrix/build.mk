# accessmatrix: the cross-VM access matrix of a config (docs/isolation.md).
#
#   configs/NAME.c -> build/tools/accessmatrix/NAME/accessmatrix  (host tool, config linked in)
#                  -> build/matrix/NAME/targets                   (every address each VM must
#                                                                  not reach, read by the tests)

AM_OUT     := $(BUILD)/tools/accessmatrix
AM_MATRIX  := $(BUILD)/matrix
AM_SRCS    := tools/accessmatrix/matrix.c tools/cfgcheck/check.c $(PLAT_BOARD_C)
AM_HDRS    := tools/accessmatrix/matrix.h tools/cfgcheck/check.h include/bulkhead/config.h \
	      include/bulkhead/rio.h include/bulkhead/platform.h $(PLATFORM_DIR)/plat_desc.h
AM_INC     := -I. -Iinclude -Itools/cfgcheck -Itools/accessmatrix $(PLATFORM_INC)
# The configs whose matrix a system test attempts.
AM_CONFIGS := $(filter $(PLATFORM_CONFIGS),reference test-matrix)

define AM_RULES
$(AM_OUT)/$(1)/accessmatrix: configs/$(1).c $(AM_SRCS) tools/accessmatrix/main.c $(AM_HDRS) $(wildcard configs/*.h)
	@mkdir -p $(AM_OUT)/$(1)
	$(HOST_CC) $(HOST_CFLAGS) $(AM_INC) -DAM_CONFIG_NAME='"configs/$(1).c"' \
		-o $$@ $(AM_SRCS) tools/accessmatrix/main.c configs/$(1).c

$(AM_MATRIX)/$(1)/targets: $(AM_OUT)/$(1)/accessmatrix
	@mkdir -p $(AM_MATRIX)/$(1)
	$(AM_OUT)/$(1)/accessmatrix --out $$@
endef
$(foreach c,$(AM_CONFIGS),$(eval $(call AM_RULES,$(c))))

AM_TARGETS := $(foreach c,$(AM_CONFIGS),$(AM_MATRIX)/$(c)/targets)

# Unit tests (cmocka, ASan+UBSan): tests/unit/test_accessmatrix.c, with the reference config
AM_UT := $(BUILD)/tools/accessmatrix/tests/test_accessmatrix
$(AM_UT): tests/unit/test_accessmatrix.c $(AM_SRCS) $(AM_HDRS) configs/reference.c $(wildcard configs/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(AM_INC) -o $@ $< $(AM_SRCS) configs/reference.c \
		$(CMOCKA_LIBS)

.PHONY: accessmatrix
accessmatrix: $(AM_TARGETS)

# (a test of the reference config: only where it is built)
AM_UT_BUILT      := $(if $(filter reference,$(PLATFORM_CONFIGS)),$(AM_UT))
BUILD_ALL        += $(AM_TARGETS) $(AM_UT_BUILT)
UNIT_TESTS       += $(AM_UT_BUILT)
SYSTEM_TEST_DEPS += $(AM_TARGETS)
