// SPDX-License-Identifier: MIT
/*
 * tap backend (-netdev tap,id=N,ifname=NAME): frames of a Linux tap
 * interface through /dev/net/tun, IFF_TAP | IFF_NO_PI and, unless
 * vnet_hdr=off, IFF_VNET_HDR with a header of sizeof(struct
 * virtio_net_hdr_v1) (TUNSETVNETHDRSZ): the device's header crosses as it
 * is, after the device validated it, and TUNSETOFFLOAD tells the tap
 * which checksum and segmentation offloads the driver accepted for the
 * frames it reads (nothing until then).  The interface
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

#include <linux/virtio_net.h>

#include "dm/netdev.h"

#define TUN_DEV "/dev/net/tun"

static int tap_set_offload(struct netdev *nd, unsigned int tun_flags)
{
	if (ioctl(nd->fd, TUNSETOFFLOAD, (unsigned long)tun_flags)) {
		int e = errno;

		dm_log_rl(&nd->rl, "-netdev tap,id=%s: TUNSETOFFLOAD %#x: %s", nd->id, tun_flags,
			  strerror(e));
		return -e;
	}
	return 0;
}

static const struct netdev_ops tap_ops = {
	.name = "tap",
	.set_offload = tap_set_offload,
};

/* The vnet header's size, and no offloads until a driver accepts some. */
static int tap_vnet_hdr(int fd, const struct netdev_opts *o, char *err, size_t errlen)
{
	int sz = (int)sizeof(struct virtio_net_hdr_v1);

	if (ioctl(fd, TUNSETVNETHDRSZ, &sz)) {
		snprintf(err, errlen, "-netdev tap,id=%s: TUNSETVNETHDRSZ: %s", o->id,
			 strerror(errno));
		return -1;
	}
	if (ioctl(fd, TUNSETOFFLOAD, 0UL)) {
		snprintf(err, errlen, "-netdev tap,id=%s: TUNSETOFFLOAD: %s", o->id,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int tap_open(const struct netdev_opts *o, bool vnet_hdr, char *err, size_t errlen)
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
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->ifname);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		int e = errno;

		snprintf(err, errlen, "-netdev tap,id=%s: ifname '%s': TUNSETIFF: %s", o->id,
			 o->ifname, strerror(e));
		close(fd);
		return -1;
	}
	if (vnet_hdr && tap_vnet_hdr(fd, o, err, errlen)) {
		close(fd);
		return -1;
	}
	return fd;
}

struct netdev *netdev_tap_new(struct event_loop *loop, const struct netdev_opts *o, char *err,
			      size_t errlen)
{
	bool vnet_hdr = o->vnet_hdr != 0; /* on by default, as QEMU's */
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
	fd = tap_open(o, vnet_hdr, err, errlen);
	if (fd < 0)
		return NULL;
	nd = malloc(sizeof(*nd));
	if (!nd) {
		close(fd);
		snprintf(err, errlen, "-netdev tap,id=%s: out of memory", o->id);
		return NULL;
	}
	netdev_init(nd, &tap_ops, loop, o->id, fd);
	nd->vnet_hdr = vnet_hdr;
	return nd;
}
