/* SPDX-License-Identifier: MIT */
/*
 * Platform "virt-gicv2": QEMU 7.2 `-M virt,virtualization=on,gic-version=2`
 * (hw/arm/virt.c memory map; docs/platforms.md).  The memory map is virt's
 * (platform/virt/memmap.h); the GIC is a GICv2 with the virtualization
 * extensions: QEMU implements 8 KiB of each CPU-interface frame; GICH and
 * GICV are the virtual interface (IHI0048B chapter 5).  At most 8 CPUs
 * (GICD_ITARGETSR has 8 bits).
 */
#ifndef BH_PLAT_DESC_H
#define BH_PLAT_DESC_H

#include "platform/virt/memmap.h"

#define PLAT_NAME	 "virt-gicv2"
#define PLAT_GIC_VERSION 2
#define PLAT_GICC_BASE	 0x08010000ull /* physical CPU interface */
#define PLAT_GICH_BASE	 0x08030000ull /* virtual interface control */
#define PLAT_GICV_BASE	 0x08040000ull /* virtual CPU interface */
#define PLAT_GICV_SIZE	 0x2000ull
/* MPIDR_EL1 packing: a GICv2 virt has 8 CPUs per Aff1 cluster */
#define PLAT_CPUS_PER_CLUSTER 8

#endif /* BH_PLAT_DESC_H */
