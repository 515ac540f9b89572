// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: two VMs on CPU 0
 * EXPECT: vm "beta": cpus: CPU 0 is already given to vm "alpha"
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-two-vms-one-cpu",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x1 /* alpha's CPU 0 */,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.irqs = { VIRT_PCI_SERIAL_INTID(1) },
		},
	},
};
