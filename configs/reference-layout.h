/* SPDX-License-Identifier: MIT */
/*
 * Memory map and images of the reference system (configs/reference.c),
 * shared with the configs that vary it (configs/test-rio-hostile.c), so the
 * layout is written once.
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
 *   0x70000000  16 MiB   shared window of frontend1's console (its restricted DMA pool)
 *   0x71000000  16 MiB   shared window of frontend2's console
 *   0x72000000  16 MiB   the backend's NIC DMA pool (identity-mapped)
 *   0x73000000  16 MiB   the backend's disk DMA pool (identity-mapped)
 *   0x74000000 192 MiB   free
 */
#ifndef BULKHEAD_REFERENCE_LAYOUT_H
#define BULKHEAD_REFERENCE_LAYOUT_H

#include <bulkhead/config.h>
#include "configs/qemu-virt.h"

#define MiB 0x100000ull

#define PRISTINE_KERNEL 0x41000000ull
#define KERNEL_MAX	(8 * MiB)
#define PRISTINE_INITRD 0x42000000ull
#define INITRD_MAX	(8 * MiB)
#define PRISTINE_DTB(n) (0x42800000ull + (n)*DTB_MAX)
#define DTB_MAX		0x10000ull

#define BACKEND_PA   0x50000000ull
#define BACKEND_RAM  (256 * MiB)
#define FRONTEND1_PA 0x60000000ull
#define FRONTEND2_PA 0x68000000ull
#define FRONTEND_RAM (128 * MiB)
#define SHMEM_FE1_PA 0x70000000ull
#define SHMEM_FE2_PA 0x71000000ull
#define SHMEM_SIZE   (16 * MiB)

/*
 * Remote I/O (docs/design.md §2.2 and §5, docs/protocol.md): each frontend
 * sees a virtio-mmio console at the IPA/INTID QEMU gives its own first
 * virtio-mmio device, with its 16 MiB restricted DMA pool at IPA
 * 0x20000000.  The backend maps both windows (and nothing else of the
 * frontends), and per device a control region and a doorbell page, which
 * become its generic-uio nodes.
 */
#define FE_VIRTIO_MMIO	   PLAT_VIRTIO_MMIO_SLOT(31)
#define FE_VIRTIO_INTID	   PLAT_VIRTIO_MMIO_INTID(31)
#define FE_WINDOW	   0x20000000ull
#define BE_WINDOW(n)	   (0x20000000ull + (n)*SHMEM_SIZE)
#define BE_CTRL(n)	   (0x0b000000ull + (n)*0x10000ull)
#define BE_DOORBELL(n)	   (BE_CTRL(n) + 0x8000ull)
#define BE_VIRTIO_INTID(n) (80 + (n))
#define VIRTIO_ID_CONSOLE  3 /* virtio v1.2 §5 */

/*
 * Each frontend's virtio-net (docs/running.md, "Networking"): the transport
 * below its console, where QEMU would put its own second virtio device
 * (transport 30), in the same 16 MiB window and restricted DMA pool as the
 * console.  The backend serves it as remote-I/O device 2 + n - 1 of
 * frontend n (BE_CTRL, BE_DOORBELL, BE_VIRTIO_INTID after the consoles').
 */
#define FE_NET_MMIO   PLAT_VIRTIO_MMIO_SLOT(30)
#define FE_NET_INTID  PLAT_VIRTIO_MMIO_INTID(30)
#define BE_NET(n)     (1 + (n)) /* remote-I/O index of frontend n's net */
#define VIRTIO_ID_NET 1		/* virtio v1.2 §5 */

/*
 * Each frontend's virtio-blk, its /dev/vda (docs/running.md, "Storage"): the
 * transport below its net (29), in the same window and pool again.  The
 * backend serves it as remote-I/O device 4 + n - 1 of frontend n, from an
 * image file on its own disk.
 */
#define FE_BLK_MMIO	PLAT_VIRTIO_MMIO_SLOT(29)
#define FE_BLK_INTID	PLAT_VIRTIO_MMIO_INTID(29)
#define BE_BLK(n)	(3 + (n)) /* remote-I/O index of frontend n's blk */
#define VIRTIO_ID_BLOCK 2	  /* virtio v1.2 §5 */

/*
 * The backend's NIC (docs/config.md, "DMA-capable devices"): QEMU's
 * virtio-net-device, which takes the highest virtio-mmio transport (31;
 * docs/design.md §2.2).  The backend gets the 4 KiB
 * page of transports 24..31 (the others are empty) at the same IPA, and
 * 16 MiB of RAM mapped IPA == PA as the pool all its DMA goes through.
 * The frontends' emulated consoles use the same IPA and INTID in their own
 * address spaces and vGICs; nothing of theirs reaches the physical ones.
 */
#define NIC_PAGE	 (PLAT_VIRTIO_MMIO_SLOT(31) & ~(BH_PAGE_SIZE - 1))
#define NIC_MMIO_OFFSET	 (PLAT_VIRTIO_MMIO_SLOT(31) - NIC_PAGE)
#define NIC_INTID	 PLAT_VIRTIO_MMIO_INTID(31)
#define NIC_POOL	 0x72000000ull
#define NIC_POOL_SIZE	 (16 * MiB)
#define BACKEND_NIC_POOL 3 /* index in the backend's mem[] */

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
#define DISK_POOL	  0x73000000ull
#define DISK_POOL_SIZE	  (16 * MiB)
#define BACKEND_DISK_POOL 4 /* index in the backend's mem[] */

/* Guest-physical layout, the same in every VM. */
#define GUEST_RAM 0x40000000ull
/* Linux booting.rst: Image at a 2 MiB aligned base (+ text_offset 0). */
#define GUEST_KERNEL (GUEST_RAM + 2 * MiB)
#define GUEST_INITRD (GUEST_RAM + 32 * MiB)
#define GUEST_DTB    (GUEST_RAM + 40 * MiB)

#define LINUX_IMAGES(n)                               \
	{                                             \
		{ .kind = BH_IMAGE_KERNEL,            \
		  .load_pa = PRISTINE_KERNEL,         \
		  .ipa = GUEST_KERNEL,                \
		  .size = KERNEL_MAX },               \
			{ .kind = BH_IMAGE_INITRD,    \
			  .load_pa = PRISTINE_INITRD, \
			  .ipa = GUEST_INITRD,        \
			  .size = INITRD_MAX },       \
			{ .kind = BH_IMAGE_DTB,       \
			  .load_pa = PRISTINE_DTB(n), \
			  .ipa = GUEST_DTB,           \
			  .size = DTB_MAX },          \
	}

/*
 * The shapes of the reference VMs, for configs/reference.c and the configs
 * that vary it (configs/test-rio-hostile.c): designated initializers, so a
 * config still writes out what it is about.
 */

/* A Linux VM of the reference system; @n: its slot of pristine images. */
#define REF_LINUX_VM(vm_name, cpu_mask, n, args)                                     \
	.name = vm_name, .cpus = (cpu_mask), .entry = GUEST_KERNEL, .x0 = GUEST_DTB, \
	.bootargs = "panic=-1 bulkhead.name=" vm_name " " args, .images = LINUX_IMAGES(n)

/* .mem[]: @bytes of RAM at GUEST_RAM, placed at @ram_pa. */
#define REF_RAM(bytes, ram_pa)                                     \
	{                                                          \
		.ipa = GUEST_RAM, .size = (bytes), .pa = (ram_pa), \
		.flags = BH_MEM_RWX | BH_MEM_FIXED_PA              \
	}

/* .mem[]: frontend @k's (1 or 2) shared window, as the backend maps it. */
#define REF_BE_WINDOW(k)                                                                         \
	{                                                                                        \
		.ipa = BE_WINDOW((k)-1), .size = SHMEM_SIZE, .flags = BH_MEM_RW | BH_MEM_SHARED, \
		.shmem = (k)-1                                                                   \
	}

/* .mem[]: frontend @k's shared window, as the frontend maps it. */
#define REF_FE_WINDOW(k)                                                                  \
	{                                                                                 \
		.ipa = FE_WINDOW, .size = SHMEM_SIZE, .flags = BH_MEM_RW | BH_MEM_SHARED, \
		.shmem = (k)-1                                                            \
	}

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

/*
 * A frontend's SBSA Generic Watchdog (docs/config.md, "Watchdog"): its two
 * frames where the frontends have nothing else, WS0 on a virtual SPI above
 * the remote-I/O ones.  Linux's sbsa_gwdt drives it, busybox `watchdog`
 * keeps it fed.
 */
#define FE_WDT_CONTROL 0x09100000ull
#define FE_WDT_REFRESH 0x09110000ull
#define FE_WDT_INTID   90
#define REF_FE_WATCHDOG                              \
	.watchdog = { .control_ipa = FE_WDT_CONTROL, \
		      .refresh_ipa = FE_WDT_REFRESH, \
		      .intid = FE_WDT_INTID }

/*
 * A frontend's policy: @on_fault, and a hang its watchdog sees restarts it,
 * at most 5 times a minute (docs/config.md, "Restart policy").
 */
#define REF_FE_POLICY(fault)                          \
	.policy = { .on_fault = (fault),              \
		    .on_watchdog = BH_ACTION_RESTART, \
		    .restart_max = 5,                 \
		    .restart_window_ms = 60000 }

/*
 * The management page (docs/config.md, "Management"): the same IPA in every
 * VM, above the frontends' watchdogs, where no VM has anything else.  The
 * backend manages the frontends (REF_CTL_MANAGES); a frontend gets the
 * page with no rights (REF_CTL_NONE): bulkhead-ctl there lists itself and
 * is refused the rest.
 */
#define REF_CTL_IPA	     0x09200000ull
#define REF_CTL_MANAGES(...) .ctl = { .ipa = REF_CTL_IPA, .manages = { __VA_ARGS__ } }
#define REF_CTL_NONE	     .ctl = { .ipa = REF_CTL_IPA }

/* .shmem[]: the two frontends' windows. */
#define REF_SHMEM                                                                  \
	{ .name = "virtio-frontend1", .pa = SHMEM_FE1_PA, .size = SHMEM_SIZE },    \
	{                                                                          \
		.name = "virtio-frontend2", .pa = SHMEM_FE2_PA, .size = SHMEM_SIZE \
	}

/*
 * .virtio[]: frontend @k's console, remote-I/O device k - 1 of the backend
 * (the fields alone: for a config that adds some, configs/test-rio-stall.c).
 */
#define REF_CONSOLE_FIELDS(k)                                                               \
	.name = "console-frontend" #k, .device_id = VIRTIO_ID_CONSOLE, .frontend = (k),     \
	.mmio_ipa = FE_VIRTIO_MMIO, .intid = FE_VIRTIO_INTID, .shmem = (k)-1, .backend = 0, \
	.backend_intid = BE_VIRTIO_INTID((k)-1), .ctrl_ipa = BE_CTRL((k)-1),                \
	.doorbell_ipa = BE_DOORBELL((k)-1)
#define REF_CONSOLE(k)                \
	{                             \
		REF_CONSOLE_FIELDS(k) \
	}

/* .virtio[]: frontend @k's virtio-net, in the same window as its console. */
#define REF_NET(k)                                                                            \
	{                                                                                     \
		.name = "net-frontend" #k, .device_id = VIRTIO_ID_NET, .frontend = (k),       \
		.mmio_ipa = FE_NET_MMIO, .intid = FE_NET_INTID, .shmem = (k)-1, .backend = 0, \
		.backend_intid = BE_VIRTIO_INTID(BE_NET(k)), .ctrl_ipa = BE_CTRL(BE_NET(k)),  \
		.doorbell_ipa = BE_DOORBELL(BE_NET(k))                                        \
	}

/* .virtio[]: frontend @k's virtio-blk, in the same window as its console. */
#define REF_BLK(k)                                                                            \
	{                                                                                     \
		.name = "blk-frontend" #k, .device_id = VIRTIO_ID_BLOCK, .frontend = (k),     \
		.mmio_ipa = FE_BLK_MMIO, .intid = FE_BLK_INTID, .shmem = (k)-1, .backend = 0, \
		.backend_intid = BE_VIRTIO_INTID(BE_BLK(k)), .ctrl_ipa = BE_CTRL(BE_BLK(k)),  \
		.doorbell_ipa = BE_DOORBELL(BE_BLK(k))                                        \
	}

#endif /* BULKHEAD_REFERENCE_LAYOUT_H */
