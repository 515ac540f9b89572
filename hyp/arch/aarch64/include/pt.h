/* SPDX-License-Identifier: MIT */
/*
 * Stage-2 translation table builder (Arm ARM D8 "The AArch64 Virtual Memory
 * System Architecture", VMSAv8-64 4 KiB granule).  Walks start at level 1
 * (VTCR_EL2.T0SZ = 25, SL0 = 1: 39-bit IPA, 512 GiB), and the builder uses
 * 1 GiB (level 1) and 2 MiB (level 2) blocks wherever IPA, PA and the
 * remaining size are aligned, 4 KiB pages (level 3) elsewhere.
 *
 * Pure code: the page allocator and PA<->pointer conversion come from the
 * caller, so host unit tests build tables in a heap buffer and walk them.
 */
#ifndef HYP_PT_H
#define HYP_PT_H

#include <stdint.h>

#define PT_ENTRIES	  512
#define PT_PAGE_SIZE	  0x1000ull
#define PT_IPA_BITS	  39
#define PT_START_LEVEL	  1
#define PT_LEVEL_SHIFT(l) (12 + 9 * (3 - (l))) /* 30, 21, 12 */

/* Descriptor bits (D8.3, stage-2 attributes D8.4). */
#define PT_VALID		(1ull << 0)
#define PT_TABLE		(1ull << 1) /* at levels 1-2; page at level 3 */
#define PT_TYPE_MASK		0x3ull
#define PT_BLOCK		0x1ull
#define PT_PAGE			0x3ull
#define PT_ADDR_MASK		0x0000fffffffff000ull
#define S2_MEMATTR_SHIFT	2
#define S2_MEMATTR_MASK		(0xfull << 2)
#define S2_MEMATTR_NORMAL_WB	(0xfull << 2) /* Outer WB, Inner WB */
#define S2_MEMATTR_DEVICE_nGnRE (0x1ull << 2)
/* With HCR_EL2.FWB (FEAT_S2FWB, D8.6.6): Normal Write-Back whatever stage 1
 * says, or stage 1's type as it is (Device stays Device). */
#define S2_MEMATTR_FWB_NORMAL_WB (0x6ull << 2)
#define S2_MEMATTR_FWB_AS_S1	 (0x7ull << 2)
#define S2_AP_R			 (1ull << 6)
#define S2_AP_W			 (1ull << 7)
#define S2_SH_IS		 (3ull << 8)
#define S2_AF			 (1ull << 10)
#define S2_XN			 (1ull << 54)
#define S2_ATTR_MASK		 (S2_MEMATTR_MASK | S2_AP_R | S2_AP_W | S2_SH_IS | S2_AF | S2_XN)

/* Ready-made attribute sets. */
#define S2_NORMAL_RWX (S2_MEMATTR_NORMAL_WB | S2_AP_R | S2_AP_W | S2_SH_IS | S2_AF)
#define S2_DEVICE_RW  (S2_MEMATTR_DEVICE_nGnRE | S2_AP_R | S2_AP_W | S2_AF | S2_XN)

/**
 * struct pt_ops - memory services for the builder
 * @alloc:    return a zeroed, 4 KiB aligned page or NULL
 * @to_pa:    physical address of a page returned by @alloc
 * @to_va:    pointer for a table's physical address
 * @ctx:      passed back to the callbacks
 */
struct pt_ops {
	void *(*alloc)(void *ctx);
	uint64_t (*to_pa)(void *ctx, void *va);
	void *(*to_va)(void *ctx, uint64_t pa);
	void *ctx;
};

/**
 * pt_map() - map [ipa, ipa + size) to [pa, pa + size) with @attrs
 * @ops:   allocator
 * @root:  level-1 table (512 entries)
 * @ipa:   page aligned, ipa + size <= 2^39
 * @pa:    page aligned, < 2^48
 * @size:  page multiple, > 0
 * @attrs: S2_* bits (S2_ATTR_MASK)
 *
 * Return: 0; -EINVAL for bad alignment/range; -EEXIST if any part is
 * already mapped; -ENOMEM if @ops->alloc fails.  On error the tables may hold
 * a partial mapping (the caller discards the VM).
 */
int pt_map(const struct pt_ops *ops, uint64_t *root, uint64_t ipa, uint64_t pa, uint64_t size,
	   uint64_t attrs);

/**
 * pt_lookup() - translate one IPA
 * @pa:    out: physical address
 * @attrs: out (optional): S2_* attributes of the leaf
 * @level: out (optional): level of the leaf (1, 2 or 3)
 * Return: 0, or -ENOENT if unmapped.
 */
int pt_lookup(const struct pt_ops *ops, const uint64_t *root, uint64_t ipa, uint64_t *pa,
	      uint64_t *attrs, int *level);

#endif /* HYP_PT_H */
