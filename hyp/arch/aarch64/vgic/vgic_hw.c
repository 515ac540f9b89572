// SPDX-License-Identifier: MIT
/*
 * aarch64 accessors behind the vGIC's pure logic: the physical GIC driver
 * and its virtual interface (ICH_*_EL2 on GICv3, GICH on GICv2; gic.h).
 * Not part of the host unit-test build (tests use fakes instead).
 */
#include <stdarg.h>

#include "gic.h"
#include "log.h"
#include "vgic.h"

#define VGIC_LOG_LINE 160

unsigned int vgic_hw_nr_lrs(void)
{
	return gic_vif_nr_lrs();
}

uint64_t vgic_hw_read_lr(unsigned int n)
{
	return gic_vif_read_lr(n);
}

void vgic_hw_write_lr(unsigned int n, uint64_t val)
{
	gic_vif_write_lr(n, val);
}

uint32_t vgic_hw_read_hcr(void)
{
	return gic_vif_read_hcr();
}

void vgic_hw_write_hcr(uint32_t val)
{
	gic_vif_write_hcr(val);
}

void vgic_hw_reset_vcpu_if(void)
{
	gic_vif_reset();
}

void vgic_hw_kick(unsigned int pcpu)
{
	if (pcpu != gic_this_cpu())
		gic_send_sgi(pcpu, GIC_SGI_KICK);
}

void vgic_hw_irq_enable(uint32_t pintid, unsigned int pcpu, bool enable)
{
	gic_irq_set_enable(pintid, pcpu, enable);
}

void vgic_hw_irq_deactivate(uint32_t pintid, unsigned int pcpu)
{
	gic_irq_deactivate(pintid, pcpu);
}

void vgic_hw_irq_route(uint32_t pintid, unsigned int pcpu)
{
	gic_irq_route(pintid, pcpu);
}

bool vgic_hw_irq_pending(uint32_t pintid, unsigned int pcpu)
{
	return gic_irq_pending(pintid, pcpu);
}

void vgic_hw_irq_set_pending(uint32_t pintid, unsigned int pcpu, bool pending)
{
	gic_irq_set_pending(pintid, pcpu, pending);
}

void vgic_hw_log(const char *fmt, ...)
{
	char line[VGIC_LOG_LINE];
	va_list ap;

	va_start(ap, fmt);
	hyp_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	hyp_log("%s", line);
}
