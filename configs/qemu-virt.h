/* SPDX-License-Identifier: MIT */
/*
 * The UARTs QEMU virt (platform/virt/memmap.h) gives every config, said once
 * for the reference system (configs/reference-layout.h) and the tests
 * (configs/test-layout.h): PL011 UART0 and the pci-serial UARTs the platform code places
 * (docs/design.md §2.3), as addresses, INTIDs and .devices[] elements.
 * Plain #defines: compiled into the hypervisor and the host tools alike.
 */
#ifndef CONFIGS_QEMU_VIRT_H
#define CONFIGS_QEMU_VIRT_H

#include <bulkhead/config.h>
#include <plat_desc.h>

#define VIRT_UART0	 PLAT_UART0_BASE
#define VIRT_UART0_INTID PLAT_UART0_INTID

/*
 * pci-serial k (1 or 2: "serialk" in the configs, "serk" in the bare-metal
 * tests, counted from 1 everywhere): the platform code gives it I/O page k
 * of the PCI I/O window; it sits in PCI slot k, whose INTA is its INTID.
 */
#define VIRT_PCI_SERIAL(k)	 (PLAT_PCIE_PIO + PLAT_PCI_SERIAL_PAGE((k)-1))
#define VIRT_PCI_SERIAL_INTID(k) PLAT_PCIE_INTID(k, 1)

/* .devices[]: UART0 passed through 1:1. */
#define VIRT_DEV_UART0                                                                      \
	{                                                                                   \
		.name = "uart0", .kind = BH_DEV_PL011, .ipa = VIRT_UART0, .pa = VIRT_UART0, \
		.size = BH_PAGE_SIZE, .intid = VIRT_UART0_INTID                             \
	}

/* .devices[]: pci-serial @k (a literal 1 or 2) passed through 1:1. */
#define VIRT_DEV_PCI_SERIAL(k)                                                                    \
	{                                                                                         \
		.name = "serial" #k, .kind = BH_DEV_NS16550, .ipa = VIRT_PCI_SERIAL(k),           \
		.pa = VIRT_PCI_SERIAL(k), .size = BH_PAGE_SIZE, .intid = VIRT_PCI_SERIAL_INTID(k) \
	}

#endif /* CONFIGS_QEMU_VIRT_H */
