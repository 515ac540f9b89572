// SPDX-License-Identifier: MIT
/*
 * The cross-VM access matrix on bare metal (docs/isolation.md,
 * tests/system/test_isolation_matrix.py): the probe guest in every role.
 *
 *   mback   CPU 0, first pci-serial:  backend of virtio[0] (control region,
 *                                     doorbell, the shared window)
 *   mfront  CPU 1, second pci-serial: frontend of virtio[0] (virtio-mmio
 *                                     window, the shared window)
 *   mplain  CPU 2, no UART:           a plain VM; makes its access at once;
 *                                     its vGIC is moved, so the physical
 *                                     GICD and its own CPU's GICR frames are
 *                                     probed too
 *   canary  CPU 3, PL011 UART0:       makes none, answers until the end
 *
 * Every VM runs guest/baremetal/probe at PROBE_LINK_IPA, in place where its
 * image was loaded, and gets its attempt (lib/bm_probe.h) as a copied raw
 * image.  UART0 carries the hypervisor's log, and the canary speaks on it
 * only when asked, so no stop line is ever interleaved with guest output.
 * QEMU: -smp 4, two pci-serials, the images from build/dt/test-matrix/loaders.
 */
#include "configs/test-layout.h"
#include "guest/baremetal/lib/bm_probe.h"

/* VM n's RAM (where its image is loaded), and its attempt's pristine copy
 * in free RAM after the shared window, outside every VM. */
#define MATRIX_VM_PA(n)	     (TEST_VM0_PA + (n)*0x2000000ull)
#define MATRIX_ATTEMPT_PA(n) (TEST_SPARE_PA + RIO_T_WINDOW_SIZE + (n)*BH_PAGE_SIZE)

/* mplain's vGIC, clear of everything else in its IPA space */
#define MATRIX_MOVED_GICD 0x30000000ull
#define MATRIX_MOVED_GICR 0x30100000ull

#define MATRIX_PROBE_RAM(n)                                                        \
	{                                                                          \
		.ipa = PROBE_LINK_IPA, .size = BM_RAM_SIZE, .pa = MATRIX_VM_PA(n), \
		.flags = BH_MEM_RWX | BH_MEM_FIXED_PA                              \
	}

#define MATRIX_PROBE_IMAGES(n)                             \
	{                                                  \
		{ .kind = BH_IMAGE_KERNEL,                 \
		  .load_pa = MATRIX_VM_PA(n),              \
		  .ipa = PROBE_LINK_IPA,                   \
		  .size = TEST_BM_IMAGE_SIZE },            \
			{ .kind = BH_IMAGE_RAW,            \
			  .load_pa = MATRIX_ATTEMPT_PA(n), \
			  .ipa = PROBE_ATTEMPT_IPA,        \
			  .size = BH_PAGE_SIZE },          \
	}

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-matrix",
	.vms = {
		{
			.name = "mback",
			.cpus = 0x1,
			.entry = PROBE_LINK_IPA,
			.mem = { MATRIX_PROBE_RAM(0), TEST_RIO_WINDOW_MEM },
			.images = MATRIX_PROBE_IMAGES(0),
			TEST_BM_ON_PCI_SERIAL(1, VIRT_PCI_SERIAL_INTID(1)),
		},
		{
			.name = "mfront",
			.cpus = 0x2,
			.entry = PROBE_LINK_IPA,
			.mem = { MATRIX_PROBE_RAM(1), TEST_RIO_WINDOW_MEM },
			.images = MATRIX_PROBE_IMAGES(1),
			TEST_BM_ON_PCI_SERIAL(2, VIRT_PCI_SERIAL_INTID(2)),
		},
		{
			.name = "mplain",
			.cpus = 0x4,
			.entry = PROBE_LINK_IPA,
			.x0 = BM_ARG(BM_UART_NONE, 0, 0),
			/* its vGIC away from the physical GIC's PAs, so they can be probed */
			.gicd_ipa = MATRIX_MOVED_GICD,
#if PLAT_GIC_VERSION == 3 /* a GICv2 VM's GICC is the board's GICV, at BH_GICC_IPA_DEFAULT */
			.gicr_ipa = MATRIX_MOVED_GICR,
#endif
			.mem = { MATRIX_PROBE_RAM(2) },
			.images = MATRIX_PROBE_IMAGES(2),
		},
		{
			.name = "canary",
			.cpus = 0x8,
			.entry = PROBE_LINK_IPA,
			.mem = { MATRIX_PROBE_RAM(3) },
			.images = MATRIX_PROBE_IMAGES(3),
			TEST_BM_ON_UART0(VIRT_UART0_INTID),
		},
	},
	.shmem = { TEST_RIO_SHMEM },
	.virtio = {
		{ TEST_RIO_FAKE_CONSOLE, .mmio_ipa = RIO_T_MMIO },
	},
};
