// SPDX-License-Identifier: MIT
/* Core objects of the device model: window, rate limiter, event loop, fairness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "dm/event_loop.h"
#include "dm/fair.h"
#include "dm/log.h"
#include "dm/window.h"

static void test_window_bounds(void **state)
{
	static uint8_t mem[4096];
	struct dm_window w;

	(void)state;
	window_init(&w, 0x20000000ULL, sizeof(mem), mem);
	assert_ptr_equal(window_ptr(&w, 0x20000000ULL, 4096), mem);
	assert_ptr_equal(window_ptr(&w, 0x20000fffULL, 1), mem + 4095);
	assert_ptr_equal(window_ptr(&w, 0x20001000ULL, 0), mem + 4096);
	assert_null(window_ptr(&w, 0x20001000ULL, 1));		/* past end */
	assert_null(window_ptr(&w, 0x20000000ULL, 4097));	/* too long */
	assert_null(window_ptr(&w, 0x1fffffffULL, 1));		/* below */
	assert_null(window_ptr(&w, 0x20000001ULL, UINT64_MAX)); /* wraps */
	assert_null(window_ptr(&w, UINT64_MAX, 2));
	assert_null(window_ptr(NULL, 0x20000000ULL, 1));
	window_init(&w, 0x20000000ULL, sizeof(mem), NULL); /* unmapped */
	assert_null(window_ptr(&w, 0x20000000ULL, 0));
}

static void test_ratelimit(void **state)
{
	struct dm_ratelimit rl;
	int i;

	(void)state;
	dm_log_set_quiet(1);
	dm_ratelimit_init(&rl);
	for (i = 0; i < 100; i++)
		dm_log_rl(&rl, "event %d", i);
	assert_int_equal(rl.total, 100);
	assert_int_equal(rl.printed, DM_RL_BURST);
	assert_int_equal(rl.suppressed, 100 - DM_RL_BURST);
	/* a new interval reports the suppressed lines and starts over */
	rl.begin_ns -= DM_RL_INTERVAL_NS;
	dm_log_rl(&rl, "later");
	assert_int_equal(rl.printed, 1);
	assert_int_equal(rl.suppressed, 0);
	dm_log_set_quiet(0);
}

struct pipe_h {
	struct el_handler h;
	int calls;
};

static void pipe_cb(struct el_handler *h, uint32_t events)
{
	char c;

	(void)events;
	((struct pipe_h *)h)->calls++;
	assert_int_equal(read(h->fd, &c, 1), 1);
}

static void *stopper(void *arg)
{
	usleep(50000);
	el_stop(arg);
	return NULL;
}

static void test_event_loop(void **state)
{
	struct event_loop loop;
	struct pipe_h ph;
	pthread_t t;
	int p[2];

	(void)state;
	assert_int_equal(el_init(&loop), 0);
	assert_int_equal(pipe(p), 0);
	el_handler_init(&ph.h, p[0], pipe_cb);
	ph.calls = 0;
	assert_int_equal(el_set(&loop, &ph.h, EPOLLIN), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(el_run_once(&loop, 1000), 1);
	assert_int_equal(ph.calls, 1);
	/* interest 0 removes the fd: ready input no longer dispatches */
	assert_int_equal(el_set(&loop, &ph.h, 0), 0);
	assert_int_equal(write(p[1], "y", 1), 1);
	assert_int_equal(el_run_once(&loop, 50), 0);
	assert_int_equal(ph.calls, 1);
	/* el_stop() from another thread ends el_run() */
	assert_int_equal(pthread_create(&t, NULL, stopper, &loop), 0);
	assert_int_equal(el_run(&loop), 0);
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
	el_fini(&loop);
}

#define FQ	 (64 * 1024)
#define FIDLE_NS 50000000ull /* 50 ms */
#define MS	 1000000ull

/*
 * Both directions of a console at once, as the device model sees them: the
 * driver sends one 2 KiB chunk per millisecond, the chardev always has data
 * and each receive step takes one 4 KiB buffer whenever fair_may() allows.
 * Before the fairness rule receive took everything it was offered.
 */
static void fair_run(struct dm_fair *f, uint64_t *now, unsigned int ms, uint64_t *tx, uint64_t *rx)
{
	unsigned int i, j;

	for (i = 0; i < ms; i++) {
		*now += MS;
		fair_account(f, FAIR_TX, 2048, *now);
		*tx += 2048;
		/* the chardev could fill 16 buffers each millisecond */
		for (j = 0; j < 16 && fair_may(f, FAIR_RX, *now); j++) {
			fair_account(f, FAIR_RX, 4096, *now);
			*rx += 4096;
		}
	}
}

static void test_fair_both_busy(void **state)
{
	struct dm_fair f;
	uint64_t now = 1000 * MS, tx = 0, rx = 0;

	(void)state;
	fair_init(&f, FQ, FIDLE_NS);
	fair_run(&f, &now, 2000, &tx, &rx);
	/* neither more than a quantum and one buffer ahead: byte-fair */
	assert_true(rx <= tx + FQ + 4096);
	assert_true(tx <= rx + FQ + 4096);
	/* each at least 45 % of what both moved */
	assert_true(20 * tx >= 9 * (tx + rx));
	assert_true(20 * rx >= 9 * (tx + rx));
}

static void test_fair_alone_unlimited(void **state)
{
	struct dm_fair f;
	uint64_t now = 1000 * MS;
	unsigned int i;

	(void)state;
	fair_init(&f, FQ, FIDLE_NS);
	/* receive alone, 100 MiB: never held, and it banks no claim */
	for (i = 0; i < 25600; i++) {
		assert_true(fair_may(&f, FAIR_RX, now));
		fair_account(&f, FAIR_RX, 4096, now);
		now += 10000;
	}
	assert_int_equal(f.lead, FQ);
	/* transmit starts once receive is idle: what receive moved alone holds it not */
	now += FIDLE_NS;
	for (i = 0; i < 1000; i++) {
		assert_true(fair_may(&f, FAIR_TX, now));
		fair_account(&f, FAIR_TX, 2048, now);
		now += 10000;
	}
	/* and transmit alone earned receive one quantum of credit, no more */
	assert_int_equal(f.lead, -FQ);
	assert_true(fair_may(&f, FAIR_RX, now));
}

static void test_fair_no_banking(void **state)
{
	struct dm_fair f;
	uint64_t now = 1000 * MS, rx = 0;

	(void)state;
	fair_init(&f, FQ, FIDLE_NS);
	/* transmit alone for a long time (10 MiB) ... */
	while (now < 1000 * MS + 5120 * MS / 10) {
		fair_account(&f, FAIR_TX, 2048, now);
		now += MS / 10;
	}
	/* ... then receive, transmit still busy: two quanta at most, then held */
	while (fair_may(&f, FAIR_RX, now)) {
		fair_account(&f, FAIR_RX, 4096, now);
		rx += 4096;
		assert_true(rx <= 2 * FQ + 4096);
	}
	assert_true(rx >= 2 * FQ);
}

static void test_fair_release_when_idle(void **state)
{
	struct dm_fair f;
	uint64_t now = 1000 * MS, last_tx;

	(void)state;
	fair_init(&f, FQ, FIDLE_NS);
	fair_account(&f, FAIR_TX, 2048, now);
	last_tx = now;
	while (fair_may(&f, FAIR_RX, now))
		fair_account(&f, FAIR_RX, 4096, now);
	/* held, and it says until when: the last transmit plus the idle time */
	assert_int_equal(fair_release_ns(&f, FAIR_RX, now), last_tx + FIDLE_NS);
	assert_false(fair_may(&f, FAIR_RX, last_tx + FIDLE_NS - 1));
	assert_true(fair_may(&f, FAIR_RX, last_tx + FIDLE_NS));
	assert_int_equal(fair_release_ns(&f, FAIR_RX, last_tx + FIDLE_NS), last_tx + FIDLE_NS);
	/* transmit moving again lets it go at once, before the idle time */
	fair_account(&f, FAIR_TX, FQ, now + MS);
	assert_true(fair_may(&f, FAIR_RX, now + MS));
	/* the rule is the same the other way round */
	fair_init(&f, FQ, FIDLE_NS);
	fair_account(&f, FAIR_RX, 1, now);
	fair_account(&f, FAIR_TX, FQ + 1, now);
	assert_false(fair_may(&f, FAIR_TX, now));
	assert_true(fair_may(&f, FAIR_RX, now));
	/* a huge step (a hostile length) stays bounded */
	fair_account(&f, FAIR_TX, SIZE_MAX, now);
	assert_true(f.lead >= -2 * FQ);
	fair_account(&f, FAIR_RX, 2 * FQ, now);
	assert_true(fair_may(&f, FAIR_TX, now));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_bounds),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_event_loop),
		cmocka_unit_test(test_fair_both_busy),
		cmocka_unit_test(test_fair_alone_unlimited),
		cmocka_unit_test(test_fair_no_banking),
		cmocka_unit_test(test_fair_release_when_idle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
