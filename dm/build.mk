# Device model (dm/): bulkhead-dm for the host and for aarch64 (static),
# its cmocka unit tests (ASan+UBSan), the libFuzzer target and a benchmark.

DM_SRCS := \
	dm/core/window.c dm/core/log.c dm/core/event_loop.c dm/core/fair.c \
	dm/virtio/virtqueue.c dm/virtio/mmio.c \
	dm/devices/console.c dm/devices/net.c dm/devices/blk.c \
	dm/chardev/chardev.c dm/chardev/pty.c dm/chardev/socket.c \
	dm/chardev/file.c dm/chardev/stdio.c \
	dm/netdev/netdev.c dm/netdev/tap.c dm/netdev/socket.c \
	dm/drive/drive.c \
	dm/transport/transport.c dm/transport/sim.c \
	dm/transport/uio.c dm/transport/uio_dev.c dm/transport/uio_state.c \
	dm/transport/uio_stats.c \
	dm/cli.c

DM_INC := -Idm/include -Iinclude
DM_B := $(BUILD)/dm

DM_HOST_OBJS := $(patsubst dm/%.c,$(DM_B)/host/obj/%.o,$(DM_SRCS))
DM_SAN_OBJS := $(patsubst dm/%.c,$(DM_B)/san/obj/%.o,$(DM_SRCS))
DM_A64_OBJS := $(patsubst dm/%.c,$(DM_B)/aarch64/obj/%.o,$(DM_SRCS) dm/main.c)

DM_HOST_BIN := $(DM_B)/host/bulkhead-dm
DM_A64_BIN := $(DM_B)/aarch64/bulkhead-dm

$(DM_B)/host/obj/%.o: dm/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -O2 $(DM_INC) $(DEPFLAGS) -c $< -o $@

$(DM_B)/san/obj/%.o: dm/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DM_INC) $(DEPFLAGS) -c $< -o $@

$(DM_B)/aarch64/obj/%.o: dm/%.c
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(LINUX_STATIC_CFLAGS) $(DM_INC) $(DEPFLAGS) -c $< -o $@

$(DM_HOST_BIN): $(DM_HOST_OBJS) $(DM_B)/host/obj/main.o
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^

$(DM_A64_BIN): $(DM_A64_OBJS)
	$(CROSS_CC) $(LINUX_STATIC_CFLAGS) -o $@ $^ $(LINUX_STATIC_LDFLAGS)

# ---- unit tests: every test_dm_*.c links the sanitized model + frontend ----
# (test_dm_uio_wakeup links uio.c built with its hooks instead: below)
DM_WAKEUP := test_dm_uio_wakeup
DM_TEST_SRCS := $(filter-out tests/unit/$(DM_WAKEUP).c,$(sort $(wildcard tests/unit/test_dm_*.c)))
DM_TESTS := $(patsubst tests/unit/%.c,$(DM_B)/tests/%,$(DM_TEST_SRCS))
DM_TFE_OBJ := $(DM_B)/tests/dm_test_frontend.o

$(DM_TFE_OBJ): tests/unit/dm_test_frontend.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DM_INC) -Itests/unit $(DEPFLAGS) -c $< -o $@

$(DM_B)/tests/%: tests/unit/%.c $(DM_SAN_OBJS) $(DM_TFE_OBJ) | $(DM_HOST_BIN)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DM_INC) -Itests/unit \
		-DDM_HOST_BIN='"$(DM_HOST_BIN)"' $(DEPFLAGS) -o $@ $< \
		$(DM_SAN_OBJS) $(DM_TFE_OBJ) -pthread $(CMOCKA_LIBS)

# The lost-wake-up test: the transport's handshake steps call the test
# (dm/uio_hooks.h), so it links uio.c built with UIO_TEST_HOOKS.
DM_HOOKED_OBJ := $(DM_B)/hooked/obj/transport/uio.o
$(DM_HOOKED_OBJ): dm/transport/uio.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DM_INC) -DUIO_TEST_HOOKS $(DEPFLAGS) -c $< -o $@

$(DM_B)/tests/$(DM_WAKEUP): tests/unit/$(DM_WAKEUP).c $(DM_HOOKED_OBJ) $(DM_TFE_OBJ) \
		$(filter-out $(DM_B)/san/obj/transport/uio.o,$(DM_SAN_OBJS))
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(DM_INC) -Itests/unit $(DEPFLAGS) -o $@ $^ \
		-pthread $(CMOCKA_LIBS)
DM_TESTS += $(DM_B)/tests/$(DM_WAKEUP)

# ---- ThreadSanitizer: tests where the model runs on a thread of its own ----
DM_TSAN_TESTS := $(patsubst %,$(DM_B)/tsan/test_dm_%,core console uio net blk uio_wakeup)
$(DM_B)/tsan/$(DM_WAKEUP): DM_TSAN_DEFS := -DUIO_TEST_HOOKS

$(DM_B)/tsan/test_dm_%: tests/unit/test_dm_%.c tests/unit/dm_test_frontend.c $(DM_SRCS) \
		$(wildcard dm/include/dm/*.h tests/unit/dm_*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARNFLAGS) -std=gnu11 -O1 -g -D_GNU_SOURCE $(DM_INC) -Itests/unit \
		$(DM_TSAN_DEFS) -DDM_HOST_BIN='"$(DM_HOST_BIN)"' -fsanitize=thread -o $@ $< \
		tests/unit/dm_test_frontend.c $(DM_SRCS) -pthread $(CMOCKA_LIBS)

# ---- fuzzing (clang libFuzzer) ----
DM_FUZZ_BIN := $(DM_B)/fuzz/fuzz_virtqueue
DM_FUZZ_SRCS := dm/fuzz/fuzz_virtqueue.c dm/fuzz/fuzz_mmio.c dm/virtio/virtqueue.c \
	dm/virtio/mmio.c dm/core/window.c dm/core/log.c

$(DM_FUZZ_BIN): $(DM_FUZZ_SRCS) $(wildcard dm/include/dm/*.h dm/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARNFLAGS) -std=gnu11 -O1 -g -D_GNU_SOURCE $(DM_INC) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $(DM_FUZZ_SRCS)

DM_FUZZ_NET_BIN := $(DM_B)/fuzz/fuzz_net
DM_FUZZ_NET_SRCS := dm/fuzz/fuzz_net.c dm/fuzz/fuzz_mmio.c dm/devices/net.c dm/netdev/netdev.c dm/netdev/tap.c \
	dm/netdev/socket.c dm/virtio/virtqueue.c dm/virtio/mmio.c dm/core/window.c \
	dm/core/log.c dm/core/event_loop.c

$(DM_FUZZ_NET_BIN): $(DM_FUZZ_NET_SRCS) $(wildcard dm/include/dm/*.h dm/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARNFLAGS) -std=gnu11 -O1 -g -D_GNU_SOURCE $(DM_INC) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $(DM_FUZZ_NET_SRCS)

DM_FUZZ_BLK_BIN := $(DM_B)/fuzz/fuzz_blk
DM_FUZZ_BLK_SRCS := dm/fuzz/fuzz_blk.c dm/fuzz/fuzz_mmio.c dm/devices/blk.c dm/drive/drive.c dm/virtio/virtqueue.c \
	dm/virtio/mmio.c dm/core/window.c dm/core/log.c dm/core/event_loop.c

$(DM_FUZZ_BLK_BIN): $(DM_FUZZ_BLK_SRCS) $(wildcard dm/include/dm/*.h dm/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARNFLAGS) -std=gnu11 -O1 -g -D_GNU_SOURCE $(DM_INC) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $(DM_FUZZ_BLK_SRCS) -pthread

# ---- benchmark ----
DM_BENCH_BIN := $(DM_B)/bench/bench_sim
$(DM_BENCH_BIN): dm/bench/bench_sim.c dm/bench/bench.h tests/unit/dm_test_frontend.c $(DM_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -O2 $(DM_INC) -Itests/unit -o $@ \
		dm/bench/bench_sim.c tests/unit/dm_test_frontend.c \
		$(DM_HOST_OBJS) -pthread

.PHONY: dm dm-tests fuzz fuzz-dm bench-dm
dm: $(DM_HOST_BIN) $(DM_A64_BIN)
dm-tests: $(DM_TESTS)
fuzz-dm: $(DM_FUZZ_BIN) $(DM_FUZZ_NET_BIN) $(DM_FUZZ_BLK_BIN)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} dm/fuzz/run-fuzz.sh virtqueue
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} dm/fuzz/run-fuzz.sh net
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} dm/fuzz/run-fuzz.sh blk
fuzz: fuzz-dm
DM_BENCH_UIO_BIN := $(DM_B)/bench/bench_uio
$(DM_BENCH_UIO_BIN): dm/bench/bench_uio.c dm/bench/bench.h tests/unit/dm_test_frontend.c \
		tests/unit/dm_uio_hv.h $(DM_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -O2 $(DM_INC) -Itests/unit -o $@ \
		dm/bench/bench_uio.c tests/unit/dm_test_frontend.c \
		$(DM_HOST_OBJS) -pthread

bench-dm: $(DM_BENCH_BIN) $(DM_BENCH_UIO_BIN)
	$(DM_BENCH_BIN)
	$(DM_BENCH_UIO_BIN)

BUILD_ALL += $(DM_HOST_BIN) $(DM_A64_BIN) $(DM_TESTS) $(DM_FUZZ_BIN) $(DM_FUZZ_NET_BIN) \
	$(DM_FUZZ_BLK_BIN) \
	$(DM_BENCH_UIO_BIN) $(DM_TSAN_TESTS)
UNIT_TESTS += $(DM_TESTS)
# (the escaped blank keeps "run-fuzz.sh net" one word for the test runner's shell)
CHECK_CMDS += dm-fuzz=dm/fuzz/run-fuzz.sh dm-fuzz-net=dm/fuzz/run-fuzz.sh\ net \
	dm-fuzz-blk=dm/fuzz/run-fuzz.sh\ blk \
	dm-aarch64-cli=dm/check-aarch64.sh \
	dm-tsan=dm/check-tsan.sh
SYSTEM_TEST_DEPS += $(DM_A64_BIN)

-include $(DM_HOST_OBJS:.o=.d) $(DM_SAN_OBJS:.o=.d) $(DM_A64_OBJS:.o=.d) \
	$(DM_TFE_OBJ:.o=.d) $(DM_TESTS:=.d) $(DM_HOOKED_OBJ:.o=.d)
