/* SPDX-License-Identifier: MIT */
/*
 * The system counter and the EL2 physical timer of this pCPU (CNTHP_*,
 * Arm ARM D11.2 "The AArch64 view of the Generic Timer"): its interrupt is
 * PPI 26 (GIC_PPI_HYP_TIMER), taken at EL2 whatever the guest's PSTATE, so
 * the hypervisor notices a deadline even in a guest spinning with its
 * interrupts masked.  hyp/core/pcpu.c decides what it is armed for.
 */
#ifndef HYP_HYP_TIMER_H
#define HYP_HYP_TIMER_H

#include <stdint.h>

/* CNTHP_CTL_EL2 (D17.10.13) */
#define CNTHP_CTL_ENABLE (1ull << 0)
#define CNTHP_CTL_IMASK	 (1ull << 1)

/* CNTPCT_EL0: the counter every VM sees (CNTVOFF_EL2 = 0). */
uint64_t hyp_counter(void);

/* CNTFRQ_EL0: its ticks per second. */
uint64_t hyp_counter_freq(void);

/* @ms milliseconds in counter ticks. */
uint64_t hyp_ms_to_ticks(uint64_t ms);

/* Fire PPI 26 on this pCPU once the counter reaches @cval. */
void hyp_timer_arm(uint64_t cval);

/* No interrupt from it (also silences a level-pending one). */
void hyp_timer_disarm(void);

#endif /* HYP_HYP_TIMER_H */
