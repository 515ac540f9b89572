/* SPDX-License-Identifier: MIT */
/*
 * A VM's SBSA Generic Watchdog (hyp/core/vm_wdt.c; the register model is
 * sbsa_gwdt.h): its two trapped frames, its WS0 interrupt and WS1, which
 * applies the VM's policy.  Its deadline is watched by the EL2 timer of
 * the pCPU of the VM's vCPU 0 (pcpu_timer_update()).
 */
#ifndef HYP_VM_WDT_H
#define HYP_VM_WDT_H

#include "hyp.h"
#include "sbsa_gwdt.h"
#include "spinlock.h"

struct vcpu;
struct vm;

/**
 * struct vm_wdt - one VM's watchdog
 * @lock:       guards @regs (any vCPU of the VM, and vCPU 0's timer)
 * @regs:       the register model
 * @log_budget: log lines left for bad accesses
 */
struct vm_wdt {
	spinlock_t lock;
	struct sbsa_gwdt regs;
	uint32_t log_budget;
};

/* Reset state, at boot and at each restart of the VM (WS1 survives). */
void vm_wdt_reset(struct vm *vm);

/* Does @ipa fall in one of @vm's watchdog frames? */
bool vm_wdt_is_emulated(const struct vm *vm, uint64_t ipa);

/**
 * vm_wdt_mmio() - emulate a trapped access to a watchdog frame
 * Return: 0, -ENOENT (not a frame of @v's VM) or -EINVAL (a bad access).
 */
int vm_wdt_mmio(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val);

/**
 * vm_wdt_poll() - act on the watchdog of @home's VM if a signal is due
 * @home: vCPU 0 of the VM, on its own pCPU
 * @now:  the counter
 *
 * WS0 injects the interrupt; WS1 applies bh_vm_policy.on_watchdog and then
 * does not return.
 *
 * Return: the next deadline, UINT64_MAX if none.
 */
uint64_t vm_wdt_poll(struct vcpu *home, uint64_t now);

#endif /* HYP_VM_WDT_H */
