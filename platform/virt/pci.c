// SPDX-License-Identifier: MIT
/*
 * PCI set-up for pass-through UARTs (docs/design.md §2.3).
 *
 * QEMU's pci-serial is a 16550A behind BAR0 (8 bytes of I/O space).  Each
 * one found on bus 0 gets its own 4 KiB page of the I/O window so the page
 * can be mapped into exactly one VM: the n-th UART decodes I/O ports
 * 0x1000 * (n + 1), i.e. CPU address PLAT_PCIE_PIO + 0x1000 * (n + 1).
 * Config space via ECAM (PCI Express Base spec §7.2.2).
 */
#include "hyp.h"
#include "log.h"
#include "platform.h"

#define PCI_VENDOR_ID		  0x00
#define PCI_DEVICE_ID		  0x02
#define PCI_COMMAND		  0x04
#define PCI_COMMAND_IO		  0x1
#define PCI_BASE_ADDRESS_0	  0x10
#define PCI_BASE_ADDRESS_SPACE_IO 0x1
#define PCI_INTERRUPT_PIN	  0x3d

#define PCI_VENDOR_ID_REDHAT	    0x1b36
#define PCI_DEVICE_ID_REDHAT_SERIAL 0x0002 /* QEMU pci-serial */

#define PCI_SLOTS 32

static volatile void *pci_cfg(unsigned int dev, unsigned int off)
{
	/* bus 0, function 0: ECAM offset = dev << 15 | off */
	return (volatile void *)(uintptr_t)(PLAT_PCIE_ECAM + ((uint64_t)dev << 15) + off);
}

static uint32_t pci_read32(unsigned int dev, unsigned int off)
{
	return *(volatile uint32_t *)pci_cfg(dev, off);
}

static void pci_write32(unsigned int dev, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)pci_cfg(dev, off) = v;
}

static void pci_serial_setup(unsigned int dev, int n)
{
	uint32_t port = PLAT_PCI_SERIAL_PAGE(n);
	uint8_t pin = *(volatile uint8_t *)pci_cfg(dev, PCI_INTERRUPT_PIN);
	uint32_t intid = 0;

	pci_write32(dev, PCI_BASE_ADDRESS_0, port | PCI_BASE_ADDRESS_SPACE_IO);
	pci_write32(dev, PCI_COMMAND, pci_read32(dev, PCI_COMMAND) | PCI_COMMAND_IO);
	if (pin)
		intid = PLAT_PCIE_INTID(dev, pin);
	hyp_log("bulkhead: pci 00:%02x.0 pci-serial %d: I/O 0x%x = PA 0x%llx, INTID %u\n", dev, n,
		port, (unsigned long long)(PLAT_PCIE_PIO + port), intid);
}

int plat_pci_init(void)
{
	unsigned int dev;
	int n = 0;

	for (dev = 0; dev < PCI_SLOTS && n < PLAT_PCI_SERIAL_MAX; dev++) {
		uint32_t id = pci_read32(dev, PCI_VENDOR_ID);

		if ((id & 0xffff) != PCI_VENDOR_ID_REDHAT ||
		    (id >> 16) != PCI_DEVICE_ID_REDHAT_SERIAL)
			continue;
		pci_serial_setup(dev, n++);
	}
	return n;
}
