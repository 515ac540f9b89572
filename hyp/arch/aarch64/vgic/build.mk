# vGICv3 host unit tests.  The hypervisor objects themselves are built by
# hyp/build.mk (every .c under hyp/); here only the pure vgic.c is compiled
# natively against the fake arch layer in tests/unit/test_vgic_fakes.h.

VGIC_DIR       := hyp/arch/aarch64/vgic
VGIC_TEST_DIR  := $(BUILD)/vgic/tests
VGIC_TEST_INC  := -Ihyp/include -Ihyp/arch/aarch64/include -Itests/unit
VGIC_TESTS     := $(patsubst tests/unit/%.c,$(VGIC_TEST_DIR)/%,\
		    $(wildcard tests/unit/test_vgic_*.c))

$(VGIC_TEST_DIR)/test_vgic_%: tests/unit/test_vgic_%.c $(VGIC_DIR)/vgic.c \
		tests/unit/test_vgic_fakes.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $(VGIC_TEST_INC) \
		-o $@ $< $(VGIC_DIR)/vgic.c $(CMOCKA_LIBS)

UNIT_TESTS += $(VGIC_TESTS)
BUILD_ALL  += $(VGIC_TESTS)

-include $(VGIC_TESTS:=.d)
