// SPDX-License-Identifier: MIT
/*
 * pty backend.  Prints "char device redirected to /dev/pts/N (label ID)" on
 * stdout as QEMU 7.2 does.
 *
 * Connection tracking without polling: QEMU re-checks the master for POLLHUP
 * on a timer.  Here inotify reports IN_OPEN of the slave (someone connected)
 * and EPOLLHUP on the master reports the last slave close.  While nobody is
 * connected, output is dropped so the guest's TX never stalls, and the master
 * is out of the epoll set (its HUP is level-triggered).
 *
 * Kernels without CONFIG_INOTIFY_USER: fall back to QEMU's method, a timer
 * (PTY_POLL_MS) that checks the master for POLLHUP, armed only while nobody
 * is connected.  BULKHEAD_DM_PTY_POLL=1 in the environment forces the
 * fallback (tests).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>

#include "dm/chardev.h"

struct chardev_pty {
	struct chardev cd; /* first: chardev_free() frees it */
	int master;
	int inotify_fd;
	struct el_handler ino_h;
	int timer_fd; /* fallback without inotify, or -1 */
	struct el_handler timer_h;
};

#define PTY_POLL_MS 200

static struct chardev_pty *to_pty(struct chardev *cd)
{
	return (struct chardev_pty *)cd;
}

static void pty_timer_arm(struct chardev_pty *p, bool on)
{
	struct itimerspec its = { 0 };

	if (p->timer_fd < 0)
		return;
	if (on) {
		its.it_value.tv_nsec = PTY_POLL_MS * 1000000L;
		its.it_interval = its.it_value;
	}
	timerfd_settime(p->timer_fd, 0, &its, NULL);
}

static void pty_disconnect(struct chardev *cd)
{
	/* Keep the master: the next opener of the slave reconnects. */
	chardev_set_connected(cd, false);
	pty_timer_arm(to_pty(cd), true);
}

/* Fallback: no HUP on the master any more means a slave is open. */
static void pty_timer_cb(struct el_handler *h, uint32_t events)
{
	struct chardev_pty *p =
		(struct chardev_pty *)((char *)h - offsetof(struct chardev_pty, timer_h));
	struct pollfd pfd = { .fd = p->master, .events = POLLIN };
	uint64_t ticks;

	(void)events;
	if (read(p->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	if (p->cd.connected || poll(&pfd, 1, 0) < 0)
		return;
	/*
	 * No HUP: a slave is open.  Input pending despite a HUP: a writer
	 * came and went between two ticks; take its bytes too.
	 */
	if ((pfd.revents & POLLHUP) && !(pfd.revents & POLLIN))
		return;
	pty_timer_arm(p, false);
	chardev_set_connected(&p->cd, true);
}

static int pty_timer_init(struct chardev_pty *p)
{
	p->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (p->timer_fd < 0)
		return -errno;
	p->timer_h.fd = p->timer_fd;
	if (el_set(p->cd.loop, &p->timer_h, EPOLLIN))
		return -EIO;
	pty_timer_arm(p, true);
	return 0;
}

static void pty_destroy(struct chardev *cd)
{
	struct chardev_pty *p = to_pty(cd);

	el_set(cd->loop, &p->ino_h, 0);
	if (p->inotify_fd >= 0)
		close(p->inotify_fd);
	el_set(cd->loop, &p->timer_h, 0);
	if (p->timer_fd >= 0)
		close(p->timer_fd);
}

static const struct chardev_ops pty_ops = {
	.name = "pty",
	.disconnect = pty_disconnect,
	.destroy = pty_destroy,
};

static void pty_inotify_cb(struct el_handler *h, uint32_t events)
{
	struct chardev_pty *p =
		(struct chardev_pty *)((char *)h - offsetof(struct chardev_pty, ino_h));
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool opened = false;
	ssize_t n;

	(void)events;
	while ((n = read(p->inotify_fd, buf, sizeof(buf))) > 0) {
		const struct inotify_event *ev;
		ssize_t off;

		for (off = 0; off < n; off += (ssize_t)sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			if (ev->mask & IN_OPEN)
				opened = true;
		}
	}
	if (opened)
		chardev_set_connected(&p->cd, true);
}

static int pty_open_master(struct chardev_pty *p, char *err, size_t errlen)
{
	struct termios tio;

	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (p->master < 0 || grantpt(p->master) || unlockpt(p->master) ||
	    ptsname_r(p->master, p->cd.pty_name, sizeof(p->cd.pty_name))) {
		int ret = -errno;

		snprintf(err, errlen, "-chardev pty,id=%s: cannot open pty: %s", p->cd.id,
			 strerror(-ret));
		if (p->master >= 0)
			close(p->master);
		p->master = -1;
		return ret;
	}
	/* Raw like QEMU: the guest's bytes pass unchanged. */
	if (tcgetattr(p->master, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(p->master, TCSAFLUSH, &tio);
	}
	return 0;
}

/*
 * Connection tracking: inotify IN_OPEN on the slave, or on a kernel without
 * CONFIG_INOTIFY_USER (or with BULKHEAD_DM_PTY_POLL set) the timer fallback.
 */
static int pty_track_init(struct chardev_pty *p, char *err, size_t errlen)
{
	if (getenv("BULKHEAD_DM_PTY_POLL")) {
		errno = ENOSYS;
		p->inotify_fd = -1;
	} else {
		p->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	}
	if (p->inotify_fd < 0 && errno == ENOSYS) {
		if (!pty_timer_init(p))
			return 0;
		snprintf(err, errlen, "-chardev pty,id=%s: timerfd: %s", p->cd.id, strerror(errno));
		return -EIO;
	}
	if (p->inotify_fd < 0 || inotify_add_watch(p->inotify_fd, p->cd.pty_name, IN_OPEN) < 0) {
		snprintf(err, errlen, "-chardev pty,id=%s: inotify on %s: %s", p->cd.id,
			 p->cd.pty_name, strerror(errno));
		return -EIO;
	}
	p->ino_h.fd = p->inotify_fd;
	if (el_set(p->cd.loop, &p->ino_h, EPOLLIN)) {
		snprintf(err, errlen, "-chardev pty,id=%s: epoll failed", p->cd.id);
		return -EIO;
	}
	return 0;
}

struct chardev *chardev_pty_new(struct event_loop *loop, const struct chardev_opts *o, char *err,
				size_t errlen)
{
	struct chardev_pty *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	chardev_init(&p->cd, &pty_ops, loop, o->id);
	p->inotify_fd = -1;
	p->timer_fd = -1;
	el_handler_init(&p->ino_h, -1, pty_inotify_cb);
	el_handler_init(&p->timer_h, -1, pty_timer_cb);
	if (pty_open_master(p, err, errlen))
		goto err_free;
	if (chardev_attach_fds(&p->cd, p->master, p->master)) {
		snprintf(err, errlen, "-chardev pty,id=%s: epoll failed", o->id);
		goto err_close;
	}
	if (pty_track_init(p, err, errlen))
		goto err_close;
	printf("char device redirected to %s (label %s)\n", p->cd.pty_name, o->id);
	fflush(stdout);
	return &p->cd;
err_close:
	chardev_detach_fds(&p->cd, true);
	pty_destroy(&p->cd);
err_free:
	free(p);
	return NULL;
}
