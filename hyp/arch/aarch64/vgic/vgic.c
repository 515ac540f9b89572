// SPDX-License-Identifier: MIT
/*
 * vGICv3 pure logic: emulated distributor/redistributors and list-register
 * management.  See vgic.h for the state model.  No hardware access here:
 * everything goes through the vgic_hw_*() layer so that this file builds
 * and runs on the host under cmocka and the sanitizers.
 *
 * References: GIC architecture specification IHI0069 (H.b): §12.9 GICD,
 * §12.10-12.11 GICR, §12.5.10 ICH_LR<n>_EL2, §6.4 virtual interrupt handling.
 */
#include "vgic.h"

/* Offsets relative to the SGI_base frame of a redistributor. */
#define VGIC_RD_FRAME_SIZE GICR_SGI_BASE

/* GICD_IIDR: Arm implementer code (as KVM does), product 'B'ulkhead. */
#define VGIC_IIDR_IMPLEMENTER 0x43bu
#define VGIC_IIDR_PRODUCT     ((uint32_t)'B' << 24)
#define VGIC_IIDR	      (VGIC_IIDR_PRODUCT | VGIC_IIDR_IMPLEMENTER)

/* GICD_TYPER.IDbits: 10 INTID bits (no LPIs), encoded as bits - 1. */
#define VGIC_TYPER_IDBITS 9u

/* ICFGR of SGIs: always edge, read-only (§12.11.7). */
#define VGIC_ICFGR_SGI 0xaaaaaaaau

enum vgic_bitreg {
	VGIC_REG_ENABLE,
	VGIC_REG_PENDING,
	VGIC_REG_ACTIVE,
};

/* ------------------------------------------------------------- helpers */

static bool vgic_log_allowed(struct vgic_dist *d)
{
	uint64_t n = __atomic_fetch_add(&d->log_count, 1, __ATOMIC_RELAXED);

	return n < VGIC_LOG_BURST || (n % VGIC_LOG_EVERY) == 0;
}

#define vgic_warn(d, fmt, ...)                                         \
	do {                                                           \
		if (vgic_log_allowed(d))                               \
			vgic_hw_log("vgic: " fmt "\n", ##__VA_ARGS__); \
	} while (0)

static void vgic_irq_reset(struct vgic_irq *irq, uint32_t intid)
{
	irq->hw_intid = 0;
	irq->flags = intid < GIC_NR_SGIS ? VGIC_IRQ_EDGE : 0;
	irq->priority = 0;
	irq->target = VGIC_NO_TARGET;
	irq->pad[0] = irq->pad[1] = irq->pad[2] = 0;
	irq->irouter = 0;
}

/* The state of @intid as seen by vCPU @c (private ones are per vCPU). */
static struct vgic_irq *vgic_irq_get(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid)
{
	if (intid < GIC_NR_PRIVATE)
		return c ? &c->priv[intid] : NULL;
	if (intid < VGIC_NR_IRQS)
		return &d->spis[intid - GIC_SPI_BASE];
	return NULL;
}

/* The vCPU that receives @irq (owner @c for private interrupts). */
static struct vgic_cpu *vgic_irq_target(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid,
					const struct vgic_irq *irq)
{
	if (intid < GIC_NR_PRIVATE)
		return c;
	if (irq->target < d->nr_vcpus)
		return d->vcpus[irq->target];
	return NULL;
}

static bool vgic_irq_deliverable(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	return (irq->flags & VGIC_IRQ_ENABLED) && (irq->flags & VGIC_IRQ_PENDING) &&
	       (d->ctlr & GICD_CTLR_ENABLE_G1);
}

/* Keep @spi_live in step with @intid's flags (no-op for private ones). */
static void vgic_irq_changed(struct vgic_dist *d, uint32_t intid, const struct vgic_irq *irq)
{
	uint32_t n = intid - GIC_SPI_BASE;
	uint32_t bit;

	if (intid < GIC_SPI_BASE || intid >= VGIC_NR_IRQS)
		return;
	bit = 1u << (n % 32);
	if (irq->flags & (VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE | VGIC_IRQ_IN_LR))
		d->spi_live[n / 32] |= bit;
	else
		d->spi_live[n / 32] &= ~bit;
}

static void vgic_kick_mask(uint32_t mask)
{
	unsigned int cpu;

	for (cpu = 0; mask; cpu++, mask >>= 1)
		if (mask & 1)
			vgic_hw_kick(cpu);
}

static uint32_t vgic_cpu_bit(const struct vgic_cpu *c)
{
	return c && c->pcpu < 32 ? 1u << c->pcpu : 0;
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

/* A register that reads as zero and ignores writes (RAZ/WI). */
static int vgic_raz_wi(bool write, uint64_t *val)
{
	if (!write)
		*val = 0;
	return 0;
}

static bool vgic_access_ok(uint64_t off, unsigned int size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	return (off & (size - 1)) == 0;
}

/* ----------------------------------------------------------- lifecycle */

int vgic_dist_init(struct vgic_dist *d, unsigned int nr_vcpus, uint64_t gicd_ipa, uint64_t gicr_ipa)
{
	unsigned int i;

	if (!d || nr_vcpus == 0 || nr_vcpus > VGIC_MAX_VCPUS)
		return -EINVAL;
	if ((gicd_ipa | gicr_ipa) & (GICD_SIZE - 1))
		return -EINVAL;

	/*
	 * A VM reset re-runs this while other VMs' pCPUs may still inject
	 * into it (remote I/O): reset under the lock, which a zeroed (static)
	 * struct vm already holds in its valid, unlocked state.
	 */
	spin_lock(&d->lock);
	d->ctlr = 0;
	d->nr_vcpus = nr_vcpus;
	d->gicd_ipa = gicd_ipa;
	d->gicr_ipa = gicr_ipa;
	d->log_count = 0;
	d->stats = (struct vgic_stats){ 0 };
	for (i = 0; i < VGIC_MAX_VCPUS; i++)
		d->vcpus[i] = NULL;
	for (i = 0; i < VGIC_NR_SPIS; i++)
		vgic_irq_reset(&d->spis[i], GIC_SPI_BASE + i);
	for (i = 0; i < VGIC_NR_SPIS / 32; i++)
		d->spi_live[i] = 0;
	spin_unlock(&d->lock);
	return 0;
}

int vgic_cpu_init(struct vgic_dist *d, struct vgic_cpu *c, unsigned int vcpu_id, unsigned int pcpu,
		  uint64_t mpidr)
{
	unsigned int nr_lrs = vgic_hw_nr_lrs();
	unsigned int i;

	if (!d || !c || vcpu_id >= d->nr_vcpus || pcpu >= 32)
		return -EINVAL;

	spin_lock(&d->lock);
	c->dist = d;
	c->vcpu_id = vcpu_id;
	c->pcpu = pcpu;
	c->mpidr = mpidr & MPIDR_AFF_MASK;
	c->waker = GICR_WAKER_PROCESSOR_SLEEP;
	for (i = 0; i < GIC_NR_PRIVATE; i++)
		vgic_irq_reset(&c->priv[i], i);
	c->nr_lrs = nr_lrs > VGIC_MAX_LRS ? VGIC_MAX_LRS : nr_lrs;
	for (i = 0; i < VGIC_MAX_LRS; i++)
		c->lr_intid[i] = 0;
	c->lr_used = 0;
	c->lr_pending = 0;
	c->hcr = ICH_HCR_EN;
	c->fresh = true;
	c->lrs_clean = false;
	d->vcpus[vcpu_id] = c;
	/* SPIs already routed at this affinity (IROUTER resets to 0). */
	for (i = 0; i < VGIC_NR_SPIS; i++) {
		struct vgic_irq *irq = &d->spis[i];

		if (irq->target == VGIC_NO_TARGET &&
		    (irq->irouter & GICD_IROUTER_AFF_MASK) == c->mpidr)
			irq->target = (uint8_t)vcpu_id;
	}
	spin_unlock(&d->lock);
	return 0;
}

int vgic_bind_hw(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid)
{
	struct vgic_irq *irq;

	if (!d || intid >= VGIC_NR_IRQS || intid < GIC_NR_SGIS)
		return -EINVAL;
	spin_lock(&d->lock);
	irq = vgic_irq_get(d, c, intid);
	if (irq)
		irq->hw_intid = (uint16_t)intid;
	spin_unlock(&d->lock);
	return irq ? 0 : -EINVAL;
}

/* ----------------------------------------------------- bit registers */

static uint8_t vgic_bitreg_flag(enum vgic_bitreg reg)
{
	switch (reg) {
	case VGIC_REG_ENABLE:
		return VGIC_IRQ_ENABLED;
	case VGIC_REG_PENDING:
		return VGIC_IRQ_PENDING;
	default:
		return VGIC_IRQ_ACTIVE;
	}
}

/* Physical CPU whose redistributor holds @irq's physical state. */
static unsigned int vgic_irq_pcpu(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid,
				  const struct vgic_irq *irq)
{
	struct vgic_cpu *t = vgic_irq_target(d, c, intid, irq);

	return t ? t->pcpu : 0;
}

/*
 * Does the virtual pending state of @irq stay set on its own, without the
 * physical line: virtual-only interrupts, edge-triggered ones and those the
 * guest pended through ISPENDR (IHI0069 §4.1.2: a level-sensitive
 * interrupt is pending while its line is asserted or the ISPENDR latch set).
 */
static bool vgic_irq_latches(const struct vgic_irq *irq)
{
	return !irq->hw_intid || (irq->flags & (VGIC_IRQ_EDGE | VGIC_IRQ_SW_PEND));
}

static bool vgic_irq_read_pending(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid,
				  const struct vgic_irq *irq)
{
	/* An interrupt in an LR is pending/active there: report it. */
	if (vgic_irq_latches(irq) && (irq->flags & (VGIC_IRQ_PENDING | VGIC_IRQ_IN_LR)))
		return true;
	/* HW=1: the physical GIC has the line and the ISPENDR latch. */
	return irq->hw_intid && vgic_hw_irq_pending(irq->hw_intid, vgic_irq_pcpu(d, c, intid, irq));
}

static uint32_t vgic_bits_read(struct vgic_dist *d, struct vgic_cpu *c, uint32_t first,
			       enum vgic_bitreg reg)
{
	uint8_t flag = vgic_bitreg_flag(reg);
	uint32_t val = 0;
	unsigned int i;

	for (i = 0; i < 32; i++) {
		const struct vgic_irq *irq = vgic_irq_get(d, c, first + i);
		bool set;

		if (!irq)
			continue;
		if (reg == VGIC_REG_PENDING)
			set = vgic_irq_read_pending(d, c, first + i, irq);
		else
			set = irq->flags & flag;
		if (set)
			val |= 1u << i;
	}
	return val;
}

/*
 * A HW=1 interrupt the hypervisor acknowledged while the guest has it
 * disabled is not kept: the physical one is deactivated again (and its
 * ISPENDR latch or edge handed back to the physical GIC), so its pending
 * state keeps following the line and it fires anew when the guest enables
 * it, as on hardware.  Keeping it latched here would deliver a level
 * interrupt whose line has long dropped.
 */
static void vgic_hw_unlatch_disabled(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid,
				     struct vgic_irq *irq)
{
	uint8_t held = VGIC_IRQ_ACTIVE | VGIC_IRQ_IN_LR | VGIC_IRQ_ENABLED;
	unsigned int pcpu;

	if (!irq->hw_intid || !(irq->flags & VGIC_IRQ_PENDING) || (irq->flags & held))
		return;
	pcpu = vgic_irq_pcpu(d, c, intid, irq);
	irq->flags &= (uint8_t)~VGIC_IRQ_PENDING;
	if (irq->flags & (VGIC_IRQ_EDGE | VGIC_IRQ_SW_PEND))
		vgic_hw_irq_set_pending(irq->hw_intid, pcpu, true);
	vgic_hw_irq_deactivate(irq->hw_intid, pcpu);
	vgic_irq_changed(d, intid, irq);
}

/* Side effects on the physical interrupt behind a HW=1 virtual one. */
static void vgic_bits_hw(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid,
			 struct vgic_irq *irq, uint8_t old)
{
	unsigned int pcpu = vgic_irq_pcpu(d, c, intid, irq);
	uint8_t busy = VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE;

	if (!irq->hw_intid)
		return;
	/*
	 * Enable is mirrored (SPIs and PPIs): a disabled interrupt then stays
	 * pending in the physical GIC for as long as its line is high, and is
	 * never acknowledged on the guest's behalf.
	 */
	if ((old ^ irq->flags) & VGIC_IRQ_ENABLED) {
		vgic_hw_irq_enable(irq->hw_intid, pcpu, irq->flags & VGIC_IRQ_ENABLED);
		vgic_hw_unlatch_disabled(d, c, intid, irq);
	}
	/*
	 * The hypervisor acknowledged the physical interrupt when it injected
	 * it; if the guest now clears it by register instead of deactivating
	 * it through the LR, deactivate the physical one ourselves or it stays
	 * active forever.
	 */
	if ((old & busy) && !(irq->flags & busy))
		vgic_hw_irq_deactivate(irq->hw_intid, pcpu);
}

/*
 * ISPENDR/ICPENDR of a HW=1 interrupt act on the physical latch, as on
 * hardware: a set one is raised by the physical GIC and forwarded like any
 * other occurrence (so a level line and the latch stay one state); a
 * cleared one also gives back a physical interrupt the hypervisor held for
 * the guest, which re-fires if the line is still high.
 */
static void vgic_pend_hw(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid,
			 struct vgic_irq *irq, bool set)
{
	unsigned int pcpu = vgic_irq_pcpu(d, c, intid, irq);
	uint8_t old = irq->flags;

	if (set) {
		irq->flags |= VGIC_IRQ_SW_PEND;
		vgic_hw_irq_set_pending(irq->hw_intid, pcpu, true);
		return;
	}
	irq->flags &= (uint8_t) ~(VGIC_IRQ_SW_PEND | VGIC_IRQ_PENDING);
	vgic_hw_irq_set_pending(irq->hw_intid, pcpu, false);
	if ((old & VGIC_IRQ_PENDING) && !(irq->flags & VGIC_IRQ_ACTIVE))
		vgic_hw_irq_deactivate(irq->hw_intid, pcpu);
}

static uint32_t vgic_bits_write(struct vgic_dist *d, struct vgic_cpu *c, uint32_t first,
				enum vgic_bitreg reg, bool set, uint32_t val)
{
	uint8_t flag = vgic_bitreg_flag(reg);
	uint32_t kick = 0;
	unsigned int i;

	for (i = 0; i < 32; i++) {
		uint32_t intid = first + i;
		struct vgic_irq *irq = vgic_irq_get(d, c, intid);
		uint8_t old;

		if (!irq || !(val & (1u << i)))
			continue;
		old = irq->flags;
		if (reg == VGIC_REG_PENDING && irq->hw_intid) {
			vgic_pend_hw(d, c, intid, irq, set);
		} else {
			if (set)
				irq->flags |= flag;
			else
				irq->flags &= (uint8_t)~flag;
			vgic_bits_hw(d, c, intid, irq, old);
		}
		vgic_irq_changed(d, intid, irq);
		if (old != irq->flags || (irq->flags & VGIC_IRQ_IN_LR))
			kick |= vgic_cpu_bit(vgic_irq_target(d, c, intid, irq));
	}
	return kick;
}

/* One ISxxxR/ICxxxR register at @reg_off inside its bank. */
static int vgic_bitbank_access(struct vgic_dist *d, struct vgic_cpu *c, uint32_t first,
			       enum vgic_bitreg reg, bool set, bool write, uint64_t *val)
{
	uint32_t kick = 0;

	spin_lock(&d->lock);
	if (write)
		kick = vgic_bits_write(d, c, first, reg, set, (uint32_t)*val);
	else
		*val = vgic_bits_read(d, c, first, reg);
	spin_unlock(&d->lock);
	vgic_kick_mask(kick);
	return 0;
}

/* ------------------------------------------- priority / config regs */

static int vgic_prio_access(struct vgic_dist *d, struct vgic_cpu *c, uint32_t first,
			    unsigned int size, bool write, uint64_t *val)
{
	uint64_t out = 0;
	unsigned int i;

	if (size != 1 && size != 4)
		return -EINVAL;
	spin_lock(&d->lock);
	for (i = 0; i < size; i++) {
		struct vgic_irq *irq = vgic_irq_get(d, c, first + i);

		if (!irq)
			continue;
		if (write)
			irq->priority = (uint8_t)(*val >> (8 * i)) & VGIC_PRIO_BITS_MASK;
		else
			out |= (uint64_t)irq->priority << (8 * i);
	}
	spin_unlock(&d->lock);
	if (!write)
		*val = out;
	return 0;
}

static int vgic_cfg_access(struct vgic_dist *d, struct vgic_cpu *c, uint32_t first, bool write,
			   uint64_t *val)
{
	uint32_t out = 0;
	unsigned int i;

	if (first < GIC_NR_SGIS) { /* SGIs: fixed edge, RO */
		if (!write)
			*val = VGIC_ICFGR_SGI;
		return 0;
	}
	spin_lock(&d->lock);
	for (i = 0; i < 16; i++) {
		struct vgic_irq *irq = vgic_irq_get(d, c, first + i);
		uint32_t field = (uint32_t)(*val >> (2 * i)) & GIC_ICFG_FIELD_MASK;

		if (!irq)
			continue;
		if (!write) {
			if (irq->flags & VGIC_IRQ_EDGE)
				out |= GIC_ICFG_EDGE << (2 * i);
		} else if (field & GIC_ICFG_EDGE) {
			irq->flags |= VGIC_IRQ_EDGE;
		} else {
			irq->flags &= (uint8_t)~VGIC_IRQ_EDGE;
		}
	}
	spin_unlock(&d->lock);
	if (!write)
		*val = out;
	return 0;
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

/* -------------------------------------------------------- distributor */

static int vgic_ctlr_write(struct vgic_dist *d, uint64_t val)
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

static uint32_t vgic_typer(const struct vgic_dist *d)
{
	return (VGIC_NR_IRQS / 32 - 1) | ((d->nr_vcpus - 1) << GICD_TYPER_CPUNUM_SHIFT) |
	       (VGIC_TYPER_IDBITS << GICD_TYPER_IDBITS_SHIFT) | GICD_TYPER_NO1N;
}

/* Bank index and first INTID of an ISxxxR-style register at @off. */
static bool vgic_in_bank(uint64_t off, uint64_t base, uint64_t bytes, uint32_t *first,
			 unsigned int ids_per_reg)
{
	if (off < base || off >= base + bytes)
		return false;
	*first = (uint32_t)((off - base) / 4) * ids_per_reg;
	return true;
}

static int vgic_dist_bitregs(struct vgic_dist *d, uint64_t off, bool write, uint64_t *val,
			     bool *handled)
{
	static const struct {
		uint64_t base;
		enum vgic_bitreg reg;
		bool set;
	} banks[] = {
		{ GICD_ISENABLER, VGIC_REG_ENABLE, true },
		{ GICD_ICENABLER, VGIC_REG_ENABLE, false },
		{ GICD_ISPENDR, VGIC_REG_PENDING, true },
		{ GICD_ICPENDR, VGIC_REG_PENDING, false },
		{ GICD_ISACTIVER, VGIC_REG_ACTIVE, true },
		{ GICD_ICACTIVER, VGIC_REG_ACTIVE, false },
	};
	uint32_t first;
	unsigned int i;

	for (i = 0; i < sizeof(banks) / sizeof(banks[0]); i++) {
		if (!vgic_in_bank(off, banks[i].base, GICD_BITMAP_BYTES, &first, 32))
			continue;
		*handled = true;
		/* Bank 0 is the redistributors' business under ARE (RAZ/WI). */
		if (first < GIC_SPI_BASE) {
			return vgic_raz_wi(write, val);
		}
		return vgic_bitbank_access(d, NULL, first, banks[i].reg, banks[i].set, write, val);
	}
	*handled = false;
	return 0;
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
			return vgic_ctlr_write(d, *val);
		*val = d->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
		return 0;
	case GICD_TYPER:
		if (!write)
			*val = vgic_typer(d);
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

int vgic_dist_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t off, unsigned int size,
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

/* ------------------------------------------------------- redistributor */

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

bool vgic_is_gicd(const struct vgic_dist *d, uint64_t ipa)
{
	return ipa >= d->gicd_ipa && ipa - d->gicd_ipa < GICD_SIZE;
}

bool vgic_is_gicr(const struct vgic_dist *d, uint64_t ipa)
{
	return ipa >= d->gicr_ipa && ipa - d->gicr_ipa < (uint64_t)d->nr_vcpus * GICR_STRIDE;
}

int vgic_mmio_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t ipa, unsigned int size,
		     bool write, uint64_t *val)
{
	if (vgic_is_gicd(d, ipa))
		return vgic_dist_access(d, self, ipa - d->gicd_ipa, size, write, val);
	if (vgic_is_gicr(d, ipa))
		return vgic_redist_access(d, self, ipa - d->gicr_ipa, size, write, val);
	return -ENOENT;
}

/* ----------------------------------------------------------- injection */

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

	if (!d)
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

static void vgic_irq_make_pending(struct vgic_dist *d, struct vgic_irq *irq, uint32_t hw_pintid)
{
	if (hw_pintid)
		irq->hw_intid = (uint16_t)hw_pintid;
	irq->flags |= VGIC_IRQ_PENDING;
	d->stats.injected++;
}

int vgic_inject(struct vgic_dist *d, uint32_t intid, uint32_t hw_pintid)
{
	struct vgic_irq *irq;
	uint32_t kick;

	if (!d || intid < GIC_SPI_BASE || intid >= VGIC_NR_IRQS ||
	    hw_pintid >= GIC_INTID_SPECIAL_BASE)
		return -EINVAL;
	irq = &d->spis[intid - GIC_SPI_BASE];
	spin_lock(&d->lock);
	vgic_irq_make_pending(d, irq, hw_pintid);
	vgic_irq_changed(d, intid, irq);
	vgic_hw_unlatch_disabled(d, NULL, intid, irq);
	kick = vgic_cpu_bit(vgic_irq_target(d, NULL, intid, irq));
	spin_unlock(&d->lock);
	vgic_kick_mask(kick);
	return 0;
}

int vgic_inject_private(struct vgic_cpu *c, uint32_t intid, uint32_t hw_pintid)
{
	struct vgic_dist *d;

	if (!c || !c->dist || intid >= GIC_NR_PRIVATE || hw_pintid >= GIC_INTID_SPECIAL_BASE)
		return -EINVAL;
	d = c->dist;
	spin_lock(&d->lock);
	vgic_irq_make_pending(d, &c->priv[intid], hw_pintid);
	vgic_hw_unlatch_disabled(d, c, intid, &c->priv[intid]);
	spin_unlock(&d->lock);
	vgic_kick_mask(vgic_cpu_bit(c));
	return 0;
}

bool vgic_has_pending(struct vgic_cpu *c)
{
	struct vgic_dist *d = c->dist;
	bool ret = false;
	unsigned int i;

	spin_lock(&d->lock);
	for (i = 0; i < GIC_NR_PRIVATE && !ret; i++)
		ret = vgic_irq_deliverable(d, &c->priv[i]);
	for (i = 0; i < VGIC_NR_SPIS && !ret; i++)
		ret = (d->spi_live[i / 32] & (1u << (i % 32))) && d->spis[i].target == c->vcpu_id &&
		      vgic_irq_deliverable(d, &d->spis[i]);
	spin_unlock(&d->lock);
	return ret;
}

/* ------------------------------------------------------ list registers */

struct vgic_lr_pick {
	struct vgic_irq *irq;
	uint32_t intid;
};

/* Above every 8-bit priority: a pending-only interrupt sorts after actives. */
#define VGIC_LR_KEY_NOT_ACTIVE 0x100u

/* Sort key: active before pending (never strand an active one), then prio. */
static unsigned int vgic_lr_key(const struct vgic_irq *irq)
{
	return ((irq->flags & VGIC_IRQ_ACTIVE) ? 0 : VGIC_LR_KEY_NOT_ACTIVE) | irq->priority;
}

static bool vgic_wants_lr(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	if (irq->flags & VGIC_IRQ_IN_LR) /* another vCPU holds it */
		return false;
	return (irq->flags & VGIC_IRQ_ACTIVE) || vgic_irq_deliverable(d, irq);
}

/*
 * Insert into the sorted @pick[0..*n) keeping at most @max; returns true if
 * something (the candidate or a displaced entry) did not fit.
 */
static bool vgic_lr_insert(struct vgic_lr_pick *pick, unsigned int *n, unsigned int max,
			   struct vgic_irq *irq, uint32_t intid)
{
	unsigned int key = vgic_lr_key(irq);
	bool dropped = false;
	unsigned int pos = *n;

	while (pos > 0 && vgic_lr_key(pick[pos - 1].irq) > key)
		pos--;
	if (pos >= max)
		return true;
	if (*n == max)
		dropped = true;
	else
		(*n)++;
	for (unsigned int i = *n - 1; i > pos; i--)
		pick[i] = pick[i - 1];
	pick[pos].irq = irq;
	pick[pos].intid = intid;
	return dropped;
}

static uint64_t vgic_lr_value(struct vgic_irq *irq, uint32_t intid)
{
	uint64_t lr =
		(uint64_t)intid | (uint64_t)irq->priority << ICH_LR_PRIO_SHIFT | ICH_LR_GROUP1;

	if (irq->flags & VGIC_IRQ_ACTIVE)
		lr |= ICH_LR_ACTIVE;
	if (irq->hw_intid) {
		lr |= ICH_LR_HW | (uint64_t)irq->hw_intid << ICH_LR_PINTID_SHIFT;
		/* HW=1 cannot be pending+active (IHI0069 §12.5.10, State). */
		if (!(irq->flags & VGIC_IRQ_ACTIVE) && (irq->flags & VGIC_IRQ_PENDING)) {
			lr |= ICH_LR_PENDING;
			irq->flags &= (uint8_t)~VGIC_IRQ_PENDING;
		}
	} else if (irq->flags & VGIC_IRQ_PENDING) {
		lr |= ICH_LR_PENDING;
		irq->flags &= (uint8_t)~VGIC_IRQ_PENDING;
	}
	irq->flags |= VGIC_IRQ_IN_LR;
	return lr;
}

void vgic_flush_lrs(struct vgic_cpu *c)
{
	struct vgic_dist *d = c->dist;
	struct vgic_lr_pick pick[VGIC_MAX_LRS];
	unsigned int n = 0, i, w;
	bool overflow = false;
	uint32_t hcr = ICH_HCR_EN;
	bool clean = c->lrs_clean && !c->fresh;

	if (c->fresh) {
		/* first entry of this (re)started vCPU on its own pCPU */
		vgic_hw_reset_vcpu_if();
		c->fresh = false;
	}
	spin_lock(&d->lock);
	for (i = 0; i < GIC_NR_PRIVATE; i++)
		if (vgic_wants_lr(d, &c->priv[i]))
			overflow |= vgic_lr_insert(pick, &n, c->nr_lrs, &c->priv[i], i);
	for (w = 0; w < VGIC_NR_SPIS / 32; w++) {
		uint32_t live = d->spi_live[w];

		while (live) {
			i = w * 32 + (unsigned int)__builtin_ctz(live);
			live &= live - 1;
			if (d->spis[i].target == c->vcpu_id && vgic_wants_lr(d, &d->spis[i]))
				overflow |= vgic_lr_insert(pick, &n, c->nr_lrs, &d->spis[i],
							   GIC_SPI_BASE + i);
		}
	}
	c->lr_used = 0;
	c->lr_pending = 0;
	for (i = 0; i < c->nr_lrs; i++) {
		if (i < n) {
			uint64_t lr = vgic_lr_value(pick[i].irq, pick[i].intid);

			vgic_hw_write_lr(i, lr);
			vgic_irq_changed(d, pick[i].intid, pick[i].irq);
			c->lr_intid[i] = pick[i].intid;
			c->lr_used |= 1u << i;
			if (lr & ICH_LR_PENDING)
				c->lr_pending |= 1u << i;
		} else if (!clean) {
			vgic_hw_write_lr(i, 0);
		}
	}
	c->lrs_clean = n == 0;
	if (overflow) {
		/* Come back when the LRs drain to refill them (§12.5.7 UIE). */
		hcr |= ICH_HCR_UIE;
		d->stats.lr_overflows++;
	}
	if (hcr != c->hcr || !clean) {
		c->hcr = hcr;
		vgic_hw_write_hcr(hcr);
	}
	spin_unlock(&d->lock);
}

void vgic_sync_lrs(struct vgic_cpu *c)
{
	struct vgic_dist *d = c->dist;
	unsigned int i;

	spin_lock(&d->lock);
	for (i = 0; i < c->nr_lrs; i++) {
		struct vgic_irq *irq;
		uint64_t lr;

		if (!(c->lr_used & (1u << i)))
			continue;
		lr = vgic_hw_read_lr(i);
		vgic_hw_write_lr(i, 0);
		irq = vgic_irq_get(d, c, c->lr_intid[i]);
		if (!irq)
			continue;
		irq->flags &= (uint8_t) ~(VGIC_IRQ_IN_LR | VGIC_IRQ_ACTIVE);
		if (lr & ICH_LR_ACTIVE)
			irq->flags |= VGIC_IRQ_ACTIVE;
		/* OR: an injection while it sat in the LR stays latched. */
		if (lr & ICH_LR_PENDING)
			irq->flags |= VGIC_IRQ_PENDING;
		else if (c->lr_pending & (1u << i))
			irq->flags &= (uint8_t)~VGIC_IRQ_SW_PEND; /* the guest took it */
		vgic_irq_changed(d, c->lr_intid[i], irq);
		/* disabled (by another vCPU) while it sat in the LR */
		vgic_hw_unlatch_disabled(d, c, c->lr_intid[i], irq);
	}
	c->lr_used = 0;
	c->lr_pending = 0;
	c->lrs_clean = !c->fresh;
	if (c->hcr != ICH_HCR_EN) {
		/* no maintenance interrupt while the vCPU is out */
		c->hcr = ICH_HCR_EN;
		vgic_hw_write_hcr(ICH_HCR_EN);
	}
	spin_unlock(&d->lock);
}

void vgic_maintenance(struct vgic_cpu *c)
{
	uint32_t hcr = vgic_hw_read_hcr();

	vgic_hw_write_hcr(hcr & ~(ICH_HCR_UIE | ICH_HCR_NPIE | ICH_HCR_LRENPIE));
	if (c)
		c->hcr = hcr & ~(ICH_HCR_UIE | ICH_HCR_NPIE | ICH_HCR_LRENPIE);
}
