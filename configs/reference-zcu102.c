// SPDX-License-Identifier: MIT
/*
 * The reference system on the ZCU102 (docs/design.md §1, docs/platforms.md
 * "zcu102"): three Linux VMs, as configs/reference.c on QEMU virt, with the
 * board's own devices.
 *
 *   backend    2 vCPUs on CPUs 0-1, 256 MiB, owns Cadence UART0 (INTID 53, shared
 *              with the hypervisor's log) and GEM0 (INTID 89; ssh on it), a bus
 *              master without an SMMU: trusted, all its DMA through an
 *              identity-mapped pool.  No disk: the board has no virtio-blk, and
 *              the frontends get none.
 *   frontend1  1 vCPU on CPU 2, 128 MiB, owns Cadence UART1 (INTID 54)
 *   frontend2  1 vCPU on CPU 3, 128 MiB, no UART: its only console is its
 *              virtio-console (hvc0), served by the backend's device model
 *              each frontend has an SBSA watchdog; a hang it sees restarts the
 *              frontend, a fault stops it
 *
 * Each frontend has a virtio-console and a virtio-net served by the
 * backend's device model, in one shared window, at the IPAs of the virtual
 * board (platform/vm/vboard.h), exactly as on virt; the backend bridges the
 * frontends' networks with GEM0.  The memory map is
 * configs/reference-common.h's from the board's RAM base (0 here).
 */
#include "configs/reference-common.h"
#include "configs/xlnx-zcu102.h"

/* A frontend: @k (1 or 2) on CPU k + 1, its RAM at @ram_pa. */
#define ZCU_FRONTEND(k, ram_pa, args)                                                        \
	REF_LINUX_VM("frontend" #k, 0x2ull << (k), k, args),                                 \
		.mem = { REF_RAM(FRONTEND_RAM, ram_pa), REF_FE_WINDOW(k) }, REF_FE_WATCHDOG, \
		REF_FE_POLICY(BH_ACTION_STOP), REF_CTL_NONE

/*
 * frontend2's console is its only one: its virtio_console probe must not give
 * up before the backend's device model runs (BH_RIO_TIMEOUT_MS_DEFAULT is
 * made for consoles a VM can do without), so it waits up to two minutes,
 * which also bounds how long a dead model stalls it (docs/config.md).
 */
#define FE2_CONSOLE_TIMEOUT_MS 120000u

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "reference-zcu102",
	.vms = {
		/* it may stop, start and restart the frontends (bulkhead-ctl) */
		{
			REF_LINUX_VM("backend", 0x3, 0,
				     "console=ttyPS0 bulkhead.sshd=br0:10.0.2.15"),
			.flags = BH_VM_DMA_TRUSTED,
			.mem = {
				REF_RAM(BACKEND_RAM, BACKEND_PA),
				REF_BE_WINDOW(1),
				REF_BE_WINDOW(2),
				[BACKEND_NIC_POOL] = { .ipa = NIC_POOL, .size = NIC_POOL_SIZE,
						       .flags = BH_MEM_RW },
			},
			.devices = { ZCU102_DEV_UART(0), ZCU102_DEV_GEM(0, "nic", BACKEND_NIC_POOL) },
			.irqs = { PLAT_UART0_INTID, PLAT_GEM_INTID(0) },
			REF_CTL_MANAGES("frontend1", "frontend2"),
		},
		{
			ZCU_FRONTEND(1, FRONTEND1_PA, "console=ttyPS0 bulkhead.sshd=eth0:10.0.2.16"),
			.devices = { ZCU102_DEV_UART(1) },
			.irqs = { PLAT_UART1_INTID },
		},
		{ ZCU_FRONTEND(2, FRONTEND2_PA, "console=hvc0 bulkhead.sshd=eth0:10.0.2.17") },
	},
	.shmem = { REF_SHMEM },
	/* the device model finds them by name: /sys/class/uio/uioN/name */
	.virtio = { REF_CONSOLE(1),
		    { REF_CONSOLE_FIELDS(2), .timeout_ms = FE2_CONSOLE_TIMEOUT_MS },
		    REF_NET(1), REF_NET(2) },
};
