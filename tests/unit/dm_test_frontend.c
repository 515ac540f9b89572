// SPDX-License-Identifier: MIT
/* Test frontend: see dm_test_frontend.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "dm_test_frontend.h"

int tfe_mem_init(struct tfe_mem *m, uint64_t base, uint64_t size)
{
	m->memfd = memfd_create("tfe-guest-mem", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	/* the sim transport only maps memory that cannot shrink under it */
	if (m->memfd < 0 || ftruncate(m->memfd, (off_t)size) ||
	    fcntl(m->memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		return -errno;
	m->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, m->memfd, 0);
	if (m->map == MAP_FAILED)
		return -errno;
	m->base = base;
	m->size = size;
	m->brk = 0;
	return 0;
}

void tfe_mem_fini(struct tfe_mem *m)
{
	munmap(m->map, m->size);
	close(m->memfd);
}

uint64_t tfe_alloc(struct tfe_mem *m, uint64_t size, uint64_t align)
{
	uint64_t off = (m->brk + align - 1) & ~(align - 1);

	if (off + size > m->size)
		abort();
	m->brk = off + size;
	return m->base + off;
}

void *tfe_ptr(struct tfe_mem *m, uint64_t gpa)
{
	return m->map + (gpa - m->base);
}

/* ---- link -------------------------------------------------------------- */

void tfe_link_init(struct tfe_link *l, int sock)
{
	memset(l, 0, sizeof(*l));
	l->sock = sock;
}

int tfe_link_attach(struct tfe_link *l, unsigned int slot, struct tfe_mem *m)
{
	struct sim_msg msg = {
		.type = SIM_MSG_ATTACH, .slot = slot, .addr = m->base, .len = m->size
	};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = &msg, .iov_len = sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &m->memfd, sizeof(int));
	return sendmsg(l->sock, &mh, 0) == sizeof(msg) ? 0 : -errno;
}

static void tfe_link_note(struct tfe_link *l, const struct sim_msg *m)
{
	if (m->type == SIM_MSG_IRQ && m->slot < TFE_MAX_SLOTS)
		l->irqs[m->slot]++;
}

int tfe_link_drain(struct tfe_link *l)
{
	struct sim_msg m;
	int n = 0;

	while (recv(l->sock, &m, sizeof(m), MSG_DONTWAIT) == sizeof(m)) {
		tfe_link_note(l, &m);
		n++;
	}
	return n;
}

int tfe_link_poll(struct tfe_link *l, int timeout_ms)
{
	struct pollfd p = { .fd = l->sock, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	return tfe_link_drain(l);
}

/* ---- register access ---------------------------------------------------- */

void tfe_dev_init(struct tfe_dev *d, struct tfe_link *l, unsigned int slot,
		  struct virtio_mmio *direct, struct tfe_mem *mem)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->link = l;
	d->slot = slot;
	d->direct = direct;
	d->mem = mem;
	for (i = 0; i < TFE_MAX_VQS; i++) {
		d->vqs[i].dev = d;
		d->vqs[i].idx = i;
	}
}

uint32_t tfe_read(struct tfe_dev *d, uint32_t off, uint32_t size)
{
	struct sim_msg m = { .type = SIM_MSG_READ, .slot = d->slot, .offset = off, .size = size };

	if (d->direct)
		return mmio_read(d->direct, off, size);
	if (send(d->link->sock, &m, sizeof(m), MSG_NOSIGNAL) != sizeof(m))
		abort();
	for (;;) {
		if (recv(d->link->sock, &m, sizeof(m), 0) != sizeof(m))
			abort();
		if (m.type == SIM_MSG_REPLY)
			return (uint32_t)m.value;
		tfe_link_note(d->link, &m);
	}
}

void tfe_write(struct tfe_dev *d, uint32_t off, uint32_t size, uint32_t val)
{
	struct sim_msg m = {
		.type = SIM_MSG_WRITE, .slot = d->slot, .offset = off, .size = size, .value = val
	};

	if (d->direct) {
		mmio_write(d->direct, off, size, val);
		return;
	}
	if (send(d->link->sock, &m, sizeof(m), MSG_NOSIGNAL) != sizeof(m))
		abort();
}

uint32_t tfe_status(struct tfe_dev *d)
{
	return tfe_read32(d, VIRTIO_MMIO_STATUS);
}

static void tfe_set_status(struct tfe_dev *d, uint32_t bits)
{
	tfe_write32(d, VIRTIO_MMIO_STATUS, tfe_status(d) | bits);
}

uint32_t tfe_ack_irq(struct tfe_dev *d)
{
	uint32_t isr = tfe_read32(d, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (isr)
		tfe_write32(d, VIRTIO_MMIO_INTERRUPT_ACK, isr);
	return isr;
}

int tfe_probe(struct tfe_dev *d, uint64_t want)
{
	uint64_t f;

	/* virtio_mmio_probe(): magic, version, device id, vendor */
	if (tfe_read32(d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
		return -ENODEV;
	if (tfe_read32(d, VIRTIO_MMIO_VERSION) != 2)
		return -ENODEV;
	d->device_id = tfe_read32(d, VIRTIO_MMIO_DEVICE_ID);
	if (!d->device_id)
		return -ENODEV;
	(void)tfe_read32(d, VIRTIO_MMIO_VENDOR_ID);
	/* register_virtio_device(): reset, ACKNOWLEDGE, DRIVER */
	tfe_write32(d, VIRTIO_MMIO_STATUS, 0);
	if (tfe_status(d))
		return -EIO;
	tfe_set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	tfe_set_status(d, VIRTIO_CONFIG_S_DRIVER);
	/* vm_get_features() */
	tfe_write32(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)tfe_read32(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	tfe_write32(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f |= tfe_read32(d, VIRTIO_MMIO_DEVICE_FEATURES);
	d->dev_features = f;
	if (!(f & (1ULL << VIRTIO_F_VERSION_1)))
		return -EINVAL; /* vm_finalize_features() */
	d->features = f & want;
	tfe_write32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	tfe_write32(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(d->features >> 32));
	tfe_write32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	tfe_write32(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)d->features);
	/* virtio_features_ok(): set FEATURES_OK and read it back */
	tfe_set_status(d, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(tfe_status(d) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -EIO;
	return 0;
}

void tfe_write_addr(struct tfe_dev *d, uint32_t lo, uint64_t a)
{
	tfe_write32(d, lo, (uint32_t)a);
	tfe_write32(d, lo + 4, (uint32_t)(a >> 32));
}

int tfe_vq_setup(struct tfe_dev *d, unsigned int idx, uint16_t num)
{
	struct tfe_vq *vq = &d->vqs[idx];
	uint32_t max;
	unsigned int i;

	/* vm_setup_vq() */
	tfe_write32(d, VIRTIO_MMIO_QUEUE_SEL, idx);
	if (tfe_read32(d, VIRTIO_MMIO_QUEUE_READY))
		return -ENOENT;
	max = tfe_read32(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (!max)
		return -ENOENT;
	if (num > max)
		num = (uint16_t)max;
	if (num > 1024)
		return -EINVAL;
	vq->num = num;
	vq->desc_gpa = tfe_alloc(d->mem, 16ULL * num, 4096);
	vq->avail_gpa = tfe_alloc(d->mem, 6ULL + 2ULL * num, 2);
	vq->used_gpa = tfe_alloc(d->mem, 6ULL + 8ULL * num, 4096);
	vq->ind_gpa = tfe_alloc(d->mem, 16ULL * TFE_IND_MAX * num, 16);
	vq->desc = tfe_ptr(d->mem, vq->desc_gpa);
	vq->avail = tfe_ptr(d->mem, vq->avail_gpa);
	vq->used = tfe_ptr(d->mem, vq->used_gpa);
	memset(vq->desc, 0, 16ULL * num);
	memset(vq->avail, 0, 6ULL + 2ULL * num);
	memset(vq->used, 0, 6ULL + 8ULL * num);
	for (i = 0; i < num; i++)
		vq->desc[i].next = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->num_free = num;
	vq->avail_idx = vq->kicked = vq->last_used = 0;
	vq->event_idx = d->features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
	tfe_write32(d, VIRTIO_MMIO_QUEUE_NUM, num);
	tfe_write_addr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, vq->desc_gpa);
	tfe_write_addr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, vq->avail_gpa);
	tfe_write_addr(d, VIRTIO_MMIO_QUEUE_USED_LOW, vq->used_gpa);
	tfe_write32(d, VIRTIO_MMIO_QUEUE_READY, 1);
	if (tfe_read32(d, VIRTIO_MMIO_QUEUE_READY) != 1)
		return -EIO;
	vq->ready = true;
	return 0;
}

void tfe_driver_ok(struct tfe_dev *d)
{
	tfe_set_status(d, VIRTIO_CONFIG_S_DRIVER_OK);
}

/* ---- rings --------------------------------------------------------------- */

static void tfe_fill(struct vring_desc *dd, uint64_t gpa, uint32_t len, uint16_t flags)
{
	dd->addr = gpa;
	dd->len = len;
	dd->flags = flags;
}

int tfe_vq_add(struct tfe_vq *vq, const struct tfe_buf *out, unsigned int n_out,
	       const struct tfe_buf *in, unsigned int n_in, void *cookie, bool indirect)
{
	unsigned int total = n_out + n_in, i, need = indirect ? 1 : total;
	uint16_t head;

	if (!total || vq->num_free < need || (indirect && total > TFE_IND_MAX))
		return -ENOSPC;
	head = vq->free_head;
	if (indirect) {
		struct vring_desc *t =
			tfe_ptr(vq->dev->mem, vq->ind_gpa + 16ULL * TFE_IND_MAX * head);

		for (i = 0; i < total; i++) {
			const struct tfe_buf *b = i < n_out ? &out[i] : &in[i - n_out];
			uint16_t fl = (i < n_out ? 0 : VRING_DESC_F_WRITE) |
				      (i + 1 < total ? VRING_DESC_F_NEXT : 0);

			tfe_fill(&t[i], b->gpa, b->len, fl);
			t[i].next = (uint16_t)(i + 1);
		}
		vq->free_head = vq->desc[head].next;
		tfe_fill(&vq->desc[head], vq->ind_gpa + 16ULL * TFE_IND_MAX * head, 16 * total,
			 VRING_DESC_F_INDIRECT);
	} else {
		uint16_t cur = head;

		for (i = 0; i < total; i++) {
			const struct tfe_buf *b = i < n_out ? &out[i] : &in[i - n_out];
			uint16_t next = vq->desc[cur].next;

			tfe_fill(&vq->desc[cur], b->gpa, b->len,
				 (i < n_out ? 0 : VRING_DESC_F_WRITE) |
					 (i + 1 < total ? VRING_DESC_F_NEXT : 0));
			vq->desc[cur].next = next;
			cur = next;
		}
		vq->free_head = cur;
	}
	vq->num_free -= need;
	vq->chain_len[head] = (uint16_t)need;
	vq->cookie[head] = cookie;
	vq->avail->ring[vq->avail_idx % vq->num] = head;
	vq->avail_idx++;
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	return head;
}

uint16_t *tfe_vq_avail_event(struct tfe_vq *vq)
{
	/* it follows the used ring (§2.7.8) */
	return (uint16_t *)((uint8_t *)vq->used + 4 + 8U * vq->num);
}

bool tfe_vq_kick(struct tfe_vq *vq)
{
	bool need;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->event_idx) {
		uint16_t event = __atomic_load_n(tfe_vq_avail_event(vq), __ATOMIC_RELAXED);

		need = vring_need_event(event, vq->avail_idx, vq->kicked);
	} else {
		need = !(*(volatile uint16_t *)&vq->used->flags & VRING_USED_F_NO_NOTIFY);
	}
	vq->kicked = vq->avail_idx;
	if (need) {
		vq->dev->kicks++;
		tfe_write32(vq->dev, VIRTIO_MMIO_QUEUE_NOTIFY, vq->idx);
	}
	return need;
}

void *tfe_vq_get(struct tfe_vq *vq, uint32_t *len)
{
	struct vring_used_elem e;
	uint16_t head, i, n;
	void *cookie;

	if (__atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) == vq->last_used) {
		/* virtqueue_enable_cb(): publish, then check again */
		if (vq->event_idx)
			*(volatile uint16_t *)&vq->avail->ring[vq->num] = vq->last_used;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) == vq->last_used)
			return NULL;
	}
	e = vq->used->ring[vq->last_used % vq->num];
	head = (uint16_t)e.id;
	if (e.id >= vq->num || !vq->chain_len[head])
		abort(); /* the device returned a bogus head */
	/* return the chain's descriptors to the free list */
	n = vq->chain_len[head];
	i = head;
	while (--n)
		i = vq->desc[i].next;
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free += vq->chain_len[head];
	vq->chain_len[head] = 0;
	cookie = vq->cookie[head];
	vq->last_used++;
	if (vq->event_idx)
		*(volatile uint16_t *)&vq->avail->ring[vq->num] = vq->last_used;
	*len = e.len;
	return cookie;
}

void tfe_desc_set(struct vring_desc *d, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

void tfe_vq_publish(struct tfe_vq *vq, uint16_t head, uint16_t delta)
{
	vq->avail->ring[vq->avail_idx % vq->num] = head;
	vq->avail_idx = (uint16_t)(vq->avail_idx + delta);
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	tfe_write32(vq->dev, VIRTIO_MMIO_QUEUE_NOTIFY, vq->idx);
}

void tfe_vq_fill_avail(struct tfe_vq *vq, uint16_t head)
{
	unsigned int i;

	for (i = 0; i < vq->num; i++)
		vq->avail->ring[i] = head;
	vq->avail_idx = (uint16_t)(vq->avail_idx + vq->num);
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
}

/* ---- port ---------------------------------------------------------------- */

int tfe_port_init(struct tfe_port *p, struct tfe_dev *d, unsigned int rxq, unsigned int txq,
		  uint32_t buf_size)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->dev = d;
	p->rx = &d->vqs[rxq];
	p->tx = &d->vqs[txq];
	p->buf_size = buf_size;
	for (i = 0; i < TFE_PORT_BUFS; i++) {
		p->rx_gpa[i] = tfe_alloc(d->mem, buf_size, 64);
		p->tx_gpa[i] = tfe_alloc(d->mem, buf_size, 64);
		p->tx_free[i] = (uint8_t)i;
	}
	p->n_tx_free = TFE_PORT_BUFS;
	if (!p->rx->ready)
		return 0;
	for (i = 0; i < TFE_PORT_BUFS && i < p->rx->num; i++) {
		struct tfe_buf b = { p->rx_gpa[i], buf_size };

		if (tfe_vq_add(p->rx, NULL, 0, &b, 1, (void *)(uintptr_t)(i + 1), false) < 0)
			return -ENOSPC;
	}
	tfe_vq_kick(p->rx);
	return 0;
}

size_t tfe_port_send(struct tfe_port *p, const void *data, size_t len)
{
	struct tfe_buf b[2];
	unsigned int slot, nb = 1;
	size_t n = len < p->buf_size ? len : p->buf_size;

	if (!n || !p->n_tx_free || p->tx->num_free < 2)
		return 0;
	slot = p->tx_free[--p->n_tx_free];
	memcpy(tfe_ptr(p->dev->mem, p->tx_gpa[slot]), data, n);
	b[0].gpa = p->tx_gpa[slot];
	b[0].len = (uint32_t)n;
	/* Alternate layouts: split some buffers in two, some indirect. */
	if (n > 16 && (slot & 1)) {
		b[0].len = (uint32_t)(n / 2);
		b[1].gpa = b[0].gpa + n / 2;
		b[1].len = (uint32_t)(n - n / 2);
		nb = 2;
	}
	if (tfe_vq_add(p->tx, b, nb, NULL, 0, (void *)(uintptr_t)(slot + 1),
		       p->indirect && (slot & 2)) < 0) {
		p->tx_free[p->n_tx_free++] = (uint8_t)slot;
		return 0;
	}
	return n;
}

unsigned int tfe_port_reap_tx(struct tfe_port *p)
{
	unsigned int n = 0;
	uint32_t len;
	void *c;

	while ((c = tfe_vq_get(p->tx, &len))) {
		p->tx_free[p->n_tx_free++] = (uint8_t)((uintptr_t)c - 1);
		n++;
	}
	return n;
}

size_t tfe_port_poll_rx(struct tfe_port *p, void (*sink)(void *ctx, const uint8_t *d, size_t n),
			void *ctx)
{
	size_t total = 0;
	bool reposted = false;
	uint32_t len;
	void *c;

	while ((c = tfe_vq_get(p->rx, &len))) {
		unsigned int i = (unsigned int)((uintptr_t)c - 1);
		struct tfe_buf b = { p->rx_gpa[i], p->buf_size };

		if (len > p->buf_size)
			abort(); /* device claims more than the buffer */
		sink(ctx, tfe_ptr(p->dev->mem, p->rx_gpa[i]), len);
		total += len;
		tfe_vq_add(p->rx, NULL, 0, &b, 1, c, false);
		reposted = true;
	}
	if (reposted)
		tfe_vq_kick(p->rx);
	return total;
}

/* ---- virtio-net ------------------------------------------------------------ */

int tfe_net_init(struct tfe_net *n, struct tfe_dev *d, uint32_t rx_buf_size, unsigned int rx_bufs,
		 uint32_t tx_buf_size)
{
	unsigned int i;

	memset(n, 0, sizeof(*n));
	n->dev = d;
	n->rx = &d->vqs[0];
	n->tx = &d->vqs[1];
	n->rx_buf_size = rx_buf_size;
	n->tx_buf_size = tx_buf_size;
	n->mrg = d->features & (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	n->indirect = d->features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	for (i = 0; i < TFE_NET_BUFS; i++) {
		n->rx_gpa[i] = tfe_alloc(d->mem, rx_buf_size, 64);
		n->tx_gpa[i] = tfe_alloc(d->mem, tx_buf_size, 64);
		n->rx_free[i] = (uint8_t)(TFE_NET_BUFS - 1 - i);
		n->tx_free[i] = (uint8_t)i;
	}
	n->n_rx_free = n->n_tx_free = TFE_NET_BUFS;
	if (tfe_net_post_rx(n, rx_bufs) != rx_bufs)
		return -ENOSPC;
	return 0;
}

static bool tfe_net_post_one(struct tfe_net *n)
{
	struct tfe_buf b;
	unsigned int i;

	if (!n->n_rx_free || !n->rx->num_free)
		return false;
	i = n->rx_free[--n->n_rx_free];
	b.gpa = n->rx_gpa[i];
	b.len = n->rx_buf_size;
	if (tfe_vq_add(n->rx, NULL, 0, &b, 1, (void *)(uintptr_t)(i + 1), false) < 0) {
		n->rx_free[n->n_rx_free++] = (uint8_t)i;
		return false;
	}
	return true;
}

unsigned int tfe_net_post_rx(struct tfe_net *n, unsigned int count)
{
	unsigned int done = 0;

	while (done < count && tfe_net_post_one(n))
		done++;
	if (done)
		tfe_vq_kick(n->rx);
	return done;
}

int tfe_net_send(struct tfe_net *n, const void *frame, size_t len)
{
	const uint32_t hlen = sizeof(struct virtio_net_hdr_v1);
	unsigned int slot, nb = 0, layout = n->sent % 4;
	struct tfe_buf b[4];
	uint64_t gpa;

	if (!n->n_tx_free || n->tx->num_free < 4 || hlen + len > n->tx_buf_size)
		return -ENOSPC;
	slot = n->tx_free[--n->n_tx_free];
	gpa = n->tx_gpa[slot];
	memset(tfe_ptr(n->dev->mem, gpa), 0, hlen);
	memcpy(tfe_ptr(n->dev->mem, gpa + hlen), frame, len);
	if (layout == 0) {
		b[nb++] = (struct tfe_buf){ gpa, (uint32_t)(hlen + len) };
	} else {
		if (layout == 2) {
			/* §5.1.6.6: no assumption about framing, not even the header */
			b[nb++] = (struct tfe_buf){ gpa, 5 };
			b[nb++] = (struct tfe_buf){ gpa + 5, hlen - 5 };
		} else {
			b[nb++] = (struct tfe_buf){ gpa, hlen };
		}
		b[nb++] = (struct tfe_buf){ gpa + hlen, (uint32_t)len };
	}
	if (tfe_vq_add(n->tx, b, nb, NULL, 0, (void *)(uintptr_t)(slot + 1),
		       layout == 3 && n->indirect) < 0) {
		n->tx_free[n->n_tx_free++] = (uint8_t)slot;
		return -ENOSPC;
	}
	n->sent++;
	return 0;
}

unsigned int tfe_net_reap_tx(struct tfe_net *n)
{
	unsigned int done = 0;
	uint32_t len;
	void *c;

	while ((c = tfe_vq_get(n->tx, &len))) {
		n->tx_free[n->n_tx_free++] = (uint8_t)((uintptr_t)c - 1);
		done++;
	}
	return done;
}

/* Copy one used receive buffer out and give it back to the free list. */
static long tfe_net_take(struct tfe_net *n, uint8_t *dst, size_t room, size_t skip, uint32_t *len)
{
	void *c = tfe_vq_get(n->rx, len);
	unsigned int i;

	if (!c)
		return -EAGAIN;
	i = (unsigned int)((uintptr_t)c - 1);
	n->rx_free[n->n_rx_free++] = (uint8_t)i;
	if (*len > n->rx_buf_size || *len < skip || *len - skip > room)
		return -EIO;
	memcpy(dst, (uint8_t *)tfe_ptr(n->dev->mem, n->rx_gpa[i]) + skip, *len - skip);
	return (long)(*len - skip);
}

long tfe_net_recv(struct tfe_net *n, void *buf, size_t len, unsigned int *nbufs)
{
	const uint32_t hlen = sizeof(struct virtio_net_hdr_v1);
	struct virtio_net_hdr_v1 hdr;
	uint16_t used = n->rx->last_used;
	struct vring_used_elem e;
	size_t got = 0;
	unsigned int i, num, slot;
	uint32_t blen;
	long r;

	if (__atomic_load_n(&n->rx->used->idx, __ATOMIC_ACQUIRE) == used)
		return -EAGAIN;
	/* the header is in the first buffer: peek at it before taking it */
	e = n->rx->used->ring[used % n->rx->num];
	if (e.id >= n->rx->num || !n->rx->cookie[e.id])
		return -EIO;
	slot = (unsigned int)((uintptr_t)n->rx->cookie[e.id] - 1);
	memcpy(&hdr, tfe_ptr(n->dev->mem, n->rx_gpa[slot]), hlen);
	num = hdr.num_buffers;
	if (!num || (!n->mrg && num != 1))
		return -EIO;
	for (i = 0; i < num; i++) {
		r = tfe_net_take(n, (uint8_t *)buf + got, len - got, i ? 0 : hlen, &blen);
		if (r < 0)
			return -EIO; /* a buffer of the frame is missing: not all at once */
		/* §5.1.6.4: every buffer but the last is filled completely */
		if (i + 1 < num && blen != n->rx_buf_size)
			return -EIO;
		got += (size_t)r;
	}
	*nbufs = num;
	tfe_net_post_rx(n, num);
	return (long)got;
}

/* ---- streams ---------------------------------------------------------------- */

static void tfe_stream_sink(void *ctx, const uint8_t *d, size_t n)
{
	struct tfe_stream *s = ctx;

	if (s->guest_got + n > s->to_guest_len || memcmp(d, s->to_guest + s->guest_got, n))
		s->mismatches++;
	s->guest_got += n;
}

/*
 * Done when both sides have every byte and the device has returned every
 * transmit chain: a model killed after its write to the chardev but before
 * it returned the chain resends that write (docs/device-model.md "Restart"),
 * so a stream whose last chain is still out is not finished yet.
 */
static bool tfe_stream_done(const struct tfe_stream *s)
{
	return s->client_got >= s->to_host_len && s->guest_got >= s->to_guest_len &&
	       s->port->n_tx_free == TFE_PORT_BUFS;
}

static bool tfe_stream_step(struct tfe_stream *s)
{
	bool progress = false, queued = false;

	if (tfe_port_reap_tx(s->port))
		progress = true;
	while (s->queued < s->to_host_len) {
		size_t n =
			tfe_port_send(s->port, s->to_host + s->queued, s->to_host_len - s->queued);
		if (!n)
			break;
		s->queued += n;
		queued = true;
	}
	if (queued) {
		tfe_vq_kick(s->port->tx);
		progress = true;
	}
	if (tfe_port_poll_rx(s->port, tfe_stream_sink, s))
		progress = true;
	return progress;
}

static void tfe_stream_client(struct tfe_stream *s, short revents)
{
	ssize_t n;

	if (revents & POLLIN) {
		uint8_t buf[65536];

		n = read(s->client, buf, sizeof(buf));
		if (n > 0) {
			if (s->client_got + (size_t)n > s->to_host_len ||
			    memcmp(buf, s->to_host + s->client_got, (size_t)n))
				s->mismatches++;
			s->client_got += (size_t)n;
		}
	}
	if ((revents & POLLOUT) && s->client_put < s->to_guest_len) {
		size_t want = s->to_guest_len - s->client_put;

		n = write(s->client, s->to_guest + s->client_put, want < 65536 ? want : 65536);
		if (n > 0)
			s->client_put += (size_t)n;
	}
}

static uint64_t tfe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int tfe_streams_run(struct tfe_link *l, struct tfe_stream *s, unsigned int n, int timeout_ms)
{
	uint64_t end = tfe_now_ms() + (uint64_t)timeout_ms;
	struct pollfd pfd[1 + TFE_MAX_SLOTS];
	unsigned long seen[TFE_MAX_SLOTS] = { 0 };
	unsigned int i, done;

	for (;;) {
		for (i = 0, done = 0; i < n; i++) {
			unsigned int slot = s[i].port->dev->slot;

			/* vm_interrupt(): read and ack ISR, run callbacks */
			if (l->irqs[slot] != seen[slot]) {
				seen[slot] = l->irqs[slot];
				tfe_ack_irq(s[i].port->dev);
			}
			while (tfe_stream_step(&s[i]))
				;
			if (s[i].mismatches)
				return -EIO;
			done += tfe_stream_done(&s[i]);
		}
		if (done == n)
			return 0;
		if (tfe_now_ms() > end)
			return -ETIMEDOUT;
		pfd[0].fd = l->sock;
		pfd[0].events = POLLIN;
		for (i = 0; i < n; i++) {
			pfd[1 + i].fd = s[i].client;
			pfd[1 + i].events =
				POLLIN | (s[i].client_put < s[i].to_guest_len ? POLLOUT : 0);
		}
		if (poll(pfd, 1 + n, 1000) < 0 && errno != EINTR)
			return -errno;
		if (pfd[0].revents & POLLIN)
			tfe_link_drain(l);
		for (i = 0; i < n; i++)
			tfe_stream_client(&s[i], pfd[1 + i].revents);
	}
}

void tfe_stream_init(struct tfe_stream *s, struct tfe_port *port, size_t bytes, uint32_t seed)
{
	uint8_t *to_host = malloc(bytes), *to_guest = malloc(bytes);

	tfe_random(to_host, bytes, seed);
	tfe_random(to_guest, bytes, seed + 1000);
	s->port = port;
	s->to_host = to_host;
	s->to_host_len = bytes;
	s->to_guest = to_guest;
	s->to_guest_len = bytes;
}

void tfe_stream_fini(struct tfe_stream *s)
{
	close(s->client);
	free((void *)s->to_host);
	free((void *)s->to_guest);
}

int tfe_unix_connect(const char *path, int timeout_ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int i;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	for (i = 0; i < timeout_ms / 10 + 1; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		close(fd);
		usleep(10000);
	}
	return -ETIMEDOUT;
}

void tfe_random(uint8_t *buf, size_t len, uint32_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		/* xorshift64*: reproducible "random" bytes */
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		buf[i] = (uint8_t)((x * 0x2545f4914f6cdd1dULL) >> 56);
	}
}
