// SPDX-License-Identifier: MIT
/*
 * An interrupt storm from a backend (tests/system/test_rio_baremetal.py,
 * docs/protocol.md "Interrupt budget"): as configs/test-rio.c, but rback
 * serves at once and rfront runs rio_frontend in RIO_T_FE_STORM mode: it
 * works alone, then asks the backend for 20000 NOTIFY doorbells back to
 * back and a last one, and works on, taking the interrupts that come.
 * QEMU: -smp 2, same loaders.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-rio-storm",
	.vms = {
		{
			.name = "rback",
			.cpus = 0x1,
			TEST_RIO_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(0),
		},
		{
			.name = "rfront",
			.cpus = 0x2,
			TEST_RIO_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, RIO_T_FE_STORM),
		},
	},
	.shmem = { TEST_RIO_SHMEM },
	.virtio = {
		{ TEST_RIO_FAKE_CONSOLE, .mmio_ipa = RIO_T_MMIO },
	},
};
