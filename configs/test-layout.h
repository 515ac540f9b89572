/* SPDX-License-Identifier: MIT */
/*
 * The memory map and the VM shapes the bare-metal test configs share
 * (configs/test-NAME.c and configs/broken/), said once.
 *
 * A bare-metal test guest (guest/baremetal/) is linked at BM_LINK_IPA and
 * gets BM_RAM_SIZE of RAM there, placed at the PA where QEMU's
 * "-device loader" put its image, so the image runs in place; x0 tells it
 * which UART to print on (BM_ARG, guest/baremetal/lib/bmarg.h).  The tests
 * (tests/system/test_hyp_*.py, test_rio_baremetal.py) load the images at
 * TEST_VM0_PA and TEST_VM1_PA.
 *
 * The helpers expand to designated initializers (fields of a struct
 * bh_vm_config, or one array element), so a config still names every field
 * it chooses itself; what a test is about stays written out in its file.
 * Plain #defines: compiled into the hypervisor and the host tools alike.
 */
#ifndef CONFIGS_TEST_LAYOUT_H
#define CONFIGS_TEST_LAYOUT_H

#include <bulkhead/config.h>
#include "guest/baremetal/lib/bmarg.h"
#include "guest/baremetal/lib/rio_test.h"
#include <plat_desc.h>
#ifdef PLAT_TEST_UARTS
/* a board's own UARTs (TEST_BM_ON_UART0, TEST_BM_ON_PCI_SERIAL, the INTIDs) */
#include PLAT_TEST_UARTS
#else
#include "configs/qemu-virt.h"
#endif

/* ------------------------------------------------ host-physical RAM */

/* Where the tests' loaders put the first and second guest image (RAM + 256 MiB). */
#define TEST_VM0_PA (PLAT_RAM_BASE + 0x10000000ull)
#define TEST_VM1_PA (TEST_VM0_PA + 0x02000000ull)
/* Free RAM above both VMs: a pristine image to copy, or a shared window. */
#define TEST_SPARE_PA (TEST_VM0_PA + (128ull << 20))

/* Bytes reserved for a bare-metal test image (they are a few KiB). */
#define TEST_BM_IMAGE_SIZE 0x100000ull

/* ------------------------------------------------ array elements */

/* .mem[]: BM_RAM_SIZE at BM_LINK_IPA, placed at @ram_pa. */
#define TEST_BM_RAM(ram_pa)                                              \
	{                                                                \
		.ipa = BM_LINK_IPA, .size = BM_RAM_SIZE, .pa = (ram_pa), \
		.flags = BH_MEM_RWX | BH_MEM_FIXED_PA                    \
	}

/* .images[]: the guest's image, loaded at @image_pa, run at BM_LINK_IPA. */
#define TEST_BM_KERNEL(image_pa)                                                    \
	{                                                                           \
		.kind = BH_IMAGE_KERNEL, .load_pa = (image_pa), .ipa = BM_LINK_IPA, \
		.size = TEST_BM_IMAGE_SIZE                                          \
	}

/* ------------------------------------------------ VM fields */

/* A bare-metal guest running in place: its image was loaded at @vm_pa. */
#define TEST_BM_IN_PLACE(vm_pa) \
	.entry = BM_LINK_IPA, .mem = { TEST_BM_RAM(vm_pa) }, .images = { TEST_BM_KERNEL(vm_pa) }

#ifndef PLAT_TEST_UARTS
/* The INTIDs of UART0 and of extra serial port @k (a literal 1 or 2). */
#define TEST_UART0_INTID     VIRT_UART0_INTID
#define TEST_SERIAL_INTID(k) VIRT_PCI_SERIAL_INTID(k)

/* Prints on UART0, which it owns; @param is the test parameter in x0. */
#define TEST_BM_ON_UART0(param)                                                          \
	.x0 = BM_ARG(BM_UART_PL011, VIRT_UART0, (param)), .devices = { VIRT_DEV_UART0 }, \
	.irqs = { VIRT_UART0_INTID }

/* Prints on pci-serial @k (a literal 1 or 2), which it owns. */
#define TEST_BM_ON_PCI_SERIAL(k, param)                             \
	.x0 = BM_ARG(BM_UART_NS16550, VIRT_PCI_SERIAL(k), (param)), \
	.devices = { VIRT_DEV_PCI_SERIAL(k) }, .irqs = { VIRT_PCI_SERIAL_INTID(k) }
#endif /* PLAT_TEST_UARTS */

/*
 * A whole VM: "bystander" on CPU 0 ticks forever on pci-serial 2 (hello),
 * beside a VM whose faults, restarts or watchdog a test provokes; it must
 * not notice them.
 */
#define TEST_BM_BYSTANDER                                                        \
	{                                                                        \
		.name = "bystander", .cpus = 0x1, TEST_BM_IN_PLACE(TEST_VM0_PA), \
		TEST_BM_ON_PCI_SERIAL(2, 0x800 /* hello: forever */),            \
	}

/* ------------------------------------------------ remote I/O tests */

/*
 * configs/test-rio*.c: rback (VM 0) serves a fake virtio console of
 * rfront (VM 1) through the guest/baremetal/lib/rio_test.h layout; both
 * map shmem[0], the 1 MiB window, at RIO_T_WINDOW.
 */
#define TEST_RIO_WINDOW_PA     TEST_SPARE_PA
#define TEST_VIRTIO_ID_CONSOLE 3 /* virtio v1.2 §5 */

/* .mem[]: the shared window, as each side maps it. */
#define TEST_RIO_WINDOW_MEM                                     \
	{                                                       \
		.ipa = RIO_T_WINDOW, .size = RIO_T_WINDOW_SIZE, \
		.flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 0  \
	}

/* TEST_BM_IN_PLACE() plus the shared window. */
#define TEST_RIO_IN_PLACE(vm_pa)                                                  \
	.entry = BM_LINK_IPA, .mem = { TEST_BM_RAM(vm_pa), TEST_RIO_WINDOW_MEM }, \
	.images = { TEST_BM_KERNEL(vm_pa) }

/* .shmem[0] */
#define TEST_RIO_SHMEM                                                                    \
	{                                                                                 \
		.name = "rio-window", .pa = TEST_RIO_WINDOW_PA, .size = RIO_T_WINDOW_SIZE \
	}

/* .virtio[0] fields but .mmio_ipa, which each config names itself. */
#define TEST_RIO_FAKE_CONSOLE                                                               \
	.name = "fake-rfront", .device_id = TEST_VIRTIO_ID_CONSOLE, .frontend = 1,          \
	.intid = RIO_T_FE_INTID, .shmem = 0, .backend = 0, .backend_intid = RIO_T_BE_INTID, \
	.ctrl_ipa = RIO_T_CTRL, .doorbell_ipa = RIO_T_DOORBELL

/* --------------------------- a DMA-capable device (docs/config.md) */

/*
 * QEMU's virtio-mmio transport 31 (docs/design.md §2.2) passed through in
 * its page, as the reference system's NIC; its buffers in the VM's
 * mem[@pool], which must be identity-mapped.
 */
#define TEST_NIC_SLOT	   31
#define TEST_NIC_PAGE	   (PLAT_VIRTIO_MMIO_SLOT(TEST_NIC_SLOT) & ~(BH_PAGE_SIZE - 1))
#define TEST_NIC_INTID	   PLAT_VIRTIO_MMIO_INTID(TEST_NIC_SLOT)
#define TEST_NIC_POOL_PA   (TEST_SPARE_PA + 0x04000000ull) /* free RAM above TEST_SPARE_PA */
#define TEST_NIC_POOL_SIZE 0x100000ull
#define TEST_DEV_NIC(pool)                                                           \
	{                                                                            \
		.name = "nic", .kind = BH_DEV_VIRTIO_MMIO, .ipa = TEST_NIC_PAGE,     \
		.pa = TEST_NIC_PAGE, .size = BH_PAGE_SIZE,                           \
		.mmio_offset = PLAT_VIRTIO_MMIO_SLOT(TEST_NIC_SLOT) - TEST_NIC_PAGE, \
		.intid = TEST_NIC_INTID, .flags = BH_DEV_DMA, .dma_pool = (pool)     \
	}

/* ------------------------------------------------ broken configs */

/*
 * configs/broken/: VM 0 "alpha" is always this valid VM (CPU 0, UART0's
 * INTID, no devices: only cfgcheck sees these configs); VM 1 "beta" is
 * written out in each file, with the one field that is wrong.
 */
#define TEST_BROKEN_ALPHA                                                    \
	{                                                                    \
		.name = "alpha", .cpus = 0x1, TEST_BM_IN_PLACE(TEST_VM0_PA), \
		.irqs = { VIRT_UART0_INTID },                                \
	}

/*
 * VM 1 "beta" of configs/broken/dma-*.c: a bare-metal VM owning the NIC,
 * whose pool is its mem[1]; each file adds the VM fields it is about (its
 * .mem with that pool, .flags) as the arguments.
 */
#define TEST_BROKEN_NIC_BETA(...)                                                          \
	{                                                                                  \
		.name = "beta", .cpus = 0x2, .entry = BM_LINK_IPA,                         \
		.images = { TEST_BM_KERNEL(TEST_VM1_PA) }, .devices = { TEST_DEV_NIC(1) }, \
		.irqs = { TEST_NIC_INTID }, __VA_ARGS__                                    \
	}

#endif /* CONFIGS_TEST_LAYOUT_H */
