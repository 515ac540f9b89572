// SPDX-License-Identifier: MIT
/* Core objects of the device model: window, rate limiter, event loop. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_bounds),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_event_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
