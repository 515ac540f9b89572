/* SPDX-License-Identifier: MIT */
/*
 * Generic timer helpers for bare-metal test guests: the EL1 virtual timer
 * (interrupt PPI 27 on QEMU virt), the EL1 physical timer (PPI 30) and the
 * counters (Arm ARM D11).
 */
#ifndef BM_TIMER_H
#define BM_TIMER_H

#include <stdint.h>

#define BM_TIMER_VIRT_PPI 27u
#define BM_TIMER_PHYS_PPI 30u

uint64_t timer_freq(void);	   /* CNTFRQ_EL0, ticks per second */
uint64_t timer_vcount(void);	   /* CNTVCT_EL0 */
uint64_t timer_pcount(void);	   /* CNTPCT_EL0 (EL1 access allowed) */
void timer_arm_at(uint64_t cval);  /* CNTV_CVAL_EL0, enable, unmask */
void timer_arm_in(uint64_t ticks); /* CNTV_TVAL_EL0, enable, unmask */
void timer_stop(void);		   /* CNTV_CTL_EL0 = 0 */
int timer_fired(void);		   /* CNTV_CTL_EL0.ISTATUS */
/* The same on the EL1 physical timer (CNTP_*, compared with CNTPCT). */
void timer_phys_arm_at(uint64_t cval);
void timer_phys_arm_in(uint64_t ticks);
void timer_phys_stop(void);
int timer_phys_fired(void);

#endif /* BM_TIMER_H */
