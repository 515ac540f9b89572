// SPDX-License-Identifier: MIT
/*
 * The sector pattern of bh-blkload's verify modes (guest/tools/blkpat.h):
 * a sector read back names what happened to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "blkpat.h"

#define SEED 0x1234abcdULL

static void test_ok_sectors(void **state)
{
	uint8_t buf[BLKPAT_SECTOR];
	uint64_t s;

	(void)state;
	for (s = 0; s < 64; s++) {
		blkpat_fill(SEED, s * 977, buf);
		assert_int_equal(blkpat_check(SEED, s * 977, buf), BLKPAT_OK);
	}
}

static void test_zero_is_never_written(void **state)
{
	uint8_t buf[BLKPAT_SECTOR] = { 0 };

	(void)state;
	assert_int_equal(blkpat_check(SEED, 5, buf), BLKPAT_ZERO);
	assert_string_equal(blkpat_name(BLKPAT_ZERO), "zero");
}

/* The data of an older pass (a lost write) and of another sector (a misdirected one). */
static void test_stale_and_misplaced(void **state)
{
	uint8_t buf[BLKPAT_SECTOR];

	(void)state;
	blkpat_fill(SEED - 1, 9, buf);
	assert_int_equal(blkpat_check(SEED, 9, buf), BLKPAT_STALE);
	blkpat_fill(SEED, 10, buf);
	assert_int_equal(blkpat_check(SEED, 9, buf), BLKPAT_MISPLACED);
	assert_int_equal(blkpat_get64(buf + 16), 10);
}

/* One flipped byte anywhere, header or body, is corrupt, never ok. */
static void test_damaged_bytes(void **state)
{
	uint8_t buf[BLKPAT_SECTOR];
	unsigned int at;

	(void)state;
	for (at = 0; at < BLKPAT_SECTOR; at += 37) {
		blkpat_fill(SEED, 3, buf);
		buf[at] ^= 0x40;
		assert_int_equal(blkpat_check(SEED, 3, buf), BLKPAT_CORRUPT);
	}
	/* a header of this pass and sector on another sector's body */
	blkpat_fill(SEED, 4, buf);
	blkpat_put64(buf + 16, 3);
	assert_int_equal(blkpat_check(SEED, 3, buf), BLKPAT_CORRUPT);
}

/* Two seeds or two sectors never share a body. */
static void test_bodies_differ(void **state)
{
	uint8_t a[BLKPAT_SECTOR], b[BLKPAT_SECTOR];

	(void)state;
	blkpat_fill(SEED, 1, a);
	blkpat_fill(SEED, 2, b);
	assert_memory_not_equal(a + BLKPAT_HDR, b + BLKPAT_HDR, BLKPAT_SECTOR - BLKPAT_HDR);
	blkpat_fill(SEED + 1, 1, b);
	assert_memory_not_equal(a + BLKPAT_HDR, b + BLKPAT_HDR, BLKPAT_SECTOR - BLKPAT_HDR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_sectors),
		cmocka_unit_test(test_zero_is_never_written),
		cmocka_unit_test(test_stale_and_misplaced),
		cmocka_unit_test(test_damaged_bytes),
		cmocka_unit_test(test_bodies_differ),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
