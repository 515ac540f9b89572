// SPDX-License-Identifier: MIT
/*
 * The pure parts behind a VM's restarts: the SBSA Generic Watchdog's
 * register model (hyp/core/sbsa_gwdt.c) and the restart limit with its
 * back-off (hyp/core/restart_limit.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "restart_limit.h"
#include "sbsa_gwdt.h"

static uint64_t rd(struct sbsa_gwdt *w, enum sbsa_gwdt_frame f, uint64_t off, unsigned int size)
{
	uint64_t v = 0xdead;

	assert_int_equal(sbsa_gwdt_access(w, f, off, size, false, &v, 0), 0);
	return v;
}

static void wr(struct sbsa_gwdt *w, enum sbsa_gwdt_frame f, uint64_t off, uint64_t v, uint64_t now)
{
	assert_int_equal(sbsa_gwdt_access(w, f, off, 4, true, &v, now), 0);
}

/* Linux's sbsa_gwdt with action=0: WOR = timeout / 2, WCS = EN, WRR pings */
static void test_linux_sequence(void **state)
{
	struct sbsa_gwdt w = { 0 };

	(void)state;
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_W_IIDR, 4) >> 16 & 0xf, 1);
	assert_int_equal(rd(&w, SBSA_GWDT_REFRESH, SBSA_GWDT_W_IIDR, 4), SBSA_GWDT_IIDR_VALUE);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, 4), 0);
	/* lo_hi_writeq(WOR): low half, then high half; each refreshes */
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WOR, 500, 1000);
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WOR_HI, 0, 1000);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WOR, 8), 500);
	assert_int_equal(sbsa_gwdt_deadline(&w), UINT64_MAX); /* not enabled */
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, SBSA_GWDT_WCS_EN, 2000);
	assert_int_equal(sbsa_gwdt_deadline(&w), 2500);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCV, 4), 2500);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCV_HI, 4), 0);
	/* pings in time: never a signal */
	assert_int_equal(sbsa_gwdt_check(&w, 2499), SBSA_GWDT_NONE);
	wr(&w, SBSA_GWDT_REFRESH, SBSA_GWDT_WRR, 0, 2400);
	assert_int_equal(sbsa_gwdt_deadline(&w), 2900);
	assert_int_equal(sbsa_gwdt_check(&w, 2600), SBSA_GWDT_NONE);
	/* missed: WS0 at WCV, WCV moves on by WOR, WS1 there */
	assert_int_equal(sbsa_gwdt_check(&w, 2905), SBSA_GWDT_RAISED_WS0);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, 4),
			 SBSA_GWDT_WCS_EN | SBSA_GWDT_WCS_WS0);
	assert_int_equal(sbsa_gwdt_deadline(&w), 3400);
	assert_int_equal(sbsa_gwdt_check(&w, 3000), SBSA_GWDT_NONE);
	assert_int_equal(sbsa_gwdt_check(&w, 3400), SBSA_GWDT_RAISED_WS1);
	assert_int_equal(sbsa_gwdt_deadline(&w), UINT64_MAX);
	assert_int_equal(sbsa_gwdt_check(&w, 9000), SBSA_GWDT_NONE);
}

static void test_refresh_after_ws0_clears_it(void **state)
{
	struct sbsa_gwdt w = { 0 };

	(void)state;
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WOR, 100, 0);
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, SBSA_GWDT_WCS_EN, 0);
	assert_int_equal(sbsa_gwdt_check(&w, 150), SBSA_GWDT_RAISED_WS0);
	wr(&w, SBSA_GWDT_REFRESH, SBSA_GWDT_WRR, 0, 160);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, 4), SBSA_GWDT_WCS_EN);
	assert_int_equal(sbsa_gwdt_deadline(&w), 260);
	assert_int_equal(sbsa_gwdt_check(&w, 250), SBSA_GWDT_NONE);
}

/* Noticed late (a guest's pCPU held up): both stages at once. */
static void test_late_check_raises_ws1(void **state)
{
	struct sbsa_gwdt w = { 0 };

	(void)state;
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WOR, 100, 0);
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, SBSA_GWDT_WCS_EN, 0);
	assert_int_equal(sbsa_gwdt_check(&w, 250), SBSA_GWDT_RAISED_WS1);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, 4),
			 SBSA_GWDT_WCS_EN | SBSA_GWDT_WCS_WS0 | SBSA_GWDT_WCS_WS1);
}

static void test_disable_and_wcv(void **state)
{
	struct sbsa_gwdt w = { 0 };
	uint64_t v = 0x123456789abcull;

	(void)state;
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WOR, 100, 0);
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, SBSA_GWDT_WCS_EN, 0);
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, 0, 50);
	assert_int_equal(sbsa_gwdt_check(&w, 1000), SBSA_GWDT_NONE);
	/* WCV written directly: no refresh, 64-bit access allowed */
	assert_int_equal(sbsa_gwdt_access(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCV, 8, true, &v, 0), 0);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCV_HI, 4), 0x1234);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCV, 4), 0x56789abc);
	/* WOR is 48 bits */
	v = ~0ull;
	assert_int_equal(sbsa_gwdt_access(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WOR, 8, true, &v, 0), 0);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WOR, 8), SBSA_GWDT_WOR_MASK);
	/* a refresh near the top of the counter saturates */
	wr(&w, SBSA_GWDT_REFRESH, SBSA_GWDT_WRR, 0, UINT64_MAX - 5);
	assert_true(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCV, 8) == UINT64_MAX);
}

/* Whatever a guest does: RAZ/WI, or -EINVAL for a size the frames lack. */
static void test_hostile_accesses(void **state)
{
	struct sbsa_gwdt w = { 0 };
	uint64_t v = 0xffffffff;

	(void)state;
	assert_int_equal(sbsa_gwdt_access(&w, SBSA_GWDT_CONTROL, 0, 1, true, &v, 0), -EINVAL);
	assert_int_equal(sbsa_gwdt_access(&w, SBSA_GWDT_CONTROL, 2, 4, false, &v, 0), -EINVAL);
	assert_int_equal(sbsa_gwdt_access(&w, SBSA_GWDT_CONTROL, 0, 8, false, &v, 0), -EINVAL);
	assert_int_equal(sbsa_gwdt_access(&w, SBSA_GWDT_REFRESH, 8, 8, false, &v, 0), -EINVAL);
	assert_int_equal(sbsa_gwdt_access(&w, SBSA_GWDT_CONTROL, 0x1000, 4, false, &v, 0), -EINVAL);
	assert_int_equal(sbsa_gwdt_access(&w, SBSA_GWDT_CONTROL, 0x14, 8, false, &v, 0), -EINVAL);
	/* read-only and absent registers */
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, 0xffffffff, 0);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, 4), SBSA_GWDT_WCS_EN);
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_W_IIDR, 0, 0);
	wr(&w, SBSA_GWDT_CONTROL, 0x800, 0x55, 0);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, 0x800, 4), 0);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_W_IIDR, 4), SBSA_GWDT_IIDR_VALUE);
	assert_int_equal(rd(&w, SBSA_GWDT_REFRESH, SBSA_GWDT_WRR, 4), 0);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, 0x4, 4), 0);
}

static void test_reset_keeps_ws1_until_refresh(void **state)
{
	struct sbsa_gwdt w = { 0 };

	(void)state;
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WOR, 10, 0);
	wr(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, SBSA_GWDT_WCS_EN, 0);
	assert_int_equal(sbsa_gwdt_check(&w, 100), SBSA_GWDT_RAISED_WS1);
	sbsa_gwdt_reset(&w);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, 4), SBSA_GWDT_WCS_WS1);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WOR, 8), 0);
	assert_int_equal(sbsa_gwdt_deadline(&w), UINT64_MAX);
	wr(&w, SBSA_GWDT_REFRESH, SBSA_GWDT_WRR, 0, 200);
	assert_int_equal(rd(&w, SBSA_GWDT_CONTROL, SBSA_GWDT_WCS, 4), 0);
}

static void test_restart_limit(void **state)
{
	struct restart_limit l = { 0 };

	(void)state;
	/* 3 restarts within 1000 ticks, the fourth refused */
	assert_int_equal(restart_limit_take(&l, 100, 1000, 3), 1);
	assert_int_equal(restart_limit_take(&l, 200, 1000, 3), 2);
	assert_int_equal(restart_limit_take(&l, 300, 1000, 3), 3);
	assert_int_equal(restart_limit_take(&l, 400, 1000, 3), -EBUSY);
	assert_int_equal(l.n, 3);
	/* the first falls out of the window at 1100 */
	assert_int_equal(restart_limit_take(&l, 1099, 1000, 3), -EBUSY);
	assert_int_equal(restart_limit_take(&l, 1100, 1000, 3), 3);
	/* long quiet: a fresh window */
	assert_int_equal(restart_limit_take(&l, 100000, 1000, 3), 1);
	/* a max above what it remembers is clamped, a corrupt count reset */
	l.n = 1000;
	assert_int_equal(restart_limit_take(&l, 200000, 1000, 100), 1);
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(restart_backoff_ms(0, 5), 0);
	assert_int_equal(restart_backoff_ms(100, 1), 100);
	assert_int_equal(restart_backoff_ms(100, 2), 200);
	assert_int_equal(restart_backoff_ms(100, 4), 800);
	assert_int_equal(restart_backoff_ms(BH_RESTART_DELAY_MS_MAX, BH_RESTART_MAX_LIMIT),
			 BH_RESTART_BACKOFF_MS_MAX);
	/* 1 ms doubled 39 times, capped */
	assert_int_equal(restart_backoff_ms(1, 40), BH_RESTART_BACKOFF_MS_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_sequence),
		cmocka_unit_test(test_refresh_after_ws0_clears_it),
		cmocka_unit_test(test_late_check_raises_ws1),
		cmocka_unit_test(test_disable_and_wcv),
		cmocka_unit_test(test_hostile_accesses),
		cmocka_unit_test(test_reset_keeps_ws1_until_refresh),
		cmocka_unit_test(test_restart_limit),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests_name("hyp_watchdog", tests, NULL, NULL);
}
