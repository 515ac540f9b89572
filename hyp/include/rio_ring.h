/* SPDX-License-Identifier: MIT */
/*
 * Remote I/O request ring, the pure part (no locks, no CPUs): publishing
 * trapped frontend accesses into a device's control region and retiring them
 * when the backend rings the doorbell.  Host unit-tested
 * (tests/unit/test_hyp_rio.c); hyp/core/rio.c adds locking, waiting and
 * interrupts.  The ABI is include/bulkhead/rio.h, docs/protocol.md.
 *
 * The control region is writable by the backend, so nothing the hypervisor
 * needs later is kept only there: indices and each slot's direction and size
 * live in struct rio_ring, and the two values the backend provides
 * (resp_prod, resp[]) are read once each and validated.
 */
#ifndef HYP_RIO_RING_H
#define HYP_RIO_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <bulkhead/rio.h>

/**
 * struct rio_slot - the hypervisor's private record of one ring slot
 * @dir:  enum bh_rio_dir of the request in it
 * @size: access size in bytes
 */
struct rio_slot {
	uint8_t dir;
	uint8_t size;
};

/**
 * struct rio_ring - one device's ring state
 * @ctrl:  the shared control region (map 0)
 * @prod:  requests published (mirrored to ctrl->req_prod)
 * @done:  requests retired (mirrored to ctrl->req_done)
 * @slot:  direction and size of every request in flight
 * @cnt:   the real counters (mirrored to ctrl->counters)
 */
struct rio_ring {
	struct bh_rio_ctrl *ctrl;
	uint32_t prod;
	uint32_t done;
	struct rio_slot slot[BH_RIO_RING_SIZE];
	struct bh_rio_counters cnt;
};

/*
 * The frontend interrupts a backend may raise (docs/protocol.md "Interrupt
 * budget"): RIO_IRQ_BUDGET per window of RIO_IRQ_WINDOW_US.  One over it is
 * held back and injected when the window ends; more over it merge into that
 * one.  The InterruptStatus bits each doorbell sets are kept all the same
 * (struct rio_dev.isr), so nothing is lost: a storm only arrives as fewer,
 * later interrupts, the last at most one window after the last doorbell.
 */
#define RIO_IRQ_BUDGET	  8u
#define RIO_IRQ_WINDOW_US 1000u
/* a hold this long after the last one starts a new storm (one log line each) */
#define RIO_IRQ_STORM_GAP_US 1000000u

/**
 * struct rio_irq_budget - one device's interrupt budget
 * @window_end: counter value at which the current window ends
 * @last_hold:  counter value of the last interrupt held back (0: never)
 * @used:       interrupts injected in the current window
 * @cpu:        the pCPU whose EL2 timer injects the held one
 * @held:       one interrupt waits for @window_end
 */
struct rio_irq_budget {
	uint64_t window_end;
	uint64_t last_hold;
	uint32_t used;
	uint32_t cpu;
	bool held;
};

enum rio_irq_verdict {
	RIO_IRQ_INJECT,	    /* inject it now */
	RIO_IRQ_HELD,	    /* held until @window_end: arm a timer for it */
	RIO_IRQ_HELD_STORM, /* the same, and the first hold of a storm: log it */
	RIO_IRQ_MERGED,	    /* merged into the one already held */
};

/**
 * rio_irq_admit() - a doorbell asks for the frontend's interrupt at @now
 * @b:      the device's budget
 * @window: RIO_IRQ_WINDOW_US in counter ticks
 * @gap:    RIO_IRQ_STORM_GAP_US in counter ticks
 * @cpu:    the pCPU asking (its timer injects a held interrupt)
 *
 * Return: an enum rio_irq_verdict.
 */
enum rio_irq_verdict rio_irq_admit(struct rio_irq_budget *b, uint64_t now, uint64_t window,
				   uint64_t gap, uint32_t cpu);

/**
 * rio_irq_due() - is the held interrupt due at @now?
 *
 * If so it counts as the first of a new window, and the caller injects it.
 * Return: true to inject now.
 */
bool rio_irq_due(struct rio_irq_budget *b, uint64_t now, uint64_t window);

/**
 * rio_ring_init() - zero @ctrl and fill in its identity fields
 * @r:         ring to initialise
 * @ctrl:      BH_RIO_CTRL_SIZE bytes of page-aligned memory
 * @device_id: virtio device ID the device model must provide
 * @shm_guest: frontend IPA of the shared window
 * @shm_size:  its size
 */
void rio_ring_init(struct rio_ring *r, struct bh_rio_ctrl *ctrl, uint32_t device_id,
		   uint64_t shm_guest, uint64_t shm_size);

/**
 * rio_access_valid() - may a frontend make this access to a virtio-mmio window?
 * @off:  offset from the window base
 * @size: bytes (1, 2, 4 or 8), naturally aligned, inside BH_RIO_MMIO_SIZE
 */
bool rio_access_valid(uint64_t off, unsigned int size);

/** rio_ring_full() - no free slot: the next access must wait */
bool rio_ring_full(const struct rio_ring *r);

/**
 * rio_ring_push() - publish one request
 * @r:     the ring, not full
 * @off:   offset in the virtio-mmio window (rio_access_valid())
 * @size:  access size
 * @write: direction
 * @val:   the written value (ignored for reads)
 * @vcpu:  frontend vCPU index, for the device model's logs
 * @t_trap: the counter at the trap (bh_rio_req.t_trap)
 *
 * Return: the request's sequence number, or -1 if the ring is full.
 */
int64_t rio_ring_push(struct rio_ring *r, uint64_t off, unsigned int size, bool write, uint64_t val,
		      uint16_t vcpu, uint64_t t_trap);

/**
 * rio_seq_retired() - has request @seq been retired?
 * @r:   the ring
 * @seq: a sequence number rio_ring_push() returned
 */
bool rio_seq_retired(const struct rio_ring *r, uint32_t seq);

/* Called once per retired request, in order; @value is meaningful for reads. */
typedef void (*rio_retire_fn)(void *ctx, uint32_t seq, bool is_read, uint64_t value);

/**
 * rio_ring_complete() - retire every request the backend answered
 * @r:     the ring
 * @resp:  ctrl->resp_prod as read once by the caller
 * @fn:    called for each retired request
 * @ctx:   passed to @fn
 *
 * @resp must satisfy done <= resp <= prod (modulo 2^32); each read's answer
 * is read once from ctrl->resp[] and masked to the access size.
 *
 * Return: number of requests retired, or -EINVAL (nothing changed).
 */
int rio_ring_complete(struct rio_ring *r, uint32_t resp, rio_retire_fn fn, void *ctx);

/**
 * rio_doorbell_valid() - is this access to the doorbell page a valid kick?
 * @off, @size, @write, @val: the decoded access
 *
 * Only a 32-bit write of a non-zero subset of BH_RIO_KICK_VALID at
 * BH_RIO_DB_KICK is.
 */
bool rio_doorbell_valid(uint64_t off, unsigned int size, bool write, uint64_t val);

/** rio_ring_sync_counters() - mirror @r->cnt into the control region */
void rio_ring_sync_counters(struct rio_ring *r);

#endif /* HYP_RIO_RING_H */
