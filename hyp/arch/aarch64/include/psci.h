/* SPDX-License-Identifier: MIT */
/*
 * PSCI (Arm DEN 0022, v1.1) function IDs and return codes, for the calls
 * the hypervisor makes to firmware and the ones it emulates for guests.
 */
#ifndef HYP_PSCI_H
#define HYP_PSCI_H

#include <stdint.h>
#include "regs.h"

#define PSCI_VERSION	       0x84000000u
#define PSCI_CPU_SUSPEND_32    0x84000001u
#define PSCI_CPU_SUSPEND_64    0xc4000001u
#define PSCI_CPU_OFF	       0x84000002u
#define PSCI_CPU_ON_32	       0x84000003u
#define PSCI_CPU_ON_64	       0xc4000003u
#define PSCI_AFFINITY_INFO_32  0x84000004u
#define PSCI_AFFINITY_INFO_64  0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF	       0x84000008u
#define PSCI_SYSTEM_RESET      0x84000009u
#define PSCI_FEATURES	       0x8400000au

#define PSCI_VERSION_1_1 0x00010001u

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED		(-3)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_ON_PENDING		(-5)
#define PSCI_INTERNAL_FAILURE	(-6)
#define PSCI_NOT_PRESENT	(-7)
#define PSCI_DISABLED		(-8)
#define PSCI_INVALID_ADDRESS	(-9)

#define PSCI_AFFINITY_ON	 0
#define PSCI_AFFINITY_OFF	 1
#define PSCI_AFFINITY_ON_PENDING 2

/* MIGRATE_INFO_TYPE: "Trusted OS not present or does not require migration" */
#define PSCI_TOS_NOT_PRESENT_MP 2

/* SMCCC (Arm DEN 0028) status for an unknown function ID. */
#define SMCCC_RET_NOT_SUPPORTED (-1)

/* Firmware calls (conduit: smc, docs/design.md §2.1). */
int64_t psci_fw_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t psci_fw_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
void psci_fw_system_off(void) __attribute__((noreturn));

struct vcpu;

/**
 * psci_guest_call() - emulate a guest's PSCI call (smc or hvc)
 * @vcpu: the caller
 * @r:    its registers: x0 function ID, x1..x3 arguments; x0 gets the result
 *
 * Unknown function IDs return SMCCC_RET_NOT_SUPPORTED.  Calls that stop the
 * calling vCPU (CPU_OFF, SYSTEM_OFF, SYSTEM_RESET) do not return.
 */
void psci_guest_call(struct vcpu *vcpu, struct regs *r);

#endif /* HYP_PSCI_H */
