// SPDX-License-Identifier: MIT
/*
 * Both EL1 timers and level-sensitive HW interrupts, as a conformance suite
 * checks them on bare hardware (IHI0069 §4.1.2: a level interrupt is
 * pending while its line is high or software set it through ISPENDR):
 *
 * 1. the EL1 physical timer (CNTP_*, PPI 30) at RATE_HZ for 1 s of counter
 *    time, interrupts taken by polling (PSTATE.I masked);
 * 2. for PPI 27 and PPI 30: the timer fires while its PPI is disabled and
 *    is cancelled: ISPENDR shows it while the line is high, not after, and
 *    no interrupt comes on re-enable;
 * 3. the same after the interrupt was already forwarded (enabled, fired,
 *    disabled before the guest took it);
 * 4. an ISPENDR write with the line low is taken exactly once.
 *
 * Output (parsed by tests/system/test_hyp_irq.py):
 *   irq_level: ptimer ticks=<n> expected=<m> other=<k>
 *   irq_level: ppi=<id> case=<disabled|forwarded> high=<0|1> low=<0|1> extra=<n>
 *   irq_level: ppi=<id> sw taken=<n> after=<n>
 *   irq_level: done
 */
#include "bm.h"
#include "bm_gic.h"
#include "timer.h"

#define RATE_HZ	 100
#define QUIET_MS 20 /* how long "no interrupt comes" is watched */

static uint64_t freq;

static void arm_in(uint32_t ppi, uint64_t ticks)
{
	if (ppi == BM_TIMER_PHYS_PPI)
		timer_phys_arm_in(ticks);
	else
		timer_arm_in(ticks);
}

static void stop(uint32_t ppi)
{
	if (ppi == BM_TIMER_PHYS_PPI)
		timer_phys_stop();
	else
		timer_stop();
}

static int fired(uint32_t ppi)
{
	return ppi == BM_TIMER_PHYS_PPI ? timer_phys_fired() : timer_fired();
}

/* Interrupts acknowledged (and EOId) within @ms, counted; @id those of @ppi. */
static unsigned int poll_irqs(uint32_t ppi, uint64_t ms, unsigned int *id)
{
	uint64_t end = timer_vcount() + freq * ms / 1000;
	unsigned int n = 0;

	*id = 0;
	while (timer_vcount() < end) {
		uint32_t iar = gic_ack();

		if (BM_GIC_INTID(iar) >= 1020)
			continue;
		n++;
		if (BM_GIC_INTID(iar) == ppi)
			(*id)++;
		gic_eoi(iar);
	}
	return n;
}

static void ptimer_rate(void)
{
	uint64_t period = freq / RATE_HZ;
	uint64_t start = timer_pcount(), next = start + period;
	unsigned int ticks = 0, other = 0;

	gic_enable_irq(BM_TIMER_PHYS_PPI);
	timer_phys_arm_at(next);
	while (timer_pcount() - start < freq) {
		uint32_t iar = gic_wait();

		if (BM_GIC_INTID(iar) == BM_TIMER_PHYS_PPI) {
			ticks++;
			next += period;
			timer_phys_arm_at(next);
		} else {
			other++;
		}
		gic_eoi(iar);
	}
	timer_phys_stop();
	gic_disable_irq(BM_TIMER_PHYS_PPI);
	bm_printf("irq_level: ptimer ticks=%u expected=%u other=%u\n", ticks, RATE_HZ, other);
}

/* Wait (bounded) for the timer's ISTATUS: its line is high. */
static void wait_fired(uint32_t ppi)
{
	uint64_t end = timer_vcount() + freq;

	while (!fired(ppi) && timer_vcount() < end)
		;
}

static void level_case(uint32_t ppi, int forwarded)
{
	unsigned int any, id, high, low;

	if (forwarded) {
		/* fires enabled: the hypervisor takes it for us, we have PSTATE.I masked */
		gic_enable_irq(ppi);
		arm_in(ppi, 1);
		wait_fired(ppi);
		bm_delay_us(2000);
		gic_disable_irq(ppi);
	} else {
		gic_disable_irq(ppi);
		arm_in(ppi, 1);
		wait_fired(ppi);
	}
	high = (unsigned int)gic_pending(ppi);
	stop(ppi);
	low = (unsigned int)gic_pending(ppi);
	gic_enable_irq(ppi);
	any = poll_irqs(ppi, QUIET_MS, &id);
	gic_disable_irq(ppi);
	bm_printf("irq_level: ppi=%u case=%s high=%u low=%u extra=%u\n", ppi,
		  forwarded ? "forwarded" : "disabled", high, low, any);
}

static void sw_pend(uint32_t ppi)
{
	unsigned int taken, after;

	gic_enable_irq(ppi);
	gic_set_pending(ppi, 1);
	poll_irqs(ppi, QUIET_MS, &taken);
	after = (unsigned int)gic_pending(ppi);
	gic_disable_irq(ppi);
	bm_printf("irq_level: ppi=%u sw taken=%u after=%u\n", ppi, taken, after);
}

int main(uint64_t arg)
{
	static const uint32_t ppis[] = { BM_TIMER_VIRT_PPI, BM_TIMER_PHYS_PPI };

	(void)arg;
	bm_printf("irq_level: start\n");
	if (gic_init_dist() || gic_init_cpu()) {
		bm_printf("irq_level: FAIL gic init\n");
		return 1;
	}
	freq = timer_freq();
	ptimer_rate();
	for (unsigned int i = 0; i < 2; i++) {
		level_case(ppis[i], 0);
		level_case(ppis[i], 1);
		sw_pend(ppis[i]);
	}
	bm_printf("irq_level: done\n");
	return 0;
}
