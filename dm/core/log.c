// SPDX-License-Identifier: MIT
/* Plain and rate-limited log lines on stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "dm/log.h"

/*
 * Process-wide output switch: it configures where lines go (like stderr
 * itself), it holds no per-object state.
 */
static int dm_log_quiet;

void dm_log_set_quiet(int quiet)
{
	dm_log_quiet = quiet;
}

uint64_t dm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void dm_ratelimit_init(struct dm_ratelimit *rl)
{
	rl->begin_ns = 0;
	rl->printed = 0;
	rl->suppressed = 0;
	rl->total = 0;
}

static void dm_vlog(const char *fmt, va_list ap)
{
	if (dm_log_quiet)
		return;
	fputs("bulkhead-dm: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void dm_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dm_vlog(fmt, ap);
	va_end(ap);
}

void dm_log_rl(struct dm_ratelimit *rl, const char *fmt, ...)
{
	uint64_t now = dm_now_ns();
	va_list ap;

	rl->total++;
	if (!rl->begin_ns || now - rl->begin_ns >= DM_RL_INTERVAL_NS) {
		if (rl->suppressed)
			dm_log("%lu similar messages suppressed", rl->suppressed);
		rl->begin_ns = now;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (rl->printed >= DM_RL_BURST) {
		rl->suppressed++;
		return;
	}
	rl->printed++;
	va_start(ap, fmt);
	dm_vlog(fmt, ap);
	va_end(ap);
}
