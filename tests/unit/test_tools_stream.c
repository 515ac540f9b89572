// SPDX-License-Identifier: MIT
/*
 * The self-describing stream of bh-stream (guest/tools/stream.h): the
 * checker counts, in bytes, what a lossy, repeating or foreign channel
 * did to a stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "stream.h"

#define TOTAL (3u * STREAM_MIB + 1234u)

static uint8_t *stream_make(const char *tag, size_t total)
{
	uint8_t *s = malloc(total), rec[STREAM_REC];
	size_t pos;

	assert_non_null(s);
	for (pos = 0; pos < total; pos += STREAM_REC) {
		stream_record(tag, pos / STREAM_REC, rec);
		memcpy(s + pos, rec, total - pos < STREAM_REC ? total - pos : STREAM_REC);
	}
	return s;
}

/* Feed the pieces in odd-sized chunks, as a channel would deliver them. */
static struct stream_check *check(const uint8_t *const *piece, const size_t *len, unsigned int n)
{
	static struct stream_check c;
	unsigned int i;
	size_t off, step;

	stream_check_init(&c, "F1UP", TOTAL);
	for (i = 0; i < n; i++)
		for (off = 0; off < len[i]; off += step) {
			step = len[i] - off < 777 ? len[i] - off : 777;
			stream_check_feed(&c, piece[i] + off, step);
		}
	stream_check_end(&c);
	return &c;
}

static void test_exact(void **state)
{
	uint8_t *s = stream_make("F1UP", TOTAL);
	const uint8_t *p[] = { s };
	size_t l[] = { TOTAL };
	struct stream_check *c = check(p, l, 1);

	(void)state;
	assert_int_equal(c->received, TOTAL);
	assert_int_equal(c->lost + c->duplicated + c->foreign, 0);
	assert_true(stream_check_mib_ok(c, 0) && stream_check_mib_ok(c, 3));
	free(s);
}

/* A chain sent twice (a model killed between write and used ring). */
static void test_resent_chain(void **state)
{
	uint8_t *s = stream_make("F1UP", TOTAL);
	const uint8_t *p[] = { s, s + 1000000, s + 1001000 };
	size_t l[] = { 1001000, 1000, TOTAL - 1001000 };
	struct stream_check *c = check(p, l, 3);

	(void)state;
	assert_int_equal(c->duplicated, 1000);
	assert_int_equal(c->lost + c->foreign, 0);
	assert_false(stream_check_mib_ok(c, 0));
	assert_true(stream_check_mib_ok(c, 1) && stream_check_mib_ok(c, 2));
	free(s);
}

/* Bytes a killed model read and never delivered. */
static void test_lost_bytes(void **state)
{
	uint8_t *s = stream_make("F1UP", TOTAL);
	const uint8_t *p[] = { s, s + 2001234 };
	size_t l[] = { 2000000, TOTAL - 2001234 };
	struct stream_check *c = check(p, l, 2);

	(void)state;
	assert_int_equal(c->lost, 1234);
	assert_int_equal(c->duplicated + c->foreign, 0);
	assert_false(stream_check_mib_ok(c, 1));
	assert_true(stream_check_mib_ok(c, 0) && stream_check_mib_ok(c, 2));
	free(s);
}

/* Garbage in the middle, and the tail missing. */
static void test_foreign_and_short(void **state)
{
	static const uint8_t junk[] = "junk:junk:junk:junk:junk:junk:";
	uint8_t *s = stream_make("F1UP", TOTAL);
	const uint8_t *p[] = { s, junk, s + 500000 };
	size_t l[] = { 500000, sizeof(junk) - 1, TOTAL - 500000 - 10 };
	struct stream_check *c = check(p, l, 3);

	(void)state;
	assert_int_equal(c->foreign, sizeof(junk) - 1);
	assert_int_equal(c->lost, 10);
	assert_int_equal(c->duplicated, 0);
	free(s);
}

/*
 * A channel joined mid-stream (a frontend's new life, given what its old
 * life was being sent): two bytes, then bytes lost inside the same record,
 * before the checker first had its place.  Lost, not foreign.
 */
static void test_gap_before_first_header(void **state)
{
	uint8_t *s = stream_make("F1UP", TOTAL);
	const uint8_t *p[] = { s + 1000, s + 1009 };
	size_t l[] = { 2, TOTAL - 1009 };
	struct stream_check *c = check(p, l, 2);

	(void)state;
	assert_int_equal(c->duplicated + c->foreign, 0);
	assert_int_equal(c->lost, 1000 + 7);
	free(s);
}

/*
 * A new life that received only the tail of one record of its old life's
 * stream, deep in it (test_frontend_reset once got 39 bytes, the tail of
 * record 20279): no header places them, yet they are the stream's, not
 * foreign; letters that are no run of the stream stay foreign.
 */
static void test_tail_alone(void **state)
{
	static const uint8_t junk[] = "qqqqqqqqqqqqqqqqqqqq";
	uint8_t *s = stream_make("F1UP", TOTAL);
	const uint64_t at = 20279u * STREAM_REC + 25u;
	const uint8_t *p[] = { s + at };
	size_t l[] = { STREAM_REC - 25u };
	struct stream_check *c = check(p, l, 1);

	(void)state;
	assert_int_equal(c->foreign + c->duplicated, 0);
	assert_int_equal(c->delivered, STREAM_REC - 25u);
	assert_int_equal(c->lost, TOTAL - (STREAM_REC - 25u));
	p[0] = junk;
	l[0] = sizeof(junk) - 1;
	c = check(p, l, 1);
	assert_int_equal(c->foreign, sizeof(junk) - 1);
	free(s);
}

/* The first foreign run is kept as it came, for the report. */
static void test_foreign_shown(void **state)
{
	static const uint8_t junk[] = "\r\r\x03zz!";
	uint8_t *s = stream_make("F1UP", TOTAL);
	const uint8_t *p[] = { s, junk, s + 100000 };
	size_t l[] = { 100000, sizeof(junk) - 1, TOTAL - 100000 };
	struct stream_check *c = check(p, l, 3);

	(void)state;
	assert_int_equal(c->foreign, sizeof(junk) - 1);
	assert_int_equal(c->foreign_at, 100000);
	assert_int_equal(c->nshown, sizeof(junk) - 1);
	assert_memory_equal(c->shown, junk, sizeof(junk) - 1);
	assert_int_equal(c->lost + c->duplicated, 0);
	free(s);
}

/* Another stream's bytes (another frontend's data) are foreign, not ours. */
static void test_other_stream(void **state)
{
	uint8_t *s = stream_make("F2UP", TOTAL);
	const uint8_t *p[] = { s };
	size_t l[] = { TOTAL };
	struct stream_check *c = check(p, l, 1);

	(void)state;
	assert_true(c->foreign >= TOTAL - STREAM_REC);
	assert_true(c->lost >= TOTAL - STREAM_REC);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_resent_chain),
		cmocka_unit_test(test_lost_bytes),
		cmocka_unit_test(test_foreign_and_short),
		cmocka_unit_test(test_other_stream),
		cmocka_unit_test(test_gap_before_first_header),
		cmocka_unit_test(test_foreign_shown),
		cmocka_unit_test(test_tail_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
