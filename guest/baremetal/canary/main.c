// SPDX-License-Identifier: MIT
/*
 * canary: parameter 0 = victim, else thief.
 *  victim: writes CANARY at IPA 0x40100000 of its own RAM, prints the
 *          value, then keeps printing "victim alive" for a while.
 *  thief:  reads the IPA given by the parameter (in MiB: the victim's PA),
 *          prints what it read (which must never happen).
 */
#include "bm.h"

#define CANARY	     0x5ca1ab1ec0ffee42ull
#define CANARY_IPA   0x40100000ull
#define VICTIM_TICKS 16

int main(uint64_t arg)
{
	uint64_t p = BM_ARG_PARAM(arg);

	if (!p) {
		unsigned int n;

		*(volatile uint64_t *)CANARY_IPA = CANARY;
		bm_printf("victim: canary 0x%llx placed\n",
			  (unsigned long long)*(volatile uint64_t *)CANARY_IPA);
		for (n = 0; n < VICTIM_TICKS; n++) {
			bm_printf("victim alive %u\n", n);
			bm_delay_us(50000);
		}
		return 0;
	}
	bm_printf("thief: reading 0x%llx\n",
		  (unsigned long long)(p * 0x100000ull + (CANARY_IPA & 0xfffff)));
	bm_delay_us(200000);
	bm_printf("thief: read 0x%llx\n",
		  (unsigned long long)*(volatile uint64_t *)(uintptr_t)(p * 0x100000ull +
									(CANARY_IPA & 0xfffff)));
	return 0;
}
