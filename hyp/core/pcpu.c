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
#include "hyp_timer.h"
#include "pcpu.h"
#include "pt.h"
#include "rio_dev.h"
#include "sysreg.h"
#include "s2_memtype.h"
#include "vgic.h"
#include "vm.h"

#define VMPIDR_RES1 (1ull << 31)

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
	/* its reset state is UNKNOWN (D17.10.13) */
	hyp_timer_disarm();
	p->timer_cval = UINT64_MAX;
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
	v->not_before = 0;
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
	sysreg_write(hcr_el2, HCR_GUEST | s2_hcr_bits());
	isb();
	/* drop whatever an earlier life of this VMID left in the TLBs */
	__asm__ volatile("tlbi vmalls12e1\n\tdsb nsh\n\tisb" : : : "memory");
	vgic_flush_lrs(&v->vgic);
	guest_enter(r);
}

static bool vcpu_start_due(const struct vcpu *v, uint64_t now)
{
	return __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_ON_PENDING &&
	       now >= v->not_before;
}

void pcpu_timer_update(void)
{
	struct pcpu *p = this_pcpu();
	struct vcpu *v = p->vcpu;
	uint64_t now = hyp_counter();
	uint64_t next = UINT64_MAX, rio_next;

	if (v && v->id == 0) {
		next = vm_wdt_poll(v, now);
		/* one in the past fires at once: the loop then enters */
		if (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_ON_PENDING &&
		    v->not_before && v->not_before < next)
			next = v->not_before;
	}
	/* frontend interrupts this pCPU held back (docs/protocol.md "Interrupt budget") */
	rio_next = rio_irq_work(p->id, now);
	if (rio_next < next)
		next = rio_next;
	p->timer_fired = false;
	if (next == p->timer_cval)
		return;
	p->timer_cval = next;
	if (next == UINT64_MAX)
		hyp_timer_disarm();
	else
		hyp_timer_arm(next);
}

void pcpu_timer_fired(void)
{
	struct pcpu *p = this_pcpu();

	hyp_timer_disarm();
	p->timer_cval = UINT64_MAX;
	p->timer_fired = true;
}

void pcpu_timer_wake_by(uint64_t cval)
{
	if (cval < this_pcpu()->timer_cval)
		hyp_timer_arm(cval);
}

void pcpu_timer_wake_done(void)
{
	struct pcpu *p = this_pcpu();

	/* fired: left disarmed, the next exit re-arms it (pcpu_timer_work()) */
	if (p->timer_fired || p->timer_cval == UINT64_MAX)
		hyp_timer_disarm();
	else
		hyp_timer_arm(p->timer_cval);
}

void pcpu_timer_work(void)
{
	struct pcpu *p = this_pcpu();

	if (p->timer_fired)
		pcpu_timer_update();
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
		/* a manager's restart or start of this VM (vCPU 0's pCPU does it) */
		if (v)
			vm_reset_poll(v);
		if (v && vcpu_start_due(v, hyp_counter()))
			vcpu_enter(v);
		/* the watchdog, and a start held back by a restart's back-off */
		pcpu_timer_update();
		/* Sleep until a kick (SGI) or an interrupt for the vCPU. */
		wfi();
		gic_handle_irq(v ? &v->vgic : NULL);
	}
}
