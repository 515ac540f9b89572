/* SPDX-License-Identifier: MIT */
/*
 * Guest PSCI calls on one vCPU (hyp/core/vcpu_psci.c), scoped to the
 * caller's VM; they return PSCI status codes (psci.h).
 */
#ifndef HYP_VCPU_PSCI_H
#define HYP_VCPU_PSCI_H

#include "hyp.h"

struct vcpu;

/**
 * vm_cpu_on() - PSCI CPU_ON: start the vCPU of @self's VM with @mpidr at
 * @entry with x0 = @context
 */
int64_t vm_cpu_on(struct vcpu *self, uint64_t mpidr, uint64_t entry, uint64_t context);

/** vm_cpu_off() - PSCI CPU_OFF: turn @self off and go back to pcpu_loop() */
void vm_cpu_off(struct vcpu *self) __attribute__((noreturn));

/** vm_affinity_info() - PSCI AFFINITY_INFO of a vCPU of @self's VM (level 0 only) */
int64_t vm_affinity_info(struct vcpu *self, uint64_t mpidr, uint64_t level);

#endif /* HYP_VCPU_PSCI_H */
