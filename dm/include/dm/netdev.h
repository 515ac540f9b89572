/* SPDX-License-Identifier: MIT */
/*
 * Network backends (QEMU's -netdev): where a virtio-net device's frames go
 * and come from.  One frame per message; with vnet_hdr each message starts
 * with a struct virtio_net_hdr_v1 (<linux/virtio_net.h>, virtio v1.2
 * §5.1.6), which carries the checksum and segmentation offloads between the
 * device and the backend as they are (docs/device-model.md, "Offloads").
 *
 *  - tap:    /dev/net/tun with IFF_TAP | IFF_NO_PI on an interface the
 *            backend VM has set up (bridge and link state are its business);
 *            IFF_VNET_HDR unless vnet_hdr=off
 *  - socket: a SOCK_SEQPACKET unix socket, one frame per message; usable
 *            without privileges (host tests, a user-space switch); plain
 *            frames unless vnet_hdr=on
 *
 * Flow control mirrors the chardevs (dm/chardev.h): the device enables
 * reading only while it has guest buffers for a frame, so a backend that
 * has more than the guest takes keeps it queued in the kernel; a send that
 * would block is reported, and write_ready follows when it can go on.
 */
#ifndef DM_NETDEV_H
#define DM_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "dm/event_loop.h"
#include "dm/log.h"

#define NETDEV_ID_MAX	32
#define NETDEV_PATH_MAX 108 /* sun_path */

struct netdev;

/** struct netdev_fe - the device's callbacks (all optional) */
struct netdev_fe {
	void (*read_ready)(void *opaque);    /* a frame is waiting */
	void (*write_ready)(void *opaque);   /* netdev_send() may succeed again */
	void (*link)(void *opaque, bool up); /* the peer came or went */
	void *opaque;
};

/**
 * struct netdev_ops - what differs between backends
 * @set_offload: (optional) the TUN_F_* offloads the backend may hand to
 *	the device in the header of frames it receives; 0 or negative errno
 */
struct netdev_ops {
	const char *name;
	void (*destroy)(struct netdev *nd);
	int (*set_offload)(struct netdev *nd, unsigned int tun_flags);
};

/** struct netdev_opts - parsed -netdev options */
struct netdev_opts {
	char backend[16];
	char id[NETDEV_ID_MAX];
	char ifname[16];	    /* tap: IFNAMSIZ */
	char path[NETDEV_PATH_MAX]; /* socket: connect here */
	int fd;			    /* socket: inherited, or -1 */
	int vnet_hdr;		    /* 1 on, 0 off, -1 the backend's default */
};

struct netdev {
	const struct netdev_ops *ops;
	char id[NETDEV_ID_MAX];
	struct event_loop *loop;
	struct netdev_fe fe;
	int fd; /* -1 once the peer is gone */
	struct el_handler h;
	bool want_read, want_write;
	bool link_up;
	bool vnet_hdr; /* every message starts with a struct virtio_net_hdr_v1 */
	unsigned long tx_packets, rx_packets;
	unsigned long tx_lost; /* frames the backend refused or had no peer for */
	struct dm_ratelimit rl;
};

/**
 * netdev_new() - create a backend from options
 * @err: on failure, a message naming the offending option
 * Return: the backend or NULL.
 */
struct netdev *netdev_new(struct event_loop *loop, const struct netdev_opts *o, char *err,
			  size_t errlen);

/** netdev_free() - close the backend and free it (NULL is a no-op). */
void netdev_free(struct netdev *nd);

/** netdev_set_fe() - bind the device that uses this backend. */
void netdev_set_fe(struct netdev *nd, const struct netdev_fe *fe);

/** netdev_read_enable() - (stop) watching for incoming frames. */
void netdev_read_enable(struct netdev *nd, bool on);

/**
 * netdev_set_offload() - tell the backend which offloads the device takes
 * @tun_flags: TUN_F_* (<linux/if_tun.h>) for frames towards the device
 *
 * A backend without vnet_hdr takes only 0.
 * Return: 0, or negative errno (the backend cannot do it).
 */
int netdev_set_offload(struct netdev *nd, unsigned int tun_flags);

/**
 * netdev_recv() - take one incoming frame
 * @buf: room for @len bytes
 *
 * Return: the frame's full length (more than @len: it was cut, the caller
 * drops it), -EAGAIN when none is waiting, or another negative errno
 * (-ENOTCONN: the peer left, or sent an empty message, which ends it).
 */
ssize_t netdev_recv(struct netdev *nd, void *buf, size_t len);

/**
 * netdev_send() - send one frame, whole or not at all
 *
 * Return: 0 when it is out, -EAGAIN when the backend is full now
 * (write_ready follows), -ENOTCONN when it was lost (no peer, or the
 * backend refused it or took part of it: counted in tx_lost).
 */
int netdev_send(struct netdev *nd, const void *buf, size_t len);

/* Constructors behind netdev_new(). */
struct netdev *netdev_tap_new(struct event_loop *loop, const struct netdev_opts *o, char *err,
			      size_t errlen);
struct netdev *netdev_socket_new(struct event_loop *loop, const struct netdev_opts *o, char *err,
				 size_t errlen);

/* For the backends: fill the generic part, then hand in the fd. */
void netdev_init(struct netdev *nd, const struct netdev_ops *ops, struct event_loop *loop,
		 const char *id, int fd);

#endif
