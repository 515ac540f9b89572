/* SPDX-License-Identifier: MIT */
/*
 * The self-describing sector pattern of bh-blkload's verify modes (host unit
 * test tests/unit/test_tools_blkpat.c).
 *
 * Sector s (512 bytes) of a pass seeded with S is
 *
 *   "BHBLKPAT" | S (8 bytes, little endian) | s (8 bytes, little endian) |
 *   488 bytes from a generator seeded by (S, s)
 *
 * so a sector read back tells what went wrong, host-independently: never
 * written (all zeroes), a write lost or not yet seen (an older pass's seed),
 * a write that landed at the wrong place (another sector's number), or
 * bytes damaged (header or body that match nothing).
 */
#ifndef GUEST_TOOLS_BLKPAT_H
#define GUEST_TOOLS_BLKPAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BLKPAT_SECTOR 512u
#define BLKPAT_MAGIC  "BHBLKPAT"
#define BLKPAT_HDR    24u

enum blkpat_verdict {
	BLKPAT_OK,
	BLKPAT_ZERO,	  /* never written: all zeroes */
	BLKPAT_STALE,	  /* another pass's sector: a lost (or older) write */
	BLKPAT_MISPLACED, /* this pass, but another sector's data */
	BLKPAT_CORRUPT,	  /* neither: damaged bytes */
};

static inline void blkpat_put64(uint8_t *p, uint64_t v)
{
	for (unsigned int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t blkpat_get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The body's generator: splitmix64 over (seed, sector). */
static inline uint64_t blkpat_next(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Sector @sector of the pass seeded @seed into @buf (BLKPAT_SECTOR bytes). */
static inline void blkpat_fill(uint64_t seed, uint64_t sector, uint8_t *buf)
{
	uint64_t x = seed ^ (sector * 0xd1b54a32d192ed03ULL);

	memcpy(buf, BLKPAT_MAGIC, 8);
	blkpat_put64(buf + 8, seed);
	blkpat_put64(buf + 16, sector);
	for (unsigned int i = BLKPAT_HDR; i < BLKPAT_SECTOR; i += 8)
		blkpat_put64(buf + i, blkpat_next(&x));
}

/*
 * What the 512 bytes @buf read from sector @sector are, against the pass
 * seeded @seed.  A well-formed header of another seed or sector counts as
 * stale or misplaced only if its body matches that header too.
 */
static inline enum blkpat_verdict blkpat_check(uint64_t seed, uint64_t sector, const uint8_t *buf)
{
	uint8_t want[BLKPAT_SECTOR];
	uint64_t s, n;
	unsigned int i;

	for (i = 0; i < BLKPAT_SECTOR && !buf[i]; i++)
		;
	if (i == BLKPAT_SECTOR)
		return BLKPAT_ZERO;
	if (memcmp(buf, BLKPAT_MAGIC, 8))
		return BLKPAT_CORRUPT;
	s = blkpat_get64(buf + 8);
	n = blkpat_get64(buf + 16);
	blkpat_fill(s, n, want);
	if (memcmp(buf, want, BLKPAT_SECTOR))
		return BLKPAT_CORRUPT;
	if (s != seed)
		return BLKPAT_STALE;
	return n == sector ? BLKPAT_OK : BLKPAT_MISPLACED;
}

static inline const char *blkpat_name(enum blkpat_verdict v)
{
	static const char *const names[] = { "ok", "zero", "stale", "misplaced", "corrupt" };

	return v <= BLKPAT_CORRUPT ? names[v] : "?";
}

#endif
