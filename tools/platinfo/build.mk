# platinfo: the board of this build (platform/NAME/board.c) as KEY=VALUE
# lines, BUILD/platform.env: what scripts/run.sh, scripts/qemu-devices.sh and
# tests/lib/harness.py read to start QEMU and to find the board's devices.

PLATINFO := $(BUILD)/tools/platinfo/platinfo
$(PLATINFO): tools/platinfo/main.c $(PLAT_BOARD_C) include/bulkhead/platform.h \
		include/bulkhead/config.h $(PLATFORM_DIR)/plat_desc.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -I. -Iinclude $(PLATFORM_INC) -o $@ tools/platinfo/main.c \
		$(PLAT_BOARD_C)

$(PLATFORM_ENV): $(PLATINFO) $(PLATFORM_DIR)/platform.mk mk/platform.mk $(PLATFORM_DTB)
	$(PLATINFO) --machine '$(PLAT_QEMU_MACHINE)' $(PLATFORM_ENV_SETS) --out $@
