// SPDX-License-Identifier: MIT
/*
 * PSCI CPU_ON and CPU_OFF: one VM "duo" with two vCPUs on
 * CPUs 0 and 1 runs guest/baremetal/smp.
 * QEMU: -smp 2, smp.bin at 0x50000000.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-smp",
	.vms = {
		{
			.name = "duo",
			.cpus = 0x3,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(0),
		},
	},
};
