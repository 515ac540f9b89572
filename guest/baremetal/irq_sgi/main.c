// SPDX-License-Identifier: MIT
/*
 * SGI ping-pong test guest: vCPU 0 starts vCPU 1 with
 * PSCI CPU_ON, then they bounce SGIs: 0 sends SGI_PING to 1, 1 answers
 * with SGI_PONG to 0, ROUNDS times.  Both sides take interrupts by polling
 * (WFI with PSTATE.I masked, then ICC_IAR1_EL1), which exercises the
 * hypervisor's WFI path.  Then one SGI is broadcast to all others, and a
 * burst of BURST distinct SGIs is sent while vCPU 1 does not look, so more
 * interrupts are pending than the hardware has list registers (4).
 * Last, both vCPUs send SGI_MULTI to vCPU 0 while it does not look: a
 * GICv2 keeps one pending state per source CPU, so vCPU 0 takes it twice,
 * once from each (GICC_IAR.CPUID); a GICv3 SGI has no source, it is taken
 * once.
 *
 * Output (parsed by tests/system/test_hyp_irq.py):
 *   irq_sgi: cpu1 up
 *   irq_sgi: rounds=<n> pings=<n> pongs=<n> bad=<k> bcast=<n> burst=0x<m> us=<t>
 *   irq_sgi: multi=<n> sources=0x<bitmap of IAR CPUIDs>
 *   irq_sgi: done
 */
#include "bm.h"
#include "bm_gic.h"

#define SGI_PING   1
#define SGI_PONG   2
#define SGI_BCAST  3
#define SGI_STOP   4
#define SGI_ASK	   5 /* vCPU 1: send SGI_MULTI to vCPU 0 */
#define SGI_MULTI  6
#define SGI_BURST0 8 /* SGIs 8..8+BURST-1 */
#define BURST	   7
#define ROUNDS	   200
#define CPU1_MPIDR 1ull
#define CPU0_MPIDR 0ull

static volatile uint32_t cpu1_ready;
static volatile uint32_t pings, bcasts, bad;
static volatile uint32_t burst_hold, burst_seen;
static volatile uint32_t multi_sent;

void bm_secondary_main(uint64_t context)
{
	(void)context;
	if (gic_init_cpu()) {
		bm_printf("irq_sgi: FAIL cpu1 gic init\n");
		bm_cpu_off();
	}
	gic_enable_irq(SGI_PING);
	gic_enable_irq(SGI_BCAST);
	gic_enable_irq(SGI_STOP);
	gic_enable_irq(SGI_ASK);
	for (unsigned int i = 0; i < BURST; i++)
		gic_enable_irq(SGI_BURST0 + i);
	__atomic_store_n(&cpu1_ready, 1, __ATOMIC_RELEASE);
	for (;;) {
		uint32_t iar = gic_wait();
		uint32_t id = BM_GIC_INTID(iar);

		gic_eoi(iar);
		if (id == SGI_PING) {
			__atomic_add_fetch(&pings, 1, __ATOMIC_RELAXED);
			gic_send_sgi(CPU0_MPIDR, SGI_PONG);
		} else if (id == SGI_BCAST) {
			__atomic_add_fetch(&bcasts, 1, __ATOMIC_RELEASE);
			/* look away until vCPU 0 has sent the whole burst */
			while (__atomic_load_n(&burst_hold, __ATOMIC_ACQUIRE))
				;
		} else if (id >= SGI_BURST0 && id < SGI_BURST0 + BURST) {
			__atomic_or_fetch(&burst_seen, 1u << (id - SGI_BURST0), __ATOMIC_RELEASE);
		} else if (id == SGI_ASK) {
			gic_send_sgi(CPU0_MPIDR, SGI_MULTI);
			__atomic_store_n(&multi_sent, 1, __ATOMIC_RELEASE);
		} else if (id == SGI_STOP) {
			bm_cpu_off();
		} else {
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
		}
	}
}

/* SGI_MULTI from vCPU 0 itself and from vCPU 1, then count what arrives. */
static void multi_from_both(void)
{
	uint32_t n = 0, sources = 0, i;

	gic_enable_irq(SGI_MULTI);
	gic_send_sgi(CPU0_MPIDR, SGI_MULTI);
	gic_send_sgi(CPU1_MPIDR, SGI_ASK);
	for (i = 0; i < 10000 && !__atomic_load_n(&multi_sent, __ATOMIC_ACQUIRE); i++)
		bm_delay_us(100);
	bm_delay_us(2000);
	for (i = 0; i < 100; i++) {
		uint32_t iar = gic_ack();

		if (BM_GIC_INTID(iar) >= 1020) {
			bm_delay_us(100);
			continue;
		}
		if (BM_GIC_INTID(iar) == SGI_MULTI) {
			n++;
			sources |= 1u << ((iar >> 10) & 7); /* GICv2 CPUID; 0 on GICv3 */
		} else {
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
		}
		gic_eoi(iar);
	}
	bm_printf("irq_sgi: multi=%u sources=0x%x bad=%u\n", n, sources, bad);
}

int main(uint64_t arg)
{
	uint32_t rounds, pongs = 0, i;
	uint64_t t0, t1;
	int64_t ret;

	(void)arg;
	bm_printf("irq_sgi: start\n");
	if (gic_init_dist() || gic_init_cpu()) {
		bm_printf("irq_sgi: FAIL gic init\n");
		return 1;
	}
	gic_enable_irq(SGI_PONG);
	gic_enable_irq(SGI_BCAST);
	ret = bm_cpu_on(CPU1_MPIDR, 0);
	if (ret) {
		bm_printf("irq_sgi: FAIL cpu_on %lld\n", (long long)ret);
		return 1;
	}
	for (i = 0; !__atomic_load_n(&cpu1_ready, __ATOMIC_ACQUIRE); i++)
		bm_delay_us(100);
	bm_printf("irq_sgi: cpu1 up\n");

	t0 = bm_counter();
	for (rounds = 0; rounds < ROUNDS; rounds++) {
		gic_send_sgi(CPU1_MPIDR, SGI_PING);
		for (;;) {
			uint32_t iar = gic_wait();
			uint32_t id = BM_GIC_INTID(iar);

			gic_eoi(iar);
			if (id == SGI_PONG) {
				pongs++;
				break;
			}
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
		}
	}
	t1 = bm_counter();

	/* IRM=1 (GICv2: TargetListFilter 1): every vCPU of the VM but the sender */
	__atomic_store_n(&burst_hold, 1, __ATOMIC_RELEASE);
	gic_send_sgi_others(SGI_BCAST);
	for (i = 0; i < 10000 && !__atomic_load_n(&bcasts, __ATOMIC_ACQUIRE); i++)
		bm_delay_us(100);

	/* vCPU 1 spins with the burst pending: it cannot take them yet */
	for (i = 0; i < BURST; i++)
		gic_send_sgi(CPU1_MPIDR, SGI_BURST0 + i);
	bm_delay_us(2000);
	__atomic_store_n(&burst_hold, 0, __ATOMIC_RELEASE);
	for (i = 0;
	     i < 10000 && __atomic_load_n(&burst_seen, __ATOMIC_ACQUIRE) != (1u << BURST) - 1; i++)
		bm_delay_us(100);

	bm_printf("irq_sgi: rounds=%u pings=%u pongs=%u bad=%u bcast=%u burst=0x%x us=%llu\n",
		  rounds, pings, pongs, bad, bcasts, burst_seen,
		  (unsigned long long)((t1 - t0) * 1000000 / bm_counter_freq()));
	multi_from_both();
	gic_send_sgi(CPU1_MPIDR, SGI_STOP);
	bm_printf("irq_sgi: done\n");
	return 0;
}
