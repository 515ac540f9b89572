// SPDX-License-Identifier: MIT
/*
 * The cross-VM access matrix (tools/accessmatrix/matrix.c) of the reference
 * system (configs/reference.c, linked in): what each VM must not reach, and
 * what it reaches through its own windows instead.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "matrix.h"
#include <plat_desc.h>

#define BACKEND	  0
#define FRONTEND1 1
#define FRONTEND2 2

static struct am_list list;

static const struct am_probe *find(unsigned int vm, uint64_t addr)
{
	unsigned int i;

	assert_int_equal(am_build(&bh_config, vm, &list), 0);
	for (i = 0; i < list.n; i++)
		if (list.p[i].addr == addr)
			return &list.p[i];
	return NULL;
}

/* An attempt: @addr must stop @vm. */
static const struct am_probe *tried(unsigned int vm, uint64_t addr, const char *kind)
{
	const struct am_probe *p = find(vm, addr);

	assert_non_null(p);
	assert_string_equal(p->kind, kind);
	assert_string_equal(p->own, "");
	return p;
}

/* Listed, but @vm reaches its own @window there. */
static void owned(unsigned int vm, uint64_t addr, const char *window)
{
	const struct am_probe *p = find(vm, addr);

	assert_non_null(p);
	assert_string_equal(p->own, window);
}

/* The other VMs' RAM at its PA; at its IPA only where the VM's own RAM ends. */
static void test_ram_at_ipa_and_pa(void **state)
{
	(void)state;
	assert_non_null(
		strstr(tried(FRONTEND2, 0x50000000, "ram")->what, "\"backend\" mem[0] at its PA"));
	tried(FRONTEND2, 0x5ffffffc, "ram");
	tried(BACKEND, 0x68000000, "ram");
	/* the backend's RAM IPA 0x40000000-0x4fffffff: the frontend's own 128 MiB first */
	assert_non_null(strstr(tried(FRONTEND1, 0x48000000, "ram")->what, "first free word"));
	owned(FRONTEND1, 0x40000000, "its mem[0]");
}

/* The hypervisor's PA is every reference VM's RAM IPA: not the hypervisor. */
static void test_hypervisor_behind_own_ram(void **state)
{
	(void)state;
	owned(BACKEND, 0x40000000, "its mem[0]");
	assert_non_null(strstr(find(BACKEND, 0x40000000)->also, "the hypervisor"));
	owned(FRONTEND2, 0x41000000, "its mem[0]"); /* pristine kernel */
}

/* A window that is not its own: at its PA and at the backend's IPA. */
static void test_shared_windows(void **state)
{
	(void)state;
	tried(FRONTEND1, 0x71000000, "shmem");
	tried(FRONTEND1, 0x21000000, "shmem");
	/* frontend2's IPA of that window is frontend1's own window */
	owned(FRONTEND1, 0x20000000, "its mem[1]");
	tried(FRONTEND2, 0x70000000, "shmem");
}

/* Control regions and doorbells: only for VMs that are not their backend. */
static void test_remote_io(void **state)
{
	unsigned int i;

	(void)state;
	tried(FRONTEND1, 0x0b000000, "rio-ctrl");
	tried(FRONTEND1, 0x0b018000, "rio-doorbell");
	tried(FRONTEND2, 0x0b010000, "rio-ctrl");
	/* the backend's own NIC is QEMU's virtio-mmio transport there (configs/reference.c) */
	owned(BACKEND, 0x0a003e00, "its devices[1]");
	owned(FRONTEND1, 0x0a003e00, "its virtio[0] window");
	assert_int_equal(am_build(&bh_config, BACKEND, &list), 0);
	for (i = 0; i < list.n; i++) {
		assert_string_not_equal(list.p[i].kind, "rio-ctrl");
		assert_string_not_equal(list.p[i].kind, "rio-doorbell");
	}
}

/* The physical GIC: redistributors of CPUs a VM does not own (backend 0-1,
 * frontends 2, 3), its own CPUs' frames and the distributor where its vGIC is;
 * on GICv2 the virtual interface control, which only the hypervisor programs. */
static void test_gicr_frames(void **state)
{
	(void)state;
#if PLAT_GIC_VERSION == 2
	tried(BACKEND, PLAT_GICH_BASE, "gich");
	tried(FRONTEND1, PLAT_GICH_BASE, "gich");
	owned(FRONTEND1, BH_GICD_IPA_DEFAULT, "its vGICD");
#else
	tried(BACKEND, PLAT_GICR_BASE + 2 * BH_GICR_STRIDE, "gicr");
	tried(BACKEND, PLAT_GICR_BASE + 3 * BH_GICR_STRIDE, "gicr");
	tried(FRONTEND1, PLAT_GICR_BASE + 1 * BH_GICR_STRIDE, "gicr");
	tried(FRONTEND1, PLAT_GICR_BASE + 2 * BH_GICR_STRIDE - 4, "gicr");
	owned(FRONTEND1, BH_GICR_IPA_DEFAULT, "its vGICR");
	/* its own CPUs' frames at their PA are its vGICR, the GICD its vGICD */
	owned(BACKEND, BH_GICR_IPA_DEFAULT, "its vGICR");
	owned(BACKEND, BH_GICR_IPA_DEFAULT + BH_GICR_STRIDE, "its vGICR");
	owned(FRONTEND1, BH_GICD_IPA_DEFAULT, "its vGICD");
#endif
}

static void test_platform(void **state)
{
	(void)state;
	tried(FRONTEND2, PLAT_PCIE_ECAM, "platform");
	tried(FRONTEND2, PLAT_GIC_ITS, "platform");
	tried(FRONTEND2, PLAT_FW_CFG, "platform"); /* fw_cfg: its DMA writes any PA */
	tried(BACKEND, PLAT_VIRTIO_MMIO, "platform");
	tried(FRONTEND1, PLAT_PCIE_PIO + PLAT_PCI_SERIAL_PAGE(1), "device"); /* frontend2's UART */
	tried(BACKEND, PLAT_PCIE_PIO, "platform");
	/* QEMU's DTB sits right after a frontend's RAM, inside the backend's */
	tried(FRONTEND1, PLAT_QEMU_DTB + PLAT_QEMU_DTB_SIZE - 4, "qemu-dtb");
	owned(BACKEND, PLAT_QEMU_DTB, "its mem[0]");
}

/* The words just outside a VM's own windows: a mapping one page too large shows. */
static void test_edges(void **state)
{
	(void)state;
	assert_string_equal(tried(BACKEND, 0x0b002000, "edge")->what,
			    "just past its virtio[0] control region");
	tried(BACKEND, 0x0b007ffc, "edge");
	tried(BACKEND, 0x50000000, "edge"); /* its RAM IPA ends where its PA begins */
	tried(FRONTEND1, 0x0a004000, "edge");
	/* before frontend1's virtio-mmio windows (blk, net, console), in their page: QEMU's
	 * transports */
	assert_non_null(strstr(tried(FRONTEND1, 0x0a0039fc, "platform")->also, "just before"));
	tried(FRONTEND2, 0x21000000, "edge");
	/* an edge inside another own window is none: the backend's two windows touch */
	assert_null(find(BACKEND, 0x21000000));
}

/* No attempt lands in the VM's own memory or devices; every address once. */
static void test_attempts_clear_of_own_map(void **state)
{
	unsigned int vm, i, j, k;

	(void)state;
	for (vm = 0; vm < cfg_nr_vms(&bh_config); vm++) {
		const struct bh_vm_config *c = &bh_config.vms[vm];

		assert_int_equal(am_build(&bh_config, vm, &list), 0);
		assert_true(list.n > 10);
		for (i = 0; i < list.n; i++) {
			const struct am_probe *p = &list.p[i];

			for (j = i + 1; j < list.n; j++)
				assert_true(list.p[j].addr != p->addr);
			if (p->own[0])
				continue;
			assert_true(p->addr % AM_PROBE_SIZE == 0);
			for (k = 0; k < BH_MAX_MEM_REGIONS && c->mem[k].size; k++)
				assert_false(p->addr >= c->mem[k].ipa &&
					     p->addr - c->mem[k].ipa < c->mem[k].size);
			for (k = 0; k < BH_MAX_DEVICES && c->devices[k].size; k++)
				assert_false(p->addr >= c->devices[k].ipa &&
					     p->addr - c->devices[k].ipa < c->devices[k].size);
		}
	}
	assert_int_equal(am_build(&bh_config, cfg_nr_vms(&bh_config), &list), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ram_at_ipa_and_pa),
		cmocka_unit_test(test_hypervisor_behind_own_ram),
		cmocka_unit_test(test_shared_windows),
		cmocka_unit_test(test_remote_io),
		cmocka_unit_test(test_gicr_frames),
		cmocka_unit_test(test_platform),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_attempts_clear_of_own_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
