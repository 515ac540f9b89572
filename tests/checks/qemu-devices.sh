#!/bin/sh
# scripts/qemu-devices.sh (docs/running.md): what it gives for a good device list, and that
# it refuses, with a message naming the culprit and a non-zero exit, each list the board
# cannot build: an address or INTID that is no transport, a device it does not know, a VM
# that serves ssh without an address, a VM without a host port.  Works on made-up DTDIRs, so
# it needs no build.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
script=$here/scripts/qemu-devices.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# A made-up board (BUILD/platform.env as tools/platinfo writes it): 32 transports at
# 0x1c130000, 0x200 apart, from INTID 64; another without any.
cat >"$tmp/platform.env" <<EOF
PLATFORM=made-up
VIRTIO_MMIO_COUNT=32
VIRTIO_MMIO_BASE=0x1c130000
VIRTIO_MMIO_STRIDE=0x200
VIRTIO_MMIO_FIRST_INTID=64
EOF
sed 's/^VIRTIO_MMIO_COUNT=.*/VIRTIO_MMIO_COUNT=0/; s/^PLATFORM=.*/PLATFORM=bare/' \
	"$tmp/platform.env" >"$tmp/bare.env"
export PLATFORM_ENV="$tmp/platform.env"

# dtdir NAME "virtio-mmio lines" "vm:bootargs" ...: a DTDIR as tools/dtgen writes it
dtdir() {
	d=$tmp/$1
	mkdir -p "$d"
	printf '%s\n' "$2" >"$d/virtio-mmio"
	shift 2
	: >"$d/vms"
	for spec in "$@"; do
		vm=${spec%%:*}
		echo "$vm" >>"$d/vms"
		printf '/ { chosen { bootargs = "%s"; }; };\n' "${spec#*:}" >"$d/$vm.dts"
	done
	echo "$d"
}

# refuse WHAT DTDIR PATTERN PORT...: exit non-zero with PATTERN on stderr, nothing on stdout
refuse() {
	what=$1 d=$2 pat=$3
	shift 3
	out=$(sh "$script" "$d" "$tmp/disk-$what.img" "$@" 2>"$tmp/err")
	rc=$?
	if [ "$rc" -eq 0 ] || ! grep -q -- "$pat" "$tmp/err"; then
		echo "FAIL: $what: exit $rc, stderr: $(cat "$tmp/err")"
		fails=$((fails + 1))
	elif printf '%s' "$out" | grep -q -- '-device'; then
		echo "FAIL: $what: refused but printed a -device"
		fails=$((fails + 1))
	else
		echo "ok: $what: $(head -n1 "$tmp/err")"
	fi
}

# the good case: both devices on their buses, the forward to the ssh VM, the disk created
d=$(dtdir good "backend nic 0x1c133e00 95
backend disk 0x1c132e00 87" "backend:console=ttyAMA0 bulkhead.sshd=br0:10.0.2.15" "frontend1:quiet")
out=$(DISK_SIZE=1M sh "$script" "$d" "$tmp/a,b/disk.img" 5555 5556 2>"$tmp/err")
rc=$?
for want in '-global' 'virtio-mmio.force-legacy=false' \
	'user,id=nic0,restrict=on,hostfwd=tcp:127.0.0.1:5555-10.0.2.15:22' \
	'virtio-net-device,netdev=nic0,iommu_platform=on,bus=virtio-mmio-bus.31' \
	"file=$tmp/a,,b/disk.img,if=none,id=disk0,format=raw" \
	'virtio-blk-device,drive=disk0,iommu_platform=on,bus=virtio-mmio-bus.23'; do
	printf '%s\n' "$out" | grep -qxF -- "$want" || {
		echo "FAIL: good list: no line '$want' (exit $rc) in:"
		printf '%s\n' "$out"
		fails=$((fails + 1))
	}
done
[ "$(stat -c %s "$tmp/a,b/disk.img" 2>/dev/null)" = 1048576 ] ||
	{ echo "FAIL: good list: the disk image was not created with DISK_SIZE"; fails=$((fails + 1)); }
grep -q 'ssh into backend: ssh -p 5555 root@localhost' "$tmp/err" ||
	{ echo "FAIL: good list: no ssh line for the backend"; fails=$((fails + 1)); }
grep -q 'frontend1' "$tmp/err" &&
	{ echo "FAIL: good list: an ssh line for frontend1, which serves none"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] && echo "ok: good list"

refuse "missing list" "$tmp/nowhere" "run 'make all' first"
refuse "misaligned address" "$(dtdir misaligned "backend nic 0x1c133e10 95" "backend:x")" \
	'"nic" at 0x1c133e10, INTID 95 is no transport of made-up' 5555
refuse "address below the transports" "$(dtdir below "backend nic 0x1c120000 95" "backend:x")" \
	'"nic" at 0x1c120000' 5555
refuse "address past the transports" "$(dtdir past "backend nic 0x1c134000 96" "backend:x")" \
	'"nic" at 0x1c134000' 5555
refuse "wrong INTID" "$(dtdir intid "backend disk 0x1c132e00 88" "backend:x")" \
	'"disk" at 0x1c132e00, INTID 88' 5555
refuse "unknown device" "$(dtdir unknown "backend gpu 0x1c132e00 87" "backend:x")" \
	'devices\[\]: "gpu" is neither "nic" nor "disk"' 5555
PLATFORM_ENV="$tmp/bare.env" refuse "a board without transports" \
	"$(dtdir bare "backend nic 0x1c133e00 95" "backend:x")" 'is no transport of bare' 5555
refuse "sshd without an address" \
	"$(dtdir noaddr "backend nic 0x1c133e00 95" "backend:bulkhead.sshd=br0")" \
	'vm "backend": bootargs: bulkhead.sshd=br0 has no :ADDR' 5555
refuse "no port for a VM" \
	"$(dtdir noport "backend nic 0x1c133e00 95" "backend:x" "frontend1:y")" \
	'no PORT for vm "frontend1"' 5555

# A made-up board with NICs of its own (QEMU's -nic fills NIC0 first, then NIC1) and no
# transports: the first passed through is a -nic with the forwards, any other is refused.
cat >"$tmp/nics.env" <<EOF
PLATFORM=nics
VIRTIO_MMIO_COUNT=0
VIRTIO_MMIO_BASE=0x0
VIRTIO_MMIO_STRIDE=0x0
VIRTIO_MMIO_FIRST_INTID=0
DEV0_NAME=NIC0
DEV0_BASE=0xe0000000
DEV0_SIZE=0x1000
DEV1_NAME=NIC1
DEV1_BASE=0xe0010000
DEV1_SIZE=0x1000
QEMU_NIC_MODEL=made_up_nic
QEMU_NICS=NIC0 NIC1
EOF
d=$(dtdir gem "" "backend:bulkhead.sshd=br0:10.0.2.15" "frontend1:bulkhead.sshd=eth0:10.0.2.16")
echo "backend nic 0xe0000000 89" >"$d/nics"
out=$(PLATFORM_ENV="$tmp/nics.env" sh "$script" "$d" "$tmp/disk-gem.img" 5555 5556 2>"$tmp/err")
want='user,model=made_up_nic,restrict=on,hostfwd=tcp:127.0.0.1:5555-10.0.2.15:22,hostfwd=tcp:127.0.0.1:5556-10.0.2.16:22'
if [ "$out" != "$(printf '%s\n%s' -nic "$want")" ] || [ -e "$tmp/disk-gem.img" ]; then
	echo "FAIL: board NIC: want -nic $want and no disk, got: $out; stderr: $(cat "$tmp/err")"
	fails=$((fails + 1))
else
	echo "ok: board NIC"
fi
d=$(dtdir gem2 "" "backend:x")
echo "backend nic 0xe0010000 91" >"$d/nics"
PLATFORM_ENV="$tmp/nics.env" refuse "not the board's first NIC" "$d" \
	"\"nic\" at 0xe0010000 is NIC1: QEMU's first -nic is NIC0" 5555
d=$(dtdir gem3 "" "backend:x")
echo "backend nic 0xe0020000 93" >"$d/nics"
PLATFORM_ENV="$tmp/nics.env" refuse "no NIC of the board" "$d" "is no NIC of nics" 5555

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "qemu-devices.sh: every case as documented"
