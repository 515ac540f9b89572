// SPDX-License-Identifier: MIT
/*
 * Isolation (issue 3 acceptance 6): "victim" (CPU 0, 2nd pci-serial) places a
 * canary at its IPA 0x40100000 = PA 0x50100000; "thief" (CPU 1,
 * pci-serial) reads IPA 0x50100000 - the victim's PA - and is stopped.
 * UART0 carries only the hypervisor log, so the stop line is never
 * interleaved with guest output (the first pci-serial is ser1, the second
 * ser2 in the tests).
 * QEMU: -smp 2, two pci-serials, canary.bin at 0x50000000 and at 0x52000000.
 */
#include <bulkhead/config.h>
#include "guest/baremetal/lib/bmarg.h"

#define PCI_SERIAL0	0x3eff1000ull	/* PCI I/O window + page 1 */
#define PCI_SERIAL1	0x3eff2000ull	/* PCI I/O window + page 2 */
#define PCI_SLOT1_INTID	36
#define PCI_SLOT2_INTID	37

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-canary",
	.vms = {
		{
			.name = "victim",
			.cpus = 0x1,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_NS16550, PCI_SERIAL1, 0),
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
				{ .name = "serial2", .kind = BH_DEV_NS16550,
				  .ipa = PCI_SERIAL1, .pa = PCI_SERIAL1,
				  .size = 0x1000, .intid = PCI_SLOT2_INTID },
			},
			.irqs = { PCI_SLOT2_INTID },
		},
		{
			.name = "thief",
			.cpus = 0x2,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_NS16550, PCI_SERIAL0, 0x501 /* MiB: IPA 0x50100000 */),
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
