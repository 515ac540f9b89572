/* SPDX-License-Identifier: MIT */
#ifndef HYP_CACHE_H
#define HYP_CACHE_H

#include <stdint.h>

/** dcache_clean_range() - clean [va, va + size) to the Point of Coherency */
void dcache_clean_range(uint64_t va, uint64_t size);

#endif /* HYP_CACHE_H */
