# vGICv3 host tests.  The hypervisor objects themselves are built by
# hyp/build.mk (every .c under hyp/); here only the pure vgic.c is compiled
# natively against fake arch layers:
#   tests/unit/test_vgic_*.c   cmocka tests (fakes: test_vgic_fakes.h)
#   tests/unit/test_vgic_fuzz.c  libFuzzer target, run as a CHECK_CMDS entry

VGIC_DIR       := hyp/arch/aarch64/vgic
VGIC_TEST_DIR  := $(BUILD)/vgic/tests
VGIC_TEST_INC  := -Ihyp/include -Ihyp/arch/aarch64/include -Itests/unit
VGIC_TESTS     := $(patsubst tests/unit/%.c,$(VGIC_TEST_DIR)/%,\
		    $(filter-out tests/unit/test_vgic_fuzz.c,\
		    $(wildcard tests/unit/test_vgic_*.c)))
VGIC_FUZZ      := $(BUILD)/vgic/fuzz/fuzz_vgic

$(VGIC_TEST_DIR)/test_vgic_%: tests/unit/test_vgic_%.c $(VGIC_DIR)/vgic.c \
		tests/unit/test_vgic_fakes.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $(VGIC_TEST_INC) \
		-o $@ $< $(VGIC_DIR)/vgic.c $(CMOCKA_LIBS)

# the lock alone, with host threads
$(VGIC_TEST_DIR)/test_vgic_spinlock: tests/unit/test_vgic_spinlock.c hyp/include/spinlock.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $(VGIC_TEST_INC) \
		-o $@ $< $(CMOCKA_LIBS) -pthread

$(VGIC_FUZZ): tests/unit/test_vgic_fuzz.c $(VGIC_DIR)/vgic.c \
		hyp/arch/aarch64/include/vgic.h hyp/arch/aarch64/include/gic.h
	@mkdir -p $(dir $@)
	$(CLANG) $(WARNFLAGS) -std=gnu11 -O1 -g -D_GNU_SOURCE $(VGIC_TEST_INC) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/unit/test_vgic_fuzz.c $(VGIC_DIR)/vgic.c

UNIT_TESTS += $(VGIC_TESTS)
BUILD_ALL  += $(VGIC_TESTS) $(VGIC_FUZZ)
# the script builds the target if needed; 20 s by default
CHECK_CMDS += vgic-fuzz=$(VGIC_DIR)/run-fuzz.sh

.PHONY: fuzz-vgic
fuzz-vgic: $(VGIC_FUZZ)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} $(VGIC_DIR)/run-fuzz.sh

-include $(VGIC_TESTS:=.d)
