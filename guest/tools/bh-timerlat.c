// SPDX-License-Identifier: MIT
/*
 * bh-timerlat: timer-interrupt latency as a VM sees it.  Sleeps to absolute
 * deadlines INTERVAL apart (clock_nanosleep, TIMER_ABSTIME) and records how
 * late each wake-up is: virtual timer interrupt, its injection by the
 * hypervisor, the guest's scheduler.  Run it in a frontend while the other
 * frontend streams, and idle, to see the interference.  Prints
 *   timerlat: n=N median_us=M p99_us=P max_us=X
 */
#include <string.h>
#include <unistd.h>

#include "probe.h"

#define LAT_MAX_COUNT	 1000000UL
#define LAT_MAX_INTERVAL 1000000UL

static void usage(void)
{
	fprintf(stderr, "usage: bh-timerlat [-n COUNT] [-i INTERVAL_US]\n"
			"  COUNT wake-ups (default 1000), INTERVAL_US apart (default 1000);\n"
			"  prints median, p99 and max lateness in microseconds\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long n = 1000, interval = 1000, i;
	struct timespec next;
	uint64_t *ns;
	int opt;

	while ((opt = getopt(argc, argv, "n:i:h")) != -1) {
		if (opt == 'n')
			n = probe_count("-n", optarg, LAT_MAX_COUNT);
		else if (opt == 'i')
			interval = probe_count("-i", optarg, LAT_MAX_INTERVAL);
		else
			usage();
	}
	if (optind != argc)
		usage();
	ns = calloc(n, sizeof(*ns));
	if (!ns)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; i < n; i++) {
		uint64_t target;

		next.tv_nsec += (long)(interval * 1000);
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		target = (uint64_t)next.tv_sec * 1000000000ULL + (uint64_t)next.tv_nsec;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		ns[i] = probe_now_ns() - target;
	}
	probe_report("timerlat", ns, n);
	free(ns);
	return 0;
}
