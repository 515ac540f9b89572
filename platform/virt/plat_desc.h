/* SPDX-License-Identifier: MIT */
/*
 * Platform "virt": QEMU 7.2 `-M virt,virtualization=on,gic-version=3`
 * (hw/arm/virt.c memory map; docs/design.md §2.2).  The GIC facts every
 * part of the build uses: the hypervisor, cfgcheck, dtgen and the bare-metal
 * test guests.  make and the test harness read platform.mk next to it.
 */
#ifndef BH_PLAT_DESC_H
#define BH_PLAT_DESC_H

#define PLAT_NAME	     "virt"
#define PLAT_GIC_VERSION     3
#define PLAT_GICD_BASE	     0x08000000ull
#define PLAT_GICR_BASE	     0x080a0000ull /* a 128 KiB frame pair per CPU */
#define PLAT_GICR_MAX	     123	   /* 0xf60000 bytes of frames */
#define PLAT_GIC_MAINT_INTID 25		   /* PPI, vGIC maintenance */
/* MPIDR_EL1 packing: a GICv3 virt has 16 CPUs per Aff1 cluster */
#define PLAT_CPUS_PER_CLUSTER 16

#endif /* BH_PLAT_DESC_H */
