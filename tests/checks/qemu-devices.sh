#!/bin/sh
# scripts/qemu-devices.sh (docs/running.md): what it gives for a good device list, and that
# it refuses, with a message naming the culprit and a non-zero exit, each list QEMU virt
# cannot build: an address or INTID that is no transport, a device it does not know, a VM
# that serves ssh without an address, a VM without a host port.  Works on made-up DTDIRs, so
# it needs no build.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
script=$here/scripts/qemu-devices.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

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
d=$(dtdir good "backend nic 0xa003e00 79
backend disk 0xa002e00 71" "backend:console=ttyAMA0 bulkhead.sshd=br0:10.0.2.15" "frontend1:quiet")
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
refuse "misaligned address" "$(dtdir misaligned "backend nic 0xa003e10 79" "backend:x")" \
	'"nic" at 0xa003e10, INTID 79 is no transport of QEMU virt' 5555
refuse "address below the transports" "$(dtdir below "backend nic 0x9000000 79" "backend:x")" \
	'"nic" at 0x9000000' 5555
refuse "address past the transports" "$(dtdir past "backend nic 0xa004000 80" "backend:x")" \
	'"nic" at 0xa004000' 5555
refuse "wrong INTID" "$(dtdir intid "backend disk 0xa002e00 72" "backend:x")" \
	'"disk" at 0xa002e00, INTID 72' 5555
refuse "unknown device" "$(dtdir unknown "backend gpu 0xa002e00 71" "backend:x")" \
	'devices\[\]: "gpu" is neither "nic" nor "disk"' 5555
refuse "sshd without an address" \
	"$(dtdir noaddr "backend nic 0xa003e00 79" "backend:bulkhead.sshd=br0")" \
	'vm "backend": bootargs: bulkhead.sshd=br0 has no :ADDR' 5555
refuse "no port for a VM" \
	"$(dtdir noport "backend nic 0xa003e00 79" "backend:x" "frontend1:y")" \
	'no PORT for vm "frontend1"' 5555

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "qemu-devices.sh: every case as documented"
