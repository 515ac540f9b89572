#!/bin/sh
# qemu-nic.sh DTDIR PORT: the QEMU arguments, one per line, for the NIC a config passes
# through (nothing if it has none).  The one place both scripts/run.sh (PORT 5555) and the
# system tests (a free port each, tests/lib/harness.py) take them from.
#
# DTDIR/virtio-mmio (tools/dtgen) lists the config's BH_DEV_VIRTIO_MMIO devices as
# "VM ADDR INTID".  QEMU puts its only virtio-mmio device on the highest transport
# (docs/design.md §2.2), so that is the one address a config may name.
#
# The network is QEMU's user network with restrict=on: no guest packet leaves QEMU (no
# outside routes, no DNS, no connection to the host); the only way in is the forward from
# the host's 127.0.0.1:PORT (loopback only) to the guest's ssh port.  Its DHCP server gives
# the guest its address.  iommu_platform=on offers VIRTIO_F_ACCESS_PLATFORM (virtio v1.2
# §6), so Linux drives the device through the DMA API and its restricted-dma-pool; that
# needs a modern (non-legacy) transport.
set -eu
dir=$1 port=$2
list="$dir/virtio-mmio"
[ -f "$list" ] || { echo "qemu-nic.sh: $list missing: run 'make all' first" >&2; exit 1; }
n=0
while read -r vm addr intid; do
	n=$((n + 1))
	if [ "$n" -gt 1 ]; then
		echo "qemu-nic.sh: $list: more than one passed-through virtio-mmio device" >&2
		exit 1
	fi
	if [ "$((addr))" -ne "$((0x0a003e00))" ] || [ "$intid" -ne 79 ]; then
		echo "qemu-nic.sh: $list: vm \"$vm\": devices[]: QEMU puts its NIC at 0x0a003e00," \
			"INTID 79, not $addr, INTID $intid" >&2
		exit 1
	fi
	printf '%s\n' -global virtio-mmio.force-legacy=false \
		-netdev "user,id=nic0,restrict=on,hostfwd=tcp:127.0.0.1:$port-:22" \
		-device virtio-net-device,netdev=nic0,iommu_platform=on
done <"$list"
