// SPDX-License-Identifier: MIT
/*
 * Remote I/O: a device model that does not answer
 * (tests/system/test_rio_baremetal.py, docs/protocol.md "A device model that
 * does not answer").  As configs/test-rio.c, but the device's timeout is
 * RIO_T_TIMEOUT_MS, rback (RIO_T_BE_STALL) starts serving only after
 * RIO_T_ABSENT_MS and stops when asked, and rfront (RIO_T_FE_STALL, in place:
 * it counts its lives) checks what it sees meanwhile, then resets itself
 * while rback does not answer.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-rio-deadline",
	.vms = {
		{
			.name = "rback",
			.cpus = 0x1,
			TEST_RIO_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(RIO_T_BE_STALL),
		},
		{
			.name = "rfront",
			.cpus = 0x2,
			TEST_RIO_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, RIO_T_FE_STALL),
		},
	},
	.shmem = { TEST_RIO_SHMEM },
	.virtio = {
		{ TEST_RIO_FAKE_CONSOLE, .mmio_ipa = RIO_T_MMIO, .timeout_ms = RIO_T_TIMEOUT_MS },
	},
};
