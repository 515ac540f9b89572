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

#endif /* BH_PLATFORM_VBOARD_H */
