# The backend's ssh server (docs/running.md, "ssh into the backend"): Debian's arm64 dropbear
# with exactly the libraries it links and a host key made at build time (scripts/dropbear.sh),
# /etc/rc.d/sshd that brings the interface named by bulkhead.sshd= up by DHCP and starts it
# behind /etc/sshd-gate (connections from the host's forwards only).
# In the shell role's initramfs (all VMs share it); only a VM whose bootargs ask runs it.
GUEST_DROPBEAR := $(BUILD)/guest/dropbear
$(GUEST_DROPBEAR)/usr/sbin/dropbear: scripts/dropbear.sh scripts/elf-libs.sh scripts/apt-download.sh
	scripts/dropbear.sh $(GUEST_DROPBEAR)

GUEST_NET_FILES := guest/net/rc.sshd guest/net/udhcpc.script guest/net/sshd-gate
GUEST_EXTRA_shell += $(GUEST_DROPBEAR):/ guest/net/rc.sshd:/etc/rc.d/sshd \
	guest/net/udhcpc.script:/etc/udhcpc.script guest/net/sshd-gate:/etc/sshd-gate
$(BUILD)/guest/initramfs-shell.cpio.gz: $(GUEST_DROPBEAR)/usr/sbin/dropbear $(GUEST_NET_FILES)
