// SPDX-License-Identifier: MIT
/*
 * One epoll loop per process.  Level-triggered: a handler that cannot make
 * progress must drop its interest (el_set(.., 0)) instead of spinning.  A
 * poller that wants to look again keeps the loop from sleeping; each one
 * bounds that itself (dm/event_loop.h).
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "dm/event_loop.h"
#include "dm/log.h"

#define EL_MAX_EVENTS 64

void el_handler_init(struct el_handler *h, int fd, el_cb_t cb)
{
	h->fd = fd;
	h->cb = cb;
	h->events = 0;
	h->added = false;
}

static void el_wake_cb(struct el_handler *h, uint32_t events)
{
	uint64_t v;

	(void)events;
	if (read(h->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		dm_log("event loop: wake read: errno %d", errno);
}

int el_init(struct event_loop *loop)
{
	int err;

	__atomic_store_n(&loop->stop, false, __ATOMIC_RELAXED);
	memset(loop->pollers, 0, sizeof(loop->pollers));
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		return -errno;
	loop->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (loop->wake_fd < 0) {
		err = -errno;
		goto err_epoll;
	}
	el_handler_init(&loop->wake_h, loop->wake_fd, el_wake_cb);
	err = el_set(loop, &loop->wake_h, EPOLLIN);
	if (err)
		goto err_wake;
	return 0;
err_wake:
	close(loop->wake_fd);
err_epoll:
	/* close() may overwrite errno: report the failing call's error */
	close(loop->epfd);
	loop->epfd = loop->wake_fd = -1;
	return err;
}

void el_fini(struct event_loop *loop)
{
	close(loop->wake_fd);
	close(loop->epfd);
	loop->epfd = -1;
}

int el_set(struct event_loop *loop, struct el_handler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };
	int op;

	if (h->fd < 0)
		return -EBADF;
	if (!events) {
		if (h->added && epoll_ctl(loop->epfd, EPOLL_CTL_DEL, h->fd, NULL) < 0 &&
		    errno != ENOENT && errno != EBADF)
			return -errno;
		h->added = false;
		h->events = 0;
		return 0;
	}
	if (h->added && h->events == events)
		return 0;
	op = h->added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(loop->epfd, op, h->fd, &ev) < 0)
		return -errno;
	h->added = true;
	h->events = events;
	return 0;
}

int el_run_once(struct event_loop *loop, int timeout_ms)
{
	struct epoll_event evs[EL_MAX_EVENTS];
	int i, n;

	n = epoll_wait(loop->epfd, evs, EL_MAX_EVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		struct el_handler *h = evs[i].data.ptr;

		/* An earlier callback of this batch may have dropped it. */
		if (!h->added)
			continue;
		h->cb(h, evs[i].events);
	}
	return n;
}

int el_add_poller(struct event_loop *loop, struct el_poller *p)
{
	unsigned int i;

	for (i = 0; i < EL_MAX_POLLERS; i++) {
		if (!loop->pollers[i]) {
			loop->pollers[i] = p;
			return 0;
		}
	}
	return -ENOSPC;
}

void el_del_poller(struct event_loop *loop, const struct el_poller *p)
{
	unsigned int i;

	for (i = 0; i < EL_MAX_POLLERS; i++)
		if (loop->pollers[i] == p)
			loop->pollers[i] = NULL;
}

/* Every poller once.  Return: true if one of them wants to look again. */
static bool el_poll(struct event_loop *loop, bool dispatched)
{
	bool again = false;
	unsigned int i;

	for (i = 0; i < EL_MAX_POLLERS; i++)
		if (loop->pollers[i] && loop->pollers[i]->poll(loop->pollers[i], dispatched))
			again = true;
	return again;
}

int el_run(struct event_loop *loop)
{
	int timeout = -1;

	while (!__atomic_load_n(&loop->stop, __ATOMIC_ACQUIRE)) {
		int ret = el_run_once(loop, timeout);

		if (ret < 0)
			return ret;
		timeout = el_poll(loop, ret > 0) ? 0 : -1;
		/*
		 * Polling, give way to anything runnable on this CPU: the
		 * work our own writes queued here (a pty's flush to its
		 * reader runs in a kworker bound to the writer's CPU) would
		 * otherwise wait for the scheduler's tick.
		 */
		if (!timeout)
			sched_yield();
	}
	return 0;
}

void el_stop(struct event_loop *loop)
{
	uint64_t one = 1;

	/* a plain or volatile store would race with el_run() (C11 5.1.2.4) */
	__atomic_store_n(&loop->stop, true, __ATOMIC_RELEASE);
	if (write(loop->wake_fd, &one, sizeof(one)) < 0)
		dm_log("event loop: wake write: errno %d", errno);
}
