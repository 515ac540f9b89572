// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: a manager names a VM the config does not have
 * EXPECT: vm "alpha": ctl.manages[1]: "gamma" is not a VM of the config
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-ctl-manages-unknown",
	.vms = {
		{
			.name = "alpha",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			.ctl = { .ipa = 0x09200000, .manages = { "beta", "gamma" } },
		},
		{ .name = "beta", .cpus = 0x2, TEST_BM_IN_PLACE(TEST_VM1_PA) },
	},
};
