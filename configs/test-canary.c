// SPDX-License-Identifier: MIT
/*
 * Memory isolation: "victim" (CPU 0, 2nd pci-serial) places a
 * canary at its IPA 0x40100000 = PA 0x50100000; "thief" (CPU 1,
 * pci-serial) reads IPA 0x50100000 - the victim's PA - and is stopped.
 * UART0 carries only the hypervisor log, so the stop line is never
 * interleaved with guest output (the first pci-serial is ser1, the second
 * ser2 in the tests).
 * QEMU: -smp 2, two pci-serials, canary.bin at 0x50000000 and at 0x52000000.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-canary",
	.vms = {
		{
			.name = "victim",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_PCI_SERIAL(2, 0),
		},
		{
			.name = "thief",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, 0x501 /* MiB: IPA 0x50100000 */),
		},
	},
};
