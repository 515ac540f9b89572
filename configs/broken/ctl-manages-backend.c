// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: a frontend that may manage the backend serving its
 * devices: stopped, the backend's devices are dead for good (docs/protocol.md,
 * "A backend that ends")
 * EXPECT: vm "frontend1": ctl.manages[0]: "backend" serves remote I/O
 */
#include "configs/reference-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-ctl-manages-backend",
	.vms = {
		{ REF_BACKEND },
		{
			REF_FRONTEND(1, FRONTEND1_PA, ""),
			.ctl = { .ipa = 0x09200000, .manages = { "backend" } },
		},
	},
	.shmem = { REF_SHMEM },
	.virtio = { REF_CONSOLE(1) },
};
