// SPDX-License-Identifier: MIT
/*
 * smp: vCPU 0 checks PSCI VERSION/FEATURES, starts vCPU 1 with CPU_ON
 * (context 0x1234), waits until it reports, checks ALREADY_ON and
 * AFFINITY_INFO, lets vCPU 1 turn itself off, then powers the VM off.
 *
 * Parameter SMP_FAULT instead: vCPU 1 prints "smp: cpu1 alive <n>" every
 * 20 ms forever while vCPU 0 stores outside the VM's memory: the whole VM,
 * vCPU 1 included, must stop.
 */
#include "bm.h"

#define SMP_CONTEXT	    0x1234
#define SMP_FAULT	    1
#define SMP_FAULT_CONTEXT   0xfa17
#define SMP_FAULT_IPA	    0x60000000ull
#define PSCI_ALREADY_ON	    (-4)
#define PSCI_INVALID_PARAMS (-2)
#define AFF_ON		    0
#define AFF_OFF		    1

static volatile uint64_t seen_context;
static volatile uint32_t seen_cpu = 0xff;

void bm_secondary_main(uint64_t context)
{
	if (context == SMP_FAULT_CONTEXT)
		for (unsigned int n = 0;; n++) {
			bm_printf("smp: cpu1 alive %u\n", n);
			bm_delay_us(20000);
		}
	seen_cpu = bm_cpu_id();
	seen_context = context;
	bm_printf("smp: cpu%u up, context 0x%llx\n", bm_cpu_id(), (unsigned long long)context);
	/* returning turns this vCPU off (PSCI CPU_OFF) */
}

static int64_t wait_affinity(uint64_t mpidr, int64_t want)
{
	int64_t s;
	unsigned int i;

	for (i = 0; i < 2000; i++) {
		s = bm_psci(BM_PSCI_AFFINITY_INFO, mpidr, 0, 0);
		if (s == want)
			return s;
		bm_delay_us(1000);
	}
	return s;
}

int main(uint64_t arg)
{
	int64_t r;
	unsigned int i;

	if (BM_ARG_PARAM(arg) == SMP_FAULT) {
		bm_cpu_on(1, SMP_FAULT_CONTEXT);
		bm_delay_us(200000);
		bm_printf("smp: cpu0 faulting\n");
		*(volatile uint64_t *)SMP_FAULT_IPA = 1;
		bm_printf("smp: cpu0 survived\n");
		return 0;
	}
	bm_printf("smp: psci version 0x%llx, features(CPU_ON) %lld, smc version 0x%llx\n",
		  (unsigned long long)bm_psci(BM_PSCI_VERSION, 0, 0, 0),
		  (long long)bm_psci(BM_PSCI_FEATURES, BM_PSCI_CPU_ON, 0, 0),
		  (unsigned long long)bm_psci_smc(BM_PSCI_VERSION, 0, 0, 0));
	bm_printf("smp: affinity(cpu1) before %lld\n",
		  (long long)bm_psci(BM_PSCI_AFFINITY_INFO, 1, 0, 0));
	bm_printf("smp: cpu_on(cpu7) %lld\n", (long long)bm_cpu_on(7, 0));
	r = bm_cpu_on(1, SMP_CONTEXT);
	bm_printf("smp: cpu_on(cpu1) %lld\n", (long long)r);
	for (i = 0; i < 2000 && seen_cpu == 0xff; i++)
		bm_delay_us(1000);
	bm_printf("smp: cpu1 reported cpu=%u context=0x%llx\n", seen_cpu,
		  (unsigned long long)seen_context);
	r = wait_affinity(1, AFF_OFF);
	bm_printf("smp: affinity(cpu1) after off %lld\n", (long long)r);
	r = bm_cpu_on(1, SMP_CONTEXT + 1);
	bm_printf("smp: cpu_on(cpu1) again %lld\n", (long long)r);
	for (i = 0; i < 2000 && seen_context != SMP_CONTEXT + 1; i++)
		bm_delay_us(1000);
	bm_printf("smp: second start context=0x%llx\n", (unsigned long long)seen_context);
	wait_affinity(1, AFF_OFF);
	bm_printf("smp: done\n");
	return 0;
}
