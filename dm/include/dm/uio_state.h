/* SPDX-License-Identifier: MIT */
/*
 * The uio transport's record in the control region's state page
 * (BH_RIO_STATE_OFFSET, include/bulkhead/rio.h): a header, then the
 * register file and device state (struct mmio_saved ...).  Written after
 * every batch that was handled, before resp_prod is published; read and
 * validated (like guest input) by the next device model that attaches.
 * A kill at any instruction leaves the previous record or the new one
 * (struct uio_rec).
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
 * The page: two record slots of UIO_SLOT_SIZE bytes from offset 0, then the
 * device's delivery journal (MMIO_MAX_QUEUES words, dm/mmio.h) in its last
 * UIO_JOURNAL_SIZE bytes.  A save writes the slot that does not hold the
 * newest record and commits it with one 64-bit store (struct uio_rec below,
 * docs/device-model.md "Restart"); journal words are written one at a time,
 * between saves too.
 */
#define UIO_JOURNAL_SIZE   (64u * 8u)
#define UIO_JOURNAL_OFFSET (BH_RIO_STATE_SIZE - UIO_JOURNAL_SIZE)
#define UIO_SLOTS	   2u
#define UIO_SLOT_SIZE	   (UIO_JOURNAL_OFFSET / UIO_SLOTS)
#define UIO_SLOT_WORDS	   (UIO_SLOT_SIZE / 8u)

#define UIO_STATE_MAGIC	  0x54534d44u /* "DMST" little-endian */
#define UIO_STATE_VERSION 5u
#define UIO_ROOT_MAX	  128

/**
 * struct uio_state_hdr - head of a slot's record
 * @commit:   UIO_STATE_MAGIC | generation << 32, stored last (0: empty)
 * @len:      bytes of the record after this header
 * @csum:     uio_state_csum() of header (csum = 0) and record
 * @cursor:   requests handled when it was written
 * @attaches: device models that attached so far
 * @requests, @batches, @doorbells: the models' own counters (cumulative)
 * @polls:    polling rounds begun (docs/protocol.md "Polling")
 * @poll_hits: chains polling found: QueueNotifies the driver did not need
 *            to send
 * @pickup, @service: the models' latency histograms (struct bh_rio_lat in
 *            bulkhead/rio.h: trap to pick-up, pick-up to answer)
 */
struct uio_state_hdr {
	uint64_t commit;
	uint32_t version, len, csum, cursor;
	uint32_t attaches, reserved;
	uint64_t requests, batches, doorbells;
	uint64_t polls, poll_hits;
	struct bh_rio_hist pickup, service;
};

_Static_assert(sizeof(struct uio_state_hdr) == 72 + 2 * sizeof(struct bh_rio_hist),
	       "uio_state_hdr has no holes");
_Static_assert(offsetof(struct uio_state_hdr, commit) == 0, "the commit word comes first");
_Static_assert(UIO_SLOT_SIZE % BH_RIO_CACHE_LINE == 0, "slots are whole cache lines");

/* Bytes of device state (struct mmio_saved ...) a slot holds after its header. */
#define UIO_RECORD_MAX (UIO_SLOT_SIZE - sizeof(struct uio_state_hdr))

/* What uio_rec_pick() found on the page. */
enum uio_rec_found {
	UIO_REC_NONE,	   /* no record was ever committed: a fresh device is exact */
	UIO_REC_FOUND,	   /* the newest committed record, whole */
	UIO_REC_UNTRUSTED, /* something was saved, but what is not certain */
};

/* One 64-bit store of a save: @word of the page (8-byte units) = @val. */
struct uio_rec_store {
	uint32_t word;
	uint64_t val;
};

/**
 * struct uio_rec - the state page's two slots, as one crash-consistent record
 * @page:   the state page (Device memory in the backend); only the model
 *          writes it
 * @shadow: what each slot holds (read at uio_rec_pick(), then kept up to
 *          date by each save): a save stores only the words that differ
 * @img:    the record being saved
 * @plan:   the stores of the last uio_rec_plan(), in program order
 * @cur:    slot of the newest committed record, -1 if none
 * @gen:    its generation
 * @scrub:  empty the other slot after the next commit (it was not trusted)
 *
 * A save empties the target slot's commit word (if set), writes the words
 * of its record that differ, then stores the commit word: a model killed
 * after any of these stores leaves the old record committed (the target
 * reads empty) or the new one, never a mix, whatever else the page holds.
 */
struct uio_rec {
	volatile uint64_t *page;
	uint64_t shadow[UIO_SLOTS][UIO_SLOT_WORDS];
	uint64_t img[UIO_SLOT_WORDS];
	struct uio_rec_store plan[UIO_SLOT_WORDS + 2];
	unsigned int nplan;
	int cur;
	uint32_t gen;
	bool scrub;
};

/** uio_rec_init() - bind @r to a state page (BH_RIO_STATE_SIZE bytes, 8-aligned). */
void uio_rec_init(struct uio_rec *r, volatile void *page);

/**
 * uio_rec_pick() - read both slots and decide what a successor may trust
 * @why: set to a reason for the log line when UIO_REC_UNTRUSTED
 *
 * Each slot is empty (commit word 0), whole (magic, version, length and
 * checksum) or not; with both committed, their generations must be
 * consecutive.  The newest committed slot is the record, if it is whole.
 * After UIO_REC_UNTRUSTED the next save also empties the other slot.
 * Return: enum uio_rec_found; with UIO_REC_FOUND, uio_rec_hdr() and
 * uio_rec_data() give the record.
 */
enum uio_rec_found uio_rec_pick(struct uio_rec *r, const char **why);

/** uio_rec_hdr() - the header of the record uio_rec_pick() found. */
const struct uio_state_hdr *uio_rec_hdr(const struct uio_rec *r);

/** uio_rec_data() - its uio_rec_hdr()->len bytes of device state. */
const void *uio_rec_data(const struct uio_rec *r);

/**
 * uio_rec_distrust() - the found record was rejected after all (it does not
 * fit the device or the request indices): the next save empties the other
 * slot, so that no later model trusts it either
 */
void uio_rec_distrust(struct uio_rec *r);

/**
 * uio_rec_payload() - where to build the next record's device state
 * Return: UIO_RECORD_MAX zeroed bytes.
 */
void *uio_rec_payload(struct uio_rec *r);

/**
 * uio_rec_plan() - compute the stores that save header @h (its counters and
 * cursor) and the @len bytes built at uio_rec_payload()
 *
 * Updates the bookkeeping as if they were made: uio_rec_apply() must follow.
 * Return: the number of stores, or 0 if @len exceeds UIO_RECORD_MAX.
 */
unsigned int uio_rec_plan(struct uio_rec *r, const struct uio_state_hdr *h, size_t len);

/** uio_rec_apply() - make the stores of the last uio_rec_plan(), in order. */
void uio_rec_apply(struct uio_rec *r);

/**
 * uio_rec_peek() - the header of the newest record on @page, for counters
 * Return: 0 and @h filled, -ENOENT (@h zeroed) if there is none to trust,
 * -ENOMEM.
 */
int uio_rec_peek(volatile void *page, struct uio_state_hdr *h);

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

/* FNV-1a, carried on over @len more bytes from @h. */
static inline uint32_t uio_state_csum_more(uint32_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* FNV-1a: catches a torn or foreign record, not an adversary. */
static inline uint32_t uio_state_csum(const void *p, size_t len)
{
	return uio_state_csum_more(2166136261u, p, len);
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
