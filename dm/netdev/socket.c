// SPDX-License-Identifier: MIT
/*
 * socket backend (-netdev socket,id=N,path=P or fd=N): one Ethernet frame
 * per message of a SOCK_SEQPACKET unix socket, which keeps message
 * boundaries and reports a peer that left (EPOLLHUP).  The model connects
 * to a peer that listens at @path (a test, or a user-space switch), or
 * uses an inherited connected socket.  When the peer leaves, the link
 * goes down and frames for it are counted as lost; there is no reconnect.
 * With vnet_hdr=on each message starts with a struct virtio_net_hdr_v1,
 * as on a tap with IFF_VNET_HDR: the peer sees the offload fields the
 * device validated (dm/devices/net.c) and sends its own, which are checked
 * as hostile in the same way.  There is no TUNSETOFFLOAD to tell the peer
 * what the driver took: it must send what the driver can always take.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "dm/netdev.h"

static const struct netdev_ops socket_ops = {
	.name = "socket",
};

static int socket_connect(const struct netdev_opts *o, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "-netdev socket,id=%s: socket: %s", o->id, strerror(errno));
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", o->path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, errlen, "-netdev socket,id=%s: path '%s': connect: %s", o->id,
			 o->path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* An inherited fd must be a SOCK_SEQPACKET socket: frames keep their bounds. */
static int socket_adopt(const struct netdev_opts *o, char *err, size_t errlen)
{
	int type = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(o->fd, SOL_SOCKET, SO_TYPE, &type, &len) || type != SOCK_SEQPACKET) {
		snprintf(err, errlen, "-netdev socket,id=%s: fd %d is not a SOCK_SEQPACKET socket",
			 o->id, o->fd);
		return -1;
	}
	if (fcntl(o->fd, F_SETFL, fcntl(o->fd, F_GETFL) | O_NONBLOCK) ||
	    fcntl(o->fd, F_SETFD, FD_CLOEXEC)) {
		snprintf(err, errlen, "-netdev socket,id=%s: fd %d: %s", o->id, o->fd,
			 strerror(errno));
		return -1;
	}
	return o->fd;
}

struct netdev *netdev_socket_new(struct event_loop *loop, const struct netdev_opts *o, char *err,
				 size_t errlen)
{
	bool has_path = o->path[0] != '\0';
	struct netdev *nd;
	int fd;

	if (has_path == (o->fd >= 0)) {
		snprintf(err, errlen, "-netdev socket,id=%s: give exactly one of 'path' and 'fd'",
			 o->id);
		return NULL;
	}
	if (o->ifname[0]) {
		snprintf(err, errlen, "-netdev socket,id=%s: 'ifname' is a tap property", o->id);
		return NULL;
	}
	fd = o->path[0] ? socket_connect(o, err, errlen) : socket_adopt(o, err, errlen);
	if (fd < 0)
		return NULL;
	nd = malloc(sizeof(*nd));
	if (!nd) {
		close(fd);
		snprintf(err, errlen, "-netdev socket,id=%s: out of memory", o->id);
		return NULL;
	}
	netdev_init(nd, &socket_ops, loop, o->id, fd);
	nd->vnet_hdr = o->vnet_hdr == 1;
	return nd;
}
