#!/bin/sh
# `make run`: the reference system of the platform built (BUILD/platform.env RUN_CONFIG:
# configs/reference.c on QEMU virt, configs/reference-zcu102.c on the ZCU102).
#
#   backend    console = this terminal (UART0, shared with the hypervisor log)
#   frontend1  console = a pty, announced by QEMU as "(label serial1)"
#   frontend2  console = a pty, announced by QEMU as "(label serial2)"; on a board with one
#              UART besides UART0 (zcu102) it has none: its console is its hvc0, which the
#              backend serves: `ssh -t -p 5555 root@localhost bulkhead-console frontend2`
#
# Reach a frontend with `picocom /dev/pts/N` or `screen /dev/pts/N` from another
# terminal; by ssh (scripts/qemu-devices.sh): `ssh -p 5555 root@localhost` the backend (its NIC),
# -p 5556 frontend1 and -p 5557 frontend2 (their virtio-net, bridged in the backend), with
# the user's own key, or `ssh -i build/ssh/id_ed25519 ...` for a user who has none.
# The backend's disk (virt), which holds the frontends' /data, is the image file
# ~/.local/share/bulkhead/CONFIG-disk.img ($XDG_DATA_HOME, or DISK=FILE), kept across
# `make clean` and new clones; delete it (with QEMU stopped) to start afresh.
# Quit everything: Ctrl-a x here (Ctrl-a c toggles the QEMU monitor).
# docs/running.md has the details. CONFIG=NAME boots configs/NAME.c instead; SSH_PORT=N
# forwards the host's 127.0.0.1:N, N+1, ... (one per VM) instead of 5555, 5556, ...;
# SSH_PORTS="A B C" names each VM's port.  What QEMU must be started with for the board
# (-m, -cpu, -dtb, whether the frontends' UARTs are pci-serial or the board's own) is in
# BUILD/platform.env (docs/platforms.md).
set -eu
cd "$(dirname "$0")/.."
# BUILD as make exports it (build/, or build/PLATFORM for another platform)
build=${BUILD:-build}
penv="$build/platform.env"
[ -f "$penv" ] || { echo "run.sh: $penv missing: run 'make all' first" >&2; exit 1; }
# a fact of the board (BUILD/platform.env), or $2 if it has none
fact() {
	v=$(sed -n "s/^$1=//p" "$penv")
	echo "${v:-${2:-}}"
}
config=${CONFIG:-$(fact RUN_CONFIG reference)}
loaders="$build/dt/$config/loaders"
hyp="$build/hyp/$config/bulkhead.bin"
# a board that builds only the configs that fit it (platform.mk PLAT_CONFIGS) says so
configs=$(fact CONFIGS)
case " $configs " in
"  " | *" $config "*) ;;
*)
	echo "run.sh: config $config is not built for this platform ($penv: CONFIGS=$configs)" >&2
	exit 1
	;;
esac
for f in "$loaders" "$build/dt/$config/smp" "$hyp"; do
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

# the frontends' consoles: pci-serial ptys, or the board's own UARTs after UART0
# (QEMU_SERIALS=uart), each a pty QEMU names by its label serialN
n=1
while [ "$n" -le 2 ]; do
	if [ "$(fact QEMU_SERIALS)" = uart ]; then
		[ -n "$(fact "UART${n}_NAME")" ] || break
		set -- "$@" -chardev "pty,id=serial$n" -serial "chardev:serial$n"
	else
		set -- "$@" -chardev "pty,id=serial$n" -device "pci-serial,chardev=serial$n"
	fi
	n=$((n + 1))
done
dtb=$(fact QEMU_DTB)
[ -z "$dtb" ] || set -- "$@" -dtb "$build/$dtb"

echo "Bulkhead: config \"$config\" -- backend console below; frontends on the ptys QEMU names."
echo "Quit: Ctrl-a x.  Reach a frontend: picocom /dev/pts/N (quit picocom: Ctrl-a Ctrl-x)."
# a VM without a UART (console=hvc0): its console is served in the backend, the first VM
# shellcheck disable=SC2086 # one port a word
backend_port=$(echo $ports | cut -d' ' -f1)
while read -r vm; do
	if grep -q 'bootargs = ".*console=hvc0' "$build/dt/$config/$vm.dts"; then
		echo "$vm has no UART: its console is its hvc0, served in the backend:" \
			"ssh -t${SSH_IDENTITY:+ -i $SSH_IDENTITY} -p $backend_port root@localhost" \
			"bulkhead-console $vm (quit: Ctrl-x)."
	fi
done <"$build/dt/$config/vms"
case "$devices" in
*hostfwd=*) echo "ssh logs in as root with a key only (docs/running.md, \"Who may log in\")." ;;
esac
case "$devices" in
*virtio-blk-device*) echo "The backend's disk (the frontends' /data): $disk" ;;
esac
# the machine of the platform the build is for (platform/NAME/platform.mk), its fixed RAM
# size and CPU model if it has them; no host sound card for a board's audio device (zcu102's
# DisplayPort), instead of a failed attempt at every audio backend on the terminal
exec qemu-system-aarch64 -M "$(fact QEMU_MACHINE)" -cpu "$(fact QEMU_CPU cortex-a53)" \
	-smp "$smp" -m "$(fact QEMU_MEM 1G)" -nographic -nic none -audiodev none,id=noaudio \
	-kernel "$hyp" \
	-serial mon:stdio \
	"$@"
