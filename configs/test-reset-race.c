// SPDX-License-Identifier: MIT
/*
 * PSCI CPU_ON racing SYSTEM_RESET: "racer" (CPUs 0-2, UART0) runs
 * guest/baremetal/reset_race, which resets itself 30 times while one of its
 * vCPUs calls CPU_ON for another; its image is loaded at PA 0x58000000,
 * outside its RAM, so the hypervisor copies it again at every reset.
 * QEMU: -smp 3, reset_race.bin at 0x58000000.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-reset-race",
	.vms = {
		{
			.name = "racer",
			.cpus = 0x7,
			.entry = BM_LINK_IPA,
			.mem = { TEST_BM_RAM(TEST_VM0_PA) },
			/* outside every VM: copied at boot and every reset */
			.images = { TEST_BM_KERNEL(TEST_SPARE_PA) },
			TEST_BM_ON_UART0(0),
		},
	},
};
