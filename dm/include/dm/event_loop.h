/* SPDX-License-Identifier: MIT */
/*
 * The single epoll loop of a device model process.  Handlers are embedded in
 * the objects that own the file descriptors; nothing is polled or spun.
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

struct event_loop {
	int epfd;
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

/** el_run() - dispatch until el_stop(). */
int el_run(struct event_loop *loop);

/** el_stop() - make el_run() return; safe from any thread. */
void el_stop(struct event_loop *loop);

#endif
