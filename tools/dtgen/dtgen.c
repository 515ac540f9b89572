// SPDX-License-Identifier: MIT
/*
 * Device-tree and image-placement generator; see dtgen.h and
 * docs/devicetree.md.  Bindings followed (Linux
 * Documentation/devicetree/bindings/): arm/cpus.yaml, arm/psci.yaml,
 * timer/arm,arch_timer.yaml, interrupt-controller/arm,gic-v3.yaml,
 * serial/pl011.yaml, serial/8250.yaml, chosen.yaml (dt-schema).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/ctl.h>
#include <bulkhead/rio.h>
#include "check.h"
#include "dtgen.h"
#include <plat_desc.h>

/* The GICv2 distributor's register page (IHI0048B §4.1.2, arm,gic.yaml). */
#define GICV2_GICD_BYTES 0x1000ull

#define MSG_MAX	 400
#define ALIGN_2M 0x200000ull
/* Linux arm64 booting.rst §2: the DTB is 8-byte aligned and <= 2 MiB. */
#define DTB_ALIGN     8ull
#define DTB_MAX_SIZE  0x200000ull
#define DTS_MAX_DEPTH 8

static const char *const image_kinds[] = {
	[BH_IMAGE_NONE] = "none", [BH_IMAGE_KERNEL] = "kernel", [BH_IMAGE_INITRD] = "initrd",
	[BH_IMAGE_DTB] = "dtb",	  [BH_IMAGE_RAW] = "raw",
};

static void fail(struct dtgen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct dtgen *g, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	g->errors++;
	if (g->report)
		g->report(g->ctx, msg);
}

static const char *kind_name(uint32_t kind)
{
	if (kind < sizeof(image_kinds) / sizeof(image_kinds[0]))
		return image_kinds[kind];
	return "?";
}

static unsigned int nr_images(const struct bh_vm_config *vm)
{
	unsigned int n = 0;

	while (n < BH_MAX_IMAGES && vm->images[n].size)
		n++;
	return n;
}

static const struct bh_image *find_image(const struct bh_vm_config *vm, uint32_t kind)
{
	unsigned int i;

	for (i = 0; i < nr_images(vm); i++)
		if (vm->images[i].kind == kind)
			return &vm->images[i];
	return NULL;
}

static struct dtgen_file *find_file(struct dtgen *g, unsigned int vm, unsigned int image)
{
	unsigned int i;

	for (i = 0; i < g->nfiles; i++)
		if (g->files[i].vm == vm && g->files[i].image == image)
			return &g->files[i];
	return NULL;
}

/* ------------------------------------------------------------ set-up */

static void cfg_report(void *ctx, const char *msg)
{
	struct dtgen *g = ctx;

	fail(g, "%s", msg);
}

int dtgen_init_board(struct dtgen *g, const struct bh_config *cfg, const struct bh_platform *board,
		     void (*report)(void *ctx, const char *msg), void *ctx)
{
	memset(g, 0, sizeof(*g));
	g->gic_version = board->gic.version;
	g->cfg = cfg;
	g->report = report;
	g->ctx = ctx;
	/* one set of rules for the build and the generator: share the checker */
	cfg_check_board(cfg, board, cfg_report, g);
	return g->errors ? -EINVAL : 0;
}

int dtgen_init(struct dtgen *g, const struct bh_config *cfg,
	       void (*report)(void *ctx, const char *msg), void *ctx)
{
	return dtgen_init_board(g, cfg, &bh_platform, report, ctx);
}

int dtgen_vm_index(const struct bh_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg_nr_vms(cfg); i++)
		if (!strcmp(cfg->vms[i].name, name))
			return (int)i;
	return -1;
}

int dtgen_vm_has_dt(const struct bh_config *cfg, unsigned int vm)
{
	return vm < cfg_nr_vms(cfg) && find_image(&cfg->vms[vm], BH_IMAGE_DTB);
}

unsigned int dtgen_nr_pcpus(const struct bh_config *cfg)
{
	uint64_t all = 0;
	unsigned int v;

	for (v = 0; v < cfg_nr_vms(cfg); v++)
		all |= cfg->vms[v].cpus;
	return all ? 64u - (unsigned int)__builtin_clzll(all) : 0;
}

/* ------------------------------------------------------------ files */

static int kind_from_name(const char *s, size_t len)
{
	unsigned int k;

	for (k = BH_IMAGE_KERNEL; k <= BH_IMAGE_RAW; k++)
		if (strlen(image_kinds[k]) == len && !strncmp(image_kinds[k], s, len))
			return (int)k;
	return -1;
}

/* Bind @path to image @image of VM @vm; @wild bindings never replace. */
static void bind_one(struct dtgen *g, unsigned int vm, unsigned int image, const char *path,
		     uint64_t size, bool wild)
{
	struct dtgen_file *f = find_file(g, vm, image);

	if (f && wild)
		return;
	if (!f) {
		f = &g->files[g->nfiles++];
		f->vm = vm;
		f->image = image;
	}
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->size = size;
}

int dtgen_bind(struct dtgen *g, const char *spec, uint64_t size)
{
	const char *colon = strchr(spec, ':');
	const char *eq = colon ? strchr(colon, '=') : NULL;
	char vmname[64];
	unsigned int v, i;
	int kind, n = 0;
	bool wild;

	if (!colon || !eq || eq == colon + 1 || !eq[1] ||
	    (size_t)(colon - spec) >= sizeof(vmname) || colon == spec) {
		fail(g, "--image %s: expected VM:KIND=PATH", spec);
		return -EINVAL;
	}
	if (strlen(eq + 1) >= DTGEN_PATH_MAX) {
		fail(g, "--image %s: path too long", spec);
		return -EINVAL;
	}
	memcpy(vmname, spec, (size_t)(colon - spec));
	vmname[colon - spec] = '\0';
	kind = kind_from_name(colon + 1, (size_t)(eq - colon - 1));
	if (kind < 0) {
		fail(g, "--image %s: kind must be kernel, initrd, dtb or raw", spec);
		return -EINVAL;
	}
	wild = !strcmp(vmname, "*");
	if (!wild && dtgen_vm_index(g->cfg, vmname) < 0) {
		fail(g, "--image %s: no vm \"%s\" in config \"%s\"", spec, vmname, g->cfg->name);
		return -EINVAL;
	}
	for (v = 0; v < cfg_nr_vms(g->cfg); v++) {
		const struct bh_vm_config *vm = &g->cfg->vms[v];

		if (!wild && strcmp(vm->name, vmname))
			continue;
		for (i = 0; i < nr_images(vm); i++) {
			if (vm->images[i].kind != (uint32_t)kind)
				continue;
			bind_one(g, v, i, eq + 1, size, wild);
			n++;
		}
	}
	if (!n && !wild) {
		fail(g, "--image %s: vm \"%s\" has no %s image", spec, vmname,
		     kind_name((uint32_t)kind));
		return -EINVAL;
	}
	return n;
}

int dtgen_check_files(struct dtgen *g, int need_dtb)
{
	int before = g->errors;
	unsigned int v, i;

	for (v = 0; v < cfg_nr_vms(g->cfg); v++) {
		const struct bh_vm_config *vm = &g->cfg->vms[v];

		for (i = 0; i < nr_images(vm); i++) {
			const struct bh_image *img = &vm->images[i];
			const struct dtgen_file *f = find_file(g, v, i);

			if (!f) {
				if (img->kind == BH_IMAGE_DTB && !need_dtb &&
				    dtgen_vm_has_dt(g->cfg, v))
					continue; /* dtc has not run yet */
				fail(g,
				     "vm \"%s\": images[%u] (%s): no file given (--image "
				     "%s:%s=PATH)",
				     vm->name, i, kind_name(img->kind), vm->name,
				     kind_name(img->kind));
				continue;
			}
			if (f->size > img->size)
				fail(g,
				     "vm \"%s\": images[%u] (%s): %s is 0x%llx bytes, more than "
				     "the 0x%llx reserved",
				     vm->name, i, kind_name(img->kind), f->path,
				     (unsigned long long)f->size, (unsigned long long)img->size);
		}
	}
	return g->errors > before ? -EINVAL : 0;
}

/* ------------------------------------------------------------ DTS writer */

struct dts {
	FILE *f;
	int depth;
};

static void dts_line(struct dts *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void dts_line(struct dts *d, const char *fmt, ...)
{
	va_list ap;
	int i;

	for (i = 0; i < d->depth; i++)
		fputc('\t', d->f);
	va_start(ap, fmt);
	vfprintf(d->f, fmt, ap);
	va_end(ap);
	fputc('\n', d->f);
}

static void dts_open(struct dts *d, const char *label, const char *name, uint64_t unit,
		     bool has_unit)
{
	char lbl[40] = "";

	if (label)
		snprintf(lbl, sizeof(lbl), "%s: ", label);
	if (has_unit)
		dts_line(d, "%s%s@%llx {", lbl, name, (unsigned long long)unit);
	else
		dts_line(d, "%s%s {", lbl, name);
	d->depth++;
}

static void dts_close(struct dts *d)
{
	d->depth--;
	dts_line(d, "};");
}

/* A DTS string literal: config text is escaped, never trusted verbatim. */
static int dts_quote(char *out, size_t n, const char *s)
{
	size_t o = 0;

	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return -EINVAL;
		if (o + 3 >= n)
			return -EINVAL;
		if (*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
	return 0;
}

static void dts_str(struct dtgen *g, struct dts *d, const char *prop, const char *val)
{
	char q[DTGEN_PATH_MAX * 2];

	if (dts_quote(q, sizeof(q), val)) {
		fail(g, "%s: \"%.40s...\" is too long or has non-printable characters", prop, val);
		return;
	}
	dts_line(d, "%s = \"%s\";", prop, q);
}

static void dts_u32(struct dts *d, const char *prop, uint32_t v)
{
	dts_line(d, "%s = <%u>;", prop, v);
}

static void dts_u64(struct dts *d, const char *prop, uint64_t v)
{
	dts_line(d, "%s = <0x%x 0x%x>;", prop, (uint32_t)(v >> 32), (uint32_t)v);
}

/* reg with #address-cells = #size-cells = 2 */
static void dts_reg(struct dts *d, uint64_t base, uint64_t size)
{
	dts_line(d, "reg = <0x%x 0x%x 0x%x 0x%x>;", (uint32_t)(base >> 32), (uint32_t)base,
		 (uint32_t)(size >> 32), (uint32_t)size);
}

static void dts_spi(struct dts *d, uint32_t intid)
{
	dts_line(d, "interrupts = <%u %u %u>;", DT_GIC_SPI, intid - DT_GIC_SPI_BASE,
		 DT_IRQ_TYPE_LEVEL_HIGH);
}

/* ------------------------------------------------------------ nodes */

static uint64_t vm_gicd(const struct bh_vm_config *vm)
{
	return vm->gicd_ipa ? vm->gicd_ipa : BH_GICD_IPA_DEFAULT;
}

static bool is_uart(const struct bh_device *dev)
{
	return dev->kind == BH_DEV_PL011 || dev->kind == BH_DEV_NS16550 ||
	       dev->kind == BH_DEV_CDNS_UART;
}

/* The console: the VM's first UART. */
static const struct bh_device *vm_console(const struct bh_vm_config *vm)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++)
		if (is_uart(&vm->devices[i]))
			return &vm->devices[i];
	return NULL;
}

/* The uio driver only binds "generic-uio" when told so (uio_pdrv_genirq.c). */
#define UIO_OF_ID_ARG "uio_pdrv_genirq.of_id=generic-uio"

static bool vm_is_backend(const struct bh_config *cfg, unsigned int v);

/* Does VM @v have uio nodes: remote-I/O devices it serves, a management page? */
static bool vm_needs_uio(const struct bh_config *cfg, unsigned int v)
{
	return vm_is_backend(cfg, v) || cfg->vms[v].ctl.ipa;
}

static void node_chosen(struct dtgen *g, struct dts *d, unsigned int v)
{
	const struct bh_vm_config *vm = &g->cfg->vms[v];
	const struct bh_image *initrd = find_image(vm, BH_IMAGE_INITRD);

	dts_open(d, NULL, "chosen", 0, false);
	if (vm_needs_uio(g->cfg, v) && (!vm->bootargs || !strstr(vm->bootargs, UIO_OF_ID_ARG))) {
		char args[DTGEN_PATH_MAX];

		if (snprintf(args, sizeof(args), "%s%s" UIO_OF_ID_ARG,
			     vm->bootargs ? vm->bootargs : "",
			     vm->bootargs && vm->bootargs[0] ? " " : "") >= (int)sizeof(args))
			fail(g, "vm \"%s\": bootargs: too long to add " UIO_OF_ID_ARG, vm->name);
		else
			dts_str(g, d, "bootargs", args);
	} else if (vm->bootargs) {
		dts_str(g, d, "bootargs", vm->bootargs);
	}
	if (vm_console(vm))
		dts_str(g, d, "stdout-path", "serial0");
	if (initrd) {
		const struct dtgen_file *f = find_file(g, v, (unsigned int)(initrd - vm->images));
		/* the exact end: Linux unpacks up to it, trailing junk fails */
		uint64_t len = f ? f->size : initrd->size;

		dts_u64(d, "linux,initrd-start", initrd->ipa);
		dts_u64(d, "linux,initrd-end", initrd->ipa + len);
	}
	dts_close(d);
}

static void node_aliases(struct dtgen *g, struct dts *d, unsigned int v)
{
	const struct bh_vm_config *vm = &g->cfg->vms[v];
	unsigned int i, n = 0;

	if (!vm_console(vm))
		return;
	dts_open(d, NULL, "aliases", 0, false);
	for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++)
		if (is_uart(&vm->devices[i]))
			dts_line(d, "serial%u = &uart%u;", n++, i);
	dts_close(d);
}

static void node_memory(struct dtgen *g, struct dts *d, unsigned int v)
{
	const struct bh_vm_config *vm = &g->cfg->vms[v];
	unsigned int i;

	for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++) {
		const struct bh_mem_region *m = &vm->mem[i];

		/*
		 * Shared windows are not RAM of this VM: the remote-I/O code
		 * describes them through node_virtio() (restricted-dma-pool
		 * in a frontend, a UIO map in the backend).
		 */
		if (m->flags & BH_MEM_SHARED)
			continue;
		dts_open(d, NULL, "memory", m->ipa, true);
		dts_str(g, d, "device_type", "memory");
		dts_reg(d, m->ipa, m->size);
		dts_close(d);
	}
}

/*
 * vCPU n is presented with MPIDR_EL1.Aff0 = n (hyp/core/vm.c makes it the
 * vCPU index, hyp/core/pcpu.c loads it into VMPIDR_EL2); cpus.yaml wants
 * reg = the MPIDR affinity bits.
 */
static void node_cpus(struct dtgen *g, struct dts *d, unsigned int v)
{
	const struct bh_vm_config *vm = &g->cfg->vms[v];
	unsigned int n;

	dts_open(d, NULL, "cpus", 0, false);
	dts_u32(d, "#address-cells", 1);
	dts_u32(d, "#size-cells", 0);
	for (n = 0; n < cfg_nr_vcpus(vm); n++) {
		dts_open(d, NULL, "cpu", n, true);
		dts_str(g, d, "device_type", "cpu");
		dts_str(g, d, "compatible", "arm,armv8");
		dts_u32(d, "reg", n);
		dts_str(g, d, "enable-method", "psci");
		dts_close(d);
	}
	dts_close(d);
}

/*
 * The hypervisor answers PSCI_VERSION with 1.1 and handles both conduits
 * (hyp/arch/aarch64/psci.c); hvc is the one meant for a hypervisor, smc
 * would reach QEMU's firmware if EL2 did not trap it.
 */
static void node_psci(struct dtgen *g, struct dts *d)
{
	dts_open(d, NULL, "psci", 0, false);
	dts_line(d, "compatible = \"arm,psci-1.0\", \"arm,psci-0.2\";");
	dts_str(g, d, "method", "hvc");
	dts_close(d);
}

static void node_timer(struct dtgen *g, struct dts *d)
{
	dts_open(d, NULL, "timer", 0, false);
	dts_str(g, d, "compatible", "arm,armv8-timer");
	/* order fixed by the binding: secure phys, phys, virt, hyp */
	dts_line(d, "interrupts = <%u %u %u>, <%u %u %u>, <%u %u %u>, <%u %u %u>;", DT_GIC_PPI,
		 DT_INTID_TIMER_SEC_PHYS - DT_GIC_PPI_BASE, DT_IRQ_TYPE_LEVEL_HIGH, DT_GIC_PPI,
		 DT_INTID_TIMER_PHYS - DT_GIC_PPI_BASE, DT_IRQ_TYPE_LEVEL_HIGH, DT_GIC_PPI,
		 DT_INTID_TIMER_VIRT - DT_GIC_PPI_BASE, DT_IRQ_TYPE_LEVEL_HIGH, DT_GIC_PPI,
		 DT_INTID_TIMER_HYP - DT_GIC_PPI_BASE, DT_IRQ_TYPE_LEVEL_HIGH);
	dts_close(d);
}

/* GICv3: GICD plus this VM's own redistributor frames, one per vCPU; no ITS. */
static void node_gic_v3(struct dtgen *g, struct dts *d, unsigned int v)
{
	const struct bh_vm_config *vm = &g->cfg->vms[v];
	uint64_t gicr = vm->gicr_ipa ? vm->gicr_ipa : BH_GICR_IPA_DEFAULT;
	uint64_t gicr_size = BH_GICR_STRIDE * cfg_nr_vcpus(vm);

	dts_open(d, "gic", "interrupt-controller", vm_gicd(vm), true);
	dts_str(g, d, "compatible", "arm,gic-v3");
	dts_u32(d, "#interrupt-cells", 3);
	/* no child nodes (no ITS), and no interrupt-map to translate for */
	dts_u32(d, "#address-cells", 0);
	dts_line(d, "interrupt-controller;");
	dts_u32(d, "#redistributor-regions", 1);
	dts_line(d, "reg = <0x%x 0x%x 0x%x 0x%x>, <0x%x 0x%x 0x%x 0x%x>;",
		 (uint32_t)(vm_gicd(vm) >> 32), (uint32_t)vm_gicd(vm),
		 (uint32_t)(BH_GICD_SIZE >> 32), (uint32_t)BH_GICD_SIZE, (uint32_t)(gicr >> 32),
		 (uint32_t)gicr, (uint32_t)(gicr_size >> 32), (uint32_t)gicr_size);
	dts_close(d);
}

/*
 * GICv2 (interrupt-controller/arm,gic.yaml): GICD and GICC, the latter the
 * hardware GICV frame the hypervisor maps there (8 KiB: GICC_DIR at
 * +0x1000).  No GICH/GICV entries: the guest has no virtualization.
 */
static void node_gic_v2(struct dtgen *g, struct dts *d, unsigned int v)
{
	const struct bh_vm_config *vm = &g->cfg->vms[v];
	uint64_t gicc = BH_GICC_IPA_DEFAULT;

	dts_open(d, "gic", "interrupt-controller", vm_gicd(vm), true);
	dts_str(g, d, "compatible", "arm,cortex-a15-gic");
	dts_u32(d, "#interrupt-cells", 3);
	dts_u32(d, "#address-cells", 0);
	dts_line(d, "interrupt-controller;");
	dts_line(d, "reg = <0x%x 0x%x 0x%x 0x%x>, <0x%x 0x%x 0x%x 0x%x>;",
		 (uint32_t)(vm_gicd(vm) >> 32), (uint32_t)vm_gicd(vm),
		 (uint32_t)(GICV2_GICD_BYTES >> 32), (uint32_t)GICV2_GICD_BYTES,
		 (uint32_t)(gicc >> 32), (uint32_t)gicc, (uint32_t)(BH_GICC_SIZE >> 32),
		 (uint32_t)BH_GICC_SIZE);
	dts_close(d);
}

static void node_gic(struct dtgen *g, struct dts *d, unsigned int v)
{
	if (g->gic_version == 2)
		node_gic_v2(g, d, v);
	else
		node_gic_v3(g, d, v);
}

static bool vm_has(const struct bh_vm_config *vm, uint32_t kind)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++)
		if (vm->devices[i].kind == kind)
			return true;
	return false;
}

/* clock/fixed-clock.yaml: a clock of @hz the devices name by @label */
static void node_fixed_clock(struct dtgen *g, struct dts *d, const char *label, const char *name,
			     uint32_t hz)
{
	dts_open(d, label, name, 0, false);
	dts_str(g, d, "compatible", "fixed-clock");
	dts_u32(d, "#clock-cells", 0);
	dts_u32(d, "clock-frequency", hz);
	dts_close(d);
}

/*
 * The clocks the VM's devices name: pl011.yaml, an AMBA primecell needs its
 * apb_pclk (and uartclk); cdns,uart.yaml its uart_clk and pclk; cdns,macb.yaml
 * pclk, hclk, tx_clk and rx_clk.  Fixed: the hypervisor gives no clock
 * controller, and the firmware's (zynqmp-firmware) is not a VM's.
 */
static void node_clock(struct dtgen *g, struct dts *d, unsigned int v)
{
	const struct bh_vm_config *vm = &g->cfg->vms[v];

	if (vm_has(vm, BH_DEV_PL011)) {
		dts_open(d, "apb_pclk", "apb-pclk", 0, false);
		dts_str(g, d, "compatible", "fixed-clock");
		dts_u32(d, "#clock-cells", 0);
		dts_u32(d, "clock-frequency", DT_PL011_CLOCK);
		dts_str(g, d, "clock-output-names", "clk24mhz");
		dts_close(d);
	}
	if (vm_has(vm, BH_DEV_CDNS_UART))
		node_fixed_clock(g, d, "uart_clk", "uart-clk", DT_CDNS_UART_CLOCK);
	if (vm_has(vm, BH_DEV_CDNS_GEM))
		node_fixed_clock(g, d, "gem_clk", "gem-clk", DT_CDNS_GEM_CLOCK);
}

static void dts_spi_edge(struct dts *d, uint32_t intid)
{
	dts_line(d, "interrupts = <%u %u %u>;", DT_GIC_SPI, intid - DT_GIC_SPI_BASE,
		 DT_IRQ_TYPE_EDGE_RISING);
}

/*
 * QEMU's own virtio-mmio transport, passed through: the node QEMU would
 * give it (edge rising, dma-coherent: QEMU's DMA sees the CPU caches), plus
 * memory-region = its identity-mapped DMA pool (node_reserved()), so the
 * driver negotiates VIRTIO_F_ACCESS_PLATFORM through the DMA API and Linux
 * bounces every buffer there (kernel/dma/swiotlb.c): the addresses the
 * device is given are then physical addresses (docs/config.md,
 * "DMA-capable devices").
 */
static void node_virtio_mmio_device(struct dtgen *g, struct dts *d, unsigned int v, unsigned int i)
{
	const struct bh_device *dev = &g->cfg->vms[v].devices[i];
	uint64_t base = dev->ipa + dev->mmio_offset;

	dts_open(d, NULL, "virtio_mmio", base, true);
	dts_str(g, d, "compatible", "virtio,mmio");
	dts_reg(d, base, CFG_VIRTIO_MMIO_SIZE);
	dts_spi_edge(d, dev->intid);
	dts_line(d, "dma-coherent;");
	if (dev->flags & BH_DEV_DMA)
		dts_line(d, "memory-region = <&dev_pool%u>;", i);
	dts_close(d);
}

/*
 * A Cadence GEM passed through (cdns,macb.yaml): its one interrupt for both
 * of the ZynqMP GEM's queues (Linux asks one per queue), fixed clocks and a
 * fixed 1 Gb/s full-duplex link, as the board has no PHY a VM may drive
 * over MDIO.  No dma-coherent: on the ZynqMP the GEM is not cache-coherent
 * unless routed through the CCI, so Linux keeps the caches clean for it.
 * Its buffers bounce through its identity-mapped pool (memory-region, as
 * for node_virtio_mmio_device()): without an SMMU it addresses PAs.
 */
static void node_cdns_gem(struct dtgen *g, struct dts *d, unsigned int v, unsigned int i)
{
	const struct bh_device *dev = &g->cfg->vms[v].devices[i];

	dts_open(d, NULL, "ethernet", dev->ipa, true);
	dts_line(d, "compatible = \"cdns,zynqmp-gem\", \"cdns,gem\";");
	dts_reg(d, dev->ipa, dev->size);
	dts_line(d, "interrupts = <%u %u %u>, <%u %u %u>;", DT_GIC_SPI,
		 dev->intid - DT_GIC_SPI_BASE, DT_IRQ_TYPE_LEVEL_HIGH, DT_GIC_SPI,
		 dev->intid - DT_GIC_SPI_BASE, DT_IRQ_TYPE_LEVEL_HIGH);
	dts_line(d, "clocks = <&gem_clk>, <&gem_clk>, <&gem_clk>, <&gem_clk>;");
	dts_line(d, "clock-names = \"pclk\", \"hclk\", \"tx_clk\", \"rx_clk\";");
	dts_str(g, d, "phy-mode", "rgmii-id");
	if (dev->flags & BH_DEV_DMA)
		dts_line(d, "memory-region = <&dev_pool%u>;", i);
	dts_open(d, NULL, "fixed-link", 0, false);
	dts_u32(d, "speed", 1000);
	dts_line(d, "full-duplex;");
	dts_close(d);
	dts_close(d);
}

/*
 * The SBSA Generic Watchdog the hypervisor emulates (docs/config.md,
 * "Watchdog"; Linux Documentation/devicetree/bindings/watchdog/
 * arm,sbsa-gwdt.yaml): control frame then refresh frame, and WS0, which the
 * hypervisor injects once as it rises: edge.
 */
static void node_watchdog(struct dtgen *g, struct dts *d, unsigned int v)
{
	const struct bh_watchdog *w = &g->cfg->vms[v].watchdog;

	if (!w->control_ipa)
		return;
	dts_open(d, NULL, "watchdog", w->control_ipa, true);
	dts_str(g, d, "compatible", "arm,sbsa-gwdt");
	dts_line(d, "reg = <0x%x 0x%x 0x%x 0x%x>, <0x%x 0x%x 0x%x 0x%x>;",
		 (uint32_t)(w->control_ipa >> 32), (uint32_t)w->control_ipa, 0u,
		 (uint32_t)BH_WDT_FRAME_SIZE, (uint32_t)(w->refresh_ipa >> 32),
		 (uint32_t)w->refresh_ipa, 0u, (uint32_t)BH_WDT_FRAME_SIZE);
	dts_spi_edge(d, w->intid);
	dts_close(d);
}

/*
 * The management page (include/bulkhead/ctl.h): a "generic-uio" node with
 * one map and no interrupt (uio_pdrv_genirq then has none), found by its
 * linux,uio-name.
 */
static void node_ctl(struct dtgen *g, struct dts *d, unsigned int v)
{
	uint64_t ipa = g->cfg->vms[v].ctl.ipa;

	if (!ipa)
		return;
	dts_open(d, NULL, "bulkhead-ctl", ipa, true);
	dts_str(g, d, "compatible", "generic-uio");
	dts_str(g, d, "linux,uio-name", BH_CTL_UIO_NAME);
	dts_reg(d, ipa, BH_CTL_SIZE);
	dts_close(d);
}

/* A UART whose two clocks are both @clock (node_clock()): @compat and @names as DT lists. */
static void node_clocked_uart(struct dts *d, const char *label, const struct bh_device *dev,
			      const char *compat, const char *clock, const char *names)
{
	dts_open(d, label, "serial", dev->ipa, true);
	dts_line(d, "compatible = %s;", compat);
	dts_reg(d, dev->ipa, dev->size);
	if (dev->intid)
		dts_spi(d, dev->intid);
	dts_line(d, "clocks = <&%s>, <&%s>;", clock, clock);
	dts_line(d, "clock-names = %s;", names);
	dts_close(d);
}

static void node_device(struct dtgen *g, struct dts *d, unsigned int v, unsigned int i)
{
	const struct bh_device *dev = &g->cfg->vms[v].devices[i];
	char label[16];

	snprintf(label, sizeof(label), "uart%u", i);
	switch (dev->kind) {
	case BH_DEV_PL011:
		node_clocked_uart(d, label, dev, "\"arm,pl011\", \"arm,primecell\"", "apb_pclk",
				  "\"uartclk\", \"apb_pclk\"");
		break;
	case BH_DEV_NS16550:
		dts_open(d, label, "serial", dev->ipa, true);
		dts_str(g, d, "compatible", "ns16550a");
		dts_reg(d, dev->ipa, dev->size);
		if (dev->intid)
			dts_spi(d, dev->intid);
		dts_u32(d, "clock-frequency", DT_NS16550_CLOCK);
		dts_u32(d, "reg-io-width", 1);
		dts_u32(d, "reg-shift", 0);
		dts_close(d);
		break;
	case BH_DEV_CDNS_UART:
		node_clocked_uart(d, label, dev, "\"cdns,uart-r1p12\", \"xlnx,xuartps\"",
				  "uart_clk", "\"uart_clk\", \"pclk\"");
		break;
	case BH_DEV_VIRTIO_MMIO:
		node_virtio_mmio_device(g, d, v, i);
		break;
	case BH_DEV_CDNS_GEM:
		node_cdns_gem(g, d, v, i);
		break;
	default:
		/* plain MMIO pass-through: mapped, but no driver is implied */
		dts_line(d, "/* devices[%u] \"%s\": generic MMIO at 0x%llx, no node */", i,
			 dev->name ? dev->name : "?", (unsigned long long)dev->ipa);
		break;
	}
}

/* ------------------------------------------------------------ remote I/O */

static unsigned int nr_virtio(const struct bh_config *cfg)
{
	unsigned int n = 0;

	while (n < BH_MAX_VIRTIO && cfg->virtio[n].device_id)
		n++;
	return n;
}

static bool vm_is_backend(const struct bh_config *cfg, unsigned int v)
{
	unsigned int i;

	for (i = 0; i < nr_virtio(cfg); i++)
		if (cfg->virtio[i].backend == v)
			return true;
	return false;
}

/* The region of @vm mapping shmem @idx (cfg_check() made it unique). */
static const struct bh_mem_region *virtio_window(const struct bh_vm_config *vm, uint32_t idx)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++)
		if ((vm->mem[i].flags & BH_MEM_SHARED) && vm->mem[i].shmem == idx)
			return &vm->mem[i];
	return NULL;
}

/*
 * The first virtio[] entry of @v's frontend devices with @dev's window: the
 * window's memory node and pool are written once, under that entry's index,
 * and every device of the window names that pool (cfg_check() lets only
 * devices of one frontend and one backend share a window).
 */
static unsigned int virtio_pool_index(const struct bh_config *cfg, unsigned int dev)
{
	unsigned int i;

	for (i = 0; i < dev; i++)
		if (cfg->virtio[i].frontend == cfg->virtio[dev].frontend &&
		    cfg->virtio[i].shmem == cfg->virtio[dev].shmem)
			return i;
	return dev;
}

/*
 * Frontend: each window is RAM of the VM (in /memory: the restricted pool
 * must be in the linear map, so no no-map) reserved as a
 * "restricted-dma-pool" that the "virtio,mmio" node names in memory-region:
 * virtio_ring and virtio_console then allocate rings and bounce buffers
 * only there (kernel/dma/swiotlb.c; least privilege, docs/design.md §5).
 */
static void node_virtio_frontend(struct dtgen *g, struct dts *d, unsigned int v)
{
	const struct bh_config *cfg = g->cfg;
	const struct bh_vm_config *vm = &cfg->vms[v];
	unsigned int i, n = 0;

	for (i = 0; i < nr_virtio(cfg); i++) {
		const struct bh_mem_region *w;

		if (cfg->virtio[i].frontend != v)
			continue;
		w = virtio_window(vm, cfg->virtio[i].shmem);
		if (!w) {
			fail(g, "vm \"%s\": virtio[%u]: no shared window", vm->name, i);
			return;
		}
		n++;
		if (virtio_pool_index(cfg, i) != i)
			continue;
		dts_open(d, NULL, "memory", w->ipa, true);
		dts_str(g, d, "device_type", "memory");
		dts_reg(d, w->ipa, w->size);
		dts_close(d);
	}
	if (!n)
		return;
	for (i = 0; i < nr_virtio(cfg); i++) {
		const struct bh_virtio *dev = &cfg->virtio[i];

		if (dev->frontend != v)
			continue;
		dts_open(d, NULL, "virtio_mmio", dev->mmio_ipa, true);
		dts_str(g, d, "compatible", "virtio,mmio");
		dts_reg(d, dev->mmio_ipa, BH_RIO_MMIO_SIZE);
		dts_spi_edge(d, dev->intid);
		dts_line(d, "memory-region = <&virtio_pool%u>;", virtio_pool_index(cfg, i));
		/*
		 * No dma-coherent: the backend sees the window only as Device
		 * memory (uio maps are uncached), so the frontend must not
		 * cache it either.  Linux then maps the rings Normal
		 * Non-cacheable and cleans/invalidates the buffers it bounces
		 * through the pool (docs/protocol.md, memory types).
		 */
		dts_close(d);
	}
}

/*
 * Backend: one "generic-uio" node per served device, its maps in the order
 * of enum bh_rio_map (control region, doorbell, window), its interrupt
 * "requests pending"; linux,uio-name is how the device model finds it.
 */
static void node_virtio_backend(struct dtgen *g, struct dts *d, unsigned int v)
{
	const struct bh_config *cfg = g->cfg;
	unsigned int i;

	for (i = 0; i < nr_virtio(cfg); i++) {
		const struct bh_virtio *dev = &cfg->virtio[i];
		const struct bh_mem_region *w;

		if (dev->backend != v)
			continue;
		w = virtio_window(&cfg->vms[v], dev->shmem);
		if (!w) {
			fail(g, "vm \"%s\": virtio[%u]: no shared window", cfg->vms[v].name, i);
			return;
		}
		dts_open(d, NULL, "bulkhead-rio", dev->ctrl_ipa, true);
		dts_str(g, d, "compatible", "generic-uio");
		dts_str(g, d, "linux,uio-name", dev->name ? dev->name : "?");
		dts_line(d,
			 "reg = <0x%x 0x%x 0x0 0x%x>, <0x%x 0x%x 0x0 0x%x>, <0x%x 0x%x 0x%x 0x%x>;",
			 (uint32_t)(dev->ctrl_ipa >> 32), (uint32_t)dev->ctrl_ipa, BH_RIO_CTRL_SIZE,
			 (uint32_t)(dev->doorbell_ipa >> 32), (uint32_t)dev->doorbell_ipa,
			 BH_RIO_DOORBELL_SIZE, (uint32_t)(w->ipa >> 32), (uint32_t)w->ipa,
			 (uint32_t)(w->size >> 32), (uint32_t)w->size);
		dts_spi_edge(d, dev->backend_intid);
		dts_close(d);
	}
}

/* One pool; the first one opens /reserved-memory. */
static void dts_pool(struct dtgen *g, struct dts *d, bool *open, const char *label,
		     const struct bh_mem_region *m)
{
	if (!*open) {
		dts_open(d, NULL, "reserved-memory", 0, false);
		dts_u32(d, "#address-cells", 2);
		dts_u32(d, "#size-cells", 2);
		dts_line(d, "ranges;");
		*open = true;
	}
	dts_open(d, label, "restricted-dma", m->ipa, true);
	dts_str(g, d, "compatible", "restricted-dma-pool");
	dts_reg(d, m->ipa, m->size);
	dts_close(d);
}

/*
 * /reserved-memory: one "restricted-dma-pool" per frontend window of
 * remote I/O (virtio_poolN, N = the first virtio[] index with that window,
 * virtio_pool_index()) and per DMA-capable
 * device's pool (dev_poolN, N = the devices[] index).  Each is also RAM of
 * the VM (a memory node): the pool must be in the linear map.
 */
static void node_reserved(struct dtgen *g, struct dts *d, unsigned int v)
{
	const struct bh_config *cfg = g->cfg;
	const struct bh_vm_config *vm = &cfg->vms[v];
	bool open = false;
	unsigned int i;
	char label[24];

	for (i = 0; i < nr_virtio(cfg); i++) {
		const struct bh_mem_region *w = virtio_window(vm, cfg->virtio[i].shmem);

		if (cfg->virtio[i].frontend != v || !w || virtio_pool_index(cfg, i) != i)
			continue;
		snprintf(label, sizeof(label), "virtio_pool%u", i);
		dts_pool(g, d, &open, label, w);
	}
	for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++) {
		const struct bh_device *dev = &vm->devices[i];

		if (!(dev->flags & BH_DEV_DMA) || dev->dma_pool >= BH_MAX_MEM_REGIONS)
			continue;
		snprintf(label, sizeof(label), "dev_pool%u", i);
		dts_pool(g, d, &open, label, &vm->mem[dev->dma_pool]);
	}
	if (open)
		dts_close(d);
}

/* Remote I/O nodes of VM @v, both sides (docs/design.md §5, protocol.md). */
static void node_virtio(struct dtgen *g, struct dts *d, unsigned int v)
{
	node_virtio_frontend(g, d, v);
	node_virtio_backend(g, d, v);
}

/* Things Linux's boot protocol needs that the checker does not know. */
static void check_linux_vm(struct dtgen *g, unsigned int v)
{
	const struct bh_vm_config *vm = &g->cfg->vms[v];
	const struct bh_image *dtb = find_image(vm, BH_IMAGE_DTB);
	const struct bh_image *kernel = find_image(vm, BH_IMAGE_KERNEL);

	if (!dtb)
		return;
	if (vm->x0 != dtb->ipa)
		fail(g, "vm \"%s\": x0: 0x%llx is not the DTB's ipa 0x%llx", vm->name,
		     (unsigned long long)vm->x0, (unsigned long long)dtb->ipa);
	if ((dtb->ipa & (DTB_ALIGN - 1)) || dtb->size > DTB_MAX_SIZE)
		fail(g,
		     "vm \"%s\": images[%u] (dtb): must be 8-byte aligned and at most 2 MiB (Linux "
		     "booting.rst)",
		     vm->name, (unsigned int)(dtb - vm->images));
	if (!kernel) {
		fail(g, "vm \"%s\": images: a DTB but no kernel image", vm->name);
		return;
	}
	if (kernel->ipa & (ALIGN_2M - 1))
		fail(g,
		     "vm \"%s\": images[%u] (kernel): ipa 0x%llx not 2 MiB aligned (Linux "
		     "booting.rst)",
		     vm->name, (unsigned int)(kernel - vm->images),
		     (unsigned long long)kernel->ipa);
	if (vm->entry != kernel->ipa)
		fail(g, "vm \"%s\": entry: 0x%llx is not the kernel's ipa 0x%llx", vm->name,
		     (unsigned long long)vm->entry, (unsigned long long)kernel->ipa);
}

int dtgen_write_dts(struct dtgen *g, unsigned int v, FILE *out)
{
	const struct bh_vm_config *vm;
	struct dts d = { .f = out };
	int before = g->errors;
	unsigned int i;

	if (v >= cfg_nr_vms(g->cfg) || !dtgen_vm_has_dt(g->cfg, v)) {
		fail(g, "vm %u: has no DTB image", v);
		return -EINVAL;
	}
	vm = &g->cfg->vms[v];
	check_linux_vm(g, v);
	dts_line(&d, "/dts-v1/;");
	dts_line(&d, "/* vm \"%s\" of config \"%s\": generated by tools/dtgen, do not edit */",
		 vm->name, g->cfg->name ? g->cfg->name : "?");
	fputc('\n', out);
	dts_open(&d, NULL, "/", 0, false);
	dts_str(g, &d, "compatible", "linux,dummy-virt");
	dts_str(g, &d, "model", vm->name);
	dts_u32(&d, "#address-cells", 2);
	dts_u32(&d, "#size-cells", 2);
	dts_line(&d, "interrupt-parent = <&gic>;");
	node_aliases(g, &d, v);
	node_chosen(g, &d, v);
	node_memory(g, &d, v);
	node_cpus(g, &d, v);
	node_psci(g, &d);
	node_timer(g, &d);
	node_gic(g, &d, v);
	node_clock(g, &d, v);
	node_reserved(g, &d, v);
	for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++)
		node_device(g, &d, v, i);
	node_virtio(g, &d, v);
	node_watchdog(g, &d, v);
	node_ctl(g, &d, v);
	dts_close(&d);
	return g->errors > before ? -EINVAL : 0;
}

/* ------------------------------------------------------------ loaders */

struct load {
	uint64_t pa;
	uint64_t size;
	const struct dtgen_file *f;
};

static int load_cmp(const void *a, const void *b)
{
	const struct load *x = a, *y = b;

	/* fully ordered, so messages do not depend on qsort's whims */
	if (x->pa != y->pa)
		return x->pa < y->pa ? -1 : 1;
	if (x->f->vm != y->f->vm)
		return x->f->vm < y->f->vm ? -1 : 1;
	return x->f->image < y->f->image ? -1 : x->f->image > y->f->image;
}

static void load_what(const struct dtgen *g, const struct load *l, char *buf, size_t n)
{
	snprintf(buf, n, "vm \"%s\": images[%u] (%s)", g->cfg->vms[l->f->vm].name, l->f->image,
		 l->f->path);
}

/* Files must not land on the hypervisor or QEMU's DTB either. */
static void check_load_platform(struct dtgen *g, const struct load *l)
{
	char what[DTGEN_PATH_MAX + 80];

	load_what(g, l, what, sizeof(what));
	if (bh_plat_range_overlaps(&bh_platform.hyp, l->pa, l->size))
		fail(g, "%s: load_pa 0x%llx overlaps %s", what, (unsigned long long)l->pa,
		     bh_platform.hyp.what);
	if (bh_plat_range_overlaps(&bh_platform.firmware_dtb, l->pa, l->size))
		fail(g, "%s: load_pa 0x%llx overlaps %s", what, (unsigned long long)l->pa,
		     bh_platform.firmware_dtb.what);
}

int dtgen_write_loaders(struct dtgen *g, FILE *out)
{
	struct load loads[DTGEN_MAX_FILES] = { { 0 } };
	char a[DTGEN_PATH_MAX + 80], b[DTGEN_PATH_MAX + 80];
	const struct load *top = NULL;
	unsigned int i, n = 0, lines = 0;
	int before = g->errors;

	for (i = 0; i < g->nfiles; i++) {
		const struct dtgen_file *f = &g->files[i];

		loads[n].pa = g->cfg->vms[f->vm].images[f->image].load_pa;
		loads[n].size = f->size;
		loads[n++].f = f;
	}
	qsort(loads, n, sizeof(loads[0]), load_cmp);
	for (i = 0; i < n; i++) {
		const struct load *l = &loads[i];

		check_load_platform(g, l);
		if (top && l->pa == top->pa && !strcmp(l->f->path, top->f->path))
			continue; /* one pristine copy serves several VMs */
		/* sorted by address: only the file reaching furthest can collide */
		if (top && l->pa < top->pa + top->size) {
			load_what(g, l, a, sizeof(a));
			load_what(g, top, b, sizeof(b));
			fail(g, "%s: load_pa 0x%llx overlaps %s", a, (unsigned long long)l->pa, b);
			continue;
		}
		if (!top || l->pa + l->size > top->pa + top->size)
			top = l;
		fprintf(out, "0x%llx %s\n", (unsigned long long)loads[i].pa, loads[i].f->path);
		lines++;
	}
	return g->errors > before ? -EINVAL : (int)lines;
}

int dtgen_write_passthrough(struct dtgen *g, FILE *out, uint32_t kind)
{
	unsigned int v, i;
	int n = 0;

	for (v = 0; v < cfg_nr_vms(g->cfg); v++) {
		const struct bh_vm_config *vm = &g->cfg->vms[v];

		for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++) {
			const struct bh_device *dev = &vm->devices[i];

			if (dev->kind != kind)
				continue;
			fprintf(out, "%s %s 0x%llx %u\n", vm->name, dev->name ? dev->name : "-",
				(unsigned long long)(dev->pa + dev->mmio_offset), dev->intid);
			n++;
		}
	}
	return n;
}
