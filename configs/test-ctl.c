// SPDX-License-Identifier: MIT
/*
 * The management page from bare metal (docs/hypervisor.md, "Managing VMs"):
 * "mgr" (CPU 1, first pci-serial, guest/baremetal/ctl) may manage
 * "bystander" (CPU 0, second pci-serial, hello forever).  mgr sweeps its page
 * with every bad access and malformed command, then stops, starts and
 * restarts the bystander.  QEMU: -smp 2, two pci-serials, hello.bin at
 * 0x50000000, ctl.bin at 0x52000000.
 */
#include "configs/test-layout.h"
#include "guest/baremetal/ctl/ctl_ipa.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-ctl",
	.vms = {
		TEST_BM_BYSTANDER,
		{
			.name = "mgr",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, 0),
			.ctl = { .ipa = CTL_PAGE, .manages = { "bystander" } },
		},
	},
};
