// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: a VM that would manage itself (a stop from inside would
 * leave nothing to start it again)
 * EXPECT: vm "alpha": ctl.manages[0]: a VM cannot manage itself
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-ctl-manages-itself",
	.vms = {
		{
			.name = "alpha",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			.ctl = { .ipa = 0x09200000, .manages = { "alpha" } },
		},
		{ .name = "beta", .cpus = 0x2, TEST_BM_IN_PLACE(TEST_VM1_PA) },
	},
};
