/* SPDX-License-Identifier: MIT */
/*
 * The interface between the runtime's assembly (start.S) and its C (bm.c),
 * in both directions, so neither declares the other's symbols next to a
 * caller.  start.S includes it too, for the stack size.
 */
#ifndef BM_ENTRY_H
#define BM_ENTRY_H

/* One stack per vCPU; start.S places each at its top. */
#define BM_STACK_SIZE 0x2000

#ifndef __ASSEMBLER__
#include <stdint.h>
#include "bm.h"

/* Where a vCPU started by PSCI CPU_ON begins, x0 = the context id (start.S). */
extern char bm_secondary_entry[];

/* Stack n is the vCPU's with MPIDR_EL1.Aff0 = n; start.S puts SP at its top. */
extern uint8_t bm_stacks[BM_MAX_CPUS + 1][BM_STACK_SIZE];

/**
 * bm_start() - vCPU 0's C entry
 * @arg:         the config's x0
 * @entry_count: CNTVCT_EL0 at the first instruction
 */
void bm_start(uint64_t arg, uint64_t entry_count);

/** bm_secondary_start() - a CPU_ON'd vCPU's C entry with its context id */
void bm_secondary_start(uint64_t context);

/** bm_fault() - any exception but an IRQ: report it and power the VM off */
void bm_fault(uint64_t esr, uint64_t elr, uint64_t far);

#endif /* __ASSEMBLER__ */
#endif /* BM_ENTRY_H */
