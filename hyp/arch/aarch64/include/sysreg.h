/* SPDX-License-Identifier: MIT */
/*
 * System register access and the EL2 control bits Bulkhead sets.
 * Bit positions: Arm ARM (DDI 0487) D13.2 / D17.2 register descriptions.
 */
#ifndef HYP_SYSREG_H
#define HYP_SYSREG_H

#include <stdint.h>

#define sysreg_read(reg)                                       \
	({                                                     \
		uint64_t __v;                                  \
		__asm__ volatile("mrs %0, " #reg : "=r"(__v)); \
		__v;                                           \
	})

#define sysreg_write(reg, val)                                     \
	do {                                                       \
		uint64_t __v = (uint64_t)(val);                    \
		__asm__ volatile("msr " #reg ", %0" : : "r"(__v)); \
	} while (0)

#define isb()	 __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt : : : "memory")
#define wfi()	 __asm__ volatile("wfi" : : : "memory")
#define wfe()	 __asm__ volatile("wfe" : : : "memory")
#define sev()	 __asm__ volatile("sev" : : : "memory")

/* HCR_EL2 (D13.2.46) */
#define HCR_VM	   (1ull << 0)	/* stage-2 translation on */
#define HCR_SWIO   (1ull << 1)	/* set/way invalidate -> clean+inv */
#define HCR_FMO	   (1ull << 3)	/* physical FIQ to EL2, vFIQ enabled */
#define HCR_IMO	   (1ull << 4)	/* physical IRQ to EL2, vIRQ enabled */
#define HCR_AMO	   (1ull << 5)	/* SError to EL2 */
#define HCR_FB	   (1ull << 9)	/* broadcast TLB/IC maintenance */
#define HCR_BSU_IS (1ull << 10) /* barriers upgraded to inner shareable */
#define HCR_TWI	   (1ull << 13) /* trap WFI */
#define HCR_TID3   (1ull << 18) /* trap ID register reads (idregs.h) */
#define HCR_TSC	   (1ull << 19) /* trap SMC */
#define HCR_RW	   (1ull << 31) /* EL1 is AArch64 */
#define HCR_FWB	   (1ull << 46) /* stage 2 may force the memory type (s2_memtype.h) */

#define HCR_GUEST                                                                          \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | HCR_TWI | \
	 HCR_TID3 | HCR_TSC | HCR_RW)

/* SCTLR_EL2 (non-VHE) */
#define SCTLR_EL2_RES1 0x30c50830ull
#define SCTLR_M	       (1ull << 0)
#define SCTLR_C	       (1ull << 2)
#define SCTLR_SA       (1ull << 3)
#define SCTLR_I	       (1ull << 12)

/* SCTLR_EL1 value a vCPU starts with: RES1 bits only, MMU and caches off. */
#define SCTLR_EL1_RESET 0x30d00800ull

/* SPSR_EL2 for entering a vCPU: EL1h, D A I F masked (Linux boot protocol). */
#define SPSR_EL1H	 0x5ull
#define SPSR_DAIF	 (0xfull << 6)
#define SPSR_GUEST_ENTRY (SPSR_EL1H | SPSR_DAIF)

/* CPTR_EL2 (non-VHE): RES1 bits; TFP (bit 10) clear so guests use FP/SIMD. */
#define CPTR_EL2_RES1 0x33ffull

/* CNTHCTL_EL2 (non-VHE, D17.2.27): EL1PCTEN lets EL1 read the physical
 * counter, EL1PCEN lets it program the EL1 physical timer (CNTP_*).  Each
 * vCPU owns its pCPU, so both EL1 timers are the guest's, untrapped; their
 * PPIs (27, 30) are forwarded with HW=1. */
#define CNTHCTL_EL1PCTEN (1ull << 0)
#define CNTHCTL_EL1PCEN	 (1ull << 1)
#define CNTHCTL_GUEST	 (CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)

/* MDCR_EL2 (D17.2.87): no debug/PMU traps; HPMN = all counters to EL1.
 * Its reset value is UNKNOWN, so it is always written. */
#define PMCR_N_SHIFT 11
#define PMCR_N_MASK  0x1full

/* VTCR_EL2: 39-bit IPA (T0SZ 25) starting at level 1, 4 KiB granule,
 * inner-shareable write-back walks, 40-bit PA (Cortex-A53 PARange). */
#define VTCR_T0SZ(n)  ((uint64_t)(n) << 0)
#define VTCR_SL0_L1   (1ull << 6)
#define VTCR_IRGN0_WB (1ull << 8)
#define VTCR_ORGN0_WB (1ull << 10)
#define VTCR_SH0_IS   (3ull << 12)
#define VTCR_TG0_4K   (0ull << 14)
#define VTCR_PS_40    (2ull << 16)
#define VTCR_RES1     (1ull << 31)
#define VTCR_GUEST                                                                            \
	(VTCR_RES1 | VTCR_PS_40 | VTCR_TG0_4K | VTCR_SH0_IS | VTCR_ORGN0_WB | VTCR_IRGN0_WB | \
	 VTCR_SL0_L1 | VTCR_T0SZ(64 - PT_IPA_BITS))

/* TCR_EL2 (non-VHE): same shape for the hypervisor's own stage 1. */
#define TCR_T0SZ(n)  ((uint64_t)(n) << 0)
#define TCR_IRGN0_WB (1ull << 8)
#define TCR_ORGN0_WB (1ull << 10)
#define TCR_SH0_IS   (3ull << 12)
#define TCR_TG0_4K   (0ull << 14)
#define TCR_PS_40    (2ull << 16)
#define TCR_EL2_RES1 ((1ull << 31) | (1ull << 23))

/* MAIR_EL2 attribute indexes used by the hypervisor's stage 1. */
#define MAIR_IDX_DEVICE 0 /* Device-nGnRnE */
#define MAIR_IDX_NORMAL 1 /* Normal, inner/outer WB RA WA */
#define MAIR_EL2_VALUE	(0x00ull << (8 * MAIR_IDX_DEVICE) | 0xffull << (8 * MAIR_IDX_NORMAL))

#define VTTBR_VMID_SHIFT 48

#endif /* HYP_SYSREG_H */
