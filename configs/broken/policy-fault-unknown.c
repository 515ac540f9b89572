// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: an action that does not exist
 * EXPECT: vm "beta": policy.on_fault: 7 is not one of stop..inject
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-policy-fault-unknown",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.policy = { .on_fault = 7 },
		},
	},
};
