/* SPDX-License-Identifier: MIT */
/*
 * Transports deliver a frontend's register accesses to a device's
 * virtio-mmio register file and carry its interrupt back:
 *
 *   request {slot, offset, size, is_write, value}  ->  mmio_read/mmio_write
 *   mmio irq_raise                                 ->  frontend interrupt
 *
 * and own the guest memory window of each slot.  "sim" serves a test
 * frontend over a socket (dm/transport/sim.c).  "uio" serves frontends
 * through the hypervisor's remote I/O (dm/transport/uio.c): a request ring
 * and the shared window mapped from /dev/uioN, a device found by its name.
 */
#ifndef DM_TRANSPORT_H
#define DM_TRANSPORT_H

#include <stddef.h>

#include "dm/event_loop.h"
#include "dm/mmio.h"

#define TRANSPORT_ID_MAX      32
#define TRANSPORT_MAX_SLOTS   16
#define TRANSPORT_POLL_MAX_US 10000 /* -transport uio,poll= */

struct dm_transport;

/** struct transport_opts - parsed -transport options */
struct transport_opts {
	char type[16];
	char id[TRANSPORT_ID_MAX];
	int fd;		/* sim: inherited socket, or -1 */
	char path[108]; /* sim: unix socket to connect to */
	char root[128]; /* uio: prefix of /sys and /dev (tests) */
	long poll_us;	/* uio: longest polling window in us; 0 default, < 0 never */
};

struct dm_transport_ops {
	const char *name;
	/*
	 * bind @dev to frontend device number @slot; @name selects the
	 * device on transports that name them (uio), NULL otherwise; on
	 * failure @err may hold a message naming the device
	 */
	int (*attach)(struct dm_transport *t, unsigned int slot, struct virtio_mmio *dev,
		      const char *name, char *err, size_t errlen);
	void (*destroy)(struct dm_transport *t);
};

struct dm_transport {
	const struct dm_transport_ops *ops;
	char id[TRANSPORT_ID_MAX];
	struct event_loop *loop;
	unsigned int nslots; /* attached so far (default slot) */
};

/**
 * transport_new() - create a transport from options
 * @err: on failure, a message naming the offending option
 */
struct dm_transport *transport_new(struct event_loop *loop, const struct transport_opts *o,
				   char *err, size_t errlen);

/** transport_free() - detach every device and free the transport. */
void transport_free(struct dm_transport *t);

/**
 * transport_attach() - serve device @dev at @slot (sim: no name)
 * Return: 0 or a negative errno: -EINVAL (slot out of range, or the
 * transport needs a name), -EBUSY (slot taken), -ENOMEM, ...
 */
int transport_attach(struct dm_transport *t, unsigned int slot, struct virtio_mmio *dev);

/**
 * transport_attach_named() - transport_attach() with a device name
 * @name: uio: the uio device name (/sys/class/uio/uioN/name); NULL for sim
 * @err:  set (possibly empty) on failure
 * Return: 0 or a negative errno.
 */
int transport_attach_named(struct dm_transport *t, unsigned int slot, struct virtio_mmio *dev,
			   const char *name, char *err, size_t errlen);

/* Constructors behind transport_new(): "sim" and "uio". */
struct dm_transport *sim_transport_new(struct event_loop *loop, const struct transport_opts *o,
				       char *err, size_t errlen);

struct dm_transport *uio_transport_new(struct event_loop *loop, const struct transport_opts *o,
				       char *err, size_t errlen);

#endif
