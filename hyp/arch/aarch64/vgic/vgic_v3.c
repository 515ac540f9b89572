// SPDX-License-Identifier: MIT
/*
 * vGICv3 register maps: the distributor with affinity routing (GICD_IROUTER),
 * one redistributor per vCPU (RD_base + SGI_base frames) and SGIs written
 * through ICC_SGI1R_EL1.  The interrupt state behind them is vgic.c's.
 *
 * References: GIC architecture specification IHI0069 (H.b): §12.9 GICD,
 * §12.10-12.11 GICR, §12.2.23 ICC_SGI1R_EL1.
 */
#include "vgic_internal.h"

/* Offsets relative to the SGI_base frame of a redistributor. */
#define VGIC_RD_FRAME_SIZE GICR_SGI_BASE

/* GICD_TYPER.IDbits: 10 INTID bits (no LPIs), encoded as bits - 1. */
#define VGIC_TYPER_IDBITS 9u

int vgic_dist_init(struct vgic_dist *d, unsigned int nr_vcpus, uint64_t gicd_ipa, uint64_t gicr_ipa)
{
	if (!d || nr_vcpus == 0 || nr_vcpus > VGIC_MAX_VCPUS)
		return -EINVAL;
	if ((gicd_ipa | gicr_ipa) & (GICD_SIZE - 1))
		return -EINVAL;
	vgic_dist_reset(d, VGIC_V3, nr_vcpus, gicd_ipa, gicr_ipa);
	return 0;
}

bool vgic_v3_spi_routes_to(const struct vgic_irq *irq, const struct vgic_cpu *c)
{
	return (irq->irouter & GICD_IROUTER_AFF_MASK) == c->mpidr;
}

/* vCPU index whose MPIDR matches an IROUTER value, else VGIC_NO_TARGET. */
static uint8_t vgic_route_lookup(const struct vgic_dist *d, uint64_t irouter)
{
	unsigned int i;

	for (i = 0; i < d->nr_vcpus; i++) {
		const struct vgic_cpu *c = d->vcpus[i];

		if (c && (c->mpidr & MPIDR_AFF_MASK) == (irouter & GICD_IROUTER_AFF_MASK))
			return (uint8_t)i;
	}
	return VGIC_NO_TARGET;
}

/* GICD_IROUTER<n>: 64-bit, or either 32-bit half. */
static int vgic_irouter_access(struct vgic_dist *d, uint64_t off, unsigned int size, bool write,
			       uint64_t *val)
{
	uint32_t intid = (uint32_t)((off - GICD_IROUTER) / 8);
	unsigned int shift = (off & 4) ? 32 : 0;
	uint64_t mask = size == 8 ? ~0ull : 0xffffffffull << shift;
	struct vgic_irq *irq;
	uint32_t kick = 0;

	if (size != 4 && size != 8)
		return -EINVAL;
	if (intid < GIC_SPI_BASE || intid >= VGIC_NR_IRQS)
		return vgic_raz_wi(write, val); /* reserved / unimplemented */
	irq = &d->spis[intid - GIC_SPI_BASE];
	spin_lock(&d->lock);
	if (!write) {
		*val = (irq->irouter & mask) >> (size == 8 ? 0 : shift);
	} else {
		uint64_t v = size == 8 ? *val : (*val & 0xffffffffull) << shift;
		uint8_t old = irq->target;
		struct vgic_cpu *t;

		/* GICD_TYPER.No1N = 1: IRM is RAZ/WI. */
		irq->irouter = ((irq->irouter & ~mask) | (v & mask)) & GICD_IROUTER_AFF_MASK;
		irq->target = vgic_route_lookup(d, irq->irouter);
		t = vgic_irq_target(d, NULL, intid, irq);
		if (irq->hw_intid && t && irq->target != old)
			vgic_hw_irq_route(irq->hw_intid, t->pcpu);
		kick = vgic_cpu_bit(t);
	}
	spin_unlock(&d->lock);
	vgic_kick_mask(kick);
	return 0;
}

static int vgic_v3_ctlr_write(struct vgic_dist *d, uint64_t val)
{
	uint32_t kick = 0;
	unsigned int i;

	spin_lock(&d->lock);
	d->ctlr = (uint32_t)val & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
	for (i = 0; i < d->nr_vcpus; i++)
		kick |= vgic_cpu_bit(d->vcpus[i]);
	spin_unlock(&d->lock);
	vgic_kick_mask(kick);
	return 0;
}

static uint32_t vgic_v3_typer(const struct vgic_dist *d)
{
	return (VGIC_NR_IRQS / 32 - 1) | ((d->nr_vcpus - 1) << GICD_TYPER_CPUNUM_SHIFT) |
	       (VGIC_TYPER_IDBITS << GICD_TYPER_IDBITS_SHIFT) | GICD_TYPER_NO1N;
}

static int vgic_dist_bitregs(struct vgic_dist *d, uint64_t off, bool write, uint64_t *val,
			     bool *handled)
{
	uint32_t first;
	const struct vgic_bitbank *b = vgic_bitbank_find(off, &first);

	*handled = b != NULL;
	if (!b)
		return 0;
	/* Bank 0 is the redistributors' business under ARE (RAZ/WI). */
	if (first < GIC_SPI_BASE)
		return vgic_raz_wi(write, val);
	return vgic_bitbank_access(d, NULL, first, b->reg, b->set, write, val);
}

static uint32_t vgic_dist_group_read(uint32_t first)
{
	uint32_t val = 0;
	unsigned int i;

	/* Every implemented SPI is Group 1 (RAO/WI); bank 0 RAZ under ARE. */
	if (first < GIC_SPI_BASE)
		return 0;
	for (i = 0; i < 32; i++)
		if (first + i < VGIC_NR_IRQS)
			val |= 1u << i;
	return val;
}

static int vgic_dist_reg32(struct vgic_dist *d, uint64_t off, bool write, uint64_t *val,
			   bool *handled)
{
	uint32_t first;

	*handled = true;
	switch (off) {
	case GICD_CTLR:
		if (write)
			return vgic_v3_ctlr_write(d, *val);
		*val = d->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
		return 0;
	case GICD_TYPER:
		if (!write)
			*val = vgic_v3_typer(d);
		return 0;
	case GICD_IIDR:
		if (!write)
			*val = VGIC_IIDR;
		return 0;
	case GICD_PIDR2:
		if (!write)
			*val = GIC_PIDR2_VALUE;
		return 0;
	case GICD_TYPER2:
	case GICD_STATUSR:
		return vgic_raz_wi(write, val);
	default:
		break;
	}
	if (vgic_in_bank(off, GICD_IGROUPR, GICD_BITMAP_BYTES, &first, 32)) {
		if (!write)
			*val = vgic_dist_group_read(first);
		return 0;
	}
	*handled = false;
	return 0;
}

/* Registers that are RES0 with affinity routing on: quietly RAZ/WI. */
static bool vgic_dist_quiet_raz(uint64_t off)
{
	return (off >= GICD_ITARGETSR && off < GICD_ICFGR) ||
	       (off >= GICD_IGRPMODR && off < GICD_IGRPMODR + GICD_BITMAP_BYTES) ||
	       (off >= GICD_NSACR && off < GICD_NSACR + 2 * GICD_BITMAP_BYTES) ||
	       (off >= GICD_SGIR && off < GICD_SPENDSGIR + GICD_SGIR_BANK_BYTES) ||
	       (off >= GICD_SETSPI_NSR && off <= GICD_CLRSPI_SR);
}

int vgic_v3_dist_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t off, unsigned int size,
			bool write, uint64_t *val)
{
	bool handled = false;
	uint32_t first;
	int ret;

	(void)self; /* GICD state is per VM: the accessing vCPU does not matter */
	if (!d || !val || off >= GICD_SIZE || !vgic_access_ok(off, size))
		goto bad;

	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + GICD_PRIO_BYTES) {
		first = (uint32_t)(off - GICD_IPRIORITYR);
		if (first < GIC_SPI_BASE) { /* banked: RAZ/WI under ARE */
			return vgic_raz_wi(write, val);
		}
		ret = vgic_prio_access(d, NULL, first, size, write, val);
		if (ret)
			goto bad;
		return 0;
	}
	if (off >= GICD_IROUTER && off < GICD_IROUTER_END + 8) {
		ret = vgic_irouter_access(d, off, size, write, val);
		if (ret)
			goto bad;
		return 0;
	}
	if (size == 4) {
		ret = vgic_dist_reg32(d, off, write, val, &handled);
		if (handled)
			return ret;
		ret = vgic_dist_bitregs(d, off, write, val, &handled);
		if (handled)
			return ret;
		if (vgic_in_bank(off, GICD_ICFGR, GICD_ICFGR_BYTES, &first, 16)) {
			if (first < GIC_SPI_BASE) /* banked: RAZ/WI under ARE */
				return vgic_raz_wi(write, val);
			return vgic_cfg_access(d, NULL, first, write, val);
		}
	}
	if (!vgic_dist_quiet_raz(off)) {
		d->stats.unhandled_regs++;
		vgic_warn(d, "GICD %s of unhandled offset 0x%llx size %u: RAZ/WI",
			  write ? "write" : "read", (unsigned long long)off, size);
	}
	return vgic_raz_wi(write, val);
bad:
	if (d) {
		d->stats.bad_accesses++;
		vgic_warn(d, "bad GICD access offset 0x%llx size %u", (unsigned long long)off,
			  size);
	}
	return -EINVAL;
}

/* A GICR register we do not emulate: counted, logged, then RAZ/WI. */
static void vgic_gicr_unhandled(struct vgic_dist *d, const struct vgic_cpu *c, const char *frame,
				uint64_t off, bool write)
{
	d->stats.unhandled_regs++;
	vgic_warn(d, "GICR%u %s %s of unhandled offset 0x%llx: RAZ/WI", c->vcpu_id, frame,
		  write ? "write" : "read", (unsigned long long)off);
}

static uint64_t vgic_gicr_typer(const struct vgic_dist *d, const struct vgic_cpu *c)
{
	uint64_t aff = (uint64_t)MPIDR_AFF3(c->mpidr) << 24 | (uint64_t)MPIDR_AFF2(c->mpidr) << 16 |
		       (uint64_t)MPIDR_AFF1(c->mpidr) << 8 | MPIDR_AFF0(c->mpidr);
	uint64_t typer = aff << GICR_TYPER_AFF_SHIFT | (uint64_t)c->vcpu_id
							       << GICR_TYPER_PROCNUM_SHIFT;

	if (c->vcpu_id == d->nr_vcpus - 1)
		typer |= GICR_TYPER_LAST;
	return typer;
}

static int vgic_rd_access(struct vgic_dist *d, struct vgic_cpu *c, uint64_t off, unsigned int size,
			  bool write, uint64_t *val)
{
	if (off == GICR_TYPER || off == GICR_TYPER + 4) {
		uint64_t typer = vgic_gicr_typer(d, c);

		if (size != 4 && !(size == 8 && off == GICR_TYPER))
			return -EINVAL;
		if (!write) /* read-only */
			*val = size == 8 ? typer
					 : (typer >> (8 * (off - GICR_TYPER))) & 0xffffffffull;
		return 0;
	}
	if (off == GICR_PROPBASER || off == GICR_PENDBASER)
		return vgic_raz_wi(write, val); /* no LPIs */
	if (size != 4)
		return -EINVAL;
	switch (off) {
	case GICR_CTLR:
	case GICR_STATUSR:
		break; /* no LPIs, no RWP wait: RAZ/WI */
	case GICR_IIDR:
		if (!write)
			*val = VGIC_IIDR;
		return 0;
	case GICR_PIDR2:
		if (!write)
			*val = GIC_PIDR2_VALUE;
		return 0;
	case GICR_WAKER:
		spin_lock(&d->lock);
		if (write) {
			c->waker = (uint32_t)*val & GICR_WAKER_PROCESSOR_SLEEP;
		} else {
			/* Sleep/wake completes at once: ChildrenAsleep follows. */
			*val = c->waker ? (GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP)
					: 0;
		}
		spin_unlock(&d->lock);
		return 0;
	default:
		vgic_gicr_unhandled(d, c, "RD", off, write);
		break;
	}
	return vgic_raz_wi(write, val);
}

static int vgic_sgi_frame_access(struct vgic_dist *d, struct vgic_cpu *c, uint64_t off,
				 unsigned int size, bool write, uint64_t *val)
{
	if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + GIC_NR_PRIVATE)
		return vgic_prio_access(d, c, (uint32_t)(off - GICR_IPRIORITYR0), size, write, val);
	if (size != 4)
		return -EINVAL;
	switch (off) {
	case GICR_IGROUPR0:
		if (!write)
			*val = 0xffffffffu; /* all Group 1, RAO/WI */
		return 0;
	case GICR_ISENABLER0:
	case GICR_ICENABLER0:
		return vgic_bitbank_access(d, c, 0, VGIC_REG_ENABLE, off == GICR_ISENABLER0, write,
					   val);
	case GICR_ISPENDR0:
	case GICR_ICPENDR0:
		return vgic_bitbank_access(d, c, 0, VGIC_REG_PENDING, off == GICR_ISPENDR0, write,
					   val);
	case GICR_ISACTIVER0:
	case GICR_ICACTIVER0:
		return vgic_bitbank_access(d, c, 0, VGIC_REG_ACTIVE, off == GICR_ISACTIVER0, write,
					   val);
	case GICR_ICFGR0:
	case GICR_ICFGR1:
		return vgic_cfg_access(d, c, off == GICR_ICFGR0 ? 0 : 16, write, val);
	case GICR_IGRPMODR0:
	case GICR_NSACR:
		break;
	default:
		vgic_gicr_unhandled(d, c, "SGI", off, write);
		break;
	}
	return vgic_raz_wi(write, val);
}

int vgic_redist_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t off, unsigned int size,
		       bool write, uint64_t *val)
{
	uint64_t frame = off / GICR_STRIDE;
	uint64_t in = off % GICR_STRIDE;
	struct vgic_cpu *c;
	int ret;

	(void)self;
	if (!d || !val || frame >= d->nr_vcpus || !vgic_access_ok(off, size))
		goto bad;
	c = d->vcpus[frame];
	if (!c) { /* vCPU not created yet: nothing behind it */
		return vgic_raz_wi(write, val);
	}
	if (in < VGIC_RD_FRAME_SIZE)
		ret = vgic_rd_access(d, c, in, size, write, val);
	else
		ret = vgic_sgi_frame_access(d, c, in - GICR_SGI_BASE, size, write, val);
	if (ret)
		goto bad;
	return 0;
bad:
	if (d) {
		d->stats.bad_accesses++;
		vgic_warn(d, "bad GICR access offset 0x%llx size %u", (unsigned long long)off,
			  size);
	}
	return -EINVAL;
}

bool vgic_v3_is_gicr(const struct vgic_dist *d, uint64_t ipa)
{
	return ipa >= d->cpu_ipa && ipa - d->cpu_ipa < (uint64_t)d->nr_vcpus * GICR_STRIDE;
}

static bool vgic_sgi_targets(const struct vgic_cpu *self, const struct vgic_cpu *t, uint64_t v)
{
	uint64_t aff3 = (v >> ICC_SGI1R_AFF3_SHIFT) & ICC_SGI1R_AFF_MASK;
	uint64_t aff2 = (v >> ICC_SGI1R_AFF2_SHIFT) & ICC_SGI1R_AFF_MASK;
	uint64_t aff1 = (v >> ICC_SGI1R_AFF1_SHIFT) & ICC_SGI1R_AFF_MASK;
	uint64_t rs = (v >> ICC_SGI1R_RS_SHIFT) & ICC_SGI1R_RS_MASK;
	uint32_t aff0 = MPIDR_AFF0(t->mpidr);

	if (v & ICC_SGI1R_IRM)
		return t != self;
	if (MPIDR_AFF3(t->mpidr) != aff3 || MPIDR_AFF2(t->mpidr) != aff2 ||
	    MPIDR_AFF1(t->mpidr) != aff1)
		return false;
	/* RS selects the 16-wide Aff0 range the TargetList covers. */
	if (aff0 / 16 != rs)
		return false;
	return (v & ICC_SGI1R_TARGETS_MASK) & (1ull << (aff0 % 16));
}

int vgic_sgi_write(struct vgic_dist *d, struct vgic_cpu *self, uint64_t icc_sgi1r)
{
	uint32_t sgi = (uint32_t)((icc_sgi1r >> ICC_SGI1R_INTID_SHIFT) & ICC_SGI1R_INTID_MASK);
	uint32_t kick = 0;
	unsigned int i;

	if (!d || d->version != VGIC_V3) /* GICv2 SGIs: GICD_SGIR */
		return -EINVAL;
	spin_lock(&d->lock);
	for (i = 0; i < d->nr_vcpus; i++) {
		struct vgic_cpu *t = d->vcpus[i];

		if (!t || !vgic_sgi_targets(self, t, icc_sgi1r))
			continue;
		t->priv[sgi].flags |= VGIC_IRQ_PENDING;
		d->stats.sgis++;
		kick |= vgic_cpu_bit(t);
	}
	spin_unlock(&d->lock);
	vgic_kick_mask(kick);
	return 0;
}
