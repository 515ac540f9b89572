// SPDX-License-Identifier: MIT
/*
 * vGIC pass-through test (UART RX interrupts): two VMs run irq_uart,
 *   "a" on CPU 0 owns UART0 (virt: PL011, INTID 33; zcu102: INTID 53),
 *   "b" on CPU 1 owns the first extra serial port (virt: pci-serial at I/O
 *   page 0x1000, INTID 36; zcu102: UART1, INTID 54).
 * The test parameter in x0 is the VM's UART INTID.
 * QEMU: -smp 2 -device pci-serial,chardev=ser1,
 *       irq_uart.bin at 0x50000000 and 0x52000000.
 */
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-irq-uart",
	.vms = {
		{
			.name = "a",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(TEST_UART0_INTID),
		},
		{
			.name = "b",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, TEST_SERIAL_INTID(1)),
		},
	},
};
