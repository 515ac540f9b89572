/* SPDX-License-Identifier: MIT */
/*
 * The virtual board: where a VM finds its interrupt controller unless its
 * config says otherwise (struct bh_vm_config.gicd_ipa, .gicr_ipa).  It is
 * the QEMU virt layout whatever the physical board, so one guest kernel and
 * DT shape serve every platform (docs/platforms.md, "What a VM sees").
 * Included by <bulkhead/config.h>; names are BH_VM_* so they never meet a
 * board's PLAT_* facts.
 */
#ifndef BH_PLATFORM_VBOARD_H
#define BH_PLATFORM_VBOARD_H

#define BH_VM_GICD 0x08000000ull
/* GICv3 boards: a 128 KiB RD_base + SGI_base frame pair per vCPU */
#define BH_VM_GICR 0x080a0000ull
/* GICv2 boards: the VM's GICC, the board's GICV frame mapped at stage 2 */
#define BH_VM_GICC 0x08010000ull

/*
 * Remote-I/O virtio-mmio transports (docs/protocol.md): emulated for a
 * frontend by the hypervisor and served by the backend's device model, so
 * virtual whatever the board, at the IPAs and INTIDs of QEMU virt's own
 * transports (32 of them, 0x200 apart, INTID 48 + n): a frontend's DT and
 * drivers are the same on every board, one without virtio-mmio (zcu102)
 * included.
 */
#define BH_VM_VIRTIO_MMIO_BASE	   0x0a000000ull
#define BH_VM_VIRTIO_MMIO_STRIDE   0x200ull
#define BH_VM_VIRTIO_MMIO(n)	   (BH_VM_VIRTIO_MMIO_BASE + (n)*BH_VM_VIRTIO_MMIO_STRIDE)
#define BH_VM_VIRTIO_MMIO_INTID(n) (48 + (n))

#endif /* BH_PLATFORM_VBOARD_H */
