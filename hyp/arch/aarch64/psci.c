// SPDX-License-Identifier: MIT
/*
 * PSCI: calls to QEMU's firmware (smc conduit) and the guest-facing
 * emulation (Arm DEN 0022 §5): the decoding of a guest's call here, its
 * back-end in hyp/core/vcpu_psci.c (CPU_ON/OFF, AFFINITY_INFO) or
 * hyp/core/vm.c (SYSTEM_OFF/RESET).  Every operation acts on the calling
 * VM only: CPU_ON can start only that VM's vCPUs, SYSTEM_OFF/RESET end or
 * restart only that VM.
 */
#include "hyp.h"
#include "psci.h"
#include "vcpu_psci.h"
#include "vm.h"

int64_t psci_fw_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC: x4-x17 may be clobbered by the callee */
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

int64_t psci_fw_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	return psci_fw_call(PSCI_CPU_ON_64, mpidr, entry, context);
}

void psci_fw_system_off(void)
{
	psci_fw_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

static int64_t psci_features(uint32_t fn)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
		return PSCI_SUCCESS;
	default:
		return PSCI_NOT_SUPPORTED;
	}
}

void psci_guest_call(struct vcpu *vcpu, struct regs *r)
{
	uint32_t fn = (uint32_t)r->x[0];
	int64_t ret;
	/* SMC32 calls pass 32-bit arguments (SMCCC §2.6) */
	bool smc32 = !(fn & 0x40000000u);
	uint64_t a1 = smc32 ? (uint32_t)r->x[1] : r->x[1];
	uint64_t a2 = smc32 ? (uint32_t)r->x[2] : r->x[2];
	uint64_t a3 = smc32 ? (uint32_t)r->x[3] : r->x[3];

	switch (fn) {
	case PSCI_VERSION:
		ret = PSCI_VERSION_1_1;
		break;
	case PSCI_FEATURES:
		ret = psci_features((uint32_t)a1);
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		ret = vm_cpu_on(vcpu, a1, a2, a3);
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		ret = vm_affinity_info(vcpu, a1, a2);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = PSCI_TOS_NOT_PRESENT_MP;
		break;
	case PSCI_CPU_OFF:
		vm_cpu_off(vcpu);
	case PSCI_SYSTEM_OFF:
		vm_system_off(vcpu);
	case PSCI_SYSTEM_RESET:
		vm_system_reset(vcpu);
	default:
		ret = SMCCC_RET_NOT_SUPPORTED;
		break;
	}
	r->x[0] = (uint64_t)ret;
}
