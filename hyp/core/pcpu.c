// SPDX-License-Identifier: MIT
/*
 * Physical CPUs: their EL2 set-up, entering the one vCPU pinned to each,
 * and the loop each pCPU waits in while its vCPU is not running
 * (docs/hypervisor.md, "vCPU entry and exits", "Idle").
 */
#include "entry.h"
#include "gic.h"
#include "hstring.h"
#include "hyp.h"
#include "pcpu.h"
#include "pt.h"
#include "sysreg.h"
#include "vgic.h"
#include "vm.h"

#define VMPIDR_RES1 (1ull << 31)
#define VTCR_GUEST                                                                            \
	(VTCR_RES1 | VTCR_PS_40 | VTCR_TG0_4K | VTCR_SH0_IS | VTCR_ORGN0_WB | VTCR_IRGN0_WB | \
	 VTCR_SL0_L1 | VTCR_T0SZ(64 - PT_IPA_BITS))

struct pcpu pcpus[BH_MAX_CPUS];
uint8_t pcpu_stacks[BH_MAX_CPUS][PCPU_STACK_SIZE] __attribute__((aligned(16)));

/**
 * pcpu_setup() - per-CPU pointer and frame, called from entry.S
 * @cpu: logical CPU index
 */
void pcpu_setup(unsigned int cpu)
{
	struct pcpu *p = &pcpus[cpu];

	p->id = cpu;
	p->frame = (struct regs *)(pcpu_stacks[cpu] + PCPU_STACK_SIZE) - 1;
	sysreg_write(tpidr_el2, (uint64_t)p);
}

void vcpu_kick(struct vcpu *v)
{
	if (v->pcpu != this_pcpu()->id)
		gic_send_sgi(v->pcpu, GIC_SGI_KICK);
}

/* Load the pCPU's EL2 controls for its vCPU and enter it. */
static void vcpu_enter(struct vcpu *v)
{
	struct regs *r = this_pcpu()->frame;
	struct vm *vm = v->vm;

	spin_lock(&vm->lock);
	if (v->state != VCPU_ON_PENDING || vm->state != VM_RUNNING) {
		spin_unlock(&vm->lock);
		return;
	}
	memset(r, 0, sizeof(*r));
	r->x[0] = v->context;
	r->elr = v->entry;
	r->spsr = SPSR_GUEST_ENTRY;
	__atomic_store_n(&v->state, VCPU_ON, __ATOMIC_RELEASE);
	__atomic_store_n(&v->in_guest, 1, __ATOMIC_RELEASE);
	spin_unlock(&vm->lock);

	/* a fresh EL1: MMU off, timers off (Linux booting.rst §4) */
	sysreg_write(sctlr_el1, SCTLR_EL1_RESET);
	sysreg_write(cntv_ctl_el0, 0);
	sysreg_write(cntp_ctl_el0, 0);
	sysreg_write(vpidr_el2, sysreg_read(midr_el1));
	sysreg_write(vmpidr_el2, v->mpidr | VMPIDR_RES1);
	sysreg_write(vtcr_el2, VTCR_GUEST);
	sysreg_write(vttbr_el2, vm->vttbr);
	sysreg_write(cptr_el2, CPTR_EL2_RES1);
	sysreg_write(hstr_el2, 0);
	sysreg_write(mdcr_el2, (sysreg_read(pmcr_el0) >> PMCR_N_SHIFT) & PMCR_N_MASK);
	sysreg_write(cnthctl_el2, CNTHCTL_GUEST);
	sysreg_write(cntvoff_el2, 0);
	sysreg_write(hcr_el2, HCR_GUEST);
	isb();
	/* drop whatever an earlier life of this VMID left in the TLBs */
	__asm__ volatile("tlbi vmalls12e1\n\tdsb nsh\n\tisb" : : : "memory");
	vgic_flush_lrs(&v->vgic);
	guest_enter(r);
}

void pcpu_park(void)
{
	cpu_reenter_loop((uint64_t)(uintptr_t)this_pcpu()->frame);
}

void pcpu_loop(void)
{
	struct pcpu *p = this_pcpu();
	struct vcpu *v = p->vcpu;

	__atomic_store_n(&p->online, 1, __ATOMIC_RELEASE);
	if (v) {
		__atomic_store_n(&v->in_guest, 0, __ATOMIC_RELEASE);
		sev();
	}
	for (;;) {
		if (v && __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_ON_PENDING)
			vcpu_enter(v);
		/* Sleep until a kick (SGI) or an interrupt for the vCPU. */
		wfi();
		gic_handle_irq(v ? &v->vgic : NULL);
	}
}
