// SPDX-License-Identifier: MIT
/*
 * vGIC pure logic shared by GICv2 and GICv3: the interrupt state machine
 * (enable, pending, active, hardware-backed interrupts), the register banks
 * both distributors have, injection and list-register management.  The
 * version-specific register maps are vgic_v3.c (GICD with affinity routing,
 * GICR, ICC_SGI1R_EL1) and vgic_v2.c (GICD with ITARGETSR, GICD_SGIR and
 * banked private registers).  See vgic.h for the state model.  No hardware
 * access here: everything goes through the vgic_hw_*() layer so that this
 * file builds and runs on the host under cmocka and the sanitizers.
 *
 * References: GIC architecture specification IHI0069 (H.b): §12.9 GICD,
 * §12.5.10 ICH_LR<n>_EL2, §6.4 virtual interrupt handling; IHI0048B.b
 * chapter 5 (GICv2 virtualization).
 */
#include "vgic_internal.h"

/* ------------------------------------------------------------- helpers */

bool vgic_log_allowed(struct vgic_dist *d)
{
	uint64_t n = __atomic_fetch_add(&d->log_count, 1, __ATOMIC_RELAXED);

	return n < VGIC_LOG_BURST || (n % VGIC_LOG_EVERY) == 0;
}

static void vgic_irq_reset(struct vgic_irq *irq, uint32_t intid)
{
	irq->hw_intid = 0;
	irq->flags = intid < GIC_NR_SGIS ? VGIC_IRQ_EDGE : 0;
	irq->priority = 0;
	irq->target = VGIC_NO_TARGET;
	irq->sgi_pend = 0;
	irq->sgi_src = 0;
	irq->itargets = 0;
	irq->irouter = 0;
}

/* The state of @intid as seen by vCPU @c (private ones are per vCPU). */
struct vgic_irq *vgic_irq_get(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid)
{
	if (intid < GIC_NR_PRIVATE)
		return c ? &c->priv[intid] : NULL;
	if (intid < VGIC_NR_IRQS)
		return &d->spis[intid - GIC_SPI_BASE];
	return NULL;
}

/* The vCPU that receives @irq (owner @c for private interrupts). */
struct vgic_cpu *vgic_irq_target(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid,
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
void vgic_irq_changed(struct vgic_dist *d, uint32_t intid, const struct vgic_irq *irq)
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

void vgic_kick_mask(uint32_t mask)
{
	unsigned int cpu;

	for (cpu = 0; mask; cpu++, mask >>= 1)
		if (mask & 1)
			vgic_hw_kick(cpu);
}

uint32_t vgic_cpu_bit(const struct vgic_cpu *c)
{
	return c && c->pcpu < 32 ? 1u << c->pcpu : 0;
}

/* A register that reads as zero and ignores writes (RAZ/WI). */
int vgic_raz_wi(bool write, uint64_t *val)
{
	if (!write)
		*val = 0;
	return 0;
}

bool vgic_access_ok(uint64_t off, unsigned int size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	return (off & (size - 1)) == 0;
}

/* ----------------------------------------------------------- lifecycle */

void vgic_dist_reset(struct vgic_dist *d, unsigned int version, unsigned int nr_vcpus,
		     uint64_t gicd_ipa, uint64_t cpu_ipa)
{
	unsigned int i;

	/*
	 * A VM reset re-runs this while other VMs' pCPUs may still inject
	 * into it (remote I/O): reset under the lock, which a zeroed (static)
	 * struct vm already holds in its valid, unlocked state.
	 */
	spin_lock(&d->lock);
	d->version = version;
	d->ctlr = 0;
	d->nr_vcpus = nr_vcpus;
	d->gicd_ipa = gicd_ipa;
	d->cpu_ipa = cpu_ipa;
	d->log_count = 0;
	d->stats = (struct vgic_stats){ 0 };
	for (i = 0; i < VGIC_MAX_VCPUS; i++)
		d->vcpus[i] = NULL;
	for (i = 0; i < VGIC_NR_SPIS; i++)
		vgic_irq_reset(&d->spis[i], GIC_SPI_BASE + i);
	for (i = 0; i < VGIC_NR_SPIS / 32; i++)
		d->spi_live[i] = 0;
	spin_unlock(&d->lock);
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
	/* SPIs already routed to this vCPU (v3: IROUTER resets to 0). */
	for (i = 0; i < VGIC_NR_SPIS; i++) {
		struct vgic_irq *irq = &d->spis[i];
		bool routed = d->version == VGIC_V2 ? vgic_v2_spi_routes_to(irq, c)
						    : vgic_v3_spi_routes_to(irq, c);

		if (irq->target == VGIC_NO_TARGET && routed)
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

const struct vgic_bitbank *vgic_bitbank_find(uint64_t off, uint32_t *first)
{
	static const struct vgic_bitbank banks[] = {
		{ GICD_ISENABLER, VGIC_REG_ENABLE, true },
		{ GICD_ICENABLER, VGIC_REG_ENABLE, false },
		{ GICD_ISPENDR, VGIC_REG_PENDING, true },
		{ GICD_ICPENDR, VGIC_REG_PENDING, false },
		{ GICD_ISACTIVER, VGIC_REG_ACTIVE, true },
		{ GICD_ICACTIVER, VGIC_REG_ACTIVE, false },
	};
	unsigned int i;

	for (i = 0; i < sizeof(banks) / sizeof(banks[0]); i++)
		if (vgic_in_bank(off, banks[i].base, GICD_BITMAP_BYTES, first, 32))
			return &banks[i];
	return NULL;
}

/* One ISxxxR/ICxxxR register at @reg_off inside its bank. */
int vgic_bitbank_access(struct vgic_dist *d, struct vgic_cpu *c, uint32_t first,
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

int vgic_prio_access(struct vgic_dist *d, struct vgic_cpu *c, uint32_t first, unsigned int size,
		     bool write, uint64_t *val)
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

int vgic_cfg_access(struct vgic_dist *d, struct vgic_cpu *c, uint32_t first, bool write,
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

/* -------------------------------------------------------- distributor */

/* Bank index and first INTID of an ISxxxR-style register at @off. */
bool vgic_in_bank(uint64_t off, uint64_t base, uint64_t bytes, uint32_t *first,
		  unsigned int ids_per_reg)
{
	if (off < base || off >= base + bytes)
		return false;
	*first = (uint32_t)((off - base) / 4) * ids_per_reg;
	return true;
}

bool vgic_is_gicd(const struct vgic_dist *d, uint64_t ipa)
{
	return ipa >= d->gicd_ipa && ipa - d->gicd_ipa < GICD_SIZE;
}

int vgic_mmio_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t ipa, unsigned int size,
		     bool write, uint64_t *val)
{
	if (vgic_is_gicd(d, ipa))
		return vgic_dist_access(d, self, ipa - d->gicd_ipa, size, write, val);
	if (vgic_is_gicr(d, ipa))
		return vgic_redist_access(d, self, ipa - d->cpu_ipa, size, write, val);
	return -ENOENT;
}

bool vgic_is_gicr(const struct vgic_dist *d, uint64_t ipa)
{
	/* GICv2 has no redistributors; its GICC window is GICV, not trapped */
	return d->version == VGIC_V3 && vgic_v3_is_gicr(d, ipa);
}

int vgic_dist_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t off, unsigned int size,
		     bool write, uint64_t *val)
{
	if (d && d->version == VGIC_V2)
		return vgic_v2_dist_access(d, self, off, size, write, val);
	return vgic_v3_dist_access(d, self, off, size, write, val);
}

/* ----------------------------------------------------------- injection */

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
	/* a GICv2 SGI has a source vCPU: only GICD_SGIR makes one */
	if (d->version == VGIC_V2 && intid < GIC_NR_SGIS)
		return -EINVAL;
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

/*
 * A GICv2 SGI is pending once per source vCPU (IHI0048B §3.2.2) and an LR
 * carries one source (GICH_LR<n>.CPUID): load the active occurrence, or the
 * lowest pending source, and ask for a maintenance interrupt at its EOI
 * while others wait, to load the next one.
 */
static uint64_t vgic_lr_v2_sgi(struct vgic_irq *irq, uint64_t lr)
{
	uint8_t src;

	if (irq->flags & VGIC_IRQ_ACTIVE) {
		src = irq->sgi_src;
		if (irq->sgi_pend & (1u << src)) {
			lr |= ICH_LR_PENDING;
			irq->sgi_pend &= (uint8_t) ~(1u << src);
		}
	} else {
		src = (uint8_t)__builtin_ctz(irq->sgi_pend);
		irq->sgi_pend &= (uint8_t) ~(1u << src);
		irq->sgi_src = src;
		lr |= ICH_LR_PENDING;
	}
	if (irq->sgi_pend)
		lr |= ICH_LR_EOI;
	else
		irq->flags &= (uint8_t)~VGIC_IRQ_PENDING;
	return lr | (uint64_t)src << VGIC_LR_SGI_SRC_SHIFT;
}

static uint64_t vgic_lr_value(const struct vgic_dist *d, struct vgic_irq *irq, uint32_t intid)
{
	uint64_t lr =
		(uint64_t)intid | (uint64_t)irq->priority << ICH_LR_PRIO_SHIFT | ICH_LR_GROUP1;

	if (irq->flags & VGIC_IRQ_ACTIVE)
		lr |= ICH_LR_ACTIVE;
	if (d->version == VGIC_V2 && intid < GIC_NR_SGIS &&
	    (irq->sgi_pend || (irq->flags & VGIC_IRQ_ACTIVE))) {
		lr = vgic_lr_v2_sgi(irq, lr);
	} else if (irq->hw_intid) {
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
			uint64_t lr = vgic_lr_value(d, pick[i].irq, pick[i].intid);

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

/* A GICv2 SGI's source comes back with its LR (see vgic_lr_v2_sgi()). */
static void vgic_sync_v2_sgi(struct vgic_irq *irq, uint64_t lr)
{
	uint8_t src = (uint8_t)((lr >> VGIC_LR_SGI_SRC_SHIFT) & VGIC_LR_SGI_SRC_MASK);

	if (lr & ICH_LR_ACTIVE)
		irq->sgi_src = src;
	if (lr & ICH_LR_PENDING)
		irq->sgi_pend |= (uint8_t)(1u << src);
	if (irq->sgi_pend)
		irq->flags |= VGIC_IRQ_PENDING;
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
		if (d->version == VGIC_V2 && c->lr_intid[i] < GIC_NR_SGIS)
			vgic_sync_v2_sgi(irq, lr);
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
