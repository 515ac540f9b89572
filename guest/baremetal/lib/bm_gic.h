/* SPDX-License-Identifier: MIT */
/*
 * Minimal GIC driver for bare-metal test guests at EL1.  GICv3: affinity
 * routing, Group 1, system-register CPU interface (IHI0069 chapter 12);
 * under Bulkhead the GICD/GICR accesses trap to the vGIC and the ICC_*
 * registers are the hardware virtual interface (ICV_*).  GICv2 (IHI0048B):
 * Group 0, the memory-mapped GICC, which Bulkhead maps onto the hardware
 * GICV frame; only GICD traps.  Which one is found at run time from the
 * distributor's ID register (GICD_PIDR2.ArchRev).
 *
 * Interrupts are taken by polling: gic_wait() sleeps in WFI with PSTATE.I
 * masked and acknowledges through ICC_IAR1_EL1, so the test guests need no
 * IRQ vector (WFI wakes on a pending interrupt regardless of PSTATE.I,
 * Arm ARM D1.16.2).
 */
#ifndef BM_GIC_H
#define BM_GIC_H

#include <stdint.h>

#include <bulkhead/config.h>

/* Bulkhead's default vGIC windows (platform/vm/vboard.h). */
#define BM_GICD_BASE	  BH_GICD_IPA_DEFAULT
#define BM_GICR_BASE	  BH_GICR_IPA_DEFAULT
#define BM_GICC_BASE	  BH_GICC_IPA_DEFAULT /* GICv2 platforms */
#define BM_GIC_SPURIOUS	  1023u
#define BM_GIC_INTID(iar) gic_intid(iar)

/*
 * MMIO through inline asm with a plain base register: a trapped access must
 * carry a valid syndrome (ESR ISV=1), which writeback addressing modes the
 * compiler might pick do not (Arm ARM D17.2.40).
 */
static inline uint8_t rd8(uint64_t a)
{
	uint8_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void wr8(uint64_t a, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

static inline uint32_t rd32(uint64_t a)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void wr32(uint64_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

static inline uint64_t rd64(uint64_t a)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void wr64(uint64_t a, uint64_t v)
{
	__asm__ volatile("str %x0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

/**
 * gic_init_dist() - enable the distributor (once per VM, boot vCPU)
 *
 * Return: 0, -1 if the distributor does not look like a GICv3.
 */
int gic_init_dist(void);

/**
 * gic_init_cpu() - wake this vCPU's redistributor and enable its CPU
 * interface (SRE, PMR open, Group 1 on, EOImode 0)
 *
 * Return: 0, -1 if no redistributor matches MPIDR_EL1.
 */
int gic_init_cpu(void);

void gic_enable_irq(uint32_t intid);
void gic_disable_irq(uint32_t intid);
/* ISPENDR bit of @intid (1 = pending); set it (ISPENDR) or clear it (ICPENDR). */
int gic_pending(uint32_t intid);
void gic_set_pending(uint32_t intid, int pending);
void gic_set_priority(uint32_t intid, uint8_t prio);
/* 1 = edge, 0 = level (SPIs and PPIs) */
void gic_set_edge(uint32_t intid, int edge);

/* The INTID in an IAR value (GICv2: without the SGI's source CPU). */
uint32_t gic_intid(uint32_t iar);

/* 2 or 3, once gic_init_dist() or gic_init_cpu() has run. */
unsigned int gic_version(void);

/* Acknowledge: the IAR value, BM_GIC_SPURIOUS if nothing is pending. */
uint32_t gic_ack(void);
/* End of interrupt (EOImode 0: drop priority and deactivate). */
void gic_eoi(uint32_t iar);

/**
 * gic_wait() - sleep until an interrupt is pending, acknowledge it
 *
 * Return: the IAR value (pass it to gic_eoi()).
 */
uint32_t gic_wait(void);

/**
 * gic_wait_until() - gic_wait() that gives up at virtual count @deadline
 *
 * Needs the virtual timer free for it: it does not arm anything, so only
 * use it while another interrupt source (e.g. a periodic timer) runs.
 * Return: the IAR value, or BM_GIC_SPURIOUS at the deadline.
 */
uint32_t gic_wait_until(uint64_t deadline);

/* Send SGI @sgi to the vCPU with MPIDR affinity @mpidr (ICC_SGI1R_EL1; GICv2: GICD_SGIR). */
void gic_send_sgi(uint64_t mpidr, unsigned int sgi);

/* Send SGI @sgi to every other vCPU of the VM (ICC_SGI1R_EL1.IRM; GICv2: TargetListFilter 1). */
void gic_send_sgi_others(unsigned int sgi);

/* This vCPU's MPIDR_EL1 affinity bits. */
uint64_t gic_this_mpidr(void);

#endif /* BM_GIC_H */
