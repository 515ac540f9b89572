// SPDX-License-Identifier: MIT
/*
 * Virtual timer test guest: program the EL1 virtual
 * timer (PPI 27) for RATE_HZ with absolute deadlines, take its interrupts
 * through the EL1 IRQ vector for SECONDS of counter time, report the count.
 * Also checks that EL1 may read both counters (CNTHCTL_EL2.EL1PCTEN).
 *
 * Output (parsed by tests/system/test_hyp_irq.py):
 *   irq_timer: ticks=<n> expected=<m> other=<k>
 *   irq_timer: pcount ok
 *   irq_timer: done
 */
#include "bm.h"
#include "bm_gic.h"
#include "timer.h"

#define RATE_HZ 100
#define SECONDS 2

static volatile uint32_t ticks;
static volatile uint32_t others;
static uint64_t period;
static uint64_t next_deadline;

void bm_irq_handler(void)
{
	for (;;) {
		uint32_t iar = gic_ack();
		uint32_t id = BM_GIC_INTID(iar);

		if (id >= 1020)
			break;
		if (id == BM_TIMER_VIRT_PPI) {
			ticks++;
			/* absolute deadlines: handling latency does not drift */
			next_deadline += period;
			timer_arm_at(next_deadline);
		} else {
			others++;
		}
		gic_eoi(iar);
	}
}

int main(uint64_t arg)
{
	uint64_t freq, start, p0, p1;

	(void)arg;
	bm_printf("irq_timer: start\n");
	if (gic_init_dist() || gic_init_cpu()) {
		bm_printf("irq_timer: FAIL gic init\n");
		return 1;
	}
	gic_enable_irq(BM_TIMER_VIRT_PPI);

	freq = timer_freq();
	period = freq / RATE_HZ;
	p0 = timer_pcount();
	start = timer_vcount();
	next_deadline = start + period;
	timer_arm_at(next_deadline);
	bm_irq_enable();
	while (timer_vcount() - start < SECONDS * freq)
		__asm__ volatile("wfi" : : : "memory");
	bm_irq_disable();
	timer_stop();
	p1 = timer_pcount();

	bm_printf("irq_timer: ticks=%u expected=%u other=%u freq=%llu\n", ticks, RATE_HZ * SECONDS,
		  others, (unsigned long long)freq);
	if (p1 > p0)
		bm_printf("irq_timer: pcount ok\n");
	bm_printf("irq_timer: done\n");
	return 0;
}
