// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: a management page that is not a whole page of its own
 * EXPECT: vm "alpha": ctl.ipa: page 0x9200800 size 0x1000 not 4 KiB aligned
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-ctl-misaligned",
	.vms = {
		{
			.name = "alpha",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			.ctl = { .ipa = 0x09200800, .manages = { "beta" } },
		},
		{ .name = "beta", .cpus = 0x2, TEST_BM_IN_PLACE(TEST_VM1_PA) },
	},
};
