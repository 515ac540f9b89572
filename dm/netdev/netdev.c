// SPDX-License-Identifier: MIT
/*
 * Generic part of the network backends: epoll interest, frame send and
 * receive with the flow-control policy described in dm/netdev.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "dm/netdev.h"

static const struct {
	const char *name;
	struct netdev *(*create)(struct event_loop *loop, const struct netdev_opts *o, char *err,
				 size_t errlen);
} netdev_backends[] = {
	{ "tap", netdev_tap_new },
	{ "socket", netdev_socket_new },
};

struct netdev *netdev_new(struct event_loop *loop, const struct netdev_opts *o, char *err,
			  size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(netdev_backends) / sizeof(netdev_backends[0]); i++)
		if (!strcmp(o->backend, netdev_backends[i].name))
			return netdev_backends[i].create(loop, o, err, errlen);
	snprintf(err, errlen, "-netdev %s: unknown backend '%s' (tap or socket)", o->id,
		 o->backend);
	return NULL;
}

static void netdev_update(struct netdev *nd)
{
	/* EPOLLRDHUP always: a peer that leaves is noticed even while idle */
	uint32_t ev = EPOLLRDHUP | (nd->want_read ? EPOLLIN : 0) | (nd->want_write ? EPOLLOUT : 0);

	if (nd->fd < 0)
		return;
	if (el_set(nd->loop, &nd->h, ev))
		dm_log_rl(&nd->rl, "-netdev %s: epoll: errno %d", nd->id, errno);
}

/* The peer left (socket): frames for it are dropped from now on. */
static void netdev_peer_gone(struct netdev *nd)
{
	if (nd->fd < 0)
		return;
	dm_log_rl(&nd->rl, "-netdev %s: peer gone, link down", nd->id);
	el_set(nd->loop, &nd->h, 0);
	close(nd->fd);
	nd->fd = -1;
	nd->h.fd = -1;
	nd->link_up = false;
	if (nd->fe.link)
		nd->fe.link(nd->fe.opaque, false);
	/* a device waiting to send learns that its frames now go nowhere */
	if (nd->want_write && nd->fe.write_ready) {
		nd->want_write = false;
		nd->fe.write_ready(nd->fe.opaque);
	}
}

static void netdev_cb(struct el_handler *h, uint32_t events)
{
	struct netdev *nd = (struct netdev *)((char *)h - offsetof(struct netdev, h));

	/*
	 * Gone once nothing is left to read (or we do not read now): taken
	 * out of the loop at once, so a hang-up cannot spin it.
	 */
	if ((events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)) && !(events & EPOLLIN)) {
		netdev_peer_gone(nd);
		return;
	}
	if ((events & EPOLLOUT) && nd->want_write) {
		nd->want_write = false;
		netdev_update(nd);
		if (nd->fe.write_ready)
			nd->fe.write_ready(nd->fe.opaque);
	}
	if ((events & EPOLLIN) && nd->want_read && nd->fe.read_ready)
		nd->fe.read_ready(nd->fe.opaque);
}

void netdev_init(struct netdev *nd, const struct netdev_ops *ops, struct event_loop *loop,
		 const char *id, int fd)
{
	memset(nd, 0, sizeof(*nd));
	nd->ops = ops;
	nd->loop = loop;
	snprintf(nd->id, sizeof(nd->id), "%s", id);
	nd->fd = fd;
	nd->link_up = fd >= 0;
	el_handler_init(&nd->h, fd, netdev_cb);
	dm_ratelimit_init(&nd->rl);
	netdev_update(nd);
}

void netdev_free(struct netdev *nd)
{
	if (!nd)
		return;
	if (nd->ops->destroy)
		nd->ops->destroy(nd);
	if (nd->fd >= 0) {
		el_set(nd->loop, &nd->h, 0);
		close(nd->fd);
	}
	free(nd);
}

void netdev_set_fe(struct netdev *nd, const struct netdev_fe *fe)
{
	nd->fe = *fe;
}

void netdev_read_enable(struct netdev *nd, bool on)
{
	if (nd->want_read == on)
		return;
	nd->want_read = on;
	netdev_update(nd);
}

int netdev_set_offload(struct netdev *nd, unsigned int tun_flags)
{
	if (!nd->vnet_hdr)
		return tun_flags ? -EOPNOTSUPP : 0;
	return nd->ops->set_offload ? nd->ops->set_offload(nd, tun_flags) : 0;
}

ssize_t netdev_recv(struct netdev *nd, void *buf, size_t len)
{
	ssize_t n;

	if (nd->fd < 0)
		return -ENOTCONN;
	/*
	 * MSG_TRUNC: a socket reports a frame's full length even when it
	 * does not fit; a tap frame never exceeds the caller's buffer
	 * (NET_FRAME_BUF is above any tap MTU).  read() works on both.
	 */
	n = recv(nd->fd, buf, len, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && errno == ENOTSOCK)
		n = read(nd->fd, buf, len);
	if (n > 0) {
		nd->rx_packets++;
		return n;
	}
	/*
	 * 0: end of stream.  A SOCK_SEQPACKET peer could also send an empty
	 * message, but that is no frame either; a tap read never returns 0.
	 */
	if (!n) {
		netdev_peer_gone(nd);
		return -ENOTCONN;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return -EAGAIN;
	n = -errno;
	dm_log_rl(&nd->rl, "-netdev %s: receive: errno %d", nd->id, errno);
	if (n == -ECONNRESET || n == -ENOTCONN)
		netdev_peer_gone(nd);
	return n;
}

int netdev_send(struct netdev *nd, const void *buf, size_t len)
{
	ssize_t n;

	if (nd->fd < 0) {
		nd->tx_lost++;
		return -ENOTCONN;
	}
	n = send(nd->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && errno == ENOTSOCK)
		n = write(nd->fd, buf, len);
	if (n == (ssize_t)len) {
		nd->tx_packets++;
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
		nd->want_write = true;
		netdev_update(nd);
		return -EAGAIN;
	}
	/* a frame goes whole or not at all: a short write is a lost frame */
	nd->tx_lost++;
	dm_log_rl(&nd->rl, "-netdev %s: send of %zu bytes: %zd, errno %d", nd->id, len, n,
		  n < 0 ? errno : 0);
	if (n < 0 && (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN))
		netdev_peer_gone(nd);
	return -ENOTCONN;
}
