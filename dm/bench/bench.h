/* SPDX-License-Identifier: MIT */
/*
 * What both throughput benchmarks share: the clock, median sorting, the
 * port-0 console bring-up of the test frontend and the stream set-up.  The
 * runs differ only in the transport between frontend and model.
 */
#ifndef DM_BENCH_H
#define DM_BENCH_H

#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include <linux/virtio_config.h>

#include "dm_test_frontend.h"

#define BENCH_MIB      64
#define BENCH_RUNS     5
#define BENCH_QSIZE    128
#define BENCH_BUF_SIZE 4096 /* per ring buffer, as Linux's virtio_console */

static inline double bench_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sort @v (BENCH_RUNS values) so that v[BENCH_RUNS / 2] is the median. */
static inline void bench_sort(double *v)
{
	qsort(v, BENCH_RUNS, sizeof(v[0]), bench_cmp_double);
}

/* Probe @dev like Linux and open port 0 (receiveq 0, transmitq 1). */
static inline int bench_console_up(struct tfe_dev *dev, struct tfe_port *port)
{
	const uint64_t want = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
			      (1ULL << VIRTIO_RING_F_EVENT_IDX);

	if (tfe_probe(dev, want) || tfe_vq_setup(dev, 0, BENCH_QSIZE) ||
	    tfe_vq_setup(dev, 1, BENCH_QSIZE))
		return -1;
	tfe_driver_ok(dev);
	return tfe_port_init(port, dev, 0, 1, BENCH_BUF_SIZE) ? -1 : 0;
}

/* The same @data one way, the other, or both at once. */
static inline void bench_stream_set(struct tfe_stream *s, const uint8_t *data, size_t len,
				    bool to_host, bool to_guest)
{
	if (to_host) {
		s->to_host = data;
		s->to_host_len = len;
	}
	if (to_guest) {
		s->to_guest = data;
		s->to_guest_len = len;
	}
}

#endif
