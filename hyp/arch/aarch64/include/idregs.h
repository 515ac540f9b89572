/* SPDX-License-Identifier: MIT */
/*
 * The CPU features a guest is shown: reads of the AArch64 and AArch32 ID
 * registers trap (HCR_EL2.TID3) and return the hardware's values with
 * every feature hidden that the hypervisor traps, leaves to EL2 or would
 * have to context-manage (Arm ARM D19 feature ID registers; docs/hypervisor.md,
 * "CPU features").  Pure logic, host-tested; the hardware read is
 * idreg_hw_read() in idregs_hw.c.
 */
#ifndef HYP_IDREGS_H
#define HYP_IDREGS_H

#include <stdbool.h>
#include <stdint.h>

#include "esr.h"

/* The ID register space HCR_EL2.TID3 traps: op0 3, op1 0, CRn 0, CRm 1..7. */
#define IDREG_CRM_FIRST 1
#define IDREG_CRM_LAST	7

#define SYSREG_ID_AA64PFR0_EL1	SYSREG_ENC(3, 0, 0, 4, 0)
#define SYSREG_ID_AA64PFR1_EL1	SYSREG_ENC(3, 0, 0, 4, 1)
#define SYSREG_ID_AA64ZFR0_EL1	SYSREG_ENC(3, 0, 0, 4, 4)
#define SYSREG_ID_AA64SMFR0_EL1 SYSREG_ENC(3, 0, 0, 4, 5)
#define SYSREG_ID_AA64DFR0_EL1	SYSREG_ENC(3, 0, 0, 5, 0)
#define SYSREG_ID_AA64ISAR1_EL1 SYSREG_ENC(3, 0, 0, 6, 1)
#define SYSREG_ID_AA64ISAR2_EL1 SYSREG_ENC(3, 0, 0, 6, 2)
#define SYSREG_ID_AA64MMFR0_EL1 SYSREG_ENC(3, 0, 0, 7, 0)
#define SYSREG_ID_AA64MMFR1_EL1 SYSREG_ENC(3, 0, 0, 7, 1)
#define SYSREG_ID_AA64MMFR2_EL1 SYSREG_ENC(3, 0, 0, 7, 2)

/**
 * idreg_is_trapped() - is @enc in the ID register space HCR_EL2.TID3 traps
 * @enc: SYSREG_ENC() of an MRS
 */
bool idreg_is_trapped(uint32_t enc);

/**
 * idreg_is_known() - does the hypervisor show this register's hardware value
 * @enc: SYSREG_ENC() in the trapped space
 *
 * Registers it does not know (reserved encodings, and ones newer than it)
 * read as zero: no feature of theirs is shown.
 */
bool idreg_is_known(uint32_t enc);

/**
 * idreg_sanitize() - the value a guest reads from ID register @enc
 * @enc: SYSREG_ENC() in the trapped space
 * @hw:  the hardware value (ignored for registers that are not known)
 *
 * Return: @hw with hidden feature fields set to "not implemented" (0).
 */
uint64_t idreg_sanitize(uint32_t enc, uint64_t hw);

/* The hardware value of known ID register @enc (idregs_hw.c, EL2 only). */
uint64_t idreg_hw_read(uint32_t enc);

#endif /* HYP_IDREGS_H */
