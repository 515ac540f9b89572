// SPDX-License-Identifier: MIT
/*
 * bh-stream: send a self-describing stream, or check one byte-exactly
 * (guest/tools/stream.h): bytes lost, duplicated and foreign, and which
 * MiB arrived whole, once, in order.  For the kill and soak tests
 * (docs/device-model.md "Restart", docs/running.md).
 *
 *   bh-stream gen TAG BYTES [SECONDS]  the stream on stdout; with SECONDS,
 *                                      stop at the first record boundary
 *                                      after that long; "sent=N" on stderr
 *   bh-stream check TAG BYTES [IDLE_S] read stdin until BYTES arrived, end
 *                                      of file, or IDLE_S seconds (default
 *                                      30) without a byte; print the counts
 *
 * check prints "TAG: MiB N ok|BAD" as each MiB completes and ends with
 *   "stream TAG: bytes=B received=R lost=L duplicated=D foreign=F mib_ok=K/M
 *    through=H gaps=G"
 * (H: one past the furthest position that arrived; G: bytes below H that
 * never did), after "TAG: first foreign bytes at input byte N: ..." if
 * any were; exit status 0 only if every byte arrived once, in order.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"
#include "stream.h"

#define CHUNK 4096u

static int usage(void)
{
	fprintf(stderr, "usage: bh-stream gen TAG BYTES [SECONDS]\n"
			"       bh-stream check TAG BYTES [IDLE_SECONDS]\n");
	return 2;
}

static int write_all(const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(1, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror("bh-stream: write");
			return 1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int stream_gen(const char *tag, uint64_t total, unsigned long seconds)
{
	uint64_t pos = 0, end = seconds ? probe_now_ns() + seconds * 1000000000ULL : 0;
	uint8_t buf[CHUNK];

	while (pos < total) {
		if (end && !(pos % STREAM_REC) && probe_now_ns() >= end)
			break;
		size_t n = 0;

		while (n < sizeof(buf) && pos + n < total) {
			uint8_t rec[STREAM_REC];
			uint64_t at = pos + n;
			size_t take = STREAM_REC - at % STREAM_REC;

			if (take > sizeof(buf) - n)
				take = sizeof(buf) - n;
			if (take > total - at)
				take = (size_t)(total - at);
			stream_record(tag, at / STREAM_REC, rec);
			memcpy(buf + n, rec + at % STREAM_REC, take);
			n += take;
		}
		if (write_all(buf, n))
			return 1;
		pos += n;
	}
	fprintf(stderr, "sent=%llu\n", (unsigned long long)pos);
	return 0;
}

static void report_mibs(const struct stream_check *c, uint64_t *next)
{
	while ((*next + 1) * STREAM_MIB <= c->hw ||
	       ((*next) * STREAM_MIB < c->total && c->hw >= c->total && c->total > 0)) {
		printf("%s: MiB %llu %s\n", c->tag, (unsigned long long)*next,
		       stream_check_mib_ok(c, *next) ? "ok" : "BAD");
		fflush(stdout);
		(*next)++;
	}
}

/* What the first foreign run was, printable, for whoever must explain it. */
static void report_foreign(const struct stream_check *c)
{
	unsigned int i;

	printf("%s: first foreign bytes at input byte %llu:", c->tag,
	       (unsigned long long)c->foreign_at);
	for (i = 0; i < c->nshown; i++)
		if (c->shown[i] >= 0x21 && c->shown[i] < 0x7f)
			printf(" %c", c->shown[i]);
		else
			printf(" \\x%02x", c->shown[i]);
	printf("\n");
}

static int stream_checkin(const char *tag, uint64_t total, int idle_s)
{
	static struct stream_check c;
	uint64_t next_mib = 0, mibs, ok = 0, m;
	uint8_t buf[CHUNK];

	stream_check_init(&c, tag, total);
	/* until every position arrived (late bytes may still fill a gap) */
	while (c.hw < c.total || c.gap_bytes) {
		struct pollfd p = { .fd = 0, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, idle_s * 1000) == 0)
			break; /* idle: the rest is lost */
		n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		stream_check_feed(&c, buf, (size_t)n);
		report_mibs(&c, &next_mib);
	}
	stream_check_end(&c);
	if (c.foreign)
		report_foreign(&c);
	mibs = (total + STREAM_MIB - 1) / STREAM_MIB;
	for (m = 0; m < mibs; m++)
		ok += stream_check_mib_ok(&c, m);
	printf("stream %s: bytes=%llu received=%llu lost=%llu duplicated=%llu foreign=%llu "
	       "mib_ok=%llu/%llu through=%llu gaps=%llu\n",
	       c.tag, (unsigned long long)total, (unsigned long long)c.received,
	       (unsigned long long)c.lost, (unsigned long long)c.duplicated,
	       (unsigned long long)c.foreign, (unsigned long long)ok, (unsigned long long)mibs,
	       (unsigned long long)c.hw, (unsigned long long)(c.lost - (total - c.hw)));
	return c.lost || c.duplicated || c.foreign || c.received != total;
}

int main(int argc, char **argv)
{
	uint64_t total;

	if (argc < 4 || strlen(argv[2]) > STREAM_TAG || strchr(argv[2], ':'))
		return usage();
	total = probe_count("BYTES", argv[3], (unsigned long)STREAM_MAX_MIBS * STREAM_MIB);
	if (!strcmp(argv[1], "gen") && argc <= 5)
		return stream_gen(argv[2], total,
				  argc == 5 ? probe_count("SECONDS", argv[4], 86400) : 0);
	if (!strcmp(argv[1], "check") && argc <= 5)
		return stream_checkin(argv[2], total,
				      argc == 5 ? (int)probe_count("IDLE_SECONDS", argv[4], 3600)
						: 30);
	return usage();
}
