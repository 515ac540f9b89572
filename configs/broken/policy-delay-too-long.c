// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: a back-off that starts at 20 s
 * EXPECT: vm "beta": policy.restart_delay_ms: 20000 is more than 10000
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-policy-delay-too-long",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.policy = { .on_fault = BH_ACTION_RESTART, .restart_max = 3,
				    .restart_window_ms = 10000, .restart_delay_ms = 20000 },
		},
	},
};
