// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: a control frame without its refresh frame
 * EXPECT: vm "beta": watchdog.refresh_ipa: missing
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-watchdog-refresh-missing",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.watchdog = { .control_ipa = 0x09100000, .intid = 40 },
		},
	},
};
