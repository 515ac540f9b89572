// SPDX-License-Identifier: MIT
/*
 * Throughput through the sim transport: the model runs on its own thread
 * (as in the unit tests, without sanitizers), the test frontend pushes
 * BENCH_MIB through port 0 to a socket client, and back.  Prints the median
 * of BENCH_RUNS runs for guest->host, host->guest and both at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <signal.h>

#include <linux/virtio_config.h>
#include <linux/virtio_console.h>

#include "dm_fixture.h"
#include "bench.h"

/* One run; returns MB/s (10^6 bytes) of payload moved, or -1. */
static double bench_once(const uint8_t *data, size_t len, bool to_host, bool to_guest)
{
	struct dm_fixture fx;
	struct tfe_mem mem;
	struct tfe_dev dev;
	struct tfe_port port;
	struct tfe_stream s = { 0 };
	double t0, t;
	int cd, rc;

	if (fx_init(&fx) || (cd = fx_socket(&fx, "bench")) < 0 || !fx_console(&fx, 1, cd) ||
	    fx_start(&fx))
		return -1;
	/* connect first: the probe's round trips let the model accept */
	s.client = tfe_unix_connect(fx.path[cd], 2000);
	if (tfe_mem_init(&mem, 0x20000000ULL, 16ULL << 20) || tfe_link_attach(&fx.link, 0, &mem))
		return -1;
	tfe_dev_init(&dev, &fx.link, 0, NULL, &mem);
	if (bench_console_up(&dev, &port))
		return -1;
	s.port = &port;
	bench_stream_set(&s, data, len, to_host, to_guest);
	t0 = bench_now_s();
	rc = tfe_streams_run(&fx.link, &s, 1, 60000);
	t = bench_now_s() - t0;
	close(s.client);
	fx_fini(&fx);
	tfe_mem_fini(&mem);
	if (rc || s.mismatches) {
		fprintf(stderr, "rc %d mismatches %zu got %zu/%zu\n", rc, s.mismatches,
			s.client_got, s.guest_got);
		return -1;
	}
	return (double)(s.client_got + s.guest_got) / t / 1e6;
}

int main(void)
{
	static const char *const names[] = { "guest->host", "host->guest", "both ways  " };
	size_t len = (size_t)BENCH_MIB << 20;
	uint8_t *data = malloc(len);
	double r[BENCH_RUNS];
	int mode, i;

	signal(SIGPIPE, SIG_IGN);
	dm_log_set_quiet(1);
	if (!data)
		return 1;
	tfe_random(data, len, 42);
	printf("bulkhead-dm sim transport, port 0, 4 KiB buffers, %d MiB per run, median of %d\n",
	       BENCH_MIB, BENCH_RUNS);
	for (mode = 0; mode < 3; mode++) {
		for (i = 0; i < BENCH_RUNS; i++) {
			r[i] = bench_once(data, len, mode != 1, mode != 0);
			if (r[i] < 0) {
				fprintf(stderr, "run failed\n");
				return 1;
			}
		}
		bench_sort(r);
		printf("%s  %8.1f MB/s  (min %.1f, max %.1f)\n", names[mode], r[BENCH_RUNS / 2],
		       r[0], r[BENCH_RUNS - 1]);
	}
	free(data);
	return 0;
}
