/* SPDX-License-Identifier: MIT */
/*
 * A VM's management page (hyp/core/vm_ctl.c, include/bulkhead/ctl.h): how a
 * VM the configuration lets manage others lists every VM and stops,
 * starts and restarts those it may, from user space through stock uio.
 */
#ifndef HYP_VM_CTL_H
#define HYP_VM_CTL_H

#include <bulkhead/config.h>
#include "hyp.h"

struct vcpu;
struct vm;

/**
 * struct vm_ctl - one VM's side of its management page
 * @manages:    VMs it may manage (bit n: VM n), from the config's names
 * @result:     BH_CTL_RESULT of its last command
 * @errors:     its rejected accesses
 * @log_budget: log lines left for its refused commands and bad accesses
 */
struct vm_ctl {
	uint32_t manages;
	uint32_t result;
	uint32_t errors;
	uint32_t log_budget;
};

/* Resolve @vm's rights from @cfg (at boot, before any vCPU runs). */
void vm_ctl_init(struct vm *vm, const struct bh_config *cfg);

/* Does @ipa fall in @vm's management page? */
bool vm_ctl_is_emulated(const struct vm *vm, uint64_t ipa);

/**
 * vm_ctl_mmio() - emulate a trapped access to the management page
 *
 * A bad access or command is the guest's error, not a fault: it is
 * answered (a read with 0, a command with its errno in the result),
 * counted and logged within the VM's budget; the VM goes on.
 * Return: 0, or -ENOENT if @ipa is not @v's page.
 */
int vm_ctl_mmio(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val);

#endif /* HYP_VM_CTL_H */
