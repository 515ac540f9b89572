# QEMU virt with a GICv2 (GIC-400-like, with the virtualization extensions):
# `make PLATFORM=virt-gicv2 ...` (docs/platforms.md).  The machine is virt's:
# its board code and struct are shared, plat_desc.h differs in the GIC.
PLAT_QEMU_MACHINE := virt,virtualization=on,gic-version=2
PLAT_BOARD_C      := platform/virt/board.c
PLAT_HYP_SRCS     := platform/virt/cpu.c platform/virt/pci.c platform/drivers/pl011.c
