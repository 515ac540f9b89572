// SPDX-License-Identifier: MIT
/*
 * The reference system (docs/design.md §1): three Linux VMs.
 *
 *   backend    2 vCPUs on CPUs 0-1, 256 MiB, owns PL011 UART0 (INTID 33), the NIC
 *              (virtio-net on QEMU's virtio-mmio transport 31, INTID 79; ssh on it) and
 *              the disk (virtio-blk on transport 23, INTID 71; the frontends' images)
 *   frontend1  1 vCPU on CPU 2, 128 MiB, first pci-serial (I/O page 1, INTID 36)
 *   frontend2  1 vCPU on CPU 3, 128 MiB, second pci-serial (I/O page 2, INTID 37)
 *
 * Each frontend has three remote-I/O devices served by the backend's device
 * model, in one shared window: a virtio-console (its hvc0), a virtio-net
 * (its eth0, bridged with the NIC in the backend) and a virtio-blk (its
 * /dev/vda, an image file on the backend's disk).
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
			REF_LINUX_VM("backend", 0x3, 0,
				     "console=ttyAMA0 bulkhead.sshd=br0:10.0.2.15"),
			/*
			 * Trusted for memory isolation: its NIC and disk are bus
			 * masters with no IOMMU in front of them (BH_DEV_DMA),
			 * which can reach all physical memory.
			 */
			.flags = BH_VM_DMA_TRUSTED,
			.mem = {
				REF_RAM(BACKEND_RAM, BACKEND_PA),
				REF_BE_WINDOW(1),
				REF_BE_WINDOW(2),
				[BACKEND_NIC_POOL] = { .ipa = NIC_POOL, .size = NIC_POOL_SIZE,
						       .flags = BH_MEM_RW },
				[BACKEND_DISK_POOL] = { .ipa = DISK_POOL, .size = DISK_POOL_SIZE,
							.flags = BH_MEM_RW },
			},
			.devices = {
				VIRT_DEV_UART0,
				{ .name = "nic", .kind = BH_DEV_VIRTIO_MMIO,
				  .ipa = NIC_PAGE, .pa = NIC_PAGE, .size = BH_PAGE_SIZE,
				  .mmio_offset = NIC_MMIO_OFFSET, .intid = NIC_INTID,
				  .flags = BH_DEV_DMA, .dma_pool = BACKEND_NIC_POOL },
				{ .name = "disk", .kind = BH_DEV_VIRTIO_MMIO,
				  .ipa = DISK_PAGE, .pa = DISK_PAGE, .size = BH_PAGE_SIZE,
				  .mmio_offset = DISK_MMIO_OFFSET, .intid = DISK_INTID,
				  .flags = BH_DEV_DMA, .dma_pool = BACKEND_DISK_POOL },
			},
			.irqs = { VIRT_UART0_INTID, NIC_INTID, DISK_INTID },
		},
		{ REF_FRONTEND(1, FRONTEND1_PA, "bulkhead.sshd=eth0:10.0.2.16") },
		{ REF_FRONTEND(2, FRONTEND2_PA, "bulkhead.sshd=eth0:10.0.2.17") },
	},
	.shmem = { REF_SHMEM },
	/* the device model finds them by name: /sys/class/uio/uioN/name */
	.virtio = { REF_CONSOLE(1), REF_CONSOLE(2), REF_NET(1), REF_NET(2), REF_BLK(1),
		    REF_BLK(2) },
};
