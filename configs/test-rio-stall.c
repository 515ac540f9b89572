// SPDX-License-Identifier: MIT
/*
 * Device models that stop, die or never start, with Linux everywhere
 * (tests/system/test_rio_stall_linux.py, docs/protocol.md "A device model that
 * does not answer"): the reference system's backend and frontends, built from
 * the reference shapes (configs/reference-layout.h; dtgen device trees), with
 * only the frontends' consoles, a timeout of 3 s on them, and a backend whose
 * /etc/rc.local starts no model (bulkhead.dm=off): the test starts them, under
 * dm-supervise, when it wants.
 */
#include "configs/reference-layout.h"

#define STALL_TIMEOUT_MS 3000

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-rio-stall",
	.vms = {
		{
			REF_LINUX_VM("backend", 0x3, 0, "console=ttyAMA0 bulkhead.dm=off"),
			.mem = { REF_RAM(BACKEND_RAM, BACKEND_PA), REF_BE_WINDOW(1),
				 REF_BE_WINDOW(2) },
			.devices = { VIRT_DEV_UART0 },
			.irqs = { VIRT_UART0_INTID },
		},
		{ REF_FRONTEND(1, FRONTEND1_PA, "") },
		{ REF_FRONTEND(2, FRONTEND2_PA, "") },
	},
	.shmem = { REF_SHMEM },
	/* the device model finds them by name: /sys/class/uio/uioN/name */
	.virtio = {
		{ REF_CONSOLE_FIELDS(1), .timeout_ms = STALL_TIMEOUT_MS },
		{ REF_CONSOLE_FIELDS(2), .timeout_ms = STALL_TIMEOUT_MS },
	},
};
