// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: beta's image does not fit its RAM
 * EXPECT: vm "beta": images[0]: ipa 0x40f80000 size 0x100000 outside its memory regions
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-image-outside",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			.entry = BM_LINK_IPA,
			.mem = { TEST_BM_RAM(TEST_VM1_PA) },
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = TEST_VM1_PA,
				  /* the last 512 KiB of its RAM: 1 MiB does not fit */
				  .ipa = BM_LINK_IPA + 0xf80000, .size = TEST_BM_IMAGE_SIZE },
			},
			.irqs = { VIRT_PCI_SERIAL_INTID(1) },
		},
	},
};
