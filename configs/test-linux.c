// SPDX-License-Identifier: MIT
/*
 * Linux smoke test: the project's guest kernel and shell initramfs as one
 * 2-vCPU VM "linux" (CPUs 0, 1) owning UART0, 256 MiB at IPA 0x40000000 =
 * PA TEST_VM0_PA.  Images in place (QEMU -device loader):
 *   Image  at RAM + 2 MiB,
 *   initrd at RAM + 128 MiB,
 *   DTB    at RAM + 254 MiB, generated from this file by
 *          tools/dtgen like the reference system's.
 */
#include "configs/test-layout.h"

#define LINUX_IPA  0x40000000ull
#define LINUX_PA   TEST_VM0_PA
#define LINUX_RAM  0x10000000ull
#define KERNEL_OFF 0x00200000ull
#define INITRD_OFF (128ull << 20)
#define DTB_OFF	   0x0fe00000ull

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-linux",
	.vms = {
		{
			.name = "linux",
			.cpus = 0x3,
			.entry = LINUX_IPA + KERNEL_OFF,
			.x0 = LINUX_IPA + DTB_OFF,
			.bootargs = "console=ttyAMA0 bulkhead.name=guest",
			.mem = {
				{ .ipa = LINUX_IPA, .size = LINUX_RAM,
				  .pa = LINUX_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL,
				  .load_pa = LINUX_PA + KERNEL_OFF,
				  .ipa = LINUX_IPA + KERNEL_OFF,
				  .size = 0x02000000 },
				{ .kind = BH_IMAGE_INITRD,
				  .load_pa = LINUX_PA + INITRD_OFF,
				  .ipa = LINUX_IPA + INITRD_OFF,
				  .size = 0x04000000 },
				{ .kind = BH_IMAGE_DTB,
				  .load_pa = LINUX_PA + DTB_OFF,
				  .ipa = LINUX_IPA + DTB_OFF,
				  .size = 0x00010000 },
			},
			.devices = { VIRT_DEV_UART0 },
			.irqs = { VIRT_UART0_INTID },
		},
	},
};
