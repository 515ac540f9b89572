// SPDX-License-Identifier: MIT
/*
 * The back-ends of the guest PSCI calls that act on one vCPU: CPU_ON,
 * CPU_OFF and AFFINITY_INFO (Arm DEN 0022 §5), each limited to the
 * caller's own VM.  hyp/arch/aarch64/psci.c decodes the trapped call;
 * SYSTEM_OFF and SYSTEM_RESET end or restart the whole VM and are part of
 * its life cycle in hyp/core/vm.c.
 */
#include "gic.h"
#include "hyp.h"
#include "pcpu.h"
#include "psci.h"
#include "s2.h"
#include "vcpu_psci.h"
#include "vm.h"

static struct vcpu *vm_find_vcpu(struct vm *vm, uint64_t mpidr)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].mpidr == (mpidr & MPIDR_AFF_MASK))
			return &vm->vcpus[i];
	return NULL;
}

int64_t vm_cpu_on(struct vcpu *self, uint64_t mpidr, uint64_t entry, uint64_t context)
{
	struct vm *vm = self->vm;
	struct vcpu *t = vm_find_vcpu(vm, mpidr);
	int64_t ret = PSCI_SUCCESS;

	if (!t)
		return PSCI_INVALID_PARAMETERS;
	if (!vm_ipa_is_exec(vm, entry))
		return PSCI_INVALID_ADDRESS;
	spin_lock(&vm->lock);
	/*
	 * A SYSTEM_RESET in progress has turned every vCPU off and is about to
	 * reload the VM: a CPU_ON that reaches the lock after that (its caller
	 * is being stopped too) must not start a vCPU that would run on into
	 * the restarted VM.  PSCI (Arm DEN 0022) lets CPU_ON fail with
	 * INTERNAL_FAILURE.
	 */
	if (vm->resetting || vm->state != VM_RUNNING || self->state != VCPU_ON) {
		ret = PSCI_INTERNAL_FAILURE;
	} else if (t->state == VCPU_ON) {
		ret = PSCI_ALREADY_ON;
	} else if (t->state == VCPU_ON_PENDING) {
		ret = PSCI_ON_PENDING;
	} else {
		t->entry = entry;
		t->context = context;
		__atomic_store_n(&t->state, VCPU_ON_PENDING, __ATOMIC_RELEASE);
	}
	spin_unlock(&vm->lock);
	if (ret == PSCI_SUCCESS)
		vcpu_kick(t);
	return ret;
}

void vm_cpu_off(struct vcpu *self)
{
	spin_lock(&self->vm->lock);
	__atomic_store_n(&self->state, VCPU_OFF, __ATOMIC_RELEASE);
	spin_unlock(&self->vm->lock);
	pcpu_park();
}

int64_t vm_affinity_info(struct vcpu *self, uint64_t mpidr, uint64_t level)
{
	struct vcpu *t = vm_find_vcpu(self->vm, mpidr);

	if (!t || level != 0)
		return PSCI_INVALID_PARAMETERS;
	switch (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE)) {
	case VCPU_ON:
		return PSCI_AFFINITY_ON;
	case VCPU_ON_PENDING:
		return PSCI_AFFINITY_ON_PENDING;
	default:
		return PSCI_AFFINITY_OFF;
	}
}
