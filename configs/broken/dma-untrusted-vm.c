// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: a NIC (a bus master with no IOMMU, BH_DEV_DMA) given to a VM that is
 * not marked trusted for memory isolation (BH_VM_DMA_TRUSTED)
 * EXPECT: vm "beta": devices[0].flags: BH_DEV_DMA with no IOMMU reaches all memory: the VM must be
 * marked trusted (flags: BH_VM_DMA_TRUSTED)
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-dma-untrusted-vm",
	.vms = {
		TEST_BROKEN_ALPHA,
		TEST_BROKEN_NIC_BETA(
			/* .flags = BH_VM_DMA_TRUSTED missing */
			.mem = {
				TEST_BM_RAM(TEST_VM1_PA),
				{ .ipa = TEST_NIC_POOL_PA, .size = TEST_NIC_POOL_SIZE,
				  .flags = BH_MEM_RW },
			}),
	},
};
