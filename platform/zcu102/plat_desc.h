/* SPDX-License-Identifier: MIT */
/*
 * Platform "zcu102": QEMU 7.2 `-M xlnx-zcu102,virtualization=on -m 2G`,
 * the Xilinx ZCU102 board's Zynq UltraScale+ MPSoC (hw/arm/xlnx-zynqmp.c;
 * Xilinx UG1085 chapter 10 "System Addresses"; docs/platforms.md "zcu102").
 * Four Cortex-A53 in one cluster, a GIC-400, two Cadence UARTs, four
 * Cadence GEM NICs; no virtio-mmio and no PCI.
 */
#ifndef BH_PLAT_DESC_H
#define BH_PLAT_DESC_H

#define PLAT_NAME	      "zcu102"
#define PLAT_CPUS	      4
#define PLAT_CPUS_PER_CLUSTER 8 /* QEMU's default MPIDR packing; Aff0 0..3 */

/*
 * RAM: the low 2 GiB of DDR at 0 (the high range at 0x8_0000_0000 is not
 * used; above -m 2G QEMU writes a wrong memory node into the DTB).  QEMU
 * loads -kernel at RAM + 2 MiB and the DTB it is given (QEMU makes none for
 * this machine: platform/zcu102/zcu102.dts) at RAM + 128 MiB.  The
 * hypervisor keeps the first 16 MiB; its EL2 map leaves page 0 out.
 */
#define PLAT_RAM_BASE	     0x0ull
#define PLAT_RAM_MAX	     0x80000000ull
#define PLAT_RAM_MIN_SIZE    0x80000000ull
#define PLAT_MAX_RAM_RANGES  4
#define PLAT_HYP_BASE	     (2 << 20) /* RAM + 2 MiB; no suffix: the linker script reads it */
#define PLAT_HYP_RESERVED    PLAT_RAM_BASE
#define PLAT_HYP_RESERVED_SZ 0x01000000ull
#define PLAT_QEMU_DTB	     0x08000000ull
#define PLAT_QEMU_DTB_SIZE   0x00200000ull

/*
 * The GIC-400 (GICv2 with the virtualization extensions, IHI0048B chapter
 * 5) decodes each 4 KiB frame 16 times over a 64 KiB window: the 8 KiB CPU
 * interfaces (GICC_DIR at 0x1000) are used at the last alias but one, the
 * only place two frames are contiguous.  GICH_VTR reads 0x90000003: four
 * list registers.
 */
#define PLAT_GIC_VERSION     2
#define PLAT_GICD_BASE	     0xf9010000ull
#define PLAT_GICC_BASE	     0xf902f000ull /* physical CPU interface */
#define PLAT_GICH_BASE	     0xf9040000ull /* virtual interface control */
#define PLAT_GICV_BASE	     0xf906f000ull /* virtual CPU interface */
#define PLAT_GICV_SIZE	     0x2000ull
#define PLAT_GIC_WINDOW	     0xf9000000ull /* every frame and alias */
#define PLAT_GIC_WINDOW_SIZE 0x00080000ull
#define PLAT_GIC_MAINT_INTID 25 /* PPI */

/* The hypervisor's console, also VM-owned: Cadence UARTs (UG1085 chapter 21). */
#define PLAT_UART0_KIND	 BH_DEV_CDNS_UART /* enum bh_dev_kind, <bulkhead/config.h> */
#define PLAT_UART0_BASE	 0xff000000ull
#define PLAT_UART0_SIZE	 0x1000ull
#define PLAT_UART0_INTID 53 /* SPI 21 */
#define PLAT_UART1_BASE	 0xff010000ull
#define PLAT_UART1_INTID 54 /* SPI 22 */

/* EL1 timers and the EL2 one (Arm ARM D11.2). */
#define PLAT_TIMER_PHYS_INTID 30
#define PLAT_TIMER_VIRT_INTID 27
#define PLAT_TIMER_HYP_INTID  26

/* Cadence GEM NICs 0-3 (first -nic is GEM0): DMA to any address, no SMMU model. */
#define PLAT_GEM(n)	  (0xff0b0000ull + (n)*0x10000ull)
#define PLAT_GEM_INTID(n) (89 + 2 * (n))

/* Unmapped physical addresses read as zero and ignore writes: no abort. */
#define PLAT_UNMAPPED_ABORTS 0

/* The bare-metal test configs' UARTs on this board (configs/test-layout.h). */
#define PLAT_TEST_UARTS "platform/zcu102/test-uarts.h"

#endif /* BH_PLAT_DESC_H */
