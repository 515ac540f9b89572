// SPDX-License-Identifier: MIT
/*
 * Data cache maintenance by VA (Arm ARM D7.5).  The hypervisor writes guest
 * images with its caches on; a guest starts with its MMU and caches off and
 * reads memory directly, so the copies must be cleaned to the Point of
 * Coherency first.
 */
#include <stdbool.h>

#include "cache.h"
#include "sysreg.h"

#define CTR_DMINLINE_SHIFT 16
#define CTR_DMINLINE_MASK  0xfull

/* CTR_EL0.DminLine: log2 of the smallest line, in 4-byte words */
static uint64_t dcache_line(void)
{
	return 4ull << ((sysreg_read(ctr_el0) >> CTR_DMINLINE_SHIFT) & CTR_DMINLINE_MASK);
}

/* One data cache maintenance operation on every line of [va, va + size). */
static void dcache_range(uint64_t va, uint64_t size, bool inval)
{
	uint64_t line = dcache_line();
	uint64_t end = va + size;

	for (va &= ~(line - 1); va < end; va += line) {
		if (inval)
			__asm__ volatile("dc civac, %0" : : "r"(va) : "memory");
		else
			__asm__ volatile("dc cvac, %0" : : "r"(va) : "memory");
	}
	dsb(sy);
}

void dcache_clean_range(uint64_t va, uint64_t size)
{
	dcache_range(va, size, false);
}

void dcache_clean_inval_range(uint64_t va, uint64_t size)
{
	dcache_range(va, size, true);
}
