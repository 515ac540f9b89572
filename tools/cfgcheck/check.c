// SPDX-License-Identifier: MIT
/* Configuration checks; see check.h and docs/config.md. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <bulkhead/ctl.h>
#include <bulkhead/rio.h>
#include "check.h"
#include <plat_desc.h>

#define PAGE	   BH_PAGE_SIZE
#define MSG_MAX	   320
#define MAX_RANGES (BH_MAX_VMS * (BH_MAX_MEM_REGIONS + BH_MAX_DEVICES) + BH_MAX_SHMEM + 4)

struct checker {
	const struct bh_config *cfg;
	const struct bh_platform *board;
	cfg_report_fn report;
	void *ctx;
	int errors;
};

/* A physical range with the name of its owner, for overlap messages. */
struct range {
	uint64_t base;
	uint64_t size;
	char what[96];
};

static void fail(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct checker *c, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->errors++;
	c->report(c->ctx, msg);
}

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

static bool is_aligned(uint64_t v)
{
	return !(v & (PAGE - 1));
}

static const char *vm_name(const struct bh_vm_config *vm)
{
	return vm->name ? vm->name : "?";
}

unsigned int cfg_nr_vms(const struct bh_config *cfg)
{
	unsigned int n = 0;

	while (n < BH_MAX_VMS && cfg->vms[n].name)
		n++;
	return n;
}

unsigned int cfg_nr_vcpus(const struct bh_vm_config *vm)
{
	return (unsigned int)__builtin_popcountll(vm->cpus);
}

static uint64_t region_pa(const struct bh_config *cfg, const struct bh_mem_region *m)
{
	if (m->flags & BH_MEM_SHARED)
		return m->shmem < BH_MAX_SHMEM ? cfg->shmem[m->shmem].pa : 0;
	if (m->flags & BH_MEM_FIXED_PA)
		return m->pa;
	return m->ipa;
}

/* Check that [base, base+size) is page aligned and inside @limit. */
static void check_window(struct checker *c, const char *vm, const char *field, uint64_t base,
			 uint64_t size, uint64_t limit, const char *kind)
{
	if (!size)
		return;
	if (!is_aligned(base) || !is_aligned(size))
		fail(c, "vm \"%s\": %s: %s 0x%llx size 0x%llx not 4 KiB aligned", vm, field, kind,
		     (unsigned long long)base, (unsigned long long)size);
	if (base + size < base || base + size > limit)
		fail(c, "vm \"%s\": %s: %s 0x%llx size 0x%llx beyond 0x%llx", vm, field, kind,
		     (unsigned long long)base, (unsigned long long)size, (unsigned long long)limit);
}

static void check_cpus(struct checker *c)
{
	const struct bh_config *cfg = c->cfg;
	unsigned int i, j, cpu;

	for (i = 0; i < cfg_nr_vms(cfg); i++) {
		const struct bh_vm_config *vm = &cfg->vms[i];

		if (!vm->cpus)
			fail(c, "vm \"%s\": cpus: no CPU given", vm_name(vm));
		if (vm->cpus >> CFG_MAX_CPUS)
			fail(c, "vm \"%s\": cpus: 0x%llx names a CPU >= %u", vm_name(vm),
			     (unsigned long long)vm->cpus, CFG_MAX_CPUS);
		for (j = 0; j < i; j++) {
			uint64_t both = vm->cpus & cfg->vms[j].cpus;

			for (cpu = 0; cpu < 64; cpu++)
				if (both & (1ull << cpu))
					fail(c,
					     "vm \"%s\": cpus: CPU %u is already given to vm "
					     "\"%s\"",
					     vm_name(vm), cpu, vm_name(&cfg->vms[j]));
		}
		for (j = 0; j < i; j++)
			if (vm->name && cfg->vms[j].name && !strcmp(vm->name, cfg->vms[j].name))
				fail(c, "vm \"%s\": name: used twice", vm_name(vm));
	}
}

const char *cfg_gic_cpu_window(const struct bh_vm_config *vm, uint64_t *base, uint64_t *size)
{
#if PLAT_GIC_VERSION == 2
	(void)vm;
	*base = BH_GICC_IPA_DEFAULT;
	*size = BH_GICC_SIZE;
	return "gicc";
#else
	*base = vm->gicr_ipa ? vm->gicr_ipa : BH_GICR_IPA_DEFAULT;
	*size = BH_GICR_STRIDE * (cfg_nr_vcpus(vm) ? cfg_nr_vcpus(vm) : 1);
	return "gicr_ipa";
#endif
}

/* IPA windows of one VM must not overlap each other or its vGIC. */
static void check_ipa_layout(struct checker *c, const struct bh_vm_config *vm)
{
	struct range r[BH_MAX_MEM_REGIONS + BH_MAX_DEVICES + 2];
	uint64_t gicd = vm->gicd_ipa ? vm->gicd_ipa : BH_GICD_IPA_DEFAULT;
	unsigned int n = 0, i, j;
	const char *cpu_if;

	for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++, n++) {
		r[n].base = vm->mem[i].ipa;
		r[n].size = vm->mem[i].size;
		snprintf(r[n].what, sizeof(r[n].what), "mem[%u]", i);
	}
	for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++, n++) {
		r[n].base = vm->devices[i].ipa;
		r[n].size = vm->devices[i].size;
		snprintf(r[n].what, sizeof(r[n].what), "devices[%u]", i);
	}
	r[n].base = gicd;
	r[n].size = BH_GICD_SIZE;
	snprintf(r[n++].what, sizeof(r[0].what), "gicd_ipa");
	cpu_if = cfg_gic_cpu_window(vm, &r[n].base, &r[n].size);
	snprintf(r[n++].what, sizeof(r[0].what), "%s", cpu_if);
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (overlaps(r[i].base, r[i].size, r[j].base, r[j].size))
				fail(c, "vm \"%s\": %s: IPA 0x%llx size 0x%llx overlaps %s",
				     vm_name(vm), r[i].what, (unsigned long long)r[i].base,
				     (unsigned long long)r[i].size, r[j].what);
}

static void check_mem(struct checker *c, const struct bh_vm_config *vm)
{
	const struct bh_config *cfg = c->cfg;
	unsigned int i;
	char field[32];

	for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++) {
		const struct bh_mem_region *m = &vm->mem[i];

		snprintf(field, sizeof(field), "mem[%u]", i);
		check_window(c, vm_name(vm), field, m->ipa, m->size, CFG_IPA_LIMIT, "ipa");
		if (m->flags & BH_MEM_FIXED_PA)
			check_window(c, vm_name(vm), field, m->pa, m->size, CFG_PA_LIMIT, "pa");
		if (!(m->flags & BH_MEM_RWX))
			fail(c, "vm \"%s\": %s: flags give no access", vm_name(vm), field);
		if (!(m->flags & BH_MEM_SHARED))
			continue;
		if ((m->flags & BH_MEM_FIXED_PA))
			fail(c, "vm \"%s\": %s: flags: SHARED and FIXED_PA together", vm_name(vm),
			     field);
		if (m->shmem >= BH_MAX_SHMEM || !cfg->shmem[m->shmem].size)
			fail(c, "vm \"%s\": %s: shmem %u does not exist", vm_name(vm), field,
			     m->shmem);
		else if (m->size > cfg->shmem[m->shmem].size)
			fail(c, "vm \"%s\": %s: size 0x%llx larger than shmem %u (0x%llx)",
			     vm_name(vm), field, (unsigned long long)m->size, m->shmem,
			     (unsigned long long)cfg->shmem[m->shmem].size);
	}
	if (!vm->mem[0].size)
		fail(c, "vm \"%s\": mem: no memory region", vm_name(vm));
}

/* QEMU's own virtio-mmio transport: where its registers are, its interrupt, DMA. */
static void check_virtio_mmio_device(struct checker *c, const struct bh_vm_config *vm,
				     unsigned int i)
{
	const struct bh_device *d = &vm->devices[i];

	if (d->mmio_offset % CFG_VIRTIO_MMIO_SIZE || d->mmio_offset >= d->size ||
	    d->size - d->mmio_offset < CFG_VIRTIO_MMIO_SIZE)
		fail(c,
		     "vm \"%s\": devices[%u].mmio_offset: 0x%x is not a 0x%x-aligned transport "
		     "inside the window",
		     vm_name(vm), i, d->mmio_offset, CFG_VIRTIO_MMIO_SIZE);
	if (!d->intid)
		fail(c, "vm \"%s\": devices[%u].intid: a virtio-mmio device needs its interrupt",
		     vm_name(vm), i);
	if (!(d->flags & BH_DEV_DMA))
		fail(c,
		     "vm \"%s\": devices[%u].flags: a virtio-mmio device does DMA: BH_DEV_DMA "
		     "missing",
		     vm_name(vm), i);
}

/*
 * A bus master with no IOMMU in front of it reaches all physical memory:
 * only a VM trusted with memory isolation may own it, and its buffers must
 * be in an identity-mapped pool of that VM, where the addresses its driver
 * programs are the physical addresses the device uses (docs/config.md,
 * "DMA-capable devices").
 */
static void check_dma_device(struct checker *c, const struct bh_vm_config *vm, unsigned int i)
{
	const struct bh_device *d = &vm->devices[i];
	const struct bh_mem_region *m;
	uint64_t pa;

	if (!(vm->flags & BH_VM_DMA_TRUSTED))
		fail(c,
		     "vm \"%s\": devices[%u].flags: BH_DEV_DMA with no IOMMU reaches all memory: "
		     "the VM must be marked trusted (flags: BH_VM_DMA_TRUSTED)",
		     vm_name(vm), i);
	if (d->dma_pool >= BH_MAX_MEM_REGIONS || !vm->mem[d->dma_pool].size) {
		fail(c, "vm \"%s\": devices[%u].dma_pool: mem[%u] does not exist", vm_name(vm), i,
		     d->dma_pool);
		return;
	}
	m = &vm->mem[d->dma_pool];
	pa = region_pa(c->cfg, m);
	if (m->flags & BH_MEM_SHARED)
		fail(c,
		     "vm \"%s\": devices[%u].dma_pool: mem[%u] is shared memory; a DMA pool is "
		     "the VM's own",
		     vm_name(vm), i, d->dma_pool);
	else if (pa != m->ipa)
		fail(c,
		     "vm \"%s\": devices[%u].dma_pool: mem[%u] maps IPA 0x%llx to PA 0x%llx; a "
		     "DMA pool must be identity-mapped",
		     vm_name(vm), i, d->dma_pool, (unsigned long long)m->ipa,
		     (unsigned long long)pa);
	else if (pa < c->board->ram[0].base || m->size > c->board->ram_min ||
		 pa - c->board->ram[0].base > c->board->ram_min - m->size)
		fail(c,
		     "vm \"%s\": devices[%u].dma_pool: mem[%u] PA 0x%llx size 0x%llx is not in "
		     "RAM (0x%llx, 0x%llx bytes)",
		     vm_name(vm), i, d->dma_pool, (unsigned long long)pa,
		     (unsigned long long)m->size, (unsigned long long)c->board->ram[0].base,
		     (unsigned long long)c->board->ram_min);
	/* the device writes it: it must never hold code */
	if ((m->flags & BH_MEM_RWX) != BH_MEM_RW)
		fail(c,
		     "vm \"%s\": devices[%u].dma_pool: mem[%u] must be read/write, not executable",
		     vm_name(vm), i, d->dma_pool);
}

static void check_devices(struct checker *c, const struct bh_vm_config *vm)
{
	unsigned int i, j;
	char field[32];

	for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++) {
		const struct bh_device *d = &vm->devices[i];
		bool listed = false;

		snprintf(field, sizeof(field), "devices[%u]", i);
		check_window(c, vm_name(vm), field, d->ipa, d->size, CFG_IPA_LIMIT, "ipa");
		check_window(c, vm_name(vm), field, d->pa, d->size, CFG_PA_LIMIT, "pa");
		if (d->kind == BH_DEV_NONE || d->kind > BH_DEV_CDNS_GEM)
			fail(c, "vm \"%s\": %s: kind %u unknown", vm_name(vm), field, d->kind);
		if (d->flags & ~BH_DEV_DMA)
			fail(c, "vm \"%s\": %s.flags: 0x%x has unknown bits", vm_name(vm), field,
			     d->flags);
		if (d->kind == BH_DEV_VIRTIO_MMIO)
			check_virtio_mmio_device(c, vm, i);
		if (d->kind == BH_DEV_CDNS_GEM && !(d->flags & BH_DEV_DMA))
			fail(c,
			     "vm \"%s\": %s.flags: a Cadence GEM does DMA: BH_DEV_DMA and a "
			     "dma_pool",
			     vm_name(vm), field);
		if (d->flags & BH_DEV_DMA)
			check_dma_device(c, vm, i);
		if (!d->intid)
			continue;
		for (j = 0; j < BH_MAX_IRQS && vm->irqs[j]; j++)
			listed |= vm->irqs[j] == d->intid;
		if (!listed)
			fail(c, "vm \"%s\": %s: intid %u missing from irqs", vm_name(vm), field,
			     d->intid);
	}
}

/* Is [ipa, ipa+size) inside one memory region?  Returns it or NULL. */
static const struct bh_mem_region *find_region(const struct bh_vm_config *vm, uint64_t ipa,
					       uint64_t size)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++) {
		const struct bh_mem_region *m = &vm->mem[i];

		if (ipa >= m->ipa && size <= m->size && ipa - m->ipa <= m->size - size)
			return m;
	}
	return NULL;
}

static void check_images(struct checker *c, const struct bh_vm_config *vm)
{
	const struct bh_mem_region *m;
	unsigned int i;

	for (i = 0; i < BH_MAX_IMAGES && vm->images[i].size; i++) {
		const struct bh_image *img = &vm->images[i];

		if (img->kind == BH_IMAGE_NONE || img->kind > BH_IMAGE_RAW)
			fail(c, "vm \"%s\": images[%u]: kind %u unknown", vm_name(vm), i,
			     img->kind);
		m = find_region(vm, img->ipa, img->size);
		if (!m)
			fail(c,
			     "vm \"%s\": images[%u]: ipa 0x%llx size 0x%llx outside its memory "
			     "regions",
			     vm_name(vm), i, (unsigned long long)img->ipa,
			     (unsigned long long)img->size);
	}
	m = find_region(vm, vm->entry, 4);
	if (!m)
		fail(c, "vm \"%s\": entry: 0x%llx outside its memory regions", vm_name(vm),
		     (unsigned long long)vm->entry);
	else if (!(m->flags & BH_MEM_EXEC))
		fail(c, "vm \"%s\": entry: 0x%llx in a region without BH_MEM_EXEC", vm_name(vm),
		     (unsigned long long)vm->entry);
	if (vm->entry & 3)
		fail(c, "vm \"%s\": entry: 0x%llx not 4-byte aligned", vm_name(vm),
		     (unsigned long long)vm->entry);
}

static void check_irqs(struct checker *c)
{
	const struct bh_config *cfg = c->cfg;
	unsigned int v, i, w, j;

	for (v = 0; v < cfg_nr_vms(cfg); v++) {
		const struct bh_vm_config *vm = &cfg->vms[v];

		for (i = 0; i < BH_MAX_IRQS && vm->irqs[i]; i++) {
			uint32_t irq = vm->irqs[i];

			if (irq < CFG_SPI_FIRST || irq > CFG_SPI_LAST)
				fail(c, "vm \"%s\": irqs[%u]: %u is not an SPI (32..1019)",
				     vm_name(vm), i, irq);
			for (w = 0; w <= v; w++) {
				const struct bh_vm_config *o = &cfg->vms[w];
				unsigned int end = w == v ? i : BH_MAX_IRQS;

				for (j = 0; j < end && o->irqs[j]; j++)
					if (o->irqs[j] == irq)
						fail(c,
						     "vm \"%s\": irqs[%u]: INTID %u is already "
						     "given to vm \"%s\"",
						     vm_name(vm), i, irq, vm_name(o));
			}
		}
	}
}

static void add_range(struct range *r, unsigned int *n, uint64_t base, uint64_t size,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add_range(struct range *r, unsigned int *n, uint64_t base, uint64_t size,
		      const char *fmt, ...)
{
	va_list ap;

	if (*n >= MAX_RANGES)
		return;
	r[*n].base = base;
	r[*n].size = size;
	va_start(ap, fmt);
	vsnprintf(r[*n].what, sizeof(r[*n].what), fmt, ap);
	va_end(ap);
	(*n)++;
}

/* Physical memory: nothing is shared unless it is a bh_shmem. */
static void check_pa_overlaps(struct checker *c)
{
	const struct bh_config *cfg = c->cfg;
	static struct range r[MAX_RANGES];
	unsigned int n = 0, v, i, j;

	add_range(r, &n, c->board->hyp.base, c->board->hyp.size, "%s", c->board->hyp.what);
	add_range(r, &n, c->board->firmware_dtb.base, c->board->firmware_dtb.size, "%s",
		  c->board->firmware_dtb.what);
	add_range(r, &n, c->board->gic.window.base, c->board->gic.window.size, "%s",
		  c->board->gic.window.what);
	if (c->board->pci.ecam_size)
		add_range(r, &n, c->board->pci.ecam, c->board->pci.ecam_size, "the PCIe ECAM");
	for (i = 0; i < BH_MAX_SHMEM && cfg->shmem[i].size; i++) {
		check_window(c, "-", "shmem", cfg->shmem[i].pa, cfg->shmem[i].size, CFG_PA_LIMIT,
			     "pa");
		add_range(r, &n, cfg->shmem[i].pa, cfg->shmem[i].size, "shmem[%u]", i);
	}
	for (v = 0; v < cfg_nr_vms(cfg); v++) {
		const struct bh_vm_config *vm = &cfg->vms[v];

		for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++)
			if (!(vm->mem[i].flags & BH_MEM_SHARED))
				add_range(r, &n, region_pa(cfg, &vm->mem[i]), vm->mem[i].size,
					  "vm \"%s\": mem[%u]", vm_name(vm), i);
		for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++)
			add_range(r, &n, vm->devices[i].pa, vm->devices[i].size,
				  "vm \"%s\": devices[%u]", vm_name(vm), i);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (overlaps(r[i].base, r[i].size, r[j].base, r[j].size))
				fail(c, "%s: PA 0x%llx size 0x%llx overlaps %s", r[i].what,
				     (unsigned long long)r[i].base, (unsigned long long)r[i].size,
				     r[j].what);
}

/* Pristine image copies must survive: outside every VM's memory. */
static void check_image_sources(struct checker *c)
{
	const struct bh_config *cfg = c->cfg;
	unsigned int v, i, w, j;

	for (v = 0; v < cfg_nr_vms(cfg); v++) {
		const struct bh_vm_config *vm = &cfg->vms[v];

		for (i = 0; i < BH_MAX_IMAGES && vm->images[i].size; i++) {
			const struct bh_image *img = &vm->images[i];
			const struct bh_mem_region *m = find_region(vm, img->ipa, img->size);

			if (!m || region_pa(cfg, m) + (img->ipa - m->ipa) == img->load_pa)
				continue; /* in place, or reported */
			if (bh_plat_range_overlaps(&c->board->hyp, img->load_pa, img->size) ||
			    bh_plat_range_overlaps(&c->board->firmware_dtb, img->load_pa,
						   img->size))
				fail(c,
				     "vm \"%s\": images[%u]: load_pa 0x%llx size 0x%llx overlaps "
				     "the hypervisor or QEMU's DTB",
				     vm_name(vm), i, (unsigned long long)img->load_pa,
				     (unsigned long long)img->size);
			for (w = 0; w < cfg_nr_vms(cfg); w++)
				for (j = 0; j < BH_MAX_MEM_REGIONS && cfg->vms[w].mem[j].size;
				     j++) {
					const struct bh_mem_region *o = &cfg->vms[w].mem[j];

					if (overlaps(img->load_pa, img->size, region_pa(cfg, o),
						     o->size))
						fail(c,
						     "vm \"%s\": images[%u]: load_pa 0x%llx is "
						     "copied, but lies in vm \"%s\" mem[%u]",
						     vm_name(vm), i,
						     (unsigned long long)img->load_pa,
						     vm_name(&cfg->vms[w]), j);
				}
		}
	}
}

/* The region of @vm mapping shmem @idx; *count gets how many do. */
static const struct bh_mem_region *shared_region(const struct bh_vm_config *vm, uint32_t idx,
						 unsigned int *count)
{
	const struct bh_mem_region *found = NULL;
	unsigned int i;

	*count = 0;
	for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++)
		if ((vm->mem[i].flags & BH_MEM_SHARED) && vm->mem[i].shmem == idx) {
			found = found ? found : &vm->mem[i];
			(*count)++;
		}
	return found;
}

/* Does [base, base+size) of @vm touch anything it maps or emulates? */
static const char *ipa_user(const struct bh_vm_config *vm, uint64_t base, uint64_t size, char *buf,
			    size_t len)
{
	uint64_t gicd = vm->gicd_ipa ? vm->gicd_ipa : BH_GICD_IPA_DEFAULT;
	uint64_t cpu_base, cpu_size;
	const char *cpu_if = cfg_gic_cpu_window(vm, &cpu_base, &cpu_size);
	unsigned int i;

	for (i = 0; i < BH_MAX_MEM_REGIONS && vm->mem[i].size; i++)
		if (overlaps(base, size, vm->mem[i].ipa, vm->mem[i].size)) {
			snprintf(buf, len, "mem[%u]", i);
			return buf;
		}
	for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++)
		if (overlaps(base, size, vm->devices[i].ipa, vm->devices[i].size)) {
			snprintf(buf, len, "devices[%u]", i);
			return buf;
		}
	if (overlaps(base, size, gicd, BH_GICD_SIZE))
		return "gicd_ipa";
	if (overlaps(base, size, cpu_base, cpu_size))
		return cpu_if;
	return NULL;
}

static bool vm_has_irq(const struct bh_vm_config *vm, uint32_t intid)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_IRQS && vm->irqs[i]; i++)
		if (vm->irqs[i] == intid)
			return true;
	return false;
}

/* A virtual SPI of remote I/O: in the vGIC's range, not passed through. */
static void check_virtio_irq(struct checker *c, unsigned int i, const struct bh_vm_config *vm,
			     const char *field, uint32_t intid)
{
	if (intid < CFG_SPI_FIRST || intid > CFG_VSPI_LAST)
		fail(c, "vm \"%s\": virtio[%u].%s: %u is not a virtual SPI (32..%u)", vm_name(vm),
		     i, field, intid, CFG_VSPI_LAST);
	else if (vm_has_irq(vm, intid))
		fail(c, "vm \"%s\": virtio[%u].%s: INTID %u is also a passed-through irq",
		     vm_name(vm), i, field, intid);
}

/* The two VMs, the window and the shared region of one device. */
static void check_virtio_frontend(struct checker *c, unsigned int i)
{
	const struct bh_config *cfg = c->cfg;
	const struct bh_virtio *d = &cfg->virtio[i];
	const struct bh_vm_config *fe = &cfg->vms[d->frontend];
	const struct bh_vm_config *be = &cfg->vms[d->backend];
	const struct bh_mem_region *fw, *bw;
	unsigned int nf, nb, v;
	const char *who;
	char buf[32];

	if (d->mmio_ipa % BH_RIO_MMIO_SIZE || d->mmio_ipa >= CFG_IPA_LIMIT)
		fail(c, "vm \"%s\": virtio[%u].mmio_ipa: 0x%llx not a 0x%x-aligned IPA",
		     vm_name(fe), i, (unsigned long long)d->mmio_ipa, BH_RIO_MMIO_SIZE);
	/* the whole page must trap: nothing else of the frontend may be in it */
	who = ipa_user(fe, d->mmio_ipa & ~(PAGE - 1), PAGE, buf, sizeof(buf));
	if (who)
		fail(c,
		     "vm \"%s\": virtio[%u].mmio_ipa: page of 0x%llx is mapped or emulated as %s",
		     vm_name(fe), i, (unsigned long long)d->mmio_ipa, who);
	check_virtio_irq(c, i, fe, "intid", d->intid);
	if (d->timeout_ms > BH_RIO_TIMEOUT_MS_MAX)
		fail(c, "virtio[%u].timeout_ms: %u ms is more than %u", i, d->timeout_ms,
		     BH_RIO_TIMEOUT_MS_MAX);
	if (d->shmem >= BH_MAX_SHMEM || !cfg->shmem[d->shmem].size) {
		fail(c, "virtio[%u]: shmem %u does not exist", i, d->shmem);
		return;
	}
	fw = shared_region(fe, d->shmem, &nf);
	bw = shared_region(be, d->shmem, &nb);
	if (nf != 1)
		fail(c,
		     "vm \"%s\": virtio[%u].shmem: the frontend must map shmem %u exactly once "
		     "(BH_MEM_SHARED), not %u times",
		     vm_name(fe), i, d->shmem, nf);
	if (nb != 1)
		fail(c,
		     "vm \"%s\": virtio[%u].shmem: the backend must map shmem %u exactly once "
		     "(BH_MEM_SHARED), not %u times",
		     vm_name(be), i, d->shmem, nb);
	if (fw && bw && fw->size != bw->size)
		fail(c,
		     "vm \"%s\": virtio[%u].shmem: window 0x%llx bytes, but the frontend's is "
		     "0x%llx",
		     vm_name(be), i, (unsigned long long)bw->size, (unsigned long long)fw->size);
	if (fw && (fw->flags & BH_MEM_RW) != BH_MEM_RW)
		fail(c, "vm \"%s\": virtio[%u].shmem: the frontend's window must be read/write",
		     vm_name(fe), i);
	if (bw && (bw->flags & BH_MEM_EXEC))
		fail(c, "vm \"%s\": virtio[%u].shmem: the backend's window must not be executable",
		     vm_name(be), i);
	for (v = 0; v < cfg_nr_vms(cfg); v++)
		if (v != d->frontend && v != d->backend &&
		    shared_region(&cfg->vms[v], d->shmem, &nf))
			fail(c, "vm \"%s\": mem: maps shmem %u, the window of virtio[%u]",
			     vm_name(&cfg->vms[v]), d->shmem, i);
}

/* The backend's control region, doorbell and interrupt. */
static void check_virtio_backend(struct checker *c, unsigned int i)
{
	const struct bh_config *cfg = c->cfg;
	const struct bh_virtio *d = &cfg->virtio[i];
	const struct bh_vm_config *be = &cfg->vms[d->backend];
	const char *who;
	char buf[32], field[40];

	snprintf(field, sizeof(field), "virtio[%u].ctrl_ipa", i);
	check_window(c, vm_name(be), field, d->ctrl_ipa, BH_RIO_CTRL_SIZE, CFG_IPA_LIMIT, "ipa");
	snprintf(field, sizeof(field), "virtio[%u].doorbell_ipa", i);
	check_window(c, vm_name(be), field, d->doorbell_ipa, BH_RIO_DOORBELL_SIZE, CFG_IPA_LIMIT,
		     "ipa");
	who = ipa_user(be, d->ctrl_ipa, BH_RIO_CTRL_SIZE, buf, sizeof(buf));
	if (who)
		fail(c, "vm \"%s\": virtio[%u].ctrl_ipa: 0x%llx overlaps %s", vm_name(be), i,
		     (unsigned long long)d->ctrl_ipa, who);
	who = ipa_user(be, d->doorbell_ipa, BH_RIO_DOORBELL_SIZE, buf, sizeof(buf));
	if (who)
		fail(c, "vm \"%s\": virtio[%u].doorbell_ipa: 0x%llx overlaps %s", vm_name(be), i,
		     (unsigned long long)d->doorbell_ipa, who);
	if (overlaps(d->ctrl_ipa, BH_RIO_CTRL_SIZE, d->doorbell_ipa, BH_RIO_DOORBELL_SIZE))
		fail(c, "vm \"%s\": virtio[%u].doorbell_ipa: overlaps its ctrl_ipa", vm_name(be),
		     i);
	check_virtio_irq(c, i, be, "backend_intid", d->backend_intid);
}

/* Two devices must not collide in the VMs they share. */
static void check_virtio_pair(struct checker *c, unsigned int i, unsigned int j)
{
	const struct bh_config *cfg = c->cfg;
	const struct bh_virtio *a = &cfg->virtio[i], *b = &cfg->virtio[j];
	const char *fe = vm_name(&cfg->vms[a->frontend]);
	const char *be = vm_name(&cfg->vms[a->backend]);

	if (a->name && b->name && !strcmp(a->name, b->name))
		fail(c, "virtio[%u].name: \"%s\" is also virtio[%u]'s", i, a->name, j);
	/*
	 * Devices of one frontend and one backend may share a window: it is
	 * the frontend's one restricted DMA pool, and the backend sees nothing
	 * more of the frontend through two devices than through one.
	 */
	if (a->shmem == b->shmem && (a->frontend != b->frontend || a->backend != b->backend))
		fail(c, "virtio[%u].shmem: %u is also virtio[%u]'s window, of another VM pair", i,
		     a->shmem, j);
	if (a->frontend == b->frontend) {
		if (overlaps(a->mmio_ipa, BH_RIO_MMIO_SIZE, b->mmio_ipa, BH_RIO_MMIO_SIZE))
			fail(c, "vm \"%s\": virtio[%u].mmio_ipa: overlaps virtio[%u]'s", fe, i, j);
		if (a->intid == b->intid)
			fail(c, "vm \"%s\": virtio[%u].intid: %u is also virtio[%u]'s", fe, i,
			     a->intid, j);
	}
	if (a->frontend == b->backend && a->intid == b->backend_intid)
		fail(c, "vm \"%s\": virtio[%u].intid: %u is also virtio[%u]'s backend_intid", fe, i,
		     a->intid, j);
	if (a->backend == b->frontend && a->backend_intid == b->intid)
		fail(c, "vm \"%s\": virtio[%u].backend_intid: %u is also virtio[%u]'s intid", be, i,
		     a->backend_intid, j);
	if (a->backend != b->backend)
		return;
	if (a->backend_intid == b->backend_intid)
		fail(c, "vm \"%s\": virtio[%u].backend_intid: %u is also virtio[%u]'s", be, i,
		     a->backend_intid, j);
	if (overlaps(a->ctrl_ipa, BH_RIO_CTRL_SIZE, b->ctrl_ipa, BH_RIO_CTRL_SIZE) ||
	    overlaps(a->ctrl_ipa, BH_RIO_CTRL_SIZE, b->doorbell_ipa, BH_RIO_DOORBELL_SIZE))
		fail(c, "vm \"%s\": virtio[%u].ctrl_ipa: overlaps virtio[%u]'s ctrl or doorbell",
		     be, i, j);
	if (overlaps(a->doorbell_ipa, BH_RIO_DOORBELL_SIZE, b->ctrl_ipa, BH_RIO_CTRL_SIZE) ||
	    overlaps(a->doorbell_ipa, BH_RIO_DOORBELL_SIZE, b->doorbell_ipa, BH_RIO_DOORBELL_SIZE))
		fail(c,
		     "vm \"%s\": virtio[%u].doorbell_ipa: overlaps virtio[%u]'s ctrl or doorbell",
		     be, i, j);
}

static const char *const action_names[] = { "stop", "restart", "inject" };

/* @field of @vm's policy holds an action; @max is the last it may take. */
static void check_action(struct checker *c, const struct bh_vm_config *vm, const char *field,
			 uint32_t action, uint32_t max)
{
	if (action > max)
		fail(c, "vm \"%s\": policy.%s: %u is not one of stop..%s (BH_ACTION_*)",
		     vm_name(vm), field, action, action_names[max]);
}

static bool policy_restarts(const struct bh_vm_policy *p)
{
	return p->on_fault == BH_ACTION_RESTART || p->on_fault == BH_ACTION_INJECT ||
	       p->on_off == BH_ACTION_RESTART || p->on_watchdog == BH_ACTION_RESTART;
}

/*
 * The restart policy (docs/config.md, "Restart policy").  INJECT restarts
 * too, for the faults that have no abort to inject, so it needs the limit.
 */
static void check_policy(struct checker *c, const struct bh_vm_config *vm)
{
	const struct bh_vm_policy *p = &vm->policy;

	check_action(c, vm, "on_fault", p->on_fault, BH_ACTION_INJECT);
	check_action(c, vm, "on_off", p->on_off, BH_ACTION_RESTART);
	check_action(c, vm, "on_watchdog", p->on_watchdog, BH_ACTION_RESTART);
	if (p->on_watchdog != BH_ACTION_STOP && !vm->watchdog.control_ipa)
		fail(c, "vm \"%s\": policy.on_watchdog: set, but the VM has no watchdog",
		     vm_name(vm));
	if (p->restart_delay_ms > BH_RESTART_DELAY_MS_MAX)
		fail(c, "vm \"%s\": policy.restart_delay_ms: %u is more than %u", vm_name(vm),
		     p->restart_delay_ms, BH_RESTART_DELAY_MS_MAX);
	if (!policy_restarts(p))
		return;
	if (!p->restart_max || p->restart_max > BH_RESTART_MAX_LIMIT)
		fail(c, "vm \"%s\": policy.restart_max: %u is not 1..%u (the VM may restart)",
		     vm_name(vm), p->restart_max, BH_RESTART_MAX_LIMIT);
	if (!p->restart_window_ms || p->restart_window_ms > BH_RESTART_WINDOW_MS_MAX)
		fail(c, "vm \"%s\": policy.restart_window_ms: %u is not 1..%u (the VM may restart)",
		     vm_name(vm), p->restart_window_ms, BH_RESTART_WINDOW_MS_MAX);
}

/* Does [base, base+size) of @vm touch a remote-I/O window it sees? */
static const char *rio_user(const struct bh_config *cfg, unsigned int v, uint64_t base,
			    uint64_t size, char *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_VIRTIO && cfg->virtio[i].device_id; i++) {
		const struct bh_virtio *d = &cfg->virtio[i];

		if ((d->frontend == v &&
		     overlaps(base, size, d->mmio_ipa & ~(BH_PAGE_SIZE - 1), BH_PAGE_SIZE)) ||
		    (d->backend == v &&
		     (overlaps(base, size, d->ctrl_ipa, BH_RIO_CTRL_SIZE) ||
		      overlaps(base, size, d->doorbell_ipa, BH_RIO_DOORBELL_SIZE)))) {
			snprintf(buf, len, "virtio[%u]", i);
			return buf;
		}
	}
	return NULL;
}

static void check_wdt_frame(struct checker *c, unsigned int v, const char *field, uint64_t ipa)
{
	const struct bh_vm_config *vm = &c->cfg->vms[v];
	const char *user;
	char buf[32], name[32];

	if (!ipa) {
		fail(c, "vm \"%s\": watchdog.%s: missing", vm_name(vm), field);
		return;
	}
	snprintf(name, sizeof(name), "watchdog.%s", field);
	check_window(c, vm_name(vm), name, ipa, BH_WDT_FRAME_SIZE, CFG_IPA_LIMIT, "frame");
	user = ipa_user(vm, ipa, BH_WDT_FRAME_SIZE, buf, sizeof(buf));
	if (!user)
		user = rio_user(c->cfg, v, ipa, BH_WDT_FRAME_SIZE, buf, sizeof(buf));
	if (user)
		fail(c, "vm \"%s\": watchdog.%s: 0x%llx overlaps %s", vm_name(vm), field,
		     (unsigned long long)ipa, user);
}

/* An intid the VM already receives from remote I/O. */
static bool vm_has_rio_irq(const struct bh_config *cfg, unsigned int v, uint32_t intid)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_VIRTIO && cfg->virtio[i].device_id; i++)
		if ((cfg->virtio[i].frontend == v && cfg->virtio[i].intid == intid) ||
		    (cfg->virtio[i].backend == v && cfg->virtio[i].backend_intid == intid))
			return true;
	return false;
}

/* The SBSA Generic Watchdog (docs/config.md, "Watchdog"). */
static void check_watchdog(struct checker *c, unsigned int v)
{
	const struct bh_vm_config *vm = &c->cfg->vms[v];
	const struct bh_watchdog *w = &vm->watchdog;

	if (!w->control_ipa && !w->refresh_ipa && !w->intid)
		return;
	check_wdt_frame(c, v, "control_ipa", w->control_ipa);
	check_wdt_frame(c, v, "refresh_ipa", w->refresh_ipa);
	if (w->control_ipa && w->control_ipa == w->refresh_ipa)
		fail(c, "vm \"%s\": watchdog.refresh_ipa: the same page as control_ipa",
		     vm_name(vm));
	if (w->intid < CFG_SPI_FIRST || w->intid > CFG_VSPI_LAST)
		fail(c, "vm \"%s\": watchdog.intid: %u is not a virtual SPI (32..%u)", vm_name(vm),
		     w->intid, CFG_VSPI_LAST);
	else if (vm_has_irq(vm, w->intid) || vm_has_rio_irq(c->cfg, v, w->intid))
		fail(c, "vm \"%s\": watchdog.intid: INTID %u is already used by the VM",
		     vm_name(vm), w->intid);
}

/* The index of the VM named @name, or -1. */
static int vm_index(const struct bh_config *cfg, const char *name)
{
	unsigned int v;

	for (v = 0; v < cfg_nr_vms(cfg); v++)
		if (!strcmp(cfg->vms[v].name, name))
			return (int)v;
	return -1;
}

/* Does VM @v serve any remote-I/O device? */
static bool vm_serves_rio(const struct bh_config *cfg, unsigned int v)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_VIRTIO && cfg->virtio[i].device_id; i++)
		if (cfg->virtio[i].backend == v)
			return true;
	return false;
}

/* The management page: a page of its own, trapped (docs/config.md, "Management"). */
static void check_ctl_page(struct checker *c, unsigned int v)
{
	const struct bh_vm_config *vm = &c->cfg->vms[v];
	const struct bh_watchdog *w = &vm->watchdog;
	uint64_t ipa = vm->ctl.ipa;
	const char *user;
	char buf[32];

	check_window(c, vm_name(vm), "ctl.ipa", ipa, BH_CTL_SIZE, CFG_IPA_LIMIT, "page");
	user = ipa_user(vm, ipa, BH_CTL_SIZE, buf, sizeof(buf));
	if (!user)
		user = rio_user(c->cfg, v, ipa, BH_CTL_SIZE, buf, sizeof(buf));
	if (!user && w->control_ipa &&
	    overlaps(ipa, BH_CTL_SIZE, w->control_ipa, BH_WDT_FRAME_SIZE))
		user = "watchdog.control_ipa";
	if (!user && w->refresh_ipa &&
	    overlaps(ipa, BH_CTL_SIZE, w->refresh_ipa, BH_WDT_FRAME_SIZE))
		user = "watchdog.refresh_ipa";
	if (user)
		fail(c, "vm \"%s\": ctl.ipa: 0x%llx overlaps %s", vm_name(vm),
		     (unsigned long long)ipa, user);
}

/* ctl.manages[@i] of VM @v names a VM it may manage. */
static void check_ctl_managed(struct checker *c, unsigned int v, unsigned int i)
{
	const struct bh_config *cfg = c->cfg;
	const struct bh_vm_config *vm = &cfg->vms[v];
	const char *name = vm->ctl.manages[i];
	int w = vm_index(cfg, name);
	unsigned int j;

	if (w < 0) {
		fail(c, "vm \"%s\": ctl.manages[%u]: \"%s\" is not a VM of the config", vm_name(vm),
		     i, name);
		return;
	}
	if ((unsigned int)w == v)
		fail(c, "vm \"%s\": ctl.manages[%u]: a VM cannot manage itself", vm_name(vm), i);
	else if (vm_serves_rio(cfg, (unsigned int)w))
		fail(c,
		     "vm \"%s\": ctl.manages[%u]: \"%s\" serves remote I/O: its frontends' "
		     "devices would not come back after a stop",
		     vm_name(vm), i, name);
	for (j = 0; j < i; j++)
		if (!strcmp(vm->ctl.manages[j], name))
			fail(c, "vm \"%s\": ctl.manages[%u]: \"%s\" is named twice", vm_name(vm), i,
			     name);
}

/* Management (struct bh_vm_ctl). */
static void check_ctl(struct checker *c, unsigned int v)
{
	const struct bh_vm_config *vm = &c->cfg->vms[v];
	unsigned int i;

	if (vm->ctl.ipa)
		check_ctl_page(c, v);
	else if (vm->ctl.manages[0])
		fail(c, "vm \"%s\": ctl.manages: set, but the VM has no management page (ctl.ipa)",
		     vm_name(vm));
	for (i = 0; i < BH_MAX_VMS && vm->ctl.manages[i]; i++)
		check_ctl_managed(c, v, i);
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static void check_virtio(struct checker *c)
{
	const struct bh_config *cfg = c->cfg;
	unsigned int i, j;

	for (i = 0; i < BH_MAX_VIRTIO && cfg->virtio[i].device_id; i++) {
		const struct bh_virtio *d = &cfg->virtio[i];

		if (d->frontend >= cfg_nr_vms(cfg) || d->backend >= cfg_nr_vms(cfg) ||
		    d->frontend == d->backend) {
			fail(c, "virtio[%u]: frontend %u / backend %u: not two different VMs", i,
			     d->frontend, d->backend);
			continue;
		}
		/* it becomes linux,uio-name and the device model's handle */
		if (!d->name || !d->name[0] || strlen(d->name) > 31 || !printable(d->name))
			fail(c, "virtio[%u].name: missing or not [A-Za-z0-9._-]{1,31}", i);
		check_virtio_frontend(c, i);
		check_virtio_backend(c, i);
		for (j = 0; j < i; j++)
			if (cfg->virtio[j].frontend < cfg_nr_vms(cfg) &&
			    cfg->virtio[j].backend < cfg_nr_vms(cfg))
				check_virtio_pair(c, i, j);
	}
}

/*
 * What a VM asks of the board itself: its CPUs, the UARTs and virtio-mmio
 * transports it is given, and GICv3 redistributors.  A config written for
 * another board fails here, naming the VM, the field and what the board has.
 */
static const struct bh_plat_uart *board_uart(const struct bh_platform *b, uint64_t pa)
{
	unsigned int i;

	for (i = 0; i < BH_PLAT_MAX_UARTS && b->uart[i].name; i++)
		if (b->uart[i].base == pa)
			return &b->uart[i];
	return NULL;
}

static void check_board_uart(struct checker *c, const struct bh_vm_config *vm, unsigned int i)
{
	const struct bh_device *d = &vm->devices[i];
	const struct bh_plat_uart *u = board_uart(c->board, d->pa);

	if (!u || u->kind != d->kind)
		fail(c, "vm \"%s\": devices[%u]: board %s has no UART of kind %s at PA 0x%llx",
		     vm_name(vm), i, c->board->name, bh_dev_kind_name(d->kind),
		     (unsigned long long)d->pa);
	else if (u->intid != d->intid)
		fail(c, "vm \"%s\": devices[%u].intid: %u, but %s of board %s is INTID %u",
		     vm_name(vm), i, d->intid, u->name, c->board->name, u->intid);
}

static void check_board_virtio(struct checker *c, const struct bh_vm_config *vm, unsigned int i)
{
	const struct bh_plat_virtio_mmio *t = &c->board->virtio_mmio;
	const struct bh_device *d = &vm->devices[i];
	uint64_t pa = d->pa + d->mmio_offset, n;

	if (!t->count) {
		fail(c, "vm \"%s\": devices[%u]: board %s has no virtio-mmio transports",
		     vm_name(vm), i, c->board->name);
		return;
	}
	n = (pa - t->base) / t->stride;
	if (pa < t->base || (pa - t->base) % t->stride || n >= t->count)
		fail(c, "vm \"%s\": devices[%u]: PA 0x%llx is no virtio-mmio transport of board %s",
		     vm_name(vm), i, (unsigned long long)pa, c->board->name);
	else if (d->intid != t->first_intid + n)
		fail(c,
		     "vm \"%s\": devices[%u].intid: %u, but transport %llu of board %s is INTID "
		     "%llu",
		     vm_name(vm), i, d->intid, (unsigned long long)n, c->board->name,
		     (unsigned long long)(t->first_intid + n));
}

static void check_board(struct checker *c, const struct bh_vm_config *vm)
{
	unsigned int i;

	if (c->board->cpus < 64 && vm->cpus >> c->board->cpus)
		fail(c, "vm \"%s\": cpus: 0x%llx names a CPU board %s lacks (it has %u)",
		     vm_name(vm), (unsigned long long)vm->cpus, c->board->name, c->board->cpus);
	if (vm->gicr_ipa && c->board->gic.version != 3)
		fail(c, "vm \"%s\": gicr_ipa: board %s has a GICv%u, without redistributors",
		     vm_name(vm), c->board->name, c->board->gic.version);
	for (i = 0; i < BH_MAX_DEVICES && vm->devices[i].size; i++) {
		switch (vm->devices[i].kind) {
		case BH_DEV_PL011:
		case BH_DEV_NS16550:
		case BH_DEV_CDNS_UART:
			check_board_uart(c, vm, i);
			break;
		case BH_DEV_VIRTIO_MMIO:
			check_board_virtio(c, vm, i);
			break;
		default:
			break;
		}
	}
}

int cfg_check(const struct bh_config *cfg, cfg_report_fn report, void *ctx)
{
	return cfg_check_board(cfg, &bh_platform, report, ctx);
}

int cfg_check_board(const struct bh_config *cfg, const struct bh_platform *board,
		    cfg_report_fn report, void *ctx)
{
	struct checker c = { .cfg = cfg, .board = board, .report = report, .ctx = ctx };
	unsigned int v;

	if (cfg->magic != BH_CONFIG_MAGIC) {
		fail(&c, "magic: not BH_CONFIG_MAGIC (config built against another config.h?)");
		return c.errors;
	}
	if (!cfg_nr_vms(cfg))
		fail(&c, "vms: no VM");
	check_cpus(&c);
	for (v = 0; v < cfg_nr_vms(cfg); v++) {
		if (cfg->vms[v].flags & ~BH_VM_DMA_TRUSTED)
			fail(&c, "vm \"%s\": flags: 0x%x has unknown bits", vm_name(&cfg->vms[v]),
			     cfg->vms[v].flags);
		check_mem(&c, &cfg->vms[v]);
		check_board(&c, &cfg->vms[v]);
		check_devices(&c, &cfg->vms[v]);
		check_ipa_layout(&c, &cfg->vms[v]);
		check_images(&c, &cfg->vms[v]);
		check_policy(&c, &cfg->vms[v]);
		check_watchdog(&c, v);
		check_ctl(&c, v);
	}
	check_irqs(&c);
	check_pa_overlaps(&c);
	check_image_sources(&c);
	check_virtio(&c);
	return c.errors;
}
