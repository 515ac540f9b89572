// SPDX-License-Identifier: MIT
/*
 * The hypervisor's own EL2 stage-1 translation: a flat identity map made of
 * 1 GiB blocks in a single level-1 table (TCR_EL2.T0SZ = 25, 4 KiB granule).
 * RAM is Normal write-back; everything else below 4 GiB (GIC, UARTs, PCI I/O
 * window) and the ECAM are Device-nGnRnE and execute-never.  The first GiB is
 * split down to pages so that page 0 stays unmapped: a NULL dereference in
 * the hypervisor faults even where RAM starts at 0 (the ZCU102).  Guests
 * never use this map.
 */
#include "hyp.h"
#include "mmu.h"
#include "platform.h"
#include "sysreg.h"

#define S1_BLOCK      0x1ull
#define S1_TABLE      0x3ull /* level 1-2 table, level 3 page (Arm ARM D8.3) */
#define S1_ATTRIDX(i) ((uint64_t)(i) << 2)
#define S1_SH_IS      (3ull << 8)
#define S1_AF	      (1ull << 10)
#define S1_XN	      (1ull << 54) /* EL2 regime: XN at bit 54 */
#define S1_L1_SHIFT   30
#define S1_L2_SHIFT   21
#define S1_L3_SHIFT   12
#define S1_ENTRIES    512
#define S1_LO_ATTRS   0xffcull	       /* bits 11:2 of a block or page descriptor */
#define S1_HI_ATTRS   (0xfffull << 52) /* bits 63:52 */
#define S1_LOW_4G     (4 * GiB)

static uint64_t el2_l1[S1_ENTRIES] __attribute__((aligned(4096)));
/* the first GiB and its first 2 MiB, for the hole at page 0 */
static uint64_t el2_l2_low[S1_ENTRIES] __attribute__((aligned(4096)));
static uint64_t el2_l3_low[S1_ENTRIES] __attribute__((aligned(4096)));

static void mmu_el2_map_gib(uint64_t base, uint64_t end, bool normal)
{
	for (; base < end; base += GiB) {
		uint64_t d = base | S1_BLOCK | S1_AF;

		if (normal)
			d |= S1_ATTRIDX(MAIR_IDX_NORMAL) | S1_SH_IS;
		else
			d |= S1_ATTRIDX(MAIR_IDX_DEVICE) | S1_XN;
		el2_l1[base >> S1_L1_SHIFT] = d;
	}
}

/*
 * Replace the block of the first GiB by tables of the same attributes in
 * which only page 0 is missing.
 */
static void mmu_el2_hole_page0(void)
{
	uint64_t attrs = el2_l1[0] & (S1_LO_ATTRS | S1_HI_ATTRS);
	unsigned int i;

	for (i = 1; i < S1_ENTRIES; i++) {
		el2_l3_low[i] = ((uint64_t)i << S1_L3_SHIFT) | attrs | S1_TABLE;
		el2_l2_low[i] = ((uint64_t)i << S1_L2_SHIFT) | attrs | S1_BLOCK;
	}
	el2_l3_low[0] = 0;
	el2_l2_low[0] = (uint64_t)(uintptr_t)el2_l3_low | S1_TABLE;
	el2_l1[0] = (uint64_t)(uintptr_t)el2_l2_low | S1_TABLE;
}

/* Called once on the boot CPU before its MMU is on (tables in .bss). */
static void mmu_el2_build(void)
{
	mmu_el2_map_gib(0, PLAT_RAM_BASE, false);
	mmu_el2_map_gib(PLAT_RAM_BASE, PLAT_RAM_BASE + PLAT_RAM_MAX, true);
	mmu_el2_map_gib(PLAT_RAM_BASE + PLAT_RAM_MAX, S1_LOW_4G, false);
#ifdef PLAT_PCIE_ECAM
	mmu_el2_map_gib(ALIGN_DOWN(PLAT_PCIE_ECAM, GiB),
			ALIGN_UP(PLAT_PCIE_ECAM + PLAT_PCIE_ECAM_SIZE, GiB), false);
#endif
	mmu_el2_hole_page0();
}

/**
 * mmu_el2_enable() - turn on this CPU's EL2 MMU and caches
 *
 * Runs with the MMU off on every CPU.  The boot CPU finds the table empty
 * and builds it, writing straight to memory; secondaries start later (PSCI
 * CPU_ON from the boot CPU) and find it built.  Sequence per Arm ARM D8.2 / D5.10: program
 * MAIR/TCR/TTBR, invalidate the EL2 TLB, then set SCTLR_EL2.{M,C,I}.
 */
void mmu_el2_enable(void)
{
	if (!el2_l1[0])
		mmu_el2_build();
	dsb(sy);
	sysreg_write(mair_el2, MAIR_EL2_VALUE);
	sysreg_write(tcr_el2, TCR_EL2_RES1 | TCR_PS_40 | TCR_TG0_4K | TCR_SH0_IS | TCR_ORGN0_WB |
				      TCR_IRGN0_WB | TCR_T0SZ(25));
	sysreg_write(ttbr0_el2, (uint64_t)el2_l1);
	isb();
	__asm__ volatile("tlbi alle2" : : : "memory");
	dsb(ish);
	isb();
	sysreg_write(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I);
	isb();
}
