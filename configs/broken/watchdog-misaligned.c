// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: the control frame is not on a page of its own
 * EXPECT: vm "beta": watchdog.control_ipa: frame 0x9100800 size 0x1000 not 4 KiB aligned
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-watchdog-misaligned",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.watchdog = { .control_ipa = 0x09100800, .refresh_ipa = 0x09110000,
				      .intid = 40 },
		},
	},
};
