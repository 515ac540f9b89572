/* SPDX-License-Identifier: MIT */
/*
 * A self-describing byte stream for loss and duplicate counting
 * (bh-stream; host unit test tests/unit/test_tools_stream.c).
 *
 * The stream of tag T is a run of 64-byte records; record k is
 *
 *   "TTTT:kkkkkkkkkk:" + 47 letters a-z from a generator seeded by (T, k) + "\n"
 *
 * (the tag padded with '_' to 4 characters, k in 10 lowercase hex digits).
 * ':' occurs only in headers, so a checker that lost its place finds the
 * next header, reads k off it and knows where in the stream it is again:
 * what was skipped is lost, what came again is duplicated, anything else is
 * foreign, all counted in bytes.  The bytes before that header are the end
 * of the records before it; where a gap lies among them (bytes lost inside
 * a record, before the checker had its place), the run before the gap is
 * looked for in the STREAM_BACK bytes before it and delivered where it
 * matches: a run of a few letters can match by chance, so a short foreign
 * run there may count as delivered.  Bytes with no header at all after them
 * when the input ends (a new life of a frontend that received only the tail
 * of a record of its old life's stream) have nothing to place them by: they
 * are looked for in the stream's first STREAM_FIND bytes, with the same
 * caveat.  The first foreign run is kept (where it came in the input, and
 * its first STREAM_SHOW bytes) for the report.
 */
#ifndef GUEST_TOOLS_STREAM_H
#define GUEST_TOOLS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define STREAM_REC	64u
#define STREAM_HDR	16u
#define STREAM_TAG	4u
#define STREAM_MIB	(1u << 20)
#define STREAM_GAPS	256u
#define STREAM_PENDING	256u
#define STREAM_MAX_MIBS 65536u /* 64 GiB */
#define STREAM_BACK	(4u * STREAM_REC)
#define STREAM_SHOW	16u
#define STREAM_FIND	(32u * STREAM_MIB)

/* Record @k of the stream tagged @tag into @rec (STREAM_REC bytes). */
static inline void stream_record(const char *tag, uint64_t k, uint8_t *rec)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t x = 0x9e3779b97f4a7c15ULL ^ (k * 0xbf58476d1ce4e5b9ULL);
	unsigned int i;

	bool end = false;

	for (i = 0; i < STREAM_TAG; i++) {
		end = end || !tag[i];
		rec[i] = (uint8_t)(end ? '_' : tag[i]);
		x = (x ^ rec[i]) * 0x100000001b3ULL;
	}
	rec[4] = ':';
	for (i = 0; i < 10; i++)
		rec[5 + i] = (uint8_t)hex[(k >> (4 * (9 - i))) & 15];
	rec[15] = ':';
	for (i = STREAM_HDR; i < STREAM_REC - 1; i++) {
		/* xorshift64: cheap, reproducible letters */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		rec[i] = (uint8_t)('a' + x % 26);
	}
	rec[STREAM_REC - 1] = '\n';
}

struct stream_gap {
	uint64_t start, end;
};

/**
 * struct stream_check - a streaming checker of one stream
 * @total:      bytes the sender sends
 * @received:   bytes fed
 * @delivered:  bytes that matched the stream at some position
 * @lost:       positions below @total never delivered (final after
 *              stream_check_end())
 * @duplicated: bytes delivered again at a position already delivered
 * @foreign:    bytes that match no position of the stream
 * @foreign_at: where in the input the first foreign run came (its first byte)
 * @shown:      its first bytes (@nshown of them)
 */
struct stream_check {
	char tag[STREAM_TAG + 1];
	uint64_t total, received, delivered, lost, duplicated, foreign;
	uint64_t foreign_at;
	uint8_t shown[STREAM_SHOW];
	unsigned int nshown;
	/* internal */
	uint64_t fed;	  /* bytes checked so far */
	uint64_t pos, hw; /* next expected position; highest delivered + 1 */
	bool synced;
	uint64_t rec_k;
	uint8_t rec[STREAM_REC];
	uint8_t pend[STREAM_PENDING];
	unsigned int npend;
	struct stream_gap gap[STREAM_GAPS];
	unsigned int ngaps;
	uint64_t gap_bytes;
	uint8_t bad_mib[STREAM_MAX_MIBS / 8];
};

static inline void stream_check_init(struct stream_check *c, const char *tag, uint64_t total)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->tag, sizeof(c->tag), "%.4s", tag);
	c->total = total;
	c->synced = true;
	c->rec_k = UINT64_MAX;
}

static inline void stream_mark_bad(struct stream_check *c, uint64_t pos)
{
	uint64_t m = pos / STREAM_MIB;

	if (m < STREAM_MAX_MIBS)
		c->bad_mib[m / 8] |= (uint8_t)(1u << (m % 8));
}

static inline uint8_t stream_expect(struct stream_check *c, uint64_t pos)
{
	if (pos / STREAM_REC != c->rec_k) {
		c->rec_k = pos / STREAM_REC;
		stream_record(c->tag, c->rec_k, c->rec);
	}
	return c->rec[pos % STREAM_REC];
}

/* A byte of the stream arrived at @pos: count it against what came before. */
static inline void stream_deliver(struct stream_check *c, uint64_t pos)
{
	unsigned int i;

	c->delivered++;
	if (pos >= c->hw) {
		if (pos > c->hw && c->ngaps < STREAM_GAPS) {
			c->gap[c->ngaps].start = c->hw;
			c->gap[c->ngaps++].end = pos;
		}
		if (pos > c->hw) {
			c->gap_bytes += pos - c->hw;
			for (uint64_t m = c->hw; m < pos; m += STREAM_MIB)
				stream_mark_bad(c, m);
			stream_mark_bad(c, pos - 1);
		}
		c->hw = pos + 1;
		return;
	}
	/* below the high-water mark: a late byte fills a gap, else it is a repeat */
	for (i = 0; i < c->ngaps; i++) {
		struct stream_gap *g = &c->gap[i];

		if (pos < g->start || pos >= g->end)
			continue;
		c->gap_bytes--;
		if (pos == g->start)
			g->start++;
		else if (pos == g->end - 1)
			g->end--;
		else if (c->ngaps < STREAM_GAPS) {
			c->gap[c->ngaps].start = pos + 1;
			c->gap[c->ngaps++].end = g->end;
			g->end = pos;
		}
		return;
	}
	c->duplicated++;
	stream_mark_bad(c, pos);
}

/* Parse a header at @h; return true and the record number in @k. */
static inline bool stream_header(const struct stream_check *c, const uint8_t *h, uint64_t *k)
{
	uint8_t want[STREAM_REC];
	unsigned int i;

	stream_record(c->tag, 0, want);
	if (memcmp(h, want, STREAM_TAG) || h[4] != ':' || h[15] != ':')
		return false;
	*k = 0;
	for (i = 5; i < 15; i++) {
		uint8_t d = h[i];

		if (d >= '0' && d <= '9')
			*k = *k << 4 | (uint64_t)(d - '0');
		else if (d >= 'a' && d <= 'f')
			*k = *k << 4 | (uint64_t)(d - 'a' + 10);
		else
			return false;
	}
	return true;
}

static inline void stream_check_byte(struct stream_check *c, uint8_t b);

/* The first @n pending bytes match no position: count them, keep the first such run. */
static inline void stream_foreign(struct stream_check *c, unsigned int n)
{
	if (!c->foreign) {
		c->foreign_at = c->fed - c->npend;
		c->nshown = n < STREAM_SHOW ? n : STREAM_SHOW;
		memcpy(c->shown, c->pend, c->nshown);
	}
	c->foreign += n;
	stream_mark_bad(c, c->hw);
}

/*
 * The first @n pending bytes did not end where the tail before the next
 * header begins (@end): a gap lies after them.  Return true and where they
 * begin if they are a run of the stream in the STREAM_BACK bytes before the
 * tail (the nearest such run: the smallest gap).
 */
static inline bool stream_run_before(struct stream_check *c, unsigned int n, uint64_t end,
				     uint64_t *at)
{
	uint64_t q, lo;
	unsigned int i;

	if (!n || end < n)
		return false;
	lo = end - n > STREAM_BACK ? end - n - STREAM_BACK : 0;
	for (q = end - n + 1; q-- > lo;) {
		for (i = 0; i < n && stream_expect(c, q + i) == c->pend[i]; i++)
			;
		if (i == n) {
			*at = q;
			return true;
		}
	}
	return false;
}

/*
 * The first @n pending bytes are all that is left and no header follows
 * them: return true and where they begin if they are a run of the stream's
 * first STREAM_FIND bytes (the first such place).  A run of n letters
 * matches somewhere by chance with odds of about STREAM_FIND / 26^n: 1 in
 * 240 for 7 letters, 1 in 4 million for 10; a run with a byte no record
 * has there never matches.
 */
static inline bool stream_run_anywhere(struct stream_check *c, unsigned int n, uint64_t *at)
{
	uint64_t q, end = c->total < STREAM_FIND ? c->total : STREAM_FIND;
	unsigned int i;

	if (!n)
		return false;
	for (q = 0; q + n <= end; q++) {
		for (i = 0; i < n && stream_expect(c, q + i) == c->pend[i]; i++)
			;
		if (i == n) {
			*at = q;
			return true;
		}
	}
	return false;
}

/*
 * Out of step: find a header in the pending bytes; the bytes before it are
 * the tail of the record before (delivered, if they match), a run of the
 * stream before a gap, or foreign.
 */
static inline void stream_resync(struct stream_check *c, bool flush)
{
	uint8_t rest[STREAM_PENDING];
	unsigned int j, i, n;
	uint64_t k, p, q;

	for (j = 0; j + STREAM_HDR <= c->npend; j++)
		if (stream_header(c, c->pend + j, &k) && k * STREAM_REC < c->total)
			break;
	if (j + STREAM_HDR > c->npend) {
		if (flush || c->npend == STREAM_PENDING) {
			/* no header in sight: the oldest bytes match nothing */
			n = flush ? c->npend : STREAM_PENDING - STREAM_HDR;
			if (flush && stream_run_anywhere(c, n, &q)) {
				for (i = 0; i < n; i++)
					stream_deliver(c, q + i);
			} else {
				stream_foreign(c, n);
			}
			memmove(c->pend, c->pend + n, c->npend - n);
			c->npend -= n;
		}
		return;
	}
	/* the longest tail before the header that ends the record before it */
	p = k * STREAM_REC;
	for (i = 0; i < j && i < p && stream_expect(c, p - 1 - i) == c->pend[j - 1 - i]; i++)
		;
	if (i < j && stream_run_before(c, j - i, p - i, &q)) {
		for (n = 0; n < j - i; n++)
			stream_deliver(c, q + n);
	} else if (i < j) {
		stream_foreign(c, j - i);
	}
	for (; i; i--)
		stream_deliver(c, p - i);
	/* the header and what follows it take the normal path, checked again */
	n = c->npend - j;
	memcpy(rest, c->pend + j, n);
	c->npend = 0;
	c->pos = k * STREAM_REC;
	c->synced = true;
	c->fed -= n;
	for (i = 0; i < n; i++)
		stream_check_byte(c, rest[i]);
}

static inline void stream_check_byte(struct stream_check *c, uint8_t b)
{
	c->fed++;
	if (c->synced && c->pos < c->total && stream_expect(c, c->pos) == b) {
		stream_deliver(c, c->pos++);
		return;
	}
	c->synced = false;
	c->pend[c->npend++] = b;
	if (c->npend >= STREAM_HDR)
		stream_resync(c, false);
}

/** stream_check_feed() - feed received bytes in order. */
static inline void stream_check_feed(struct stream_check *c, const uint8_t *d, size_t n)
{
	size_t i;

	c->received += n;
	for (i = 0; i < n; i++)
		stream_check_byte(c, d[i]);
}

/** stream_check_end() - no more bytes: settle lost and foreign. */
static inline void stream_check_end(struct stream_check *c)
{
	while (c->npend)
		stream_resync(c, true);
	if (c->hw < c->total) {
		c->gap_bytes += c->total - c->hw;
		for (uint64_t m = c->hw; m < c->total; m += STREAM_MIB)
			stream_mark_bad(c, m);
	}
	c->lost = c->gap_bytes;
}

/** stream_check_mib_ok() - did MiB @m arrive whole, once, in order? */
static inline bool stream_check_mib_ok(const struct stream_check *c, uint64_t m)
{
	return m < STREAM_MAX_MIBS && !(c->bad_mib[m / 8] & (1u << (m % 8)));
}

#endif
