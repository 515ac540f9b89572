// SPDX-License-Identifier: MIT
/*
 * PSCI SYSTEM_RESET (issue 3 item 7): "phoenix" (CPU 0, UART0) runs
 * guest/baremetal/reset, which resets itself once; its image is loaded at
 * PA 0x58000000, outside its RAM, so the hypervisor copies it at boot and
 * again on reset.  "bystander" (CPU 1, pci-serial) runs hello and must not
 * notice.
 * QEMU: -smp 2, reset.bin at 0x58000000, hello.bin at 0x52000000.
 */
#include <bulkhead/config.h>
#include "guest/baremetal/lib/bmarg.h"

#define PHOENIX_PA	0x50000000ull
#define PHOENIX_IMAGE	0x58000000ull
#define BYSTANDER_PA	0x52000000ull
#define UART0		0x09000000ull
#define PCI_SERIAL0	0x3eff1000ull
#define UART0_INTID	33
#define PCI_SLOT1_INTID	36

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-reset",
	.vms = {
		{
			.name = "phoenix",
			.cpus = 0x1,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_PL011, UART0, 0),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = PHOENIX_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL,
				  .load_pa = PHOENIX_IMAGE,
				  .ipa = BM_LINK_IPA, .size = 0x10000 },
			},
			.devices = {
				{ .name = "uart0", .kind = BH_DEV_PL011,
				  .ipa = UART0, .pa = UART0, .size = 0x1000,
				  .intid = UART0_INTID },
			},
			.irqs = { UART0_INTID },
		},
		{
			.name = "bystander",
			.cpus = 0x2,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_NS16550, PCI_SERIAL0, 1),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = BYSTANDER_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL,
				  .load_pa = BYSTANDER_PA,
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
