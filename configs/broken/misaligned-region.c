// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: beta's RAM size is not a multiple of 4 KiB
 * EXPECT: vm "beta": mem[0]: ipa 0x40000000 size 0x1000800 not 4 KiB aligned
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-misaligned-region",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			.entry = BM_LINK_IPA,
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE + 0x800 /* not 4 KiB */,
				  .pa = TEST_VM1_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = { TEST_BM_KERNEL(TEST_VM1_PA) },
			.irqs = { VIRT_PCI_SERIAL_INTID(1) },
		},
	},
};
