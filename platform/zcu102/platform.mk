# The Xilinx ZCU102 board as QEMU 7.2 models it (xlnx-zcu102):
# `make PLATFORM=zcu102 ...` (docs/platforms.md, "zcu102").  Without
# virtualization=on the image starts at EL1.
PLAT_QEMU_MACHINE := xlnx-zcu102,virtualization=on
PLAT_BOARD_C      := platform/zcu102/board.c
# QEMU's MPIDR packing as on virt (PLAT_CPUS_PER_CLUSTER), the Cadence UART
# console, and the board's lack of PCI
PLAT_HYP_SRCS     := platform/virt/cpu.c platform/drivers/cdns_uart.c platform/zcu102/pci.c
# QEMU makes no DTB for this machine: it is given this one (mk/platform.mk).
PLAT_DTS          := platform/zcu102/zcu102.dts
# What QEMU must be started with (BUILD/platform.env): the board's RAM (QEMU
# rewrites the DTB's memory node wrongly above 2G), its CPUs (the machine
# ignores -cpu), its second UART as the tests' first extra serial port.
PLAT_QEMU_MEM     := 2G
PLAT_QEMU_CPU     := cortex-a53
PLAT_QEMU_SERIALS := uart
# QEMU's model of the board's NICs, GEM0 to GEM3 (board.c), which its -nic
# options fill in this order (scripts/qemu-devices.sh).
PLAT_QEMU_NIC_MODEL := cadence_gem
PLAT_QEMU_NICS    := GEM0 GEM1 GEM2 GEM3
# The configs that apply to the board: bare-metal tests whose VMs print on
# UART0 and at most one more UART, and the board's own reference system
# (`make run`, the Linux tests).  Left out: every config that passes
# through a PL011, virtio-mmio or pci-serial device, and virt's Linux ones.
PLAT_RUN_CONFIG   := reference-zcu102
PLAT_CONFIGS      := test-idle test-idregs test-irq-sgi test-irq-timer test-smp \
		     test-reset-race test-two-vms test-reset test-irq-uart test-irq-fault \
		     test-rio test-rio-abandon test-rio-deadline test-rio-poll test-rio-storm \
		     $(PLAT_RUN_CONFIG)
