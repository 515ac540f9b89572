// SPDX-License-Identifier: MIT
/*
 * Generic part of the character backends: fd bookkeeping, epoll interest,
 * readv/writev with the flow-control policy described in dm/chardev.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "dm/chardev.h"

static const struct {
	const char *name;
	struct chardev *(*create)(struct event_loop *loop, const struct chardev_opts *o, char *err,
				  size_t errlen);
} chardev_backends[] = {
	{ "pty", chardev_pty_new },
	{ "socket", chardev_socket_new },
	{ "file", chardev_file_new },
	{ "stdio", chardev_stdio_new },
};

struct chardev *chardev_new(struct event_loop *loop, const struct chardev_opts *o, char *err,
			    size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(chardev_backends) / sizeof(chardev_backends[0]); i++)
		if (!strcmp(o->backend, chardev_backends[i].name))
			return chardev_backends[i].create(loop, o, err, errlen);
	snprintf(err, errlen, "-chardev %s: unknown backend '%s'", o->id, o->backend);
	return NULL;
}

void chardev_free(struct chardev *cd)
{
	if (!cd)
		return;
	if (cd->ops->destroy)
		cd->ops->destroy(cd);
	chardev_detach_fds(cd, !cd->borrowed_fds);
	free(cd);
}

static void chardev_in_cb(struct el_handler *h, uint32_t events);
static void chardev_out_cb(struct el_handler *h, uint32_t events);

void chardev_init(struct chardev *cd, const struct chardev_ops *ops, struct event_loop *loop,
		  const char *id)
{
	memset(cd, 0, sizeof(*cd));
	cd->ops = ops;
	cd->loop = loop;
	snprintf(cd->id, sizeof(cd->id), "%s", id);
	cd->in_fd = cd->out_fd = cd->ready_fd = -1;
	el_handler_init(&cd->in_h, -1, chardev_in_cb);
	el_handler_init(&cd->out_h, -1, chardev_out_cb);
	dm_ratelimit_init(&cd->rl);
}

void chardev_set_fe(struct chardev *cd, const struct chardev_fe *fe)
{
	cd->fe = *fe;
	if (cd->connected && cd->fe.event)
		cd->fe.event(cd->fe.opaque, true);
}

/*
 * epoll refuses regular files and /dev/null (always "ready").  For those an
 * eventfd holding a non-zero count stands in: it is only registered while
 * the front end wants input, so it never spins.
 */
static int chardev_setup_input(struct chardev *cd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	uint64_t one = 1;

	if (epoll_ctl(cd->loop->epfd, EPOLL_CTL_ADD, cd->in_fd, &ev) == 0) {
		epoll_ctl(cd->loop->epfd, EPOLL_CTL_DEL, cd->in_fd, NULL);
		cd->in_pollable = true;
		cd->in_h.fd = cd->in_fd;
		return 0;
	}
	if (errno != EPERM)
		return -errno;
	cd->in_pollable = false;
	cd->ready_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (cd->ready_fd < 0)
		return -errno;
	if (write(cd->ready_fd, &one, sizeof(one)) != sizeof(one))
		return -EIO;
	cd->in_h.fd = cd->ready_fd;
	return 0;
}

int chardev_attach_fds(struct chardev *cd, int in_fd, int out_fd)
{
	int err = 0;

	cd->in_fd = in_fd;
	cd->out_fd = out_fd;
	cd->in_eof = false;
	cd->hup_seen = false;
	cd->out_not_sock = false;
	if (in_fd >= 0)
		err = chardev_setup_input(cd);
	if (out_fd >= 0 && out_fd != in_fd)
		cd->out_h.fd = out_fd;
	else if (out_fd >= 0 && !cd->in_pollable)
		cd->out_h.fd = out_fd; /* in_h is on the eventfd */
	return err;
}

void chardev_detach_fds(struct chardev *cd, bool close_fds)
{
	el_set(cd->loop, &cd->in_h, 0);
	el_set(cd->loop, &cd->out_h, 0);
	if (cd->ready_fd >= 0)
		close(cd->ready_fd);
	if (close_fds && cd->in_fd >= 0)
		close(cd->in_fd);
	if (close_fds && cd->out_fd >= 0 && cd->out_fd != cd->in_fd)
		close(cd->out_fd);
	cd->in_fd = cd->out_fd = cd->ready_fd = -1;
	cd->in_h.fd = cd->out_h.fd = -1;
}

static bool chardev_shared_fd(const struct chardev *cd)
{
	return cd->in_fd >= 0 && cd->in_fd == cd->out_fd && cd->in_pollable;
}

void chardev_update(struct chardev *cd)
{
	uint32_t rd = 0, wr = 0;

	if (cd->connected && cd->want_read && cd->in_fd >= 0 && !cd->in_eof)
		rd = EPOLLIN;
	if (cd->connected && cd->want_write && cd->out_fd >= 0)
		wr = EPOLLOUT;
	if (chardev_shared_fd(cd)) {
		/*
		 * Connection-oriented backends stay registered while
		 * connected so a hang-up is seen even when idle.
		 */
		uint32_t ev = rd | wr;

		if (cd->connected && cd->ops->disconnect && !cd->hup_seen)
			ev |= EPOLLRDHUP;
		/*
		 * epoll reports EPOLLHUP whatever is asked for: while bytes the
		 * peer left behind wait for guest buffers, the fd stays out of
		 * the set, or the loop would spin on the hang-up.
		 */
		if (cd->hup_seen && !rd)
			ev = 0;
		el_set(cd->loop, &cd->in_h, ev);
		return;
	}
	if (cd->in_h.fd >= 0)
		el_set(cd->loop, &cd->in_h, rd);
	if (cd->out_h.fd >= 0)
		el_set(cd->loop, &cd->out_h, wr);
}

void chardev_set_connected(struct chardev *cd, bool connected)
{
	if (cd->connected == connected)
		return;
	cd->connected = connected;
	if (!connected)
		cd->want_write = false;
	chardev_update(cd);
	if (cd->fe.event)
		cd->fe.event(cd->fe.opaque, connected);
}

void chardev_read_enable(struct chardev *cd, bool on)
{
	if (cd->want_read == on)
		return;
	cd->want_read = on;
	chardev_update(cd);
}

static bool chardev_input_pending(const struct chardev *cd)
{
	struct pollfd pfd = { .fd = cd->in_fd, .events = POLLIN };

	return cd->in_fd >= 0 && poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN);
}

static void chardev_hangup(struct chardev *cd)
{
	cd->hup_seen = false;
	if (cd->ops->disconnect) {
		cd->ops->disconnect(cd);
		return;
	}
	/* file/stdio: input ended, output may go on */
	cd->in_eof = true;
	chardev_update(cd);
}

/* Callbacks may disconnect the chardev under us. */
static bool chardev_alive(const struct chardev *cd, const struct el_handler *h)
{
	return cd->connected && h->fd >= 0;
}

static void chardev_in_cb(struct el_handler *h, uint32_t events)
{
	struct chardev *cd = (struct chardev *)((char *)h - offsetof(struct chardev, in_h));

	if ((events & EPOLLIN) && cd->want_read && cd->fe.read_ready)
		cd->fe.read_ready(cd->fe.opaque);
	if (!chardev_alive(cd, h))
		return;
	if ((events & EPOLLOUT) && cd->want_write) {
		cd->want_write = false;
		chardev_update(cd);
		if (cd->fe.write_ready)
			cd->fe.write_ready(cd->fe.opaque);
	}
	if (!chardev_alive(cd, h))
		return;
	if (!(events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP))) {
		if (cd->hup_seen) {
			/* a new peer came before the old one's bytes were read */
			cd->hup_seen = false;
			chardev_update(cd);
		}
		return;
	}
	/* Level-triggered: drain what we may, then let go of the fd. */
	if ((events & EPOLLIN) && cd->want_read)
		return;
	if (!cd->want_read && chardev_input_pending(cd)) {
		/*
		 * A writer that closes right after its last byte must not lose
		 * the bytes still queued while the guest has no buffer for them
		 * (back-pressure): take them when the guest gives buffers, then
		 * hang up.
		 */
		cd->hup_seen = true;
		chardev_update(cd);
		return;
	}
	chardev_hangup(cd);
}

static void chardev_out_cb(struct el_handler *h, uint32_t events)
{
	struct chardev *cd = (struct chardev *)((char *)h - offsetof(struct chardev, out_h));

	(void)events;
	cd->want_write = false;
	chardev_update(cd);
	if (cd->fe.write_ready)
		cd->fe.write_ready(cd->fe.opaque);
}

size_t chardev_readv(struct chardev *cd, const struct iovec *iov, int cnt)
{
	ssize_t n;

	if (!cd->connected || cd->in_fd < 0 || cd->in_eof)
		return 0;
	n = readv(cd->in_fd, iov, cnt);
	if (n > 0) {
		cd->in_pos += (uint64_t)n;
		return (size_t)n;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0 && errno != EIO && errno != ECONNRESET)
		dm_log_rl(&cd->rl, "chardev %s: read: %s", cd->id, strerror(errno));
	/* EOF, or EIO from a pty whose last slave closed */
	chardev_hangup(cd);
	return 0;
}

bool chardev_in_ready(const struct chardev *cd)
{
	int n;

	if (!cd->connected || cd->in_fd < 0 || cd->in_eof)
		return false;
	if (ioctl(cd->in_fd, FIONREAD, &n) < 0)
		return true;
	return n > 0;
}

bool chardev_in_pos(const struct chardev *cd, uint64_t *pos)
{
	if (!cd->in_file || cd->in_fd < 0)
		return false;
	*pos = cd->in_pos;
	return true;
}

bool chardev_out_pos(const struct chardev *cd, uint64_t *pos)
{
	if (!cd->out_file || cd->out_fd < 0)
		return false;
	*pos = cd->out_pos;
	return true;
}

int chardev_in_seek(struct chardev *cd, uint64_t pos)
{
	struct stat st;

	if (!cd->in_file || cd->in_fd < 0)
		return -ESPIPE;
	if (fstat(cd->in_fd, &st) || pos > (uint64_t)st.st_size)
		return -EINVAL;
	if (lseek(cd->in_fd, (off_t)pos, SEEK_SET) < 0)
		return -errno;
	cd->in_pos = pos;
	cd->in_eof = false;
	chardev_update(cd);
	return 0;
}

static size_t iov_total(const struct iovec *iov, int cnt)
{
	size_t t = 0;
	int i;

	for (i = 0; i < cnt; i++)
		t += iov[i].iov_len;
	return t;
}

size_t chardev_writev(struct chardev *cd, const struct iovec *iov, int cnt)
{
	size_t total = iov_total(iov, cnt);
	struct msghdr msg = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)cnt };
	ssize_t n;

	if (!total)
		return 0;
	if (!cd->connected || cd->out_fd < 0) {
		cd->dropped += total;
		return total;
	}
	/*
	 * sendmsg for sockets: MSG_NOSIGNAL instead of a SIGPIPE.  Other fds
	 * say ENOTSOCK, or ENOSYS on a kernel without CONFIG_NET (the
	 * Bulkhead guest kernel); remember that and use writev.
	 */
	n = -1;
	errno = ENOTSOCK;
	if (!cd->out_not_sock)
		n = sendmsg(cd->out_fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && (errno == ENOTSOCK || errno == ENOSYS)) {
		cd->out_not_sock = true;
		n = writev(cd->out_fd, iov, cnt);
	}
	if (n >= 0) {
		cd->out_pos += (uint64_t)n;
		if ((size_t)n < total) {
			cd->want_write = true;
			chardev_update(cd);
		}
		return (size_t)n;
	}
	if (errno == EAGAIN || errno == EINTR) {
		cd->want_write = true;
		chardev_update(cd);
		return 0;
	}
	if (errno != EPIPE && errno != ECONNRESET && errno != EIO)
		dm_log_rl(&cd->rl, "chardev %s: write: %s", cd->id, strerror(errno));
	cd->dropped += total;
	if (cd->ops->disconnect)
		cd->ops->disconnect(cd);
	return total;
}
