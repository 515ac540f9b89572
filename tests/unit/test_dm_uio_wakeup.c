// SPDX-License-Identifier: MIT
/*
 * No lost wake-up between the hypervisor and the real uio transport
 * (dm/transport/uio.c, built with UIO_TEST_HOOKS: dm/uio_hooks.h).
 *
 * The model runs its event loop on a thread of its own; the test's thread
 * is the hypervisor (dm_uio_hv.h).  They never run at once: the model stops
 * before each step of its side of the handshake of docs/protocol.md
 * "Polling" (a load of req_prod, a store to polling, the barrier, going to
 * sleep) and hands the turn to the hypervisor, which acts there if the plan
 * says so, then hands it back.  The hypervisor's trap path is split in two
 * steps as well: A1 (the request and req_prod stored) and A3 (full barrier,
 * load polling, the backend interrupt unless the model polls).
 *
 * Every plan (A1 before model step i, A3 before model step j >= i, over
 * every step of a polling round and its way out) runs on a fresh model and
 * must end with the request answered.  The model's store to polling stays
 * in a store buffer (invisible to the hypervisor, seen by its own loads)
 * until its barrier or its sleep: the reordering Arm allows (Arm ARM B2.3),
 * which a missing barrier would expose.  Its clock moves 1 us per reading,
 * so that a plan runs the same way every time, under any load.
 *
 * A lost wake-up is seen exactly, not by a timeout: the model about to
 * sleep with a request it has not answered and no event ready on its epoll
 * set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <sys/epoll.h>

#include "dm/console.h"
#include "dm/event_loop.h"
#include "dm/log.h"
#include "dm/transport.h"
#include "dm/uio_hooks.h"
#include "dm_uio_hv.h"

#define WK_BASE	      0x20000000ULL
#define WK_SIZE	      (1ULL << 20)
#define WK_MAGIC      0x74726976u /* virtio v1.2 §4.2.2 MagicValue "virt" */
#define WK_NEVER      ~0u
#define WK_MAX_POINTS 10000u /* steps in one plan: more means a model that never sleeps */
#define WK_TICK_NS    4000u  /* the model's clock per reading: 4 looks in a 16 us round */

enum wk_kind { WK_LOAD, WK_STORE, WK_BARRIER, WK_SLEEP };

static const char *const wk_kind_name[] = { "load req_prod", "store polling", "barrier", "sleep" };

/* How the plan's request was found (for the summary). */
enum wk_path {
	WK_SPI,	    /* A3 saw the model not polling: the interrupt woke it */
	WK_POLLED,  /* no interrupt: a look while polling found it */
	WK_RECHECK, /* no interrupt: only the look after the flag went down found it */
	WK_PATHS,
};

/* The one schedule both threads follow (hooks are plain functions: global). */
static struct wk_sched {
	pthread_mutex_t m;
	pthread_cond_t c;
	bool active;  /* the model stops at its steps */
	bool hv_turn; /* the model waits at step @n for the hypervisor */
	enum wk_kind kind;
	unsigned int n;	 /* steps since the first request */
	uint64_t clock;	 /* the model's uio_counter(), ns */
	uint32_t *sb_at; /* the model's store buffer: one pending store */
	uint32_t sb_val;
	unsigned int sb_age, sb_hold; /* steps it has stayed, may stay (WK_NEVER: to a barrier) */
	struct bh_rio_ctrl *ctrl;     /* the hypervisor's map of it */
	/* the plan */
	unsigned int a1, a3;
	bool pushed, signalled, polled;
	uint32_t seq;	      /* the plan's request */
	bool found;	      /* a load of the model returned req_prod past it */
	bool found_unflagged; /* ... while polling read 0 in memory */
	/* the outcome */
	enum wk_kind step[WK_MAX_POINTS + 2]; /* what the model was about to do at each */
	bool lost;
	unsigned int lost_at;
} wk = { .m = PTHREAD_MUTEX_INITIALIZER, .c = PTHREAD_COND_INITIALIZER };

static void wk_sb_drain(void)
{
	if (wk.sb_at)
		__atomic_store_n(wk.sb_at, wk.sb_val, __ATOMIC_RELAXED);
	wk.sb_at = NULL;
}

/* The model, before a step: the hypervisor's turn, then ours again. */
static void wk_point(enum wk_kind k)
{
	pthread_mutex_lock(&wk.m);
	if (wk.active) {
		wk.kind = k;
		wk.hv_turn = true;
		pthread_cond_broadcast(&wk.c);
		while (wk.hv_turn)
			pthread_cond_wait(&wk.c, &wk.m);
		/* the store became visible during that turn, or stays a while */
		if (wk.sb_at && wk.sb_age++ >= wk.sb_hold)
			wk_sb_drain();
	}
	pthread_mutex_unlock(&wk.m);
}

uint32_t uio_hook_load(const uint32_t *p)
{
	uint32_t v;

	wk_point(WK_LOAD);
	pthread_mutex_lock(&wk.m);
	v = wk.sb_at == p ? wk.sb_val : __atomic_load_n(p, __ATOMIC_ACQUIRE);
	if (wk.pushed && !wk.found && v - wk.seq - 1 < 0x80000000u) {
		wk.found = true;
		/* memory, not our buffer: what the hypervisor sees */
		wk.found_unflagged =
			__atomic_load_n(&wk.ctrl->polling, __ATOMIC_RELAXED) != BH_RIO_POLLING;
	}
	pthread_mutex_unlock(&wk.m);
	return v;
}

void uio_hook_store(uint32_t *p, uint32_t v)
{
	wk_point(WK_STORE);
	pthread_mutex_lock(&wk.m);
	if (wk.sb_at != p)
		wk_sb_drain(); /* stores leave the buffer in order */
	wk.sb_at = p;
	wk.sb_val = v;
	wk.sb_age = 0;
	pthread_mutex_unlock(&wk.m);
}

void uio_hook_barrier(void)
{
	wk_point(WK_BARRIER);
	pthread_mutex_lock(&wk.m);
	wk_sb_drain();
	pthread_mutex_unlock(&wk.m);
}

uint64_t uio_hook_counter(void)
{
	uint64_t t;

	pthread_mutex_lock(&wk.m);
	wk.clock += WK_TICK_NS;
	t = wk.clock;
	pthread_mutex_unlock(&wk.m);
	return t;
}

/* ---- a model: the real transport, one console, its loop on a thread ------ */

struct wk_model {
	struct hvm hv;
	struct hvm_dev *d;
	struct event_loop loop;
	struct dm_transport *t;
	struct virtio_console *con;
	pthread_t thread;
};

/* el_run(), with a stop before each sleep (the hypervisor may act there). */
static void *wk_model_main(void *arg)
{
	struct wk_model *w = arg;
	struct el_poller *p = w->loop.pollers[0];
	int timeout = -1;

	while (!__atomic_load_n(&w->loop.stop, __ATOMIC_ACQUIRE)) {
		int n;

		if (timeout < 0)
			wk_point(WK_SLEEP);
		n = el_run_once(&w->loop, timeout);
		if (n < 0)
			break;
		timeout = p->poll(p, n > 0) ? 0 : -1;
	}
	return NULL;
}

static void wk_model_start(struct wk_model *w)
{
	struct transport_opts to = { .type = "uio", .id = "u0", .fd = -1 };
	struct console_opts co = { .id = "wk0", .max_ports = 1, .access_platform = true };
	char err[256];

	memset(w, 0, sizeof(*w));
	assert_int_equal(hvm_init(&w->hv), 0);
	w->d = hvm_add(&w->hv, "wk0", WK_BASE, WK_SIZE);
	assert_non_null(w->d);
	assert_int_equal(el_init(&w->loop), 0);
	snprintf(to.root, sizeof(to.root), "%s", w->hv.root);
	w->t = uio_transport_new(&w->loop, &to, err, sizeof(err));
	assert_non_null(w->t);
	assert_int_equal(w->loop.pollers[0] != NULL, 1);
	w->con = console_new(&co);
	assert_non_null(w->con);
	if (transport_attach_named(w->t, 0, console_mmio(w->con), "wk0", err, sizeof(err)))
		fail_msg("attach: %s", err);
	assert_int_equal(pthread_create(&w->thread, NULL, wk_model_main, w), 0);
}

static void wk_model_stop(struct wk_model *w)
{
	el_stop(&w->loop);
	pthread_join(w->thread, NULL);
	transport_free(w->t);
	console_free(w->con);
	el_fini(&w->loop);
	hvm_fini(&w->hv);
}

/* ---- the hypervisor's side ------------------------------------------------ */

static bool wk_model_wakes(struct wk_model *w)
{
	struct epoll_event ev[4];

	/* level-triggered: looking consumes nothing */
	return epoll_wait(w->loop.epfd, ev, 4, 0) > 0;
}

static bool wk_unanswered(const struct wk_model *w)
{
	return __atomic_load_n(&w->d->ctrl->resp_prod, __ATOMIC_ACQUIRE) != w->d->req_prod;
}

/*
 * The hypervisor's turn at the model's step wk.n (lock held).  Return:
 * true when the plan is over (answered, or lost).
 */
static bool wk_hv_step(struct wk_model *w, bool started)
{
	/* the model's doorbells and re-arms, which trap synchronously */
	hvm_db(w->d);
	if (!started)
		return false;
	if (wk.n == wk.a1 && !wk.pushed) {
		wk.seq = hvm_push(w->d, VIRTIO_MMIO_MAGIC_VALUE, 0, BH_RIO_READ, 4);
		wk.pushed = true;
	}
	if (wk.pushed && !wk.signalled && (wk.n >= wk.a3 || wk.kind == WK_SLEEP)) {
		wk.polled = hvm_signal(w->d);
		wk.signalled = true;
	}
	if (wk.kind != WK_SLEEP)
		return false;
	/* the model goes to sleep: what it stored becomes visible meanwhile */
	wk_sb_drain();
	hvm_db(w->d);
	if (wk_unanswered(w)) {
		if (wk_model_wakes(w))
			return false;
		wk.lost = true;
		wk.lost_at = wk.n;
		return true;
	}
	/* a plan without a request (WK_NEVER) ends at the first sleep after R0 */
	return wk.pushed || wk.a1 == WK_NEVER;
}

static const char *wk_hold_name(unsigned int hold)
{
	static char buf[16];

	if (hold == WK_NEVER)
		return "until a barrier or sleep,";
	snprintf(buf, sizeof(buf), "%u", hold);
	return buf;
}

/*
 * One plan on a fresh model: R0 (a read, published whole while the model
 * sleeps) starts a polling round; the plan's read R1 is pushed before the
 * model's step @a1 and signalled before its step @a3 (counted from R0).
 * Return: the number of steps the model made.
 */
static unsigned int wk_run(unsigned int hold, unsigned int a1, unsigned int a3, enum wk_path *path)
{
	struct wk_model w;
	bool started = false, over = false;
	unsigned int steps;

	pthread_mutex_lock(&wk.m);
	wk.active = true;
	wk.hv_turn = false;
	wk.n = 0;
	wk.clock = 1000000000000ULL;
	wk.sb_at = NULL;
	wk.sb_hold = hold;
	wk.a1 = a1;
	wk.a3 = a3;
	wk.pushed = wk.signalled = wk.polled = wk.found = wk.found_unflagged = false;
	wk.lost = false;
	pthread_mutex_unlock(&wk.m);

	wk_model_start(&w);
	pthread_mutex_lock(&wk.m);
	wk.ctrl = w.d->ctrl;
	while (!over) {
		while (!wk.hv_turn)
			pthread_cond_wait(&wk.c, &wk.m);
		if (!started && wk.kind == WK_SLEEP && (hvm_db(w.d), !wk_model_wakes(&w))) {
			/* attached and asleep: R0, the whole trap path */
			hvm_publish(w.d, VIRTIO_MMIO_MAGIC_VALUE, 0, BH_RIO_READ, 4);
			started = true;
			wk.n = 0;
		} else {
			wk.n += started;
			if (wk.n > WK_MAX_POINTS)
				fail_msg("plan %u/%u: the model never sleeps", a1, a3);
			wk.step[wk.n] = wk.kind;
			over = wk_hv_step(&w, started);
		}
		if (over)
			wk.active = false;
		wk.hv_turn = false;
		pthread_cond_broadcast(&wk.c);
	}
	steps = wk.n;
	pthread_mutex_unlock(&wk.m);

	if (wk.lost)
		fail_msg("lost wake-up: R1 pushed before the model's step %u (%s), signalled "
			 "before step %u (%s), stores held %s steps; the model went to sleep at "
			 "step "
			 "%u with it unanswered and nothing to wake it (the hypervisor saw "
			 "polling %s)",
			 a1, wk_kind_name[wk.step[a1]], a3,
			 wk_kind_name[wk.step[a3 < wk.lost_at ? a3 : wk.lost_at]],
			 wk_hold_name(hold), wk.lost_at, wk.polled ? "set" : "clear");
	if (a1 != WK_NEVER) {
		/* answered, and right */
		assert_int_equal(w.d->req_done, w.d->req_prod);
		assert_int_equal(w.d->ctrl->resp[wk.seq % BH_RIO_RING_SIZE], WK_MAGIC);
		assert_int_equal(w.d->cnt.rejected, 0);
		*path = !wk.polled ? WK_SPI : wk.found_unflagged ? WK_RECHECK : WK_POLLED;
	}
	wk_model_stop(&w);
	return steps;
}

/* Every plan over R0's round, the model's stores held @hold steps. */
static void wk_all_plans(unsigned int hold, unsigned int total[WK_PATHS])
{
	unsigned int n, a1, a3, plans = 0, paths[WK_PATHS] = { 0 }, k;
	enum wk_path path = WK_SPI;

	/* the steps of R0's polling round and its way out, without R1 */
	n = wk_run(hold, WK_NEVER, WK_NEVER, &path);
	assert_true(n >= 8); /* a round of looks, flag down, barrier, re-check, sleep */
	dm_log_set_quiet(1); /* the model's attach line, once per plan */
	for (a1 = 1; a1 <= n; a1++) {
		for (a3 = a1; a3 <= n; a3++) {
			wk_run(hold, a1, a3, &path);
			paths[path]++;
			plans++;
		}
	}
	dm_log_set_quiet(0);
	print_message("# stores held %s steps: %u steps in R0's round, %u plans: %u woken by "
		      "the interrupt, %u found by polling, %u only by the look after the flag "
		      "went down\n",
		      wk_hold_name(hold), n, plans, paths[WK_SPI], paths[WK_POLLED],
		      paths[WK_RECHECK]);
	for (k = 0; k < WK_PATHS; k++)
		total[k] += paths[k];
}

static void test_no_lost_wakeup_any_interleaving(void **state)
{
	/* from visible at the next step to visible only at a barrier or a sleep */
	static const unsigned int hold[] = { 0, 1, 2, 3, 4, 6, WK_NEVER };
	unsigned int paths[WK_PATHS] = { 0 }, i;

	(void)state;
	for (i = 0; i < sizeof(hold) / sizeof(hold[0]); i++)
		wk_all_plans(hold[i], paths);
	/* each way out of the race was taken, not just the easy ones */
	assert_true(paths[WK_SPI] > 0);
	assert_true(paths[WK_POLLED] > 0);
	assert_true(paths[WK_RECHECK] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_lost_wakeup_any_interleaving),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
