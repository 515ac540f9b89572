// SPDX-License-Identifier: MIT
/*
 * QEMU virt as a struct bh_platform, for the host tools
 * (include/bulkhead/platform.h).  Every value comes from plat_desc.h, so
 * platform/virt and platform/virt-gicv2 share this file and differ only in
 * their GIC.
 */
#include <bulkhead/config.h>
#include <bulkhead/platform.h>
#include <plat_desc.h>

#include "platform/board_desc.h"

/* pci-serial k (1, 2): the I/O page the hypervisor gives it, INTA of PCI slot k. */
#define VIRT_PCI_SERIAL(k)                                                           \
	{                                                                            \
		.name = "serial" #k, .kind = BH_DEV_NS16550,                         \
		.base = PLAT_PCIE_PIO + PLAT_PCI_SERIAL_PAGE((k)-1), .size = 0x1000, \
		.intid = PLAT_PCIE_INTID(k, 1)                                       \
	}

const struct bh_platform bh_platform = {
	BH_PLAT_DESC_FIELDS,
	.uart = { BH_PLAT_DESC_UART0, VIRT_PCI_SERIAL(1), VIRT_PCI_SERIAL(2) },
	.virtio_mmio = { .base = PLAT_VIRTIO_MMIO,
			 .count = PLAT_VIRTIO_MMIO_COUNT,
			 .stride = PLAT_VIRTIO_MMIO_STRIDE,
			 .first_intid = PLAT_VIRTIO_MMIO_FIRST_INTID },
	.pci = { .ecam = PLAT_PCIE_ECAM,
		 .ecam_size = PLAT_PCIE_ECAM_SIZE,
		 .pio = PLAT_PCIE_PIO,
		 .pio_size = PLAT_PCIE_PIO_SIZE,
		 .first_intid = PLAT_PCIE_FIRST_INTID },
	.mmio = { { PLAT_FLASH, PLAT_FLASH_SIZE, "the flash" },
		  { PLAT_GIC_ITS, PLAT_GIC_ITS_SIZE, "the GIC ITS" },
		  { PLAT_RTC, 0x1000, "the RTC" },
		  { PLAT_FW_CFG, 0x1000, "fw_cfg" },
		  { PLAT_GPIO, 0x1000, "the GPIO controller" },
		  { PLAT_VIRTIO_MMIO, PLAT_VIRTIO_MMIO_SIZE, "the virtio-mmio transports" },
		  { PLAT_PLATFORM_BUS, PLAT_PLATFORM_BUS_SIZE, "the platform bus" },
		  { PLAT_PCIE_PIO, PLAT_PCIE_PIO_SIZE, "the PCI I/O window" },
		  { PLAT_PCIE_MMIO, PLAT_PCIE_MMIO_SIZE, "the PCI memory window" },
		  { PLAT_PCIE_MMIO_HIGH, PLAT_PCIE_MMIO_HIGH_SZ, "the 64-bit PCI memory window" },
		  { PLAT_PCIE_ECAM, PLAT_PCIE_ECAM_SIZE, "the PCIe ECAM" } },
};
