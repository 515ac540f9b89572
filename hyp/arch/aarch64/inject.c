// SPDX-License-Identifier: MIT
/*
 * A synchronous exception delivered to a guest's EL1 by the hypervisor:
 * what the PE does on taking it (Arm ARM D1.10 "Exception entry"), done
 * by hand on the saved frame and the guest's EL1 registers, which are live
 * on this pCPU (vCPUs never move, vm.h).
 */
#include "esr.h"
#include "inject.h"
#include "sysreg.h"

/* SPSR.M[4:0] (C5.2.18): AArch32 state, and the AArch64 modes. */
#define SPSR_M_AARCH32 (1ull << 4)
#define SPSR_M_MASK    0xfull
#define SPSR_M_EL1T    0x4ull
#define SPSR_M_EL1H    0x5ull
#define SPSR_PAN       (1ull << 22)
#define SPSR_DIT       (1ull << 24)
#define SPSR_SSBS      (1ull << 12)

/* Offsets in the vector table (D1.10.2, Table D1-7). */
#define VEC_CUR_SP0 0x000
#define VEC_CUR_SPX 0x200
#define VEC_LOW_A64 0x400
#define VEC_LOW_A32 0x600

#define SCTLR_EL1_SPAN	(1ull << 23)
#define SCTLR_EL1_DSSBS (1ull << 44)
#define ID_PAN_SHIFT	20 /* ID_AA64MMFR1_EL1.PAN */
#define ID_SSBS_SHIFT	4  /* ID_AA64PFR1_EL1.SSBS */
#define ID_FIELD(v, s)	(((v) >> (s)) & 0xf)

static uint64_t inject_vector(uint64_t spsr)
{
	if (spsr & SPSR_M_AARCH32)
		return VEC_LOW_A32;
	switch (spsr & SPSR_M_MASK) {
	case SPSR_M_EL1T:
		return VEC_CUR_SP0;
	case SPSR_M_EL1H:
		return VEC_CUR_SPX;
	default:
		return VEC_LOW_A64;
	}
}

/* PSTATE on taking an exception to EL1 (D1.10.4): EL1h, DAIF set. */
static uint64_t inject_pstate(uint64_t old)
{
	uint64_t sctlr = sysreg_read(sctlr_el1);
	uint64_t p = SPSR_EL1H | SPSR_DAIF | (old & SPSR_DIT);

	if (ID_FIELD(sysreg_read(id_aa64mmfr1_el1), ID_PAN_SHIFT) && !(sctlr & SCTLR_EL1_SPAN))
		p |= SPSR_PAN;
	else
		p |= old & SPSR_PAN;
	if (ID_FIELD(sysreg_read(id_aa64pfr1_el1), ID_SSBS_SHIFT) && (sctlr & SCTLR_EL1_DSSBS))
		p |= SPSR_SSBS;
	return p;
}

void vcpu_inject_abort(struct regs *r, uint64_t esr_el2, uint64_t far)
{
	bool lower = inject_vector(r->spsr) >= VEC_LOW_A64;
	bool iabt = esr_ec(esr_el2) == ESR_EC_IABT_LOW;
	uint32_t ec = iabt ? (lower ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR)
			   : (lower ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR);
	uint64_t esr = (uint64_t)ec << ESR_EC_SHIFT | (esr_el2 & ESR_IL) | ESR_FSC_SEA;

	if (!iabt)
		esr |= esr_el2 & ESR_DABT_WNR;
	sysreg_write(esr_el1, esr);
	sysreg_write(far_el1, far);
	sysreg_write(elr_el1, r->elr);
	sysreg_write(spsr_el1, r->spsr);
	r->elr = sysreg_read(vbar_el1) + inject_vector(r->spsr);
	r->spsr = inject_pstate(r->spsr);
}
