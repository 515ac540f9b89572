/* SPDX-License-Identifier: MIT */
/*
 * Logging.  Anything a guest can trigger goes through a per-object rate
 * limiter so a hostile driver cannot flood the backend's log.
 */
#ifndef DM_LOG_H
#define DM_LOG_H

#include <stdint.h>

#define DM_RL_INTERVAL_NS (5ULL * 1000 * 1000 * 1000)
#define DM_RL_BURST	  10

struct dm_ratelimit {
	uint64_t begin_ns;    /* start of the current interval */
	unsigned int printed; /* lines printed in this interval */
	unsigned long suppressed;
	unsigned long total; /* every event, printed or not (tests read it) */
};

/** dm_ratelimit_init() - a limiter with a full burst available. */
void dm_ratelimit_init(struct dm_ratelimit *rl);

/** dm_log() - unconditional log line on stderr, prefixed "bulkhead-dm: ". */
void dm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * dm_log_rl() - rate-limited log line
 * @rl: the limiter of the object the event belongs to
 *
 * At most DM_RL_BURST lines per DM_RL_INTERVAL_NS are printed; the number of
 * suppressed lines is reported when the next interval starts.
 */
void dm_log_rl(struct dm_ratelimit *rl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** dm_log_set_quiet() - silence all output (unit tests of hostile input). */
void dm_log_set_quiet(int quiet);

/** dm_now_ns() - CLOCK_MONOTONIC in nanoseconds. */
uint64_t dm_now_ns(void);

#endif
