// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: beta's RAM overlaps alpha's in physical memory
 * EXPECT: vm "beta": mem[0]: PA 0x50800000 size 0x1000000 overlaps vm "alpha": mem[0]
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-overlapping-memory",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM0_PA + 0x800000 /* inside alpha's RAM */),
			.irqs = { VIRT_PCI_SERIAL_INTID(1) },
		},
	},
};
