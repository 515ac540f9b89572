/* SPDX-License-Identifier: MIT */
/*
 * Fake arch layer for the vGIC unit tests: list registers, ICH_HCR_EL2 and
 * the physical-GIC side effects are recorded in plain variables, and a
 * physical GIC is modelled for HW=1 interrupts: per INTID (PPIs per pCPU) a
 * level input line, the ISPENDR latch, enable and active (IHI0069 §4.1.2).
 */
#ifndef TEST_VGIC_FAKES_H
#define TEST_VGIC_FAKES_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vgic.h"

#define FAKE_MAX_CALLS 64
#define FAKE_MAX_PCPUS 8

struct fake_hw {
	unsigned int nr_lrs;
	uint64_t lr[VGIC_MAX_LRS];
	uint32_t hcr;
	uint32_t kicks; /* bitmap of kicked pCPUs */
	unsigned int nr_if_resets;
	unsigned int nr_logs;
	struct {
		uint32_t pintid;
		unsigned int pcpu;
		bool en;
	} enables[FAKE_MAX_CALLS];
	unsigned int nr_enables;
	struct {
		uint32_t pintid;
		unsigned int pcpu;
	} deacts[FAKE_MAX_CALLS];
	unsigned int nr_deacts;
	struct {
		uint32_t pintid;
		unsigned int pcpu;
	} routes[FAKE_MAX_CALLS];
	unsigned int nr_routes;
	/* the physical GIC: [pcpu][intid] for PPIs, [0][intid] for SPIs */
	struct fake_phys {
		bool line, latch, enabled, active;
	} phys[FAKE_MAX_PCPUS][VGIC_NR_IRQS];
};

static struct fake_hw fake;

static void fake_reset(unsigned int nr_lrs)
{
	memset(&fake, 0, sizeof(fake));
	fake.nr_lrs = nr_lrs;
}

unsigned int vgic_hw_nr_lrs(void)
{
	return fake.nr_lrs;
}

uint64_t vgic_hw_read_lr(unsigned int n)
{
	return n < VGIC_MAX_LRS ? fake.lr[n] : 0;
}

void vgic_hw_write_lr(unsigned int n, uint64_t val)
{
	if (n < VGIC_MAX_LRS)
		fake.lr[n] = val;
}

uint32_t vgic_hw_read_hcr(void)
{
	return fake.hcr;
}

void vgic_hw_write_hcr(uint32_t val)
{
	fake.hcr = val;
}

void vgic_hw_reset_vcpu_if(void)
{
	fake.nr_if_resets++;
}

void vgic_hw_kick(unsigned int pcpu)
{
	fake.kicks |= 1u << pcpu;
}

static struct fake_phys *fake_phys(uint32_t pintid, unsigned int pcpu)
{
	static struct fake_phys none;

	if (pintid >= VGIC_NR_IRQS || pcpu >= FAKE_MAX_PCPUS)
		return &none;
	return &fake.phys[pintid < GIC_SPI_BASE ? pcpu : 0][pintid];
}

/* Pending as GICD_ISPENDR / GICR_ISPENDR0 report it (level-sensitive). */
static bool fake_phys_pending(uint32_t pintid, unsigned int pcpu)
{
	const struct fake_phys *p = fake_phys(pintid, pcpu);

	return p->latch || p->line;
}

/* The device drives the physical line of @pintid. */
static inline void fake_line(uint32_t pintid, unsigned int pcpu, bool level)
{
	fake_phys(pintid, pcpu)->line = level;
}

/*
 * What the hypervisor's IRQ handler would see: if the physical interrupt is
 * enabled, pending and inactive, acknowledge it (active, latch consumed)
 * and return true; the caller then forwards it with vgic_inject*().
 */
static inline bool fake_phys_ack(uint32_t pintid, unsigned int pcpu)
{
	struct fake_phys *p = fake_phys(pintid, pcpu);

	if (!p->enabled || p->active || !fake_phys_pending(pintid, pcpu))
		return false;
	p->active = true;
	p->latch = false;
	return true;
}

bool vgic_hw_irq_pending(uint32_t pintid, unsigned int pcpu)
{
	return fake_phys_pending(pintid, pcpu);
}

void vgic_hw_irq_set_pending(uint32_t pintid, unsigned int pcpu, bool pending)
{
	fake_phys(pintid, pcpu)->latch = pending;
}

void vgic_hw_irq_enable(uint32_t pintid, unsigned int pcpu, bool enable)
{
	fake_phys(pintid, pcpu)->enabled = enable;
	if (fake.nr_enables < FAKE_MAX_CALLS) {
		fake.enables[fake.nr_enables].pintid = pintid;
		fake.enables[fake.nr_enables].pcpu = pcpu;
		fake.enables[fake.nr_enables].en = enable;
	}
	fake.nr_enables++;
}

void vgic_hw_irq_deactivate(uint32_t pintid, unsigned int pcpu)
{
	fake_phys(pintid, pcpu)->active = false;
	if (fake.nr_deacts < FAKE_MAX_CALLS) {
		fake.deacts[fake.nr_deacts].pintid = pintid;
		fake.deacts[fake.nr_deacts].pcpu = pcpu;
	}
	fake.nr_deacts++;
}

void vgic_hw_irq_route(uint32_t pintid, unsigned int pcpu)
{
	if (fake.nr_routes < FAKE_MAX_CALLS) {
		fake.routes[fake.nr_routes].pintid = pintid;
		fake.routes[fake.nr_routes].pcpu = pcpu;
	}
	fake.nr_routes++;
}

void vgic_hw_log(const char *fmt, ...)
{
	fake.nr_logs++;
	if (getenv("VGIC_TEST_VERBOSE")) {
		va_list ap;

		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
}

#endif /* TEST_VGIC_FAKES_H */
