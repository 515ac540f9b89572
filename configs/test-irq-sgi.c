// SPDX-License-Identifier: MIT
/*
 * vGIC test: irq_sgi in one 2-vCPU VM (CPUs 0 and 1), printing on UART0.
 * QEMU: -smp 2, irq_sgi.bin at 0x50000000.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-irq-sgi",
	.vms = {
		{
			.name = "irqsgi",
			.cpus = 0x3,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(0),
		},
	},
};
