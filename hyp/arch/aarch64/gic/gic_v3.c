// SPDX-License-Identifier: MIT
/*
 * Physical GICv3 at EL2: distributor, redistributors, the system register
 * CPU interface and the virtual interface ICH_*_EL2 (IHI0069 chapters
 * 12.1-12.11).  Affinity routing on, every interrupt Group 1 Non-secure
 * with one priority, EOImode = 1 (gic.c).
 */
#include "gic.h"
#include "gic_ops.h"
#include "hyp.h"
#include <plat_desc.h>
#include "platform.h"
#include "sysreg.h"

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
#define ICH_VTR_EL2	S3_4_C12_C11_1
#define ICH_VMCR_EL2	S3_4_C12_C11_7
#define ICH_AP0R0_EL2	S3_4_C12_C8_0
#define ICH_AP1R0_EL2	S3_4_C12_C9_0

#define GIC_HYP_SGIS_MASK ((1u << (GIC_SGI_HYP_MAX + 1)) - 1)

#define rd64(a)	   (*(volatile uint64_t *)(uintptr_t)(a))
#define wr64(a, v) (*(volatile uint64_t *)(uintptr_t)(a) = (uint64_t)(v))

/**
 * struct gic_v3 - what the GICv3 driver knows of each CPU
 * @rd_base: RD_base of each CPU's redistributor, 0 until gic_init_cpu()
 * @mpidr:   affinity of each CPU (MPIDR_EL1 & MPIDR_AFF_MASK)
 */
struct gic_v3 {
	uint64_t rd_base[GIC_MAX_CPUS];
	uint64_t mpidr[GIC_MAX_CPUS];
};

static struct gic_v3 v3;

static uint64_t gicd(uint32_t off)
{
	return PLAT_GICD_BASE + off;
}

static uint64_t gicr_sgi(unsigned int cpu, uint32_t off)
{
	return v3.rd_base[cpu] + GICR_SGI_BASE + off;
}

static uint64_t v3_cpu_mpidr(unsigned int cpu)
{
	if (cpu < GIC_MAX_CPUS && v3.rd_base[cpu])
		return v3.mpidr[cpu];
	return plat_cpu_mpidr(cpu) & MPIDR_AFF_MASK;
}

/* ------------------------------------------------------------------ init */

static int v3_init_boot(void)
{
	uint32_t pidr2 = gic_rd32(gicd(GICD_PIDR2)) & GIC_PIDR2_ARCH_MASK;
	uint64_t boot_aff = sysreg_read(mpidr_el1) & MPIDR_AFF_MASK;
	uint32_t i, nr;

	/* ArchRev 3 (GICv3) or 4 (GICv4, a superset). */
	if (pidr2 != GIC_PIDR2_ARCH_GICV3 && pidr2 != GIC_PIDR2_ARCH_GICV4)
		return -ENODEV;

	gic_wr32(gicd(GICD_CTLR), 0);
	if (gic_wait_clear(gicd(GICD_CTLR), GICD_CTLR_RWP))
		return -ENODEV;
	nr = ((gic_rd32(gicd(GICD_TYPER)) & GICD_TYPER_ITLINES_MASK) + 1) * 32;
	if (nr > GIC_MAX_SPI + 1)
		nr = GIC_MAX_SPI + 1;

	for (i = GIC_SPI_BASE; i < nr; i += 32) {
		gic_wr32(gicd(GICD_IGROUPR + i / 8), ~0u);
		gic_wr32(gicd(GICD_ICENABLER + i / 8), ~0u);
		gic_wr32(gicd(GICD_ICPENDR + i / 8), ~0u);
		gic_wr32(gicd(GICD_ICACTIVER + i / 8), ~0u);
	}
	for (i = GIC_SPI_BASE; i < nr; i += 4)
		gic_wr32(gicd(GICD_IPRIORITYR + i), GIC_PRIO_WORD);
	for (i = GIC_SPI_BASE; i < nr; i++)
		wr64(gicd(GICD_IROUTER + 8 * i), boot_aff);
	if (gic_wait_clear(gicd(GICD_CTLR), GICD_CTLR_RWP))
		return -ENODEV;

	/* Affinity routing, Group 1 (bit 1 in both the DS=1 and NS views). */
	gic_wr32(gicd(GICD_CTLR), GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
	if (gic_wait_clear(gicd(GICD_CTLR), GICD_CTLR_RWP))
		return -ENODEV;
	return (int)nr;
}

/* The redistributor whose GICR_TYPER.Affinity matches @aff (§12.11.35). */
static uint64_t v3_find_redist(uint64_t aff)
{
	uint64_t want = (uint64_t)MPIDR_AFF3(aff) << 24 | MPIDR_AFF2(aff) << 16 |
			MPIDR_AFF1(aff) << 8 | MPIDR_AFF0(aff);
	unsigned int i;

	for (i = 0; i < PLAT_GICR_MAX; i++) {
		uint64_t base = PLAT_GICR_BASE + (uint64_t)i * GICR_STRIDE;
		uint64_t typer = rd64(base + GICR_TYPER);

		if ((typer >> GICR_TYPER_AFF_SHIFT) == want)
			return base;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

static int v3_wake_redist(uint64_t rd)
{
	gic_wr32(rd + GICR_WAKER, gic_rd32(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
	return gic_wait_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP);
}

static void v3_init_private(unsigned int cpu)
{
	uint32_t enable = GIC_HYP_SGIS_MASK | (1u << GIC_PPI_MAINT) | (1u << GIC_PPI_HYP_TIMER);
	unsigned int i;

	gic_wr32(gicr_sgi(cpu, GICR_IGROUPR0), ~0u);
	gic_wr32(gicr_sgi(cpu, GICR_ICENABLER0), ~0u);
	gic_wr32(gicr_sgi(cpu, GICR_ICPENDR0), ~0u);
	gic_wr32(gicr_sgi(cpu, GICR_ICACTIVER0), ~0u);
	for (i = 0; i < GIC_NR_PRIVATE; i += 4)
		gic_wr32(gicr_sgi(cpu, GICR_IPRIORITYR0 + i), GIC_PRIO_WORD);
	/* PPIs given to a vCPU stay disabled until its guest enables them. */
	(void)gic_wait_clear(v3.rd_base[cpu] + GICR_CTLR, GICR_CTLR_RWP);
	gic_wr32(gicr_sgi(cpu, GICR_ISENABLER0), enable);
}

static unsigned int v3_nr_lrs(void);
static void v3_write_lr(unsigned int n, uint64_t val);

static void v3_init_cpu_if(void)
{
	unsigned int i;

	sysreg_write(ICC_SRE_EL2, ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB | ICC_SRE_EL2_ENABLE);
	isb();
	sysreg_write(ICC_PMR_EL1, GIC_PRIO_MASK_ALL_OPEN);
	sysreg_write(ICC_BPR1_EL1, 0);
	sysreg_write(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
	sysreg_write(ICC_IGRPEN1_EL1, ICC_IGRPEN1_EN);
	/* a clean virtual interface: no LRs, no active priorities */
	for (i = 0; i < v3_nr_lrs(); i++)
		v3_write_lr(i, 0);
	sysreg_write(ICH_AP1R0_EL2, 0);
	sysreg_write(ICH_VMCR_EL2, 0);
	sysreg_write(ICH_HCR_EL2, ICH_HCR_EN);
	isb();
}

static int v3_init_cpu(unsigned int cpu)
{
	uint64_t aff = sysreg_read(mpidr_el1) & MPIDR_AFF_MASK;
	uint64_t rd;

	rd = v3_find_redist(aff);
	if (!rd)
		return -ENODEV;
	if (v3_wake_redist(rd))
		return -ENODEV;
	v3.mpidr[cpu] = aff;
	__atomic_store_n(&v3.rd_base[cpu], rd, __ATOMIC_RELEASE);
	v3_init_private(cpu);
	v3_init_cpu_if();
	return 0;
}

/* ------------------------------------------------------------ handling */

static void v3_send_sgi(unsigned int pcpu, unsigned int sgi)
{
	uint64_t aff = v3_cpu_mpidr(pcpu);
	uint64_t v;

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

static uint32_t v3_ack(void)
{
	return (uint32_t)sysreg_read(ICC_IAR1_EL1);
}

static void v3_eoi(uint32_t iar)
{
	sysreg_write(ICC_EOIR1_EL1, iar);
}

static void v3_dir(uint32_t iar)
{
	sysreg_write(ICC_DIR_EL1, iar);
}

/* ------------------------------------------------ per-interrupt control */

static void v3_bit_write(unsigned int cpu, uint32_t intid, uint32_t dist_reg, uint32_t redist_reg)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid >= GIC_SPI_BASE)
		gic_wr32(gicd(dist_reg + (intid / 32) * 4), bit);
	else if (cpu < GIC_MAX_CPUS && v3.rd_base[cpu])
		gic_wr32(gicr_sgi(cpu, redist_reg), bit);
}

static void v3_set_enable(uint32_t intid, unsigned int pcpu, bool enable)
{
	if (enable)
		v3_bit_write(pcpu, intid, GICD_ISENABLER, GICR_ISENABLER0);
	else
		v3_bit_write(pcpu, intid, GICD_ICENABLER, GICR_ICENABLER0);
}

static void v3_deactivate(uint32_t intid, unsigned int pcpu)
{
	v3_bit_write(pcpu, intid, GICD_ICACTIVER, GICR_ICACTIVER0);
}

static bool v3_pending(uint32_t intid, unsigned int pcpu)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid >= GIC_SPI_BASE)
		return gic_rd32(gicd(GICD_ISPENDR + (intid / 32) * 4)) & bit;
	if (pcpu < GIC_MAX_CPUS && v3.rd_base[pcpu])
		return gic_rd32(gicr_sgi(pcpu, GICR_ISPENDR0)) & bit;
	return false;
}

static void v3_set_pending(uint32_t intid, unsigned int pcpu, bool pending)
{
	if (pending)
		v3_bit_write(pcpu, intid, GICD_ISPENDR, GICR_ISPENDR0);
	else
		v3_bit_write(pcpu, intid, GICD_ICPENDR, GICR_ICPENDR0);
}

static void v3_route(uint32_t intid, unsigned int pcpu)
{
	wr64(gicd(GICD_IROUTER + 8 * intid), v3_cpu_mpidr(pcpu));
}

/* --------------------------------------------- virtual interface (§12.5) */

/*
 * ICH_LR<n>_EL2 is op0=3 op1=4 CRn=12 CRm=12+n/8 op2=n%8 (§12.5.10).  System
 * register names are instruction encodings, so each LR needs its own
 * instruction: one list, expanded into a read and a write switch.
 */
/* A table and switches built from it: kept as written. */
/* clang-format off */
#define V3_LRS(X)							\
	X(0, 12, 0) X(1, 12, 1) X(2, 12, 2) X(3, 12, 3)			\
	X(4, 12, 4) X(5, 12, 5) X(6, 12, 6) X(7, 12, 7)			\
	X(8, 13, 0) X(9, 13, 1) X(10, 13, 2) X(11, 13, 3)		\
	X(12, 13, 4) X(13, 13, 5) X(14, 13, 6) X(15, 13, 7)

#define LR_CASE_READ(n, crm, op2)					\
	case n:								\
		return sysreg_read(S3_4_C12_C##crm##_##op2);
#define LR_CASE_WRITE(n, crm, op2)					\
	case n:								\
		sysreg_write(S3_4_C12_C##crm##_##op2, val);		\
		break;

static unsigned int v3_nr_lrs(void)
{
	return (unsigned int)(sysreg_read(ICH_VTR_EL2) & ICH_VTR_LISTREGS_MASK) + 1;
}

static uint64_t v3_read_lr(unsigned int n)
{
	switch (n) {
	V3_LRS(LR_CASE_READ)
	default:
		return 0;
	}
}

static void v3_write_lr(unsigned int n, uint64_t val)
{
	switch (n) {
	V3_LRS(LR_CASE_WRITE)
	default:
		break;
	}
}
/* clang-format on */

static uint32_t v3_read_hcr(void)
{
	return (uint32_t)sysreg_read(ICH_HCR_EL2);
}

static void v3_write_hcr(uint32_t val)
{
	sysreg_write(ICH_HCR_EL2, val);
}

static void v3_reset_vif(void)
{
	/*
	 * APxR0 always exists; APxR1..3 only with more than 5 preemption
	 * bits (ICH_VTR_EL2.PREbits), which QEMU's 0x90b80003 does not have.
	 */
	sysreg_write(ICH_VMCR_EL2, 0);
	sysreg_write(ICH_AP0R0_EL2, 0);
	sysreg_write(ICH_AP1R0_EL2, 0);
	isb();
}

const struct gic_ops gic_v3_ops = {
	.version = 3,
	.iar_intid = ICC_IAR_INTID_MASK,
	.init_boot = v3_init_boot,
	.init_cpu = v3_init_cpu,
	.send_sgi = v3_send_sgi,
	.ack = v3_ack,
	.eoi = v3_eoi,
	.dir = v3_dir,
	.set_enable = v3_set_enable,
	.deactivate = v3_deactivate,
	.pending = v3_pending,
	.set_pending = v3_set_pending,
	.route = v3_route,
	.poll = NULL,
	.nr_lrs = v3_nr_lrs,
	.read_lr = v3_read_lr,
	.write_lr = v3_write_lr,
	.read_hcr = v3_read_hcr,
	.write_hcr = v3_write_hcr,
	.reset_vif = v3_reset_vif,
};
