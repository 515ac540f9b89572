/* SPDX-License-Identifier: MIT */
/*
 * What happens to a VM that faults, powers off or is reset by its
 * watchdog: its struct bh_vm_policy (hyp/core/vm_policy.c, docs/config.md
 * "Restart policy").
 */
#ifndef HYP_VM_POLICY_H
#define HYP_VM_POLICY_H

#include "hyp.h"
#include "regs.h"

struct vcpu;

/**
 * struct vm_fault - a fault of a guest, as logged
 * @why:   short text
 * @esr:   ESR_EL2 (0 if none)
 * @far:   FAR_EL2
 * @ipa:   the faulting IPA (0 if none)
 * @pc:    the guest's PC
 * @abort: a stage-2 abort on an access the hardware would answer with a
 *         synchronous external abort (BH_ACTION_INJECT may hand it over)
 */
struct vm_fault {
	const char *why;
	uint64_t esr;
	uint64_t far;
	uint64_t ipa;
	uint64_t pc;
	bool abort;
};

/**
 * vm_fault() - apply .on_fault to a fault of @v
 * @v: the faulting vCPU, on its own pCPU
 * @r: its frame
 * @f: the fault
 *
 * Returns only when the abort was injected: the guest then resumes at its
 * EL1 vector.  A stop or restart does not return.
 */
void vm_fault(struct vcpu *v, struct regs *r, const struct vm_fault *f);

/* PSCI SYSTEM_OFF from @self: returns if .on_off is to stop. */
void vm_policy_off(struct vcpu *self);

/* The watchdog's WS1 on @home (vCPU 0, its own pCPU): does not return. */
void vm_policy_watchdog(struct vcpu *home) __attribute__((noreturn));

#endif /* HYP_VM_POLICY_H */
