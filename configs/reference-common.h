/* SPDX-License-Identifier: MIT */
/*
 * What the reference system is on every board (docs/design.md §1): its
 * memory map, images, remote-I/O devices, watchdogs and management page,
 * for the boards' reference configs (configs/reference.c with
 * configs/reference-layout.h on QEMU virt, configs/reference-zcu102.c) and
 * the configs that vary them.  What differs per board is which UARTs and
 * NIC the VMs own.
 *
 * Host-physical map, from the board's RAM base R (PLAT_RAM_BASE: QEMU virt
 * 0x40000000, ZCU102 0):
 *
 *   R + 0          16 MiB   hypervisor (tools/cfgcheck CFG_HYP_*)
 *   R + 0x1000000   8 MiB   pristine kernel Image, shared by all three VMs
 *   R + 0x2000000   8 MiB   pristine initramfs, shared by all three VMs
 *   R + 0x2800000  64 KiB   pristine DTB of each VM (dtgen output), 3 slots
 *   R + 128 MiB     2 MiB   QEMU's own DTB (PLAT_QEMU_DTB, on both boards)
 *   R + 0x10000000 256 MiB  backend RAM
 *   R + 0x20000000 128 MiB  frontend1 RAM
 *   R + 0x28000000 128 MiB  frontend2 RAM
 *   R + 0x30000000  16 MiB  shared window of frontend1's devices (their restricted DMA pool)
 *   R + 0x31000000  16 MiB  shared window of frontend2's devices
 *   R + 0x32000000  16 MiB  the backend's NIC DMA pool (identity-mapped)
 *   R + 0x33000000  16 MiB  the backend's disk DMA pool (identity-mapped; virt only)
 *   R + 0x34000000          free (192 MiB of virt's -m 1G)
 */
#ifndef BULKHEAD_REFERENCE_COMMON_H
#define BULKHEAD_REFERENCE_COMMON_H

#include <bulkhead/config.h>
#include <plat_desc.h>

#define MiB	       0x100000ull
#define REF_PA(offset) (PLAT_RAM_BASE + (offset))

#define PRISTINE_KERNEL REF_PA(0x01000000ull)
#define KERNEL_MAX	(8 * MiB)
#define PRISTINE_INITRD REF_PA(0x02000000ull)
#define INITRD_MAX	(8 * MiB)
#define PRISTINE_DTB(n) (REF_PA(0x02800000ull) + (n)*DTB_MAX)
#define DTB_MAX		0x10000ull

#define BACKEND_PA   REF_PA(0x10000000ull)
#define BACKEND_RAM  (256 * MiB)
#define FRONTEND1_PA REF_PA(0x20000000ull)
#define FRONTEND2_PA REF_PA(0x28000000ull)
#define FRONTEND_RAM (128 * MiB)
#define SHMEM_FE1_PA REF_PA(0x30000000ull)
#define SHMEM_FE2_PA REF_PA(0x31000000ull)
#define SHMEM_SIZE   (16 * MiB)

/*
 * Remote I/O (docs/design.md §2.2 and §5, docs/protocol.md): each frontend
 * sees a virtio-mmio console at the IPA/INTID QEMU virt gives its own first
 * virtio-mmio device (the virtual board, platform/vm/vboard.h: the same on
 * every board), with its 16 MiB restricted DMA pool at IPA 0x20000000.
 * The backend maps both windows (and nothing else of the frontends), and
 * per device a control region and a doorbell page, which become its
 * generic-uio nodes.
 */
#define FE_VIRTIO_MMIO	   BH_VM_VIRTIO_MMIO(31)
#define FE_VIRTIO_INTID	   BH_VM_VIRTIO_MMIO_INTID(31)
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
#define FE_NET_MMIO   BH_VM_VIRTIO_MMIO(30)
#define FE_NET_INTID  BH_VM_VIRTIO_MMIO_INTID(30)
#define BE_NET(n)     (1 + (n)) /* remote-I/O index of frontend n's net */
#define VIRTIO_ID_NET 1		/* virtio v1.2 §5 */

/*
 * Each frontend's virtio-blk, its /dev/vda (docs/running.md, "Storage"): the
 * transport below its net (29), in the same window and pool again.  The
 * backend serves it as remote-I/O device 4 + n - 1 of frontend n, from an
 * image file on its own disk.
 */
#define FE_BLK_MMIO	BH_VM_VIRTIO_MMIO(29)
#define FE_BLK_INTID	BH_VM_VIRTIO_MMIO_INTID(29)
#define BE_BLK(n)	(3 + (n)) /* remote-I/O index of frontend n's blk */
#define VIRTIO_ID_BLOCK 2	  /* virtio v1.2 §5 */

/*
 * The backend's NIC DMA pool (docs/config.md, "DMA-capable devices"): 16 MiB
 * of RAM mapped IPA == PA, which all the NIC's DMA goes through.
 */
#define NIC_POOL	 REF_PA(0x32000000ull)
#define NIC_POOL_SIZE	 (16 * MiB)
#define BACKEND_NIC_POOL 3 /* index in the backend's mem[] */

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
 * The shapes of the reference VMs, for the reference configs and the configs
 * that vary them (configs/test-rio-hostile.c): designated initializers, so a
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

#endif /* BULKHEAD_REFERENCE_COMMON_H */
