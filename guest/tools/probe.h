/* SPDX-License-Identifier: MIT */
/*
 * What the guest-side measurement probes share: a monotonic clock in
 * microseconds and the summary line of a set of samples.
 */
#ifndef GUEST_TOOLS_PROBE_H
#define GUEST_TOOLS_PROBE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t probe_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int probe_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Print "<what>: n=N median_us=M p99_us=P max_us=X" for @n samples in ns
 * (sorted in place): one line, easy to parse.
 */
static inline void probe_report(const char *what, uint64_t *ns, size_t n)
{
	size_t p99;

	if (!n) {
		printf("%s: n=0\n", what);
		return;
	}
	qsort(ns, n, sizeof(*ns), probe_cmp);
	p99 = (n * 99 + 99) / 100 - 1;
	printf("%s: n=%zu median_us=%.1f p99_us=%.1f max_us=%.1f\n", what, n,
	       (double)ns[n / 2] / 1e3, (double)ns[p99] / 1e3, (double)ns[n - 1] / 1e3);
}

/* A positive count from @s, or exit with a message naming @opt. */
static inline unsigned long probe_count(const char *opt, const char *s, unsigned long max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || !v || v > max) {
		fprintf(stderr, "%s: want a number from 1 to %lu, got '%s'\n", opt, max, s);
		exit(2);
	}
	return v;
}

#endif
