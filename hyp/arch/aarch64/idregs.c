// SPDX-License-Identifier: MIT
/*
 * Feature fields hidden from guests (see idregs.h).  Field positions: Arm
 * ARM DDI 0487 D19.2 (AArch64 ID registers).  A hidden field reads 0, "not
 * implemented", for every field listed here (all unsigned ones).
 *
 * What is hidden and why (docs/hypervisor.md, "CPU features"):
 * - trapped by CPTR_EL2 at vCPU entry (TZ, TSM): SVE, SME;
 * - EL2 and virtualization features a guest at EL1 cannot use: EL2, SEL2,
 *   VHE, NV, FGT, HCX, RME;
 * - not enabled or not virtualised at EL2: MTE (HCR_EL2.ATA clear), pointer
 *   authentication (HCR_EL2.API/APK clear), MPAM, AMU, NMI, GCS, THE,
 *   LS64, MOPS, WFxT (a WFIT would wait past its timeout in the trapped WFI);
 * - trace and profiling, whose buffers MDCR_EL2 leaves owned by EL2 and
 *   which would observe EL2 execution: SPE, TRBE, BRBE, the trace unit and
 *   its filter.
 */
#include "idregs.h"

#define FIELD(shift) (0xfull << (shift))

struct idreg_rule {
	uint32_t enc;
	uint64_t hide;
};

/* Shown with these fields hidden; ZFR0/SMFR0 are wholly hidden (SVE, SME). */
static const struct idreg_rule idreg_rules[] = {
	/* EL2 [11:8], SVE [35:32], SEL2 [39:36], MPAM [43:40], AMU [47:44], RME [55:52] */
	{ SYSREG_ID_AA64PFR0_EL1,
	  FIELD(8) | FIELD(32) | FIELD(36) | FIELD(40) | FIELD(44) | FIELD(52) },
	/* MTE [11:8], MPAM_frac [19:16], SME [27:24], NMI [39:36], MTE_frac [43:40],
	 * GCS [47:44], THE [51:48], MTEX [55:52] */
	{ SYSREG_ID_AA64PFR1_EL1, FIELD(8) | FIELD(16) | FIELD(24) | FIELD(36) | FIELD(40) |
					  FIELD(44) | FIELD(48) | FIELD(52) },
	{ SYSREG_ID_AA64ZFR0_EL1, ~0ull },
	{ SYSREG_ID_AA64SMFR0_EL1, ~0ull },
	/* TraceVer [7:4], PMSVer [35:32], TraceFilt [43:40], TraceBuffer [47:44],
	 * BRBE [55:52] */
	{ SYSREG_ID_AA64DFR0_EL1, FIELD(4) | FIELD(32) | FIELD(40) | FIELD(44) | FIELD(52) },
	/* APA [7:4], API [11:8], GPA [27:24], GPI [31:28], LS64 [63:60] */
	{ SYSREG_ID_AA64ISAR1_EL1, FIELD(4) | FIELD(8) | FIELD(24) | FIELD(28) | FIELD(60) },
	/* WFxT [3:0], GPA3 [11:8], APA3 [15:12], MOPS [19:16], PAC_frac [27:24],
	 * SYSREG_128 [35:32], SYSINSTR_128 [39:36] */
	{ SYSREG_ID_AA64ISAR2_EL1,
	  FIELD(0) | FIELD(8) | FIELD(12) | FIELD(16) | FIELD(24) | FIELD(32) | FIELD(36) },
	/* FGT [59:56] */
	{ SYSREG_ID_AA64MMFR0_EL1, FIELD(56) },
	/* VH [11:8], HCX [43:40] */
	{ SYSREG_ID_AA64MMFR1_EL1, FIELD(8) | FIELD(40) },
	/* NV [27:24], FWB [43:40] (stage 2 is the hypervisor's) */
	{ SYSREG_ID_AA64MMFR2_EL1, FIELD(24) | FIELD(40) },
};

/*
 * Shown as the hardware has them: the AArch32 registers (EL0 may be
 * AArch32) and the remaining Armv8.0-8.7 AArch64 ones.  Encodings as
 * SYSREG_ENC(3, 0, 0, CRm, op2).
 */
static const uint32_t idreg_plain[] = {
	/* ID_PFR0..ID_MMFR3, ID_ISAR0..ID_ISAR5, ID_MMFR4, ID_ISAR6 */
	SYSREG_ENC(3, 0, 0, 1, 0),
	SYSREG_ENC(3, 0, 0, 1, 1),
	SYSREG_ENC(3, 0, 0, 1, 2),
	SYSREG_ENC(3, 0, 0, 1, 3),
	SYSREG_ENC(3, 0, 0, 1, 4),
	SYSREG_ENC(3, 0, 0, 1, 5),
	SYSREG_ENC(3, 0, 0, 1, 6),
	SYSREG_ENC(3, 0, 0, 1, 7),
	SYSREG_ENC(3, 0, 0, 2, 0),
	SYSREG_ENC(3, 0, 0, 2, 1),
	SYSREG_ENC(3, 0, 0, 2, 2),
	SYSREG_ENC(3, 0, 0, 2, 3),
	SYSREG_ENC(3, 0, 0, 2, 4),
	SYSREG_ENC(3, 0, 0, 2, 5),
	SYSREG_ENC(3, 0, 0, 2, 6),
	SYSREG_ENC(3, 0, 0, 2, 7),
	/* MVFR0..2, ID_PFR2, ID_DFR1, ID_MMFR5 */
	SYSREG_ENC(3, 0, 0, 3, 0),
	SYSREG_ENC(3, 0, 0, 3, 1),
	SYSREG_ENC(3, 0, 0, 3, 2),
	SYSREG_ENC(3, 0, 0, 3, 4),
	SYSREG_ENC(3, 0, 0, 3, 5),
	SYSREG_ENC(3, 0, 0, 3, 6),
	/* ID_AA64DFR1, ID_AA64AFR0/1, ID_AA64ISAR0 */
	SYSREG_ENC(3, 0, 0, 5, 1),
	SYSREG_ENC(3, 0, 0, 5, 4),
	SYSREG_ENC(3, 0, 0, 5, 5),
	SYSREG_ENC(3, 0, 0, 6, 0),
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

bool idreg_is_trapped(uint32_t enc)
{
	uint32_t crm = (enc >> 4) & 0xf;

	return (enc & ~0xffu) == SYSREG_ENC(3, 0, 0, 0, 0) && crm >= IDREG_CRM_FIRST &&
	       crm <= IDREG_CRM_LAST;
}

static const struct idreg_rule *idreg_rule(uint32_t enc)
{
	for (unsigned int i = 0; i < ARRAY_LEN(idreg_rules); i++)
		if (idreg_rules[i].enc == enc)
			return &idreg_rules[i];
	return 0;
}

bool idreg_is_known(uint32_t enc)
{
	const struct idreg_rule *rule = idreg_rule(enc);

	if (rule)
		return rule->hide != ~0ull;
	for (unsigned int i = 0; i < ARRAY_LEN(idreg_plain); i++)
		if (idreg_plain[i] == enc)
			return true;
	return false;
}

uint64_t idreg_sanitize(uint32_t enc, uint64_t hw)
{
	const struct idreg_rule *rule = idreg_rule(enc);

	if (!idreg_is_known(enc))
		return 0;
	return rule ? hw & ~rule->hide : hw;
}
