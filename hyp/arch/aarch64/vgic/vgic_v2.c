// SPDX-License-Identifier: MIT
/*
 * vGICv2 register map: the GICv2 distributor (IHI0048B.b §4.3) as a guest
 * sees it.  No redistributors: SGIs and PPIs are banked in the distributor
 * for the accessing vCPU, SPIs are routed by GICD_ITARGETSR, and SGIs are
 * sent through GICD_SGIR and pending once per source vCPU.  The guest's
 * CPU interface is the hardware GICV frame mapped at its GICC address, so
 * only the distributor traps.  The interrupt state behind it is vgic.c's.
 *
 * Every interrupt is Group 0 (no Security Extensions: IGROUPR RAZ/WI),
 * which the guest's GICC_CTLR.EnableGrp0 enables, as Linux's gic driver
 * does.
 */
#include "gic_v2.h"
#include "vgic_internal.h"

#define V2_SGI_REG_BYTES 0x10 /* C/SPENDSGIR: 4 registers, a byte per SGI */

/* Mask of the vCPUs @d has (ITARGETSR, GICD_SGIR and SGI source bits). */
static uint8_t vgic_v2_cpus(const struct vgic_dist *d)
{
	return (uint8_t)((1u << d->nr_vcpus) - 1);
}

int vgic_v2_dist_init(struct vgic_dist *d, unsigned int nr_vcpus, uint64_t gicd_ipa,
		      uint64_t gicc_ipa)
{
	if (!d || nr_vcpus == 0 || nr_vcpus > VGIC_MAX_VCPUS)
		return -EINVAL;
	if ((gicd_ipa & (GICD_SIZE - 1)) || (gicc_ipa & 0xfff))
		return -EINVAL;
	vgic_dist_reset(d, VGIC_V2, nr_vcpus, gicd_ipa, gicc_ipa);
	return 0;
}

bool vgic_v2_spi_routes_to(const struct vgic_irq *irq, const struct vgic_cpu *c)
{
	return c->vcpu_id < 8 && (irq->itargets & (1u << c->vcpu_id));
}

/* ------------------------------------------------------------ routing */

/*
 * ITARGETSR of an SPI: the guest may name several vCPUs (1-of-N); the
 * lowest-numbered one of them receives it, always (docs/vgic.md, "GICv2").
 * A hardware SPI follows to that vCPU's pCPU.
 */
static uint32_t vgic_v2_set_targets(struct vgic_dist *d, uint32_t intid, uint8_t targets)
{
	struct vgic_irq *irq = &d->spis[intid - GIC_SPI_BASE];
	uint8_t old = irq->target;
	struct vgic_cpu *t;

	irq->itargets = targets & vgic_v2_cpus(d);
	irq->target = irq->itargets ? (uint8_t)__builtin_ctz(irq->itargets) : VGIC_NO_TARGET;
	t = vgic_irq_target(d, NULL, intid, irq);
	if (irq->hw_intid && t && irq->target != old)
		vgic_hw_irq_route(irq->hw_intid, t->pcpu);
	return vgic_cpu_bit(t);
}

static int vgic_v2_targets_access(struct vgic_dist *d, struct vgic_cpu *self, uint32_t first,
				  unsigned int size, bool write, uint64_t *val)
{
	uint32_t kick = 0;
	uint64_t out = 0;
	unsigned int i;

	if (size != 1 && size != 4)
		return -EINVAL;
	spin_lock(&d->lock);
	for (i = 0; i < size; i++) {
		uint32_t intid = first + i;
		uint8_t byte = (uint8_t)(*val >> (8 * i));

		if (intid < GIC_NR_PRIVATE) /* read-only: the accessing CPU (§4.3.12) */
			out |= (uint64_t)(1u << self->vcpu_id) << (8 * i);
		else if (intid >= VGIC_NR_IRQS)
			continue;
		else if (write)
			kick |= vgic_v2_set_targets(d, intid, byte);
		else
			out |= (uint64_t)d->spis[intid - GIC_SPI_BASE].itargets << (8 * i);
	}
	spin_unlock(&d->lock);
	vgic_kick_mask(kick);
	if (!write)
		*val = out;
	return 0;
}

/* --------------------------------------------------------------- SGIs */

static void vgic_v2_sgi_pend(struct vgic_irq *irq, uint8_t sources)
{
	irq->sgi_pend |= sources;
	if (irq->sgi_pend)
		irq->flags |= VGIC_IRQ_PENDING;
}

/* GICD_SGIR (§4.3.15): TargetListFilter, CPUTargetList, SGIINTID. */
static void vgic_v2_sgir_write(struct vgic_dist *d, struct vgic_cpu *self, uint32_t v)
{
	uint32_t filter = (v >> GICD_SGIR_FILTER_SHIFT) & GICD_SGIR_FILTER_MASK;
	uint32_t list = (v >> GICD_SGIR_TARGETS_SHIFT) & GICD_SGIR_TARGETS_MASK;
	uint32_t sgi = v & GICD_SGIR_INTID_MASK;
	uint32_t kick = 0;
	unsigned int i;

	spin_lock(&d->lock);
	for (i = 0; i < d->nr_vcpus; i++) {
		struct vgic_cpu *t = d->vcpus[i];
		bool hit;

		if (!t)
			continue;
		if (filter == GICD_SGIR_FILTER_LIST)
			hit = list & (1u << i);
		else if (filter == GICD_SGIR_FILTER_OTHERS)
			hit = t != self;
		else
			hit = filter == GICD_SGIR_FILTER_SELF && t == self;
		if (!hit)
			continue;
		vgic_v2_sgi_pend(&t->priv[sgi], (uint8_t)(1u << self->vcpu_id));
		d->stats.sgis++;
		kick |= vgic_cpu_bit(t);
	}
	spin_unlock(&d->lock);
	vgic_kick_mask(kick);
}

/* GICD_CPENDSGIR / GICD_SPENDSGIR (§4.3.16-17): a byte per SGI, a bit per source. */
static int vgic_v2_sgi_pend_access(struct vgic_dist *d, struct vgic_cpu *self, uint32_t first,
				   bool set, unsigned int size, bool write, uint64_t *val)
{
	uint64_t out = 0;
	unsigned int i;

	if (size != 1 && size != 4)
		return -EINVAL;
	spin_lock(&d->lock);
	for (i = 0; i < size; i++) {
		struct vgic_irq *irq = &self->priv[first + i];
		uint8_t byte = (uint8_t)(*val >> (8 * i)) & vgic_v2_cpus(d);

		if (!write) {
			out |= (uint64_t)irq->sgi_pend << (8 * i);
		} else if (set) {
			vgic_v2_sgi_pend(irq, byte);
		} else {
			irq->sgi_pend &= (uint8_t)~byte;
			if (!irq->sgi_pend)
				irq->flags &= (uint8_t)~VGIC_IRQ_PENDING;
		}
	}
	spin_unlock(&d->lock);
	if (!write)
		*val = out;
	return 0;
}

/* ------------------------------------------------------ distributor */

static int vgic_v2_ctlr(struct vgic_dist *d, bool write, uint64_t *val)
{
	uint32_t kick = 0;
	unsigned int i;

	if (!write) {
		*val = (d->ctlr & GICD_CTLR_ENABLE_G1) ? GICV2_GICD_CTLR_ENABLE : 0;
		return 0;
	}
	spin_lock(&d->lock);
	d->ctlr = (*val & GICV2_GICD_CTLR_ENABLE) ? GICD_CTLR_ENABLE_G1 : 0;
	for (i = 0; i < d->nr_vcpus; i++)
		kick |= vgic_cpu_bit(d->vcpus[i]);
	spin_unlock(&d->lock);
	vgic_kick_mask(kick);
	return 0;
}

static uint32_t vgic_v2_typer(const struct vgic_dist *d)
{
	/* ITLinesNumber, CPUNumber; no Security Extensions, no LSPIs */
	return (VGIC_NR_IRQS / 32 - 1) | ((d->nr_vcpus - 1) << GICD_TYPER_CPUNUM_SHIFT);
}

/* IS/IC ENABLER, PENDR, ACTIVER: bank 0 is @self's SGIs and PPIs. */
static int vgic_v2_bitregs(struct vgic_dist *d, struct vgic_cpu *self, uint64_t off, bool write,
			   uint64_t *val, bool *handled)
{
	uint32_t first;
	const struct vgic_bitbank *b = vgic_bitbank_find(off, &first);

	*handled = b != NULL;
	if (!b)
		return 0;
	/* SGI pending bits: C/SPENDSGIR only (§4.3.7, §4.3.8) */
	if (write && first == 0 && b->reg == VGIC_REG_PENDING)
		*val &= ~((1ull << GIC_NR_SGIS) - 1);
	return vgic_bitbank_access(d, first < GIC_SPI_BASE ? self : NULL, first, b->reg, b->set,
				   write, val);
}

/* Read-only ID registers (writes ignored); false if @off is none of them. */
static bool vgic_v2_id_reg(const struct vgic_dist *d, uint64_t off, bool write, uint64_t *val)
{
	uint64_t v;

	if (off == GICD_TYPER)
		v = vgic_v2_typer(d);
	else if (off == GICD_IIDR)
		v = VGIC_IIDR;
	else if (off == GICV2_GICD_PIDR2)
		v = GICV2_PIDR2_VALUE;
	else
		return false;
	if (!write)
		*val = v;
	return true;
}

static int vgic_v2_reg32(struct vgic_dist *d, struct vgic_cpu *self, uint64_t off, bool write,
			 uint64_t *val, bool *handled)
{
	uint32_t first;

	*handled = true;
	if (off == GICD_CTLR)
		return vgic_v2_ctlr(d, write, val);
	if (vgic_v2_id_reg(d, off, write, val))
		return 0;
	if (off == GICD_SGIR) {
		if (write)
			vgic_v2_sgir_write(d, self, (uint32_t)*val);
		else
			*val = 0; /* write-only */
		return 0;
	}
	if (vgic_in_bank(off, GICD_IGROUPR, GICD_BITMAP_BYTES, &first, 32) ||
	    vgic_in_bank(off, GICD_NSACR, 2 * GICD_BITMAP_BYTES, &first, 16))
		return vgic_raz_wi(write, val); /* all Group 0, no Security Extensions */
	if (vgic_in_bank(off, GICD_ICFGR, GICD_ICFGR_BYTES, &first, 16))
		return vgic_cfg_access(d, first < GIC_SPI_BASE ? self : NULL, first, write, val);
	return vgic_v2_bitregs(d, self, off, write, val, handled);
}

int vgic_v2_dist_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t off, unsigned int size,
			bool write, uint64_t *val)
{
	bool handled = false;
	int ret = -EINVAL;

	if (!d || !self || !val || off >= GICD_SIZE || !vgic_access_ok(off, size) || size > 4)
		goto bad;
	/*
	 * Past the 4 KiB distributor page, in the rest of the 64 KiB window:
	 * nothing, quietly (a driver probing for a GICv3 reads GICD_PIDR2 at
	 * 0xffe8 and must find no ArchRev 3 there).
	 */
	if (off >= GICV2_GICD_SIZE)
		return vgic_raz_wi(write, val);
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + GICD_PRIO_BYTES) {
		uint32_t first = (uint32_t)(off - GICD_IPRIORITYR);

		ret = vgic_prio_access(d, first < GIC_SPI_BASE ? self : NULL, first, size, write,
				       val);
	} else if (off >= GICD_ITARGETSR && off < GICD_ICFGR) {
		ret = vgic_v2_targets_access(d, self, (uint32_t)(off - GICD_ITARGETSR), size, write,
					     val);
	} else if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + V2_SGI_REG_BYTES) {
		bool set = off >= GICD_SPENDSGIR;
		uint32_t first = (uint32_t)(off - (set ? GICD_SPENDSGIR : GICD_CPENDSGIR));

		ret = vgic_v2_sgi_pend_access(d, self, first, set, size, write, val);
	} else if (size == 4) {
		ret = vgic_v2_reg32(d, self, off, write, val, &handled);
		if (!handled) {
			d->stats.unhandled_regs++;
			vgic_warn(d, "GICD %s of unhandled offset 0x%llx: RAZ/WI",
				  write ? "write" : "read", (unsigned long long)off);
			ret = vgic_raz_wi(write, val);
		}
	}
	if (!ret)
		return 0;
bad:
	if (d) {
		d->stats.bad_accesses++;
		vgic_warn(d, "bad GICD access offset 0x%llx size %u", (unsigned long long)off,
			  size);
	}
	return -EINVAL;
}
