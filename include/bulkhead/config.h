/* SPDX-License-Identifier: MIT */
/*
 * Bulkhead system configuration: the one source of truth.
 *
 * A system config is a C file (configs/NAME.c) that defines exactly one
 *
 *	const struct bh_config bh_config = { ... };
 *
 * with designated initializers.  The same file is compiled into
 *   - the hypervisor image (hyp/, freestanding aarch64),
 *   - the host config checker (tools/cfgcheck/), which fails the build on
 *     overlaps, misalignment, a CPU or IRQ given twice, an image outside its
 *     region, naming the VM and the field,
 *   - the device-tree generator (tools/dtgen/), which derives each guest's DT.
 *
 * Every array below has a fixed capacity; an entry whose "size" (or "name",
 * for VMs) is zero/NULL ends the list, so configs simply leave unused slots
 * out.  All addresses are 64-bit; sizes are bytes.  docs/config.md documents
 * every field with an example.
 *
 * This header is shared by freestanding and hosted code: it includes only
 * <stdint.h> and must stay free of anything else.
 */
#ifndef BULKHEAD_CONFIG_H
#define BULKHEAD_CONFIG_H

#include <stdint.h>
#include "../../platform/vm/vboard.h" /* the virtual board, BH_VM_* */

#define BH_CONFIG_MAGIC 0x4248434647000005ull /* "BHCFG" v5 (VM management) */

#define BH_MAX_VMS	   4
#define BH_MAX_CPUS	   8 /* physical CPUs the hypervisor manages */
#define BH_MAX_MEM_REGIONS 8
#define BH_MAX_IMAGES	   4
#define BH_MAX_DEVICES	   8
#define BH_MAX_IRQS	   16
#define BH_MAX_SHMEM	   8
#define BH_MAX_VIRTIO	   8

/* Stage-2 granule: every region must be aligned to this (4 KiB, Arm ARM D8.2). */
#define BH_PAGE_SIZE 0x1000ull

/* ---------------------------------------------------------------- memory */

/* bh_mem_region.flags */
#define BH_MEM_READ  (1u << 0)
#define BH_MEM_WRITE (1u << 1)
#define BH_MEM_EXEC  (1u << 2)
#define BH_MEM_RWX   (BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXEC)
#define BH_MEM_RW    (BH_MEM_READ | BH_MEM_WRITE)
/* .pa is meaningful; without it the region is identity-mapped (pa = ipa). */
#define BH_MEM_FIXED_PA (1u << 8)
/* Region is shmem[.shmem] of the system; .pa is taken from there. */
#define BH_MEM_SHARED (1u << 9)

/**
 * struct bh_mem_region - guest RAM (or shared memory) of one VM
 * @ipa:   guest-physical base, BH_PAGE_SIZE aligned
 * @size:  bytes, BH_PAGE_SIZE multiple; 0 ends the list
 * @pa:    host-physical base if BH_MEM_FIXED_PA (else ignored, pa = ipa)
 * @flags: BH_MEM_* access rights and placement
 * @shmem: index into bh_config.shmem if BH_MEM_SHARED
 *
 * Regions are mapped as Normal write-back memory in the VM's stage 2; the
 * builder uses 1 GiB / 2 MiB blocks where IPA, PA and size allow.
 */
struct bh_mem_region {
	uint64_t ipa;
	uint64_t size;
	uint64_t pa;
	uint32_t flags;
	uint32_t shmem;
};

/**
 * struct bh_shmem - memory shared between VMs
 * @name: for logs and the DT generator
 * @pa:   host-physical base (page aligned)
 * @size: bytes (page multiple); 0 ends the list
 *
 * A VM sees a shared region only if one of its bh_mem_region entries has
 * BH_MEM_SHARED and .shmem = index; the region's size must not exceed the
 * shmem size.  Nothing is shared unless listed here.
 */
struct bh_shmem {
	const char *name;
	uint64_t pa;
	uint64_t size;
};

/* ---------------------------------------------------------------- images */

enum bh_image_kind {
	BH_IMAGE_NONE = 0,
	BH_IMAGE_KERNEL, /* the image the boot vCPU enters */
	BH_IMAGE_INITRD,
	BH_IMAGE_DTB,
	BH_IMAGE_RAW,
};

/**
 * struct bh_image - an image QEMU's "-device loader" put into host memory
 * @kind:    BH_IMAGE_*
 * @load_pa: where "-device loader,addr=" put the file (host-physical)
 * @ipa:     where the guest expects it; must lie inside a memory region
 * @size:    bytes reserved for it (>= the file size); 0 ends the list
 *
 * If the region containing @ipa maps it exactly to @load_pa, the image is
 * used in place.  Otherwise the hypervisor copies @size bytes from @load_pa
 * to the region at boot and again on the VM's SYSTEM_RESET; @load_pa must
 * then lie outside every VM's memory so the pristine copy survives.
 */
struct bh_image {
	uint32_t kind;
	uint64_t load_pa;
	uint64_t ipa;
	uint64_t size;
};

/* ---------------------------------------------------------------- devices */

enum bh_dev_kind {
	BH_DEV_NONE = 0,
	BH_DEV_GENERIC, /* plain MMIO pass-through */
	BH_DEV_PL011,	/* Arm PL011 UART (DT: arm,pl011) */
	BH_DEV_NS16550, /* 16550A, reg-io-width 1, 1843200 Hz (pci-serial) */
	/*
	 * A virtio device QEMU itself provides on one of its virtio-mmio
	 * transports (docs/design.md §2.2), passed through whole: the NIC of
	 * docs/config.md, "DMA-capable devices".  DT: "virtio,mmio" at
	 * .ipa + .mmio_offset.  It does DMA, so it needs BH_DEV_DMA.
	 */
	BH_DEV_VIRTIO_MMIO,
	/*
	 * Cadence UART (DT: cdns,uart-r1p12; the ZynqMP's, registers in
	 * <bulkhead/cdns_uart.h>); Linux's ttyPS<n>, a console like the others.
	 */
	BH_DEV_CDNS_UART,
	/*
	 * Cadence GEM Ethernet MAC (DT: cdns,zynqmp-gem; Linux's macb), with
	 * fixed clocks and a fixed 1 Gb/s link.  It does DMA, so it needs
	 * BH_DEV_DMA and its pool.
	 */
	BH_DEV_CDNS_GEM,
};

/* A device kind's name in messages and in BUILD/platform.env ("ns16550"). */
static inline const char *bh_dev_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		[BH_DEV_GENERIC] = "generic",	  [BH_DEV_PL011] = "pl011",
		[BH_DEV_NS16550] = "ns16550",	  [BH_DEV_VIRTIO_MMIO] = "virtio-mmio",
		[BH_DEV_CDNS_UART] = "cdns-uart", [BH_DEV_CDNS_GEM] = "cdns-gem",
	};

	return kind < sizeof(names) / sizeof(names[0]) && names[kind] ? names[kind] : "unknown";
}

/*
 * bh_device.flags
 *
 * BH_DEV_DMA: the device reads and writes memory itself (bus master).  QEMU
 * virt has no IOMMU in front of its virtio-mmio transports, so such a device
 * reaches *all* physical memory, whatever the stage 2 of its owner says:
 * giving it to a VM makes that VM trusted for memory isolation (it can
 * program the device to read or overwrite the hypervisor and every other
 * VM).  tools/cfgcheck therefore accepts it only in a VM with
 * BH_VM_DMA_TRUSTED, and only with a DMA pool (.dma_pool) that is
 * identity-mapped, so the addresses the VM's driver programs are the
 * physical addresses the device uses (docs/config.md, "DMA-capable devices").
 */
#define BH_DEV_DMA (1u << 0)

/**
 * struct bh_device - a passed-through MMIO region (Device-nGnRE in stage 2)
 * @name:  for logs and DT node names
 * @kind:  BH_DEV_*; a UART kind makes the DT generator emit a console node
 * @ipa:   guest-physical base (page aligned)
 * @pa:    host-physical base (page aligned); for pci-serial UARTs this is
 *         the page the platform code gives that UART in the PCI I/O window
 *         (docs/design.md §2.3): 0x3eff1000 for the first, 0x3eff2000 for
 *         the second
 * @size:  bytes (page multiple); 0 ends the list
 * @intid: its interrupt (SPI INTID), 0 if none; must also be in .irqs
 * @flags: BH_DEV_* flags (BH_DEV_DMA)
 * @mmio_offset: BH_DEV_VIRTIO_MMIO: offset of the 0x200-byte transport in the
 *         window (QEMU packs 8 transports into a 4 KiB page; its n-th is at
 *         0x200 * (n % 8))
 * @dma_pool: with BH_DEV_DMA: index into the VM's mem[] of the region the
 *         device's buffers must live in (identity-mapped: ipa == pa).  The
 *         DT generator makes it the device's "restricted-dma-pool", so the
 *         guest's Linux bounces every buffer of the device through it
 */
struct bh_device {
	const char *name;
	uint32_t kind;
	uint64_t ipa;
	uint64_t pa;
	uint64_t size;
	uint32_t intid;
	uint32_t flags;
	uint32_t mmio_offset;
	uint32_t dma_pool;
};

/* ---------------------------------------------------------------- virtio */

/**
 * struct bh_virtio - a remote-I/O device (docs/design.md §5, docs/protocol.md)
 * @name:          device name; the backend's uio node gets it as
 *                 `linux,uio-name`, which is how a device model finds it
 * @frontend:      index of the VM that sees the virtio-mmio device
 * @backend:       index of the VM whose device model serves it
 * @mmio_ipa:      frontend IPA of the BH_RIO_MMIO_SIZE (0x200) byte
 *                 virtio-mmio window; its page is never mapped, every access
 *                 traps and becomes a request
 * @intid:         frontend SPI of the device (virtual, edge)
 * @shmem:         index into bh_config.shmem: the frontend's restricted DMA
 *                 pool.  Both VMs map it through a BH_MEM_SHARED region of
 *                 their own (the IPAs come from there); the backend maps it
 *                 and nothing else of the frontend
 * @device_id:     virtio device ID (3 = console); 0 ends the list
 * @backend_intid: backend SPI "requests pending" (virtual, edge)
 * @ctrl_ipa:      backend IPA of the control region (BH_RIO_CTRL_SIZE bytes
 *                 of hypervisor memory, mapped read/write; include/bulkhead/rio.h)
 * @doorbell_ipa:  backend IPA of the doorbell page (BH_RIO_DOORBELL_SIZE,
 *                 never mapped: a write traps)
 * @timeout_ms:    how long a frontend vCPU waits for the device model (a
 *                 read, a QueueNotify, ring space, the reset of a rebooting
 *                 frontend) before the access completes as for a dead device
 *                 (docs/protocol.md, "A device model that does not answer");
 *                 0: BH_RIO_TIMEOUT_MS_DEFAULT, at most BH_RIO_TIMEOUT_MS_MAX
 */
struct bh_virtio {
	const char *name;
	uint32_t frontend;
	uint32_t backend;
	uint64_t mmio_ipa;
	uint32_t intid;
	uint32_t shmem;
	uint32_t device_id;
	uint32_t backend_intid;
	uint64_t ctrl_ipa;
	uint64_t doorbell_ipa;
	uint32_t timeout_ms;
};

/*
 * bh_virtio.timeout_ms.  The default outlasts a backend's boot up to its
 * device models on a loaded host (the reference system's frontends probe
 * their devices about 1 s after they start and wait there for the model),
 * and a restart of a model that died (its supervisor starts it again within
 * a second, docs/running.md).
 */
#define BH_RIO_TIMEOUT_MS_DEFAULT 30000u
#define BH_RIO_TIMEOUT_MS_MAX	  600000u

/* ---------------------------------------------------------------- VMs */

/* The default of a VM's vGIC: the virtual board's (platform/vm/vboard.h). */
#define BH_GICD_IPA_DEFAULT BH_VM_GICD
#define BH_GICD_SIZE	    0x10000ull
#define BH_GICR_IPA_DEFAULT BH_VM_GICR
#define BH_GICR_STRIDE	    0x20000ull /* RD_base + SGI_base frames */
/*
 * On a GICv2 platform (platform/NAME/plat_desc.h) a VM has no GICR frames:
 * its GICC is here, the hardware GICV frame mapped at stage 2 (8 KiB, GICC_DIR
 * at +0x1000), as QEMU virt's own GICC.
 */
#define BH_GICC_IPA_DEFAULT BH_VM_GICC
#define BH_GICC_SIZE	    0x2000ull

/*
 * bh_vm_config.flags
 *
 * BH_VM_DMA_TRUSTED: the VM may own a BH_DEV_DMA device.  With no IOMMU such
 * a device can reach all physical memory, so this VM can break the isolation
 * of every other VM and of the hypervisor: mark only a VM you trust as much
 * as the hypervisor itself (in the reference system: the backend, which
 * owns the NIC; docs/config.md, "DMA-capable devices").
 */
#define BH_VM_DMA_TRUSTED (1u << 0)

/* ---------------------------------------------------------------- policy */

/* What the hypervisor does with a VM on an event (struct bh_vm_policy). */
enum bh_vm_action {
	BH_ACTION_STOP = 0, /* the VM stays stopped (or off), one log line */
	BH_ACTION_RESTART,  /* restarted as by PSCI SYSTEM_RESET, within the limit */
	BH_ACTION_INJECT,   /* .on_fault only: the abort the hardware would give */
};

/* Bounds tools/cfgcheck enforces on struct bh_vm_policy. */
#define BH_RESTART_MAX_LIMIT	  16	  /* restarts the limiter remembers */
#define BH_RESTART_WINDOW_MS_MAX  3600000 /* one hour */
#define BH_RESTART_DELAY_MS_MAX	  10000
#define BH_RESTART_BACKOFF_MS_MAX 60000 /* the doubled delay stops growing here */

/**
 * struct bh_vm_policy - what happens when a VM faults, powers off or hangs
 * @on_fault:    a fault the hypervisor does not emulate (an access outside
 *               its memory, an unsupported system register, an SError):
 *               BH_ACTION_STOP (the default), BH_ACTION_RESTART, or
 *               BH_ACTION_INJECT: a stage-2 abort becomes a synchronous
 *               external abort at the guest's EL1, as on hardware (a fault
 *               that has no such abort restarts the VM instead)
 * @on_off:      PSCI SYSTEM_OFF: BH_ACTION_STOP (the default) or RESTART
 * @on_watchdog: the watchdog's second signal (WS1): STOP or RESTART
 * @restart_max: with any RESTART: at most this many restarts (1..
 *               BH_RESTART_MAX_LIMIT) within @restart_window_ms; the next
 *               one stops the VM instead, with one log line
 * @restart_window_ms: that window, 1..BH_RESTART_WINDOW_MS_MAX
 * @restart_delay_ms:  back-off: the k-th restart within the window waits
 *               @restart_delay_ms << (k - 1) (at most
 *               BH_RESTART_BACKOFF_MS_MAX) before the VM runs again;
 *               0..BH_RESTART_DELAY_MS_MAX, 0 = no wait
 *
 * A guest's own PSCI SYSTEM_RESET is a reboot it asked for: always done,
 * never counted.  docs/config.md, "Restart policy".
 */
struct bh_vm_policy {
	uint32_t on_fault;
	uint32_t on_off;
	uint32_t on_watchdog;
	uint32_t restart_max;
	uint32_t restart_window_ms;
	uint32_t restart_delay_ms;
};

/* ---------------------------------------------------------------- watchdog */

/* Each frame of the SBSA Generic Watchdog is one 4 KiB page (Arm BSA). */
#define BH_WDT_FRAME_SIZE BH_PAGE_SIZE

/**
 * struct bh_watchdog - an Arm SBSA Generic Watchdog the hypervisor emulates
 * @control_ipa: IPA of its control frame (WCS, WOR, WCV); 0 = no watchdog
 * @refresh_ipa: IPA of its refresh frame (WRR)
 * @intid:       the virtual SPI of its first signal (WS0), 32..287
 *
 * Neither frame is mapped: every access traps.  The second signal (WS1)
 * applies bh_vm_policy.on_watchdog.  DT: "arm,sbsa-gwdt" (docs/config.md,
 * "Watchdog").
 */
struct bh_watchdog {
	uint64_t control_ipa;
	uint64_t refresh_ipa;
	uint32_t intid;
};

/* ---------------------------------------------------------------- management */

/**
 * struct bh_vm_ctl - the VM's management page (include/bulkhead/ctl.h)
 * @ipa:     IPA of the page (BH_PAGE_SIZE, never mapped: every access
 *           traps); 0 = the VM has none
 * @manages: names of the VMs it may stop, start and restart; NULL ends.
 *           Not itself, not a VM that serves remote I/O (its frontends'
 *           devices would not come back, docs/protocol.md)
 *
 * A VM with a page but no @manages sees only its own details and is
 * refused every command (one rate-limited log line each); a VM that
 * manages any sees every VM.  DT: a "generic-uio" node named
 * "bulkhead-ctl" (docs/config.md, "Management").
 */
struct bh_vm_ctl {
	uint64_t ipa;
	const char *manages[BH_MAX_VMS];
};

/**
 * struct bh_vm_config - one static partition
 * @name:     VM name (logs, DT); NULL ends the VM list
 * @cpus:     bitmask of physical CPUs; vCPU n runs on the n-th set bit,
 *            vCPU 0 starts at boot, the others on PSCI CPU_ON
 * @entry:    IPA where vCPU 0 starts (EL1h, MMU off, DAIF masked)
 * @x0:       x0 at entry (Linux: the DTB IPA; bare metal: free use)
 * @gicd_ipa: IPA of the emulated GICD (0: BH_GICD_IPA_DEFAULT)
 * @gicr_ipa: IPA of the emulated GICR frames, one per vCPU
 *            (0: BH_GICR_IPA_DEFAULT)
 * @bootargs: kernel command line for the DT generator (may be NULL)
 * @mem:      memory regions
 * @images:   images to place (see struct bh_image)
 * @devices:  passed-through MMIO
 * @irqs:     passed-through physical SPIs (INTID 32..1019), 0 ends; they are
 *            routed to the pCPU of vCPU 0 and injected with HW=1
 * @flags:    BH_VM_* flags (BH_VM_DMA_TRUSTED)
 * @policy:   what a fault, SYSTEM_OFF or the watchdog does (zero: stop)
 * @watchdog: its SBSA Generic Watchdog, if .control_ipa is set
 * @ctl:      its management page, if .ipa is set
 */
struct bh_vm_config {
	const char *name;
	uint64_t cpus;
	uint64_t entry;
	uint64_t x0;
	uint64_t gicd_ipa;
	uint64_t gicr_ipa;
	const char *bootargs;
	struct bh_mem_region mem[BH_MAX_MEM_REGIONS];
	struct bh_image images[BH_MAX_IMAGES];
	struct bh_device devices[BH_MAX_DEVICES];
	uint32_t irqs[BH_MAX_IRQS];
	uint32_t flags;
	struct bh_vm_policy policy;
	struct bh_watchdog watchdog;
	struct bh_vm_ctl ctl;
};

/**
 * struct bh_config - the whole system
 * @magic:  BH_CONFIG_MAGIC (catches a config built against another header)
 * @name:   config name (banner)
 * @vms:    the partitions; VM index = position
 * @shmem:  shared memory regions
 * @virtio: remote-I/O devices (struct bh_virtio)
 */
struct bh_config {
	uint64_t magic;
	const char *name;
	struct bh_vm_config vms[BH_MAX_VMS];
	struct bh_shmem shmem[BH_MAX_SHMEM];
	struct bh_virtio virtio[BH_MAX_VIRTIO];
};

/* The config a build links in. */
extern const struct bh_config bh_config;

#endif /* BULKHEAD_CONFIG_H */
