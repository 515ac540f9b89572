// SPDX-License-Identifier: MIT
/* The system counter and this pCPU's EL2 physical timer; see hyp_timer.h. */
#include "hyp_timer.h"
#include "sysreg.h"

uint64_t hyp_counter(void)
{
	/* not read ahead of the instructions before it (D11.1.2) */
	isb();
	return sysreg_read(cntpct_el0);
}

uint64_t hyp_counter_freq(void)
{
	return sysreg_read(cntfrq_el0);
}

uint64_t hyp_ms_to_ticks(uint64_t ms)
{
	return ms * (hyp_counter_freq() / 1000);
}

void hyp_timer_arm(uint64_t cval)
{
	sysreg_write(cnthp_cval_el2, cval);
	sysreg_write(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
	isb();
}

void hyp_timer_disarm(void)
{
	sysreg_write(cnthp_ctl_el2, 0);
	isb();
}
