/* SPDX-License-Identifier: MIT */
/*
 * The reference system on QEMU virt (configs/reference.c), shared with the
 * configs that vary it (configs/test-rio-hostile.c), so the layout is
 * written once: the memory map, images and remote-I/O devices of every
 * board (configs/reference-common.h), and what the VMs own of virt's
 * devices: the backend PL011 UART0, the NIC and the disk (QEMU's own
 * virtio-mmio devices), each frontend a pci-serial UART.
 */
#ifndef BULKHEAD_REFERENCE_LAYOUT_H
#define BULKHEAD_REFERENCE_LAYOUT_H

#include "configs/qemu-virt.h"
#include "configs/reference-common.h"

/*
 * The backend's NIC (docs/config.md, "DMA-capable devices"): QEMU's
 * virtio-net-device, which takes the highest virtio-mmio transport (31;
 * docs/design.md §2.2).  The backend gets the 4 KiB
 * page of transports 24..31 (the others are empty) at the same IPA, and
 * NIC_POOL as the pool all its DMA goes through.
 * The frontends' emulated consoles use the same IPA and INTID in their own
 * address spaces and vGICs; nothing of theirs reaches the physical ones.
 */
#define NIC_PAGE	(PLAT_VIRTIO_MMIO_SLOT(31) & ~(BH_PAGE_SIZE - 1))
#define NIC_MMIO_OFFSET (PLAT_VIRTIO_MMIO_SLOT(31) - NIC_PAGE)
#define NIC_INTID	PLAT_VIRTIO_MMIO_INTID(31)

/*
 * The backend's disk (docs/running.md, "Storage"): QEMU's virtio-blk-device
 * on transport 23, the highest one of the
 * page below the NIC's: QEMU would put a second device on transport 30, in
 * the NIC's page, but the stage 2 maps whole pages, and a page of its own
 * keeps one device per mapping (scripts/qemu-devices.sh asks QEMU for the
 * transport by its bus name).  Its own 16 MiB identity-mapped DMA pool.
 */
#define DISK_PAGE	  (PLAT_VIRTIO_MMIO_SLOT(23) & ~(BH_PAGE_SIZE - 1))
#define DISK_MMIO_OFFSET  (PLAT_VIRTIO_MMIO_SLOT(23) - DISK_PAGE)
#define DISK_INTID	  PLAT_VIRTIO_MMIO_INTID(23)
#define DISK_POOL	  REF_PA(0x33000000ull)
#define DISK_POOL_SIZE	  (16 * MiB)
#define BACKEND_DISK_POOL 4 /* index in the backend's mem[] */

/* A frontend: @k (1 or 2) on CPU k + 1, its RAM at @ram_pa, pci-serial k its console. */
#define REF_FRONTEND(k, ram_pa, args)                                         \
	REF_LINUX_VM("frontend" #k, 0x2ull << (k), k, "console=ttyS0 " args), \
		.mem = { REF_RAM(FRONTEND_RAM, ram_pa), REF_FE_WINDOW(k) },   \
		.devices = { VIRT_DEV_PCI_SERIAL(k) }, .irqs = { VIRT_PCI_SERIAL_INTID(k) }

/*
 * The backend of the reference system: CPUs 0-1, UART0 and the NIC.  Trusted
 * for memory isolation: its NIC is a bus master with no IOMMU in front of
 * it (BH_DEV_DMA), which can reach all physical memory.
 */
#define REF_BACKEND \
	REF_LINUX_VM("backend", 0x3, 0, "console=ttyAMA0 bulkhead.sshd=br0:10.0.2.15"),        \
		.flags = BH_VM_DMA_TRUSTED,                                                    \
		.mem = {                                                                       \
			REF_RAM(BACKEND_RAM, BACKEND_PA),                                      \
			REF_BE_WINDOW(1),                                                      \
			REF_BE_WINDOW(2),                                                      \
			[BACKEND_NIC_POOL] = { .ipa = NIC_POOL,                                \
					       .size = NIC_POOL_SIZE,                          \
					       .flags = BH_MEM_RW },                           \
			[BACKEND_DISK_POOL] = { .ipa = DISK_POOL,                              \
						.size = DISK_POOL_SIZE,                        \
						.flags = BH_MEM_RW },                          \
		},                                                                             \
		.devices = {                                                                   \
			VIRT_DEV_UART0,                                                        \
			{ .name = "nic",                                                       \
			  .kind = BH_DEV_VIRTIO_MMIO,                                          \
			  .ipa = NIC_PAGE,                                                     \
			  .pa = NIC_PAGE,                                                      \
			  .size = BH_PAGE_SIZE,                                                \
			  .mmio_offset = NIC_MMIO_OFFSET,                                      \
			  .intid = NIC_INTID,                                                  \
			  .flags = BH_DEV_DMA,                                                 \
			  .dma_pool = BACKEND_NIC_POOL },                                      \
			{ .name = "disk",                                                      \
			  .kind = BH_DEV_VIRTIO_MMIO,                                          \
			  .ipa = DISK_PAGE,                                                    \
			  .pa = DISK_PAGE,                                                     \
			  .size = BH_PAGE_SIZE,                                                \
			  .mmio_offset = DISK_MMIO_OFFSET,                                     \
			  .intid = DISK_INTID,                                                 \
			  .flags = BH_DEV_DMA,                                                 \
			  .dma_pool = BACKEND_DISK_POOL },                                     \
		},                                                                             \
		.irqs = { VIRT_UART0_INTID, NIC_INTID, DISK_INTID }

#endif /* BULKHEAD_REFERENCE_LAYOUT_H */
