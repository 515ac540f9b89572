// SPDX-License-Identifier: MIT
/* Transport registry: see dm/transport.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dm/transport.h"

static const struct {
	const char *name;
	struct dm_transport *(*create)(struct event_loop *loop, const struct transport_opts *o,
				       char *err, size_t errlen);
} transports[] = {
	{ "sim", sim_transport_new },
	{ "uio", uio_transport_new },
};

struct dm_transport *transport_new(struct event_loop *loop, const struct transport_opts *o,
				   char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
		if (strcmp(o->type, transports[i].name))
			continue;
		if (!transports[i].create) {
			snprintf(err, errlen, "-transport %s: not available yet (remote I/O)",
				 o->type);
			return NULL;
		}
		return transports[i].create(loop, o, err, errlen);
	}
	snprintf(err, errlen, "-transport: unknown type '%s'", o->type);
	return NULL;
}

void transport_free(struct dm_transport *t)
{
	if (t)
		t->ops->destroy(t);
}

int transport_attach(struct dm_transport *t, unsigned int slot, struct virtio_mmio *dev)
{
	char err[8];

	return transport_attach_named(t, slot, dev, NULL, err, sizeof(err));
}

int transport_attach_named(struct dm_transport *t, unsigned int slot, struct virtio_mmio *dev,
			   const char *name, char *errbuf, size_t errlen)
{
	int err;

	errbuf[0] = '\0';
	if (slot >= TRANSPORT_MAX_SLOTS)
		return -EINVAL;
	err = t->ops->attach(t, slot, dev, name, errbuf, errlen);
	if (!err && slot >= t->nslots)
		t->nslots = slot + 1;
	return err;
}
