/* SPDX-License-Identifier: MIT */
/*
 * The uio transport's record in the control region's state page
 * (BH_RIO_STATE_OFFSET, include/bulkhead/rio.h): a header, then the
 * register file and device state (struct mmio_saved ...).  Written after
 * every batch that was handled, before resp_prod is published; read and
 * validated (like guest input) by the next device model that attaches.
 */
#ifndef DM_UIO_STATE_H
#define DM_UIO_STATE_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#define UIO_STATE_MAGIC	  0x54534d44u /* "DMST" little-endian */
#define UIO_STATE_VERSION 1u
#define UIO_ROOT_MAX	  128

/**
 * struct uio_state_hdr - head of the state record
 * @len:      bytes of the record after this header
 * @csum:     uio_state_csum() of header (csum = 0) and record
 * @cursor:   requests handled when it was written
 * @attaches: device models that attached so far
 * @requests, @batches, @doorbells: the models' own counters (cumulative)
 */
struct uio_state_hdr {
	uint32_t magic, version, len, csum, cursor, attaches;
	uint64_t requests, batches, doorbells;
};

_Static_assert(sizeof(struct uio_state_hdr) == 48, "uio_state_hdr has no holes");

/* FNV-1a: catches a torn or foreign record, not an adversary. */
static inline uint32_t uio_state_csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/**
 * uio_stats_print() - print the counters of uio devices, one line each
 * @root:  prefix of /sys and /dev (tests), "" in the backend
 * @names: device names; @n = 0 prints every device with a valid control
 *         region
 * Return: 0, or 1 if a named device is missing or not a remote I/O node.
 */
int uio_stats_print(const char *root, char *const *names, int n, FILE *out);

#endif
