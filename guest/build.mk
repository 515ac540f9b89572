# Guest software: kernel Image (cached outside the tree), busybox, initramfs per role.
GUEST_DIR := $(BUILD)/guest
GUEST_KERNEL := $(GUEST_DIR)/Image
GUEST_BUSYBOX := $(GUEST_DIR)/busybox
GUEST_ROLES := $(notdir $(wildcard guest/roles/*))

# The script decides whether the cached kernel is current, so it always runs;
# the copy into build/ only changes when the cached Image does.
$(GUEST_KERNEL): FORCE
	@scripts/kernel.sh $@

$(GUEST_BUSYBOX): scripts/busybox.sh scripts/apt-download.sh
	@scripts/busybox.sh $@

# initramfs-<role>.cpio.gz from guest/roles/<role>/
$(GUEST_DIR)/initramfs-%.cpio.gz: $(GUEST_BUSYBOX) $$(MKINITRAMFS) scripts/mkinitramfs.sh \
		$$(shell find guest/roles/$$* -type f)
	@mkdir -p $(dir $@)
	scripts/mkinitramfs.sh guest/roles/$* $(GUEST_BUSYBOX) $(MKINITRAMFS) $@ $(GUEST_EXTRA_$*)

GUEST_IMAGES := $(GUEST_KERNEL) $(foreach r,$(GUEST_ROLES),$(GUEST_DIR)/initramfs-$(r).cpio.gz)
BUILD_ALL += $(GUEST_IMAGES)
SYSTEM_TEST_DEPS += $(GUEST_IMAGES)
