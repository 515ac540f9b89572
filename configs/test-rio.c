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
#include "configs/test-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-rio",
	.vms = {
		{
			.name = "rback",
			.cpus = 0x1,
			TEST_RIO_IN_PLACE(TEST_VM0_PA),
			TEST_BM_ON_UART0(RIO_T_BE_LATE | RIO_T_BE_ROGUE),
		},
		{
			.name = "rfront",
			.cpus = 0x2,
			TEST_RIO_IN_PLACE(TEST_VM1_PA),
			TEST_BM_ON_PCI_SERIAL(1, 0),
		},
	},
	.shmem = { TEST_RIO_SHMEM },
	.virtio = {
		{ TEST_RIO_FAKE_CONSOLE, .mmio_ipa = RIO_T_MMIO },
	},
};
