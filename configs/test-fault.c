// SPDX-License-Identifier: MIT
/*
 * Fault isolation: "alpha" (CPU 0, 2nd pci-serial, hello) keeps
 * printing while "rogue" (CPU 1, 1st pci-serial, guest/baremetal/rogue) stores
 * to IPA 0x60000000, outside its memory, and is stopped.
 * UART0 carries only the hypervisor log, so the stop line is never
 * interleaved with guest output (the first pci-serial is ser1, the second
 * ser2 in the tests).
 * QEMU: -smp 2, two pci-serials, hello.bin at 0x50000000, rogue.bin at 0x52000000.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-fault",
	.vms = {
		{
			.name = "alpha",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_PCI_SERIAL(2, 0),
		},
		{
			.name = "rogue",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, 0x600 /* MiB: IPA 0x60000000 */),
		},
	},
};
