// SPDX-License-Identifier: MIT
/*
 * bh-echo: keystroke echo round trip through a terminal.  Writes one byte
 * at a time to TTY (raw mode) and waits for it to come back from whatever
 * echoes at the far end (on a frontend: `cat <&3 >&3` on /dev/hvc0), the
 * way a person typing at a console sees it.  Prints
 *   echo: n=N median_us=M p99_us=P max_us=X
 * and exits 1 if a byte came back wrong or not within the timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "probe.h"

#define ECHO_MAX     100000UL
#define ECHO_WARMUP  5
#define ECHO_TIMEOUT 5000 /* ms for one byte to come back */

static void usage(void)
{
	fprintf(stderr, "usage: bh-echo [-n COUNT] TTY\n"
			"  one byte out and back COUNT times (default 200), raw mode;\n"
			"  prints median, p99 and max round trip in microseconds\n");
	exit(2);
}

static int echo_open(const char *path)
{
	struct termios t;
	int fd = open(path, O_RDWR | O_NOCTTY);

	if (fd < 0) {
		fprintf(stderr, "bh-echo: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	tcflush(fd, TCIOFLUSH);
	return fd;
}

/* One byte out, the same byte back.  Return: 0, or -1 (reported). */
static int echo_one(int fd, unsigned char c)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned char got;

	if (write(fd, &c, 1) != 1) {
		fprintf(stderr, "bh-echo: write: %s\n", strerror(errno));
		return -1;
	}
	if (poll(&p, 1, ECHO_TIMEOUT) != 1 || read(fd, &got, 1) != 1) {
		fprintf(stderr, "bh-echo: byte %#x did not come back\n", c);
		return -1;
	}
	if (got != c) {
		fprintf(stderr, "bh-echo: sent %#x, got %#x\n", c, got);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 200, i;
	uint64_t *ns;
	int opt, fd;

	while ((opt = getopt(argc, argv, "n:h")) != -1) {
		if (opt == 'n')
			n = probe_count("-n", optarg, ECHO_MAX);
		else
			usage();
	}
	if (optind + 1 != argc)
		usage();
	fd = echo_open(argv[optind]);
	ns = calloc(n, sizeof(*ns));
	if (!ns)
		return 1;
	for (i = 0; i < ECHO_WARMUP; i++)
		if (echo_one(fd, 'a' + i))
			return 1;
	for (i = 0; i < n; i++) {
		uint64_t t0 = probe_now_ns();

		if (echo_one(fd, (unsigned char)('0' + i % 64)))
			return 1;
		ns[i] = probe_now_ns() - t0;
	}
	probe_report("echo", ns, n);
	free(ns);
	close(fd);
	return 0;
}
