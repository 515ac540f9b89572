// SPDX-License-Identifier: MIT
/*
 * tap backend (-netdev tap,id=N,ifname=NAME): frames of a Linux tap
 * interface through /dev/net/tun, IFF_TAP | IFF_NO_PI and no vnet header
 * (no offloads are offered, so the frame is all there is).  The interface
 * is made and bridged by the backend VM's setup, not here; nothing is
 * brought up.  IFF_TUN_EXCL is not used, so a persistent interface
 * (ip tuntap add ... mode tap) is reattached by a restarted model.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/if.h>
#include <linux/if_tun.h>

#include "dm/netdev.h"

#define TUN_DEV "/dev/net/tun"

static const struct netdev_ops tap_ops = {
	.name = "tap",
};

static int tap_open(const struct netdev_opts *o, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd;

	fd = open(TUN_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "-netdev tap,id=%s: cannot open %s: %s", o->id, TUN_DEV,
			 strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->ifname);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		int e = errno;

		snprintf(err, errlen, "-netdev tap,id=%s: ifname '%s': TUNSETIFF: %s", o->id,
			 o->ifname, strerror(e));
		close(fd);
		return -1;
	}
	return fd;
}

struct netdev *netdev_tap_new(struct event_loop *loop, const struct netdev_opts *o, char *err,
			      size_t errlen)
{
	struct netdev *nd;
	int fd;

	if (!o->ifname[0]) {
		snprintf(err, errlen, "-netdev tap,id=%s: property 'ifname' is required", o->id);
		return NULL;
	}
	if (o->path[0] || o->fd >= 0) {
		snprintf(err, errlen, "-netdev tap,id=%s: 'path' and 'fd' are socket properties",
			 o->id);
		return NULL;
	}
	fd = tap_open(o, err, errlen);
	if (fd < 0)
		return NULL;
	nd = malloc(sizeof(*nd));
	if (!nd) {
		close(fd);
		snprintf(err, errlen, "-netdev tap,id=%s: out of memory", o->id);
		return NULL;
	}
	netdev_init(nd, &tap_ops, loop, o->id, fd);
	return nd;
}
