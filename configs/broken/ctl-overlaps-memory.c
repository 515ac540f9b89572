// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: the management page inside the VM's RAM, where it
 * would be memory and never trap
 * EXPECT: vm "alpha": ctl.ipa: 0x40001000 overlaps mem[0]
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-ctl-overlaps-memory",
	.vms = {
		{
			.name = "alpha",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			.ctl = { .ipa = 0x40001000, .manages = { "beta" } },
		},
		{ .name = "beta", .cpus = 0x2, TEST_BM_IN_PLACE(TEST_VM1_PA) },
	},
};
