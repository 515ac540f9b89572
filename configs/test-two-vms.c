// SPDX-License-Identifier: MIT
/*
 * Two bare-metal VMs side by side, each on its own CPU and UART:
 *   alpha on CPU 0 prints on PL011 UART0 (passed through),
 *   beta  on CPU 1 prints on the first pci-serial UART (I/O page 0x1000).
 * Both run guest/baremetal/hello, linked at IPA 0x40000000; each VM's RAM
 * sits at its own PA where QEMU's -device loader put the image.
 * QEMU: -smp 2 -device loader,file=hello.bin,addr=0x50000000,force-raw=on
 *       -device loader,file=hello.bin,addr=0x52000000,force-raw=on
 *       -device pci-serial,chardev=ser1
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-two-vms",
	.vms = {
		{
			.name = "alpha",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(0),
		},
		{
			.name = "beta",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, 1),
		},
	},
};
