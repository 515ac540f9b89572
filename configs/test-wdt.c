// SPDX-License-Identifier: MIT
/*
 * The SBSA Generic Watchdog (docs/hypervisor.md, "Watchdog"): "watched"
 * (CPU 1, first pci-serial, guest/baremetal/wdt) drives it, takes its WS0
 * interrupt, then hangs with its interrupts masked; WS1 restarts it: its second life sees WS1 in
 * WCS. "bystander" (CPU 0, second pci-serial) ticks forever and must not notice. QEMU: -smp 2, two
 * pci-serials, hello.bin at 0x50000000, wdt.bin at 0x52000000.
 */
#include "configs/test-layout.h"
#include "guest/baremetal/wdt/wdt.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-wdt",
	.vms = {
		{
			.name = "bystander",
			.cpus = 0x1,
			TEST_BM_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_PCI_SERIAL(2, 0x800 /* hello: forever */),
		},
		{
			.name = "watched",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, 0),
			.watchdog = { .control_ipa = WDT_CONTROL, .refresh_ipa = WDT_REFRESH,
				      .intid = WDT_INTID },
			.policy = { .on_watchdog = BH_ACTION_RESTART, .restart_max = 2, .restart_window_ms = 10000, },
		},
	},
};
