# vGIC host tests.  The hypervisor objects themselves are built by
# hyp/build.mk (every .c under hyp/); here only the pure vGIC (vgic.c and
# the register maps vgic_v2.c, vgic_v3.c) is compiled natively against fake
# arch layers:
#   tests/unit/test_vgic_*.c   cmocka tests (fakes: test_vgic_fakes.h)
#   tests/unit/test_vgic_fuzz.c  libFuzzer target, run as a CHECK_CMDS entry

VGIC_DIR       := hyp/arch/aarch64/vgic
VGIC_TEST_DIR  := $(BUILD)/vgic/tests
VGIC_TEST_INC  := -I. -Ihyp/include -Ihyp/arch/aarch64/include -Itests/unit
VGIC_TESTS     := $(patsubst tests/unit/%.c,$(VGIC_TEST_DIR)/%,\
		    $(filter-out tests/unit/test_vgic_fuzz.c,\
		    $(wildcard tests/unit/test_vgic_*.c)))
VGIC_FUZZ      := $(BUILD)/vgic/fuzz/fuzz_vgic
VGIC_FUZZ_V2   := $(BUILD)/vgic/fuzz/fuzz_vgic_v2
VGIC_SRCS      := $(VGIC_DIR)/vgic.c $(VGIC_DIR)/vgic_v2.c $(VGIC_DIR)/vgic_v3.c
VGIC_HDRS      := $(VGIC_DIR)/vgic_internal.h hyp/arch/aarch64/include/vgic.h \
		  hyp/arch/aarch64/include/gic.h hyp/arch/aarch64/include/gic_v2.h

$(VGIC_TEST_DIR)/test_vgic_%: tests/unit/test_vgic_%.c $(VGIC_SRCS) \
		tests/unit/test_vgic_fakes.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $(VGIC_TEST_INC) \
		-o $@ $< $(VGIC_SRCS) $(CMOCKA_LIBS)

# the lock alone, with host threads
$(VGIC_TEST_DIR)/test_vgic_spinlock: tests/unit/test_vgic_spinlock.c hyp/include/spinlock.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $(VGIC_TEST_INC) \
		-o $@ $< $(CMOCKA_LIBS) -pthread

$(VGIC_FUZZ): tests/unit/test_vgic_fuzz.c $(VGIC_SRCS) $(VGIC_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARNFLAGS) -std=gnu11 -O1 -g -D_GNU_SOURCE $(VGIC_TEST_INC) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/unit/test_vgic_fuzz.c $(VGIC_SRCS)

# the same target on the GICv2 register map
$(VGIC_FUZZ_V2): tests/unit/test_vgic_fuzz.c $(VGIC_SRCS) $(VGIC_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARNFLAGS) -std=gnu11 -O1 -g -D_GNU_SOURCE -DFUZZ_GICV2 $(VGIC_TEST_INC) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/unit/test_vgic_fuzz.c $(VGIC_SRCS)

UNIT_TESTS += $(VGIC_TESTS)
BUILD_ALL  += $(VGIC_TESTS) $(VGIC_FUZZ) $(VGIC_FUZZ_V2)
# the script builds the target if needed; 20 s by default
CHECK_CMDS += vgic-fuzz=$(VGIC_DIR)/run-fuzz.sh vgic-fuzz-v2=$(VGIC_DIR)/run-fuzz.sh\ v2

.PHONY: fuzz-vgic
fuzz-vgic: $(VGIC_FUZZ) $(VGIC_FUZZ_V2)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} $(VGIC_DIR)/run-fuzz.sh
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} $(VGIC_DIR)/run-fuzz.sh v2

-include $(VGIC_TESTS:=.d)
