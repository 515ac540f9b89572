// SPDX-License-Identifier: MIT
/*
 * The reference system with a hostile frontend2 (tests/system/test_rio_hostile.py):
 * backend (without the NIC and the frontends' networks, which this test does
 * not need) and frontend1 built from the reference shapes
 * (configs/reference-layout.h; Linux, dtgen device trees), frontend2 replaced by
 * guest/baremetal/rio_hostile, which sets up its virtio console and then writes a bad descriptor
 * and avail index.  The device model in the backend must mark that device broken and keep serving
 * frontend1.
 */
#include "configs/reference-layout.h"
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-rio-hostile",
	.vms = {
		{
			REF_LINUX_VM("backend", 0x3, 0, "console=ttyAMA0"),
			.mem = { REF_RAM(BACKEND_RAM, BACKEND_PA), REF_BE_WINDOW(1),
				 REF_BE_WINDOW(2) },
			.devices = { VIRT_DEV_UART0 },
			.irqs = { VIRT_UART0_INTID },
		},
		{ REF_FRONTEND(1, FRONTEND1_PA, "") },
		{
			/* bare metal, in place at its RAM (no copy, no DTB) */
			.name = "frontend2",
			.cpus = 0x8,
			.entry = BM_LINK_IPA,
			.mem = { TEST_BM_RAM(FRONTEND2_PA), REF_FE_WINDOW(2) },
			.images = { TEST_BM_KERNEL(FRONTEND2_PA) },
			TEST_BM_ON_PCI_SERIAL(2, 2),
		},
	},
	.shmem = { REF_SHMEM },
	/* the device model finds them by name: /sys/class/uio/uioN/name */
	.virtio = { REF_CONSOLE(1), REF_CONSOLE(2) },
};
