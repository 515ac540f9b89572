#!/bin/sh
# qemu-devices.sh DTDIR DISK PORT...: the QEMU arguments, one per line, for the virtio devices
# a config passes through (nothing if it has none).  The one place both scripts/run.sh (its
# disk image, ports 5555 5556 5557) and the system tests (a temporary image, free ports;
# tests/lib/harness.py) take them from.
#
# DTDIR/virtio-mmio (tools/dtgen) lists the config's BH_DEV_VIRTIO_MMIO devices as
# "VM NAME ADDR INTID"; NAME says which QEMU device it is:
#
#   nic   virtio-net-device on QEMU's user network (below)
#   disk  virtio-blk-device on the raw image file DISK, created sparse (DISK_SIZE bytes,
#         default 1 GiB: the backend formats it at its first boot, docs/running.md "Storage")
#         if it does not exist yet; QEMU locks it, so two machines never share one
#
# DTDIR/nics (tools/dtgen) lists, the same way, the board's own NICs the config passes through
# (Cadence GEMs on zcu102): each is QEMU's `-nic user,model=QEMU_NIC_MODEL` on the same user
# network.  QEMU's -nic options fill the board's NICs in the order QEMU_NICS names them
# (DEVn_NAME of the device at DEVn_BASE), so a config may pass through the first one.
#
# The board's transport n (BUILD/platform.env, tools/platinfo: VIRTIO_MMIO_BASE + n *
# VIRTIO_MMIO_STRIDE, INTID VIRTIO_MMIO_FIRST_INTID + n, n < VIRTIO_MMIO_COUNT) is on the
# bus QEMU names virtio-mmio-bus.n; each device is put on the one its ADDR names (QEMU would
# otherwise fill the transports from the highest down, docs/design.md §2.2).  The board's
# facts are read from $PLATFORM_ENV, by default DTDIR/../../platform.env (DTDIR is
# BUILD/dt/CONFIG).
#
# The network is QEMU's user network with restrict=on: no guest packet leaves QEMU (no
# outside routes, no DNS, no connection to the host); the only ways in are the forwards from
# the host's 127.0.0.1: the n-th PORT goes to port 22 of the n-th VM of DTDIR/vms if that VM's
# bootargs serve ssh (bulkhead.sshd=IFACE:ADDR, guest/net/rc.sshd), at ADDR, the address it
# puts on IFACE.  The frontends reach this network through the backend's bridge
# (docs/running.md, "Networking").  The ssh command for each such VM goes to stderr
# ("ssh into VM: ssh -p PORT root@localhost", with `-i $SSH_IDENTITY` if that is set), for
# run.sh to show.  iommu_platform=on offers
# VIRTIO_F_ACCESS_PLATFORM (virtio v1.2 §6), so Linux drives each device through the DMA API
# and its restricted-dma-pool; that needs a modern (non-legacy) transport.
set -eu
dir=$1 disk=$2
shift 2
list="$dir/virtio-mmio"
[ -f "$list" ] || { echo "qemu-devices.sh: $list missing: run 'make all' first" >&2; exit 1; }
penv=${PLATFORM_ENV:-$dir/../../platform.env}
[ -f "$penv" ] || { echo "qemu-devices.sh: $penv missing: run 'make all' first" >&2; exit 1; }
fact() {
	v=$(sed -n "s/^$1=//p" "$penv")
	[ -n "$v" ] || { echo "qemu-devices.sh: $penv: no $1" >&2; exit 1; }
	echo "$v"
}
board=$(fact PLATFORM)
base=$(($(fact VIRTIO_MMIO_BASE))) stride=$(($(fact VIRTIO_MMIO_STRIDE)))
transports=$(fact VIRTIO_MMIO_COUNT) spi_base=$(fact VIRTIO_MMIO_FIRST_INTID)

# hostfwd=... for every VM that serves ssh, one PORT argument per VM of DTDIR/vms
forwards() {
	fwd=""
	while read -r vm; do
		[ "$#" -gt 0 ] || { echo "qemu-devices.sh: no PORT for vm \"$vm\"" >&2; exit 1; }
		port=$1
		shift
		spec=$(sed -n 's/.*bootargs = ".*bulkhead\.sshd=\([^ "]*\).*/\1/p' "$dir/$vm.dts")
		[ -n "$spec" ] || continue
		addr=${spec#*:}
		if [ "$addr" = "$spec" ] || [ -z "$addr" ]; then
			echo "qemu-devices.sh: vm \"$vm\": bootargs: bulkhead.sshd=$spec has no :ADDR" >&2
			exit 1
		fi
		fwd="$fwd,hostfwd=tcp:127.0.0.1:$port-$addr:22"
		echo "ssh into $vm: ssh${SSH_IDENTITY:+ -i $SSH_IDENTITY} -p $port root@localhost" >&2
	done <"$dir/vms"
	echo "$fwd"
}

# the QEMU bus of the transport at ADDR with INTID, or an error naming the device
bus() {
	off=$(($2 - base))
	n=$((off / (stride ? stride : 1)))
	if [ "$transports" -eq 0 ] || [ "$off" -lt 0 ] || [ $((off % stride)) -ne 0 ] ||
		[ "$n" -ge "$transports" ] || [ "$3" -ne $((spi_base + n)) ]; then
		echo "qemu-devices.sh: $list: \"$1\" at $2, INTID $3 is no transport of $board" \
			"($(printf '%#x' "$base") + $(printf '%#x' "$stride") n, INTID $spi_base + n," \
			"n < $transports)" >&2
		exit 1
	fi
	echo "virtio-mmio-bus.$n"
}

# the board's device (DEVn_NAME) at ADDR, or nothing
board_device() {
	i=0
	while d=$(sed -n "s/^DEV${i}_NAME=//p" "$penv") && [ -n "$d" ]; do
		[ $(($(sed -n "s/^DEV${i}_BASE=//p" "$penv"))) -ne $(($1)) ] || { echo "$d"; return; }
		i=$((i + 1))
	done
}

legacy=""
while read -r vm name addr intid; do
	[ -n "$vm" ] || continue
	b=$(bus "$name" "$addr" "$intid")
	[ -n "$legacy" ] || { legacy=1; printf '%s\n' -global virtio-mmio.force-legacy=false; }
	case "$name" in
	nic)
		fwd=$(forwards "$@")
		printf '%s\n' -netdev "user,id=nic0,restrict=on$fwd" \
			-device "virtio-net-device,netdev=nic0,iommu_platform=on,bus=$b"
		;;
	disk)
		if [ ! -e "$disk" ]; then
			mkdir -p "$(dirname "$disk")"
			truncate -s "${DISK_SIZE:-1G}" "$disk"
			echo "disk of $vm: created $disk (${DISK_SIZE:-1G}, sparse)" >&2
		fi
		# a comma in a QEMU option value is written twice
		file=$(printf '%s' "$disk" | sed 's/,/,,/g')
		printf '%s\n' -drive "file=$file,if=none,id=disk0,format=raw" \
			-device "virtio-blk-device,drive=disk0,iommu_platform=on,bus=$b"
		;;
	*)
		echo "qemu-devices.sh: $list: vm \"$vm\": devices[]: \"$name\" is neither \"nic\"" \
			"nor \"disk\": which QEMU device is it?" >&2
		exit 1
		;;
	esac
done <"$list"

nics="$dir/nics"
[ -s "$nics" ] || exit 0
model=$(fact QEMU_NIC_MODEL)
first=$(fact QEMU_NICS)
first=${first%% *}
given=""
while read -r vm name addr intid; do
	[ -n "$vm" ] || continue
	dev=$(board_device "$addr")
	if [ -n "$given" ] || [ "$dev" != "$first" ]; then
		echo "qemu-devices.sh: $nics: vm \"$vm\": \"$name\" at $addr is ${dev:-no NIC of $board}:" \
			"QEMU's first -nic is $first, and only it can be given here" >&2
		exit 1
	fi
	given=1
	fwd=$(forwards "$@")
	printf '%s\n' -nic "user,model=$model,restrict=on$fwd"
done <"$nics"
