#!/bin/sh
# The reference system, for now: the guest kernel with a shell initramfs directly on
# QEMU virt, console on this terminal (quit with Ctrl-a x).
set -eu
build=${BUILD:-build}
echo "Bulkhead: booting the guest kernel on QEMU virt (no hypervisor yet). Quit: Ctrl-a x"
exec qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a53 -smp 2 -m 512M \
	-nographic -nic none -kernel "$build/guest/Image" -initrd "$build/guest/initramfs-shell.cpio.gz" \
	-append "console=ttyAMA0 bulkhead.name=guest"
