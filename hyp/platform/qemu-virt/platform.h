/* SPDX-License-Identifier: MIT */
/*
 * QEMU "virt" machine (hw/arm/virt.c, QEMU 7.2); facts: docs/design.md §2.
 */
#ifndef HYP_PLATFORM_H
#define HYP_PLATFORM_H

#include <stdint.h>

#define PLAT_RAM_BASE	    0x40000000ull
#define PLAT_RAM_MAX	    0xc0000000ull   /* identity-mapped: up to 3 GiB */
#define PLAT_HYP_BASE	    0x40200000ull   /* -kernel load address */
#define PLAT_UART0_BASE	    0x09000000ull   /* PL011, INTID 33 */
#define PLAT_PCIE_ECAM	    0x4010000000ull /* highmem ECAM, 256 buses */
#define PLAT_PCIE_ECAM_SIZE 0x10000000ull
#define PLAT_PCIE_PIO	    0x3eff0000ull /* PCI I/O window, 64 KiB */
#define PLAT_PCIE_PIO_SIZE  0x10000ull
/* Devices of the machine the hypervisor leaves alone (docs/design.md §2.2). */
#define PLAT_FLASH	       0x00000000ull /* two pflash banks */
#define PLAT_FLASH_SIZE	       0x08000000ull
#define PLAT_GIC_ITS	       0x08080000ull
#define PLAT_GIC_ITS_SIZE      0x20000ull
#define PLAT_RTC	       0x09010000ull /* PL031 */
#define PLAT_FW_CFG	       0x09020000ull /* its DMA interface writes any PA */
#define PLAT_GPIO	       0x09030000ull /* PL061 */
#define PLAT_VIRTIO_MMIO       0x0a000000ull /* 32 transports of 0x200 bytes */
#define PLAT_VIRTIO_MMIO_SIZE  0x4000ull
#define PLAT_PLATFORM_BUS      0x0c000000ull
#define PLAT_PLATFORM_BUS_SIZE 0x02000000ull
#define PLAT_PCIE_MMIO	       0x10000000ull /* 32-bit PCI memory window */
#define PLAT_PCIE_MMIO_SIZE    0x2eff0000ull
#define PLAT_PCIE_MMIO_HIGH    0x8000000000ull /* 64-bit PCI memory window (highmem) */
#define PLAT_PCIE_MMIO_HIGH_SZ 0x8000000000ull

/* RAM ranges read from QEMU's DTB (virt has one). */
#define PLAT_MAX_RAM_RANGES 4

/* pci-serial UART n (0, 1) gets I/O page n + 1 (docs/design.md §2.3). */
#define PLAT_PCI_SERIAL_MAX	2
#define PLAT_PCI_SERIAL_PAGE(n) (0x1000u * ((n) + 1))

/* The hypervisor's console: polled PL011 TX. */
void plat_console_putc(char c);

/**
 * plat_pci_init() - give each pci-serial UART its own I/O page
 *
 * Return: number of pci-serial devices set up.
 */
int plat_pci_init(void);

/* Logical CPU index of the calling CPU (MPIDR_EL1.Aff0 on virt). */
unsigned int plat_cpu_index(void);
uint64_t plat_cpu_mpidr(unsigned int cpu);

#endif /* HYP_PLATFORM_H */
