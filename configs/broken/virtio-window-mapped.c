// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: the frontend's virtio-mmio window lies in its own RAM,
 * so its accesses would never trap (configs/test-rio.c otherwise)
 * EXPECT: vm "rfront": virtio[0].mmio_ipa: page of 0x40003e00 is mapped or emulated as mem[0]
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-virtio-window-mapped",
	.vms = {
		{
			.name = "rback",
			.cpus = 0x1,
			TEST_RIO_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(RIO_T_BE_LATE | RIO_T_BE_ROGUE),
		},
		{
			.name = "rfront",
			.cpus = 0x2,
			TEST_RIO_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, 1),
		},
	},
	.shmem = { TEST_RIO_SHMEM },
	.virtio = {
		{ TEST_RIO_FAKE_CONSOLE, .mmio_ipa = BM_LINK_IPA + 0x3e00 /* in rfront's RAM */ },
	},
};
