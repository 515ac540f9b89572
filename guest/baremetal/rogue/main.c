// SPDX-License-Identifier: MIT
/*
 * rogue: announces itself, then misbehaves; the hypervisor must stop the
 * VM, so the line after the misdeed must never appear.
 *   parameter ROGUE_SYSREG: writes ICC_SGI0R_EL1 (Group 0 SGIs: trapped by
 *                           HCR_EL2.FMO, not emulated -> "unsupported");
 *   otherwise:              stores to IPA parameter * 1 MiB, outside its RAM.
 */
#include "bm.h"

#define ROGUE_SYSREG 0xfff

int main(uint64_t arg)
{
	uint64_t target = BM_ARG_PARAM(arg) * 0x100000ull;

	if (BM_ARG_PARAM(arg) == ROGUE_SYSREG) {
		bm_printf("rogue: writing ICC_SGI0R_EL1\n");
		bm_delay_us(200000);
		__asm__ volatile("msr S3_0_C12_C11_7, %0" : : "r"(1ull << 40));
		bm_printf("rogue: still alive after the write\n");
		return 0;
	}
	bm_printf("rogue: writing 0x%llx\n", (unsigned long long)target);
	bm_delay_us(200000);
	*(volatile uint64_t *)(uintptr_t)target = 0xbad;
	bm_printf("rogue: still alive after the write\n");
	return 0;
}
