# Storage (docs/running.md, "Storage"): Debian's arm64 mke2fs with exactly the libraries it
# links (scripts/e2fsprogs.sh) and /etc/rc.d/disk, which mounts a VM's virtio disk (/dev/vda)
# on /data, formatting it as ext4 when it is blank.  In the shell role's initramfs (all VMs
# share it): the backend's disk holds the frontends' images, a frontend's holds its /data.
GUEST_E2FSPROGS := $(BUILD)/guest/e2fsprogs
$(GUEST_E2FSPROGS)/sbin/mke2fs: scripts/e2fsprogs.sh scripts/deb-overlay.sh scripts/elf-libs.sh scripts/apt-download.sh
	scripts/e2fsprogs.sh $(GUEST_E2FSPROGS)

GUEST_EXTRA_shell += $(GUEST_E2FSPROGS):/ guest/disk/rc.disk:/etc/rc.d/disk
$(BUILD)/guest/initramfs-shell.cpio.gz: $(GUEST_E2FSPROGS)/sbin/mke2fs guest/disk/rc.disk
