// SPDX-License-Identifier: MIT
/*
 * The reference system with a hostile frontend2 (tests/system/test_rio_hostile.py):
 * backend (without the NIC, which this test does not need) and frontend1 as
 * configs/reference.c (Linux, dtgen device trees), frontend2 replaced by
 * guest/baremetal/rio_hostile, which sets up its virtio console and then writes a bad descriptor
 * and avail index.  The device model in the backend must mark that device broken and keep serving
 * frontend1.
 */
#include "configs/reference-layout.h"
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-rio-hostile",
	.vms = {
		{
			.name = "backend",
			.cpus = 0x3,
			.entry = GUEST_KERNEL,
			.x0 = GUEST_DTB,
			.bootargs = "console=ttyAMA0 panic=-1 bulkhead.name=backend",
			.mem = {
				{ .ipa = GUEST_RAM, .size = BACKEND_RAM,
				  .pa = BACKEND_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
				{ .ipa = BE_WINDOW(0), .size = SHMEM_SIZE,
				  .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 0 },
				{ .ipa = BE_WINDOW(1), .size = SHMEM_SIZE,
				  .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 1 },
			},
			.images = LINUX_IMAGES(0),
			.devices = { TEST_DEV_UART0 },
			.irqs = { TEST_UART0_INTID },
		},
		{
			.name = "frontend1",
			.cpus = 0x4,
			.entry = GUEST_KERNEL,
			.x0 = GUEST_DTB,
			.bootargs = "console=ttyS0 panic=-1 bulkhead.name=frontend1",
			.mem = {
				{ .ipa = GUEST_RAM, .size = FRONTEND_RAM,
				  .pa = FRONTEND1_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
				{ .ipa = FE_WINDOW, .size = SHMEM_SIZE,
				  .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 0 },
			},
			.images = LINUX_IMAGES(1),
			.devices = { TEST_DEV_PCI_SERIAL(1) },
			.irqs = { TEST_PCI_SERIAL_INTID(1) },
		},
		{
			/* bare metal, in place at its RAM (no copy, no DTB) */
			.name = "frontend2",
			.cpus = 0x8,
			.entry = BM_LINK_IPA,
			.mem = {
				TEST_BM_RAM(FRONTEND2_PA),
				{ .ipa = FE_WINDOW, .size = SHMEM_SIZE,
				  .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 1 },
			},
			.images = { TEST_BM_KERNEL(FRONTEND2_PA) },
			TEST_BM_ON_PCI_SERIAL(2, 2),
		},
	},
	.shmem = {
		{ .name = "virtio-frontend1", .pa = SHMEM_FE1_PA, .size = SHMEM_SIZE },
		{ .name = "virtio-frontend2", .pa = SHMEM_FE2_PA, .size = SHMEM_SIZE },
	},
	/* the device model finds them by name: /sys/class/uio/uioN/name */
	.virtio = {
		{ .name = "console-frontend1", .device_id = TEST_VIRTIO_ID_CONSOLE,
		  .frontend = 1, .mmio_ipa = FE_VIRTIO_MMIO,
		  .intid = FE_VIRTIO_INTID, .shmem = 0,
		  .backend = 0, .backend_intid = BE_VIRTIO_INTID(0),
		  .ctrl_ipa = BE_CTRL(0), .doorbell_ipa = BE_DOORBELL(0) },
		{ .name = "console-frontend2", .device_id = TEST_VIRTIO_ID_CONSOLE,
		  .frontend = 2, .mmio_ipa = FE_VIRTIO_MMIO,
		  .intid = FE_VIRTIO_INTID, .shmem = 1,
		  .backend = 0, .backend_intid = BE_VIRTIO_INTID(1),
		  .ctrl_ipa = BE_CTRL(1), .doorbell_ipa = BE_DOORBELL(1) },
	},
};
