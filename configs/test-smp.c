// SPDX-License-Identifier: MIT
/*
 * PSCI (issue 3 acceptance 4, CPU_ON part): one VM "duo" with two vCPUs on
 * CPUs 0 and 1 runs guest/baremetal/smp.
 * QEMU: -smp 2, smp.bin at 0x50000000.
 */
#include <bulkhead/config.h>
#include "guest/baremetal/lib/bmarg.h"

#define UART0		0x09000000ull
#define PCI_SERIAL0	0x3eff1000ull	/* PCI I/O window + page 1 */
#define UART0_INTID	33
#define PCI_SLOT1_INTID	36

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-smp",
	.vms = {
		{
			.name = "duo",
			.cpus = 0x3,
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
	},
};
