/* SPDX-License-Identifier: MIT */
/*
 * The part of a board's struct bh_platform (include/bulkhead/platform.h)
 * every board.c fills alike, from the PLAT_* macros its plat_desc.h must
 * define (docs/platforms.md, "Adding a board"): name, CPUs, timers, RAM,
 * what the hypervisor and the boot loader's DTB keep, the GIC of either
 * version, the console UART.  Include after <plat_desc.h>.
 */
#ifndef BH_PLATFORM_BOARD_DESC_H
#define BH_PLATFORM_BOARD_DESC_H

#if PLAT_GIC_VERSION == 3
#define BH_PLAT_DESC_GIC_FRAMES \
	.gicr = PLAT_GICR_BASE, .gicr_size = PLAT_GICR_MAX * 0x20000ull /* RD + SGI */
#else
#define BH_PLAT_DESC_GIC_FRAMES                                                 \
	.gicc = PLAT_GICC_BASE, .gich = PLAT_GICH_BASE, .gicv = PLAT_GICV_BASE, \
	.gicv_size = PLAT_GICV_SIZE
#endif

/* struct bh_platform fields, as a designated-initializer list */
#define BH_PLAT_DESC_FIELDS                                                                   \
	.name = PLAT_NAME, .cpus = PLAT_CPUS, .timer_hyp_intid = PLAT_TIMER_HYP_INTID,        \
	.timer_phys_intid = PLAT_TIMER_PHYS_INTID, .timer_virt_intid = PLAT_TIMER_VIRT_INTID, \
	.unmapped_aborts = PLAT_UNMAPPED_ABORTS,                                              \
	.ram = { { PLAT_RAM_BASE, PLAT_RAM_MAX, "RAM" } }, .ram_min = PLAT_RAM_MIN_SIZE,      \
	.hyp_load = PLAT_HYP_BASE,                                                            \
	.hyp = { PLAT_HYP_RESERVED, PLAT_HYP_RESERVED_SZ, "the hypervisor" },                 \
	.firmware_dtb = { PLAT_QEMU_DTB, PLAT_QEMU_DTB_SIZE, "QEMU's DTB" },                  \
	.gic = { .version = PLAT_GIC_VERSION,                                                 \
		 .maint_intid = PLAT_GIC_MAINT_INTID,                                         \
		 .gicd = PLAT_GICD_BASE,                                                      \
		 BH_PLAT_DESC_GIC_FRAMES,                                                     \
		 .window = { PLAT_GIC_WINDOW, PLAT_GIC_WINDOW_SIZE, "the physical GIC" } }

/* .uart[0]: the console UART, which VMs may own too */
#define BH_PLAT_DESC_UART0                                                         \
	{                                                                          \
		.name = "uart0", .kind = PLAT_UART0_KIND, .base = PLAT_UART0_BASE, \
		.size = PLAT_UART0_SIZE, .intid = PLAT_UART0_INTID                 \
	}

#endif /* BH_PLATFORM_BOARD_DESC_H */
