// SPDX-License-Identifier: MIT
/*
 * vGIC test (issue 3): VM "faulty" (CPU 0, UART0) runs irq_fault and is
 * stopped with interrupts pending in its list registers; VM "sleepy"
 * (CPU 1, pci-serial) runs idle so the machine stays on.
 * QEMU: -smp 2 -device pci-serial,chardev=ser1,
 *       irq_fault.bin at 0x50000000, idle.bin at 0x52000000.
 */
#include <bulkhead/config.h>
#include "guest/baremetal/lib/bmarg.h"

#define A_PA		0x50000000ull
#define B_PA		0x52000000ull
#define UART0		0x09000000ull
#define PCI_SERIAL0	0x3eff1000ull	/* PCI I/O window + page 1 */
#define UART0_INTID	33
#define PCI_SLOT1_INTID	36

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-irq-fault",
	.vms = {
		{
			.name = "faulty",
			.cpus = 0x1,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_PL011, UART0, 0),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = A_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = A_PA,
				  .ipa = BM_LINK_IPA, .size = 0x100000 },
			},
			.devices = {
				{ .name = "uart0", .kind = BH_DEV_PL011,
				  .ipa = UART0, .pa = UART0, .size = 0x1000,
				  .intid = UART0_INTID },
			},
			.irqs = { UART0_INTID },
		},
		{
			.name = "sleepy",
			.cpus = 0x2,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_NS16550, PCI_SERIAL0, 0),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = B_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = B_PA,
				  .ipa = BM_LINK_IPA, .size = 0x100000 },
			},
			.devices = {
				{ .name = "serial1", .kind = BH_DEV_NS16550,
				  .ipa = PCI_SERIAL0, .pa = PCI_SERIAL0,
				  .size = 0x1000, .intid = PCI_SLOT1_INTID },
			},
			.irqs = { PCI_SLOT1_INTID },
		},
	},
};
