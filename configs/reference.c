// SPDX-License-Identifier: MIT
/*
 * The reference system (docs/design.md §1): three Linux VMs.
 *
 *   backend    2 vCPUs on CPUs 0-1, 256 MiB, owns PL011 UART0 (INTID 33), the NIC
 *              (virtio-net on QEMU's virtio-mmio transport 31, INTID 79; ssh on it) and
 *              the disk (virtio-blk on transport 23, INTID 71; the frontends' images)
 *   frontend1  1 vCPU on CPU 2, 128 MiB, first pci-serial (I/O page 1, INTID 36)
 *   frontend2  1 vCPU on CPU 3, 128 MiB, second pci-serial (I/O page 2, INTID 37)
 *              each frontend has an SBSA watchdog; a hang it sees restarts the
 *              frontend, a fault stops it
 *
 * The backend manages the frontends: bulkhead-ctl in it lists every VM and
 * stops, starts and restarts either frontend; the frontends may manage none.
 *
 * Each frontend has three remote-I/O devices served by the backend's device
 * model, in one shared window: a virtio-console (its hvc0), a virtio-net
 * (its eth0, bridged with the NIC in the backend) and a virtio-blk (its
 * /dev/vda, an image file on the backend's disk).
 *
 * The memory map is in configs/reference-common.h, virt's devices in
 * configs/reference-layout.h.  Every VM sees its RAM
 * at IPA 0x40000000 (like QEMU virt) and its images inside it.  The images are *copied* from their
 * pristine copies at boot and on the VM's own SYSTEM_RESET (struct bh_image), so a VM that reboots
 * (panic=-1 below) starts clean without touching the others.  Which file
 * goes where, and each VM's device tree, come from this file through
 * tools/dtgen (docs/devicetree.md); nothing else repeats these addresses.
 */
#include "configs/reference-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "reference",
	.vms = {
		/* it may stop, start and restart the frontends (bulkhead-ctl) */
		{ REF_BACKEND, REF_CTL_MANAGES("frontend1", "frontend2") },
		/* a fault stops a frontend, a hang its watchdog sees restarts it */
		{
			REF_FRONTEND(1, FRONTEND1_PA, "bulkhead.sshd=eth0:10.0.2.16"),
			REF_FE_WATCHDOG,
			REF_FE_POLICY(BH_ACTION_STOP),
			REF_CTL_NONE,
		},
		{
			REF_FRONTEND(2, FRONTEND2_PA, "bulkhead.sshd=eth0:10.0.2.17"),
			REF_FE_WATCHDOG,
			REF_FE_POLICY(BH_ACTION_STOP),
			REF_CTL_NONE,
		},
	},
	.shmem = { REF_SHMEM },
	/* the device model finds them by name: /sys/class/uio/uioN/name */
	.virtio = { REF_CONSOLE(1), REF_CONSOLE(2), REF_NET(1), REF_NET(2), REF_BLK(1),
		    REF_BLK(2) },
};
