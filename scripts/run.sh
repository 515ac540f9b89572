#!/bin/sh
# `make run`: the reference system (configs/reference.c) on Bulkhead.
#
#   backend    console = this terminal (PL011 UART0, shared with the hypervisor log)
#   frontend1  console = a pty, announced by QEMU as "(label serial1)"
#   frontend2  console = a pty, announced by QEMU as "(label serial2)"
#
# Reach a frontend with `picocom /dev/pts/N` or `screen /dev/pts/N` from another
# terminal; by ssh (scripts/qemu-devices.sh): `ssh -p 5555 root@localhost` the backend (its NIC),
# -p 5556 frontend1 and -p 5557 frontend2 (their virtio-net, bridged in the backend), with
# the user's own key, or `ssh -i build/ssh/id_ed25519 ...` for a user who has none.
# The backend's disk, which holds the frontends' /data, is the image file
# ~/.local/share/bulkhead/CONFIG-disk.img ($XDG_DATA_HOME, or DISK=FILE), kept across
# `make clean` and new clones; delete it (with QEMU stopped) to start afresh.
# Quit everything: Ctrl-a x here (Ctrl-a c toggles the QEMU monitor).
# docs/running.md has the details. CONFIG=NAME boots configs/NAME.c instead; SSH_PORT=N
# forwards the host's 127.0.0.1:N, N+1, ... (one per VM) instead of 5555, 5556, ...;
# SSH_PORTS="A B C" names each VM's port.
set -eu
cd "$(dirname "$0")/.."
# BUILD as make exports it (build/, or build/PLATFORM for another platform)
build=${BUILD:-build}
config=${CONFIG:-reference}
loaders="$build/dt/$config/loaders"
hyp="$build/hyp/$config/bulkhead.bin"
# a board that builds only the configs that fit it (platform.mk PLAT_CONFIGS) says so
configs=$(sed -n 's/^CONFIGS=//p' "$build/platform.env" 2>/dev/null || true)
case " $configs " in
"  " | *" $config "*) ;;
*)
	echo "run.sh: config $config is not built for this platform ($build/platform.env: CONFIGS=$configs)" >&2
	exit 1
	;;
esac
for f in "$loaders" "$build/dt/$config/smp" "$hyp" "$build/platform.env"; do
	[ -f "$f" ] || { echo "run.sh: $f missing: run 'make all' first" >&2; exit 1; }
done

# CPU count and image placement come from the config through tools/dtgen
# (reference: CPUs 0-1 backend, 2 frontend1, 3 frontend2 -> 4).
smp=${SMP:-$(cat "$build/dt/$config/smp")}
# "ADDR FILE" per line
set --
while read -r addr file; do
	set -- "$@" -device "loader,file=$file,addr=$addr,force-raw=on"
done <"$loaders"
# the NIC and disk the config passes through, if any, one argument per line;
# one port per VM of $build/dt/$config/vms; those that serve ssh get a forward
ports=${SSH_PORTS:-}
if [ -z "$ports" ]; then
	port=${SSH_PORT:-5555}
	while read -r _vm; do
		ports="$ports $port"
		port=$((port + 1))
	done <"$build/dt/$config/vms"
fi
# Who may log in (scripts/ssh-client.sh, docs/running.md "Who may log in"): the user's own
# ~/.ssh/id_*.pub, which ssh offers by itself, and the build's key, which it must be told.
if ls "${HOME:-/nonexistent}"/.ssh/id_*.pub >/dev/null 2>&1; then
	SSH_IDENTITY=""
else
	SSH_IDENTITY="$(cd "$build" && pwd)/ssh/id_ed25519"
fi
export SSH_IDENTITY
disk=${DISK:-${XDG_DATA_HOME:-$HOME/.local/share}/bulkhead/$config-disk.img}
# shellcheck disable=SC2086
devices=$(scripts/qemu-devices.sh "$build/dt/$config" "$disk" $ports)
while IFS= read -r arg; do
	[ -z "$arg" ] || set -- "$@" "$arg"
done <<EOF
$devices
EOF

echo "Bulkhead: config \"$config\" -- backend console below; frontends on the ptys QEMU names."
echo "Quit: Ctrl-a x.  Reach a frontend: picocom /dev/pts/N (quit picocom: Ctrl-a Ctrl-x)."
case "$devices" in
*virtio-net-device*) echo "ssh logs in as root with a key only (docs/running.md, \"Who may log in\")." ;;
esac
case "$devices" in
*virtio-blk-device*) echo "The backend's disk (the frontends' /data): $disk" ;;
esac
# the machine of the platform the build is for (platform/NAME/platform.mk)
machine=$(sed -n 's/^QEMU_MACHINE=//p' "$build/platform.env")
exec qemu-system-aarch64 -M "$machine" -cpu cortex-a53 \
	-smp "$smp" -m 1G -nographic -nic none \
	-kernel "$hyp" \
	-serial mon:stdio \
	-chardev pty,id=serial1 -device pci-serial,chardev=serial1 \
	-chardev pty,id=serial2 -device pci-serial,chardev=serial2 \
	"$@"
