/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueue core (virtio v1.2 §2.7): descriptor table, available and
 * used rings, VIRTIO_F_EVENT_IDX (§2.7.7, §2.7.10) and indirect descriptors
 * (§2.7.5.3).  Every value read from the rings is treated as hostile; the
 * validation follows ACRN's vq_getchain but is stricter.
 */
#ifndef DM_VIRTQUEUE_H
#define DM_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/uio.h>
#include <linux/virtio_ring.h>

#include "dm/window.h"
#include "dm/log.h"

/* Spec §2.7: "Queue Size value is always a power of 2 ... maximum 32768". */
#define VQ_SIZE_LIMIT 32768U
/* Most buffers (direct + indirect) one chain may carry. */
#define VQ_MAX_IOV 512U

/* Ring element sizes of §2.7 (desc table 16*n, avail 6+2*n, used 6+8*n). */
#define VQ_DESC_SIZE(n)	 (16ULL * (n))
#define VQ_AVAIL_SIZE(n) (6ULL + 2ULL * (n))
#define VQ_USED_SIZE(n)	 (6ULL + 8ULL * (n))
/* Alignment requirements of §2.7 table "Virtqueue Part Alignment". */
#define VQ_DESC_ALIGN  16U
#define VQ_AVAIL_ALIGN 2U
#define VQ_USED_ALIGN  4U

_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc layout (§2.7.5)");
_Static_assert(sizeof(struct vring_used_elem) == 8, "used elem layout (§2.7.8)");

/**
 * struct vq_chain - one available descriptor chain gathered into iovecs
 * @head:    head descriptor index (returned in the used ring)
 * @n_out:   device-readable buffers, iov[0 .. n_out-1]
 * @n_in:    device-writable buffers, iov[n_out .. n_out+n_in-1]
 */
struct vq_chain {
	uint16_t head;
	unsigned int n_out, n_in;
	size_t out_len, in_len;
	struct iovec iov[VQ_MAX_IOV];
};

struct virtqueue {
	unsigned int index;
	uint16_t num_max;
	/* Registers the driver programs while the queue is not ready. */
	uint16_t num;
	uint64_t desc_addr, avail_addr, used_addr;
	bool ready;

	/* Valid while ready: host views of the rings, checked at enable. */
	uint8_t *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail;	 /* next avail slot we will consume */
	uint16_t used_idx;	 /* our shadow of used->idx */
	uint16_t signalled_used; /* used_idx when we last notified */
	bool signalled_valid;
	bool event_idx, indirect;
	bool lazy;	      /* a notification put off by mmio_used_notify_lazy() */
	uint16_t poll_seen;   /* avail->idx at the last look of a polling model */
	uint16_t kick_credit; /* chains the driver still notifies while polled */
	uint8_t poll_idle;    /* looks this round that found it moved, nothing taken */
	bool poll_off;	      /* not looked at for the rest of the round */

	const struct dm_window *win;
	struct dm_ratelimit *rl;
	const char *owner; /* device name for log lines */
};

/**
 * vq_init() - a queue of up to @num_max entries, not ready
 * @rl:    the owning device's log limiter (shared by its queues)
 * @owner: device name for log lines
 */
void vq_init(struct virtqueue *vq, unsigned int index, uint16_t num_max, struct dm_ratelimit *rl,
	     const char *owner);

/** vq_reset() - forget the layout and ring state (§4.2.2 QueueReady = 0). */
void vq_reset(struct virtqueue *vq);

/**
 * vq_enable() - validate the programmed ring layout and make the queue live
 * @features: negotiated feature bits (EVENT_IDX, INDIRECT_DESC)
 *
 * Return: 0, or -EINVAL (size not a power of two or > num_max, misaligned)
 * or -EFAULT (a ring part lies outside the window).
 */
int vq_enable(struct virtqueue *vq, const struct dm_window *win, uint64_t features);

/**
 * vq_restore() - vq_enable() for a queue a previous device model ran
 *
 * Resumes at the used index in guest memory: chains popped but not pushed
 * before a restart are popped again.
 * Return: as vq_enable(), or -EINVAL when avail and used disagree.
 */
int vq_restore(struct virtqueue *vq, const struct dm_window *win, uint64_t features);

/**
 * vq_pop() - take the next available chain
 *
 * Return: 1 and @chain filled; 0 when the ring is empty; a negative errno
 * when the driver broke the rules (the caller marks the device broken).
 */
int vq_pop(struct virtqueue *vq, struct vq_chain *chain);

/** vq_unpop() - give back the chain vq_pop() returned last (unused). */
void vq_unpop(struct virtqueue *vq);

/** vq_push() - return chain @head with @len bytes written by the device. */
void vq_push(struct virtqueue *vq, uint16_t head, uint32_t len);

/**
 * vq_used_len() - the len of used element @idx as guest memory holds it now
 *
 * For a restored model that asks what its predecessor completed; the value
 * is the guest's to change, so the caller bounds it.  0 if not ready.
 */
uint32_t vq_used_len(const struct virtqueue *vq, uint16_t idx);

/**
 * vq_push_n() - return @n chains with one used->idx update
 *
 * For a packet spread over several buffers (virtio-net MRG_RXBUF, virtio
 * v1.2 §5.1.6.4): the driver reads num_buffers in the first one and takes
 * the others at once, so it must see all of them or none.
 */
void vq_push_n(struct virtqueue *vq, const struct vring_used_elem *e, unsigned int n);

/**
 * vq_need_notify() - must the driver be interrupted for pushed buffers?
 *
 * With EVENT_IDX the answer is recorded: the next call only looks at
 * buffers pushed after this one.
 */
bool vq_need_notify(struct virtqueue *vq);

/** vq_notify_peek() - vq_need_notify() without recording the answer. */
bool vq_notify_peek(struct virtqueue *vq);

/**
 * vq_notify_enable() - ask the driver to notify on new buffers
 *
 * Return: true if buffers arrived meanwhile (caller must process them).
 */
bool vq_notify_enable(struct virtqueue *vq);

/**
 * vq_notify_disable() - we are watching the ring; the driver need not notify
 *
 * With EVENT_IDX avail_event is put one behind the next chain (§2.7.10: the
 * driver notifies only when its new avail idx passes avail_event), so no
 * add crosses it until the index wraps; without it, VRING_USED_F_NO_NOTIFY
 * (§2.7.7.2).  Either way a hint: a driver may still notify.
 */
void vq_notify_disable(struct virtqueue *vq);

/** vq_has_avail() - does the driver have unconsumed chains? (no checks) */
bool vq_has_avail(struct virtqueue *vq);

/** vq_avail_idx() - the driver's avail->idx now (0 if not ready; no checks) */
uint16_t vq_avail_idx(struct virtqueue *vq);

#endif
