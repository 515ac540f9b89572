// SPDX-License-Identifier: MIT
/*
 * Unix socket server backend (-chardev socket,path=P,server=on,wait=off).
 * One client at a time, as QEMU: while connected the listening socket is out
 * of the loop, so further clients wait in the backlog.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "dm/chardev.h"

struct chardev_socket {
	struct chardev cd; /* first: chardev_free() frees it */
	int listen_fd;
	struct el_handler listen_h;
	char path[CHARDEV_PATH_MAX];
};

static struct chardev_socket *to_sock(struct chardev *cd)
{
	return (struct chardev_socket *)cd;
}

static void socket_disconnect(struct chardev *cd)
{
	struct chardev_socket *s = to_sock(cd);

	chardev_set_connected(cd, false);
	chardev_detach_fds(cd, true);
	el_set(cd->loop, &s->listen_h, EPOLLIN);
}

static void socket_destroy(struct chardev *cd)
{
	struct chardev_socket *s = to_sock(cd);

	el_set(cd->loop, &s->listen_h, 0);
	close(s->listen_fd);
	unlink(s->path);
}

static const struct chardev_ops socket_ops = {
	.name = "socket",
	.disconnect = socket_disconnect,
	.destroy = socket_destroy,
};

static void socket_accept_cb(struct el_handler *h, uint32_t events)
{
	struct chardev_socket *s =
		(struct chardev_socket *)((char *)h - offsetof(struct chardev_socket, listen_h));
	int fd;

	(void)events;
	fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN)
			dm_log_rl(&s->cd.rl, "chardev %s: accept: %s", s->cd.id, strerror(errno));
		return;
	}
	if (chardev_attach_fds(&s->cd, fd, fd)) {
		/* attach already recorded fd: detach closes it exactly once */
		chardev_detach_fds(&s->cd, true);
		return;
	}
	el_set(s->cd.loop, &s->listen_h, 0);
	chardev_set_connected(&s->cd, true);
}

struct chardev *chardev_socket_new(struct event_loop *loop, const struct chardev_opts *o, char *err,
				   size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct chardev_socket *s;

	if (!o->path[0]) {
		snprintf(err, errlen, "-chardev socket,id=%s: 'path' is required", o->id);
		return NULL;
	}
	if (!o->server) {
		snprintf(err, errlen, "-chardev socket,id=%s: only 'server=on' is supported",
			 o->id);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	chardev_init(&s->cd, &socket_ops, loop, o->id);
	snprintf(s->path, sizeof(s->path), "%s", o->path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", o->path);
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		goto err_free;
	unlink(o->path);
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(s->listen_fd, 4))
		goto err_close;
	el_handler_init(&s->listen_h, s->listen_fd, socket_accept_cb);
	if (el_set(loop, &s->listen_h, EPOLLIN))
		goto err_close;
	return &s->cd;
err_close:
	close(s->listen_fd);
err_free:
	snprintf(err, errlen, "-chardev socket,id=%s: path=%s: %s", o->id, o->path,
		 strerror(errno));
	free(s);
	return NULL;
}
