// SPDX-License-Identifier: MIT
/*
 * Remote I/O request ring: the pure logic (see rio_ring.h).  Free-running
 * 32-bit indices, slot = index % BH_RIO_RING_SIZE (docs/protocol.md).
 */
#include "hstring.h"
#include "hyp.h"
#include "rio_ring.h"

_Static_assert((BH_RIO_RING_SIZE & (BH_RIO_RING_SIZE - 1)) == 0, "ring size is a power of two");

#define RIO_SLOT(seq) ((seq) & (BH_RIO_RING_SIZE - 1))

/* Single-copy-atomic accesses to memory the backend also writes. */
#define READ_ONCE(x)	 __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

void rio_ring_init(struct rio_ring *r, struct bh_rio_ctrl *ctrl, uint32_t device_id,
		   uint64_t shm_guest, uint64_t shm_size)
{
	memset(r, 0, sizeof(*r));
	r->ctrl = ctrl;
	memset(ctrl, 0, BH_RIO_CTRL_SIZE);
	ctrl->magic = BH_RIO_MAGIC;
	ctrl->version = BH_RIO_VERSION;
	ctrl->device_id = device_id;
	ctrl->ring_size = BH_RIO_RING_SIZE;
	ctrl->shm_guest_base = shm_guest;
	ctrl->shm_size = shm_size;
	ctrl->state = BH_RIO_STATE_OK;
}

bool rio_access_valid(uint64_t off, unsigned int size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	return off < BH_RIO_MMIO_SIZE && size <= BH_RIO_MMIO_SIZE - off && (off & (size - 1)) == 0;
}

bool rio_ring_full(const struct rio_ring *r)
{
	return r->prod - r->done >= BH_RIO_RING_SIZE;
}

int64_t rio_ring_push(struct rio_ring *r, uint64_t off, unsigned int size, bool write, uint64_t val,
		      uint16_t vcpu, uint64_t t_trap)
{
	uint32_t seq = r->prod;
	struct bh_rio_req *q = &r->ctrl->req[RIO_SLOT(seq)];

	if (rio_ring_full(r))
		return -1;
	r->slot[RIO_SLOT(seq)].dir = write ? BH_RIO_WRITE : BH_RIO_READ;
	r->slot[RIO_SLOT(seq)].size = (uint8_t)size;
	WRITE_ONCE(q->offset, off);
	WRITE_ONCE(q->value, write ? val : 0);
	WRITE_ONCE(q->seq, seq);
	WRITE_ONCE(q->dir, write ? BH_RIO_WRITE : BH_RIO_READ);
	WRITE_ONCE(q->size, (uint8_t)size);
	WRITE_ONCE(q->vcpu, vcpu);
	WRITE_ONCE(q->t_trap, t_trap);
	r->prod = seq + 1;
	/* the request must be visible before the index that publishes it */
	__atomic_store_n(&r->ctrl->req_prod, r->prod, __ATOMIC_RELEASE);
	return seq;
}

bool rio_seq_retired(const struct rio_ring *r, uint32_t seq)
{
	/* retired = seq lies in the window of the last 2^31 retired requests */
	return (uint32_t)(r->done - seq - 1) < 0x80000000u;
}

static uint64_t rio_size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

int rio_ring_complete(struct rio_ring *r, uint32_t resp, rio_retire_fn fn, void *ctx)
{
	uint32_t n = resp - r->done;
	uint32_t i;

	if (n > r->prod - r->done)
		return -EINVAL;
	/* answers were written before resp_prod (store-release in the model) */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++) {
		uint32_t seq = r->done + i;
		const struct rio_slot *s = &r->slot[RIO_SLOT(seq)];
		bool is_read = s->dir == BH_RIO_READ;
		uint64_t v = 0;

		if (is_read)
			v = READ_ONCE(r->ctrl->resp[RIO_SLOT(seq)]) & rio_size_mask(s->size);
		if (fn)
			fn(ctx, seq, is_read, v);
	}
	r->done = resp;
	r->cnt.completions += n;
	__atomic_store_n(&r->ctrl->req_done, r->done, __ATOMIC_RELEASE);
	return (int)n;
}

bool rio_doorbell_valid(uint64_t off, unsigned int size, bool write, uint64_t val)
{
	return write && size == sizeof(uint32_t) && off == BH_RIO_DB_KICK && val &&
	       !(val & ~(uint64_t)BH_RIO_KICK_VALID);
}

void rio_ring_sync_counters(struct rio_ring *r)
{
	uint64_t *dst = (uint64_t *)&r->ctrl->counters;
	const uint64_t *src = (const uint64_t *)&r->cnt;
	size_t i;

	/* word by word: the backend may read them at any time */
	for (i = 0; i < sizeof(r->cnt) / sizeof(uint64_t); i++)
		WRITE_ONCE(dst[i], src[i]);
}

enum rio_irq_verdict rio_irq_admit(struct rio_irq_budget *b, uint64_t now, uint64_t window,
				   uint64_t gap, uint32_t cpu)
{
	bool storm;

	if (now >= b->window_end) {
		/* a new window; an interrupt still held goes with this one */
		b->window_end = now + window;
		b->used = 0;
		b->held = false;
	}
	if (b->held)
		return RIO_IRQ_MERGED;
	if (b->used < RIO_IRQ_BUDGET) {
		b->used++;
		return RIO_IRQ_INJECT;
	}
	storm = !b->last_hold || now - b->last_hold >= gap;
	b->held = true;
	b->cpu = cpu;
	b->last_hold = now;
	return storm ? RIO_IRQ_HELD_STORM : RIO_IRQ_HELD;
}

bool rio_irq_due(struct rio_irq_budget *b, uint64_t now, uint64_t window)
{
	if (!b->held || now < b->window_end)
		return false;
	b->held = false;
	b->window_end = now + window;
	b->used = 1;
	return true;
}
