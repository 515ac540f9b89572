// SPDX-License-Identifier: MIT
/*
 * Hardware reads of the ID registers the hypervisor shows (idregs.h).  A
 * system register is named by its instruction encoding, so each needs its
 * own MRS: one list of (CRm, op2), expanded into a switch.
 */
#include "idregs.h"
#include "sysreg.h"

/* A table and the switch built from it: kept as written. */
/* clang-format off */
#define IDREG_HW_LIST(X)						\
	X(1, 0) X(1, 1) X(1, 2) X(1, 3) X(1, 4) X(1, 5) X(1, 6) X(1, 7)	\
	X(2, 0) X(2, 1) X(2, 2) X(2, 3) X(2, 4) X(2, 5) X(2, 6) X(2, 7)	\
	X(3, 0) X(3, 1) X(3, 2) X(3, 4) X(3, 5) X(3, 6)			\
	X(4, 0) X(4, 1)							\
	X(5, 0) X(5, 1) X(5, 4) X(5, 5)					\
	X(6, 0) X(6, 1) X(6, 2)						\
	X(7, 0) X(7, 1) X(7, 2)

#define IDREG_CASE(crm, op2)						\
	case SYSREG_ENC(3, 0, 0, crm, op2):				\
		return sysreg_read(S3_0_C0_C##crm##_##op2);

uint64_t idreg_hw_read(uint32_t enc)
{
	switch (enc) {
	IDREG_HW_LIST(IDREG_CASE)
	default:
		return 0;
	}
}
/* clang-format on */
