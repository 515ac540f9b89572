// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: both frames on one page
 * EXPECT: vm "beta": watchdog.refresh_ipa: the same page as control_ipa
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-watchdog-same-page",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.watchdog = { .control_ipa = 0x09100000, .refresh_ipa = 0x09100000,
				      .intid = 40 },
		},
	},
};
