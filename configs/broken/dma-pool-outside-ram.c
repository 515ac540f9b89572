// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: the NIC's DMA pool is identity-mapped, but not RAM (0x20000000 is
 * QEMU virt's flash area)
 * EXPECT: vm "beta": devices[0].dma_pool: mem[1] PA 0x20000000 size 0x100000 is not in RAM
 * (0x40000000, 0x40000000 bytes)
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-dma-pool-outside-ram",
	.vms = {
		TEST_BROKEN_ALPHA,
		TEST_BROKEN_NIC_BETA(
			.flags = BH_VM_DMA_TRUSTED,
			.mem = {
				TEST_BM_RAM(TEST_VM1_PA),
				{ .ipa = 0x20000000 /* not RAM */, .size = TEST_NIC_POOL_SIZE,
				  .flags = BH_MEM_RW },
			}),
	},
};
