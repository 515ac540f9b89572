// SPDX-License-Identifier: MIT
/*
 * idle: prints one line, then waits in WFI forever with nothing armed.
 * The hypervisor traps the WFI and must sleep the pCPU, not spin: the
 * system test measures the QEMU process's CPU time meanwhile.
 */
#include "bm.h"

int main(uint64_t arg)
{
	(void)arg;
	bm_printf("idle: sleeping in wfi\n");
	for (;;)
		__asm__ volatile("wfi" : : : "memory");
	return 0;
}
