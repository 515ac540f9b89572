/* SPDX-License-Identifier: MIT */
/*
 * Remote I/O devices (docs/design.md §5, docs/protocol.md, docs/hypervisor.md):
 * a frontend's trapped virtio-mmio window forwarded, as requests in a ring,
 * to the device model in a backend VM.
 */
#ifndef HYP_RIO_DEV_H
#define HYP_RIO_DEV_H

#include <stdbool.h>
#include <stdint.h>
#include <bulkhead/config.h>
#include "rio_ring.h"
#include "spinlock.h"

struct vm;
struct vcpu;

/**
 * struct rio_dev - one bh_config.virtio[] entry at run time
 * @cfg:        its configuration
 * @frontend:   the VM that sees the virtio-mmio window
 * @backend:    the VM whose device model serves it
 * @lock:       guards @ring, @waiter and @space_waiters
 * @ring:       request ring and counters
 * @waiter:     vCPU blocked on the read in each slot, NULL if none
 * @space_waiters: pCPU mask of frontend vCPUs waiting for a free slot
 * @reset_waiters: pCPU mask of a resetting frontend waiting for @reset_seq
 * @reset_seq:  the Status = 0 request rio_frontend_reset() queued
 * @reset_pending: rio_frontend_reset() has not seen this device reset yet
 * @reset_queued: ... and @reset_seq is in the ring
 * @isr:        the frontend's InterruptStatus (include/bulkhead/rio.h:
 *              set by doorbells, read and acknowledged here)
 * @lat:        the hypervisor's latency histograms (mirrored like counters)
 * @log_budget: rate limit for messages about hostile values
 * @irq:        the frontend interrupts its backend may raise (rio_irq_admit())
 * @irq_log_budget: rate limit for "coalescing" messages, one per storm
 * @timeout:    how long a frontend waits for the model, in counter ticks
 *              (bh_virtio.timeout_ms)
 * @stalled:    a wait reached @timeout: the device is served as a dead one
 *              (reads all-ones, writes queued while there is room) until
 *              the model retires a request again
 * @reset_owed: a write was dropped while @stalled: the model's device no
 *              longer matches the driver's, so it is reset (Status = 0)
 *              once the model answers again
 * @stall_log_budget: rate limit for the lines about @stalled
 */
struct rio_dev {
	const struct bh_virtio *cfg;
	struct vm *frontend;
	struct vm *backend;
	spinlock_t lock;
	struct rio_ring ring;
	struct vcpu *waiter[BH_RIO_RING_SIZE];
	uint32_t space_waiters;
	uint32_t reset_waiters;
	uint32_t reset_seq;
	bool reset_pending;
	bool reset_queued;
	uint32_t isr;
	struct bh_rio_lat_hyp lat;
	uint32_t log_budget;
	bool dead; /* its backend VM ended: nothing will ever answer */
	struct rio_irq_budget irq;
	uint32_t irq_log_budget;
	uint64_t timeout;
	bool stalled;
	bool reset_owed;
	uint32_t stall_log_budget;
};

/**
 * rio_init() - set up every remote-I/O device of @cfg
 * @cfg: the system configuration (already checked by tools/cfgcheck)
 *
 * Zeroes each control region and fills its identity fields.  Call after
 * the VMs exist (vm_create_all()).
 *
 * Return: 0 or -EINVAL (a device refers to a missing VM or region).
 */
int rio_init(const struct bh_config *cfg);

/**
 * rio_ctrl_pa() - host-physical address of device @i's control region
 * @i: index in bh_config.virtio
 */
uint64_t rio_ctrl_pa(unsigned int i);

/**
 * rio_backend_ended() - @vm stopped, powered off or never started
 *
 * Every device it served is dead from now on (docs/protocol.md, "A backend
 * that ends"): the frontend vCPUs waiting on it resume with all-ones, and
 * later accesses complete at once (reads all-ones, writes dropped), so a
 * frontend loses its devices but never hangs in the hypervisor.
 */
void rio_backend_ended(const struct vm *vm);

/**
 * rio_frontend_reset() - reset @vm's devices before its new life runs
 * @vm:   a frontend VM that resets (PSCI SYSTEM_RESET, a panic)
 * @self: the vCPU doing the reset; its pCPU waits here in WFI
 *
 * Queues Status = 0 for every device @vm sees, behind what its old life
 * left in the ring, and returns once the device model has handled each
 * (or the device is dead): a function-level reset, after which the model
 * holds no chain of the old life and writes nothing more into the window
 * the new kernel allocates from (docs/protocol.md, "A frontend that
 * resets").  Like a frontend's read, it waits for the model no longer than
 * the device's timeout: a device whose reset is not answered by then is
 * stalled (struct rio_dev), and its reset, still in the ring, is handled
 * when a model attaches.
 */
void rio_frontend_reset(const struct vm *vm, struct vcpu *self);

/**
 * rio_irq_work() - inject the frontend interrupts held back for pCPU @cpu
 * @cpu: this pCPU
 * @now: the counter
 *
 * A backend that rang for more frontend interrupts than its budget had the
 * rest held back for the end of the window (docs/protocol.md "Interrupt
 * budget"); the pCPU whose doorbell trap held one injects it from its EL2
 * timer (pcpu_timer_update()).
 *
 * Return: the counter value at which the next is due, UINT64_MAX if none.
 */
uint64_t rio_irq_work(uint32_t cpu, uint64_t now);

/** rio_is_emulated() - is @ipa a remote-I/O window or doorbell of @vm? */
bool rio_is_emulated(const struct vm *vm, uint64_t ipa);

/**
 * rio_mmio() - a trapped access to a virtio-mmio window or a doorbell page
 * @v:     the accessing vCPU
 * @ipa:   faulting IPA
 * @size:  access size
 * @write: direction
 * @val:   in: the written value; out: the read value
 *
 * A frontend write is queued and returns at once; a read waits (pCPU in
 * WFI) until the backend answers, or the device's timeout passes: then it
 * completes as for a dead device (all-ones) and so does every access until
 * the model answers again (docs/protocol.md, "A device model that does not
 * answer").
 *
 * Return: 0; -ENOENT (not a remote-I/O address), -EINVAL (an access the
 * window does not allow) or -EINTR (the vCPU was stopped while it waited:
 * the access is abandoned, the caller parks).
 */
int rio_mmio(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val);

#endif /* HYP_RIO_DEV_H */
