# ssh into every VM (docs/running.md, "ssh into the backend", "Who may log in"): Debian's
# arm64 dropbear with exactly the libraries it links (scripts/dropbear.sh), and /etc/rc.d/sshd
# that puts the address named by bulkhead.sshd= on its interface and serves ssh there behind
# /etc/sshd-gate (connections from the host's forwards only).  In the shell role's initramfs
# (all VMs share it); only a VM whose bootargs ask runs it.  Keys only: each VM's host key and
# the keys that may log in as root come with its device tree (scripts/ssh-dt.sh, run by
# tools/dtgen/build.mk), from BUILD/ssh (scripts/ssh-client.sh).
GUEST_DROPBEAR := $(BUILD)/guest/dropbear
$(GUEST_DROPBEAR)/usr/sbin/dropbear: scripts/dropbear.sh scripts/deb-overlay.sh scripts/elf-libs.sh scripts/apt-download.sh
	scripts/dropbear.sh $(GUEST_DROPBEAR)

GUEST_NET_FILES := guest/net/rc.sshd guest/net/sshd-gate
GUEST_EXTRA_shell += $(GUEST_DROPBEAR):/ guest/net/rc.sshd:/etc/rc.d/sshd \
	guest/net/sshd-gate:/etc/sshd-gate
$(BUILD)/guest/initramfs-shell.cpio.gz: $(GUEST_DROPBEAR)/usr/sbin/dropbear $(GUEST_NET_FILES)

# fdb-pin: the one bridge forwarding entry busybox cannot make (guest/rio/rc.local).
GUEST_FDB_PIN := $(BUILD)/guest/net/fdb-pin
$(GUEST_FDB_PIN): guest/net/fdb-pin.c
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(LINUX_STATIC_CFLAGS) $(DEPFLAGS) -o $@ $< $(LINUX_STATIC_LDFLAGS)
GUEST_EXTRA_shell += $(GUEST_FDB_PIN):/usr/sbin/fdb-pin
$(BUILD)/guest/initramfs-shell.cpio.gz: $(GUEST_FDB_PIN)
BUILD_ALL += $(GUEST_FDB_PIN)
-include $(GUEST_FDB_PIN).d

# The client side: the build's own key and the authorized keys, checked at every make (a key
# the user adds is authorized by the next one; the file changes only when its content does).
SSH_DIR := $(BUILD)/ssh
SSH_AUTHORIZED := $(SSH_DIR)/authorized_keys
SSH_HOST_KEYS := $(SSH_DIR)/host-keys
$(SSH_AUTHORIZED): scripts/ssh-client.sh FORCE
	@scripts/ssh-client.sh $(SSH_DIR)
SSH_DT_DEPS := scripts/ssh-dt.sh $(SSH_AUTHORIZED) $(GUEST_DROPBEAR)/usr/sbin/dropbear
