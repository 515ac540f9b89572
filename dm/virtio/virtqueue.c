// SPDX-License-Identifier: MIT
/*
 * Split virtqueue core (virtio v1.2 §2.7).
 *
 * The rings live in memory the (hostile) driver can change at any moment, so
 * every field is read exactly once into a local and validated there; only
 * the local copy is used afterwards.  Descriptors are copied with
 * window_read(), so an oddly aligned indirect table cannot cause an
 * unaligned access, not even on a Device-memory window (uio transport).
 * Ring indices and used elements are accessed with single aligned 16/32-bit
 * volatile or acquire/release accesses for the same reason.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <linux/virtio_config.h>

#include "dm/virtqueue.h"

static inline uint16_t vq_load16(const void *p)
{
	return le16toh(*(const volatile uint16_t *)p);
}

static inline uint16_t vq_load16_acquire(const uint16_t *p)
{
	return le16toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

/* used_event lives right after the avail ring (§2.7.6). */
static inline uint16_t *vq_used_event(struct virtqueue *vq)
{
	return &vq->avail->ring[vq->num];
}

/* avail_event lives right after the used ring (§2.7.8). */
static inline uint16_t *vq_avail_event(struct virtqueue *vq)
{
	return (uint16_t *)((uint8_t *)vq->used + offsetof(struct vring_used, ring) +
			    sizeof(struct vring_used_elem) * vq->num);
}

void vq_init(struct virtqueue *vq, unsigned int index, uint16_t num_max, struct dm_ratelimit *rl,
	     const char *owner)
{
	memset(vq, 0, sizeof(*vq));
	vq->index = index;
	vq->num_max = num_max;
	vq->rl = rl;
	vq->owner = owner;
	vq_reset(vq);
}

void vq_reset(struct virtqueue *vq)
{
	vq->num = vq->num_max; /* §4.2.2: QueueNum defaults are ours */
	vq->desc_addr = vq->avail_addr = vq->used_addr = 0;
	vq->ready = false;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	vq->last_avail = vq->used_idx = vq->signalled_used = 0;
	vq->signalled_valid = false;
	vq->lazy = false;
	vq->poll_seen = vq->kick_credit = 0;
	vq->poll_idle = 0;
	vq->poll_off = false;
	vq->event_idx = vq->indirect = false;
	vq->win = NULL;
}

static void *vq_map_part(const struct dm_window *win, uint64_t addr, uint64_t len,
			 unsigned int align, int *err)
{
	void *p;

	if (addr & (align - 1)) {
		*err = -EINVAL;
		return NULL;
	}
	p = window_ptr(win, addr, len);
	if (!p) {
		*err = -EFAULT;
		return NULL;
	}
	/* The host view must be aligned too for the atomic index accesses. */
	if ((uintptr_t)p & (align - 1)) {
		*err = -EINVAL;
		return NULL;
	}
	return p;
}

int vq_enable(struct virtqueue *vq, const struct dm_window *win, uint64_t features)
{
	int err = 0;

	if (!vq->num || vq->num > vq->num_max || (vq->num & (vq->num - 1)))
		return -EINVAL;
	vq->desc = vq_map_part(win, vq->desc_addr, VQ_DESC_SIZE(vq->num), VQ_DESC_ALIGN, &err);
	vq->avail = vq_map_part(win, vq->avail_addr, VQ_AVAIL_SIZE(vq->num), VQ_AVAIL_ALIGN, &err);
	vq->used = vq_map_part(win, vq->used_addr, VQ_USED_SIZE(vq->num), VQ_USED_ALIGN, &err);
	if (err) {
		vq->desc = NULL;
		vq->avail = NULL;
		vq->used = NULL;
		return err;
	}
	vq->win = win;
	vq->event_idx = features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
	vq->indirect = features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	/*
	 * §2.7.6, §2.7.8: both indices start at 0 on a fresh queue.  Never
	 * take them from memory here: QueueReady is a posted write, so by
	 * the time we handle it the driver may already have made buffers
	 * available (a bare-metal driver that does not read between the two
	 * does), and starting at its avail->idx would lose them.
	 */
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->signalled_valid = false;
	vq->lazy = false;
	vq->ready = true;
	return 0;
}

int vq_restore(struct virtqueue *vq, const struct dm_window *win, uint64_t features)
{
	uint16_t pending;
	int err = vq_enable(vq, win, features);

	if (err)
		return err;
	/*
	 * Chains are pushed in the order they were popped, so everything up to
	 * used->idx is done and anything popped but not completed by the
	 * previous device model must be taken again.
	 */
	vq->used_idx = vq_load16(&vq->used->idx);
	pending = (uint16_t)(vq_load16(&vq->avail->idx) - vq->used_idx);
	if (pending > vq->num) {
		vq_reset(vq);
		return -EINVAL;
	}
	vq->last_avail = vq->used_idx;
	/*
	 * A model killed while it polled left notifications suppressed
	 * (vq_notify_disable()): ask for them again, or this queue's driver
	 * would never notify us.
	 */
	vq_notify_enable(vq);
	return 0;
}

static int vq_add_buf(const struct virtqueue *vq, struct vq_chain *c, const struct vring_desc *d)
{
	uint64_t addr = le64toh(d->addr);
	uint32_t len = le32toh(d->len);
	bool write = le16toh(d->flags) & VRING_DESC_F_WRITE;
	unsigned int n = c->n_out + c->n_in;
	void *p;

	if (n >= VQ_MAX_IOV)
		return -E2BIG;
	/* §2.7.4.2: device-writable buffers follow the readable ones. */
	if (!write && c->n_in)
		return -EINVAL;
	p = window_ptr(vq->win, addr, len);
	if (!p)
		return -EFAULT;
	c->iov[n].iov_base = p;
	c->iov[n].iov_len = len;
	if (write) {
		c->n_in++;
		c->in_len += len;
	} else {
		c->n_out++;
		c->out_len += len;
	}
	return 0;
}

/*
 * Walk an indirect table (§2.7.5.3).  Its own chain is bounded by its entry
 * count, and it must not contain further indirect descriptors.
 */
static int vq_walk_indirect(const struct virtqueue *vq, struct vq_chain *c,
			    const struct vring_desc *ind)
{
	uint32_t len = le32toh(ind->len);
	const uint8_t *table;
	uint32_t n, i = 0, count = 0;
	struct vring_desc d;

	if (!vq->indirect)
		return -EINVAL;
	if (le16toh(ind->flags) & VRING_DESC_F_NEXT)
		return -EINVAL; /* §2.7.5.3.1 */
	if (!len || len % sizeof(struct vring_desc))
		return -EINVAL;
	n = len / sizeof(struct vring_desc);
	if (n > vq->num)
		return -E2BIG; /* §2.7.5.3.1: no longer than size */
	table = window_ptr(vq->win, le64toh(ind->addr), len);
	if (!table)
		return -EFAULT;
	for (;;) {
		if (++count > n)
			return -ELOOP;
		window_read(vq->win, &d, table + (size_t)i * sizeof(d), sizeof(d));
		if (le16toh(d.flags) & VRING_DESC_F_INDIRECT)
			return -EINVAL; /* nested indirect */
		int err = vq_add_buf(vq, c, &d);

		if (err)
			return err;
		if (!(le16toh(d.flags) & VRING_DESC_F_NEXT))
			return 0;
		i = le16toh(d.next);
		if (i >= n)
			return -EINVAL;
	}
}

static int vq_walk(const struct virtqueue *vq, struct vq_chain *c, uint16_t head)
{
	unsigned int count = 0;
	uint16_t i = head;
	struct vring_desc d;

	for (;;) {
		/* A chain may not be longer than the queue (§2.7.5.2). */
		if (++count > vq->num)
			return -ELOOP;
		window_read(vq->win, &d, vq->desc + (size_t)i * sizeof(d), sizeof(d));
		uint16_t flags = le16toh(d.flags);
		int err;

		if (flags & VRING_DESC_F_INDIRECT)
			return vq_walk_indirect(vq, c, &d);
		err = vq_add_buf(vq, c, &d);
		if (err)
			return err;
		if (!(flags & VRING_DESC_F_NEXT))
			return 0;
		i = le16toh(d.next);
		if (i >= vq->num)
			return -EINVAL;
	}
}

int vq_pop(struct virtqueue *vq, struct vq_chain *c)
{
	uint16_t avail_idx, pending, head;
	int err;

	if (!vq->ready)
		return -ENODEV;
	avail_idx = vq_load16_acquire(&vq->avail->idx);
	pending = (uint16_t)(avail_idx - vq->last_avail);
	if (!pending)
		return 0;
	if (pending > vq->num) {
		dm_log_rl(vq->rl, "%s: vq %u: avail idx %u jumped from %u (size %u)", vq->owner,
			  vq->index, avail_idx, vq->last_avail, vq->num);
		return -EINVAL;
	}
	head = vq_load16(&vq->avail->ring[vq->last_avail % vq->num]);
	if (head >= vq->num) {
		dm_log_rl(vq->rl, "%s: vq %u: head %u >= size %u", vq->owner, vq->index, head,
			  vq->num);
		return -EINVAL;
	}
	c->head = head;
	c->n_out = c->n_in = 0;
	c->out_len = c->in_len = 0;
	err = vq_walk(vq, c, head);
	if (err) {
		dm_log_rl(vq->rl, "%s: vq %u: bad chain at head %u: errno %d", vq->owner, vq->index,
			  head, -err);
		return err;
	}
	vq->last_avail++;
	return 1;
}

void vq_unpop(struct virtqueue *vq)
{
	vq->last_avail--;
}

/* Two separate 32-bit stores: never merged into one (Device memory). */
static void vq_put_used(struct virtqueue *vq, uint16_t idx, uint32_t head, uint32_t len)
{
	struct vring_used_elem *e = &vq->used->ring[idx % vq->num];

	*(volatile uint32_t *)&e->id = htole32(head);
	*(volatile uint32_t *)&e->len = htole32(len);
}

void vq_push(struct virtqueue *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem e = { .id = head, .len = len };

	vq_push_n(vq, &e, 1);
}

void vq_push_n(struct virtqueue *vq, const struct vring_used_elem *e, unsigned int n)
{
	unsigned int i;

	if (!vq->ready || !n)
		return;
	for (i = 0; i < n; i++)
		vq_put_used(vq, (uint16_t)(vq->used_idx + i), e[i].id, e[i].len);
	vq->used_idx = (uint16_t)(vq->used_idx + n);
	/* §2.7.8: the elements must be visible before the index. */
	__atomic_store_n(&vq->used->idx, htole16(vq->used_idx), __ATOMIC_RELEASE);
}

/* §2.7.10: does the driver want a notification for what we pushed? */
uint32_t vq_used_len(const struct virtqueue *vq, uint16_t idx)
{
	if (!vq->ready)
		return 0;
	return le32toh(*(const volatile uint32_t *)&vq->used->ring[idx % vq->num].len);
}

static bool vq_notify_wanted(struct virtqueue *vq)
{
	/* Order our used->idx store before reading the driver's event. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx)
		return !(vq_load16(&vq->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
	return !vq->signalled_valid ||
	       vring_need_event(vq_load16(vq_used_event(vq)), vq->used_idx, vq->signalled_used);
}

bool vq_need_notify(struct virtqueue *vq)
{
	bool need;

	if (!vq->ready)
		return false;
	need = vq_notify_wanted(vq);
	if (vq->event_idx) {
		vq->signalled_used = vq->used_idx;
		vq->signalled_valid = true;
	}
	return need;
}

bool vq_notify_peek(struct virtqueue *vq)
{
	return vq->ready && vq_notify_wanted(vq);
}

bool vq_notify_enable(struct virtqueue *vq)
{
	if (!vq->ready)
		return false;
	if (vq->event_idx)
		*(volatile uint16_t *)vq_avail_event(vq) = htole16(vq->last_avail);
	else
		*(volatile uint16_t *)&vq->used->flags = 0;
	/* Publish before re-checking, or a kick could slip through (§2.7.10). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vq_has_avail(vq);
}

void vq_notify_disable(struct virtqueue *vq)
{
	if (!vq->ready)
		return;
	if (vq->event_idx)
		*(volatile uint16_t *)vq_avail_event(vq) = htole16((uint16_t)(vq->last_avail - 1));
	else
		*(volatile uint16_t *)&vq->used->flags = htole16(VRING_USED_F_NO_NOTIFY);
}

uint16_t vq_avail_idx(struct virtqueue *vq)
{
	return vq->ready ? vq_load16_acquire(&vq->avail->idx) : 0;
}

bool vq_has_avail(struct virtqueue *vq)
{
	if (!vq->ready)
		return false;
	return vq_load16_acquire(&vq->avail->idx) != vq->last_avail;
}
