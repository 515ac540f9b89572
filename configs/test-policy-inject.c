// SPDX-License-Identifier: MIT
/*
 * Restart policy (docs/config.md, "Restart policy"): "phoenix" (CPU 1, first pci-serial,
 * guest/baremetal/lives) loads, stores and jumps outside its memory: each time its own EL1 vector
 * sees the synchronous external abort the hardware would raise, and it goes on. "bystander" (CPU 0,
 * second pci-serial) ticks forever and must not notice. UART0 carries only the hypervisor log.
 * QEMU: -smp 2, two pci-serials, hello.bin at 0x50000000, lives.bin at 0x52000000.
 */
#include "configs/test-layout.h"
#include "guest/baremetal/lives/lives.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-policy-inject",
	.vms = {
		{
			.name = "bystander",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_PCI_SERIAL(2, 0x800 /* hello: forever */),
		},
		{
			.name = "phoenix",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, LIVES_INJECT),
			.policy = {
				.on_fault = BH_ACTION_INJECT,
				.restart_max = 1,
				.restart_window_ms = 1000,
			},
		},
	},
};
