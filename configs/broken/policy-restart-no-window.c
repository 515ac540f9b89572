// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: a restart limit without its window
 * EXPECT: vm "beta": policy.restart_window_ms: 0 is not 1..3600000
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-policy-restart-no-window",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.policy = { .on_fault = BH_ACTION_INJECT, .restart_max = 3 },
		},
	},
};
