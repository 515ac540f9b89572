// SPDX-License-Identifier: MIT
/*
 * Remote I/O with a polling backend (tests/system/test_rio_baremetal.py,
 * docs/protocol.md "Polling"): as configs/test-rio.c, but rback runs
 * rio_backend in RIO_T_BE_POLL mode (polling rounds of pseudo-random length
 * and sleeps on its SPI between them, from the start) and rfront runs
 * rio_frontend in RIO_T_FE_RACE mode (requests after pseudo-random gaps).
 * QEMU: -smp 2, same loaders.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-rio-poll",
	.vms = {
		{
			.name = "rback",
			.cpus = 0x1,
			TEST_RIO_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(RIO_T_BE_POLL),
		},
		{
			.name = "rfront",
			.cpus = 0x2,
			TEST_RIO_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, RIO_T_FE_RACE),
		},
	},
	.shmem = { TEST_RIO_SHMEM },
	.virtio = {
		{ TEST_RIO_FAKE_CONSOLE, .mmio_ipa = RIO_T_MMIO },
	},
};
