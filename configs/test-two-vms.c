// SPDX-License-Identifier: MIT
/*
 * Two bare-metal VMs side by side (issue 3 acceptance 1):
 *   alpha on CPU 0 prints on PL011 UART0 (passed through),
 *   beta  on CPU 1 prints on the first pci-serial UART (I/O page 0x1000).
 * Both run guest/baremetal/hello, linked at IPA 0x40000000; each VM's RAM
 * sits at its own PA where QEMU's -device loader put the image.
 * QEMU: -smp 2 -device loader,file=hello.bin,addr=0x50000000,force-raw=on
 *       -device loader,file=hello.bin,addr=0x52000000,force-raw=on
 *       -device pci-serial,chardev=ser1
 */
#include <bulkhead/config.h>
#include "guest/baremetal/lib/bmarg.h"

#define ALPHA_PA	0x50000000ull
#define BETA_PA		0x52000000ull
#define UART0		0x09000000ull
#define PCI_SERIAL0	0x3eff1000ull	/* PCI I/O window + page 1 */
#define UART0_INTID	33
#define PCI_SLOT1_INTID	36

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-two-vms",
	.vms = {
		{
			.name = "alpha",
			.cpus = 0x1,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_PL011, UART0, 0),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = ALPHA_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = ALPHA_PA,
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
			.name = "beta",
			.cpus = 0x2,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_NS16550, PCI_SERIAL0, 1),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = BETA_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = BETA_PA,
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
