// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: the NIC's DMA pool maps IPA 0x5c000000 to another PA, so the
 * addresses the driver gives the device (IPAs) are not where its buffers are
 * EXPECT: vm "beta": devices[0].dma_pool: mem[1] maps IPA 0x5c000000 to PA 0x5d000000; a DMA pool
 * must be identity-mapped
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-dma-pool-not-identity",
	.vms = {
		TEST_BROKEN_ALPHA,
		TEST_BROKEN_NIC_BETA(
			.flags = BH_VM_DMA_TRUSTED,
			.mem = {
				TEST_BM_RAM(TEST_VM1_PA),
				{ .ipa = TEST_NIC_POOL_PA, .size = TEST_NIC_POOL_SIZE,
				  .pa = TEST_NIC_POOL_PA + 0x1000000 /* not the IPA */,
				  .flags = BH_MEM_RW | BH_MEM_FIXED_PA },
			}),
	},
};
