// SPDX-License-Identifier: MIT
/*
 * Remote-I/O request ring (hyp/core/rio_ring.c): publishing, in-order
 * retirement, wrap-around of the free-running indices, and every hostile
 * value a backend can write (resp_prod out of range, doorbell junk,
 * scribbled requests) rejected without effect.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hyp.h"
#include "rio_ring.h"

struct fixture {
	struct rio_ring r;
	union {
		struct bh_rio_ctrl ctrl;
		uint8_t bytes[BH_RIO_CTRL_SIZE];
	} mem;
};

struct retired {
	unsigned int n;
	uint32_t seq[BH_RIO_RING_SIZE * 2];
	bool is_read[BH_RIO_RING_SIZE * 2];
	uint64_t value[BH_RIO_RING_SIZE * 2];
};

static void record(void *ctx, uint32_t seq, bool is_read, uint64_t value)
{
	struct retired *t = ctx;

	t->seq[t->n] = seq;
	t->is_read[t->n] = is_read;
	t->value[t->n++] = value;
}

static int setup(void **state)
{
	struct fixture *f = malloc(sizeof(*f));

	assert_non_null(f);
	memset(f, 0xa5, sizeof(*f)); /* init must clear everything */
	rio_ring_init(&f->r, &f->mem.ctrl, 3, 0x20000000, 0x1000000);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void test_init_identity(void **state)
{
	struct fixture *f = *state;
	const struct bh_rio_ctrl *c = &f->mem.ctrl;
	size_t i;

	assert_int_equal(c->magic, BH_RIO_MAGIC);
	assert_int_equal(c->version, BH_RIO_VERSION);
	assert_int_equal(c->device_id, 3);
	assert_int_equal(c->ring_size, BH_RIO_RING_SIZE);
	assert_int_equal(c->shm_guest_base, 0x20000000);
	assert_int_equal(c->shm_size, 0x1000000);
	assert_int_equal(c->req_prod, 0);
	assert_int_equal(c->req_done, 0);
	assert_int_equal(c->state, BH_RIO_STATE_OK);
	/* the state page the device model keeps its record in starts empty */
	for (i = BH_RIO_STATE_OFFSET; i < BH_RIO_CTRL_SIZE; i++)
		assert_int_equal(f->mem.bytes[i], 0);
}

static void test_access_valid(void **state)
{
	(void)state;
	assert_true(rio_access_valid(0x000, 4));
	assert_true(rio_access_valid(0x050, 4)); /* QueueNotify */
	assert_true(rio_access_valid(0x100, 1)); /* config space */
	assert_true(rio_access_valid(0x1f8, 8));
	assert_false(rio_access_valid(0x1fc, 8)); /* crosses the end */
	assert_false(rio_access_valid(0x200, 1));
	assert_false(rio_access_valid(0x002, 4)); /* misaligned */
	assert_false(rio_access_valid(0x000, 3));
	assert_false(rio_access_valid(~0ull, 1));
}

static void test_write_then_read_in_order(void **state)
{
	struct fixture *f = *state;
	struct bh_rio_ctrl *c = &f->mem.ctrl;
	struct retired t = { 0 };

	assert_int_equal(rio_ring_push(&f->r, 0x70, 4, true, 0xf, 0, 0), 0);
	assert_int_equal(rio_ring_push(&f->r, 0x70, 4, false, 0xdead, 1, 0), 1);
	assert_int_equal(c->req_prod, 2);
	assert_int_equal(c->req[0].offset, 0x70);
	assert_int_equal(c->req[0].value, 0xf);
	assert_int_equal(c->req[0].dir, BH_RIO_WRITE);
	assert_int_equal(c->req[0].size, 4);
	assert_int_equal(c->req[1].dir, BH_RIO_READ);
	assert_int_equal(c->req[1].value, 0); /* a read carries no data */
	assert_int_equal(c->req[1].seq, 1);
	assert_int_equal(c->req[1].vcpu, 1);
	assert_false(rio_seq_retired(&f->r, 0));

	/* the model answers the read with more than 32 bits: masked */
	c->resp[1] = 0x1234567800000007ull;
	assert_int_equal(rio_ring_complete(&f->r, 2, record, &t), 2);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.seq[0], 0);
	assert_false(t.is_read[0]);
	assert_int_equal(t.seq[1], 1);
	assert_true(t.is_read[1]);
	assert_int_equal(t.value[1], 7);
	assert_true(rio_seq_retired(&f->r, 0));
	assert_true(rio_seq_retired(&f->r, 1));
	assert_false(rio_seq_retired(&f->r, 2));
	assert_int_equal(c->req_done, 2);
	assert_int_equal(f->r.cnt.completions, 2);
}

static void test_partial_completion(void **state)
{
	struct fixture *f = *state;
	struct retired t = { 0 };
	unsigned int i;

	for (i = 0; i < 5; i++)
		assert_int_equal(rio_ring_push(&f->r, 0x50, 4, true, i, 0, 0), i);
	assert_int_equal(rio_ring_complete(&f->r, 2, record, &t), 2);
	assert_int_equal(rio_ring_complete(&f->r, 2, record, &t), 0);
	assert_int_equal(rio_ring_complete(&f->r, 5, record, &t), 3);
	assert_int_equal(t.n, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(t.seq[i], i);
}

static void test_full_ring(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	for (i = 0; i < BH_RIO_RING_SIZE; i++)
		assert_int_equal(rio_ring_push(&f->r, 0x50, 4, true, 0, 0, 0), i);
	assert_true(rio_ring_full(&f->r));
	assert_int_equal(rio_ring_push(&f->r, 0x50, 4, true, 0, 0, 0), -1);
	assert_int_equal(f->mem.ctrl.req_prod, BH_RIO_RING_SIZE);
	assert_int_equal(rio_ring_complete(&f->r, 1, NULL, NULL), 1);
	assert_false(rio_ring_full(&f->r));
	assert_int_equal(rio_ring_push(&f->r, 0x50, 4, true, 0, 0, 0), BH_RIO_RING_SIZE);
}

static void test_hostile_resp_prod(void **state)
{
	struct fixture *f = *state;
	struct retired t = { 0 };

	assert_int_equal(rio_ring_push(&f->r, 0x00, 4, false, 0, 0, 0), 0);
	assert_int_equal(rio_ring_push(&f->r, 0x04, 4, false, 0, 0, 0), 1);
	/* ahead of what was published, far ahead, and behind req_done */
	assert_int_equal(rio_ring_complete(&f->r, 3, record, &t), -EINVAL);
	assert_int_equal(rio_ring_complete(&f->r, 0x80000000u, record, &t), -EINVAL);
	assert_int_equal(rio_ring_complete(&f->r, 1, record, &t), 1);
	assert_int_equal(rio_ring_complete(&f->r, 0, record, &t), -EINVAL);
	assert_int_equal(rio_ring_complete(&f->r, 0xffffffffu, record, &t), -EINVAL);
	assert_int_equal(t.n, 1);
	assert_int_equal(f->mem.ctrl.req_done, 1);
	assert_int_equal(f->r.done, 1);
}

/*
 * The backend scribbles over the request it is answering (direction, size):
 * the hypervisor's private record still says "4-byte read".
 */
static void test_scribbled_request_ignored(void **state)
{
	struct fixture *f = *state;
	struct retired t = { 0 };

	assert_int_equal(rio_ring_push(&f->r, 0x00, 2, false, 0, 0, 0), 0);
	f->mem.ctrl.req[0].dir = BH_RIO_WRITE;
	f->mem.ctrl.req[0].size = 8;
	f->mem.ctrl.resp[0] = ~0ull;
	assert_int_equal(rio_ring_complete(&f->r, 1, record, &t), 1);
	assert_true(t.is_read[0]);
	assert_int_equal(t.value[0], 0xffff);
}

static void test_index_wraparound(void **state)
{
	struct fixture *f = *state;
	struct retired t = { 0 };
	unsigned int i;

	/* as if 2^32 - 3 requests had gone before */
	f->r.prod = f->r.done = 0xfffffffdu;
	for (i = 0; i < 6; i++)
		assert_true(rio_ring_push(&f->r, 0x50, 4, i & 1, i, 0, 0) >= 0);
	assert_int_equal(f->mem.ctrl.req_prod, 3);
	assert_false(rio_seq_retired(&f->r, 0xfffffffeu));
	assert_int_equal(rio_ring_complete(&f->r, 1, record, &t), 4);
	assert_int_equal(t.seq[3], 0);
	assert_true(rio_seq_retired(&f->r, 0xfffffffeu));
	assert_true(rio_seq_retired(&f->r, 0));
	assert_false(rio_seq_retired(&f->r, 1));
	assert_int_equal(rio_ring_complete(&f->r, 3, record, &t), 2);
	assert_int_equal(rio_ring_complete(&f->r, 4, record, &t), -EINVAL);
}

static void test_doorbell_valid(void **state)
{
	(void)state;
	assert_true(rio_doorbell_valid(BH_RIO_DB_KICK, 4, true, BH_RIO_KICK_COMPLETE));
	assert_true(rio_doorbell_valid(BH_RIO_DB_KICK, 4, true, BH_RIO_KICK_NOTIFY));
	assert_true(rio_doorbell_valid(BH_RIO_DB_KICK, 4, true, BH_RIO_KICK_VALID));
	assert_true(rio_doorbell_valid(BH_RIO_DB_KICK, 4, true,
				       BH_RIO_KICK_NOTIFY | BH_RIO_KICK_ISR(3)));
	assert_false(rio_doorbell_valid(BH_RIO_DB_KICK, 4, true, 0));
	assert_false(rio_doorbell_valid(BH_RIO_DB_KICK, 4, true, 0x10));
	assert_false(rio_doorbell_valid(BH_RIO_DB_KICK, 4, true, 0x80000000u));
	assert_false(rio_doorbell_valid(BH_RIO_DB_KICK, 4, true, 1ull << 32 | 1));
	assert_false(rio_doorbell_valid(BH_RIO_DB_KICK, 4, false, 1));
	assert_false(rio_doorbell_valid(BH_RIO_DB_KICK, 8, true, 1));
	assert_false(rio_doorbell_valid(BH_RIO_DB_KICK, 1, true, 1));
	assert_false(rio_doorbell_valid(4, 4, true, 1));
	assert_false(rio_doorbell_valid(0xffc, 4, true, 1));
}

static void test_counters_mirrored(void **state)
{
	struct fixture *f = *state;

	f->r.cnt.traps = 7;
	f->r.cnt.rejected = 2;
	f->mem.ctrl.counters.traps = 999; /* the backend's junk is overwritten */
	rio_ring_sync_counters(&f->r);
	assert_int_equal(f->mem.ctrl.counters.traps, 7);
	assert_int_equal(f->mem.ctrl.counters.rejected, 2);
	assert_memory_equal(&f->mem.ctrl.counters, &f->r.cnt, sizeof(f->r.cnt));
}

/*
 * The interrupt budget (docs/protocol.md "Interrupt budget"), with a window
 * of 1000 ticks: a storm of doorbells, one every tick for 10 windows, gets
 * RIO_IRQ_BUDGET injections per window and the held one at each window's
 * end, never more; the last doorbell's interrupt still arrives; one storm,
 * one log verdict; a quiet second later, a new storm logs again.
 */
#define W   1000u
#define GAP 1000000u

/* The timer's work at every tick up to @until: injections made. */
static unsigned int irq_timer(struct rio_irq_budget *b, uint64_t *t, uint64_t until)
{
	unsigned int n = 0;

	for (; *t < until; (*t)++)
		n += rio_irq_due(b, *t, W);
	return n;
}

static void test_irq_budget_storm(void **state)
{
	struct rio_irq_budget b;
	unsigned int injected = 0, storms = 0, held = 0, w;
	uint64_t t = 1, last;
	(void)state;

	memset(&b, 0, sizeof(b));
	for (; t < 1 + 10 * W; t++) {
		enum rio_irq_verdict v = rio_irq_admit(&b, t, W, GAP, 3);

		injected += v == RIO_IRQ_INJECT;
		storms += v == RIO_IRQ_HELD_STORM;
		held += v == RIO_IRQ_HELD || v == RIO_IRQ_HELD_STORM;
		/* held: for the timer of the pCPU that rang */
		assert_true(v == RIO_IRQ_INJECT || (b.held && b.cpu == 3));
		injected += rio_irq_due(&b, t, W);
	}
	last = t - 1;
	/* never more than the budget per window (10 windows, the held ones counted) */
	assert_true(injected <= 10 * RIO_IRQ_BUDGET);
	assert_true(injected >= 9 * RIO_IRQ_BUDGET);
	assert_int_equal(storms, 1);
	assert_true(held >= 9);
	/* the storm ends: the last doorbell's interrupt comes within a window */
	assert_true(b.held);
	w = irq_timer(&b, &t, last + W + 1);
	assert_int_equal(w, 1);
	assert_false(b.held);
	/* nothing more is due */
	assert_int_equal(irq_timer(&b, &t, t + 3 * W), 0);
	/* quiet: within budget, every doorbell injects at once */
	t += GAP;
	for (w = 0; w < RIO_IRQ_BUDGET; w++)
		assert_int_equal(rio_irq_admit(&b, t + w, W, GAP, 3), RIO_IRQ_INJECT);
	/* a storm a second after the last: logged again */
	assert_int_equal(rio_irq_admit(&b, t + w, W, GAP, 3), RIO_IRQ_HELD_STORM);
	assert_int_equal(rio_irq_admit(&b, t + w + 1, W, GAP, 3), RIO_IRQ_MERGED);
	/* a doorbell after the window's end takes the held one with it */
	assert_int_equal(rio_irq_admit(&b, t + W + 5, W, GAP, 3), RIO_IRQ_INJECT);
	assert_false(b.held);
	assert_false(rio_irq_due(&b, t + 5 * W, W));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_identity, setup, teardown),
		cmocka_unit_test(test_access_valid),
		cmocka_unit_test_setup_teardown(test_write_then_read_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_completion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_resp_prod, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scribbled_request_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_wraparound, setup, teardown),
		cmocka_unit_test(test_doorbell_valid),
		cmocka_unit_test_setup_teardown(test_counters_mirrored, setup, teardown),
		cmocka_unit_test(test_irq_budget_storm),
	};

	return cmocka_run_group_tests_name("hyp_rio", tests, NULL, NULL);
}
