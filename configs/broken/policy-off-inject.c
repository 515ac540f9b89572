// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: SYSTEM_OFF has no abort to inject
 * EXPECT: vm "beta": policy.on_off: 2 is not one of stop..restart
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-policy-off-inject",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.policy = { .on_off = BH_ACTION_INJECT },
		},
	},
};
