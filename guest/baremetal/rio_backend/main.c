// SPDX-License-Identifier: MIT
/*
 * rio_backend: a bare-metal backend serving a fake register file to the
 * frontend through the remote-I/O ring (include/bulkhead/rio.h,
 * docs/protocol.md), the way the device model does with uio: wait for the
 * "requests pending" SPI (WFI, never polling), drain every request from the
 * cursor to req_prod in order, publish resp_prod, ring the doorbell once.
 *
 * Parameter bits (guest/baremetal/lib/rio_test.h):
 *   RIO_T_BE_LATE   start serving after 1 s: the frontend's requests pile up
 *   RIO_T_BE_ROGUE  after the frontend is done, read the frontend address
 *                   just past the shared window: the hypervisor must stop us
 *
 * Output (tests/system/test_rio_baremetal.py):
 *   rio_backend: serving
 *   rio_backend: window[0] = 0x...        what the frontend wrote there
 *   rio_backend: requests=<n> batches=<n> max_batch=<n> isr_forwarded=<n>
 *   rio_backend: hyp traps=<n> posted=<n> reads=<n> isr_local=<n> irqs=<n> doorbells=<n>
 * full_waits=<n> rejected=<n> rio_backend: hostile doorbells rejected=<n> rio_backend: reading
 * 0x... (rogue) / rio_backend: done and then one last NOTIFY: the frontend powers off only after
 * it.
 */
#include <bulkhead/rio.h>
#include "bm.h"
#include "bm_gic.h"
#include "rio_test.h"

#define NR_REGS (BH_RIO_MMIO_SIZE / 4)
#define LATE_US 1000000

struct fake_dev {
	volatile struct bh_rio_ctrl *ctrl;
	uint32_t regs[NR_REGS];
	uint32_t cursor;
	uint32_t requests, batches, max_batch;
	uint32_t isr_bits; /* InterruptStatus bits for the next NOTIFY */
	uint32_t isr_seen; /* requests for InterruptStatus/ACK: must be 0 */
	bool notify, done;
};

static void doorbell(uint32_t val)
{
	wr32(RIO_T_DOORBELL + BH_RIO_DB_KICK, val);
}

static uint64_t fake_access(struct fake_dev *d, const volatile struct bh_rio_req *r)
{
	uint32_t idx = (uint32_t)(r->offset / 4) % NR_REGS;

	if (r->offset == RIO_T_REG_ISR || r->offset == RIO_T_REG_ISR_ACK)
		d->isr_seen++;
	if (r->dir == BH_RIO_READ)
		return r->offset == RIO_T_REG_MAGIC ? RIO_T_MAGIC_VALUE : d->regs[idx];
	d->regs[idx] = (uint32_t)r->value;
	if (r->offset == RIO_T_REG_NOTIFY) {
		d->notify = true;
		d->isr_bits |= (uint32_t)r->value;
	}
	if (r->offset == RIO_T_REG_DONE)
		d->done = true;
	return 0;
}

/* Drain everything published; one doorbell for the whole batch. */
static void serve(struct fake_dev *d)
{
	uint32_t prod = __atomic_load_n(&d->ctrl->req_prod, __ATOMIC_ACQUIRE);
	uint32_t n = 0, bell = 0;

	while (d->cursor != prod) {
		uint32_t slot = d->cursor % BH_RIO_RING_SIZE;
		uint64_t v = fake_access(d, &d->ctrl->req[slot]);

		if (d->ctrl->req[slot].dir == BH_RIO_READ)
			d->ctrl->resp[slot] = v;
		d->cursor++;
		n++;
		if (d->cursor == prod)
			prod = __atomic_load_n(&d->ctrl->req_prod, __ATOMIC_ACQUIRE);
	}
	if (n) {
		__atomic_store_n(&d->ctrl->resp_prod, d->cursor, __ATOMIC_RELEASE);
		bell |= BH_RIO_KICK_COMPLETE;
		d->requests += n;
		d->batches++;
		d->max_batch = n > d->max_batch ? n : d->max_batch;
	}
	if (d->notify)
		bell |= BH_RIO_KICK_NOTIFY | BH_RIO_KICK_ISR(d->isr_bits);
	d->notify = false;
	d->isr_bits = 0;
	if (bell)
		doorbell(bell);
}

/* Values the hypervisor must refuse (counted in `rejected`, ignored). */
static void hostile_doorbells(struct fake_dev *d)
{
	uint32_t done = d->ctrl->req_done;

	d->ctrl->resp_prod = done + 1000; /* beyond req_prod */
	doorbell(BH_RIO_KICK_COMPLETE);
	d->ctrl->resp_prod = done;
	doorbell(0x80);					/* unknown bit */
	wr32(RIO_T_DOORBELL + 4, BH_RIO_KICK_COMPLETE); /* wrong offset */
	(void)rd32(RIO_T_DOORBELL);			/* a read */
	bm_printf("rio_backend: hostile doorbells rejected=%llu req_done=%u\n",
		  (unsigned long long)d->ctrl->counters.rejected, d->ctrl->req_done);
}

static void print_counters(const struct fake_dev *d)
{
	const volatile struct bh_rio_counters *c = &d->ctrl->counters;

	bm_printf("rio_backend: requests=%u batches=%u max_batch=%u isr_forwarded=%u\n",
		  d->requests, d->batches, d->max_batch, d->isr_seen);
	bm_printf("rio_backend: hyp traps=%llu posted=%llu reads=%llu isr_local=%llu irqs=%llu "
		  "doorbells=%llu full_waits=%llu rejected=%llu\n",
		  (unsigned long long)c->traps, (unsigned long long)c->posted_writes,
		  (unsigned long long)c->reads, (unsigned long long)c->isr_local,
		  (unsigned long long)c->backend_irqs, (unsigned long long)c->doorbells,
		  (unsigned long long)c->ring_full_waits, (unsigned long long)c->rejected);
}

int main(uint64_t arg)
{
	static struct fake_dev dev;
	struct fake_dev *d = &dev;
	uint64_t mode = BM_ARG_PARAM(arg);

	d->ctrl = (volatile struct bh_rio_ctrl *)(uintptr_t)RIO_T_CTRL;
	if (d->ctrl->magic != BH_RIO_MAGIC || d->ctrl->ring_size != BH_RIO_RING_SIZE) {
		bm_printf("rio_backend: FAIL control region magic 0x%x\n", d->ctrl->magic);
		return 1;
	}
	if (gic_init_dist() || gic_init_cpu()) {
		bm_printf("rio_backend: FAIL gic\n");
		return 1;
	}
	gic_set_edge(RIO_T_BE_INTID, 1);
	if (mode & RIO_T_BE_LATE)
		bm_delay_us(LATE_US);
	gic_enable_irq(RIO_T_BE_INTID);
	bm_printf("rio_backend: serving\n");
	d->cursor = d->ctrl->req_done;
	serve(d); /* the backlog, without waiting */
	while (!d->done) {
		uint32_t iar = gic_wait();

		gic_eoi(iar);
		serve(d);
	}
	bm_printf("rio_backend: window[0] = 0x%llx\n",
		  (unsigned long long)*(volatile uint64_t *)(uintptr_t)RIO_T_WINDOW);
	hostile_doorbells(d);
	print_counters(d);
	if (mode & RIO_T_BE_ROGUE) {
		uint64_t a = RIO_T_WINDOW + RIO_T_WINDOW_SIZE;

		bm_printf("rio_backend: reading 0x%llx\n", (unsigned long long)a);
		/*
		 * Only now may the frontend power off: the hypervisor's log line
		 * for that shares UART0 with us and would interleave.
		 */
		doorbell(BH_RIO_KICK_NOTIFY);
		bm_printf("rio_backend: SAW 0x%llx\n",
			  (unsigned long long)*(volatile uint64_t *)(uintptr_t)a);
		return 1;
	}
	bm_printf("rio_backend: done\n");
	doorbell(BH_RIO_KICK_NOTIFY);
	return 0;
}
