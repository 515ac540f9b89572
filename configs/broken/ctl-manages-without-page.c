// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: rights to manage, but no page to do it through
 * EXPECT: vm "alpha": ctl.manages: set, but the VM has no management page (ctl.ipa)
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-ctl-manages-without-page",
	.vms = {
		{
			.name = "alpha",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			.ctl = { .manages = { "beta" } },
		},
		{ .name = "beta", .cpus = 0x2, TEST_BM_IN_PLACE(TEST_VM1_PA) },
	},
};
