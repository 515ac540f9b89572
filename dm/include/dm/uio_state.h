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

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "bulkhead/rio.h"

/*
 * The page: the record from offset 0, the device's delivery journal
 * (MMIO_MAX_QUEUES words, dm/mmio.h) in its last UIO_JOURNAL_SIZE bytes.
 * The record is rewritten whole after each batch; journal words one at a
 * time, between batches too.
 */
#define UIO_JOURNAL_SIZE   (64u * 8u)
#define UIO_JOURNAL_OFFSET (BH_RIO_STATE_SIZE - UIO_JOURNAL_SIZE)
#define UIO_RECORD_MAX	   UIO_JOURNAL_OFFSET

#define UIO_STATE_MAGIC	  0x54534d44u /* "DMST" little-endian */
#define UIO_STATE_VERSION 4u
#define UIO_ROOT_MAX	  128

/**
 * struct uio_state_hdr - head of the state record
 * @len:      bytes of the record after this header
 * @csum:     uio_state_csum() of header (csum = 0) and record
 * @cursor:   requests handled when it was written
 * @attaches: device models that attached so far
 * @requests, @batches, @doorbells: the models' own counters (cumulative)
 * @polls:    polling rounds begun (docs/protocol.md "Polling")
 * @poll_hits: queues found moved by polling: QueueNotifies the driver did
 *            not need to send
 * @pickup, @service: the models' latency histograms (struct bh_rio_lat in
 *            bulkhead/rio.h: trap to pick-up, pick-up to answer)
 */
struct uio_state_hdr {
	uint32_t magic, version, len, csum, cursor, attaches;
	uint64_t requests, batches, doorbells;
	uint64_t polls, poll_hits;
	struct bh_rio_hist pickup, service;
};

_Static_assert(sizeof(struct uio_state_hdr) == 64 + 2 * sizeof(struct bh_rio_hist),
	       "uio_state_hdr has no holes");

/*
 * The counter the hypervisor stamps requests with (bh_rio_req.t_trap): in
 * the backend VM CNTVCT_EL0, which Linux lets user space read (CNTVOFF_EL2
 * is 0 for every VM, so it is the same count); on a development host, where
 * the tests' hypervisor model stamps with the same function, CLOCK_MONOTONIC
 * in nanoseconds.
 */
static inline uint64_t uio_counter(void)
{
#if defined(__aarch64__)
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
#endif
}

/* Ticks per second of uio_counter(). */
static inline uint64_t uio_counter_freq(void)
{
#if defined(__aarch64__)
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
#else
	return 1000000000ULL;
#endif
}

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
 * @root:    prefix of /sys and /dev (tests), "" in the backend
 * @names:   device names; @n = 0 prints every device with a valid control
 *           region
 * @latency: print the latency breakdown (four histograms) instead
 * Return: 0, or 1 if a named device is missing or not a remote I/O node.
 */
int uio_stats_print(const char *root, char *const *names, int n, bool latency, FILE *out);

#endif
