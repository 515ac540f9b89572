// SPDX-License-Identifier: MIT
/*
 * Simulation transport: a test frontend drives the virtio-mmio register
 * protocol over a SOCK_SEQPACKET socket (dm/sim_proto.h) and owns guest
 * memory, which it shares as a memfd.  It behaves like the hypervisor
 * transport will: requests of one socket are served strictly in order,
 * writes are posted, reads answered, interrupts sent when raised.
 *
 * Never blocks: when the frontend does not drain its socket, answers are
 * queued and no further requests are read until they are out (bounded);
 * interrupts meanwhile are coalesced into one per slot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "dm/sim_proto.h"
#include "dm/transport.h"

#define SIM_OUTQ  64
#define SIM_BATCH 256 /* requests per wakeup, for fairness */

struct sim_transport;

struct sim_slot {
	struct sim_transport *t;
	unsigned int idx;
	struct virtio_mmio *dev;
	struct dm_window win;
	void *map;
	size_t map_len;
	bool irq_owed;
};

struct sim_transport {
	struct dm_transport base;
	int fd;
	struct el_handler h;
	struct sim_slot slots[TRANSPORT_MAX_SLOTS];
	struct sim_msg outq[SIM_OUTQ];
	unsigned int out_head, out_count;
	bool dead; /* the frontend is gone: stop */
	struct dm_ratelimit rl;
};

static struct sim_transport *to_sim(struct dm_transport *t)
{
	return (struct sim_transport *)t;
}

static bool sim_irq_owed(const struct sim_transport *s)
{
	unsigned int i;

	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++)
		if (s->slots[i].irq_owed)
			return true;
	return false;
}

/* Does a device have work left from its budget (mmio_defer())? */
static bool sim_work_owed(const struct sim_transport *s)
{
	unsigned int i;

	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++)
		if (s->slots[i].dev && s->slots[i].dev->deferred)
			return true;
	return false;
}

static void sim_update(struct sim_transport *s)
{
	uint32_t ev = 0;

	if (s->fd < 0)
		return;
	if (!s->out_count)
		ev |= EPOLLIN;
	/* deferred work: EPOLLOUT brings us back on the next loop turn */
	if (s->out_count || sim_irq_owed(s) || sim_work_owed(s))
		ev |= EPOLLOUT;
	el_set(s->base.loop, &s->h, ev);
}

static int sim_send_now(struct sim_transport *s, const struct sim_msg *m)
{
	ssize_t n;

	if (s->fd < 0 || s->dead)
		return -EPIPE;
	n = send(s->fd, m, sizeof(*m), MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n == (ssize_t)sizeof(*m))
		return 0;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -EAGAIN;
	/* A queued answer could never leave: don't wait for EPOLLOUT. */
	s->dead = true;
	return n < 0 ? -errno : -EIO;
}

static void sim_reply(struct sim_transport *s, const struct sim_msg *m)
{
	if (!s->out_count && !sim_send_now(s, m))
		return;
	if (s->dead)
		return;
	if (s->out_count == SIM_OUTQ) {
		dm_log_rl(&s->rl, "sim: reply queue full, reply dropped");
		return;
	}
	s->outq[(s->out_head + s->out_count) % SIM_OUTQ] = *m;
	s->out_count++;
	sim_update(s);
}

static void sim_send_irq(struct sim_slot *slot)
{
	struct sim_transport *s = slot->t;
	struct sim_msg m = {
		.type = SIM_MSG_IRQ,
		.slot = slot->idx,
		.value = slot->dev ? slot->dev->isr : 0,
	};

	if (s->fd < 0 || s->dead)
		return;
	if (!s->out_count && !sim_send_now(s, &m)) {
		slot->irq_owed = false;
		return;
	}
	if (s->dead)
		return;
	/* One pending edge per slot is enough: the driver reads the ISR. */
	slot->irq_owed = true;
	sim_update(s);
}

static void sim_irq_raise(void *opaque)
{
	sim_send_irq(opaque);
}

static void sim_defer(void *opaque)
{
	struct sim_slot *slot = opaque;

	sim_update(slot->t);
}

/* The sim frontend reads InterruptStatus itself: notifications are not put off. */
static const struct mmio_host_ops sim_host_ops = {
	.irq_raise = sim_irq_raise,
	.defer = sim_defer,
};

/* One turn of every device's deferred work, in slot order. */
static void sim_resume(struct sim_transport *s)
{
	unsigned int i;

	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++)
		if (s->slots[i].dev && s->slots[i].dev->deferred)
			mmio_resume(s->slots[i].dev);
}

static void sim_flush(struct sim_transport *s)
{
	unsigned int i;

	while (s->out_count) {
		if (sim_send_now(s, &s->outq[s->out_head]))
			return;
		s->out_head = (s->out_head + 1) % SIM_OUTQ;
		s->out_count--;
	}
	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++)
		if (s->slots[i].irq_owed)
			sim_send_irq(&s->slots[i]);
}

static void sim_unmap(struct sim_slot *slot)
{
	if (slot->map)
		munmap(slot->map, slot->map_len);
	slot->map = NULL;
	slot->map_len = 0;
	window_init(&slot->win, 0, 0, NULL);
}

/* Could @memfd be (or become) shorter than @len bytes? */
static bool sim_memfd_short(int memfd, uint64_t len)
{
	struct stat st;
	int seals = fcntl(memfd, F_GET_SEALS);

	if (seals < 0 || !(seals & F_SEAL_SHRINK) || fstat(memfd, &st) || st.st_size < 0)
		return true;
	return (uint64_t)st.st_size < len;
}

static void sim_attach_mem(struct sim_transport *s, const struct sim_msg *m, int memfd)
{
	struct sim_slot *slot;
	void *map;

	if (m->slot >= TRANSPORT_MAX_SLOTS || !s->slots[m->slot].dev || memfd < 0 || !m->len ||
	    m->len > SIZE_MAX / 2) {
		dm_log_rl(&s->rl, "sim: bad attach of slot %u", m->slot);
		return;
	}
	/*
	 * Pages of a mapping past the end of its file raise SIGBUS on access:
	 * the memfd must hold the whole window, and stay so (F_SEAL_SHRINK).
	 */
	if (sim_memfd_short(memfd, m->len)) {
		dm_log_rl(&s->rl,
			  "sim: slot %u: memfd smaller than %#llx or not sealed against shrinking",
			  m->slot, (unsigned long long)m->len);
		return;
	}
	slot = &s->slots[m->slot];
	/* Queues point into the old window: reset the device first. */
	mmio_write(slot->dev, VIRTIO_MMIO_STATUS, 4, 0);
	sim_unmap(slot);
	map = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (map == MAP_FAILED) {
		dm_log_rl(&s->rl, "sim: slot %u: mmap: %s", m->slot, strerror(errno));
		return;
	}
	slot->map = map;
	slot->map_len = m->len;
	window_init(&slot->win, m->addr, m->len, map);
}

static void sim_handle(struct sim_transport *s, const struct sim_msg *m, int memfd)
{
	struct virtio_mmio *dev = NULL;
	struct sim_msg r;

	if (m->slot < TRANSPORT_MAX_SLOTS)
		dev = s->slots[m->slot].dev;
	switch (m->type) {
	case SIM_MSG_ATTACH:
		sim_attach_mem(s, m, memfd);
		break;
	case SIM_MSG_READ:
		r = *m;
		r.type = SIM_MSG_REPLY;
		/* No device: read as an empty slot (Linux sees magic 0). */
		r.value = dev && m->offset < DM_MMIO_WINDOW_SIZE
				  ? mmio_read(dev, m->offset, m->size)
				  : 0;
		sim_reply(s, &r);
		break;
	case SIM_MSG_WRITE:
		if (dev && m->offset < DM_MMIO_WINDOW_SIZE)
			mmio_write(dev, m->offset, m->size, (uint32_t)m->value);
		else
			dm_log_rl(&s->rl, "sim: write to slot %u off %#x ignored", m->slot,
				  m->offset);
		break;
	default:
		dm_log_rl(&s->rl, "sim: unknown message type %u", m->type);
		break;
	}
}

static void sim_hangup(struct sim_transport *s)
{
	dm_log("sim transport %s: frontend closed the connection", s->base.id);
	el_set(s->base.loop, &s->h, 0);
	close(s->fd);
	s->fd = -1;
	el_stop(s->base.loop);
}

/* Receive one message (and an fd passed with it). 1, 0 = none, <0 = gone */
static int sim_recv(struct sim_transport *s, struct sim_msg *m, int *memfd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	*memfd = -1;
	n = recvmsg(s->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -EPIPE;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(memfd, CMSG_DATA(c), sizeof(int));
	if (n != sizeof(*m) || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		dm_log_rl(&s->rl, "sim: malformed message (%zd bytes)", n);
		if (*memfd >= 0)
			close(*memfd);
		*memfd = -1;
		m->type = 0;
	}
	return 1;
}

static void sim_cb(struct el_handler *h, uint32_t events)
{
	struct sim_transport *s =
		(struct sim_transport *)((char *)h - offsetof(struct sim_transport, h));
	struct sim_msg m;
	unsigned int n;

	if (events & EPOLLOUT)
		sim_flush(s);
	sim_resume(s);
	for (n = 0; n < SIM_BATCH && !s->out_count && !s->dead && s->fd >= 0; n++) {
		int memfd;
		int r = sim_recv(s, &m, &memfd);

		if (r < 0) {
			sim_hangup(s);
			return;
		}
		if (!r)
			break;
		if (m.type)
			sim_handle(s, &m, memfd);
		if (memfd >= 0)
			close(memfd);
	}
	if (s->fd >= 0 && (s->dead || ((events & (EPOLLHUP | EPOLLERR)) && n == 0))) {
		sim_hangup(s);
		return;
	}
	sim_update(s);
}

static int sim_attach(struct dm_transport *t, unsigned int slot, struct virtio_mmio *dev,
		      const char *name, char *err, size_t errlen)
{
	struct sim_transport *s = to_sim(t);

	if (name) {
		snprintf(
			err, errlen,
			"-device: transport '%s' (sim) numbers devices by slot=, it takes no name=",
			t->id);
		return -EINVAL;
	}
	if (s->slots[slot].dev)
		return -EBUSY;
	s->slots[slot].dev = dev;
	mmio_attach(dev, &s->slots[slot].win, &sim_host_ops, &s->slots[slot]);
	return 0;
}

static void sim_destroy(struct dm_transport *t)
{
	struct sim_transport *s = to_sim(t);
	unsigned int i;

	if (s->fd >= 0) {
		el_set(t->loop, &s->h, 0);
		close(s->fd);
	}
	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++) {
		if (s->slots[i].dev)
			mmio_attach(s->slots[i].dev, NULL, NULL, NULL);
		sim_unmap(&s->slots[i]);
	}
	free(s);
}

static const struct dm_transport_ops sim_ops = {
	.name = "sim",
	.attach = sim_attach,
	.destroy = sim_destroy,
};

static int sim_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

struct dm_transport *sim_transport_new(struct event_loop *loop, const struct transport_opts *o,
				       char *err, size_t errlen)
{
	struct sim_transport *s;
	unsigned int i;
	int fd = o->fd;

	if (o->root[0] || o->poll_us) {
		snprintf(err, errlen, "-transport sim: '%s' is for uio",
			 o->root[0] ? "root" : "poll");
		return NULL;
	}
	if (fd < 0 && !o->path[0]) {
		snprintf(err, errlen, "-transport sim: 'fd' or 'path' is required");
		return NULL;
	}
	if (fd < 0) {
		fd = sim_connect(o->path);
		if (fd < 0) {
			snprintf(err, errlen, "-transport sim: path=%s: %s", o->path,
				 strerror(-fd));
			return NULL;
		}
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "-transport sim: fd=%d: %s", fd, strerror(errno));
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->base.ops = &sim_ops;
	s->base.loop = loop;
	snprintf(s->base.id, sizeof(s->base.id), "%s", o->id);
	s->fd = fd;
	dm_ratelimit_init(&s->rl);
	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++) {
		s->slots[i].t = s;
		s->slots[i].idx = i;
	}
	el_handler_init(&s->h, fd, sim_cb);
	if (el_set(loop, &s->h, EPOLLIN)) {
		snprintf(err, errlen, "-transport sim: fd=%d: cannot poll", fd);
		free(s);
		return NULL;
	}
	return &s->base;
}
