// SPDX-License-Identifier: MIT
/*
 * The physical GIC at EL2, the part GICv2 and GICv3 share: which VM owns
 * which interrupt, forwarding into the vGIC, and the interrupt loop.  The
 * version-specific drivers are gic_v3.c (IHI0069) and gic_v2.c (IHI0048B);
 * the platform says which one runs (PLAT_GIC_VERSION, plat_desc.h).
 *
 * Both run with EOImode = 1 (split priority drop and deactivation, IHI0069
 * §4.1.1, IHI0048B §3.2.1): for an interrupt given to a VM the hypervisor
 * performs only the priority drop; the guest deactivates the physical
 * interrupt itself through its HW=1 list register.
 *
 * The physical GIC is one piece of hardware, hence the one struct gic below.
 */
#include "gic.h"
#include "gic_ops.h"
#include "hyp.h"
#include "log.h"
#include "pcpu.h"
#include <plat_desc.h>
#include "platform.h"
#include "spinlock.h"
#include "sysreg.h"
#include "vgic.h"

#define GIC_HANDLE_MAX 64 /* interrupts drained per call */
#define GIC_LOG_BUDGET 32
#define GIC_MAX_INTIDS (GIC_MAX_SPI + 1)

/**
 * struct gic - ownership of the physical interrupts
 * @lock:       guards the ownership tables
 * @spi_owner:  VM receiving each SPI, NULL if the hypervisor keeps it
 * @ppi_owner:  vCPU receiving each PPI of each CPU
 * @log_budget: unexpected-interrupt messages left
 */
struct gic {
	spinlock_t lock;
	struct vgic_dist *spi_owner[GIC_MAX_INTIDS];
	struct vgic_cpu *ppi_owner[GIC_MAX_CPUS][GIC_NR_PRIVATE];
	uint32_t log_budget;
};

static struct gic gic = { .lock = SPINLOCK_INIT, .log_budget = GIC_LOG_BUDGET };

uint32_t gic_nr_irqs;

#if PLAT_GIC_VERSION == 2
static const struct gic_ops *const ops = &gic_v2_ops;
#elif PLAT_GIC_VERSION == 3
static const struct gic_ops *const ops = &gic_v3_ops;
#else
#error "PLAT_GIC_VERSION must be 2 or 3"
#endif

_Static_assert(PLAT_GIC_MAINT_INTID == GIC_PPI_MAINT, "maintenance PPI of the platform");

int gic_wait_clear(uint64_t reg, uint32_t bit)
{
	unsigned int i;

	for (i = 0; i < GIC_RWP_SPINS; i++)
		if (!(gic_rd32(reg) & bit))
			return 0;
	return -EBUSY;
}

unsigned int gic_this_cpu(void)
{
	return plat_cpu_index();
}

unsigned int gic_version(void)
{
	return ops->version;
}

/* ------------------------------------------------------------------ init */

int gic_init_boot(void)
{
	int n = ops->init_boot();

	if (n < 0)
		return n;
	gic_nr_irqs = (uint32_t)n > GIC_MAX_INTIDS ? GIC_MAX_INTIDS : (uint32_t)n;
	return 0;
}

int gic_init_cpu(unsigned int cpu)
{
	if (cpu >= GIC_MAX_CPUS)
		return -EINVAL;
	return ops->init_cpu(cpu);
}

void gic_send_sgi(unsigned int pcpu, unsigned int sgi)
{
	if (pcpu >= GIC_MAX_CPUS || sgi > GIC_SGI_HYP_MAX)
		return;
	ops->send_sgi(pcpu, sgi);
}

/* ------------------------------------------------ per-interrupt control */

void gic_irq_set_enable(uint32_t intid, unsigned int pcpu, bool enable)
{
	if (intid < gic_nr_irqs)
		ops->set_enable(intid, pcpu, enable);
}

void gic_irq_deactivate(uint32_t intid, unsigned int pcpu)
{
	if (intid < gic_nr_irqs)
		ops->deactivate(intid, pcpu);
}

bool gic_irq_pending(uint32_t intid, unsigned int pcpu)
{
	return intid < gic_nr_irqs && ops->pending(intid, pcpu);
}

void gic_irq_set_pending(uint32_t intid, unsigned int pcpu, bool pending)
{
	if (intid < gic_nr_irqs)
		ops->set_pending(intid, pcpu, pending);
}

void gic_irq_route(uint32_t intid, unsigned int pcpu)
{
	if (intid >= GIC_SPI_BASE && intid < gic_nr_irqs && pcpu < GIC_MAX_CPUS)
		ops->route(intid, pcpu);
}

int gic_assign_irq(uint32_t intid, struct vgic_dist *vm, struct vgic_cpu *target)
{
	unsigned int cpu;
	int ret = 0;

	if (!vm || !target || target->pcpu >= GIC_MAX_CPUS)
		return -EINVAL;
	cpu = target->pcpu;
	if (intid < GIC_NR_SGIS || intid >= VGIC_NR_IRQS ||
	    (intid >= GIC_SPI_BASE && intid >= gic_nr_irqs))
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
	for (i = GIC_SPI_BASE; i < gic_nr_irqs; i++) {
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
	ops->eoi(iar);
	if (deactivate)
		ops->dir(iar);
}

/* Forward @intid to its VM; false if nobody owns it. */
static bool gic_forward(unsigned int cpu, uint32_t intid)
{
	struct vgic_dist *vm = NULL;
	struct vgic_cpu *c = NULL;

	spin_lock(&gic.lock);
	if (intid < GIC_SPI_BASE)
		c = gic.ppi_owner[cpu][intid];
	else if (intid < gic_nr_irqs)
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
	if (ops->poll)
		ops->poll(cpu);
	for (n = 0; n < GIC_HANDLE_MAX; n++) {
		uint32_t iar = ops->ack();
		uint32_t intid = iar & ops->iar_intid;

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

/* ------------------------------------------------- virtual interface */

unsigned int gic_vif_nr_lrs(void)
{
	return ops->nr_lrs();
}

uint64_t gic_vif_read_lr(unsigned int n)
{
	return ops->read_lr(n);
}

void gic_vif_write_lr(unsigned int n, uint64_t val)
{
	ops->write_lr(n, val);
}

uint32_t gic_vif_read_hcr(void)
{
	return ops->read_hcr();
}

void gic_vif_write_hcr(uint32_t val)
{
	ops->write_hcr(val);
}

void gic_vif_reset(void)
{
	ops->reset_vif();
}
