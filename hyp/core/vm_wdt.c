// SPDX-License-Identifier: MIT
/*
 * A VM's SBSA Generic Watchdog (docs/hypervisor.md, "Watchdog"): the
 * register model of sbsa_gwdt.h behind two trapped frames, with its signals
 * wired as the Arm BSA wires them: WS0 to an interrupt (a virtual SPI of
 * the VM), WS1 to the VM's reset, which here applies its policy.
 *
 * The deadline is kept by the EL2 timer of the pCPU of vCPU 0 (its
 * "home"): a refresh moves it later and needs nothing (the timer fires
 * early, finds nothing due and is armed again); a write that brings it
 * closer (enable, a shorter WOR) from another pCPU kicks home to re-arm.
 */
#include "gic.h"
#include "hyp_timer.h"
#include "log.h"
#include "pcpu.h"
#include "vgic.h"
#include "vm.h"
#include "vm_policy.h"
#include "vm_wdt.h"

#define VM_WDT_LOG_BUDGET 8

void vm_wdt_reset(struct vm *vm)
{
	spin_lock(&vm->wdt.lock);
	sbsa_gwdt_reset(&vm->wdt.regs);
	vm->wdt.log_budget = VM_WDT_LOG_BUDGET;
	spin_unlock(&vm->wdt.lock);
}

static bool vm_wdt_frame(const struct vm *vm, uint64_t ipa, enum sbsa_gwdt_frame *frame,
			 uint64_t *off)
{
	const struct bh_watchdog *w = &vm->cfg->watchdog;

	if (!w->control_ipa)
		return false;
	if (ipa - w->control_ipa < BH_WDT_FRAME_SIZE) {
		*frame = SBSA_GWDT_CONTROL;
		*off = ipa - w->control_ipa;
		return true;
	}
	if (ipa - w->refresh_ipa < BH_WDT_FRAME_SIZE) {
		*frame = SBSA_GWDT_REFRESH;
		*off = ipa - w->refresh_ipa;
		return true;
	}
	return false;
}

bool vm_wdt_is_emulated(const struct vm *vm, uint64_t ipa)
{
	enum sbsa_gwdt_frame frame;
	uint64_t off;

	return vm_wdt_frame(vm, ipa, &frame, &off);
}

int vm_wdt_mmio(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val)
{
	struct vm *vm = v->vm;
	struct vcpu *home = &vm->vcpus[0];
	enum sbsa_gwdt_frame frame;
	uint64_t off, before, after;
	int ret;

	if (!vm_wdt_frame(vm, ipa, &frame, &off))
		return -ENOENT;
	spin_lock(&vm->wdt.lock);
	before = sbsa_gwdt_deadline(&vm->wdt.regs);
	ret = sbsa_gwdt_access(&vm->wdt.regs, frame, off, size, write, val, hyp_counter());
	after = sbsa_gwdt_deadline(&vm->wdt.regs);
	if (ret)
		hyp_log_ratelimited(&vm->wdt.log_budget,
				    "bulkhead: vm %s: watchdog: bad %u-byte %s at 0x%llx\n",
				    vm->cfg->name, size, write ? "write" : "read",
				    (unsigned long long)ipa);
	spin_unlock(&vm->wdt.lock);
	if (after < before) {
		if (home == v)
			pcpu_timer_update();
		else
			vcpu_kick(home);
	}
	return ret;
}

uint64_t vm_wdt_poll(struct vcpu *home, uint64_t now)
{
	struct vm *vm = home->vm;
	enum sbsa_gwdt_event ev;
	uint64_t next;

	if (!vm->cfg->watchdog.control_ipa ||
	    __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_RUNNING)
		return UINT64_MAX;
	spin_lock(&vm->wdt.lock);
	ev = sbsa_gwdt_check(&vm->wdt.regs, now);
	next = sbsa_gwdt_deadline(&vm->wdt.regs);
	spin_unlock(&vm->wdt.lock);
	if (ev == SBSA_GWDT_RAISED_WS0)
		vgic_inject(&vm->vgic, vm->cfg->watchdog.intid, 0);
	else if (ev == SBSA_GWDT_RAISED_WS1)
		vm_policy_watchdog(home);
	return next;
}
