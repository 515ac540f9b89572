// SPDX-License-Identifier: MIT
/*
 * reset_race: PSCI CPU_ON racing SYSTEM_RESET in one VM of three vCPUs.
 * In every life vCPU 0 starts vCPU 1, which calls CPU_ON for vCPU 2 over
 * and over (vCPU 2 turns itself off at once), and then resets the VM under
 * them.  A CPU_ON that the hypervisor accepted after the reset had turned
 * every vCPU off would start vCPU 2 in the next life: vCPU 2 counts each
 * start whose life (passed in its context) is not the current one.  The
 * image is copied again at every reset (configs/test-reset-race.c), the
 * counters live in RAM outside it.
 *
 * Output (tests/system/test_hyp_core.py):
 *   reset_race: life 1
 *   reset_race: lives=<n> strays=<n> hammer_runs=<n>
 */
#include "bm.h"

#define LIVES	       30
#define SETTLE_US      20000   /* strays of the last reset show up meanwhile */
#define HAMMER_WAIT_US 5000000 /* a loaded host may run vCPU 1 late */
#define HAMMER_MPIDR   1ull
#define TARGET_MPIDR   2ull
#define CTX_HAMMER     1ull
#define CTX_LIFE_SHIFT 8

/* RAM outside the image (it is 64 KiB at BM_LINK_IPA), kept across resets */
struct race_state {
	uint64_t life, strays, hammer_runs, target_runs;
};

#define STATE ((volatile struct race_state *)(uintptr_t)(BM_LINK_IPA + 0x800000ull))

void bm_secondary_main(uint64_t context)
{
	uint64_t started_in = context >> CTX_LIFE_SHIFT;

	if (context == CTX_HAMMER) {
		STATE->hammer_runs++;
		for (;;)
			bm_cpu_on(TARGET_MPIDR, STATE->life << CTX_LIFE_SHIFT);
	}
	/* vCPU 2: started by a CPU_ON of life started_in; it turns off now */
	STATE->target_runs++;
	if (started_in != STATE->life)
		STATE->strays++;
}

int main(uint64_t arg)
{
	volatile struct race_state *st = STATE;
	uint64_t life = ++st->life, runs = st->target_runs, hammers = st->hammer_runs;
	uint64_t waited;

	(void)arg;
	if (life == 1)
		bm_printf("reset_race: life 1\n");
	/* nothing of ours runs vCPU 2 yet in this life: a start now is a stray */
	bm_delay_us(SETTLE_US);
	/* st is volatile: a stray CPU_ON in this life changes it meanwhile */
	// cppcheck-suppress knownConditionTrueFalse
	if (st->target_runs != runs)
		st->strays++;
	if (life > LIVES) {
		bm_printf("reset_race: lives=%llu strays=%llu hammer_runs=%llu\n",
			  (unsigned long long)(life - 1), (unsigned long long)st->strays,
			  (unsigned long long)st->hammer_runs);
		return 0;
	}
	if (bm_cpu_on(HAMMER_MPIDR, CTX_HAMMER)) {
		bm_printf("reset_race: FAIL cpu_on of the hammer in life %llu\n",
			  (unsigned long long)life);
		return 1;
	}
	/*
	 * The race needs the hammer running: wait for it, so that on a loaded
	 * host every life races (the test checks hammer_runs == lives)...
	 */
	for (waited = 0; st->hammer_runs == hammers && waited < HAMMER_WAIT_US; waited += 100)
		bm_delay_us(100);
	/* ...then reset at a different moment in the hammer's loop each life */
	bm_delay_us(2000 + 97 * life);
	bm_psci(BM_PSCI_SYSTEM_RESET, 0, 0, 0);
	bm_printf("reset_race: FAIL SYSTEM_RESET returned\n");
	return 1;
}
