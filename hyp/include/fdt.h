/* SPDX-License-Identifier: MIT */
/*
 * Minimal flattened-device-tree reader (Devicetree Specification v0.4,
 * chapter 5 "Flattened Devicetree (DTB) Format"): just enough to learn the
 * RAM ranges QEMU describes in the DTB it hands to the hypervisor.
 * Pure code, bounds-checked against the blob's size; host-tested.
 */
#ifndef HYP_FDT_H
#define HYP_FDT_H

#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	0x1u
#define FDT_END_NODE	0x2u
#define FDT_PROP	0x3u
#define FDT_NOP		0x4u
#define FDT_END		0x9u
#define FDT_HEADER_SIZE 40u
#define FDT_MAX_SIZE	0x200000u /* QEMU's DTB is far smaller */

struct fdt_range {
	uint64_t base;
	uint64_t size;
};

/**
 * fdt_memory_ranges() - the "reg" ranges of every /memory node
 * @fdt:   the blob
 * @limit: bytes readable at @fdt (the blob's totalsize must fit)
 * @out:   ranges found
 * @max:   capacity of @out
 *
 * Honours the root's #address-cells/#size-cells (1 or 2 each).
 * Return: number of ranges (at most @max), or -EINVAL for a malformed blob.
 */
int fdt_memory_ranges(const void *fdt, size_t limit, struct fdt_range *out, int max);

#endif /* HYP_FDT_H */
