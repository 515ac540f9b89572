// SPDX-License-Identifier: MIT
/* ESR_EL2 decoding; see esr.h. */
#include "esr.h"
#include "hyp.h"

int esr_decode_dabt(uint64_t esr, struct esr_dabt *out)
{
	uint32_t iss = esr_iss(esr);
	uint32_t ec = esr_ec(esr);

	if (ec != ESR_EC_DABT_LOW && ec != ESR_EC_DABT_CUR)
		return -EINVAL;
	out->isv = iss & ESR_DABT_ISV;
	out->size = (uint8_t)(1u << ((iss >> ESR_DABT_SAS_SHIFT) & ESR_DABT_SAS_MASK));
	out->sse = iss & ESR_DABT_SSE;
	out->srt = (uint8_t)((iss >> ESR_DABT_SRT_SHIFT) & ESR_DABT_SRT_MASK);
	out->sf = iss & ESR_DABT_SF;
	out->write = iss & ESR_DABT_WNR;
	out->s1ptw = iss & ESR_DABT_S1PTW;
	out->cm = iss & ESR_DABT_CM;
	out->fsc = (uint8_t)(iss & ESR_DABT_DFSC_MASK);
	/* Without ISV the access fields are UNKNOWN (D17.2.37): zero them. */
	if (!out->isv) {
		out->size = 0;
		out->sse = false;
		out->srt = 0;
		out->sf = false;
	}
	return 0;
}

int esr_decode_sysreg(uint64_t esr, struct esr_sysreg *out)
{
	uint32_t iss = esr_iss(esr);

	if (esr_ec(esr) != ESR_EC_SYSREG)
		return -EINVAL;
	out->op0 = (uint8_t)((iss >> ESR_SYS_OP0_SHIFT) & 0x3u);
	out->op2 = (uint8_t)((iss >> ESR_SYS_OP2_SHIFT) & 0x7u);
	out->op1 = (uint8_t)((iss >> ESR_SYS_OP1_SHIFT) & 0x7u);
	out->crn = (uint8_t)((iss >> ESR_SYS_CRN_SHIFT) & 0xfu);
	out->rt = (uint8_t)((iss >> ESR_SYS_RT_SHIFT) & 0x1fu);
	out->crm = (uint8_t)((iss >> ESR_SYS_CRM_SHIFT) & 0xfu);
	out->read = iss & ESR_SYS_READ;
	return 0;
}

static uint64_t esr_size_mask(const struct esr_dabt *d)
{
	return d->size >= 8 ? ~0ull : (1ull << (d->size * 8)) - 1;
}

uint64_t esr_dabt_store_value(const struct esr_dabt *d, uint64_t reg)
{
	return reg & esr_size_mask(d);
}

uint64_t esr_dabt_load_value(const struct esr_dabt *d, uint64_t val)
{
	uint64_t mask = esr_size_mask(d);

	val &= mask;
	if (d->sse && d->size && d->size < 8 && (val & (1ull << (d->size * 8 - 1))))
		val |= ~mask;
	if (!d->sf)
		val &= 0xffffffffull;
	return val;
}

const char *esr_ec_name(uint32_t ec)
{
	switch (ec) {
	case ESR_EC_UNKNOWN:
		return "unknown";
	case ESR_EC_WFX:
		return "wfx";
	case ESR_EC_FP:
		return "fp";
	case ESR_EC_ILLEGAL:
		return "illegal-state";
	case ESR_EC_SVC64:
		return "svc";
	case ESR_EC_HVC64:
		return "hvc";
	case ESR_EC_SMC64:
		return "smc";
	case ESR_EC_SYSREG:
		return "sysreg";
	case ESR_EC_SVE:
		return "sve (not offered)";
	case ESR_EC_SME:
		return "sme (not offered)";
	case ESR_EC_IABT_LOW:
		return "instruction-abort";
	case ESR_EC_IABT_CUR:
		return "instruction-abort-el2";
	case ESR_EC_PC_ALIGN:
		return "pc-alignment";
	case ESR_EC_DABT_LOW:
		return "data-abort";
	case ESR_EC_DABT_CUR:
		return "data-abort-el2";
	case ESR_EC_SP_ALIGN:
		return "sp-alignment";
	case ESR_EC_SERROR:
		return "serror";
	case ESR_EC_BRK:
		return "brk";
	default:
		return "unhandled";
	}
}
