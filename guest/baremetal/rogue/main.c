// SPDX-License-Identifier: MIT
/*
 * rogue: announces itself, then stores to an IPA outside its memory
 * (the test parameter, in MiB).  The hypervisor must stop the VM; the
 * line after the store must never appear.
 */
#include "bm.h"

int main(uint64_t arg)
{
	uint64_t target = BM_ARG_PARAM(arg) * 0x100000ull;

	bm_printf("rogue: writing 0x%llx\n", (unsigned long long)target);
	bm_delay_us(200000);
	*(volatile uint64_t *)(uintptr_t)target = 0xbad;
	bm_printf("rogue: still alive after the write\n");
	return 0;
}
