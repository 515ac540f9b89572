#!/bin/sh
# qemu-nic.sh DTDIR PORT...: the QEMU arguments, one per line, for the NIC a config passes
# through (nothing if it has none).  The one place both scripts/run.sh (ports 5555 5556 5557)
# and the system tests (free ports, tests/lib/harness.py) take them from.
#
# DTDIR/virtio-mmio (tools/dtgen) lists the config's BH_DEV_VIRTIO_MMIO devices as
# "VM ADDR INTID".  QEMU puts its only virtio-mmio device on the highest transport
# (docs/design.md §2.2), so that is the one address a config may name.
#
# The network is QEMU's user network with restrict=on: no guest packet leaves QEMU (no
# outside routes, no DNS, no connection to the host); the only ways in are the forwards from
# the host's 127.0.0.1: the n-th PORT goes to port 22 of the n-th VM of DTDIR/vms if that VM's
# bootargs serve ssh (bulkhead.sshd=IFACE:ADDR, guest/net/rc.sshd), at ADDR, the address it
# puts on IFACE.  The frontends reach this network through the backend's bridge
# (docs/running.md, "Networking").  The ssh command for each such VM goes to stderr
# ("ssh into VM: ssh -p PORT root@localhost", with `-i $SSH_IDENTITY` if that is set), for
# run.sh to show.  iommu_platform=on offers
# VIRTIO_F_ACCESS_PLATFORM (virtio v1.2 §6), so Linux drives the device through the DMA API
# and its restricted-dma-pool; that needs a modern (non-legacy) transport.
set -eu
dir=$1
shift
list="$dir/virtio-mmio"
[ -f "$list" ] || { echo "qemu-nic.sh: $list missing: run 'make all' first" >&2; exit 1; }

# hostfwd=... for every VM that serves ssh, one PORT argument per VM of DTDIR/vms
forwards() {
	fwd=""
	while read -r vm; do
		[ "$#" -gt 0 ] || { echo "qemu-nic.sh: no PORT for vm \"$vm\"" >&2; exit 1; }
		port=$1
		shift
		spec=$(sed -n 's/.*bootargs = ".*bulkhead\.sshd=\([^ "]*\).*/\1/p' "$dir/$vm.dts")
		[ -n "$spec" ] || continue
		addr=${spec#*:}
		if [ "$addr" = "$spec" ] || [ -z "$addr" ]; then
			echo "qemu-nic.sh: vm \"$vm\": bootargs: bulkhead.sshd=$spec has no :ADDR" >&2
			exit 1
		fi
		fwd="$fwd,hostfwd=tcp:127.0.0.1:$port-$addr:22"
		echo "ssh into $vm: ssh${SSH_IDENTITY:+ -i $SSH_IDENTITY} -p $port root@localhost" >&2
	done <"$dir/vms"
	echo "$fwd"
}

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
	fwd=$(forwards "$@")
	printf '%s\n' -global virtio-mmio.force-legacy=false \
		-netdev "user,id=nic0,restrict=on$fwd" \
		-device virtio-net-device,netdev=nic0,iommu_platform=on
done <"$list"
