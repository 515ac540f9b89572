// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: two VMs on CPU 0
 * EXPECT: vm "beta": cpus: CPU 0 is already given to vm "alpha"
 */
#include <bulkhead/config.h>

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-two-vms-one-cpu",
	.vms = {
		{
			.name = "alpha",
			.cpus = 0x1,
			.entry = 0x40000000,
			.mem = { { .ipa = 0x40000000, .size = 0x1000000,
				   .pa = 0x50000000,
				   .flags = BH_MEM_RWX | BH_MEM_FIXED_PA }, },
			.images = { { .kind = BH_IMAGE_KERNEL, .load_pa = 0x50000000,
				      .ipa = 0x40000000, .size = 0x100000 }, },
			.irqs = { 33 },
		},
		{
			.name = "beta",
			.cpus = 0x1,
			.entry = 0x40000000,
			.mem = { { .ipa = 0x40000000, .size = 0x1000000,
				   .pa = 0x52000000,
				   .flags = BH_MEM_RWX | BH_MEM_FIXED_PA }, },
			.images = { { .kind = BH_IMAGE_KERNEL, .load_pa = 0x52000000,
				      .ipa = 0x40000000, .size = 0x100000 }, },
			.irqs = { 36 },
		},
	},
};
