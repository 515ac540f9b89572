/* SPDX-License-Identifier: MIT */
/* Common helpers for the freestanding hypervisor and its host-tested parts. */
#ifndef HYP_HYP_H
#define HYP_HYP_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define BIT(n)		 (1ull << (n))
#define GENMASK(h, l)	 (((~0ull) >> (63 - (h))) & ~((1ull << (l)) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define ALIGN_UP(x, a)	 (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a)-1)) == 0)
#define UNUSED(x)	 ((void)(x))

#define KiB 0x400ull
#define MiB 0x100000ull
#define GiB 0x40000000ull

/* errno values (Linux asm-generic/errno-base.h, errno.h); functions return -E*. */
#define EPERM	   1
#define ENOENT	   2
#define EINTR	   4
#define EIO	   5
#define ENOMEM	   12
#define EFAULT	   14
#define EBUSY	   16
#define EEXIST	   17
#define ENODEV	   19
#define EINVAL	   22
#define ENOSPC	   28
#define ERANGE	   34
#define ENOSYS	   38
#define EOPNOTSUPP 95
#define ETIMEDOUT  110 /* asm-generic/errno.h */
#define EALREADY   114 /* asm-generic/errno.h */

#endif /* HYP_HYP_H */
