// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: WS0 on an SPI the vGIC does not emulate
 * EXPECT: vm "beta": watchdog.intid: 400 is not a virtual SPI (32..287)
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-watchdog-intid-physical",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.watchdog = { .control_ipa = 0x09100000, .refresh_ipa = 0x09110000,
				      .intid = 400 },
		},
	},
};
