// SPDX-License-Identifier: MIT
/* Host unit tests of tools/dtgen: DTS content, file binding, loader list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cfg_fixture.h"
#include "dtgen.h"
#include <plat_desc.h>

#define RAM_IPA	   0x40000000ull
#define KERNEL_IPA (RAM_IPA + 0x200000)
#define INITRD_IPA (RAM_IPA + 0x2000000)
#define DTB_IPA	   (RAM_IPA + 0x2800000)
#define MiB	   0x100000ull

struct errs {
	char text[4096];
	int n;
};

static void collect(void *ctx, const char *msg)
{
	struct errs *e = ctx;
	size_t len = strlen(e->text);

	snprintf(e->text + len, sizeof(e->text) - len, "%s\n", msg);
	e->n++;
}

#define LINUX_VM(nm, mask, ram_pa, pristine_dtb)                              \
	{                                                                     \
		.name = nm, .cpus = mask, .entry = KERNEL_IPA, .x0 = DTB_IPA, \
		.bootargs = "console=ttyAMA0 bulkhead.name=" nm,              \
		.mem = { { .ipa = RAM_IPA,                                    \
			   .size = 64 * MiB,                                  \
			   .pa = ram_pa,                                      \
			   .flags = BH_MEM_RWX | BH_MEM_FIXED_PA } },         \
		.images = {                                                   \
			{ .kind = BH_IMAGE_KERNEL,                            \
			  .load_pa = 0x41000000,                              \
			  .ipa = KERNEL_IPA,                                  \
			  .size = 8 * MiB },                                  \
			{ .kind = BH_IMAGE_INITRD,                            \
			  .load_pa = 0x42000000,                              \
			  .ipa = INITRD_IPA,                                  \
			  .size = 8 * MiB },                                  \
			{ .kind = BH_IMAGE_DTB,                               \
			  .load_pa = pristine_dtb,                            \
			  .ipa = DTB_IPA,                                     \
			  .size = 0x10000 },                                  \
		},                                                            \
	}

static const struct bh_config base = {
	.magic = BH_CONFIG_MAGIC,
	.name = "unit",
	.vms = {
		[0] = LINUX_VM("back", 0x3, 0x50000000ull, 0x42800000ull),
		[1] = LINUX_VM("front", 0x4, 0x54000000ull, 0x42810000ull),
	},
};

struct fixture {
	struct bh_config cfg;
	struct dtgen g;
	struct errs e;
	char *dts;
	size_t dts_len;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->cfg = base;
	/* backend: PL011 UART0; frontend: the first pci-serial */
	f->cfg.vms[0].devices[0] = (struct bh_device){ .name = "uart0",
						       .kind = BH_DEV_PL011,
						       .ipa = PLAT_UART0_BASE,
						       .pa = PLAT_UART0_BASE,
						       .size = 0x1000,
						       .intid = PLAT_UART0_INTID };
	f->cfg.vms[0].irqs[0] = PLAT_UART0_INTID;
	f->cfg.vms[1].devices[0] = (struct bh_device){ .name = "serial1",
						       .kind = BH_DEV_NS16550,
						       .ipa = 0x3eff1000,
						       .pa = 0x3eff1000,
						       .size = 0x1000,
						       .intid = 36 };
	f->cfg.vms[1].irqs[0] = 36;
	f->cfg.vms[1].bootargs = "console=ttyS0 bulkhead.name=front";
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->dts);
	free(f);
	return 0;
}

/* The tests below expect a GICv3 node whatever the build's platform is. */
static int init(struct fixture *f)
{
	int ret = dtgen_init(&f->g, &f->cfg, collect, &f->e);

	f->g.gic_version = 3;
	return ret;
}

/* init + bind the usual files; returns dtgen_check_files() */
static int init_bound(struct fixture *f)
{
	assert_int_equal(init(f), 0);
	assert_int_equal(dtgen_bind(&f->g, "*:kernel=Image", 4800000), 2);
	assert_int_equal(dtgen_bind(&f->g, "*:initrd=rd.cpio.gz", 0x12345), 2);
	return dtgen_check_files(&f->g, 0);
}

static int write_dts(struct fixture *f, unsigned int vm)
{
	FILE *m;
	int ret;

	free(f->dts);
	f->dts = NULL;
	m = open_memstream(&f->dts, &f->dts_len);
	assert_non_null(m);
	ret = dtgen_write_dts(&f->g, vm, m);
	fclose(m);
	return ret;
}

static void assert_has(const struct fixture *f, const char *needle)
{
	if (!strstr(f->dts, needle))
		fail_msg("missing \"%s\" in:\n%s", needle, f->dts);
}

/* assert_has() of a line with the virtual board's addresses formatted in */
static void __attribute__((format(printf, 2, 3)))
assert_hasf(const struct fixture *f, const char *fmt, ...)
{
	char needle[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(needle, sizeof(needle), fmt, ap);
	va_end(ap);
	assert_has(f, needle);
}

static void test_backend_nodes(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(init_bound(f), 0);
	assert_int_equal(write_dts(f, 0), 0);
	assert_has(f, "/dts-v1/;");
	assert_has(f, "interrupt-parent = <&gic>;");
	assert_has(f, "bootargs = \"console=ttyAMA0 bulkhead.name=back\";");
	assert_has(f, "stdout-path = \"serial0\";");
	assert_has(f, "serial0 = &uart0;");
	/* exact initrd end: start + the file's size, not the reserved size */
	assert_has(f, "linux,initrd-start = <0x0 0x42000000>;");
	assert_has(f, "linux,initrd-end = <0x0 0x42012345>;");
	assert_has(f, "memory@40000000 {");
	assert_has(f, "reg = <0x0 0x40000000 0x0 0x4000000>;");
	/* two vCPUs, MPIDR Aff0 = index, PSCI */
	assert_has(f, "cpu@0 {");
	assert_has(f, "cpu@1 {");
	assert_has(f, "reg = <1>;");
	assert_has(f, "enable-method = \"psci\";");
	assert_has(f, "compatible = \"arm,psci-1.0\", \"arm,psci-0.2\";");
	assert_has(f, "method = \"hvc\";");
	assert_has(f, "interrupts = <1 13 4>, <1 14 4>, <1 11 4>, <1 10 4>;");
	/* GICD + 2 redistributor frames of 128 KiB */
	assert_hasf(f, "gic: interrupt-controller@%llx {", BH_VM_GICD);
	assert_hasf(f, "reg = <0x0 %#llx 0x0 0x10000>, <0x0 %#llx 0x0 0x40000>;", BH_VM_GICD,
		    BH_VM_GICR);
	assert_has(f, "#interrupt-cells = <3>;");
	assert_has(f, "compatible = \"arm,pl011\", \"arm,primecell\";");
	assert_has(f, "interrupts = <0 1 4>;");
	assert_has(f, "clock-names = \"uartclk\", \"apb_pclk\";");
	assert_has(f, "apb_pclk: apb-pclk {");
	assert_null(strstr(f->dts, "ns16550"));
	assert_int_equal(f->e.n, 0);
}

/* A GICv2 platform: arm,cortex-a15-gic with GICD (4 KiB) and GICC = GICV (8 KiB). */
static void test_gicv2_node(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(init_bound(f), 0);
	f->g.gic_version = 2;
	assert_int_equal(write_dts(f, 0), 0);
	assert_hasf(f, "gic: interrupt-controller@%llx {", BH_VM_GICD);
	assert_has(f, "compatible = \"arm,cortex-a15-gic\";");
	assert_hasf(f, "reg = <0x0 %#llx 0x0 0x1000>, <0x0 %#llx 0x0 0x2000>;", BH_VM_GICD,
		    BH_VM_GICC);
	assert_has(f, "#interrupt-cells = <3>;");
	assert_null(strstr(f->dts, "gic-v3"));
	assert_null(strstr(f->dts, "redistributor"));
	/* interrupt specifiers are the same three cells */
	assert_has(f, "interrupts = <1 13 4>, <1 14 4>, <1 11 4>, <1 10 4>;");
	assert_int_equal(f->e.n, 0);
}

/*
 * The Cadence devices of a ZynqMP board (made-up addresses: dtgen takes them
 * from the config): a console on the UART with its fixed clock, and a GEM
 * with both queues' interrupts, its clocks, a fixed link and its DMA pool.
 */
static void test_cadence_nodes(void **state)
{
	struct fixture *f = *state;
	struct bh_vm_config *vm = &f->cfg.vms[0];
	struct bh_platform board = bh_platform;
	char *list = NULL;
	size_t len = 0;
	FILE *m;

	vm->devices[0] = (struct bh_device){ .name = "uart0",
					     .kind = BH_DEV_CDNS_UART,
					     .ipa = 0x1c000000,
					     .pa = 0x1c000000,
					     .size = 0x1000,
					     .intid = 60 };
	vm->irqs[0] = 60;
	vm->mem[1] =
		(struct bh_mem_region){ .ipa = 0x60000000, .size = 0x1000000, .flags = BH_MEM_RW };
	vm->devices[1] = (struct bh_device){ .name = "gem0",
					     .kind = BH_DEV_CDNS_GEM,
					     .ipa = 0x1c100000,
					     .pa = 0x1c100000,
					     .size = 0x1000,
					     .intid = 61,
					     .flags = BH_DEV_DMA,
					     .dma_pool = 1 };
	vm->irqs[1] = 61;
	vm->flags = BH_VM_DMA_TRUSTED;
	board.uart[0] = (struct bh_plat_uart){ .name = "uart0",
					       .kind = BH_DEV_CDNS_UART,
					       .base = 0x1c000000,
					       .size = 0x1000,
					       .intid = 60 };
	board.name = "cadence";
	assert_int_equal(dtgen_init_board(&f->g, &f->cfg, &board, collect, &f->e), 0);
	f->g.gic_version = 3;
	assert_int_equal(dtgen_bind(&f->g, "*:kernel=Image", 4800000), 2);
	assert_int_equal(dtgen_bind(&f->g, "*:initrd=rd.cpio.gz", 0x12345), 2);
	assert_int_equal(dtgen_check_files(&f->g, 0), 0);
	assert_int_equal(write_dts(f, 0), 0);
	assert_has(f, "stdout-path = \"serial0\";");
	assert_has(f, "serial0 = &uart0;");
	assert_has(f, "uart0: serial@1c000000 {");
	assert_has(f, "compatible = \"cdns,uart-r1p12\", \"xlnx,xuartps\";");
	assert_has(f, "interrupts = <0 28 4>;");
	assert_has(f, "clocks = <&uart_clk>, <&uart_clk>;");
	assert_has(f, "uart_clk: uart-clk {");
	assert_has(f, "clock-frequency = <100000000>;");
	assert_has(f, "ethernet@1c100000 {");
	assert_has(f, "compatible = \"cdns,zynqmp-gem\", \"cdns,gem\";");
	assert_has(f, "interrupts = <0 29 4>, <0 29 4>;");
	assert_has(f, "clock-names = \"pclk\", \"hclk\", \"tx_clk\", \"rx_clk\";");
	assert_has(f, "gem_clk: gem-clk {");
	assert_has(f, "memory-region = <&dev_pool1>;");
	assert_has(f, "dev_pool1: ");
	assert_has(f, "fixed-link {");
	assert_has(f, "speed = <1000>;");
	assert_null(strstr(f->dts, "apb_pclk"));
	assert_int_equal(f->e.n, 0);

	/* the GEM for QEMU's -nic, and no virtio device */
	m = open_memstream(&list, &len);
	assert_non_null(m);
	assert_int_equal(dtgen_write_passthrough(&f->g, m, BH_DEV_CDNS_GEM), 1);
	assert_int_equal(dtgen_write_passthrough(&f->g, m, BH_DEV_VIRTIO_MMIO), 0);
	fclose(m);
	assert_string_equal(list, "back gem0 0x1c100000 61\n");
	free(list);
}

static void test_frontend_nodes(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(init_bound(f), 0);
	assert_int_equal(write_dts(f, 1), 0);
	assert_has(f, "cpu@0 {");
	assert_null(strstr(f->dts, "cpu@1"));
	assert_hasf(f, "<0x0 %#llx 0x0 0x20000>;", BH_VM_GICR);
	assert_has(f, "uart0: serial@3eff1000 {");
	assert_has(f, "compatible = \"ns16550a\";");
	assert_has(f, "clock-frequency = <1843200>;");
	assert_has(f, "reg-io-width = <1>;");
	assert_has(f, "reg-shift = <0>;");
	assert_has(f, "interrupts = <0 4 4>;");
	assert_null(strstr(f->dts, "pl011"));
	assert_null(strstr(f->dts, "apb-pclk"));
}

static void test_watchdog_node(void **state)
{
	struct fixture *f = *state;

	f->cfg.vms[1].watchdog = (struct bh_watchdog){ .control_ipa = 0x09100000,
						       .refresh_ipa = 0x09110000,
						       .intid = 90 };
	assert_int_equal(init_bound(f), 0);
	assert_int_equal(write_dts(f, 1), 0);
	assert_has(f, "watchdog@9100000 {");
	assert_has(f, "compatible = \"arm,sbsa-gwdt\";");
	assert_has(f, "reg = <0x0 0x9100000 0x0 0x1000>, <0x0 0x9110000 0x0 0x1000>;");
	assert_has(f, "interrupts = <0 58 1>;");
	assert_int_equal(write_dts(f, 0), 0);
	assert_null(strstr(f->dts, "sbsa-gwdt"));
}

/* A management page: a generic-uio node with one map and no interrupt, and the uio id */
static void test_ctl_node(void **state)
{
	struct fixture *f = *state;

	f->cfg.vms[1].ctl = (struct bh_vm_ctl){ .ipa = 0x09200000 };
	assert_int_equal(init_bound(f), 0);
	assert_int_equal(write_dts(f, 1), 0);
	assert_has(f, "bulkhead-ctl@9200000 {\n\t\tcompatible = \"generic-uio\";\n\t\t"
		      "linux,uio-name = \"bulkhead-ctl\";\n\t\treg = <0x0 0x9200000 0x0 0x1000>;"
		      "\n\t};");
	assert_has(f, "uio_pdrv_genirq.of_id=generic-uio\";");
	/* a VM without a page has neither */
	assert_int_equal(write_dts(f, 0), 0);
	assert_null(strstr(f->dts, "bulkhead-ctl"));
	assert_null(strstr(f->dts, "uio_pdrv_genirq"));
}

static void test_dts_compiles(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/dtgen-unit-XXXXXX";
	char cmd[128];
	int fd, v;

	if (system("command -v dtc >/dev/null 2>&1"))
		skip();
	assert_int_equal(init_bound(f), 0);
	for (v = 0; v < 2; v++) {
		assert_int_equal(write_dts(f, (unsigned int)v), 0);
		fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, f->dts, f->dts_len), (ssize_t)f->dts_len);
		close(fd);
		snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o /dev/null %s", path);
		assert_int_equal(system(cmd), 0);
		unlink(path);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	}
}

static void test_overlap_rejected_naming_both(void **state)
{
	struct fixture *f = *state;

	f->cfg.vms[1].mem[0].pa = 0x52000000; /* inside back's 64 MiB */
	assert_int_not_equal(init(f), 0);
	assert_non_null(strstr(f->e.text, "vm \"front\": mem[0]"));
	assert_non_null(strstr(f->e.text, "overlaps vm \"back\": mem[0]"));
}

static void test_bind_errors(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(init(f), 0);
	assert_true(dtgen_bind(&f->g, "nobody:kernel=x", 1) < 0);
	assert_non_null(strstr(f->e.text, "no vm \"nobody\""));
	assert_true(dtgen_bind(&f->g, "back:firmware=x", 1) < 0);
	assert_true(dtgen_bind(&f->g, "back:raw=x", 1) < 0);
	assert_non_null(strstr(f->e.text, "has no raw image"));
	assert_true(dtgen_bind(&f->g, "back", 1) < 0);
	assert_true(dtgen_bind(&f->g, "back:kernel=", 1) < 0);
	assert_true(dtgen_bind(&f->g, ":kernel=x", 1) < 0);
	assert_int_equal(f->e.n, 6);
}

static void test_wildcard_never_overrides(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(init(f), 0);
	assert_int_equal(dtgen_bind(&f->g, "back:initrd=special", 0x100), 1);
	assert_int_equal(dtgen_bind(&f->g, "*:initrd=common", 0x200), 2);
	assert_int_equal(dtgen_bind(&f->g, "*:kernel=Image", 0x300), 2);
	assert_int_equal(dtgen_check_files(&f->g, 0), 0);
	assert_int_equal(write_dts(f, 0), 0);
	assert_has(f, "linux,initrd-end = <0x0 0x42000100>;");
	assert_int_equal(write_dts(f, 1), 0);
	assert_has(f, "linux,initrd-end = <0x0 0x42000200>;");
}

static void test_missing_and_oversized_files(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(init(f), 0);
	assert_int_equal(dtgen_bind(&f->g, "*:kernel=Image", 9 * MiB), 2);
	assert_int_not_equal(dtgen_check_files(&f->g, 0), 0);
	assert_non_null(strstr(f->e.text, "vm \"back\": images[0] (kernel): Image is 0x900000 "
					  "bytes, more than the 0x800000 reserved"));
	assert_non_null(strstr(
		f->e.text,
		"vm \"front\": images[1] (initrd): no file given (--image front:initrd=PATH)"));
	/* before dtc the DTBs may be missing, after it they may not */
	assert_null(strstr(f->e.text, "(dtb)"));
	dtgen_check_files(&f->g, 1);
	assert_non_null(strstr(f->e.text, "vm \"back\": images[2] (dtb): no file given"));
}

static void test_loaders_share_pristine_copies(void **state)
{
	struct fixture *f = *state;
	char *buf = NULL;
	size_t len;
	FILE *m;

	assert_int_equal(init_bound(f), 0);
	assert_int_equal(dtgen_bind(&f->g, "back:dtb=back.dtb", 2000), 1);
	assert_int_equal(dtgen_bind(&f->g, "front:dtb=front.dtb", 2000), 1);
	m = open_memstream(&buf, &len);
	assert_int_equal(dtgen_write_loaders(&f->g, m), 4);
	fclose(m);
	assert_string_equal(buf, "0x41000000 Image\n"
				 "0x42000000 rd.cpio.gz\n"
				 "0x42800000 back.dtb\n"
				 "0x42810000 front.dtb\n");
	free(buf);
}

static int loaders_of(struct fixture *f)
{
	FILE *m = fopen("/dev/null", "w");
	int ret;

	assert_non_null(m);
	ret = dtgen_write_loaders(&f->g, m);
	fclose(m);
	return ret;
}

static void test_loaders_reject_collisions(void **state)
{
	struct fixture *f = *state;

	/* front's kernel is another file at the same pristine address */
	assert_int_equal(init(f), 0);
	dtgen_bind(&f->g, "back:kernel=Image", 4 * MiB);
	dtgen_bind(&f->g, "front:kernel=Other", 4 * MiB);
	assert_true(loaders_of(f) < 0);
	assert_non_null(strstr(f->e.text, "overlaps vm \"back\": images[0] (Image)"));
}

static void test_loaders_reject_hypervisor(void **state)
{
	struct fixture *f = *state;

	f->cfg.vms[1].images[0].load_pa = 0x40800000;
	/* the shared checker refuses the config already ... */
	assert_int_not_equal(init(f), 0);
	assert_non_null(strstr(f->e.text, "vm \"front\": images[0]"));
	/* ... and the loader list would not place a file there either */
	memset(&f->e, 0, sizeof(f->e));
	f->g.errors = 0;
	dtgen_bind(&f->g, "front:kernel=Image", 4 * MiB);
	assert_true(loaders_of(f) < 0);
	assert_non_null(strstr(
		f->e.text,
		"vm \"front\": images[0] (Image): load_pa 0x40800000 overlaps the hypervisor"));
}

static void test_bootargs_escaped(void **state)
{
	struct fixture *f = *state;

	f->cfg.vms[0].bootargs = "a=\"b\" c=\\d";
	assert_int_equal(init_bound(f), 0);
	assert_int_equal(write_dts(f, 0), 0);
	assert_has(f, "bootargs = \"a=\\\"b\\\" c=\\\\d\";");
	f->cfg.vms[0].bootargs = "bad\nline";
	assert_int_not_equal(write_dts(f, 0), 0);
	assert_non_null(strstr(f->e.text, "bootargs"));
}

static void test_linux_boot_protocol(void **state)
{
	struct fixture *f = *state;

	f->cfg.vms[0].x0 = 0;
	f->cfg.vms[1].entry = KERNEL_IPA + 0x1000;
	f->cfg.vms[1].images[0].ipa = KERNEL_IPA + 0x1000;
	assert_int_equal(init_bound(f), 0);
	assert_int_not_equal(write_dts(f, 0), 0);
	assert_non_null(strstr(f->e.text, "vm \"back\": x0: 0x0 is not the DTB's ipa 0x42800000"));
	assert_int_not_equal(write_dts(f, 1), 0);
	assert_non_null(strstr(
		f->e.text, "vm \"front\": images[0] (kernel): ipa 0x40201000 not 2 MiB aligned"));
}

static void test_nr_pcpus(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(dtgen_nr_pcpus(&f->cfg), 3); /* CPUs 0-1, 2 */
	f->cfg.vms[1].cpus = 0x80;
	assert_int_equal(dtgen_nr_pcpus(&f->cfg), 8);
	memset(f->cfg.vms, 0, sizeof(f->cfg.vms));
	assert_int_equal(dtgen_nr_pcpus(&f->cfg), 0);
}

static void test_vm_without_dtb(void **state)
{
	struct fixture *f = *state;

	memset(&f->cfg.vms[1].images[2], 0, sizeof(f->cfg.vms[1].images[2]));
	assert_int_equal(init_bound(f), 0);
	assert_true(dtgen_vm_has_dt(&f->cfg, 0));
	assert_false(dtgen_vm_has_dt(&f->cfg, 1));
	assert_false(dtgen_vm_has_dt(&f->cfg, 3));
	assert_int_not_equal(write_dts(f, 1), 0);
}

/* Remote I/O: back (vm 0) serves front's (vm 1) console through shmem 0. */
static void test_virtio_nodes(void **state)
{
	struct fixture *f = *state;

	f->cfg.shmem[0] = (struct bh_shmem){ .name = "w", .pa = 0x70000000, .size = 16 * MiB };
	f->cfg.vms[0].mem[1] = (struct bh_mem_region){
		.ipa = 0x20000000, .size = 16 * MiB, .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 0
	};
	f->cfg.vms[1].mem[1] = f->cfg.vms[0].mem[1];
	f->cfg.virtio[0] = (struct bh_virtio){ .name = "console-front",
					       .frontend = 1,
					       .backend = 0,
					       .mmio_ipa = 0x0a003e00,
					       .intid = 79,
					       .shmem = 0,
					       .device_id = 3,
					       .backend_intid = 80,
					       .ctrl_ipa = 0x0b000000,
					       .doorbell_ipa = 0x0b008000 };
	assert_int_equal(init_bound(f), 0);

	assert_int_equal(write_dts(f, 1), 0);
	assert_non_null(strstr(f->dts, "memory@20000000 {"));
	assert_non_null(strstr(f->dts, "virtio_pool0: restricted-dma@20000000 {"));
	assert_non_null(strstr(f->dts, "compatible = \"restricted-dma-pool\";"));
	assert_null(strstr(f->dts, "no-map"));
	assert_non_null(strstr(f->dts, "virtio_mmio@a003e00 {"));
	assert_non_null(strstr(f->dts, "reg = <0x0 0xa003e00 0x0 0x200>;"));
	assert_non_null(strstr(f->dts, "interrupts = <0 47 1>;"));
	assert_non_null(strstr(f->dts, "memory-region = <&virtio_pool0>;"));
	assert_null(strstr(f->dts, "generic-uio"));
	assert_null(strstr(f->dts, "uio_pdrv_genirq"));

	assert_int_equal(write_dts(f, 0), 0);
	assert_null(strstr(f->dts, "virtio,mmio"));
	assert_null(strstr(f->dts, "memory@20000000")); /* a map, not RAM */
	assert_non_null(strstr(f->dts, "bulkhead-rio@b000000 {"));
	assert_non_null(strstr(f->dts, "compatible = \"generic-uio\";"));
	assert_non_null(strstr(f->dts, "linux,uio-name = \"console-front\";"));
	assert_non_null(strstr(f->dts, "reg = <0x0 0xb000000 0x0 0x2000>, <0x0 0xb008000 0x0 "
				       "0x1000>, <0x0 0x20000000 0x0 0x1000000>;"));
	assert_non_null(strstr(f->dts, "interrupts = <0 48 1>;"));
	assert_non_null(strstr(f->dts, "bootargs = \"console=ttyAMA0 bulkhead.name=back "
				       "uio_pdrv_genirq.of_id=generic-uio\";"));
}

/* occurrences of @needle in f->dts */
static int dts_count(const struct fixture *f, const char *needle)
{
	const char *p = f->dts;
	int n = 0;

	while ((p = strstr(p, needle))) {
		n++;
		p++;
	}
	return n;
}

static void assert_dtc_accepts(const struct fixture *f);

/*
 * A console and a virtio-net of one frontend in one window (as in
 * configs/reference.c): one memory node and one pool, named by both
 * devices; the backend gets one uio node per device, both mapping it.
 */
static void test_virtio_two_devices_one_window(void **state)
{
	struct fixture *f = *state;

	test_virtio_nodes(state);
	f->cfg.virtio[1] = f->cfg.virtio[0];
	f->cfg.virtio[1].name = "net-front";
	f->cfg.virtio[1].device_id = 1;
	f->cfg.virtio[1].mmio_ipa = 0x0a003c00;
	f->cfg.virtio[1].intid = 78;
	f->cfg.virtio[1].backend_intid = 81;
	f->cfg.virtio[1].ctrl_ipa = 0x0b010000;
	f->cfg.virtio[1].doorbell_ipa = 0x0b018000;
	assert_int_equal(init_bound(f), 0);

	assert_int_equal(write_dts(f, 1), 0);
	assert_int_equal(dts_count(f, "memory@20000000 {"), 1);
	assert_int_equal(dts_count(f, "restricted-dma@20000000 {"), 1);
	assert_has(f, "virtio_mmio@a003c00 {");
	assert_has(f, "interrupts = <0 46 1>;");
	assert_int_equal(dts_count(f, "memory-region = <&virtio_pool0>;"), 2);
	assert_null(strstr(f->dts, "virtio_pool1"));
	assert_dtc_accepts(f);

	assert_int_equal(write_dts(f, 0), 0);
	assert_has(f, "linux,uio-name = \"net-front\";");
	assert_has(f, "reg = <0x0 0xb010000 0x0 0x2000>, <0x0 0xb018000 0x0 0x1000>, "
		      "<0x0 0x20000000 0x0 0x1000000>;");
	assert_has(f, "interrupts = <0 49 1>;");
	assert_dtc_accepts(f);
}

/* dtc accepts f->dts (skipped without dtc, like test_dts_compiles) */
static void assert_dtc_accepts(const struct fixture *f)
{
	char path[] = "/tmp/dtgen-unit-XXXXXX";
	char cmd[128];
	int fd;

	if (system("command -v dtc >/dev/null 2>&1"))
		return;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, f->dts, f->dts_len), (ssize_t)f->dts_len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o /dev/null %s", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

/*
 * A VM that is a remote-I/O frontend and owns a DMA-capable virtio-mmio
 * device (QEMU's transport 30): both pools in one /reserved-memory, the
 * device's node where QEMU has it, naming its identity-mapped pool.
 */
static void test_dma_device_nodes(void **state)
{
	struct fixture *f = *state;
	struct bh_vm_config *front = &f->cfg.vms[1];
	char *list = NULL;
	size_t len = 0;
	FILE *m;

	f->cfg.shmem[0] = (struct bh_shmem){ .name = "w", .pa = 0x70000000, .size = 16 * MiB };
	f->cfg.vms[0].mem[1] = (struct bh_mem_region){
		.ipa = 0x20000000, .size = 16 * MiB, .flags = BH_MEM_RW | BH_MEM_SHARED, .shmem = 0
	};
	front->mem[1] = f->cfg.vms[0].mem[1];
	f->cfg.virtio[0] =
		(struct bh_virtio){ .name = "console-front",
				    .frontend = 1,
				    .backend = 0,
				    .mmio_ipa = PLAT_VIRTIO_MMIO, /* not the NIC's page */
				    .intid = 79,
				    .shmem = 0,
				    .device_id = 3,
				    .backend_intid = 80,
				    .ctrl_ipa = 0x0b000000,
				    .doorbell_ipa = 0x0b008000 };
	cfg_fixture_nic(front, 0xc00, 78);
	assert_int_equal(init_bound(f), 0);

	assert_int_equal(write_dts(f, 1), 0);
	assert_has(f, "memory@72000000 {"); /* RAM too: a restricted pool is in the linear map */
	assert_has(f, "dev_pool1: restricted-dma@72000000 {");
	assert_has(f, "virtio_pool0: restricted-dma@20000000 {");
	assert_ptr_equal(strstr(strstr(f->dts, "reserved-memory {") + 1, "reserved-memory {"),
			 NULL);
	assert_has(f, "virtio_mmio@a003c00 {\n\t\tcompatible = \"virtio,mmio\";\n"
		      "\t\treg = <0x0 0xa003c00 0x0 0x200>;\n\t\tinterrupts = <0 46 1>;\n"
		      "\t\tdma-coherent;\n\t\tmemory-region = <&dev_pool1>;\n\t};");
	assert_has(f, "memory-region = <&virtio_pool0>;");
	assert_dtc_accepts(f);

	/* where QEMU must put the device, for its command line */
	m = open_memstream(&list, &len);
	assert_non_null(m);
	assert_int_equal(dtgen_write_passthrough(&f->g, m, BH_DEV_VIRTIO_MMIO), 1);
	fclose(m);
	assert_string_equal(list, "front nic 0xa003c00 78\n");
	free(list);
}

static void test_no_dma_device(void **state)
{
	struct fixture *f = *state;
	char *list = NULL;
	size_t len = 0;
	FILE *m;

	assert_int_equal(init_bound(f), 0);
	assert_int_equal(write_dts(f, 0), 0);
	assert_null(strstr(f->dts, "reserved-memory"));
	assert_null(strstr(f->dts, "virtio,mmio"));
	m = open_memstream(&list, &len);
	assert_non_null(m);
	assert_int_equal(dtgen_write_passthrough(&f->g, m, BH_DEV_VIRTIO_MMIO), 0);
	fclose(m);
	assert_string_equal(list, "");
	free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backend_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gicv2_node, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cadence_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frontend_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watchdog_node, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_node, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dts_compiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_rejected_naming_both, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wildcard_never_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_oversized_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loaders_share_pristine_copies, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_loaders_reject_collisions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loaders_reject_hypervisor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bootargs_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux_boot_protocol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nr_pcpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_without_dtb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_virtio_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_virtio_two_devices_one_window, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_device_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_dma_device, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
