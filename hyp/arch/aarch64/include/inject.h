/* SPDX-License-Identifier: MIT */
/* Exceptions the hypervisor hands to a guest's EL1 (hyp/arch/aarch64/inject.c). */
#ifndef HYP_INJECT_H
#define HYP_INJECT_H

#include <stdint.h>
#include "regs.h"

/* FSC of a synchronous external abort, not on a table walk (D17.2.40). */
#define ESR_FSC_SEA 0x10u

/**
 * vcpu_inject_abort() - turn a stage-2 abort into a synchronous external
 * abort taken to the guest's EL1, as the hardware would raise for an
 * access nothing answers
 * @r:       the guest's frame at the exit (changed to enter the vector)
 * @esr_el2: the syndrome of the stage-2 abort (EC instruction or data abort)
 * @far:     FAR_EL2: the virtual address the guest used
 *
 * The caller checked the exit was such an abort.
 */
void vcpu_inject_abort(struct regs *r, uint64_t esr_el2, uint64_t far);

#endif /* HYP_INJECT_H */
