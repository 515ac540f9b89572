// SPDX-License-Identifier: MIT
/*
 * The reference system (DESIGN §1, issue 4): three Linux VMs.
 *
 *   backend    2 vCPUs on CPUs 0-1, 256 MiB, owns PL011 UART0 (INTID 33)
 *   frontend1  1 vCPU on CPU 2, 128 MiB, first pci-serial (I/O page 1, INTID 36)
 *   frontend2  1 vCPU on CPU 3, 128 MiB, second pci-serial (I/O page 2, INTID 37)
 *
 * Host-physical map for QEMU virt -m 1G (RAM 0x40000000-0x80000000):
 *
 *   0x40000000  16 MiB   hypervisor (tools/cfgcheck CFG_HYP_*)
 *   0x41000000   8 MiB   pristine kernel Image, shared by all three VMs
 *   0x42000000   8 MiB   pristine initramfs, shared by all three VMs
 *   0x42800000  64 KiB   pristine DTB of each VM (dtgen output), 3 slots
 *   0x48000000   2 MiB   QEMU's own DTB (virt: RAM base + 128 MiB)
 *   0x50000000 256 MiB   backend RAM
 *   0x60000000 128 MiB   frontend1 RAM
 *   0x68000000 128 MiB   frontend2 RAM
 *   0x70000000  16 MiB   shared window for frontend1's virtio (remote-I/O issue)
 *   0x71000000  16 MiB   shared window for frontend2's virtio (remote-I/O issue)
 *   0x72000000 224 MiB   free
 *
 * Every VM sees its RAM at IPA 0x40000000 (like QEMU virt) and its images
 * inside it.  The images are *copied* from their pristine copies at boot
 * and on the VM's own SYSTEM_RESET (struct bh_image), so a VM that reboots
 * (panic=-1 below) starts clean without touching the others.  Which file
 * goes where, and each VM's device tree, come from this file through
 * tools/dtgen (docs/devicetree.md); nothing else repeats these addresses.
 */
#include <bulkhead/config.h>

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
	.name = "reference",
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
			.bootargs = "console=ttyS0 panic=-1 bulkhead.name=frontend2",
			.mem = {
				{ .ipa = GUEST_RAM, .size = FRONTEND_RAM,
				  .pa = FRONTEND2_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
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
	/* kept free for the remote-I/O issue: nothing maps them yet */
	.shmem = {
		{ .name = "virtio-frontend1", .pa = SHMEM_FE1_PA, .size = SHMEM_SIZE },
		{ .name = "virtio-frontend2", .pa = SHMEM_FE2_PA, .size = SHMEM_SIZE },
	},
};
