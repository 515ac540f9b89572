// SPDX-License-Identifier: MIT
/*
 * vGIC test: VM "faulty" (CPU 0, UART0) runs irq_fault and is
 * stopped with interrupts pending in its list registers; VM "sleepy"
 * (CPU 1, pci-serial) runs idle so the machine stays on.
 * QEMU: -smp 2 -device pci-serial,chardev=ser1,
 *       irq_fault.bin at 0x50000000, idle.bin at 0x52000000.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-irq-fault",
	.vms = {
		{
			.name = "faulty",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(0),
		},
		{
			.name = "sleepy",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, 0),
		},
	},
};
