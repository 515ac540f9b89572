#!/bin/sh
# A board's addresses are written once, in platform/NAME/ (docs/platforms.md):
# each device address a board's description defines (its GIC frames, its
# console UART, its virtio-mmio transports, the hypervisor's load address)
# appears nowhere else in the code, configs, scripts or tests.  docs/ may
# quote them.
set -u
cd "$(dirname "$0")/../.." || exit 1
names='PLAT_GICD_BASE PLAT_GICR_BASE PLAT_GICC_BASE PLAT_GICH_BASE PLAT_GICV_BASE
PLAT_UART0_BASE PLAT_VIRTIO_MMIO PLAT_HYP_BASE'
fails=0 checked=0
for h in platform/*/*.h; do
	for n in $names; do
		v=$(sed -n "s/^#define[[:space:]]*$n[[:space:]]*\(0x[0-9a-fA-F]*\).*/\1/p" "$h")
		[ -n "$v" ] || continue
		checked=$((checked + 1))
		# the value with or without leading zeros and a C suffix
		digits=$(printf '%s' "${v#0x}" | sed 's/^0*//')
		hits=$(git grep -n -i -E "0x0*${digits}(ull|ul|u)?([^0-9a-z_]|\$)" -- . \
			':!platform/' ':!docs/' 2>/dev/null)
		if [ -n "$hits" ]; then
			echo "FAIL: $n ($v, $h) written outside platform/:"
			printf '%s\n' "$hits" | sed 's/^/  /'
			fails=$((fails + 1))
		fi
	done
done
[ "$checked" -gt 0 ] || { echo "FAIL: no address found in platform/*/*.h"; exit 1; }
echo "platform-facts: $checked address(es) of the boards, $fails written elsewhere"
[ "$fails" -eq 0 ]
