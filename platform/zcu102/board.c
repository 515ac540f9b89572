// SPDX-License-Identifier: MIT
/*
 * The ZCU102 model as a struct bh_platform, for the host tools
 * (include/bulkhead/platform.h); every value from plat_desc.h.
 */
#include <bulkhead/config.h>
#include <bulkhead/platform.h>
#include <plat_desc.h>

#define ZCU102_GEM(n)                         \
	{                                     \
		PLAT_GEM(n), 0x1000, "GEM" #n \
	}

const struct bh_platform bh_platform = {
	.name = PLAT_NAME,
	.cpus = PLAT_CPUS,
	.timer_hyp_intid = PLAT_TIMER_HYP_INTID,
	.timer_phys_intid = PLAT_TIMER_PHYS_INTID,
	.timer_virt_intid = PLAT_TIMER_VIRT_INTID,
	.unmapped_aborts = PLAT_UNMAPPED_ABORTS,
	.ram = { { PLAT_RAM_BASE, PLAT_RAM_MAX, "RAM" } },
	.ram_min = PLAT_RAM_MIN_SIZE,
	.hyp_load = PLAT_HYP_BASE,
	.hyp = { PLAT_HYP_RESERVED, PLAT_HYP_RESERVED_SZ, "the hypervisor" },
	.firmware_dtb = { PLAT_QEMU_DTB, PLAT_QEMU_DTB_SIZE, "the DTB QEMU is given" },
	.gic = { .version = PLAT_GIC_VERSION,
		 .maint_intid = PLAT_GIC_MAINT_INTID,
		 .gicd = PLAT_GICD_BASE,
		 .gicc = PLAT_GICC_BASE,
		 .gich = PLAT_GICH_BASE,
		 .gicv = PLAT_GICV_BASE,
		 .gicv_size = PLAT_GICV_SIZE,
		 .window = { PLAT_GIC_WINDOW, PLAT_GIC_WINDOW_SIZE, "the physical GIC" } },
	.uart = { { .name = "uart0",
		    .kind = PLAT_UART0_KIND,
		    .base = PLAT_UART0_BASE,
		    .size = PLAT_UART0_SIZE,
		    .intid = PLAT_UART0_INTID },
		  { .name = "uart1",
		    .kind = PLAT_UART0_KIND,
		    .base = PLAT_UART1_BASE,
		    .size = PLAT_UART0_SIZE,
		    .intid = PLAT_UART1_INTID } },
	.mmio = { ZCU102_GEM(0), ZCU102_GEM(1), ZCU102_GEM(2), ZCU102_GEM(3) },
};
