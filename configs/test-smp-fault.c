// SPDX-License-Identifier: MIT
/*
 * Stopping a multi-vCPU VM: "duo" (CPUs 0, 1, 2nd pci-serial) runs
 * guest/baremetal/smp in fault mode - vCPU 1 prints forever while vCPU 0
 * stores outside the VM; the hypervisor must kick vCPU 1 out as well.
 * "witness" (CPU 2, 1st pci-serial, hello) keeps the machine running.
 * UART0 carries only the hypervisor log, so the stop line is never
 * interleaved with guest output (the first pci-serial is ser1, the second
 * ser2 in the tests).
 * QEMU: -smp 3, two pci-serials, smp.bin at 0x50000000, hello.bin at 0x52000000.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-smp-fault",
	.vms = {
		{
			.name = "duo",
			.cpus = 0x3,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_PCI_SERIAL(2, 1 /* SMP_FAULT */),
		},
		{
			.name = "witness",
			.cpus = 0x4,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, 1),
		},
	},
};
