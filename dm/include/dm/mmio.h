/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio version 2 register file (virtio v1.2 §4.2.2).
 *
 * A pure request/answer object: the transport hands it {offset, size,
 * is_write, value} requests (trapped frontend accesses, or the sim test
 * driver) and it raises the frontend interrupt through @irq_raise.
 */
#ifndef DM_MMIO_H
#define DM_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_mmio.h>
#include <linux/virtio_config.h>

#include "dm/log.h"
#include "dm/virtqueue.h"
#include "dm/window.h"

/* §4.2.2: "0x74726976 (a Little Endian equivalent of the 'virt' string)". */
#define VIRTIO_MMIO_MAGIC	   0x74726976U
#define VIRTIO_MMIO_VERSION_MODERN 2U
/* §2.1: the device status field is one byte; higher Status bits are RES0. */
#define VIRTIO_MMIO_STATUS_MASK 0xffU
/* §4.2.2 SHMLen: a region that does not exist reads as -1. */
#define VIRTIO_MMIO_SHM_LEN_NONE 0xffffffffU
/* §4.2.2 QueueReset (v1.2); not in the 6.1 uapi header. */
#ifndef VIRTIO_MMIO_QUEUE_RESET
#define VIRTIO_MMIO_QUEUE_RESET 0x0c0
#endif
/* Vendor ID the model reports ("BKHD" is ours; QEMU uses 0x554d4551). */
#define DM_VIRTIO_VENDOR_ID 0x44484b42U
#define DM_MMIO_WINDOW_SIZE 0x200U

struct virtio_mmio;

/**
 * struct virtio_dev_ops - what a device type plugs into the register file
 * @features_ok: veto a feature set at FEATURES_OK (optional), 0 = accept
 * @driver_ok:   DRIVER_OK was set
 * @notify:      QueueNotify for ready queue @q
 * @reset:       device reset (Status = 0 or a NEEDS_RESET recovery)
 * @queue_reset: queue @q is reset (QueueReady = 0): forget every chain of
 *               it the device holds (optional)
 * @config_write: driver write into the config space (optional)
 * @save:        write the device's restorable state into @buf (optional),
 *               return its length (0 = nothing / does not fit)
 * @load:        restore it (validated like guest input), 0 or -EINVAL
 * @recheck:     the look mmio_recheck_later() asked for (optional)
 */
struct virtio_dev_ops {
	int (*features_ok)(void *dev, uint64_t features);
	void (*driver_ok)(void *dev);
	void (*notify)(void *dev, unsigned int q);
	void (*reset)(void *dev);
	void (*queue_reset)(void *dev, unsigned int q);
	void (*config_write)(void *dev, uint32_t off, uint32_t size, uint32_t val);
	size_t (*save)(void *dev, void *buf, size_t len);
	int (*load)(void *dev, const void *buf, size_t len);
	void (*recheck)(void *dev);
};

struct virtio_mmio {
	const struct virtio_dev_ops *ops;
	void *dev;
	char name[32];
	uint32_t device_id;

	uint64_t host_features, driver_features;
	uint64_t required_features; /* FEATURES_OK fails without these */
	uint32_t dev_feat_sel, drv_feat_sel, queue_sel, shm_sel;
	uint32_t status, isr, config_generation;

	unsigned int nqueues;
	struct virtqueue *vqs;
	const uint8_t *config;
	uint32_t config_len;

	const struct dm_window *win;
	const struct mmio_host_ops *host;
	void *host_opaque;
	bool lazy_pending;    /* some queue has vq->lazy set */
	bool recheck_pending; /* mmio_recheck_later() was asked */
	bool polled;	      /* between mmio_poll_begin() and mmio_poll_end() */
	/*
	 * Queues whose handler stopped at its budget with work left: the
	 * transport calls mmio_resume() on a later event-loop turn, and a
	 * QueueNotify meanwhile adds nothing (the work is already scheduled).
	 */
	uint64_t deferred;

	/* MMIO_MAX_QUEUES words that outlive this model (mmio_journal_set()) */
	volatile uint64_t *journal;

	bool broken; /* NEEDS_RESET set; no processing */
	struct dm_ratelimit rl;
	unsigned long irqs_raised;
};

/**
 * mmio_init() - set up a register file for one device
 * Return: 0 or -ENOMEM.
 */
int mmio_init(struct virtio_mmio *m, const char *name, uint32_t device_id,
	      const struct virtio_dev_ops *ops, void *dev, unsigned int nqueues, uint16_t queue_max,
	      uint64_t features, const uint8_t *config, uint32_t config_len);
/** mmio_fini() - free the queues of mmio_init(). */
void mmio_fini(struct virtio_mmio *m);

/* Deferred work is one bit per queue. */
#define MMIO_MAX_QUEUES 64U

/**
 * struct mmio_host_ops - what the transport does for the register file
 * @irq_raise: raise the frontend interrupt (NULL: none)
 * @defer:     call mmio_resume() on a later event-loop turn (NULL: the caller
 *             drives mmio_resume() itself)
 * @lazy:      call mmio_lazy_flush() within MMIO_LAZY_US (NULL: used
 *             notifications are never put off)
 */
struct mmio_host_ops {
	void (*irq_raise)(void *opaque);
	void (*defer)(void *opaque);
	void (*lazy)(void *opaque);
};

/* Longest a put-off used-buffer notification waits (mmio_used_notify_lazy()). */
#define MMIO_LAZY_US 1000

/**
 * mmio_attach() - bind the transport's window and hooks
 * @host:   the transport's hooks (NULL: none)
 * @opaque: passed to them
 */
void mmio_attach(struct virtio_mmio *m, const struct dm_window *win,
		 const struct mmio_host_ops *host, void *opaque);

/**
 * mmio_defer() - queue @q has work left after its handler's budget
 *
 * Every loop that consumes guest work runs under a budget, so that one
 * frontend cannot hold the event loop that serves the others; what is left
 * is resumed from the loop, in turn with every other device.
 */
void mmio_defer(struct virtio_mmio *m, unsigned int q);

/**
 * mmio_resume() - run the queue handlers mmio_defer() postponed, once each
 * Return: true if some handler deferred again (call again on a later turn).
 */
bool mmio_resume(struct virtio_mmio *m);

/** mmio_read() - a driver read of @size bytes at @off (window-relative). */
uint32_t mmio_read(struct virtio_mmio *m, uint32_t off, uint32_t size);

/** mmio_write() - a driver write; never fails, bad writes are logged. */
void mmio_write(struct virtio_mmio *m, uint32_t off, uint32_t size, uint32_t val);

/** mmio_live() - may the device process queues? (DRIVER_OK, not broken) */
bool mmio_live(const struct virtio_mmio *m);

/** mmio_vq() - queue @q if it is ready, else NULL. */
struct virtqueue *mmio_vq(struct virtio_mmio *m, unsigned int q);

/**
 * mmio_needs_reset() - the driver broke the rules: set DEVICE_NEEDS_RESET
 * (§2.1.1), stop processing and send a configuration change interrupt.
 * @why: short reason for the rate-limited log line
 */
void mmio_needs_reset(struct virtio_mmio *m, const char *why, int err);

/**
 * mmio_vq_pop() - take the next chain of @vq for a device's queue handler
 *
 * When the ring looks empty, notifications are re-enabled and the ring
 * checked once more (§2.7.10): a chain the driver added meanwhile is taken
 * now, a later one comes with a kick.  One re-check is enough, so a driver
 * flipping avail->idx cannot keep the device here.
 * Return: as vq_pop(); on a ring error the device is marked broken, @what
 * naming the queue in the log line.
 */
int mmio_vq_pop(struct virtio_mmio *m, struct virtqueue *vq, struct vq_chain *c, const char *what);

/** mmio_used_notify() - buffers were used on @vq; interrupt if needed. */
void mmio_used_notify(struct virtio_mmio *m, struct virtqueue *vq);

/**
 * mmio_used_notify_lazy() - mmio_used_notify(), put off where it may be moot
 *
 * For queues whose driver polls for used buffers (Linux's virtio_console
 * spins in __send_to_port() until its transmit buffer comes back): with
 * EVENT_IDX the decision waits for mmio_lazy_flush(), by which time a
 * polling driver has reclaimed the buffer and moved used_event past it
 * (virtio v1.2 §2.7.10), so no interrupt is needed; a driver that waits
 * for the interrupt gets it then.  Without EVENT_IDX or a @lazy hook it is
 * mmio_used_notify().
 */
void mmio_used_notify_lazy(struct virtio_mmio *m, struct virtqueue *vq);

/**
 * mmio_lazy_flush() - decide every notification mmio_used_notify_lazy() put
 * off, and give the device the look mmio_recheck_later() asked for
 */
void mmio_lazy_flush(struct virtio_mmio *m);

/**
 * mmio_recheck_later() - call the device's @recheck within MMIO_LAZY_US
 *
 * For a device that holds work back by a rule of time (a console direction
 * a quantum ahead of the other, dm/fair.h) and must look again when the
 * time has passed although no event comes.  It rides on the transport's
 * @lazy timer.
 * Return: false if the transport has no timer (the device must not hold
 * the work back then: nothing would release it).
 */
bool mmio_recheck_later(struct virtio_mmio *m);

/** mmio_lazy_due() - does mmio_lazy_flush() have work? */
static inline bool mmio_lazy_due(const struct virtio_mmio *m)
{
	return m->lazy_pending || m->recheck_pending;
}

/**
 * mmio_poll_begin() - the transport watches this device's rings for a while
 *
 * Notifications are suppressed on every queue (vq_notify_disable()) and
 * mmio_vq_pop() no longer asks for them when a ring runs empty, so chains
 * the driver adds meanwhile cost it no QueueNotify: mmio_poll() finds them.
 */
void mmio_poll_begin(struct virtio_mmio *m);

/*
 * Chains a queue's driver keeps notifying after mmio_backpressure() (16 MiB
 * of a console's 2 KiB tty chunks).
 */
#define MMIO_KICK_CREDIT 8192

/**
 * mmio_backpressure() - @vq's backend could not take a chain at once
 *
 * For a driver that spins until its buffer is used (Linux's virtio_console
 * in __send_to_port(), interrupts off): while the model polls, notifications
 * are off and that spinning costs the host a CPU for as long as the backend
 * is slow, which under emulation is the very CPU the backend's reader
 * needs.  So the queue asks for notifications again for its next
 * MMIO_KICK_CREDIT chains: the driver's QueueNotify then makes its vCPU
 * wait in the hypervisor (docs/protocol.md) instead of spinning in the guest.
 */
void mmio_backpressure(struct virtio_mmio *m, struct virtqueue *vq);

/*
 * Looks in one polling round that may find a queue's index moved with
 * nothing for its handler to take before the queue is left alone
 * (mmio_poll()): the first look of a round at receive buffers the device
 * keeps for later is one.
 */
#define MMIO_POLL_IDLE_MAX 2

/**
 * mmio_poll() - handle every queue whose avail idx moved since the last look,
 * as if the driver had written its index to QueueNotify
 *
 * Work is what the handlers took, not the index moving: a queue whose
 * index moved MMIO_POLL_IDLE_MAX times in a round without a chain taken
 * (receive buffers waiting for data, a driver flipping its index) gets its
 * notifications back and no further look until mmio_poll_begin().
 * Return: the chains the handlers took.
 */
unsigned int mmio_poll(struct virtio_mmio *m);

/**
 * mmio_poll_end() - back to notifications
 *
 * Asks for them on every queue again, then looks once more (virtio v1.2
 * §2.7.10: a chain added before the driver could see the request is found
 * here, one added after it is notified).
 * Return: true if a queue moved since the last mmio_poll(): handle it with
 * mmio_poll_last() (or poll again).
 */
bool mmio_poll_end(struct virtio_mmio *m);

/**
 * mmio_poll_last() - after mmio_poll_end(): handle every queue that moved
 * since the last look, notifications on
 * Return: the chains the handlers took.
 */
unsigned int mmio_poll_last(struct virtio_mmio *m);

/**
 * mmio_isr_take() - the InterruptStatus bits raised since the last call
 *
 * For a transport whose InterruptStatus is kept elsewhere (uio: by the
 * hypervisor, bulkhead/rio.h): it hands the bits on with the interrupt and
 * the register file forgets them.
 */
uint32_t mmio_isr_take(struct virtio_mmio *m);

/** mmio_config_changed() - bump ConfigGeneration and interrupt. */
void mmio_config_changed(struct virtio_mmio *m);

/*
 * Delivery journal: one 64-bit word per queue, in memory that outlives the
 * device model (uio: the tail of the control region's state page), so that a
 * model killed between a side effect outside the rings (bytes written to or
 * read from a chardev) and the used-ring store that completes the chain
 * lets its successor tell how far that chain got.  A word is one aligned
 * 64-bit store, single-copy atomic (Arm ARM B2.2.1), so a kill never leaves
 * half of one.  It names the chain by the used index it will complete
 * (@seq) and carries a device-defined value; a fresh QueueReady clears it.
 * What a successor reads back is as untrusted as any saved state.
 */
#define MMIO_JOURNAL_VALID     (1ULL << 63)
#define MMIO_JOURNAL_SEQ_SHIFT 47
#define MMIO_JOURNAL_VALUE_MAX ((1ULL << MMIO_JOURNAL_SEQ_SHIFT) - 1)

/** mmio_journal_attach() - give the register file MMIO_MAX_QUEUES journal words. */
void mmio_journal_attach(struct virtio_mmio *m, volatile uint64_t *words);

/**
 * mmio_journal_set() - record @value for the chain queue @q completes next
 *
 * No-op without a journal, for a queue beyond MMIO_MAX_QUEUES, or for a
 * @value above MMIO_JOURNAL_VALUE_MAX (the word is cleared instead).
 */
void mmio_journal_set(struct virtio_mmio *m, unsigned int q, uint64_t value);

/**
 * mmio_journal_get() - what the journal says of queue @q
 * @seq:   the used index the recorded chain was to complete
 * Return: true and @seq/@value filled if a valid word was recorded.
 */
bool mmio_journal_get(const struct virtio_mmio *m, unsigned int q, uint16_t *seq, uint64_t *value);

/*
 * Restorable state, for a device model that is restarted while its
 * frontend keeps running (uio transport: kept in the control region's
 * state page).  The record is a struct mmio_saved, nqueues struct
 * mmio_saved_vq, then the device's own bytes (ops->save).  Everything the
 * rings in guest memory already say (avail/used indices) is not saved.
 */
struct mmio_saved {
	uint64_t driver_features;
	uint32_t device_id, nqueues;
	uint32_t status, isr, config_generation;
	uint32_t dev_feat_sel, drv_feat_sel, queue_sel, shm_sel;
	uint32_t dev_len; /* bytes of device state that follow the queues */
};

struct mmio_saved_vq {
	uint64_t desc, avail, used;
	uint16_t num;
	uint8_t ready;
	uint8_t pad[5];
};

_Static_assert(sizeof(struct mmio_saved) == 48, "mmio_saved has no holes");
_Static_assert(sizeof(struct mmio_saved_vq) == 32, "mmio_saved_vq has no holes");

/**
 * mmio_state_save() - serialize the register file and device state
 * Return: bytes written to @buf, or 0 if it does not fit in @len.
 */
size_t mmio_state_save(const struct virtio_mmio *m, void *buf, size_t len);

/**
 * mmio_state_load() - restore what mmio_state_save() wrote
 *
 * Everything is checked as hostile input; on any error the device is reset
 * to a fresh state and a negative errno returned.  Ready queues resume from
 * the used index in guest memory (vq_restore()).  Call after mmio_attach().
 */
int mmio_state_load(struct virtio_mmio *m, const void *buf, size_t len);

/**
 * mmio_state_lost() - the saved state of a device that was in use cannot be
 * trusted: start with DEVICE_NEEDS_RESET set (virtio v1.2 §2.1.2, §4.2.2
 * Status bit 64) and a configuration change interrupt, so that the driver,
 * wherever it was, resets the device instead of talking to one that forgot
 * it.  Call after mmio_attach().
 */
void mmio_state_lost(struct virtio_mmio *m);

#endif
