/* SPDX-License-Identifier: MIT */
/*
 * Byte fairness between the two directions of one stream (a console port's
 * transmitq and receiveq): while both move, neither gets more than a
 * quantum of bytes ahead of the other; a direction that moved nothing for
 * an idle time no longer holds the other back, and a direction cannot bank
 * more than a quantum of credit while the other is idle.
 *
 * Pure logic on caller-supplied times (CLOCK_MONOTONIC ns), so that it is
 * tested without a clock; the device decides what holding a direction
 * means (docs/device-model.md "Both directions of a console").
 */
#ifndef DM_FAIR_H
#define DM_FAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fair_dir {
	FAIR_TX, /* driver -> device (transmitq) */
	FAIR_RX, /* device -> driver (receiveq) */
};

/**
 * struct dm_fair - the balance of one stream's two directions
 * @lead:    bytes receive moved beyond transmit (negative: transmit ahead)
 * @last_ns: when each direction last moved a byte (0: never)
 * @quantum: how far one direction may run ahead of a busy other one
 * @idle_ns: a direction quiet this long is idle: it holds nothing back
 */
struct dm_fair {
	int64_t lead;
	uint64_t last_ns[2];
	uint64_t quantum;
	uint64_t idle_ns;
};

/** fair_init() - a balanced stream, both directions idle. */
void fair_init(struct dm_fair *f, uint64_t quantum, uint64_t idle_ns);

/**
 * fair_account() - direction @d moved @n bytes at @now
 *
 * Against an idle other direction the lead is clamped to one quantum either
 * way: what a direction moved alone earns it no right to hold the other
 * back later, and no credit beyond a quantum.
 */
void fair_account(struct dm_fair *f, enum fair_dir d, size_t n, uint64_t now);

/**
 * fair_may() - may direction @d move more bytes at @now?
 * Return: true unless the other direction is busy (moved within idle_ns)
 * and @d is a quantum or more ahead of it.
 */
bool fair_may(const struct dm_fair *f, enum fair_dir d, uint64_t now);

/**
 * fair_release_ns() - when fair_may(@d) turns true by itself if the other
 * direction moves no more (it then turns idle); @now if it already is.
 */
uint64_t fair_release_ns(const struct dm_fair *f, enum fair_dir d, uint64_t now);

#endif
