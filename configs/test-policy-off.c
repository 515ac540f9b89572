// SPDX-License-Identifier: MIT
/*
 * Restart policy (docs/config.md, "Restart policy"): "phoenix" (CPU 1, first pci-serial,
 * guest/baremetal/lives) powers off in its first two lives and is restarted each time; its third
 * life faults and, faults being stopped, stays stopped. "bystander" (CPU 0, second pci-serial)
 * ticks forever and must not notice. UART0 carries only the hypervisor log. QEMU: -smp 2, two
 * pci-serials, hello.bin at 0x50000000, lives.bin at 0x52000000.
 */
#include "configs/test-layout.h"
#include "guest/baremetal/lives/lives.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-policy-off",
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
			TEST_BM_ON_PCI_SERIAL(1, LIVES_OFF),
			.policy = {
				.on_off = BH_ACTION_RESTART,
				.restart_max = 5,
				.restart_window_ms = 60000,
			},
		},
	},
};
