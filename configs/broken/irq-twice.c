// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: INTID 33 given to both VMs
 * EXPECT: vm "beta": irqs[0]: INTID 33 is already given to vm "alpha"
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-irq-twice",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.irqs = { VIRT_UART0_INTID /* alpha's */ },
		},
	},
};
