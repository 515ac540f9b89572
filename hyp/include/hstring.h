/* SPDX-License-Identifier: MIT */
/* The few <string.h> functions the freestanding hypervisor provides. */
#ifndef HYP_HSTRING_H
#define HYP_HSTRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif /* HYP_HSTRING_H */
