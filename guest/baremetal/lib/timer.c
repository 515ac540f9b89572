// SPDX-License-Identifier: MIT
/* EL1 virtual and physical timers, counters (Arm ARM D11.2, D17.9 CNTV_*, CNTP_*). */
#include "timer.h"

/* CNTV_CTL_EL0 and CNTP_CTL_EL0 share the layout */
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

void timer_phys_arm_at(uint64_t cval)
{
	sysreg_wr(cntp_cval_el0, cval);
	sysreg_wr(cntp_ctl_el0, CNTV_CTL_ENABLE);
	__asm__ volatile("isb" : : : "memory");
}

void timer_phys_arm_in(uint64_t ticks)
{
	sysreg_wr(cntp_tval_el0, ticks);
	sysreg_wr(cntp_ctl_el0, CNTV_CTL_ENABLE);
	__asm__ volatile("isb" : : : "memory");
}

void timer_phys_stop(void)
{
	sysreg_wr(cntp_ctl_el0, 0);
	__asm__ volatile("isb" : : : "memory");
}

int timer_phys_fired(void)
{
	return (sysreg_rd(cntp_ctl_el0) & CNTV_CTL_ISTATUS) != 0;
}
