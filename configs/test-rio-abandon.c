// SPDX-License-Identifier: MIT
/*
 * Remote I/O: a frontend reset while one of its reads waits
 * (tests/system/test_rio_baremetal.py).  As configs/test-rio.c, but rfront
 * has 2 vCPUs (CPUs 1-2) and runs rio_frontend in RIO_T_FE_ABANDON mode; the
 * backend is late (no rogue read).  QEMU: -smp 3, same loaders.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-rio-abandon",
	.vms = {
		{
			.name = "rback",
			.cpus = 0x1,
			TEST_RIO_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(RIO_T_BE_LATE),
		},
		{
			.name = "rfront",
			.cpus = 0x6,
			TEST_RIO_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, RIO_T_FE_ABANDON),
		},
	},
	.shmem = { TEST_RIO_SHMEM },
	.virtio = {
		{ TEST_RIO_FAKE_CONSOLE, .mmio_ipa = RIO_T_MMIO },
	},
};
