/* SPDX-License-Identifier: MIT */
/*
 * The single epoll loop of a device model process.  Handlers are embedded in
 * the objects that own the file descriptors.  Nothing spins unless a poller
 * (struct el_poller) asks for it, and then only for as long as it says:
 * the uio transport watches its rings for a bounded while after work
 * (dm/transport/uio.c, docs/protocol.md "Polling").
 */
#ifndef DM_EVENT_LOOP_H
#define DM_EVENT_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct el_handler;
typedef void (*el_cb_t)(struct el_handler *h, uint32_t events);

struct el_handler {
	int fd;
	el_cb_t cb;
	uint32_t events; /* current epoll interest, 0 = not registered */
	bool added;
};

#define EL_MAX_POLLERS 4

/**
 * struct el_poller - work the loop looks for between its epoll rounds
 * @poll: called after every dispatch round, @dispatched = whether that
 *        round ran a handler; return true to be called again without the
 *        loop sleeping (epoll_wait() with a zero timeout), false to let it
 *        sleep.  It must bound its own polling.
 */
struct el_poller {
	bool (*poll)(struct el_poller *p, bool dispatched);
};

struct event_loop {
	int epfd;
	struct el_poller *pollers[EL_MAX_POLLERS];
	int wake_fd; /* eventfd: el_stop() from another thread */
	struct el_handler wake_h;
	bool stop; /* atomic: written by el_stop() from any thread */
};

/**
 * el_init() - create the epoll set and the wake-up eventfd
 * Return: 0 or a negative errno (nothing left open).
 */
int el_init(struct event_loop *loop);

/** el_fini() - close what el_init() opened; handlers must be removed first. */
void el_fini(struct event_loop *loop);

/** el_handler_init() - a handler for @fd, not yet in the loop (el_set()). */
void el_handler_init(struct el_handler *h, int fd, el_cb_t cb);

/**
 * el_set() - set the epoll interest of a handler
 * @events: EPOLLIN/EPOLLOUT/...; 0 removes the fd from the loop (needed for
 *          fds that report EPOLLHUP level-triggered, such as a closed pty).
 *
 * Return: 0 or a negative errno.
 */
int el_set(struct event_loop *loop, struct el_handler *h, uint32_t events);

/** el_run_once() - wait up to @timeout_ms (-1 forever) and dispatch. */
int el_run_once(struct event_loop *loop, int timeout_ms);

/**
 * el_add_poller() - have @p called after every dispatch round
 * Return: 0, or -ENOSPC with EL_MAX_POLLERS already registered.
 */
int el_add_poller(struct event_loop *loop, struct el_poller *p);

/** el_del_poller() - stop calling @p (not registered: nothing happens). */
void el_del_poller(struct event_loop *loop, const struct el_poller *p);

/** el_run() - dispatch until el_stop(). */
int el_run(struct event_loop *loop);

/** el_stop() - make el_run() return; safe from any thread. */
void el_stop(struct event_loop *loop);

#endif
