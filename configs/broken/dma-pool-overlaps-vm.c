// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: the NIC's DMA pool is identity-mapped onto alpha's RAM, so beta's
 * device would read and write alpha's memory
 * EXPECT: vm "beta": mem[1]: PA 0x50000000 size 0x100000 overlaps vm "alpha": mem[0]
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-dma-pool-overlaps-vm",
	.vms = {
		TEST_BROKEN_ALPHA,
		TEST_BROKEN_NIC_BETA(
			.flags = BH_VM_DMA_TRUSTED,
			.mem = {
				TEST_BM_RAM(TEST_VM1_PA),
				{ .ipa = TEST_VM0_PA /* alpha's RAM */, .size = TEST_NIC_POOL_SIZE,
				  .flags = BH_MEM_RW },
			}),
	},
};
