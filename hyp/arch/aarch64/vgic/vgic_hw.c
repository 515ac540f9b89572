// SPDX-License-Identifier: MIT
/*
 * aarch64 accessors behind the vGIC's pure logic: the virtual interface
 * system registers (IHI0069 §12.5) and the physical GIC driver.
 * Not part of the host unit-test build (tests use fakes instead).
 */
#include <stdarg.h>

#include "gic.h"
#include "log.h"
#include "sysreg.h"
#include "vgic.h"

#define ICH_HCR_EL2   S3_4_C12_C11_0
#define ICH_VTR_EL2   S3_4_C12_C11_1
#define ICH_VMCR_EL2  S3_4_C12_C11_7
#define ICH_AP0R0_EL2 S3_4_C12_C8_0
#define ICH_AP1R0_EL2 S3_4_C12_C9_0

#define VGIC_LOG_LINE 160

/*
 * ICH_LR<n>_EL2 is op0=3 op1=4 CRn=12 CRm=12+n/8 op2=n%8 (§12.5.10).  System
 * register names are instruction encodings, so each LR needs its own
 * instruction: one list, expanded into a read and a write switch.
 */
/* A table and switches built from it: kept as written. */
/* clang-format off */
#define VGIC_HW_LRS(X)							\
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

unsigned int vgic_hw_nr_lrs(void)
{
	return (unsigned int)(sysreg_read(ICH_VTR_EL2) & ICH_VTR_LISTREGS_MASK) + 1;
}

uint64_t vgic_hw_read_lr(unsigned int n)
{
	switch (n) {
	VGIC_HW_LRS(LR_CASE_READ)
	default:
		return 0;
	}
}

void vgic_hw_write_lr(unsigned int n, uint64_t val)
{
	switch (n) {
	VGIC_HW_LRS(LR_CASE_WRITE)
	default:
		break;
	}
}
/* clang-format on */

uint32_t vgic_hw_read_hcr(void)
{
	return (uint32_t)sysreg_read(ICH_HCR_EL2);
}

void vgic_hw_write_hcr(uint32_t val)
{
	sysreg_write(ICH_HCR_EL2, val);
}

void vgic_hw_reset_vcpu_if(void)
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
