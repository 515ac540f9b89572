// SPDX-License-Identifier: MIT
/*
 * Exits from guests (vectors.S) and their dispatch by exception class
 * (ESR_EL2.EC, Arm ARM D17.2.37).
 *
 * Anything a guest does that Bulkhead does not emulate is a fault of that
 * VM, handled by its policy (hyp/core/vm_policy.c: stopped with one log
 * line, restarted, or handed the abort); the other VMs never notice.
 */
#include <stddef.h>
#include "entry.h"
#include "esr.h"
#include "gic.h"
#include "hyp.h"
#include "idregs.h"
#include "log.h"
#include "psci.h"
#include "sysreg.h"
#include "vgic.h"
#include "vm.h"
#include "vm_mmio.h"
#include "vm_policy.h"

_Static_assert(offsetof(struct regs, x[30]) == REGS_X30, "regs layout");
_Static_assert(offsetof(struct regs, elr) == REGS_ELR, "regs layout");
_Static_assert(offsetof(struct regs, spsr) == REGS_SPSR, "regs layout");
_Static_assert(sizeof(struct regs) == REGS_SIZE, "regs layout");

#define INSN_SIZE 4

static void trap_fault(struct vcpu *vcpu, struct regs *r, const char *why, uint64_t esr,
		       uint64_t ipa, bool abort)
{
	const struct vm_fault f = { .why = why,
				    .esr = esr,
				    .far = sysreg_read(far_el2),
				    .ipa = ipa,
				    .pc = r->elr,
				    .abort = abort };

	vm_fault(vcpu, r, &f);
}

static void trap_stop(struct vcpu *vcpu, struct regs *r, const char *why, uint64_t esr,
		      uint64_t ipa)
{
	trap_fault(vcpu, r, why, esr, ipa, false);
}

/*
 * WFI: wait here, in WFI with IRQs masked at EL2, until an interrupt for
 * this vCPU is pending.  A physical interrupt wakes the WFI even while
 * masked (D1.16.2); the guest's IRQ exit then forwards it.  Nothing spins.
 */
static void trap_wfi(struct vcpu *vcpu)
{
	dsb(sy);
	if (!vgic_has_pending(&vcpu->vgic))
		wfi();
}

/*
 * Stage-2 data abort: accesses to an emulated window (vm_mmio_emulate) are
 * decoded from the syndrome and emulated; anything else stops the VM.
 */
static void trap_dabt(struct vcpu *vcpu, struct regs *r, uint64_t esr)
{
	uint64_t far = sysreg_read(far_el2);
	uint64_t ipa = esr_hpfar_to_ipa(sysreg_read(hpfar_el2), far);
	struct esr_dabt d;
	uint64_t val = 0;
	int ret;

	esr_decode_dabt(esr, &d);
	if (!vm_mmio_is_emulated(vcpu->vm, ipa)) {
		/* nothing answers there: on hardware, an external abort */
		trap_fault(vcpu, r,
			   (d.fsc & ESR_FSC_TYPE_MASK) == ESR_FSC_PERMISSION
				   ? "access not permitted"
				   : "access outside its memory",
			   esr, ipa, true);
		return;
	}
	/* no syndrome (e.g. LDP), cache maintenance or a walk: not emulated */
	if (!d.isv || d.cm || d.s1ptw) {
		trap_stop(vcpu, r, "unemulatable MMIO access", esr, ipa);
		return;
	}
	if (d.write)
		val = esr_dabt_store_value(&d, regs_get(r, d.srt));
	ret = vm_mmio_emulate(vcpu, ipa, d.size, d.write, &val);
	if (ret == -EINTR)
		return; /* stopped or reset while waiting: the caller parks */
	if (ret) {
		trap_stop(vcpu, r, "bad MMIO access", esr, ipa);
		return;
	}
	if (!d.write)
		regs_set(r, d.srt, esr_dabt_load_value(&d, val));
	r->elr += INSN_SIZE;
}

static void trap_sysreg(struct vcpu *vcpu, struct regs *r, uint64_t esr)
{
	struct esr_sysreg s;

	esr_decode_sysreg(esr, &s);
	if (s.read && idreg_is_trapped(esr_sysreg_enc(&s))) {
		uint32_t enc = esr_sysreg_enc(&s);
		uint64_t hw = idreg_is_known(enc) ? idreg_hw_read(enc) : 0;

		regs_set(r, s.rt, idreg_sanitize(enc, hw));
		r->elr += INSN_SIZE;
		return;
	}
	switch (esr_sysreg_enc(&s)) {
	case SYSREG_ICC_SGI1R_EL1:
		if (s.read || vgic_sgi_write(&vcpu->vm->vgic, &vcpu->vgic, regs_get(r, s.rt)))
			break;
		r->elr += INSN_SIZE;
		return;
	default:
		break;
	}
	trap_stop(vcpu, r, "unsupported system register", esr, 0);
}

/**
 * trap_guest_sync() - synchronous exception from a guest
 * @r: the saved frame; changes are restored on return
 */
void trap_guest_sync(struct regs *r)
{
	struct vcpu *vcpu = this_pcpu()->vcpu;
	uint64_t esr = sysreg_read(esr_el2);

	vgic_sync_lrs(&vcpu->vgic);
	switch (esr_ec(esr)) {
	case ESR_EC_WFX:
		vcpu->stats.wfi++;
		if (!(esr_iss(esr) & ESR_WFX_TI_WFE))
			trap_wfi(vcpu);
		r->elr += INSN_SIZE;
		break;
	case ESR_EC_HVC64:
		/* ELR already points after the HVC */
		vcpu->stats.psci++;
		psci_guest_call(vcpu, r);
		break;
	case ESR_EC_SMC64:
		/* a trapped SMC returns to the SMC itself (D1.11.2) */
		r->elr += INSN_SIZE;
		vcpu->stats.psci++;
		psci_guest_call(vcpu, r);
		break;
	case ESR_EC_SYSREG:
		vcpu->stats.sysreg++;
		trap_sysreg(vcpu, r, esr);
		break;
	case ESR_EC_DABT_LOW:
		vcpu->stats.mmio++;
		trap_dabt(vcpu, r, esr);
		break;
	case ESR_EC_IABT_LOW:
		trap_fault(vcpu, r, "instruction fetch outside its memory", esr,
			   esr_hpfar_to_ipa(sysreg_read(hpfar_el2), sysreg_read(far_el2)), true);
		break;
	default:
		trap_stop(vcpu, r, esr_ec_name(esr_ec(esr)), esr, 0);
		break;
	}
	/* the EL2 timer may have fired in a wait (rio, WFI) */
	pcpu_timer_work();
	/* a kick during a WFI may mean "your VM was stopped or reset" */
	if (__atomic_load_n(&vcpu->state, __ATOMIC_ACQUIRE) != VCPU_ON)
		pcpu_park();
	vgic_flush_lrs(&vcpu->vgic);
}

/** trap_guest_irq() - physical IRQ/FIQ taken while a guest ran */
void trap_guest_irq(struct regs *r)
{
	struct vcpu *vcpu = this_pcpu()->vcpu;

	UNUSED(r);
	vcpu->stats.irq++;
	vgic_sync_lrs(&vcpu->vgic);
	gic_handle_irq(&vcpu->vgic);
	pcpu_timer_work();
	/* a kick may mean "your VM was stopped or reset" */
	if (__atomic_load_n(&vcpu->state, __ATOMIC_ACQUIRE) != VCPU_ON)
		pcpu_park();
	vgic_flush_lrs(&vcpu->vgic);
}

/** trap_guest_serror() - asynchronous external abort caused by a guest */
void trap_guest_serror(struct regs *r)
{
	struct vcpu *vcpu = this_pcpu()->vcpu;

	trap_stop(vcpu, r, "SError", sysreg_read(esr_el2), 0);
}

void trap_el2_fault(uint64_t esr, uint64_t elr, uint64_t far)
{
	hyp_panic("EL2 %s esr=0x%llx elr=0x%llx far=0x%llx\n", esr_ec_name(esr_ec(esr)),
		  (unsigned long long)esr, (unsigned long long)elr, (unsigned long long)far);
}

void trap_el2_unexpected(uint64_t esr, uint64_t elr, uint64_t far)
{
	hyp_panic("unexpected EL2 exception esr=0x%llx elr=0x%llx far=0x%llx\n",
		  (unsigned long long)esr, (unsigned long long)elr, (unsigned long long)far);
}
