// SPDX-License-Identifier: MIT
/*
 * The reference system with a hostile frontend2 (tests/system/test_rio_hostile.py):
 * backend and frontend1 exactly as configs/reference.c (Linux, dtgen device
 * trees), frontend2 replaced by guest/baremetal/rio_hostile, which sets up
 * its virtio console and then writes a bad descriptor and avail index.  The
 * device model in the backend must mark that device broken and keep serving
 * frontend1.
 */
#include "configs/test-layout.h"

#define MiB			0x100000ull

#define PRISTINE_KERNEL		0x41000000ull
#define KERNEL_MAX		(8 * MiB)
#define PRISTINE_INITRD		0x42000000ull
#define INITRD_MAX		(8 * MiB)
#define PRISTINE_DTB(n)		(0x42800000ull + (n) * DTB_MAX)
#define DTB_MAX			0x10000ull

#define BACKEND_PA		0x50000000ull
#define BACKEND_RAM		(256 * MiB)
#define FRONTEND1_PA		0x60000000ull
#define FRONTEND2_PA		0x68000000ull
#define FRONTEND_RAM		(128 * MiB)
#define SHMEM_FE1_PA		0x70000000ull
#define SHMEM_FE2_PA		0x71000000ull
#define SHMEM_SIZE		(16 * MiB)

/*
 * Remote I/O (DESIGN §2/§5, docs/protocol.md): each frontend sees a
 * virtio-mmio console at the same IPA/INTID as the seed scenario, with its
 * 16 MiB restricted DMA pool at IPA 0x20000000.  The backend maps both
 * windows (and nothing else of the frontends), and per device a control
 * region and a doorbell page, which become its generic-uio nodes.
 */
#define FE_VIRTIO_MMIO		0x0a003e00ull
#define FE_VIRTIO_INTID		79
#define FE_WINDOW		0x20000000ull
#define BE_WINDOW(n)		(0x20000000ull + (n) * SHMEM_SIZE)
#define BE_CTRL(n)		(0x0b000000ull + (n) * 0x10000ull)
#define BE_DOORBELL(n)		(BE_CTRL(n) + 0x8000ull)
#define BE_VIRTIO_INTID(n)	(80 + (n))

/* Guest-physical layout, the same in every VM. */
#define GUEST_RAM		0x40000000ull
/* Linux booting.rst: Image at a 2 MiB aligned base (+ text_offset 0). */
#define GUEST_KERNEL		(GUEST_RAM + 2 * MiB)
#define GUEST_INITRD		(GUEST_RAM + 32 * MiB)
#define GUEST_DTB		(GUEST_RAM + 40 * MiB)

#define LINUX_IMAGES(n) {						\
	{ .kind = BH_IMAGE_KERNEL, .load_pa = PRISTINE_KERNEL,		\
	  .ipa = GUEST_KERNEL, .size = KERNEL_MAX },			\
	{ .kind = BH_IMAGE_INITRD, .load_pa = PRISTINE_INITRD,		\
	  .ipa = GUEST_INITRD, .size = INITRD_MAX },			\
	{ .kind = BH_IMAGE_DTB, .load_pa = PRISTINE_DTB(n),		\
	  .ipa = GUEST_DTB, .size = DTB_MAX },				\
}

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
