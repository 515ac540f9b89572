// SPDX-License-Identifier: MIT
/*
 * vGIC under Linux: one VM "lx" with 2 vCPUs on CPUs 0 and 1
 * runs the project's guest kernel and shell initramfs, with UART0 passed
 * through.  Its device tree and QEMU's image placement come from this file
 * through tools/dtgen (build/dt/test-irq-linux/): Image at RAM + 2 MiB, DTB
 * at RAM + 128 MiB, initramfs 1 MiB above it, in RAM placed at TEST_VM0_PA.
 */
#include "configs/test-layout.h"

#define VM_PA	   TEST_VM0_PA
#define VM_IPA	   0x40000000ull
#define VM_SIZE	   0x10000000ull
#define KERNEL_OFF 0x00200000ull /* 2 MiB aligned (arm64 booting.rst) */
#define DTB_OFF	   (128ull << 20)
#define INITRD_OFF (DTB_OFF + (1ull << 20))

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-irq-linux",
	.vms = {
		{
			.name = "lx",
			.cpus = 0x3,
			.entry = VM_IPA + KERNEL_OFF,
			.x0 = VM_IPA + DTB_OFF,
			.bootargs = "console=ttyAMA0 bulkhead.name=lx",
			.mem = {
				{ .ipa = VM_IPA, .size = VM_SIZE, .pa = VM_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = VM_PA + KERNEL_OFF,
				  .ipa = VM_IPA + KERNEL_OFF, .size = 0x1000000 },
				{ .kind = BH_IMAGE_DTB, .load_pa = VM_PA + DTB_OFF,
				  .ipa = VM_IPA + DTB_OFF, .size = 0x10000 },
				{ .kind = BH_IMAGE_INITRD, .load_pa = VM_PA + INITRD_OFF,
				  .ipa = VM_IPA + INITRD_OFF, .size = 0x1000000 },
			},
			.devices = { VIRT_DEV_UART0 },
			.irqs = { VIRT_UART0_INTID },
		},
	},
};
