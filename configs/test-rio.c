// SPDX-License-Identifier: MIT
/*
 * Remote I/O with two bare-metal guests (tests/system/test_rio_baremetal.py):
 *   rback   CPU 0, PL011 UART0: guest/baremetal/rio_backend, late + rogue
 *   rfront  CPU 1, first pci-serial: guest/baremetal/rio_frontend
 * The frontend's virtio-mmio window at RIO_T_MMIO is served by rback through
 * its control region and doorbell; both map the 1 MiB shared window.
 * QEMU: -smp 2 -device loader,file=rio_backend.bin,addr=0x50000000,force-raw=on
 *       -device loader,file=rio_frontend.bin,addr=0x52000000,force-raw=on
 *       -device pci-serial,chardev=ser1
 */
#include <bulkhead/config.h>
#include "guest/baremetal/lib/bmarg.h"
#include "guest/baremetal/lib/rio_test.h"

#define BACK_PA		0x50000000ull
#define FRONT_PA	0x52000000ull
#define WINDOW_PA	0x58000000ull
#define UART0		0x09000000ull
#define PCI_SERIAL0	0x3eff1000ull
#define UART0_INTID	33
#define PCI_SLOT1_INTID	36

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-rio",
	.vms = {
		{
			.name = "rback",
			.cpus = 0x1,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_PL011, UART0,
				     RIO_T_BE_LATE | RIO_T_BE_ROGUE),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = BACK_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
				{ .ipa = RIO_T_WINDOW, .size = RIO_T_WINDOW_SIZE,
				  .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 0 },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = BACK_PA,
				  .ipa = BM_LINK_IPA, .size = 0x100000 },
			},
			.devices = {
				{ .name = "uart0", .kind = BH_DEV_PL011,
				  .ipa = UART0, .pa = UART0, .size = 0x1000,
				  .intid = UART0_INTID },
			},
			.irqs = { UART0_INTID },
		},
		{
			.name = "rfront",
			.cpus = 0x2,
			.entry = BM_LINK_IPA,
			.x0 = BM_ARG(BM_UART_NS16550, PCI_SERIAL0, 0),
			.mem = {
				{ .ipa = BM_LINK_IPA, .size = BM_RAM_SIZE,
				  .pa = FRONT_PA,
				  .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
				{ .ipa = RIO_T_WINDOW, .size = RIO_T_WINDOW_SIZE,
				  .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 0 },
			},
			.images = {
				{ .kind = BH_IMAGE_KERNEL, .load_pa = FRONT_PA,
				  .ipa = BM_LINK_IPA, .size = 0x100000 },
			},
			.devices = {
				{ .name = "serial1", .kind = BH_DEV_NS16550,
				  .ipa = PCI_SERIAL0, .pa = PCI_SERIAL0,
				  .size = 0x1000, .intid = PCI_SLOT1_INTID },
			},
			.irqs = { PCI_SLOT1_INTID },
		},
	},
	.shmem = {
		{ .name = "rio-window", .pa = WINDOW_PA, .size = RIO_T_WINDOW_SIZE },
	},
	.virtio = {
		{ .name = "fake-rfront", .device_id = 3,
		  .frontend = 1, .mmio_ipa = RIO_T_MMIO, .intid = RIO_T_FE_INTID,
		  .shmem = 0,
		  .backend = 0, .backend_intid = RIO_T_BE_INTID,
		  .ctrl_ipa = RIO_T_CTRL, .doorbell_ipa = RIO_T_DOORBELL },
	},
};
