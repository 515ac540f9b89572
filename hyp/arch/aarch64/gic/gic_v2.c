// SPDX-License-Identifier: MIT
/*
 * Physical GICv2 at EL2 (IHI0048B.b): distributor (§4.3), the memory-mapped
 * CPU interface GICC (§4.4) and the virtualization extensions' control
 * interface GICH (§5.3).  No Security Extensions on QEMU virt: every
 * interrupt stays Group 0, signalled as IRQ (GICC_CTLR.FIQEn = 0), one
 * priority, EOImode = 1 (gic.c).  SPIs are routed by GICD_ITARGETSR to one
 * CPU; SGIs are sent through GICD_SGIR.
 *
 * SGIs and PPIs are banked per CPU inside the distributor: a CPU reaches
 * only its own.  An operation on another pCPU's PPI (a VM stopped from
 * another pCPU) is queued for that pCPU and done in its interrupt path,
 * after a kick (docs/vgic.md, "GICv2").
 */
#include "gic.h"
#include "gic_ops.h"
#include "gic_v2.h"
#include "hyp.h"
#include <plat_desc.h>
#include "sysreg.h"

/* built for GICv2 platforms only (hyp/build.mk) */
#define V2_GICD PLAT_GICD_BASE
#define V2_GICC PLAT_GICC_BASE
#define V2_GICH PLAT_GICH_BASE

#define GIC_HYP_SGIS_MASK ((1u << (GIC_SGI_HYP_MAX + 1)) - 1)
#define V2_PRIVATE_ENABLE (GIC_HYP_SGIS_MASK | (1u << GIC_PPI_MAINT) | (1u << GIC_PPI_HYP_TIMER))

#define rd8(a)	  (*(volatile uint8_t *)(uintptr_t)(a))
#define wr8(a, v) (*(volatile uint8_t *)(uintptr_t)(a) = (uint8_t)(v))

/* Banked work queued for a pCPU by another (bit n = INTID n). */
enum v2_queue {
	V2_Q_EN_CLR,
	V2_Q_EN_SET,
	V2_Q_PEND_CLR,
	V2_Q_PEND_SET,
	V2_Q_DEACT,
	V2_Q_NR,
};

/**
 * struct gic_v2 - what the GICv2 driver knows of each CPU
 * @cpu_mask: the CPU interface's bit in ITARGETSR/SGIR, 0 until its init
 * @queue:    banked operations waiting for that CPU (enum v2_queue)
 */
struct gic_v2 {
	uint8_t cpu_mask[GIC_MAX_CPUS];
	uint32_t queue[GIC_MAX_CPUS][V2_Q_NR];
};

static struct gic_v2 v2;

static void v2_bit_write(uint32_t reg, uint32_t intid)
{
	gic_wr32(V2_GICD + reg + (intid / 32) * 4, 1u << (intid % 32));
}

/* ------------------------------------------------------------------ init */

/*
 * This CPU's interface bit: ITARGETSR0..7 read as it (§4.3.12), except on a
 * uniprocessor GIC, where they are RAZ/WI and the one CPU is interface 0.
 */
static uint8_t v2_own_mask(unsigned int cpu)
{
	uint8_t mask = rd8(V2_GICD + GICD_ITARGETSR);

	return mask ? mask : (uint8_t)(1u << cpu);
}

static int v2_init_boot(void)
{
	uint32_t i, nr, mask;

	if ((gic_rd32(V2_GICD + GICV2_GICD_PIDR2) & GIC_PIDR2_ARCH_MASK) != 0x20)
		return -ENODEV;
	gic_wr32(V2_GICD + GICD_CTLR, 0);
	nr = ((gic_rd32(V2_GICD + GICD_TYPER) & GICD_TYPER_ITLINES_MASK) + 1) * 32;
	if (nr > GIC_MAX_SPI + 1)
		nr = GIC_MAX_SPI + 1;
	mask = v2_own_mask(0); /* the boot CPU's */
	for (i = GIC_SPI_BASE; i < nr; i += 32) {
		gic_wr32(V2_GICD + GICD_ICENABLER + i / 8, ~0u);
		gic_wr32(V2_GICD + GICD_ICPENDR + i / 8, ~0u);
		gic_wr32(V2_GICD + GICD_ICACTIVER + i / 8, ~0u);
	}
	for (i = GIC_SPI_BASE; i < nr; i += 4) {
		gic_wr32(V2_GICD + GICD_IPRIORITYR + i, GIC_PRIO_WORD);
		gic_wr32(V2_GICD + GICD_ITARGETSR + i, mask * 0x01010101u);
	}
	gic_wr32(V2_GICD + GICD_CTLR, GICV2_GICD_CTLR_ENABLE | GICV2_GICD_CTLR_GRP1);
	return (int)nr;
}

static void v2_poll(unsigned int cpu);

static int v2_init_cpu(unsigned int cpu)
{
	unsigned int i;

	gic_wr32(V2_GICD + GICD_ICENABLER, ~0u);
	gic_wr32(V2_GICD + GICD_ICPENDR, ~0u);
	gic_wr32(V2_GICD + GICD_ICACTIVER, ~0u);
	for (i = 0; i < GIC_NR_PRIVATE; i += 4)
		gic_wr32(V2_GICD + GICD_IPRIORITYR + i, GIC_PRIO_WORD);
	/* PPIs given to a vCPU stay disabled until its guest enables them. */
	gic_wr32(V2_GICD + GICD_ISENABLER, V2_PRIVATE_ENABLE);

	gic_wr32(V2_GICC + GICC_PMR, GIC_PRIO_MASK_ALL_OPEN);
	gic_wr32(V2_GICC + GICC_BPR, 0);
	gic_wr32(V2_GICC + GICC_CTLR,
		 GICC_CTLR_GRP0 | GICC_CTLR_GRP1 | GICC_CTLR_EOIMODE | GICC_CTLR_EOIMODE_NS);

	/* a clean virtual interface: no LRs, no active priorities */
	for (i = 0; i < (gic_rd32(V2_GICH + GICH_VTR) & GICH_VTR_LISTREGS_MASK) + 1; i++)
		gic_wr32(V2_GICH + GICH_LR0 + 4 * i, 0);
	gic_wr32(V2_GICH + GICH_APR, 0);
	gic_wr32(V2_GICH + GICH_VMCR, 0);
	gic_wr32(V2_GICH + GICH_HCR, ICH_HCR_EN);

	__atomic_store_n(&v2.cpu_mask[cpu], v2_own_mask(cpu), __ATOMIC_RELEASE);
	v2_poll(cpu); /* what others queued before this CPU was up */
	return 0;
}

/* ------------------------------------------------------------ handling */

static void v2_send_sgi(unsigned int pcpu, unsigned int sgi)
{
	uint32_t mask = __atomic_load_n(&v2.cpu_mask[pcpu], __ATOMIC_ACQUIRE);

	if (!mask) /* not up yet: its init does what the kick asks */
		return;
	/* the kicked CPU must see the state we published before the SGI */
	dsb(ish);
	/* TargetListFilter 0 (GICD_SGIR_FILTER_LIST): the CPUTargetList */
	gic_wr32(V2_GICD + GICD_SGIR, mask << GICD_SGIR_TARGETS_SHIFT | sgi);
}

static uint32_t v2_ack(void)
{
	return gic_rd32(V2_GICC + GICC_IAR);
}

/* EOIR and DIR take the whole IAR value (the CPUID of an SGI too). */
static void v2_eoi(uint32_t iar)
{
	gic_wr32(V2_GICC + GICC_EOIR, iar);
}

static void v2_dir(uint32_t iar)
{
	gic_wr32(V2_GICC + GICC_DIR, iar);
}

/* ------------------------------------------------ per-interrupt control */

/* A banked operation on another pCPU: queue it there and kick it. */
static bool v2_queue(uint32_t intid, unsigned int pcpu, enum v2_queue q, enum v2_queue undo)
{
	uint32_t bit;

	if (intid >= GIC_SPI_BASE || pcpu == gic_this_cpu() || pcpu >= GIC_MAX_CPUS)
		return false;
	bit = 1u << intid;
	if (undo != V2_Q_NR)
		__atomic_and_fetch(&v2.queue[pcpu][undo], ~bit, __ATOMIC_RELAXED);
	__atomic_or_fetch(&v2.queue[pcpu][q], bit, __ATOMIC_RELEASE);
	v2_send_sgi(pcpu, GIC_SGI_KICK);
	return true;
}

static void v2_poll(unsigned int cpu)
{
	static const uint32_t regs[V2_Q_NR] = {
		[V2_Q_EN_CLR] = GICD_ICENABLER, [V2_Q_EN_SET] = GICD_ISENABLER,
		[V2_Q_PEND_CLR] = GICD_ICPENDR, [V2_Q_PEND_SET] = GICD_ISPENDR,
		[V2_Q_DEACT] = GICD_ICACTIVER,
	};
	unsigned int q;

	for (q = 0; q < V2_Q_NR; q++) {
		uint32_t bits = __atomic_exchange_n(&v2.queue[cpu][q], 0, __ATOMIC_ACQUIRE);

		if (bits)
			gic_wr32(V2_GICD + regs[q], bits);
	}
}

static void v2_set_enable(uint32_t intid, unsigned int pcpu, bool enable)
{
	if (v2_queue(intid, pcpu, enable ? V2_Q_EN_SET : V2_Q_EN_CLR,
		     enable ? V2_Q_EN_CLR : V2_Q_EN_SET))
		return;
	v2_bit_write(enable ? GICD_ISENABLER : GICD_ICENABLER, intid);
}

static void v2_deactivate(uint32_t intid, unsigned int pcpu)
{
	if (!v2_queue(intid, pcpu, V2_Q_DEACT, V2_Q_NR))
		v2_bit_write(GICD_ICACTIVER, intid);
}

static bool v2_pending(uint32_t intid, unsigned int pcpu)
{
	if (intid < GIC_SPI_BASE && pcpu != gic_this_cpu())
		return false; /* another CPU's bank: not reachable from here */
	return gic_rd32(V2_GICD + GICD_ISPENDR + (intid / 32) * 4) & (1u << (intid % 32));
}

static void v2_set_pending(uint32_t intid, unsigned int pcpu, bool pending)
{
	if (v2_queue(intid, pcpu, pending ? V2_Q_PEND_SET : V2_Q_PEND_CLR,
		     pending ? V2_Q_PEND_CLR : V2_Q_PEND_SET))
		return;
	v2_bit_write(pending ? GICD_ISPENDR : GICD_ICPENDR, intid);
}

static void v2_route(uint32_t intid, unsigned int pcpu)
{
	uint8_t mask = __atomic_load_n(&v2.cpu_mask[pcpu], __ATOMIC_ACQUIRE);

	/* a CPU not up yet: its interface number is its index on virt */
	wr8(V2_GICD + GICD_ITARGETSR + intid, mask ? mask : 1u << pcpu);
}

/* --------------------------------------------- virtual interface (§5.3) */

static unsigned int v2_nr_lrs(void)
{
	return (gic_rd32(V2_GICH + GICH_VTR) & GICH_VTR_LISTREGS_MASK) + 1;
}

/* ICH_LR<n>_EL2 format (the vGIC's) to GICH_LR<n>; all Group 0 (see top). */
static uint32_t v2_lr_from_ich(uint64_t lr)
{
	uint32_t v = (uint32_t)(lr & GICH_LR_VID_MASK);

	v |= (uint32_t)((lr >> ICH_LR_PRIO_SHIFT) & ICH_LR_PRIO_MASK) >> 3 << GICH_LR_PRIO_SHIFT;
	if (lr & ICH_LR_PENDING)
		v |= GICH_LR_PENDING;
	if (lr & ICH_LR_ACTIVE)
		v |= GICH_LR_ACTIVE;
	if (lr & ICH_LR_HW) {
		v |= GICH_LR_HW | (uint32_t)((lr >> ICH_LR_PINTID_SHIFT) & GICH_LR_PID_MASK)
					  << GICH_LR_PID_SHIFT;
	} else {
		v |= (uint32_t)((lr >> VGIC_LR_SGI_SRC_SHIFT) & VGIC_LR_SGI_SRC_MASK)
		     << GICH_LR_CPUID_SHIFT;
		if (lr & ICH_LR_EOI)
			v |= GICH_LR_EOI;
	}
	return v;
}

static uint64_t v2_lr_to_ich(uint32_t v)
{
	uint64_t lr = (uint64_t)(v & GICH_LR_VID_MASK) | ICH_LR_GROUP1;

	lr |= (uint64_t)((v >> GICH_LR_PRIO_SHIFT) & GICH_LR_PRIO_MASK) << 3 << ICH_LR_PRIO_SHIFT;
	if (v & GICH_LR_PENDING)
		lr |= ICH_LR_PENDING;
	if (v & GICH_LR_ACTIVE)
		lr |= ICH_LR_ACTIVE;
	if (v & GICH_LR_HW) {
		lr |= ICH_LR_HW | (uint64_t)((v >> GICH_LR_PID_SHIFT) & GICH_LR_PID_MASK)
					  << ICH_LR_PINTID_SHIFT;
	} else {
		lr |= (uint64_t)((v >> GICH_LR_CPUID_SHIFT) & GICH_LR_CPUID_MASK)
		      << VGIC_LR_SGI_SRC_SHIFT;
		if (v & GICH_LR_EOI)
			lr |= ICH_LR_EOI;
	}
	return lr;
}

static uint64_t v2_read_lr(unsigned int n)
{
	uint32_t v = gic_rd32(V2_GICH + GICH_LR0 + 4 * n);

	/*
	 * QEMU 7.2 (hw/intc/arm_gic.c) does not re-evaluate the physical
	 * interrupt a guest deactivates through a HW=1 LR: a level line that
	 * is still high is never signalled again, so a guest that re-enables
	 * its timer after handling it waits forever.  A GICC_PMR write (same
	 * value) makes QEMU update its CPU interface and raise the line anew
	 * (docs/vgic.md, "QEMU's GICv2").  Harmless on hardware.
	 */
	if ((v & GICH_LR_HW) && !(v & (GICH_LR_PENDING | GICH_LR_ACTIVE)))
		gic_wr32(V2_GICC + GICC_PMR, gic_rd32(V2_GICC + GICC_PMR));
	return v2_lr_to_ich(v);
}

static void v2_write_lr(unsigned int n, uint64_t val)
{
	gic_wr32(V2_GICH + GICH_LR0 + 4 * n, val ? v2_lr_from_ich(val) : 0);
}

static uint32_t v2_read_hcr(void)
{
	return gic_rd32(V2_GICH + GICH_HCR);
}

static void v2_write_hcr(uint32_t val)
{
	gic_wr32(V2_GICH + GICH_HCR, val);
}

static void v2_reset_vif(void)
{
	gic_wr32(V2_GICH + GICH_VMCR, 0);
	gic_wr32(V2_GICH + GICH_APR, 0);
}

const struct gic_ops gic_v2_ops = {
	.version = 2,
	.iar_intid = GICC_IAR_INTID_MASK,
	.init_boot = v2_init_boot,
	.init_cpu = v2_init_cpu,
	.send_sgi = v2_send_sgi,
	.ack = v2_ack,
	.eoi = v2_eoi,
	.dir = v2_dir,
	.set_enable = v2_set_enable,
	.deactivate = v2_deactivate,
	.pending = v2_pending,
	.set_pending = v2_set_pending,
	.route = v2_route,
	.poll = v2_poll,
	.nr_lrs = v2_nr_lrs,
	.read_lr = v2_read_lr,
	.write_lr = v2_write_lr,
	.read_hcr = v2_read_hcr,
	.write_hcr = v2_write_hcr,
	.reset_vif = v2_reset_vif,
};
