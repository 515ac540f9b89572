# mkinitramfs: host tool packing a staging directory into a cpio newc archive.
MKINITRAMFS := $(BUILD)/tools/mkinitramfs
MKINITRAMFS_SRCS := tools/mkinitramfs/newc.c tools/mkinitramfs/main.c

$(MKINITRAMFS): $(MKINITRAMFS_SRCS) tools/mkinitramfs/newc.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(MKINITRAMFS_SRCS)

$(BUILD)/tests/unit/test_tools_newc: tests/unit/test_tools_newc.c tools/mkinitramfs/newc.c tools/mkinitramfs/newc.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -o $@ $< tools/mkinitramfs/newc.c $(CMOCKA_LIBS)

BUILD_ALL += $(MKINITRAMFS)
UNIT_TESTS += $(BUILD)/tests/unit/test_tools_newc
