/* SPDX-License-Identifier: MIT */
/*
 * In-process device model for tests: the real objects (sim transport,
 * socket chardevs, consoles, socket netdevs, virtio-net) run their event
 * loop on a thread; the test talks to them only through the sim socket,
 * the chardev sockets and the netdevs' peer sockets.
 */
#ifndef DM_FIXTURE_H
#define DM_FIXTURE_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "dm/chardev.h"
#include "dm/console.h"
#include "dm/net.h"
#include "dm/netdev.h"
#include "dm/transport.h"
#include "dm_test_frontend.h"

#define FX_MAX_CD  8
#define FX_MAX_DEV 4

struct dm_fixture {
	struct event_loop loop;
	pthread_t thread;
	int sv[2];
	struct dm_transport *t;
	struct chardev *cd[FX_MAX_CD];
	char path[FX_MAX_CD][108];
	unsigned int n_cd;
	struct virtio_console *con[FX_MAX_DEV];
	unsigned int n_con;
	struct netdev *nd[FX_MAX_DEV];
	int peer[FX_MAX_DEV]; /* the other end of each netdev: the "wire" */
	struct virtio_net *net[FX_MAX_DEV];
	unsigned int n_net;
	unsigned int n_slots;
	struct tfe_link link;
};

static void *fx_thread(void *arg)
{
	struct dm_fixture *fx = arg;

	el_run(&fx->loop);
	return NULL;
}

static inline int fx_init(struct dm_fixture *fx)
{
	struct transport_opts to = { .type = "sim", .id = "sim0" };
	char err[256];

	memset(fx, 0, sizeof(*fx));
	if (el_init(&fx->loop) || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fx->sv))
		return -1;
	to.fd = fx->sv[1];
	fx->t = sim_transport_new(&fx->loop, &to, err, sizeof(err));
	if (!fx->t) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	tfe_link_init(&fx->link, fx->sv[0]);
	return 0;
}

/* A socket chardev at a fresh path; returns its index. */
static inline int fx_socket(struct dm_fixture *fx, const char *id)
{
	struct chardev_opts o = { .backend = "socket", .server = true };
	char err[256];
	unsigned int i = fx->n_cd;

	snprintf(o.id, sizeof(o.id), "%s", id);
	snprintf(fx->path[i], sizeof(fx->path[i]), "/tmp/dm-test-%d-%s.sock", (int)getpid(), id);
	snprintf(o.path, sizeof(o.path), "%s", fx->path[i]);
	fx->cd[i] = chardev_new(&fx->loop, &o, err, sizeof(err));
	if (!fx->cd[i]) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	fx->n_cd++;
	return (int)i;
}

static inline struct virtio_console *fx_console(struct dm_fixture *fx, unsigned int max_ports,
						int cd_idx)
{
	struct console_opts o = {
		.max_ports = max_ports, .cols = 80, .rows = 25, .access_platform = true
	};
	struct virtio_console *con;

	snprintf(o.id, sizeof(o.id), "vc%u", fx->n_con);
	con = console_new(&o);
	if (!con)
		return NULL;
	if (cd_idx >= 0)
		console_add_port(con, 0, fx->cd[cd_idx], true, NULL);
	transport_attach(fx->t, fx->n_slots++, console_mmio(con));
	fx->con[fx->n_con++] = con;
	return con;
}

/*
 * A virtio-net device on the next slot, its -netdev socket on one end of
 * a SOCK_SEQPACKET pair; the test holds the other (fx->peer[i]).
 */
static inline struct virtio_net *fx_net(struct dm_fixture *fx, const struct net_opts *o)
{
	struct netdev_opts no = { .backend = "socket" };
	unsigned int i = fx->n_net;
	char err[256];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return NULL;
	snprintf(no.id, sizeof(no.id), "nd%u", i);
	no.fd = sv[0];
	fx->nd[i] = netdev_new(&fx->loop, &no, err, sizeof(err));
	if (!fx->nd[i]) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	fx->peer[i] = sv[1];
	fx->net[i] = net_new(o, fx->nd[i]);
	if (!fx->net[i])
		return NULL;
	transport_attach(fx->t, fx->n_slots++, net_mmio(fx->net[i]));
	fx->n_net++;
	return fx->net[i];
}

static inline int fx_start(struct dm_fixture *fx)
{
	return pthread_create(&fx->thread, NULL, fx_thread, fx);
}

/* Stop the model (it stops when its frontend goes away); objects stay for inspection. */
static inline void fx_stop(struct dm_fixture *fx)
{
	if (fx->sv[0] < 0)
		return;
	close(fx->sv[0]);
	fx->sv[0] = -1;
	pthread_join(fx->thread, NULL);
}

static inline void fx_fini(struct dm_fixture *fx)
{
	unsigned int i;

	fx_stop(fx);
	transport_free(fx->t);
	for (i = 0; i < fx->n_con; i++)
		console_free(fx->con[i]);
	for (i = 0; i < fx->n_net; i++) {
		net_free(fx->net[i]);
		netdev_free(fx->nd[i]);
		close(fx->peer[i]);
	}
	for (i = 0; i < fx->n_cd; i++)
		chardev_free(fx->cd[i]);
	el_fini(&fx->loop);
}

#endif
