// SPDX-License-Identifier: MIT
/*
 * Config checker (tools/cfgcheck/check.c): a valid two-VM config passes;
 * each class of mistake fails with a message naming the VM and the field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cfg_fixture.h"

#include "check.h"
#include <plat_desc.h>

/* The checker's reference: a config needs a definition of bh_config. */
const struct bh_config bh_config;

struct msgs {
	int n;
	char text[16][320];
};

static void collect(void *ctx, const char *msg)
{
	struct msgs *m = ctx;

	if (m->n < 16)
		snprintf(m->text[m->n], sizeof(m->text[0]), "%s", msg);
	m->n++;
}

static bool has(const struct msgs *m, const char *needle)
{
	int i;

	for (i = 0; i < m->n && i < 16; i++)
		if (strstr(m->text[i], needle))
			return true;
	return false;
}

static void good(struct bh_config *c)
{
	memset(c, 0, sizeof(*c));
	c->magic = BH_CONFIG_MAGIC;
	c->name = "unit";
	c->vms[0] = (struct bh_vm_config){
		.name = "alpha",
		.cpus = 0x1,
		.entry = 0x40000000,
		.mem = { { .ipa = 0x40000000,
			   .size = 0x1000000,
			   .pa = 0x50000000,
			   .flags = BH_MEM_RWX | BH_MEM_FIXED_PA } },
		.images = { { .kind = BH_IMAGE_KERNEL,
			      .load_pa = 0x50000000,
			      .ipa = 0x40000000,
			      .size = 0x100000 } },
		.devices = { { .name = "uart0",
			       .kind = BH_DEV_PL011,
			       .ipa = PLAT_UART0_BASE,
			       .pa = PLAT_UART0_BASE,
			       .size = 0x1000,
			       .intid = 33 } },
		.irqs = { 33 },
	};
	c->vms[1] = (struct bh_vm_config){
		.name = "beta",
		.cpus = 0x6,
		.entry = 0x40000000,
		.mem = { { .ipa = 0x40000000,
			   .size = 0x1000000,
			   .pa = 0x52000000,
			   .flags = BH_MEM_RWX | BH_MEM_FIXED_PA },
			 { .ipa = 0x60000000,
			   .size = 0x200000,
			   .flags = BH_MEM_RW | BH_MEM_SHARED,
			   .shmem = 0 } },
		.images = { { .kind = BH_IMAGE_KERNEL,
			      .load_pa = 0x70000000,
			      .ipa = 0x40000000,
			      .size = 0x100000 } },
		.devices = { { .name = "serial1",
			       .kind = BH_DEV_NS16550,
			       .ipa = 0x3eff1000,
			       .pa = 0x3eff1000,
			       .size = 0x1000,
			       .intid = 36 } },
		.irqs = { 36 },
	};
	c->vms[0].mem[1] = (struct bh_mem_region){
		.ipa = 0x60000000, .size = 0x200000, .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 0
	};
	c->shmem[0] = (struct bh_shmem){ .name = "ring", .pa = 0x58000000, .size = 0x200000 };
}

static struct msgs run(const struct bh_config *c)
{
	struct msgs m = { 0 };
	int n = cfg_check(c, collect, &m);

	assert_int_equal(n, m.n);
	return m;
}

/* expect_error() on another board than the build's */
static void expect_board_error(const struct bh_config *c, const struct bh_platform *board,
			       const char *needle)
{
	struct msgs m = { 0 };
	int i, n = cfg_check_board(c, board, collect, &m);

	assert_int_equal(n, m.n);
	if (has(&m, needle))
		return;
	for (i = 0; i < m.n && i < 16; i++)
		print_message("got: %s\n", m.text[i]);
	fail_msg("missing error \"%s\"", needle);
}

static void expect_error(const struct bh_config *c, const char *needle)
{
	struct msgs m = run(c);

	if (!has(&m, needle)) {
		int i;

		for (i = 0; i < m.n && i < 16; i++)
			print_message("got: %s\n", m.text[i]);
		fail_msg("missing error \"%s\"", needle);
	}
}

/* expect_error() of a message with the board's addresses formatted in */
static void __attribute__((format(printf, 2, 3)))
expect_errorf(const struct bh_config *c, const char *fmt, ...)
{
	char needle[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(needle, sizeof(needle), fmt, ap);
	va_end(ap);
	expect_error(c, needle);
}

static void test_valid(void **state)
{
	struct bh_config c;
	struct msgs m;

	(void)state;
	good(&c);
	m = run(&c);
	if (m.n)
		fail_msg("unexpected: %s", m.text[0]);
}

/* beta restarts on faults and has a watchdog, as docs/config.md shows */
static void good_policy(struct bh_config *c)
{
	good(c);
	c->vms[1].policy = (struct bh_vm_policy){ .on_fault = BH_ACTION_INJECT,
						  .on_off = BH_ACTION_RESTART,
						  .on_watchdog = BH_ACTION_RESTART,
						  .restart_max = 5,
						  .restart_window_ms = 60000,
						  .restart_delay_ms = 100 };
	c->vms[1].watchdog = (struct bh_watchdog){ .control_ipa = 0x09100000,
						   .refresh_ipa = 0x09110000,
						   .intid = 40 };
}

static void test_valid_policy_and_watchdog(void **state)
{
	struct bh_config c;
	struct msgs m;

	(void)state;
	good_policy(&c);
	m = run(&c);
	if (m.n)
		fail_msg("unexpected: %s", m.text[0]);
}

static void test_watchdog_overlaps_remote_io(void **state)
{
	struct bh_config c;

	(void)state;
	good_policy(&c);
	c.virtio[0] = (struct bh_virtio){ .name = "con",
					  .frontend = 1,
					  .backend = 0,
					  .mmio_ipa = 0x09110e00,
					  .intid = 41,
					  .shmem = 0,
					  .device_id = 3,
					  .backend_intid = 42,
					  .ctrl_ipa = 0x0b000000,
					  .doorbell_ipa = 0x0b008000 };
	expect_error(&c, "vm \"beta\": watchdog.refresh_ipa: 0x9110000 overlaps virtio[0]");
	c.virtio[0].mmio_ipa = 0x0a003e00;
	c.virtio[0].intid = 40;
	expect_error(&c, "vm \"beta\": watchdog.intid: INTID 40 is already used by the VM");
}

/* alpha manages beta through its page; beta has the page and no rights */
static void test_ctl_valid_and_page(void **state)
{
	struct bh_config c;
	struct msgs m;

	(void)state;
	good_policy(&c);
	c.vms[0].ctl = (struct bh_vm_ctl){ .ipa = 0x09200000, .manages = { "beta" } };
	c.vms[1].ctl = (struct bh_vm_ctl){ .ipa = 0x09200000 };
	m = run(&c);
	if (m.n)
		fail_msg("unexpected: %s", m.text[0]);
	c.vms[1].ctl.ipa = 0x09110000;
	expect_error(&c, "vm \"beta\": ctl.ipa: 0x9110000 overlaps watchdog.refresh_ipa");
	c.vms[1].ctl.ipa = 0x3eff1000;
	expect_error(&c, "vm \"beta\": ctl.ipa: 0x3eff1000 overlaps devices[0]");
	c.vms[1].ctl.ipa = 0x08008000;
	expect_error(&c, "vm \"beta\": ctl.ipa: 0x8008000 overlaps gicd_ipa");
	c.vms[1].ctl.ipa = 0x09200004;
	expect_error(&c, "vm \"beta\": ctl.ipa: page 0x9200004 size 0x1000 not 4 KiB aligned");
	c.vms[1].ctl.ipa = 0;
	c.vms[1].ctl.manages[0] = "alpha";
	expect_error(&c, "vm \"beta\": ctl.manages: set, but the VM has no management page");
}

static void test_ctl_manages(void **state)
{
	struct bh_config c;

	(void)state;
	good_policy(&c);
	c.vms[0].ctl = (struct bh_vm_ctl){ .ipa = 0x09200000,
					   .manages = { "beta", "beta", "alpha", "Beta" } };
	expect_error(&c, "vm \"alpha\": ctl.manages[1]: \"beta\" is named twice");
	expect_error(&c, "vm \"alpha\": ctl.manages[2]: a VM cannot manage itself");
	expect_error(&c, "vm \"alpha\": ctl.manages[3]: \"Beta\" is not a VM of the config");
	/* a VM that serves remote I/O cannot be managed: its devices would not come back */
	good_policy(&c);
	c.virtio[0] = (struct bh_virtio){ .name = "con",
					  .frontend = 0,
					  .backend = 1,
					  .mmio_ipa = 0x0a003e00,
					  .intid = 41,
					  .shmem = 0,
					  .device_id = 3,
					  .backend_intid = 42,
					  .ctrl_ipa = 0x0b000000,
					  .doorbell_ipa = 0x0b008000 };
	c.vms[0].ctl = (struct bh_vm_ctl){ .ipa = 0x09200000, .manages = { "beta" } };
	expect_error(&c, "vm \"alpha\": ctl.manages[0]: \"beta\" serves remote I/O");
	/* nor can its page lie on a remote-I/O window */
	c.vms[0].ctl = (struct bh_vm_ctl){ .ipa = 0x0a003000 };
	expect_error(&c, "vm \"alpha\": ctl.ipa: 0xa003000 overlaps virtio[0]");
}

static void test_cpu_twice(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.vms[1].cpus = 0x3;
	expect_error(&c, "vm \"beta\": cpus: CPU 0 is already given to vm \"alpha\"");
}

static void test_cpu_missing_or_too_high(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.vms[1].cpus = 0;
	expect_error(&c, "vm \"beta\": cpus: no CPU given");
	c.vms[1].cpus = 1ull << BH_MAX_CPUS;
	expect_error(&c, "vm \"beta\": cpus: 0x100 names a CPU >= 8");
}

static void test_pa_overlap(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.vms[1].mem[0].pa = 0x50800000;
	c.vms[1].images[0].load_pa = 0x70000000;
	expect_error(
		&c,
		"vm \"beta\": mem[0]: PA 0x50800000 size 0x1000000 overlaps vm \"alpha\": mem[0]");
}

static void test_pa_overlaps_hypervisor_and_dtb(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.vms[0].mem[0].pa = 0x40000000;
	c.vms[0].images[0].load_pa = 0x40000000;
	expect_error(&c,
		     "vm \"alpha\": mem[0]: PA 0x40000000 size 0x1000000 overlaps the hypervisor");
	c.vms[0].mem[0].pa = 0x48000000;
	c.vms[0].images[0].load_pa = 0x48000000;
	expect_error(&c, "overlaps QEMU's DTB");
}

static void test_hypervisor_devices_not_passed_through(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.vms[1].devices[1] = (struct bh_device){ .name = "gicd",
						  .kind = BH_DEV_GENERIC,
						  .ipa = 0x20000000,
						  .pa = PLAT_GICD_BASE,
						  .size = 0x10000 };
	expect_errorf(&c,
		      "vm \"beta\": devices[1]: PA %#llx size 0x10000 overlaps the physical GIC",
		      PLAT_GICD_BASE);
	c.vms[1].devices[1].pa = 0x4010000000ull;
	expect_error(
		&c, "vm \"beta\": devices[1]: PA 0x4010000000 size 0x10000 overlaps the PCIe ECAM");
}

static void test_ipa_overlap_in_vm(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.vms[0].devices[0].ipa = 0x40800000;
	expect_error(&c, "vm \"alpha\": devices[0]: IPA 0x40800000 size 0x1000 overlaps mem[0]");
	good(&c);
	c.vms[0].devices[0].ipa = BH_GICD_IPA_DEFAULT;
	expect_errorf(&c, "vm \"alpha\": gicd_ipa: IPA %#llx size 0x10000 overlaps devices[0]",
		      BH_GICD_IPA_DEFAULT);
}

static void test_misaligned(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.vms[0].mem[0].ipa = 0x40000800;
	expect_error(&c, "vm \"alpha\": mem[0]: ipa 0x40000800 size 0x1000000 not 4 KiB aligned");
	good(&c);
	c.vms[1].devices[0].pa = 0x3eff1004;
	expect_error(&c, "vm \"beta\": devices[0]: pa 0x3eff1004 size 0x1000 not 4 KiB aligned");
}

static void test_irq_twice_and_range(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.vms[1].irqs[1] = 33;
	expect_error(&c, "vm \"beta\": irqs[1]: INTID 33 is already given to vm \"alpha\"");
	good(&c);
	c.vms[0].irqs[1] = 33;
	expect_error(&c, "vm \"alpha\": irqs[1]: INTID 33 is already given to vm \"alpha\"");
	good(&c);
	c.vms[0].irqs[1] = 27;
	expect_error(&c, "vm \"alpha\": irqs[1]: 27 is not an SPI");
	good(&c);
	c.vms[0].irqs[0] = 34;
	expect_error(&c, "vm \"alpha\": devices[0]: intid 33 missing from irqs");
}

static void test_image_outside(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.vms[0].images[0].ipa = 0x40f80000;
	expect_error(
		&c,
		"vm \"alpha\": images[0]: ipa 0x40f80000 size 0x100000 outside its memory regions");
	good(&c);
	c.vms[0].entry = 0x30000000;
	expect_error(&c, "vm \"alpha\": entry: 0x30000000 outside its memory regions");
	good(&c);
	c.vms[0].mem[0].flags = BH_MEM_RW | BH_MEM_FIXED_PA;
	expect_error(&c, "vm \"alpha\": entry: 0x40000000 in a region without BH_MEM_EXEC");
}

static void test_copied_image_source_in_vm_memory(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.vms[1].images[0].load_pa = 0x50000000; /* alpha's RAM */
	expect_error(&c, "vm \"beta\": images[0]: load_pa 0x50000000 is copied, but lies in vm "
			 "\"alpha\" mem[0]");
	c.vms[1].images[0].load_pa = 0x47f80000; /* runs into QEMU's DTB */
	expect_error(&c, "vm \"beta\": images[0]: load_pa 0x47f80000 size 0x100000 overlaps the "
			 "hypervisor or QEMU's DTB");
}

static void test_shmem(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.vms[1].mem[1].shmem = 3;
	expect_error(&c, "vm \"beta\": mem[1]: shmem 3 does not exist");
	good(&c);
	c.vms[1].mem[1].size = 0x400000;
	expect_error(&c, "vm \"beta\": mem[1]: size 0x400000 larger than shmem 0");
	good(&c);
	c.shmem[0].pa = 0x50000000;
	expect_error(&c, "vm \"alpha\": mem[0]: PA 0x50000000 size 0x1000000 overlaps shmem[0]");
}

static void test_magic_and_names(void **state)
{
	struct bh_config c;

	(void)state;
	good(&c);
	c.magic = 0;
	expect_error(&c, "magic");
	good(&c);
	c.vms[1].name = "alpha";
	expect_error(&c, "vm \"alpha\": name: used twice");
	good(&c);
	memset(c.vms, 0, sizeof(c.vms));
	expect_error(&c, "vms: no VM");
}

/* alpha (vm 0) serves beta's (vm 1) console through shmem 0. */
static void good_virtio(struct bh_config *c)
{
	good(c);
	c->virtio[0] = (struct bh_virtio){ .name = "console-beta",
					   .frontend = 1,
					   .backend = 0,
					   .mmio_ipa = 0x0a003e00,
					   .intid = 79,
					   .shmem = 0,
					   .device_id = 3,
					   .backend_intid = 80,
					   .ctrl_ipa = 0x0b000000,
					   .doorbell_ipa = 0x0b002000 };
}

static void test_virtio_valid(void **state)
{
	struct bh_config c;
	struct msgs m = { 0 };

	(void)state;
	good_virtio(&c);
	assert_int_equal(cfg_check(&c, collect, &m), 0);
}

static void test_virtio_vms_and_name(void **state)
{
	struct bh_config c;

	(void)state;
	good_virtio(&c);
	c.virtio[0].backend = 1;
	expect_error(&c, "virtio[0]: frontend 1 / backend 1: not two different VMs");
	good_virtio(&c);
	c.virtio[0].name = NULL;
	expect_error(&c, "virtio[0].name: missing");
	good_virtio(&c);
	c.virtio[0].name = "a b";
	expect_error(&c, "virtio[0].name");
	good_virtio(&c);
	c.virtio[1] = c.virtio[0];
	expect_error(&c, "virtio[1].name: \"console-beta\" is also virtio[0]'s");
}

static void test_virtio_window(void **state)
{
	struct bh_config c;

	(void)state;
	good_virtio(&c);
	c.virtio[0].mmio_ipa = 0x40000000; /* inside beta's RAM */
	expect_error(&c, "vm \"beta\": virtio[0].mmio_ipa: page of 0x40000000 is mapped or "
			 "emulated as mem[0]");
	good_virtio(&c);
	c.virtio[0].mmio_ipa = 0x0a003e10;
	expect_error(&c, "vm \"beta\": virtio[0].mmio_ipa: 0xa003e10 not a 0x200-aligned IPA");
	good_virtio(&c);
#if PLAT_GIC_VERSION == 2
	c.virtio[0].mmio_ipa = BH_VM_GICC; /* its GICC, the GICV frame */
	expect_errorf(&c, "virtio[0].mmio_ipa: page of %#llx is mapped or emulated as gicc",
		      BH_VM_GICC);
#else
	c.virtio[0].mmio_ipa = BH_VM_GICR; /* a GICR frame */
	expect_errorf(&c, "virtio[0].mmio_ipa: page of %#llx is mapped or emulated as gicr_ipa",
		      BH_VM_GICR);
#endif
}

/* The wait for a device model is bounded, and not unreasonably. */
static void test_virtio_timeout(void **state)
{
	struct bh_config c;

	(void)state;
	good_virtio(&c);
	c.virtio[0].timeout_ms = BH_RIO_TIMEOUT_MS_MAX;
	assert_int_equal(run(&c).n, 0);
	c.virtio[0].timeout_ms = 700000;
	expect_error(&c, "virtio[0].timeout_ms: 700000 ms is more than 600000");
}

static void test_virtio_shared_region(void **state)
{
	struct bh_config c;

	(void)state;
	good_virtio(&c);
	c.virtio[0].shmem = 3;
	expect_error(&c, "virtio[0]: shmem 3 does not exist");
	good_virtio(&c);
	c.vms[0].mem[1].size = 0; /* the backend does not map the window */
	expect_error(&c,
		     "vm \"alpha\": virtio[0].shmem: the backend must map shmem 0 exactly once");
	good_virtio(&c);
	c.vms[1].mem[1].size = 0;
	expect_error(&c,
		     "vm \"beta\": virtio[0].shmem: the frontend must map shmem 0 exactly once");
	good_virtio(&c);
	c.vms[0].mem[1].size = 0x100000;
	expect_error(&c, "vm \"alpha\": virtio[0].shmem: window 0x100000 bytes, but the frontend's "
			 "is 0x200000");
	good_virtio(&c);
	c.vms[0].mem[1].flags |= BH_MEM_EXEC;
	expect_error(&c,
		     "vm \"alpha\": virtio[0].shmem: the backend's window must not be executable");
	good_virtio(&c);
	c.vms[2] = c.vms[1];
	c.vms[2].name = "gamma";
	c.vms[2].cpus = 0x8;
	c.vms[2].irqs[0] = 37;
	c.vms[2].devices[0].size = 0;
	c.vms[2].mem[0].pa = 0x54000000;
	c.vms[2].images[0].load_pa = 0x54000000;
	expect_error(&c, "vm \"gamma\": mem: maps shmem 0, the window of virtio[0]");
}

static void test_virtio_backend_fields(void **state)
{
	struct bh_config c;

	(void)state;
	good_virtio(&c);
	c.virtio[0].ctrl_ipa = 0x40001000;
	expect_error(&c, "vm \"alpha\": virtio[0].ctrl_ipa: 0x40001000 overlaps mem[0]");
	good_virtio(&c);
	c.virtio[0].ctrl_ipa = 0x0b000800;
	expect_error(
		&c,
		"vm \"alpha\": virtio[0].ctrl_ipa: ipa 0xb000800 size 0x2000 not 4 KiB aligned");
	good_virtio(&c);
	c.virtio[0].doorbell_ipa = 0x0b001000;
	expect_error(&c, "vm \"alpha\": virtio[0].doorbell_ipa: overlaps its ctrl_ipa");
	good_virtio(&c);
	c.virtio[0].doorbell_ipa = c.vms[0].devices[0].ipa;
	expect_errorf(&c, "vm \"alpha\": virtio[0].doorbell_ipa: %#llx overlaps devices[0]",
		      (unsigned long long)c.vms[0].devices[0].ipa);
}

static void test_virtio_irqs(void **state)
{
	struct bh_config c;

	(void)state;
	good_virtio(&c);
	c.virtio[0].intid = 36;
	expect_error(&c, "vm \"beta\": virtio[0].intid: INTID 36 is also a passed-through irq");
	good_virtio(&c);
	c.virtio[0].backend_intid = 33;
	expect_error(
		&c, "vm \"alpha\": virtio[0].backend_intid: INTID 33 is also a passed-through irq");
	good_virtio(&c);
	c.virtio[0].backend_intid = 300;
	expect_error(&c,
		     "vm \"alpha\": virtio[0].backend_intid: 300 is not a virtual SPI (32..287)");
	good_virtio(&c);
	c.virtio[0].intid = 20;
	expect_error(&c, "vm \"beta\": virtio[0].intid: 20 is not a virtual SPI");
	/* a second device of the same pair: everything collides */
	good_virtio(&c);
	c.virtio[1] = c.virtio[0];
	c.virtio[1].name = "second";
	expect_error(&c, "vm \"beta\": virtio[1].intid: 79 is also virtio[0]'s");
	expect_error(&c, "vm \"alpha\": virtio[1].backend_intid: 80 is also virtio[0]'s");
	expect_error(&c, "vm \"beta\": virtio[1].mmio_ipa: overlaps virtio[0]'s");
	expect_error(&c, "vm \"alpha\": virtio[1].ctrl_ipa: overlaps virtio[0]'s ctrl or doorbell");
}

/*
 * A frontend's second device (virtio-net beside its console in
 * configs/reference.c) shares its one window; a device of another VM pair
 * may not.
 */
static void test_virtio_two_devices_one_window(void **state)
{
	struct bh_config c;
	struct msgs m = { 0 };

	(void)state;
	good_virtio(&c);
	c.virtio[1] = c.virtio[0];
	c.virtio[1].name = "net-beta";
	c.virtio[1].device_id = 1;
	c.virtio[1].mmio_ipa = 0x0a003c00;
	c.virtio[1].intid = 78;
	c.virtio[1].backend_intid = 81;
	c.virtio[1].ctrl_ipa = 0x0b010000;
	c.virtio[1].doorbell_ipa = 0x0b012000;
	assert_int_equal(cfg_check(&c, collect, &m), 0);
	/* the same window served the other way round: alpha would see beta's pool */
	c.virtio[1].frontend = 0;
	c.virtio[1].backend = 1;
	expect_error(&c, "virtio[1].shmem: 0 is also virtio[0]'s window, of another VM pair");
}

/*
 * good() plus a NIC in alpha as in configs/reference.c: QEMU's virtio-mmio
 * transport 31 passed through (BH_DEV_DMA), its identity-mapped pool
 * mem[2], alpha trusted for DMA.
 */
static void good_nic(struct bh_config *c)
{
	good(c);
	cfg_fixture_nic(&c->vms[0], 0xe00, 79);
}

static void test_dma_device_valid(void **state)
{
	struct bh_config c;
	struct msgs m;

	(void)state;
	good_nic(&c);
	m = run(&c);
	if (m.n)
		fail_msg("unexpected: %s", m.text[0]);
	/* the reference system: the same INTID, physical in one VM, virtual in another */
	good_virtio(&c);
	c.vms[0].flags = BH_VM_DMA_TRUSTED;
	c.vms[0].mem[2] =
		(struct bh_mem_region){ .ipa = 0x72000000, .size = 0x1000000, .flags = BH_MEM_RW };
	c.vms[0].devices[1] = (struct bh_device){ .name = "nic",
						  .kind = BH_DEV_VIRTIO_MMIO,
						  .ipa = 0x0a003000,
						  .pa = 0x0a003000,
						  .size = 0x1000,
						  .intid = c.virtio[0].intid,
						  .flags = BH_DEV_DMA,
						  .mmio_offset = 0xe00,
						  .dma_pool = 2 };
	c.vms[0].irqs[1] = c.virtio[0].intid;
	m = run(&c);
	if (m.n)
		fail_msg("unexpected: %s", m.text[0]);
}

/*
 * A config asks the board for what it lacks: a virtio-mmio transport, a UART,
 * GICv3 redistributors, a CPU; or names a device with another INTID than the
 * board gives it.  Each error names the VM, the field and the board.
 */
static void test_board_lacks(void **state)
{
	struct bh_platform bare = bh_platform;
	struct bh_config c;

	(void)state;
	bare.name = "bare";
	memset(&bare.virtio_mmio, 0, sizeof(bare.virtio_mmio));
	memset(bare.uart + 1, 0, sizeof(bare.uart) - sizeof(bare.uart[0]));
	good_nic(&c);
	expect_board_error(&c, &bare,
			   "vm \"alpha\": devices[1]: board bare has no virtio-mmio transports");
	expect_board_error(&c, &bare,
			   "vm \"beta\": devices[0]: board bare has no UART of kind ns16550 at PA");
	c.vms[1].gicr_ipa = 0x10000000;
	bare.gic.version = 2;
	expect_board_error(&c, &bare,
			   "vm \"beta\": gicr_ipa: board bare has a GICv2, without redistributors");
	good(&c);
	bare = bh_platform;
	bare.name = "bare";
	bare.cpus = 1;
	expect_board_error(&c, &bare,
			   "vm \"beta\": cpus: 0x6 names a CPU board bare lacks (it has 1)");
	/* the build's own board: the INTIDs it gives */
	good_nic(&c);
	c.vms[1].devices[0].intid = 40;
	c.vms[1].irqs[0] = 40;
	expect_errorf(&c, "vm \"beta\": devices[0].intid: 40, but serial1 of board %s is INTID 36",
		      bh_platform.name);
	good_nic(&c);
	c.vms[0].devices[1].mmio_offset = 0xc00;
	expect_errorf(
		&c, "vm \"alpha\": devices[1].intid: %u, but transport 30 of board %s is INTID %u",
		c.vms[0].devices[1].intid, bh_platform.name,
		bh_platform.virtio_mmio.first_intid + 30);
	good(&c);
	c.vms[1].devices[0].pa = c.vms[1].devices[0].ipa = 0x3eff3000;
	expect_errorf(
		&c,
		"vm \"beta\": devices[0]: board %s has no UART of kind ns16550 at PA 0x3eff3000",
		bh_platform.name);
}

/* A Cadence UART (the ZCU102's) is checked against the board's UARTs like the others. */
static void test_board_cadence_uart(void **state)
{
	struct bh_platform cdns = bh_platform;
	struct msgs m = { 0 };
	struct bh_config c;
	int i, n;

	(void)state;
	cdns.name = "cdns";
	cdns.uart[1] = (struct bh_plat_uart){ .name = "uart1",
					      .kind = BH_DEV_CDNS_UART,
					      .base = 0x1c0a0000,
					      .size = 0x1000,
					      .intid = 42 };
	good(&c);
	c.vms[1].devices[0] = (struct bh_device){ .name = "uart1",
						  .kind = BH_DEV_CDNS_UART,
						  .ipa = 0x1c0a0000,
						  .pa = 0x1c0a0000,
						  .size = 0x1000,
						  .intid = 42 };
	c.vms[1].irqs[0] = 42;
	n = cfg_check_board(&c, &cdns, collect, &m);
	for (i = 0; i < m.n && i < 16; i++)
		print_message("got: %s\n", m.text[i]);
	assert_int_equal(n, 0);
	expect_errorf(
		&c,
		"vm \"beta\": devices[0]: board %s has no UART of kind cdns-uart at PA 0x1c0a0000",
		bh_platform.name);
	c.vms[1].devices[0].kind = BH_DEV_NS16550;
	expect_board_error(
		&c, &cdns,
		"vm \"beta\": devices[0]: board cdns has no UART of kind ns16550 at PA 0x1c0a0000");
	c.vms[1].devices[0].kind = BH_DEV_CDNS_UART;
	c.vms[1].devices[0].intid = 55;
	c.vms[1].irqs[0] = 55;
	expect_board_error(
		&c, &cdns,
		"vm \"beta\": devices[0].intid: 55, but uart1 of board cdns is INTID 42");
}

static void test_dma_device_needs_trusted_vm(void **state)
{
	struct bh_config c;

	(void)state;
	good_nic(&c);
	c.vms[0].flags = 0;
	expect_error(&c, "vm \"alpha\": devices[1].flags: BH_DEV_DMA with no IOMMU reaches all "
			 "memory: the VM must be marked trusted (flags: BH_VM_DMA_TRUSTED)");
	/* any DMA-capable device, not only a virtio-mmio one */
	good(&c);
	c.vms[1].devices[0].flags = BH_DEV_DMA;
	expect_error(&c, "vm \"beta\": devices[0].flags: BH_DEV_DMA with no IOMMU");
	good_nic(&c);
	c.vms[0].flags = 0x80;
	expect_error(&c, "vm \"alpha\": flags: 0x80 has unknown bits");
}

static void test_dma_pool(void **state)
{
	struct bh_config c;

	(void)state;
	good_nic(&c);
	c.vms[0].devices[1].dma_pool = 5;
	expect_error(&c, "vm \"alpha\": devices[1].dma_pool: mem[5] does not exist");
	good_nic(&c);
	c.vms[0].devices[1].dma_pool = 1;
	expect_error(&c, "vm \"alpha\": devices[1].dma_pool: mem[1] is shared memory");
	good_nic(&c);
	c.vms[0].devices[1].dma_pool = 0; /* RAM, but IPA 0x40000000 is PA 0x50000000 */
	expect_error(&c, "vm \"alpha\": devices[1].dma_pool: mem[0] maps IPA 0x40000000 to PA "
			 "0x50000000; a DMA pool must be identity-mapped");
	good_nic(&c);
	c.vms[0].mem[2].flags |= BH_MEM_FIXED_PA;
	c.vms[0].mem[2].pa = 0x73000000;
	expect_error(&c, "vm \"alpha\": devices[1].dma_pool: mem[2] maps IPA 0x72000000 to PA "
			 "0x73000000");
	good_nic(&c);
	c.vms[0].mem[2].ipa = 0x7f800000; /* runs past the end of 1 GiB of RAM */
	expect_error(&c, "vm \"alpha\": devices[1].dma_pool: mem[2] PA 0x7f800000 size 0x1000000 "
			 "is not in RAM");
	good_nic(&c);
	c.vms[0].mem[2].ipa = 0x20000000;
	expect_error(&c, "vm \"alpha\": devices[1].dma_pool: mem[2] PA 0x20000000");
	good_nic(&c);
	c.vms[0].mem[2].flags = BH_MEM_RWX;
	expect_error(&c, "vm \"alpha\": devices[1].dma_pool: mem[2] must be read/write, not "
			 "executable");
	/* identity-mapped onto another VM's or the hypervisor's memory */
	good_nic(&c);
	c.vms[0].mem[2].ipa = 0x52000000;
	expect_error(&c, "vm \"beta\": mem[0]: PA 0x52000000 size 0x1000000 overlaps vm "
			 "\"alpha\": mem[2]");
	good_nic(&c);
	c.vms[0].mem[2].ipa = 0x40800000;
	expect_error(&c, "vm \"alpha\": mem[2]: PA 0x40800000 size 0x1000000 overlaps the "
			 "hypervisor");
}

static void test_virtio_mmio_device(void **state)
{
	struct bh_config c;

	(void)state;
	good_nic(&c);
	c.vms[0].devices[1].mmio_offset = 0xe10;
	expect_error(&c, "vm \"alpha\": devices[1].mmio_offset: 0xe10 is not a 0x200-aligned "
			 "transport inside the window");
	good_nic(&c);
	c.vms[0].devices[1].mmio_offset = 0x1000;
	expect_error(&c, "vm \"alpha\": devices[1].mmio_offset: 0x1000 is not");
	good_nic(&c);
	c.vms[0].devices[1].intid = 0;
	expect_error(&c, "vm \"alpha\": devices[1].intid: a virtio-mmio device needs its "
			 "interrupt");
	good_nic(&c);
	c.vms[0].devices[1].flags = 0;
	expect_error(&c, "vm \"alpha\": devices[1].flags: a virtio-mmio device does DMA: "
			 "BH_DEV_DMA missing");
	good_nic(&c);
	c.vms[0].devices[1].flags |= 0x10;
	expect_error(&c, "vm \"alpha\": devices[1].flags: 0x11 has unknown bits");
	good_nic(&c);
	c.vms[0].devices[1].kind = BH_DEV_CDNS_GEM + 1;
	expect_error(&c, "vm \"alpha\": devices[1]: kind 7 unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_valid_policy_and_watchdog),
		cmocka_unit_test(test_watchdog_overlaps_remote_io),
		cmocka_unit_test(test_ctl_valid_and_page),
		cmocka_unit_test(test_ctl_manages),
		cmocka_unit_test(test_cpu_twice),
		cmocka_unit_test(test_cpu_missing_or_too_high),
		cmocka_unit_test(test_pa_overlap),
		cmocka_unit_test(test_pa_overlaps_hypervisor_and_dtb),
		cmocka_unit_test(test_hypervisor_devices_not_passed_through),
		cmocka_unit_test(test_ipa_overlap_in_vm),
		cmocka_unit_test(test_misaligned),
		cmocka_unit_test(test_irq_twice_and_range),
		cmocka_unit_test(test_image_outside),
		cmocka_unit_test(test_copied_image_source_in_vm_memory),
		cmocka_unit_test(test_shmem),
		cmocka_unit_test(test_magic_and_names),
		cmocka_unit_test(test_virtio_valid),
		cmocka_unit_test(test_virtio_vms_and_name),
		cmocka_unit_test(test_virtio_window),
		cmocka_unit_test(test_virtio_timeout),
		cmocka_unit_test(test_virtio_shared_region),
		cmocka_unit_test(test_virtio_backend_fields),
		cmocka_unit_test(test_virtio_irqs),
		cmocka_unit_test(test_virtio_two_devices_one_window),
		cmocka_unit_test(test_dma_device_valid),
		cmocka_unit_test(test_dma_device_needs_trusted_vm),
		cmocka_unit_test(test_board_lacks),
		cmocka_unit_test(test_board_cadence_uart),
		cmocka_unit_test(test_dma_pool),
		cmocka_unit_test(test_virtio_mmio_device),
	};

	return cmocka_run_group_tests_name("hyp_cfgcheck", tests, NULL, NULL);
}
