// SPDX-License-Identifier: MIT
/*
 * CPU features test: idregs in one 1-vCPU VM, printing on UART0.
 * QEMU: -smp 2, idregs.bin at 0x50000000.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-idregs",
	.vms = {
		{
			.name = "idregs",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(0),
		},
	},
};
