// SPDX-License-Identifier: MIT
/*
 * BROKEN on purpose: WS0 on the INTID of its own pci-serial
 * EXPECT: vm "beta": watchdog.intid: INTID 36 is already used by the VM
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "broken-watchdog-intid-used",
	.vms = {
		TEST_BROKEN_ALPHA,
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			.watchdog = { .control_ipa = 0x09100000, .refresh_ipa = 0x09110000,
				      .intid = 36 },
			.devices = { VIRT_DEV_PCI_SERIAL(1) },
			.irqs = { VIRT_PCI_SERIAL_INTID(1) },
		},
	},
};
