// SPDX-License-Identifier: MIT
/*
 * Physical GICv3 at EL2: distributor, redistributors and the system
 * register CPU interface (IHI0069 chapters 12.1-12.11).
 *
 * Every interrupt is Group 1 Non-secure with one priority; EL2 runs with
 * ICC_CTLR_EL1.EOImode = 1, so ICC_EOIR1_EL1 only drops the running
 * priority and ICC_DIR_EL1 deactivates (§4.1.1 "Priority drop and
 * interrupt deactivation").  For an interrupt given to a VM the hypervisor
 * performs only the priority drop; the guest deactivates the physical
 * interrupt itself through its HW=1 list register.
 *
 * The physical GIC is one piece of hardware, hence the one struct gic below.
 */
#include "gic.h"
#include "hyp.h"
#include "log.h"
#include "pcpu.h"
#include "platform.h"
#include "spinlock.h"
#include "sysreg.h"
#include "vgic.h"

/* ICC / ICH system registers as S<op0>_<op1>_C<n>_C<m>_<op2> (IHI0069 §12.1.1). */
#define ICC_IAR1_EL1	S3_0_C12_C12_0
#define ICC_EOIR1_EL1	S3_0_C12_C12_1
#define ICC_BPR1_EL1	S3_0_C12_C12_3
#define ICC_CTLR_EL1	S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_DIR_EL1	S3_0_C12_C11_1
#define ICC_SGI1R_EL1	S3_0_C12_C11_5
#define ICC_PMR_EL1	S3_0_C4_C6_0
#define ICC_SRE_EL2	S3_4_C12_C9_5
#define ICH_HCR_EL2	S3_4_C12_C11_0
#define ICH_VMCR_EL2	S3_4_C12_C11_7
#define ICH_AP1R0_EL2	S3_4_C12_C9_0

#define GIC_RWP_SPINS	  1000000 /* bounded waits on RWP/ChildrenAsleep */
#define GIC_HANDLE_MAX	  64	  /* interrupts drained per call */
#define GIC_LOG_BUDGET	  32
#define GIC_PRIO_WORD	  0xa0a0a0a0u /* GIC_PRIO_DEFAULT x4 */
#define GIC_HYP_SGIS_MASK ((1u << (GIC_SGI_HYP_MAX + 1)) - 1)
#define GIC_MAX_INTIDS	  (GIC_MAX_SPI + 1)

#define rd32(a)	   (*(volatile uint32_t *)(uintptr_t)(a))
#define wr32(a, v) (*(volatile uint32_t *)(uintptr_t)(a) = (uint32_t)(v))
#define rd64(a)	   (*(volatile uint64_t *)(uintptr_t)(a))
#define wr64(a, v) (*(volatile uint64_t *)(uintptr_t)(a) = (uint64_t)(v))

/**
 * struct gic - the physical GIC
 * @lock:      guards the ownership tables
 * @nr_irqs:   INTIDs the distributor implements (GICD_TYPER)
 * @rd_base:   RD_base of each CPU's redistributor, 0 until gic_init_cpu()
 * @mpidr:     affinity of each CPU (MPIDR_EL1 & MPIDR_AFF_MASK)
 * @spi_owner: VM receiving each SPI, NULL if the hypervisor keeps it
 * @ppi_owner: vCPU receiving each PPI of each CPU
 * @log_budget: unexpected-interrupt messages left
 */
struct gic {
	spinlock_t lock;
	uint32_t nr_irqs;
	uint64_t rd_base[GIC_MAX_CPUS];
	uint64_t mpidr[GIC_MAX_CPUS];
	struct vgic_dist *spi_owner[GIC_MAX_INTIDS];
	struct vgic_cpu *ppi_owner[GIC_MAX_CPUS][GIC_NR_PRIVATE];
	uint32_t log_budget;
};

static struct gic gic = { .lock = SPINLOCK_INIT, .log_budget = GIC_LOG_BUDGET };

static uint64_t gicd(uint32_t off)
{
	return GIC_PHYS_GICD_BASE + off;
}

static uint64_t gicr_sgi(unsigned int cpu, uint32_t off)
{
	return gic.rd_base[cpu] + GICR_SGI_BASE + off;
}

static int gic_wait_clear(uint64_t reg, uint32_t bit)
{
	unsigned int i;

	for (i = 0; i < GIC_RWP_SPINS; i++)
		if (!(rd32(reg) & bit))
			return 0;
	return -EBUSY;
}

static uint64_t gic_cpu_mpidr(unsigned int cpu)
{
	if (cpu < GIC_MAX_CPUS && gic.rd_base[cpu])
		return gic.mpidr[cpu];
	return plat_cpu_mpidr(cpu) & MPIDR_AFF_MASK;
}

unsigned int gic_this_cpu(void)
{
	return plat_cpu_index();
}

/* ------------------------------------------------------------------ init */

int gic_init_boot(void)
{
	uint32_t pidr2 = rd32(gicd(GICD_PIDR2)) & GIC_PIDR2_ARCH_MASK;
	uint64_t boot_aff = sysreg_read(mpidr_el1) & MPIDR_AFF_MASK;
	uint32_t i;

	/* ArchRev 3 (GICv3) or 4 (GICv4, a superset). */
	if (pidr2 != GIC_PIDR2_ARCH_GICV3 && pidr2 != GIC_PIDR2_ARCH_GICV4)
		return -ENODEV;

	wr32(gicd(GICD_CTLR), 0);
	if (gic_wait_clear(gicd(GICD_CTLR), GICD_CTLR_RWP))
		return -ENODEV;
	gic.nr_irqs = ((rd32(gicd(GICD_TYPER)) & GICD_TYPER_ITLINES_MASK) + 1) * 32;
	if (gic.nr_irqs > GIC_MAX_INTIDS)
		gic.nr_irqs = GIC_MAX_INTIDS;

	for (i = GIC_SPI_BASE; i < gic.nr_irqs; i += 32) {
		wr32(gicd(GICD_IGROUPR + i / 8), ~0u);
		wr32(gicd(GICD_ICENABLER + i / 8), ~0u);
		wr32(gicd(GICD_ICPENDR + i / 8), ~0u);
		wr32(gicd(GICD_ICACTIVER + i / 8), ~0u);
	}
	for (i = GIC_SPI_BASE; i < gic.nr_irqs; i += 4)
		wr32(gicd(GICD_IPRIORITYR + i), GIC_PRIO_WORD);
	for (i = GIC_SPI_BASE; i < gic.nr_irqs; i++)
		wr64(gicd(GICD_IROUTER + 8 * i), boot_aff);
	if (gic_wait_clear(gicd(GICD_CTLR), GICD_CTLR_RWP))
		return -ENODEV;

	/* Affinity routing, Group 1 (bit 1 in both the DS=1 and NS views). */
	wr32(gicd(GICD_CTLR), GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
	return gic_wait_clear(gicd(GICD_CTLR), GICD_CTLR_RWP) ? -ENODEV : 0;
}

/* The redistributor whose GICR_TYPER.Affinity matches @aff (§12.11.35). */
static uint64_t gic_find_redist(uint64_t aff)
{
	uint64_t want = (uint64_t)MPIDR_AFF3(aff) << 24 | MPIDR_AFF2(aff) << 16 |
			MPIDR_AFF1(aff) << 8 | MPIDR_AFF0(aff);
	unsigned int i;

	for (i = 0; i < GIC_PHYS_GICR_MAX; i++) {
		uint64_t base = GIC_PHYS_GICR_BASE + (uint64_t)i * GICR_STRIDE;
		uint64_t typer = rd64(base + GICR_TYPER);

		if ((typer >> GICR_TYPER_AFF_SHIFT) == want)
			return base;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

static int gic_wake_redist(uint64_t rd)
{
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
	return gic_wait_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP);
}

static void gic_init_private(unsigned int cpu)
{
	uint32_t enable = GIC_HYP_SGIS_MASK | (1u << GIC_PPI_MAINT) | (1u << GIC_PPI_HYP_TIMER);
	unsigned int i;

	wr32(gicr_sgi(cpu, GICR_IGROUPR0), ~0u);
	wr32(gicr_sgi(cpu, GICR_ICENABLER0), ~0u);
	wr32(gicr_sgi(cpu, GICR_ICPENDR0), ~0u);
	wr32(gicr_sgi(cpu, GICR_ICACTIVER0), ~0u);
	for (i = 0; i < GIC_NR_PRIVATE; i += 4)
		wr32(gicr_sgi(cpu, GICR_IPRIORITYR0 + i), GIC_PRIO_WORD);
	/* PPIs given to a vCPU stay disabled until its guest enables them. */
	(void)gic_wait_clear(gic.rd_base[cpu] + GICR_CTLR, GICR_CTLR_RWP);
	wr32(gicr_sgi(cpu, GICR_ISENABLER0), enable);
}

static void gic_init_cpu_if(void)
{
	unsigned int i;

	sysreg_write(ICC_SRE_EL2, ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB | ICC_SRE_EL2_ENABLE);
	isb();
	sysreg_write(ICC_PMR_EL1, GIC_PRIO_MASK_ALL_OPEN);
	sysreg_write(ICC_BPR1_EL1, 0);
	sysreg_write(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
	sysreg_write(ICC_IGRPEN1_EL1, ICC_IGRPEN1_EN);
	/* a clean virtual interface: no LRs, no active priorities */
	for (i = 0; i < vgic_hw_nr_lrs(); i++)
		vgic_hw_write_lr(i, 0);
	sysreg_write(ICH_AP1R0_EL2, 0);
	sysreg_write(ICH_VMCR_EL2, 0);
	sysreg_write(ICH_HCR_EL2, ICH_HCR_EN);
	isb();
}

int gic_init_cpu(unsigned int cpu)
{
	uint64_t aff = sysreg_read(mpidr_el1) & MPIDR_AFF_MASK;
	uint64_t rd;

	if (cpu >= GIC_MAX_CPUS)
		return -EINVAL;
	rd = gic_find_redist(aff);
	if (!rd)
		return -ENODEV;
	if (gic_wake_redist(rd))
		return -ENODEV;
	gic.mpidr[cpu] = aff;
	__atomic_store_n(&gic.rd_base[cpu], rd, __ATOMIC_RELEASE);
	gic_init_private(cpu);
	gic_init_cpu_if();
	return 0;
}

/* ---------------------------------------------------------------- SGIs */

void gic_send_sgi(unsigned int pcpu, unsigned int sgi)
{
	uint64_t aff, v;

	if (pcpu >= GIC_MAX_CPUS || sgi > GIC_SGI_HYP_MAX)
		return;
	aff = gic_cpu_mpidr(pcpu);
	/* TargetList covers Aff0 16 at a time, RS selects the group (§12.2.23) */
	v = (uint64_t)MPIDR_AFF3(aff) << ICC_SGI1R_AFF3_SHIFT |
	    (uint64_t)MPIDR_AFF2(aff) << ICC_SGI1R_AFF2_SHIFT |
	    (uint64_t)MPIDR_AFF1(aff) << ICC_SGI1R_AFF1_SHIFT |
	    (uint64_t)(MPIDR_AFF0(aff) / 16) << ICC_SGI1R_RS_SHIFT |
	    (uint64_t)sgi << ICC_SGI1R_INTID_SHIFT | 1ull << (MPIDR_AFF0(aff) % 16);
	/* the kicked CPU must see the state we published before the SGI */
	dsb(ish);
	sysreg_write(ICC_SGI1R_EL1, v);
	isb();
}

/* ------------------------------------------------ per-interrupt control */

static void gic_bit_write(unsigned int cpu, uint32_t intid, uint32_t dist_reg, uint32_t redist_reg)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid >= GIC_SPI_BASE)
		wr32(gicd(dist_reg + (intid / 32) * 4), bit);
	else if (cpu < GIC_MAX_CPUS && gic.rd_base[cpu])
		wr32(gicr_sgi(cpu, redist_reg), bit);
}

void gic_irq_set_enable(uint32_t intid, unsigned int pcpu, bool enable)
{
	if (intid >= gic.nr_irqs)
		return;
	if (enable)
		gic_bit_write(pcpu, intid, GICD_ISENABLER, GICR_ISENABLER0);
	else
		gic_bit_write(pcpu, intid, GICD_ICENABLER, GICR_ICENABLER0);
}

void gic_irq_deactivate(uint32_t intid, unsigned int pcpu)
{
	if (intid >= gic.nr_irqs)
		return;
	gic_bit_write(pcpu, intid, GICD_ICACTIVER, GICR_ICACTIVER0);
}

bool gic_irq_pending(uint32_t intid, unsigned int pcpu)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid >= gic.nr_irqs)
		return false;
	if (intid >= GIC_SPI_BASE)
		return rd32(gicd(GICD_ISPENDR + (intid / 32) * 4)) & bit;
	if (pcpu < GIC_MAX_CPUS && gic.rd_base[pcpu])
		return rd32(gicr_sgi(pcpu, GICR_ISPENDR0)) & bit;
	return false;
}

void gic_irq_set_pending(uint32_t intid, unsigned int pcpu, bool pending)
{
	if (intid >= gic.nr_irqs)
		return;
	if (pending)
		gic_bit_write(pcpu, intid, GICD_ISPENDR, GICR_ISPENDR0);
	else
		gic_bit_write(pcpu, intid, GICD_ICPENDR, GICR_ICPENDR0);
}

void gic_irq_route(uint32_t intid, unsigned int pcpu)
{
	if (intid < GIC_SPI_BASE || intid >= gic.nr_irqs || pcpu >= GIC_MAX_CPUS)
		return;
	wr64(gicd(GICD_IROUTER + 8 * intid), gic_cpu_mpidr(pcpu));
}

int gic_assign_irq(uint32_t intid, struct vgic_dist *vm, struct vgic_cpu *target)
{
	unsigned int cpu;
	int ret = 0;

	if (!vm || !target || target->pcpu >= GIC_MAX_CPUS)
		return -EINVAL;
	cpu = target->pcpu;
	if (intid < GIC_NR_SGIS || intid >= VGIC_NR_IRQS ||
	    (intid >= GIC_SPI_BASE && intid >= gic.nr_irqs))
		return -EINVAL;

	spin_lock(&gic.lock);
	if (intid < GIC_SPI_BASE) {
		struct vgic_cpu *old = gic.ppi_owner[cpu][intid];

		if (intid == GIC_PPI_MAINT || (old && old != target))
			ret = old ? -EBUSY : -EINVAL;
		else
			gic.ppi_owner[cpu][intid] = target;
	} else {
		struct vgic_dist *old = gic.spi_owner[intid];

		if (old && old != vm)
			ret = -EBUSY;
		else
			gic.spi_owner[intid] = vm;
	}
	spin_unlock(&gic.lock);
	if (ret)
		return ret;

	ret = vgic_bind_hw(vm, target, intid);
	if (ret)
		return ret;
	/*
	 * Disabled until the guest enables it (the vGIC mirrors its enable
	 * bit): while disabled, the physical GIC keeps the pending state of
	 * the line instead of the hypervisor acknowledging it for nobody.
	 */
	gic_irq_set_enable(intid, cpu, false);
	if (intid >= GIC_SPI_BASE)
		gic_irq_route(intid, cpu);
	return 0;
}

void gic_release_irqs(const struct vgic_dist *vm)
{
	unsigned int cpu, i;

	spin_lock(&gic.lock);
	for (i = GIC_SPI_BASE; i < gic.nr_irqs; i++) {
		if (gic.spi_owner[i] != vm)
			continue;
		gic.spi_owner[i] = NULL;
		gic_irq_set_enable(i, 0, false);
		gic_irq_deactivate(i, 0);
	}
	for (cpu = 0; cpu < GIC_MAX_CPUS; cpu++) {
		for (i = GIC_NR_SGIS; i < GIC_NR_PRIVATE; i++) {
			struct vgic_cpu *c = gic.ppi_owner[cpu][i];

			if (!c || c->dist != vm)
				continue;
			gic.ppi_owner[cpu][i] = NULL;
			gic_irq_set_enable(i, cpu, false);
			gic_irq_deactivate(i, cpu);
		}
	}
	spin_unlock(&gic.lock);
}

/* ------------------------------------------------------------- handling */

static void gic_eoi(uint32_t iar, bool deactivate)
{
	sysreg_write(ICC_EOIR1_EL1, iar);
	if (deactivate)
		sysreg_write(ICC_DIR_EL1, iar);
}

/* Forward @intid to its VM; false if nobody owns it. */
static bool gic_forward(unsigned int cpu, uint32_t intid)
{
	struct vgic_dist *vm = NULL;
	struct vgic_cpu *c = NULL;

	spin_lock(&gic.lock);
	if (intid < GIC_SPI_BASE)
		c = gic.ppi_owner[cpu][intid];
	else if (intid < gic.nr_irqs)
		vm = gic.spi_owner[intid];
	spin_unlock(&gic.lock);

	if (c)
		return vgic_inject_private(c, intid, intid) == 0;
	if (vm)
		return vgic_inject(vm, intid, intid) == 0;
	return false;
}

void gic_handle_irq(struct vgic_cpu *current)
{
	unsigned int cpu = gic_this_cpu();
	unsigned int n;

	if (cpu >= GIC_MAX_CPUS)
		return;
	for (n = 0; n < GIC_HANDLE_MAX; n++) {
		uint32_t iar = (uint32_t)sysreg_read(ICC_IAR1_EL1);
		uint32_t intid = iar & ICC_IAR_INTID_MASK;

		if (intid >= GIC_INTID_SPECIAL_BASE)
			break;
		if (intid < GIC_NR_SGIS) {
			/* a kick: the exit path re-evaluates the LRs */
			gic_eoi(iar, true);
			continue;
		}
		if (intid == GIC_PPI_MAINT) {
			/* level-sensitive: silence it before deactivating */
			vgic_maintenance(current);
			isb();
			gic_eoi(iar, true);
			continue;
		}
		if (intid == GIC_PPI_HYP_TIMER) {
			/* level-sensitive: silence it; the exit acts on it */
			pcpu_timer_fired();
			gic_eoi(iar, true);
			continue;
		}
		if (gic_forward(cpu, intid)) {
			/* priority drop only; the guest deactivates (HW=1) */
			gic_eoi(iar, false);
			continue;
		}
		gic_irq_set_enable(intid, cpu, false);
		gic_eoi(iar, true);
		hyp_log_ratelimited(&gic.log_budget,
				    "bulkhead: cpu %u: unexpected interrupt %u disabled\n", cpu,
				    intid);
	}
}
