// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: it restarts on a fault, but no restart limit is given
 * EXPECT: vm "beta": policy.restart_max: 0 is not 1..16
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-policy-restart-no-limit",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.policy = { .on_fault = BH_ACTION_RESTART, .restart_window_ms = 10000 },
		},
	},
};
