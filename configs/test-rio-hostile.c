// SPDX-License-Identifier: MIT
/*
 * The reference system with a hostile frontend2 (tests/system/test_rio_hostile.py):
 * backend and frontend1 exactly as configs/reference.c (Linux, dtgen device
 * trees), frontend2 replaced by guest/baremetal/rio_hostile, which sets up
 * its virtio console and then writes a bad descriptor and avail index.  The
 * device model in the backend must mark that device broken and keep serving
 * frontend1.
 */
#include <bulkhead/config.h>
#include "guest/baremetal/lib/bmarg.h"

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
#define VIRTIO_ID_CONSOLE	3	/* virtio v1.2 §5 */

/* Guest-physical layout, the same in every VM. */
#define GUEST_RAM		0x40000000ull
/* Linux booting.rst: Image at a 2 MiB aligned base (+ text_offset 0). */
#define GUEST_KERNEL		(GUEST_RAM + 2 * MiB)
#define GUEST_INITRD		(GUEST_RAM + 32 * MiB)
#define GUEST_DTB		(GUEST_RAM + 40 * MiB)

#define UART0			0x09000000ull
#define UART0_INTID		33
/* DESIGN §2: the platform code gives pci-serial n the I/O page n + 1. */
#define PCI_SERIAL0		0x3eff1000ull
#define PCI_SERIAL1		0x3eff2000ull
#define PCI_SLOT1_INTID		36
#define PCI_SLOT2_INTID		37
#define UART_PAGE		0x1000ull

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
			.devices = {
				{ .name = "uart0", .kind = BH_DEV_PL011,
				  .ipa = UART0, .pa = UART0, .size = UART_PAGE,
				  .intid = UART0_INTID },
			},
			.irqs = { UART0_INTID },
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
			.devices = {
				{ .name = "serial1", .kind = BH_DEV_NS16550,
				  .ipa = PCI_SERIAL0, .pa = PCI_SERIAL0,
				  .size = UART_PAGE, .intid = PCI_SLOT1_INTID },
			},
			.irqs = { PCI_SLOT1_INTID },
		},
		{
			/* bare metal, in place at its RAM (no copy, no DTB) */
			.name = "frontend2",
			.cpus = 0x8,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_NS16550, PCI_SERIAL1, 2),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = FRONTEND2_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
				{ .ipa = FE_WINDOW, .size = SHMEM_SIZE,
				  .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 1 },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = FRONTEND2_PA,
				  .ipa = BM_LINK_IPA, .size = 0x100000 },
			},
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
	},
};
