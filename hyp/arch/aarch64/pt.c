// SPDX-License-Identifier: MIT
/* Stage-2 translation table builder; see pt.h. */
#include "pt.h"
#include "hyp.h"

static inline uint64_t pt_index(uint64_t ipa, int level)
{
	return (ipa >> PT_LEVEL_SHIFT(level)) & (PT_ENTRIES - 1);
}

static inline bool pt_is_table(uint64_t desc, int level)
{
	return level < 3 && (desc & PT_TYPE_MASK) == (PT_VALID | PT_TABLE);
}

/* Next-level table under @entry, allocated if the entry is empty. */
static uint64_t *pt_next(const struct pt_ops *ops, uint64_t *entry, int level)
{
	uint64_t *table;

	if (pt_is_table(*entry, level))
		return ops->to_va(ops->ctx, *entry & PT_ADDR_MASK);
	if (*entry & PT_VALID)
		return NULL; /* a block is already there */
	table = ops->alloc(ops->ctx);
	if (!table)
		return NULL;
	*entry = ops->to_pa(ops->ctx, table) | PT_VALID | PT_TABLE;
	return table;
}

static int pt_map_level(const struct pt_ops *ops, uint64_t *table, int level, uint64_t ipa,
			uint64_t pa, uint64_t size, uint64_t attrs)
{
	uint64_t block = 1ull << PT_LEVEL_SHIFT(level);

	while (size) {
		uint64_t *entry = &table[pt_index(ipa, level)];
		/* bytes left in this entry's span */
		uint64_t span = block - (ipa & (block - 1));
		uint64_t chunk = size < span ? size : span;

		/* 4 KiB granule: blocks at levels 1 and 2 (D8.2.1) */
		if (level == 3 || (chunk == block && IS_ALIGNED(pa, block))) {
			if (*entry & PT_VALID)
				return -EEXIST;
			*entry = pa | (attrs & S2_ATTR_MASK) | (level == 3 ? PT_PAGE : PT_BLOCK);
		} else {
			uint64_t *next = pt_next(ops, entry, level);
			int ret;

			if (!next)
				return (*entry & PT_VALID) ? -EEXIST : -ENOMEM;
			ret = pt_map_level(ops, next, level + 1, ipa, pa, chunk, attrs);
			if (ret)
				return ret;
		}
		ipa += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

int pt_map(const struct pt_ops *ops, uint64_t *root, uint64_t ipa, uint64_t pa, uint64_t size,
	   uint64_t attrs)
{
	if (!size || !IS_ALIGNED(ipa, PT_PAGE_SIZE) || !IS_ALIGNED(pa, PT_PAGE_SIZE) ||
	    !IS_ALIGNED(size, PT_PAGE_SIZE))
		return -EINVAL;
	if (ipa + size < ipa || ipa + size > (1ull << PT_IPA_BITS))
		return -EINVAL;
	if (pa + size < pa || pa + size > PT_ADDR_MASK + PT_PAGE_SIZE)
		return -EINVAL;
	return pt_map_level(ops, root, PT_START_LEVEL, ipa, pa, size, attrs);
}

int pt_lookup(const struct pt_ops *ops, const uint64_t *root, uint64_t ipa, uint64_t *pa,
	      uint64_t *attrs, int *level)
{
	const uint64_t *table = root;
	int l;

	if (ipa >= (1ull << PT_IPA_BITS))
		return -ENOENT;
	for (l = PT_START_LEVEL; l <= 3; l++) {
		uint64_t desc = table[pt_index(ipa, l)];
		uint64_t mask = (1ull << PT_LEVEL_SHIFT(l)) - 1;

		if (!(desc & PT_VALID))
			return -ENOENT;
		if (pt_is_table(desc, l)) {
			table = ops->to_va(ops->ctx, desc & PT_ADDR_MASK);
			continue;
		}
		if (l == 3 && (desc & PT_TYPE_MASK) != PT_PAGE)
			return -ENOENT;
		*pa = (desc & PT_ADDR_MASK & ~mask) | (ipa & mask);
		if (attrs)
			*attrs = desc & S2_ATTR_MASK;
		if (level)
			*level = l;
		return 0;
	}
	return -ENOENT;
}
