/* SPDX-License-Identifier: MIT */
#ifndef HYP_CACHE_H
#define HYP_CACHE_H

#include <stdint.h>

/** dcache_clean_range() - clean [va, va + size) to the Point of Coherency */
void dcache_clean_range(uint64_t va, uint64_t size);

/**
 * dcache_clean_inval_range() - clean and invalidate [va, va + size) to the
 * Point of Coherency: the next read fetches what a non-cacheable observer
 * wrote to memory.
 */
void dcache_clean_inval_range(uint64_t va, uint64_t size);

#endif /* HYP_CACHE_H */
