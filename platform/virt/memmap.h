/* SPDX-License-Identifier: MIT */
/*
 * QEMU 7.2 "virt" machine: the memory map and INTIDs both of its GIC
 * variants share (hw/arm/virt.c, base_memmap[] and a15irqmap[];
 * docs/platforms.md "virt").  Written here once; plat_desc.h of
 * platform/virt and platform/virt-gicv2 add their GIC frames.
 */
#ifndef BH_PLAT_VIRT_MEMMAP_H
#define BH_PLAT_VIRT_MEMMAP_H

#define PLAT_CPUS 8 /* what the hypervisor manages (BH_MAX_CPUS) */

/*
 * RAM: -m up to 3 GiB, identity-mapped at EL2 from RAM_BASE; the configs
 * assume -m 1G.  QEMU loads -kernel (the hypervisor) at RAM_BASE + 2 MiB;
 * the hypervisor keeps the first 16 MiB.  QEMU puts its DTB at RAM_BASE +
 * 128 MiB when -kernel is given (hw/arm/boot.c), 2 MiB at most.
 */
#define PLAT_RAM_BASE	     0x40000000ull
#define PLAT_RAM_MAX	     0xc0000000ull
#define PLAT_RAM_MIN_SIZE    0x40000000ull
#define PLAT_MAX_RAM_RANGES  4
#define PLAT_HYP_BASE	     0x40200000 /* no suffix: the linker script reads it */
#define PLAT_HYP_RESERVED    PLAT_RAM_BASE
#define PLAT_HYP_RESERVED_SZ 0x01000000ull
#define PLAT_QEMU_DTB	     0x48000000ull
#define PLAT_QEMU_DTB_SIZE   0x00200000ull

/* GICD, ITS and GICR (v3) or GICC/GICH/GICV (v2): only the hypervisor maps them. */
#define PLAT_GICD_BASE	     0x08000000ull
#define PLAT_GIC_WINDOW	     PLAT_GICD_BASE
#define PLAT_GIC_WINDOW_SIZE 0x01000000ull
#define PLAT_GIC_MAINT_INTID 25 /* PPI */

/* The hypervisor's console, also the first VM-owned UART: a PL011. */
#define PLAT_UART0_KIND	 BH_DEV_PL011 /* enum bh_dev_kind, <bulkhead/config.h> */
#define PLAT_UART0_BASE	 0x09000000ull
#define PLAT_UART0_SIZE	 0x1000ull
#define PLAT_UART0_INTID 33 /* SPI 1 */

/* EL1 timers and the EL2 one (Arm ARM D11.2; virt's DT "arm,armv8-timer"). */
#define PLAT_TIMER_PHYS_INTID 30
#define PLAT_TIMER_VIRT_INTID 27
#define PLAT_TIMER_HYP_INTID  26

/* 32 virtio-mmio transports of 0x200 bytes, transport n on SPI 16 + n. */
#define PLAT_VIRTIO_MMIO	     0x0a000000ull
#define PLAT_VIRTIO_MMIO_SIZE	     0x4000ull
#define PLAT_VIRTIO_MMIO_COUNT	     32
#define PLAT_VIRTIO_MMIO_STRIDE	     0x200ull
#define PLAT_VIRTIO_MMIO_FIRST_INTID 48
#define PLAT_VIRTIO_MMIO_SLOT(n)     (PLAT_VIRTIO_MMIO + (n)*PLAT_VIRTIO_MMIO_STRIDE)
#define PLAT_VIRTIO_MMIO_INTID(n)    (PLAT_VIRTIO_MMIO_FIRST_INTID + (n))

/* PCIe host bridge: highmem ECAM of 256 buses, I/O and memory windows. */
#define PLAT_PCIE_ECAM	       0x4010000000ull
#define PLAT_PCIE_ECAM_SIZE    0x10000000ull
#define PLAT_PCIE_PIO	       0x3eff0000ull /* 64 KiB of I/O space */
#define PLAT_PCIE_PIO_SIZE     0x10000ull
#define PLAT_PCIE_MMIO	       0x10000000ull /* 32-bit memory window */
#define PLAT_PCIE_MMIO_SIZE    0x2eff0000ull
#define PLAT_PCIE_MMIO_HIGH    0x8000000000ull /* 64-bit memory window (highmem) */
#define PLAT_PCIE_MMIO_HIGH_SZ 0x8000000000ull
/* INTx of slot s, pin p (1 = INTA): SPI 3 + (s + p - 1) % 4 */
#define PLAT_PCIE_FIRST_INTID	   35
#define PLAT_PCIE_INTID(slot, pin) (PLAT_PCIE_FIRST_INTID + ((slot) + (pin)-1) % 4)

/* pci-serial UART n (0, 1) gets I/O page n + 1 (docs/design.md §2.3). */
#define PLAT_PCI_SERIAL_MAX	2
#define PLAT_PCI_SERIAL_PAGE(n) (0x1000u * ((n) + 1))

/* Devices of the machine the hypervisor leaves alone (docs/design.md §2.2). */
#define PLAT_FLASH	       0x00000000ull /* two pflash banks */
#define PLAT_FLASH_SIZE	       0x08000000ull
#define PLAT_GIC_ITS	       0x08080000ull
#define PLAT_GIC_ITS_SIZE      0x20000ull
#define PLAT_RTC	       0x09010000ull /* PL031 */
#define PLAT_FW_CFG	       0x09020000ull /* its DMA interface writes any PA */
#define PLAT_GPIO	       0x09030000ull /* PL061 */
#define PLAT_PLATFORM_BUS      0x0c000000ull
#define PLAT_PLATFORM_BUS_SIZE 0x02000000ull

/* Unmapped physical addresses abort (a guest's stray access is a fault). */
#define PLAT_UNMAPPED_ABORTS 1

#endif /* BH_PLAT_VIRT_MEMMAP_H */
