/* SPDX-License-Identifier: MIT */
/*
 * Transports deliver a frontend's register accesses to a device's
 * virtio-mmio register file and carry its interrupt back:
 *
 *   request {slot, offset, size, is_write, value}  ->  mmio_read/mmio_write
 *   mmio irq_raise                                 ->  frontend interrupt
 *
 * and own the guest memory window of each slot.  "sim" serves a test
 * frontend over a socket (dm/transport/sim.c).  "uio" is the slot for the
 * hypervisor transport (remote I/O issue: request ring + shared window
 * mapped from /dev/uioN); it is deliberately not implemented here.
 */
#ifndef DM_TRANSPORT_H
#define DM_TRANSPORT_H

#include <stddef.h>

#include "dm/event_loop.h"
#include "dm/mmio.h"

#define TRANSPORT_ID_MAX	32
#define TRANSPORT_MAX_SLOTS	16

struct dm_transport;

/** struct transport_opts - parsed -transport options */
struct transport_opts {
	char type[16];
	char id[TRANSPORT_ID_MAX];
	int fd;				/* sim: inherited socket, or -1 */
	char path[108];			/* sim: unix socket to connect to */
};

struct dm_transport_ops {
	const char *name;
	/* bind @dev to frontend device number @slot */
	int (*attach)(struct dm_transport *t, unsigned int slot,
		      struct virtio_mmio *dev);
	void (*destroy)(struct dm_transport *t);
};

struct dm_transport {
	const struct dm_transport_ops *ops;
	char id[TRANSPORT_ID_MAX];
	struct event_loop *loop;
	unsigned int nslots;		/* attached so far (default slot) */
};

/**
 * transport_new() - create a transport from options
 * @err: on failure, a message naming the offending option
 */
struct dm_transport *transport_new(struct event_loop *loop,
				   const struct transport_opts *o, char *err,
				   size_t errlen);
void transport_free(struct dm_transport *t);
int transport_attach(struct dm_transport *t, unsigned int slot,
		     struct virtio_mmio *dev);

struct dm_transport *sim_transport_new(struct event_loop *loop,
				       const struct transport_opts *o,
				       char *err, size_t errlen);

#endif
