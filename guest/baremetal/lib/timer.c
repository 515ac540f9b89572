// SPDX-License-Identifier: MIT
/* EL1 virtual timer and counters (Arm ARM D11.2, D17.9 CNTV_*). */
#include "timer.h"

#define CNTV_CTL_ENABLE	 (1u << 0)
#define CNTV_CTL_IMASK	 (1u << 1)
#define CNTV_CTL_ISTATUS (1u << 2)

#define sysreg_rd(r)                                                      \
	({                                                                \
		uint64_t __v;                                             \
		__asm__ volatile("mrs %0, " #r : "=r"(__v) : : "memory"); \
		__v;                                                      \
	})
#define sysreg_wr(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

uint64_t timer_freq(void)
{
	return sysreg_rd(cntfrq_el0);
}

uint64_t timer_vcount(void)
{
	/* ISB: the counter read must not be hoisted (D11.2.2) */
	__asm__ volatile("isb" : : : "memory");
	return sysreg_rd(cntvct_el0);
}

uint64_t timer_pcount(void)
{
	__asm__ volatile("isb" : : : "memory");
	return sysreg_rd(cntpct_el0);
}

void timer_arm_at(uint64_t cval)
{
	sysreg_wr(cntv_cval_el0, cval);
	sysreg_wr(cntv_ctl_el0, CNTV_CTL_ENABLE);
	__asm__ volatile("isb" : : : "memory");
}

void timer_arm_in(uint64_t ticks)
{
	sysreg_wr(cntv_tval_el0, ticks);
	sysreg_wr(cntv_ctl_el0, CNTV_CTL_ENABLE);
	__asm__ volatile("isb" : : : "memory");
}

void timer_stop(void)
{
	sysreg_wr(cntv_ctl_el0, 0);
	__asm__ volatile("isb" : : : "memory");
}

int timer_fired(void)
{
	return (sysreg_rd(cntv_ctl_el0) & CNTV_CTL_ISTATUS) != 0;
}
