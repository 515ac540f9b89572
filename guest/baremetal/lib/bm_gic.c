// SPDX-License-Identifier: MIT
/*
 * GICv3 and GICv2 for bare-metal test guests at EL1; see bm_gic.h.  Register
 * offsets: IHI0069 §12.9 (GICD), §12.10-12.11 (GICR), §12.2 (ICC system
 * registers); IHI0048B §4.3 (GICv2 GICD), §4.4 (GICC).
 */
#include "bm_gic.h"
#include "timer.h"

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICPENDR	0x0280
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR	0x0c00
#define GICD_ITARGETSR	0x0800
#define GICD_SGIR	0x0f00
#define GICD_IROUTER	0x6000
#define GICD_PIDR2	0xffe8
#define GICD_V2_PIDR2	0x0fe8 /* GICv2 (GIC-400) ID register */
#define GICC_CTLR	0x0000
#define GICC_PMR	0x0004
#define GICC_BPR	0x0008
#define GICC_IAR	0x000c
#define GICC_EOIR	0x0010
#define GICD_CTLR_G1	(1u << 1)
#define GICD_CTLR_ARE	(1u << 4)
#define GICD_CTLR_RWP	(1u << 31)

#define GICR_STRIDE	  0x20000
#define GICR_TYPER	  0x0008
#define GICR_WAKER	  0x0014
#define GICR_SGI	  0x10000
#define GICR_TYPER_LAST	  (1ull << 4)
#define GICR_WAKER_SLEEP  (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)
#define GICR_MAX	  64

#define ICC_SRE_SRE	      1u
#define ICC_SGI1R_AFF1_SHIFT  16
#define ICC_SGI1R_INTID_SHIFT 24
#define ICC_SGI1R_AFF2_SHIFT  32
#define ICC_SGI1R_RS_SHIFT    44
#define ICC_SGI1R_AFF3_SHIFT  48

#define PRIO_DEFAULT 0xa0
#define SPIN_LIMIT   1000000

#define sysreg_rd(r)                                                      \
	({                                                                \
		uint64_t __v;                                             \
		__asm__ volatile("mrs %0, " #r : "=r"(__v) : : "memory"); \
		__v;                                                      \
	})
#define sysreg_wr(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

/* ICC_* by encoding, so any assembler accepts them */
#define ICC_IAR1_EL1	S3_0_C12_C12_0
#define ICC_EOIR1_EL1	S3_0_C12_C12_1
#define ICC_BPR1_EL1	S3_0_C12_C12_3
#define ICC_CTLR_EL1	S3_0_C12_C12_4
#define ICC_SRE_EL1	S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SGI1R_EL1	S3_0_C12_C11_5
#define ICC_PMR_EL1	S3_0_C4_C6_0

/* 2 or 3 from GICD_PIDR2.ArchRev; 0 before the first look */
static unsigned int gic_ver;

unsigned int gic_version(void)
{
	if (!gic_ver)
		gic_ver = (rd32(BM_GICD_BASE + GICD_PIDR2) & 0xf0) == 0x30 ? 3 : 2;
	return gic_ver;
}

uint32_t gic_intid(uint32_t iar)
{
	return gic_version() == 2 ? iar & 0x3ffu : iar & 0xffffffu;
}

/* Each vCPU finds its own redistributor; the guest is single-image. */
static uint64_t gicr_of(uint64_t mpidr)
{
	uint64_t want = ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);
	unsigned int i;

	for (i = 0; i < GICR_MAX; i++) {
		uint64_t base = BM_GICR_BASE + (uint64_t)i * GICR_STRIDE;
		uint64_t typer = rd64(base + GICR_TYPER);

		if ((typer >> 32) == want)
			return base;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

uint64_t gic_this_mpidr(void)
{
	return sysreg_rd(mpidr_el1) & 0xff00ffffffull;
}

static int wait_clear(uint64_t reg, uint32_t bit)
{
	unsigned int i;

	for (i = 0; i < SPIN_LIMIT; i++)
		if (!(rd32(reg) & bit))
			return 0;
	return -1;
}

/* GICv2: every SPI to this CPU (ITARGETSR0 reads as its own bit), Group 0. */
static int gic_v2_init_dist(void)
{
	uint32_t nr, i;
	uint8_t self;

	if ((rd32(BM_GICD_BASE + GICD_V2_PIDR2) & 0xf0) != 0x20)
		return -1;
	wr32(BM_GICD_BASE + GICD_CTLR, 0);
	nr = ((rd32(BM_GICD_BASE + GICD_TYPER) & 0x1f) + 1) * 32;
	self = rd8(BM_GICD_BASE + GICD_ITARGETSR);
	for (i = 32; i < nr; i += 32)
		wr32(BM_GICD_BASE + GICD_ICENABLER + i / 8, ~0u);
	for (i = 32; i < nr; i++) {
		wr8(BM_GICD_BASE + GICD_IPRIORITYR + i, PRIO_DEFAULT);
		wr8(BM_GICD_BASE + GICD_ITARGETSR + i, self);
	}
	wr32(BM_GICD_BASE + GICD_CTLR, 1);
	return 0;
}

static int gic_v2_init_cpu(void)
{
	unsigned int i;

	for (i = 0; i < 32; i++)
		wr8(BM_GICD_BASE + GICD_IPRIORITYR + i, PRIO_DEFAULT);
	wr32(BM_GICC_BASE + GICC_PMR, 0xff);
	wr32(BM_GICC_BASE + GICC_BPR, 0);
	wr32(BM_GICC_BASE + GICC_CTLR, 1); /* EnableGrp0, EOImode 0 */
	return 0;
}

int gic_init_dist(void)
{
	uint32_t nr, i;

	if (gic_version() == 2)
		return gic_v2_init_dist();
	if ((rd32(BM_GICD_BASE + GICD_PIDR2) & 0xf0) != 0x30)
		return -1;
	wr32(BM_GICD_BASE + GICD_CTLR, 0);
	if (wait_clear(BM_GICD_BASE + GICD_CTLR, GICD_CTLR_RWP))
		return -1;
	nr = ((rd32(BM_GICD_BASE + GICD_TYPER) & 0x1f) + 1) * 32;
	for (i = 32; i < nr; i += 32) {
		wr32(BM_GICD_BASE + GICD_IGROUPR + i / 8, ~0u);
		wr32(BM_GICD_BASE + GICD_ICENABLER + i / 8, ~0u);
	}
	for (i = 32; i < nr; i++) {
		wr8(BM_GICD_BASE + GICD_IPRIORITYR + i, PRIO_DEFAULT);
		wr64(BM_GICD_BASE + GICD_IROUTER + 8 * i, gic_this_mpidr());
	}
	wr32(BM_GICD_BASE + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_G1);
	return wait_clear(BM_GICD_BASE + GICD_CTLR, GICD_CTLR_RWP);
}

int gic_init_cpu(void)
{
	uint64_t rd;
	unsigned int i;

	if (gic_version() == 2)
		return gic_v2_init_cpu();
	rd = gicr_of(gic_this_mpidr());
	if (!rd)
		return -1;
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	if (wait_clear(rd + GICR_WAKER, GICR_WAKER_ASLEEP))
		return -1;
	wr32(rd + GICR_SGI + GICD_IGROUPR, ~0u);
	for (i = 0; i < 32; i++)
		wr8(rd + GICR_SGI + GICD_IPRIORITYR + i, PRIO_DEFAULT);

	sysreg_wr(ICC_SRE_EL1, sysreg_rd(ICC_SRE_EL1) | ICC_SRE_SRE);
	__asm__ volatile("isb" : : : "memory");
	if (!(sysreg_rd(ICC_SRE_EL1) & ICC_SRE_SRE))
		return -1;
	sysreg_wr(ICC_PMR_EL1, 0xff);
	sysreg_wr(ICC_BPR1_EL1, 0);
	sysreg_wr(ICC_CTLR_EL1, 0); /* EOImode 0 */
	sysreg_wr(ICC_IGRPEN1_EL1, 1);
	__asm__ volatile("isb" : : : "memory");
	return 0;
}

/*
 * Register bank of @intid: the distributor for SPIs, else own GICR SGI frame
 * (GICv2: the distributor banks them itself).
 */
static uint64_t bank(uint32_t intid)
{
	return intid >= 32 || gic_version() == 2 ? BM_GICD_BASE
						 : gicr_of(gic_this_mpidr()) + GICR_SGI;
}

void gic_enable_irq(uint32_t intid)
{
	wr32(bank(intid) + GICD_ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

void gic_disable_irq(uint32_t intid)
{
	wr32(bank(intid) + GICD_ICENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

int gic_pending(uint32_t intid)
{
	return (rd32(bank(intid) + GICD_ISPENDR + (intid / 32) * 4) >> (intid % 32)) & 1;
}

void gic_set_pending(uint32_t intid, int pending)
{
	uint32_t off = pending ? GICD_ISPENDR : GICD_ICPENDR;

	wr32(bank(intid) + off + (intid / 32) * 4, 1u << (intid % 32));
}

void gic_set_priority(uint32_t intid, uint8_t prio)
{
	wr8(bank(intid) + GICD_IPRIORITYR + intid, prio);
}

void gic_set_edge(uint32_t intid, int edge)
{
	uint64_t reg = bank(intid) + GICD_ICFGR + (intid / 16) * 4;
	uint32_t shift = 2 * (intid % 16) + 1;
	uint32_t v = rd32(reg);

	v = edge ? (v | (1u << shift)) : (v & ~(1u << shift));
	wr32(reg, v);
}

uint32_t gic_ack(void)
{
	uint32_t iar = gic_version() == 2 ? rd32(BM_GICC_BASE + GICC_IAR)
					  : (uint32_t)sysreg_rd(ICC_IAR1_EL1);

	__asm__ volatile("dsb sy" : : : "memory");
	return iar;
}

void gic_eoi(uint32_t iar)
{
	if (gic_version() == 2)
		wr32(BM_GICC_BASE + GICC_EOIR, iar); /* the whole IAR, CPUID too */
	else
		sysreg_wr(ICC_EOIR1_EL1, iar);
	__asm__ volatile("isb" : : : "memory");
}

uint32_t gic_wait(void)
{
	for (;;) {
		uint32_t iar = gic_ack();

		if (BM_GIC_INTID(iar) < 1020)
			return iar;
		__asm__ volatile("wfi" : : : "memory");
	}
}

uint32_t gic_wait_until(uint64_t deadline)
{
	while (timer_vcount() < deadline) {
		uint32_t iar = gic_ack();

		if (BM_GIC_INTID(iar) < 1020)
			return iar;
		__asm__ volatile("wfi" : : : "memory");
	}
	return BM_GIC_SPURIOUS;
}

void gic_send_sgi(uint64_t mpidr, unsigned int sgi)
{
	uint64_t aff0 = mpidr & 0xff;
	uint64_t v;

	/* the target must see our memory writes before the SGI (IHI0069 §12.2.23 note) */
	__asm__ volatile("dsb ish" : : : "memory");
	if (gic_version() == 2) {
		/* CPU interface n is vCPU n (Aff0) under Bulkhead: CPUTargetList bit */
		wr32(BM_GICD_BASE + GICD_SGIR, (1u << (aff0 & 7)) << 16 | (sgi & 0xf));
		return;
	}
	v = ((mpidr >> 32) & 0xff) << ICC_SGI1R_AFF3_SHIFT |
	    ((mpidr >> 16) & 0xff) << ICC_SGI1R_AFF2_SHIFT |
	    ((mpidr >> 8) & 0xff) << ICC_SGI1R_AFF1_SHIFT | (aff0 / 16) << ICC_SGI1R_RS_SHIFT |
	    (uint64_t)(sgi & 0xf) << ICC_SGI1R_INTID_SHIFT | 1ull << (aff0 % 16);
	sysreg_wr(ICC_SGI1R_EL1, v);
	__asm__ volatile("isb" : : : "memory");
}

void gic_send_sgi_others(unsigned int sgi)
{
	__asm__ volatile("dsb ish" : : : "memory");
	if (gic_version() == 2) {
		wr32(BM_GICD_BASE + GICD_SGIR, 1u << 24 | (sgi & 0xf));
		return;
	}
	sysreg_wr(ICC_SGI1R_EL1, 1ull << 40 | (uint64_t)(sgi & 0xf) << ICC_SGI1R_INTID_SHIFT);
	__asm__ volatile("isb" : : : "memory");
}
