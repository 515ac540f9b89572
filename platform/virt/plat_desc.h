/* SPDX-License-Identifier: MIT */
/*
 * Platform "virt": QEMU 7.2 `-M virt,virtualization=on,gic-version=3`
 * (hw/arm/virt.c memory map; docs/platforms.md).  The board's facts every
 * part of the build uses: the hypervisor, cfgcheck, dtgen, the access matrix
 * and the bare-metal test guests (through board.c and tools/platinfo, also
 * the scripts and the test harness).  make reads platform.mk next to it.
 */
#ifndef BH_PLAT_DESC_H
#define BH_PLAT_DESC_H

#include "platform/virt/memmap.h"

#define PLAT_NAME	 "virt"
#define PLAT_GIC_VERSION 3
#define PLAT_GICR_BASE	 0x080a0000ull /* a 128 KiB frame pair per CPU */
#define PLAT_GICR_MAX	 123	       /* 0xf60000 bytes of frames */
/* MPIDR_EL1 packing: a GICv3 virt has 16 CPUs per Aff1 cluster */
#define PLAT_CPUS_PER_CLUSTER 16

#endif /* BH_PLAT_DESC_H */
