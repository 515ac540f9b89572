// SPDX-License-Identifier: MIT
/*
 * irq_fault: leave interrupts pending on the vGIC, then fault.
 * The virtual timer fires continuously (deadline in the past) while
 * PSTATE.I stays masked, so PPI 27 sits pending in a list register and
 * its physical twin is active; then a store outside the VM's memory makes
 * the hypervisor stop this VM.  The stopped VM's pCPU must sleep (no
 * virtual interrupt left asserted), and its physical timer PPI must be
 * taken back: tests/system/test_hyp_irq.py measures QEMU's CPU time.
 */
#include "bm.h"
#include "bm_gic.h"
#include "timer.h"

#define FORBIDDEN_IPA 0x60000000ull

int main(uint64_t arg)
{
	(void)arg;
	if (gic_init_dist() || gic_init_cpu()) {
		bm_printf("irq_fault: FAIL gic init\n");
		return 1;
	}
	gic_enable_irq(BM_TIMER_VIRT_PPI);
	gic_send_sgi(gic_this_mpidr(), 5); /* an SGI pending too */
	gic_enable_irq(5);
	timer_arm_at(0);    /* always expired */
	bm_delay_us(20000); /* IRQs stay masked (DAIF.I) */
	bm_printf("irq_fault: timer %s, faulting now\n", timer_fired() ? "fired" : "idle");
	wr32(FORBIDDEN_IPA, 0xdead);
	bm_printf("irq_fault: FAIL still running\n");
	return 1;
}
