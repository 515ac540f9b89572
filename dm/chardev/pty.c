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
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/inotify.h>

#include "dm/chardev.h"

struct chardev_pty {
	struct chardev cd;		/* first: chardev_free() frees it */
	int master;
	int inotify_fd;
	struct el_handler ino_h;
};

static struct chardev_pty *to_pty(struct chardev *cd)
{
	return (struct chardev_pty *)cd;
}

static void pty_disconnect(struct chardev *cd)
{
	/* Keep the master: the next opener of the slave reconnects. */
	chardev_set_connected(cd, false);
}

static void pty_destroy(struct chardev *cd)
{
	struct chardev_pty *p = to_pty(cd);

	el_set(cd->loop, &p->ino_h, 0);
	if (p->inotify_fd >= 0)
		close(p->inotify_fd);
}

static const struct chardev_ops pty_ops = {
	.name = "pty",
	.disconnect = pty_disconnect,
	.destroy = pty_destroy,
};

static void pty_inotify_cb(struct el_handler *h, uint32_t events)
{
	struct chardev_pty *p = (struct chardev_pty *)((char *)h -
			offsetof(struct chardev_pty, ino_h));
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
		snprintf(err, errlen, "-chardev pty,id=%s: cannot open pty: %s",
			 p->cd.id, strerror(errno));
		return -errno;
	}
	/* Raw like QEMU: the guest's bytes pass unchanged. */
	if (tcgetattr(p->master, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(p->master, TCSAFLUSH, &tio);
	}
	return 0;
}

struct chardev *chardev_pty_new(struct event_loop *loop,
				const struct chardev_opts *o, char *err,
				size_t errlen)
{
	struct chardev_pty *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	chardev_init(&p->cd, &pty_ops, loop, o->id);
	p->inotify_fd = -1;
	el_handler_init(&p->ino_h, -1, pty_inotify_cb);
	if (pty_open_master(p, err, errlen))
		goto err_free;
	if (chardev_attach_fds(&p->cd, p->master, p->master)) {
		snprintf(err, errlen, "-chardev pty,id=%s: epoll failed", o->id);
		goto err_close;
	}
	p->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (p->inotify_fd < 0 ||
	    inotify_add_watch(p->inotify_fd, p->cd.pty_name, IN_OPEN) < 0) {
		snprintf(err, errlen, "-chardev pty,id=%s: inotify on %s: %s",
			 o->id, p->cd.pty_name, strerror(errno));
		goto err_close;
	}
	p->ino_h.fd = p->inotify_fd;
	if (el_set(loop, &p->ino_h, EPOLLIN)) {
		snprintf(err, errlen, "-chardev pty,id=%s: epoll failed", o->id);
		goto err_close;
	}
	printf("char device redirected to %s (label %s)\n", p->cd.pty_name,
	       o->id);
	fflush(stdout);
	return &p->cd;
err_close:
	chardev_detach_fds(&p->cd, true);
	if (p->inotify_fd >= 0)
		close(p->inotify_fd);
err_free:
	free(p);
	return NULL;
}
