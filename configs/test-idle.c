// SPDX-License-Identifier: MIT
/*
 * Idle ("nothing spins", docs/design.md §4): VM "sleepy" has vCPUs on
 * CPUs 0 and 1;
 * vCPU 0 runs guest/baremetal/idle (WFI forever), vCPU 1 is never started,
 * CPUs 2-3 belong to nobody.  QEMU: -smp 4, idle.bin at 0x50000000.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-idle",
	.vms = {
		{
			.name = "sleepy",
			.cpus = 0x3,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(0),
		},
	},
};
