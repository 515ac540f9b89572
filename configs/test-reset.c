// SPDX-License-Identifier: MIT
/*
 * PSCI SYSTEM_RESET restarts only its VM: "phoenix" (CPU 0, UART0) runs
 * guest/baremetal/reset, which resets itself once; its image is loaded at
 * PA 0x58000000, outside its RAM, so the hypervisor copies it at boot and
 * again on reset.  "bystander" (CPU 1, pci-serial) runs hello and must not
 * notice.
 * QEMU: -smp 2, reset.bin at 0x58000000, hello.bin at 0x52000000.
 */
#include "configs/test-layout.h"

#define PHOENIX_IMAGE	TEST_SPARE_PA /* outside every VM: copied */
#define RESET_IMAGE_MAX 0x10000ull

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-reset",
	.vms = {
		{
			.name = "phoenix",
			.cpus = 0x1,
			.entry = BM_LINK_IPA,
			.mem = { TEST_BM_RAM(TEST_VM0_PA) },
			.images = {
				{ .kind = BH_IMAGE_KERNEL,
				  .load_pa = PHOENIX_IMAGE,
				  .ipa = BM_LINK_IPA, .size = RESET_IMAGE_MAX },
			},
			TEST_BM_ON_UART0(0),
		},
		{
			.name = "bystander",
			.cpus = 0x2,
			TEST_BM_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, 1),
		},
	},
};
