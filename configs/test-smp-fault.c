// SPDX-License-Identifier: MIT
/*
 * Stopping a multi-vCPU VM: "duo" (CPUs 0, 1, 2nd pci-serial) runs
 * guest/baremetal/smp in fault mode - vCPU 1 prints forever while vCPU 0
 * stores outside the VM; the hypervisor must kick vCPU 1 out as well.
 * "witness" (CPU 2, 1st pci-serial, hello) keeps the machine running.
 * UART0 carries only the hypervisor log, so the stop line is never
 * interleaved with guest output (the first pci-serial is ser1, the second
 * ser2 in the tests).
 * QEMU: -smp 3, two pci-serials, smp.bin at 0x50000000, hello.bin at 0x52000000.
 */
#include <bulkhead/config.h>
#include "guest/baremetal/lib/bmarg.h"

#define ALPHA_PA	0x50000000ull
#define BETA_PA		0x52000000ull
#define PCI_SERIAL0	0x3eff1000ull	/* PCI I/O window + page 1 */
#define PCI_SERIAL1	0x3eff2000ull	/* PCI I/O window + page 2 */
#define PCI_SLOT1_INTID	36
#define PCI_SLOT2_INTID	37

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-smp-fault",
	.vms = {
		{
			.name = "duo",
			.cpus = 0x3,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_NS16550, PCI_SERIAL1, 1 /* SMP_FAULT */),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = ALPHA_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = ALPHA_PA,
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
			.name = "witness",
			.cpus = 0x4,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_NS16550, PCI_SERIAL0, 1),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = BETA_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = BETA_PA,
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
