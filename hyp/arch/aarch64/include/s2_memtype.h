/* SPDX-License-Identifier: MIT */
/*
 * The memory type of what VMs share (docs/hypervisor.md, "Memory types").
 *
 * Memory that two agents share must have one memory type on every side
 * (Arm ARM B2.8, "Mismatched memory attributes").  The backend maps a
 * frontend's window and its control regions through stock uio, i.e.
 * Device-nGnRnE at stage 1, while the frontend and EL2 use Normal
 * Write-Back.  Without FEAT_S2FWB the stricter type of the two stages wins,
 * so each side's own stage 1 decides and the protocol keeps both sides
 * non-cacheable or cleans what it writes (docs/protocol.md, "Memory
 * types").  With FEAT_S2FWB, HCR_EL2.FWB = 1 and stage-2 MemAttr 0b0110 make
 * every access to a shared region Normal Write-Back whatever stage 1 says
 * (Arm ARM D8.6.6, "Stage 2 memory type and Cacheability attributes when
 * FEAT_S2FWB is enabled"): one type for every observer, cached.  A VM's
 * private RAM gets MemAttr 0b0111, "as stage 1": a guest that maps a
 * buffer Non-cacheable for a non-coherent DMA master it owns must keep
 * that type, or its device and its CPU disagree.
 */
#ifndef HYP_S2_MEMTYPE_H
#define HYP_S2_MEMTYPE_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/**
 * s2_memtype_init() - detect FEAT_S2FWB on the boot CPU and choose the types
 *
 * Called once before any stage-2 table is built.  CPUs are assumed to
 * agree (a big.LITTLE pair without FWB on one side would need FWB off on
 * all: say so in the platform's description when one appears).
 */
void s2_memtype_init(void);

/** s2_fwb() - whether stage 2 forces the memory type of guest RAM */
bool s2_fwb(void);

/** s2_memattr_private() - stage-2 MemAttr bits (pt.h) for a VM's own RAM */
uint64_t s2_memattr_private(void);

/** s2_memattr_shared() - stage-2 MemAttr bits for RAM another agent sees too */
uint64_t s2_memattr_shared(void);

/** s2_hcr_bits() - the HCR_EL2 bits this choice needs on every CPU */
uint64_t s2_hcr_bits(void);

/**
 * s2_memtype_report() - log the type an MMU-off access of @vm to @ipa gets
 * @vm: a VM whose stage-2 tables are built
 * @ipa: an address of its RAM
 * @what: what @ipa is, for the log line
 *
 * An MMU-off guest access is Device-nGnRnE at stage 1, like the backend's
 * uio maps; AT S12E1R shows what stage 2 makes of it (PAR_EL1.ATTR, a MAIR
 * encoding).  A check of the real translation regime, not of our tables.
 *
 * Return: the MAIR encoding of the combined type.
 */
uint8_t s2_memtype_report(const struct vm *vm, uint64_t ipa, const char *what);

#endif /* HYP_S2_MEMTYPE_H */
