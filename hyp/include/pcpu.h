/* SPDX-License-Identifier: MIT */
/*
 * Physical CPUs (hyp/core/pcpu.c).  Each runs at most one vCPU, pinned to
 * it for its whole life, so no EL1 state is ever switched; a pCPU without
 * a runnable vCPU waits in WFI for a kick (SGI).
 */
#ifndef HYP_PCPU_H
#define HYP_PCPU_H

#include <bulkhead/config.h>
#include "hyp.h"
#include "regs.h"

struct vcpu;

/**
 * struct pcpu - per physical CPU state (TPIDR_EL2 points here)
 * @id:     logical CPU index
 * @vcpu:   the vCPU pinned here, NULL if none
 * @frame:  guest register frame at the top of this CPU's stack
 * @online: has reached its wait loop
 * @timer_cval:  what its EL2 timer is armed for, UINT64_MAX if nothing
 * @timer_fired: the timer's interrupt came and was silenced; the next exit
 *               looks at what was due (pcpu_timer_work())
 */
struct pcpu {
	unsigned int id;
	struct vcpu *vcpu;
	struct regs *frame;
	uint32_t online;
	uint64_t timer_cval;
	bool timer_fired;
};

extern struct pcpu pcpus[BH_MAX_CPUS];

static inline struct pcpu *this_pcpu(void)
{
	struct pcpu *p;

	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(p));
	return p;
}

/* The per-pCPU wait/enter loop; never returns. */
void pcpu_loop(void) __attribute__((noreturn));

/* Give up the current trap and go back to pcpu_loop(). */
void pcpu_park(void) __attribute__((noreturn));

/**
 * pcpu_timer_update() - act on what is due on this pCPU, then arm its EL2
 * timer for the next deadline
 *
 * The deadlines are those of the vCPU 0 pinned here: its VM's watchdog
 * (vm_wdt_poll(), which may restart or stop the VM and then does not
 * return) and the back-off of a pending start (struct vcpu.not_before);
 * and, on any pCPU, the frontend interrupts its backend's doorbells had
 * held back over their budget (rio_irq_work()).
 */
void pcpu_timer_update(void);

/* From the timer's interrupt (PPI 26): silence it, leave the work to an exit. */
void pcpu_timer_fired(void);

/**
 * pcpu_timer_wake_by() - make a WFI on this pCPU end by @cval at the latest
 * @cval: counter value
 *
 * For a wait inside a trap (remote I/O, hyp/core/rio.c): arms the EL2 timer
 * for @cval if that is earlier than what pcpu_timer_update() armed it for.
 * A @cval already past fires at once.  Undo with pcpu_timer_wake_done().
 */
void pcpu_timer_wake_by(uint64_t cval);

/* After pcpu_timer_wake_by(): the EL2 timer armed for what it was before. */
void pcpu_timer_wake_done(void);

/* At an exit or in the wait loop: pcpu_timer_update() if the timer fired. */
void pcpu_timer_work(void);

/**
 * vcpu_kick() - send a kick SGI to @v's pCPU, unless that is this CPU, so
 * that it leaves the guest or its WFI and looks at @v's state again
 */
void vcpu_kick(struct vcpu *v);

#endif /* HYP_PCPU_H */
