// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: a watchdog action for a VM without a watchdog
 * EXPECT: vm "beta": policy.on_watchdog: set, but the VM has no watchdog
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-policy-watchdog-without-watchdog",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.policy = { .on_watchdog = BH_ACTION_RESTART, .restart_max = 3,
				    .restart_window_ms = 10000 },
		},
	},
};
