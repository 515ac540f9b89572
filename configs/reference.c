// SPDX-License-Identifier: MIT
/*
 * The reference system (docs/design.md §1): three Linux VMs.
 *
 *   backend    2 vCPUs on CPUs 0-1, 256 MiB, owns PL011 UART0 (INTID 33) and the NIC
 *              (virtio-net on QEMU's virtio-mmio transport 31, INTID 79; ssh on it)
 *   frontend1  1 vCPU on CPU 2, 128 MiB, first pci-serial (I/O page 1, INTID 36)
 *   frontend2  1 vCPU on CPU 3, 128 MiB, second pci-serial (I/O page 2, INTID 37)
 *
 * Each frontend has two remote-I/O devices served by the backend's device
 * model, in one shared window: a virtio-console (its hvc0) and a
 * virtio-net (its eth0, bridged with the NIC in the backend).
 *
 * The memory map is in configs/reference-layout.h.  Every VM sees its RAM
 * at IPA 0x40000000 (like QEMU virt) and its images inside it.  The images are *copied* from their
 * pristine copies at boot and on the VM's own SYSTEM_RESET (struct bh_image), so a VM that reboots
 * (panic=-1 below) starts clean without touching the others.  Which file
 * goes where, and each VM's device tree, come from this file through
 * tools/dtgen (docs/devicetree.md); nothing else repeats these addresses.
 */
#include "configs/reference-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "reference",
	.vms = {
		{
			.name = "backend",
			.cpus = 0x3,
			.entry = GUEST_KERNEL,
			.x0 = GUEST_DTB,
			.bootargs = "console=ttyAMA0 panic=-1 bulkhead.name=backend "
				    "bulkhead.sshd=br0:10.0.2.15",
			/*
			 * Trusted for memory isolation: its NIC is a bus master
			 * with no IOMMU in front of it (BH_DEV_DMA), which can
			 * reach all physical memory.
			 */
			.flags = BH_VM_DMA_TRUSTED,
			.mem = {
				{ .ipa = GUEST_RAM, .size = BACKEND_RAM,
				  .pa = BACKEND_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
				{ .ipa = BE_WINDOW(0), .size = SHMEM_SIZE,
				  .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 0 },
				{ .ipa = BE_WINDOW(1), .size = SHMEM_SIZE,
				  .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 1 },
				[BACKEND_NIC_POOL] = { .ipa = NIC_POOL, .size = NIC_POOL_SIZE,
						       .flags = BH_MEM_RW },
			},
			.images = LINUX_IMAGES(0),
			.devices = {
				{ .name = "uart0", .kind = BH_DEV_PL011,
				  .ipa = UART0, .pa = UART0, .size = UART_PAGE,
				  .intid = UART0_INTID },
				{ .name = "nic", .kind = BH_DEV_VIRTIO_MMIO,
				  .ipa = NIC_PAGE, .pa = NIC_PAGE, .size = BH_PAGE_SIZE,
				  .mmio_offset = NIC_MMIO_OFFSET, .intid = NIC_INTID,
				  .flags = BH_DEV_DMA, .dma_pool = BACKEND_NIC_POOL },
			},
			.irqs = { UART0_INTID, NIC_INTID },
		},
		{
			.name = "frontend1",
			.cpus = 0x4,
			.entry = GUEST_KERNEL,
			.x0 = GUEST_DTB,
			.bootargs = "console=ttyS0 panic=-1 bulkhead.name=frontend1 "
				    "bulkhead.sshd=eth0:10.0.2.16",
			.mem = {
				{ .ipa = GUEST_RAM, .size = FRONTEND_RAM,
				  .pa = FRONTEND1_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
				{ .ipa = FE_WINDOW, .size = SHMEM_SIZE,
				  .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 0 },
			},
			.images = LINUX_IMAGES(1),
			.devices = {
				{ .name = "serial1", .kind = BH_DEV_NS16550,
				  .ipa = PCI_SERIAL0, .pa = PCI_SERIAL0,
				  .size = UART_PAGE, .intid = PCI_SLOT1_INTID },
			},
			.irqs = { PCI_SLOT1_INTID },
		},
		{
			.name = "frontend2",
			.cpus = 0x8,
			.entry = GUEST_KERNEL,
			.x0 = GUEST_DTB,
			.bootargs = "console=ttyS0 panic=-1 bulkhead.name=frontend2 "
				    "bulkhead.sshd=eth0:10.0.2.17",
			.mem = {
				{ .ipa = GUEST_RAM, .size = FRONTEND_RAM,
				  .pa = FRONTEND2_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
				{ .ipa = FE_WINDOW, .size = SHMEM_SIZE,
				  .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 1 },
			},
			.images = LINUX_IMAGES(2),
			.devices = {
				{ .name = "serial2", .kind = BH_DEV_NS16550,
				  .ipa = PCI_SERIAL1, .pa = PCI_SERIAL1,
				  .size = UART_PAGE, .intid = PCI_SLOT2_INTID },
			},
			.irqs = { PCI_SLOT2_INTID },
		},
	},
	.shmem = {
		{ .name = "virtio-frontend1", .pa = SHMEM_FE1_PA, .size = SHMEM_SIZE },
		{ .name = "virtio-frontend2", .pa = SHMEM_FE2_PA, .size = SHMEM_SIZE },
	},
	/* the device model finds them by name: /sys/class/uio/uioN/name */
	.virtio = {
		{ .name = "console-frontend1", .device_id = VIRTIO_ID_CONSOLE,
		  .frontend = 1, .mmio_ipa = FE_VIRTIO_MMIO,
		  .intid = FE_VIRTIO_INTID, .shmem = 0,
		  .backend = 0, .backend_intid = BE_VIRTIO_INTID(0),
		  .ctrl_ipa = BE_CTRL(0), .doorbell_ipa = BE_DOORBELL(0) },
		{ .name = "console-frontend2", .device_id = VIRTIO_ID_CONSOLE,
		  .frontend = 2, .mmio_ipa = FE_VIRTIO_MMIO,
		  .intid = FE_VIRTIO_INTID, .shmem = 1,
		  .backend = 0, .backend_intid = BE_VIRTIO_INTID(1),
		  .ctrl_ipa = BE_CTRL(1), .doorbell_ipa = BE_DOORBELL(1) },
		{ .name = "net-frontend1", .device_id = VIRTIO_ID_NET,
		  .frontend = 1, .mmio_ipa = FE_NET_MMIO,
		  .intid = FE_NET_INTID, .shmem = 0,
		  .backend = 0, .backend_intid = BE_VIRTIO_INTID(BE_NET(1)),
		  .ctrl_ipa = BE_CTRL(BE_NET(1)),
		  .doorbell_ipa = BE_DOORBELL(BE_NET(1)) },
		{ .name = "net-frontend2", .device_id = VIRTIO_ID_NET,
		  .frontend = 2, .mmio_ipa = FE_NET_MMIO,
		  .intid = FE_NET_INTID, .shmem = 1,
		  .backend = 0, .backend_intid = BE_VIRTIO_INTID(BE_NET(2)),
		  .ctrl_ipa = BE_CTRL(BE_NET(2)),
		  .doorbell_ipa = BE_DOORBELL(BE_NET(2)) },
	},
};
