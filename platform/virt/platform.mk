# QEMU virt with a GICv3: the default platform (docs/platforms.md).
# What make needs beyond the board's facts, which are in plat_desc.h (the GIC
# version is read from there by mk/platform.mk).
PLAT_QEMU_MACHINE := virt,virtualization=on,gic-version=3
# The board as a struct bh_platform, for the host tools
PLAT_BOARD_C      := platform/virt/board.c
# The hypervisor's board code and console driver
PLAT_HYP_SRCS     := platform/virt/cpu.c platform/virt/pci.c platform/drivers/pl011.c
