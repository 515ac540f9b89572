// SPDX-License-Identifier: MIT
/*
 * The cross-VM access matrix: what one VM must not reach, derived from the
 * configuration alone (docs/isolation.md).  A VM reaches only what its
 * stage 2 maps and what the hypervisor emulates for it; everything else a
 * configuration names - another VM's memory, devices and windows, the
 * hypervisor's memory, the platform's control devices - must stop it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bulkhead/ctl.h>
#include <bulkhead/rio.h>
#include "check.h"
#include <bulkhead/platform.h>
#include "matrix.h"

/* + vGICD, vGICR, two watchdog frames, the management page */
#define MAX_OWN (BH_MAX_MEM_REGIONS + BH_MAX_DEVICES + 2 * BH_MAX_VIRTIO + 5)

/* A window the probing VM reaches legitimately. */
struct own {
	uint64_t base;
	uint64_t size;
	char what[40];
};

struct ctx {
	const struct bh_config *cfg;
	unsigned int vm;
	struct own own[MAX_OWN];
	unsigned int nr_own;
	struct am_list *list;
};

static uint64_t gicd_ipa(const struct bh_vm_config *vm)
{
	return vm->gicd_ipa ? vm->gicd_ipa : BH_GICD_IPA_DEFAULT;
}

static uint64_t gicr_ipa(const struct bh_vm_config *vm)
{
	return vm->gicr_ipa ? vm->gicr_ipa : BH_GICR_IPA_DEFAULT;
}

static uint64_t region_pa(const struct bh_config *cfg, const struct bh_mem_region *m)
{
	if (m->flags & BH_MEM_SHARED)
		return cfg->shmem[m->shmem].pa;
	return (m->flags & BH_MEM_FIXED_PA) ? m->pa : m->ipa;
}

static void own_add(struct ctx *c, uint64_t base, uint64_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void own_add(struct ctx *c, uint64_t base, uint64_t size, const char *fmt, ...)
{
	struct own *o = &c->own[c->nr_own++];
	va_list ap;

	o->base = base;
	o->size = size;
	va_start(ap, fmt);
	vsnprintf(o->what, sizeof(o->what), fmt, ap);
	va_end(ap);
}

/*
 * What the probing VM's accesses reach without a fault: its stage-2 map
 * (memory, devices, a backend's control regions) and the windows the
 * hypervisor emulates for it (vGICD, its vCPUs' GICR frames, a frontend's
 * virtio-mmio window, a backend's doorbell page, its watchdog's frames, its
 * management page).
 */
static void own_collect(struct ctx *c)
{
	const struct bh_vm_config *vm = &c->cfg->vms[c->vm];
	uint64_t cpu_base, cpu_size;
	const char *cpu_if;
	unsigned int i;

	for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++)
		own_add(c, vm->mem[i].ipa, vm->mem[i].size, "its mem[%u]", i);
	for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++)
		own_add(c, vm->devices[i].ipa, vm->devices[i].size, "its devices[%u]", i);
	own_add(c, gicd_ipa(vm), BH_GICD_SIZE, "its vGICD");
	/* its GICR frames (GICv3) or its GICC, the GICV frame (GICv2 platform) */
	cpu_if = cfg_gic_cpu_window(vm, &cpu_base, &cpu_size);
	own_add(c, cpu_base, cpu_size, strcmp(cpu_if, "gicc") ? "its vGICR" : "its GICC");
	for (i = 0; i < BH_MAX_VIRTIO && c->cfg->virtio[i].device_id; i++) {
		const struct bh_virtio *v = &c->cfg->virtio[i];

		if (v->frontend == c->vm)
			own_add(c, v->mmio_ipa, BH_RIO_MMIO_SIZE, "its virtio[%u] window", i);
		if (v->backend != c->vm)
			continue;
		own_add(c, v->ctrl_ipa, BH_RIO_CTRL_SIZE, "its virtio[%u] control region", i);
		own_add(c, v->doorbell_ipa, BH_RIO_DOORBELL_SIZE, "its virtio[%u] doorbell", i);
	}
	if (vm->watchdog.control_ipa) {
		own_add(c, vm->watchdog.control_ipa, BH_WDT_FRAME_SIZE,
			"its watchdog control frame");
		own_add(c, vm->watchdog.refresh_ipa, BH_WDT_FRAME_SIZE,
			"its watchdog refresh frame");
	}
	if (vm->ctl.ipa)
		own_add(c, vm->ctl.ipa, BH_CTL_SIZE, "its management page");
}

static const struct own *own_find(const struct ctx *c, uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < c->nr_own; i++)
		if (addr >= c->own[i].base && addr - c->own[i].base < c->own[i].size)
			return &c->own[i];
	return NULL;
}

static struct am_probe *probe_find(struct am_list *l, uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (l->p[i].addr == addr)
			return &l->p[i];
	return NULL;
}

static void probe_add(struct ctx *c, const char *kind, uint64_t addr, const char *what,
		      const char *end, const struct own *own)
{
	struct am_list *l = c->list;
	struct am_probe *p;

	p = probe_find(l, addr);
	if (p) {
		/* one attempt per address: it also stands for this target */
		snprintf(p->also + strlen(p->also), sizeof(p->also) - strlen(p->also), "%s%s%s",
			 p->also[0] ? "; " : "", what, end);
		return;
	}
	if (l->n == AM_MAX_PROBES) {
		l->dropped++;
		return;
	}
	p = &l->p[l->n++];
	p->kind = kind;
	p->addr = addr;
	snprintf(p->what, sizeof(p->what), "%s%s", what, end);
	snprintf(p->own, sizeof(p->own), "%s", own ? own->what : "");
}

/* The first word of [base, end) outside the VM's own windows, or end. */
static uint64_t first_free(const struct ctx *c, uint64_t base, uint64_t end)
{
	const struct own *o;
	uint64_t a = base;

	while (a < end && (o = own_find(c, a)))
		a = o->base + o->size;
	return a;
}

/* The last word of [base, end) outside the VM's own windows, or end. */
static uint64_t last_free(const struct ctx *c, uint64_t base, uint64_t end)
{
	const struct own *o;
	uint64_t a = end - AM_PROBE_SIZE;

	while ((o = own_find(c, a))) {
		if (o->base < base + AM_PROBE_SIZE)
			return end;
		a = o->base - AM_PROBE_SIZE;
	}
	return a;
}

/*
 * A range the VM must not reach: probed at its first and its last word the
 * VM's own windows leave free.  A range they cover entirely is listed with
 * the window that covers it and not attempted.
 */
static void target(struct ctx *c, const char *kind, uint64_t base, uint64_t size, const char *fmt,
		   ...) __attribute__((format(printf, 5, 6)));

static void target(struct ctx *c, const char *kind, uint64_t base, uint64_t size, const char *fmt,
		   ...)
{
	uint64_t end = base + size, first, last;
	char what[AM_WHAT_MAX - 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	first = first_free(c, base, end);
	if (first >= end) {
		probe_add(c, kind, base, what, "", own_find(c, base));
		return;
	}
	probe_add(c, kind, first, what, first == base ? ", first word" : ", first free word", NULL);
	last = last_free(c, base, end);
	if (last != end && last / BH_PAGE_SIZE != first / BH_PAGE_SIZE)
		probe_add(c, kind, last, what,
			  last == end - AM_PROBE_SIZE ? ", last word" : ", last free word", NULL);
}

/* Another VM's RAM and devices, at its IPAs and at their PAs. */
static void targets_vm(struct ctx *c, unsigned int q)
{
	const struct bh_vm_config *vm = &c->cfg->vms[q];
	unsigned int i;

	for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++) {
		const struct bh_mem_region *m = &vm->mem[i];

		if (m->flags & BH_MEM_SHARED)
			continue; /* targets_shmem() */
		target(c, "ram", m->ipa, m->size, "vm \"%s\" mem[%u] at its IPA", vm->name, i);
		target(c, "ram", region_pa(c->cfg, m), m->size, "vm \"%s\" mem[%u] at its PA",
		       vm->name, i);
	}
	for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++) {
		const struct bh_device *d = &vm->devices[i];

		target(c, "device", d->ipa, d->size, "vm \"%s\" devices[%u] %s at its IPA",
		       vm->name, i, d->name);
		target(c, "device", d->pa, d->size, "vm \"%s\" devices[%u] %s at its PA", vm->name,
		       i, d->name);
	}
}

static bool maps_shmem(const struct bh_vm_config *vm, unsigned int s, uint64_t *ipa)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++)
		if ((vm->mem[i].flags & BH_MEM_SHARED) && vm->mem[i].shmem == s) {
			*ipa = vm->mem[i].ipa;
			return true;
		}
	return false;
}

/* Shared windows the VM does not map: at their PA and at every owner's IPA. */
static void targets_shmem(struct ctx *c)
{
	const struct bh_config *cfg = c->cfg;
	unsigned int s, q;
	uint64_t ipa;

	for (s = 0; s < BH_MAX_SHMEM && cfg->shmem[s].size; s++) {
		const struct bh_shmem *sh = &cfg->shmem[s];

		if (maps_shmem(&cfg->vms[c->vm], s, &ipa))
			continue;
		target(c, "shmem", sh->pa, sh->size, "shmem[%u] %s at its PA", s, sh->name);
		for (q = 0; q < cfg_nr_vms(cfg); q++)
			if (maps_shmem(&cfg->vms[q], s, &ipa))
				target(c, "shmem", ipa, sh->size, "shmem[%u] %s at vm \"%s\"'s IPA",
				       s, sh->name, cfg->vms[q].name);
	}
}

/*
 * Remote I/O (docs/protocol.md): another frontend's virtio-mmio window,
 * and the control region and doorbell of every device this VM is not the
 * backend of.  The control regions' PAs lie in the hypervisor's memory
 * (targets_hyp()).
 */
static void targets_rio(struct ctx *c)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_VIRTIO && c->cfg->virtio[i].device_id; i++) {
		const struct bh_virtio *v = &c->cfg->virtio[i];

		if (v->frontend != c->vm)
			target(c, "virtio-mmio", v->mmio_ipa, BH_RIO_MMIO_SIZE,
			       "virtio[%u] %s window of vm \"%s\"", i, v->name,
			       c->cfg->vms[v->frontend].name);
		if (v->backend == c->vm)
			continue;
		target(c, "rio-ctrl", v->ctrl_ipa, BH_RIO_CTRL_SIZE,
		       "virtio[%u] %s control region at vm \"%s\"'s IPA", i, v->name,
		       c->cfg->vms[v->backend].name);
		target(c, "rio-doorbell", v->doorbell_ipa, BH_RIO_DOORBELL_SIZE,
		       "virtio[%u] %s doorbell at vm \"%s\"'s IPA", i, v->name,
		       c->cfg->vms[v->backend].name);
	}
}

/*
 * The physical GIC (struct bh_platform; on QEMU virt it is where a VM's
 * default vGIC is): the distributor, and on GICv3 the redistributor frames
 * of every CPU of the system - those of CPUs the VM does not own, and those
 * of its own, which it reaches only through its vGICR - then the frame just
 * past its own vCPUs' in its vGICR, where a guest looking for more CPUs
 * reads; on GICv2 the physical CPU interface and the virtual interface
 * control, which only the hypervisor programs.
 */
static void targets_gic(struct ctx *c)
{
	const struct bh_plat_gic *gic = &bh_platform.gic;
	const struct bh_vm_config *vm = &c->cfg->vms[c->vm];
	uint64_t used = 0;
	unsigned int q, cpu;

	target(c, "gicd", gic->gicd, BH_GICD_SIZE, "the GIC distributor");
	if (gic->version == 2) {
		target(c, "gicc", gic->gicc, BH_GICC_SIZE, "the physical GIC CPU interface");
		target(c, "gich", gic->gich, BH_PAGE_SIZE, "the GIC virtual interface control");
		return;
	}
	for (q = 0; q < cfg_nr_vms(c->cfg); q++)
		used |= c->cfg->vms[q].cpus;
	for (cpu = 0; cpu < BH_MAX_CPUS; cpu++) {
		if (!(used & (1ull << cpu)))
			continue;
		if (vm->cpus & (1ull << cpu))
			target(c, "gicr", gic->gicr + cpu * BH_GICR_STRIDE, BH_GICR_STRIDE,
			       "GICR frames of CPU %u, its own pCPU", cpu);
		else
			target(c, "gicr", gic->gicr + cpu * BH_GICR_STRIDE, BH_GICR_STRIDE,
			       "GICR frames of CPU %u", cpu);
	}
	target(c, "gicr", gicr_ipa(vm) + cfg_nr_vcpus(vm) * BH_GICR_STRIDE, BH_GICR_STRIDE,
	       "GICR frames after its own vCPUs'");
}

/* Copied images keep their pristine source outside every VM (struct bh_image). */
static bool image_in_place(const struct bh_vm_config *vm, const struct bh_config *cfg,
			   const struct bh_image *img)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++) {
		const struct bh_mem_region *m = &vm->mem[i];

		if (img->ipa >= m->ipa && img->ipa - m->ipa < m->size)
			return region_pa(cfg, m) + (img->ipa - m->ipa) == img->load_pa;
	}
	return false;
}

/*
 * Memory and devices only the hypervisor uses (tools/cfgcheck's reserved
 * ranges): its image, stacks, tables and the remote-I/O control regions,
 * QEMU's DTB, the physical GIC's ITS, the PCIe ECAM (which moves the PCI
 * UARTs' I/O pages), the PCI windows, the devices of the machine no VM is
 * given (fw_cfg's DMA could write any PA), and every pristine image copy a
 * VM's SYSTEM_RESET reloads from.
 */
static void targets_hyp(struct ctx *c)
{
	const struct bh_config *cfg = c->cfg;
	unsigned int q, i;

	target(c, "hyp", bh_platform.hyp.base, bh_platform.hyp.size, "%s", bh_platform.hyp.what);
	target(c, "qemu-dtb", bh_platform.firmware_dtb.base, bh_platform.firmware_dtb.size, "%s",
	       bh_platform.firmware_dtb.what);
	for (i = 0; i < BH_PLAT_MAX_MMIO && bh_platform.mmio[i].size; i++)
		target(c, "platform", bh_platform.mmio[i].base, bh_platform.mmio[i].size, "%s",
		       bh_platform.mmio[i].what);
	for (q = 0; q < cfg_nr_vms(cfg); q++) {
		const struct bh_vm_config *vm = &cfg->vms[q];

		for (i = 0; i < BH_MAX_IMAGES && vm->images[i].size; i++)
			if (!image_in_place(vm, cfg, &vm->images[i]))
				target(c, "image", vm->images[i].load_pa, vm->images[i].size,
				       "vm \"%s\" images[%u] pristine copy", vm->name, i);
	}
}

/*
 * The word on either side of each of the VM's own windows, where a mapping
 * or an emulated window one page (or one block) too large would show.
 */
static void targets_edges(struct ctx *c)
{
	unsigned int i;

	for (i = 0; i < c->nr_own; i++) {
		const struct own *o = &c->own[i];
		char what[AM_WHAT_MAX - 16];
		uint64_t end = o->base + o->size;

		snprintf(what, sizeof(what), "just before %s", o->what);
		if (o->base >= AM_PROBE_SIZE && !own_find(c, o->base - AM_PROBE_SIZE))
			probe_add(c, "edge", o->base - AM_PROBE_SIZE, what, "", NULL);
		snprintf(what, sizeof(what), "just past %s", o->what);
		if (end < CFG_IPA_LIMIT && !own_find(c, end))
			probe_add(c, "edge", end, what, "", NULL);
	}
}

int am_build(const struct bh_config *cfg, unsigned int vm, struct am_list *list)
{
	static struct ctx c;
	unsigned int q;

	if (vm >= cfg_nr_vms(cfg))
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	memset(list, 0, sizeof(*list));
	c.cfg = cfg;
	c.vm = vm;
	c.list = list;
	own_collect(&c);
	for (q = 0; q < cfg_nr_vms(cfg); q++)
		if (q != vm)
			targets_vm(&c, q);
	targets_shmem(&c);
	targets_rio(&c);
	targets_gic(&c);
	targets_hyp(&c);
	targets_edges(&c);
	return list->dropped ? -ENOSPC : 0;
}
