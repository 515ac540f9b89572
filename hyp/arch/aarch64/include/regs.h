/* SPDX-License-Identifier: MIT */
/*
 * The register frame saved on every exit from a guest (vectors.S) and
 * restored on return.  Offsets are used from assembly: keep REGS_* in sync,
 * the _Static_asserts in trap.c check them.
 */
#ifndef HYP_REGS_H
#define HYP_REGS_H

#define REGS_X30  (30 * 8)
#define REGS_ELR  (31 * 8)
#define REGS_SPSR (32 * 8)
#define REGS_SIZE (34 * 8) /* multiple of 16: SP alignment */

/* Per-CPU stack, with the guest frame reserved at its top. */
#define PCPU_STACK_SIZE 0x4000

#ifndef __ASSEMBLER__
#include <stdint.h>

/**
 * struct regs - guest general-purpose state at an exit
 * @x:    x0..x30
 * @elr:  ELR_EL2: where the guest resumes
 * @spsr: SPSR_EL2: the guest's PSTATE
 *
 * SP_EL0/SP_EL1 and the EL1 system registers are not saved: vCPUs are
 * pinned 1:1 to pCPUs and EL2 never touches them.
 */
struct regs {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

/* Registers 0..30 by number; 31 (xzr) reads as 0 and ignores writes. */
static inline uint64_t regs_get(const struct regs *r, unsigned int n)
{
	return n < 31 ? r->x[n] : 0;
}

static inline void regs_set(struct regs *r, unsigned int n, uint64_t v)
{
	if (n < 31)
		r->x[n] = v;
}
#endif

#endif /* HYP_REGS_H */
