// SPDX-License-Identifier: MIT
/*
 * Idle (DESIGN §4 "nothing spins"): VM "sleepy" has vCPUs on CPUs 0 and 1;
 * vCPU 0 runs guest/baremetal/idle (WFI forever), vCPU 1 is never started,
 * CPUs 2-3 belong to nobody.  QEMU: -smp 4, idle.bin at 0x50000000.
 */
#include <bulkhead/config.h>
#include "guest/baremetal/lib/bmarg.h"

#define SLEEPY_PA	0x50000000ull
#define UART0		0x09000000ull
#define UART0_INTID	33

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-idle",
	.vms = {
		{
			.name = "sleepy",
			.cpus = 0x3,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_PL011, UART0, 0),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = SLEEPY_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = SLEEPY_PA,
				  .ipa = BM_LINK_IPA, .size = 0x100000 },
			},
			.devices = {
				{ .name = "uart0", .kind = BH_DEV_PL011,
				  .ipa = UART0, .pa = UART0, .size = 0x1000,
				  .intid = UART0_INTID },
			},
			.irqs = { UART0_INTID },
		},
	},
};
