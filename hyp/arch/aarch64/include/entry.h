/* SPDX-License-Identifier: MIT */
/*
 * The interface between the assembly (entry.S, vectors.S) and C, in both
 * directions, so neither side declares the other's symbols next to a
 * caller: the compiler checks every C definition against its prototype
 * here, and a changed signature shows in one place for the assembly.
 */
#ifndef HYP_ENTRY_H
#define HYP_ENTRY_H

#include <bulkhead/config.h>
#include "hyp.h"
#include "regs.h"

/* Defined in assembly, called from C. */

/**
 * guest_enter() - load @frame into the registers and ERET to the guest
 * (vectors.S)
 * @frame: the guest frame at the top of this CPU's stack
 */
void guest_enter(struct regs *frame) __attribute__((noreturn));

/**
 * cpu_reenter_loop() - set SP to @sp, discarding this CPU's stack, and run
 * pcpu_loop() afresh (entry.S)
 */
void cpu_reenter_loop(uint64_t sp) __attribute__((noreturn));

/* Where a CPU started by PSCI CPU_ON begins, x0 = its index (entry.S). */
extern char secondary_entry[];

/* Defined in C, used by assembly. */

/* One EL2 stack per CPU; entry.S puts SP at its top minus a struct regs. */
extern uint8_t pcpu_stacks[BH_MAX_CPUS][PCPU_STACK_SIZE];

/** pcpu_setup() - per-CPU pointer and frame (entry.S, every CPU) */
void pcpu_setup(unsigned int cpu);

/** hyp_main() - the boot CPU's C entry with QEMU's @dtb (entry.S) */
void hyp_main(uint64_t dtb);

/** hyp_secondary_main() - a secondary CPU's C entry (entry.S) */
void hyp_secondary_main(unsigned int cpu);

/* The exception handlers vectors.S calls; each is documented in trap.c. */
void trap_guest_sync(struct regs *r);
void trap_guest_irq(struct regs *r);
void trap_guest_serror(struct regs *r);
void trap_el2_fault(uint64_t esr, uint64_t elr, uint64_t far);
void trap_el2_unexpected(uint64_t esr, uint64_t elr, uint64_t far);

#endif /* HYP_ENTRY_H */
