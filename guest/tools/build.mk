# Guest-side measurement probes (static aarch64 Linux programs), in the shell
# role's initramfs as /usr/bin/bh-*: keystroke echo round trip (bh-echo) and
# timer-interrupt latency (bh-timerlat), for make bench and the fairness test,
# a self-describing stream with a byte-exact checker (bh-stream) for the
# kill and soak tests, and a block-device load generator and data checker
# (bh-blkload) for the storage benchmark and test.
GUEST_TOOLS_OUT  := $(BUILD)/guest/tools
GUEST_TOOLS      := $(patsubst guest/tools/%.c,%,$(wildcard guest/tools/bh-*.c))
GUEST_TOOLS_BINS := $(addprefix $(GUEST_TOOLS_OUT)/,$(GUEST_TOOLS))

$(GUEST_TOOLS_OUT)/%: guest/tools/%.c guest/tools/probe.h guest/tools/stream.h \
		guest/tools/blkpat.h
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(LINUX_STATIC_CFLAGS) $(DEPFLAGS) -o $@ $< $(LINUX_STATIC_LDFLAGS)

GUEST_EXTRA_shell += $(foreach t,$(GUEST_TOOLS),$(GUEST_TOOLS_OUT)/$(t):/usr/bin/$(t))
$(BUILD)/guest/initramfs-shell.cpio.gz: $(GUEST_TOOLS_BINS)
BUILD_ALL += $(GUEST_TOOLS_BINS)

# The stream checker's logic on the host, under the sanitizers.
$(BUILD)/tests/unit/test_tools_stream: tests/unit/test_tools_stream.c guest/tools/stream.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Iguest/tools -o $@ $< $(CMOCKA_LIBS)
UNIT_TESTS += $(BUILD)/tests/unit/test_tools_stream

# The sector pattern of bh-blkload's check modes on the host, under the sanitizers.
$(BUILD)/tests/unit/test_tools_blkpat: tests/unit/test_tools_blkpat.c guest/tools/blkpat.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -Iguest/tools -o $@ $< $(CMOCKA_LIBS)
UNIT_TESTS += $(BUILD)/tests/unit/test_tools_blkpat

# bulkhead-ctl: VM management from user space through the management page's
# uio node (include/bulkhead/ctl.h, docs/running.md "Managing VMs"), in every
# VM's initramfs (the shell role); it finds and maps the node with the device
# model's uio code.
GUEST_CTL := $(GUEST_TOOLS_OUT)/bulkhead-ctl
GUEST_CTL_SRCS := guest/tools/bulkhead-ctl.c dm/transport/uio_dev.c
$(GUEST_CTL): $(GUEST_CTL_SRCS) include/bulkhead/ctl.h include/bulkhead/rio.h \
		dm/include/dm/uio_dev.h
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(LINUX_STATIC_CFLAGS) -Iinclude -Idm/include -o $@ $(GUEST_CTL_SRCS) \
		$(LINUX_STATIC_LDFLAGS)
GUEST_EXTRA_shell += $(GUEST_CTL):/usr/bin/bulkhead-ctl
$(BUILD)/guest/initramfs-shell.cpio.gz: $(GUEST_CTL)
BUILD_ALL += $(GUEST_CTL)
