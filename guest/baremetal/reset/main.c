// SPDX-License-Identifier: MIT
/*
 * reset: PSCI SYSTEM_RESET restarts this VM only, from a fresh copy of its
 * image (the config loads it outside the VM and lets the hypervisor copy).
 *   first life:  marks RAM outside the image, dirties a .data variable,
 *                asks for SYSTEM_RESET (through smc);
 *   second life: sees the mark, checks .data is pristine again, powers off.
 */
#include "bm.h"

#define MARK_IPA 0x40800000ull	 /* in RAM, outside the image */
#define MARK	 0x7265736574ull /* "reset" */

static volatile uint64_t pristine = 1;

int main(uint64_t arg)
{
	volatile uint64_t *mark = (volatile uint64_t *)MARK_IPA;

	(void)arg;
	if (*mark != MARK) {
		*mark = MARK;
		pristine = 2;
		bm_printf("reset: first life, data=%llu, resetting\n",
			  (unsigned long long)pristine);
		bm_delay_us(100000);
		bm_psci_smc(BM_PSCI_SYSTEM_RESET, 0, 0, 0);
		bm_printf("reset: SYSTEM_RESET returned\n");
		return 0;
	}
	bm_printf("reset: second life, data=%llu\n", (unsigned long long)pristine);
	*mark = 0;
	bm_delay_us(300000);
	bm_printf("reset: done\n");
	return 0;
}
