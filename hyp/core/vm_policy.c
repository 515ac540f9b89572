// SPDX-License-Identifier: MIT
/*
 * A VM's restart policy (struct bh_vm_policy, docs/config.md "Restart
 * policy"): on a fault, on PSCI SYSTEM_OFF and on its watchdog's WS1 the
 * VM is stopped, restarted through the path of PSCI SYSTEM_RESET
 * (vm_system_reset()) within its restart limit, or, for a stage-2 abort,
 * handed the synchronous external abort the hardware would raise.
 */
#include "hyp_timer.h"
#include "inject.h"
#include "log.h"
#include "pcpu.h"
#include "vm.h"
#include "vm_policy.h"

#define VM_POLICY_LOG_BUDGET 16

/* Injected-abort lines left per VM; a guest can fault at will. */
static uint32_t vm_inject_log_budget[BH_MAX_VMS] = {
	[0 ... BH_MAX_VMS - 1] = VM_POLICY_LOG_BUDGET,
};

static void __attribute__((noreturn))
vm_policy_stop(struct vm *vm, const struct vm_fault *f, const char *why)
{
	vm_stop(vm, why, f->esr, f->far, f->ipa, f->pc);
	pcpu_park();
}

/*
 * Take a slot of the restart limit and set the back-off of vCPU 0's next
 * start.  Return: the restart's rank in the window, -EBUSY over the limit,
 * -EINTR if the VM is already being reset or has ended.
 */
static int vm_policy_take(struct vm *vm, uint32_t *delay_ms)
{
	const struct bh_vm_policy *p = &vm->cfg->policy;
	uint64_t now = hyp_counter();
	int k;

	spin_lock(&vm->lock);
	if (vm->resetting || vm->state != VM_RUNNING) {
		spin_unlock(&vm->lock);
		return -EINTR;
	}
	k = restart_limit_take(&vm->restarts, now, hyp_ms_to_ticks(p->restart_window_ms),
			       p->restart_max);
	if (k > 0) {
		*delay_ms = restart_backoff_ms(p->restart_delay_ms, (unsigned int)k);
		vm->vcpus[0].not_before = now + hyp_ms_to_ticks(*delay_ms);
	}
	spin_unlock(&vm->lock);
	return k;
}

static void __attribute__((noreturn)) vm_policy_restart(struct vcpu *self, const struct vm_fault *f)
{
	struct vm *vm = self->vm;
	const struct bh_vm_policy *p = &vm->cfg->policy;
	uint32_t delay_ms = 0;
	int k;

	k = vm_policy_take(vm, &delay_ms);
	if (k == -EINTR)
		pcpu_park();
	if (k < 0) {
		char why[96];

		/* the fault loop ends here, in the one line vm_stop() prints */
		hyp_snprintf(why, sizeof(why), "%s, after %u restarts within %u ms", f->why,
			     p->restart_max, p->restart_window_ms);
		vm_policy_stop(vm, f, why);
	}
	hyp_log("bulkhead: vm %s restarting: %s esr=0x%llx far=0x%llx ipa=0x%llx pc=0x%llx "
		"(restart %d of %u within %u ms, after %u ms)\n",
		vm->cfg->name, f->why, (unsigned long long)f->esr, (unsigned long long)f->far,
		(unsigned long long)f->ipa, (unsigned long long)f->pc, k, p->restart_max,
		p->restart_window_ms, delay_ms);
	vm_system_reset(self);
}

void vm_fault(struct vcpu *v, struct regs *r, const struct vm_fault *f)
{
	struct vm *vm = v->vm;

	vm_note_fault(vm, f->why);
	switch (vm->cfg->policy.on_fault) {
	case BH_ACTION_INJECT:
		if (f->abort) {
			vcpu_inject_abort(r, f->esr, f->far);
			hyp_log_ratelimited(
				&vm_inject_log_budget[vm->id],
				"bulkhead: vm %s: external abort injected: %s far=0x%llx "
				"ipa=0x%llx pc=0x%llx\n",
				vm->cfg->name, f->why, (unsigned long long)f->far,
				(unsigned long long)f->ipa, (unsigned long long)f->pc);
			return;
		}
		/* nothing the hardware would raise: the VM cannot go on */
		vm_policy_restart(v, f);
	case BH_ACTION_RESTART:
		vm_policy_restart(v, f);
	default:
		vm_policy_stop(vm, f, f->why);
	}
}

void vm_policy_off(struct vcpu *self)
{
	const struct vm_fault f = { .why = "powered off (PSCI SYSTEM_OFF)",
				    .pc = this_pcpu()->frame->elr };

	if (self->vm->cfg->policy.on_off == BH_ACTION_RESTART)
		vm_policy_restart(self, &f);
}

void vm_policy_watchdog(struct vcpu *home)
{
	/* where the guest was when it last left: where it hangs */
	const struct vm_fault f = { .why = "watchdog expired (WS1)",
				    .pc = this_pcpu()->frame->elr };

	vm_note_fault(home->vm, f.why);
	if (home->vm->cfg->policy.on_watchdog == BH_ACTION_RESTART)
		vm_policy_restart(home, &f);
	vm_policy_stop(home->vm, &f, f.why);
}
