// SPDX-License-Identifier: MIT
/*
 * Unsupported trap: "alpha" (CPU 0, UART0, hello) keeps printing while
 * "rogue" (CPU 1, pci-serial, guest/baremetal/rogue) writes ICC_SGI0R_EL1,
 * which traps and is not emulated, and is stopped.
 * QEMU: -smp 2, hello.bin at 0x50000000, rogue.bin at 0x52000000.
 */
#include <bulkhead/config.h>
#include "guest/baremetal/lib/bmarg.h"

#define UART0		0x09000000ull
#define PCI_SERIAL0	0x3eff1000ull	/* PCI I/O window + page 1 */
#define UART0_INTID	33
#define PCI_SLOT1_INTID	36

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-fault-sysreg",
	.vms = {
		{
			.name = "alpha",
			.cpus = 0x1,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_PL011, UART0, 0),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = 0x50000000ull,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = 0x50000000ull,
				  .ipa = BM_LINK_IPA, .size = 0x100000 },
			},
			.devices = {
				{ .name = "uart0", .kind = BH_DEV_PL011,
				  .ipa = UART0, .pa = UART0, .size = 0x1000,
				  .intid = UART0_INTID },
			},
			.irqs = { UART0_INTID },
		},
		{
			.name = "rogue",
			.cpus = 0x2,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_NS16550, PCI_SERIAL0, 0xfff /* ROGUE_SYSREG */),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = 0x52000000ull,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = 0x52000000ull,
				  .ipa = BM_LINK_IPA, .size = 0x100000 },
			},
			.devices = {
				{ .name = "serial1", .kind = BH_DEV_NS16550,
				  .ipa = PCI_SERIAL0, .pa = PCI_SERIAL0,
				  .size = 0x1000, .intid = PCI_SLOT1_INTID },
			},
			.irqs = { PCI_SLOT1_INTID },
		},
	},
};
