// SPDX-License-Identifier: MIT
/*
 * rio_backend: a bare-metal backend serving a fake register file to the
 * frontend through the remote-I/O ring (include/bulkhead/rio.h,
 * docs/protocol.md), the way the device model does with uio: wait for the
 * "requests pending" SPI (WFI), drain every request from the cursor to
 * req_prod in order, publish resp_prod, ring the doorbell once.
 *
 * Parameter bits (guest/baremetal/lib/rio_test.h):
 *   RIO_T_BE_LATE   start serving after 1 s: the frontend's requests pile up
 *   RIO_T_BE_ROGUE  after the frontend is done, read the frontend address
 *                   just past the shared window: the hypervisor must stop us
 *   RIO_T_BE_POLL   first wait for one request with the hostile polling word
 *                   RIO_T_HOSTILE_POLLING (it must still come with the SPI),
 *                   then alternate polling rounds of pseudo-random length
 *                   (bh_rio_ctrl.polling = BH_RIO_POLLING, watch req_prod)
 *                   with the way out of them that docs/protocol.md "Polling"
 *                   prescribes: flag down, DSB SY, one more look, else sleep
 *                   on the SPI.  Between its last look and the flag going
 *                   down it lingers a pseudo-random while, as a model
 *                   deciding to stop does: a request published then gets no
 *                   SPI, only the re-check can find it.  Every other round
 *                   "chases" the frontend: it ends as soon as the frontend
 *                   announces its next access in the shared window, and the
 *                   flag goes down a pseudo-random 0-2.6 us later,
 *                   while that access is on its way through the hypervisor:
 *                   the hypervisor's side of the race, hit too.
 *   RIO_T_BE_STALL  a model that does not answer: start serving only after
 *                   RIO_T_ABSENT_MS (not started yet), and after a read of
 *                   RIO_T_REG_PAUSE holding N serve nothing for N ms (stopped);
 *                   Status = 0 clears the register file (a device reset)
 *
 * In every mode a write of N to RIO_T_REG_STORM makes it ring N NOTIFY
 * doorbells back to back after that batch, then one more with another
 * InterruptStatus bit (docs/protocol.md "Interrupt budget").
 *
 * Output (tests/system/test_rio_baremetal.py):
 *   rio_backend: serving
 *   rio_backend: window[0] = 0x...        what the frontend wrote there
 *   rio_backend: requests=<n> batches=<n> max_batch=<n> isr_forwarded=<n>
 *   rio_backend: hostile doorbells rejected=<n> req_done=<n>   (not POLL)
 *   rio_backend: polling=0xdeadbeef requests=<n> irqs=<n> polled=<n>  (POLL)
 *   rio_backend: poll rounds=<n> served_polling=<n> served_recheck=<n>
 *     recheck_hits=<n> caught=<n> lost=<n> served_irq=<n> empty_irqs=<n> (POLL)
 *   rio_backend: requests=<n> batches=<n> max_batch=<n> isr_forwarded=<n>
 *   rio_backend: hyp traps=<n> posted=<n> reads=<n> isr_local=<n> irqs=<n>
 *     doorbells=<n> full_waits=<n> polled=<n> rejected=<n>
 *   rio_backend: hyp timeouts=<n> dropped=<n> resets=<n>
 *   rio_backend: pausing <n> ms / rio_backend: reset by the hypervisor (STALL)
 *   rio_backend: reading 0x... (rogue) / rio_backend: done
 * and then one last NOTIFY: the frontend powers off only after it.  A wait
 * for the SPI longer than STALL_S with requests in the ring prints
 *   rio_backend: no interrupt for <n> s with requests pending: ...
 * (a lost wake-up: the frontend hangs, the test names it).
 */
#include <bulkhead/rio.h>
#include "bm.h"
#include "bm_gic.h"
#include "rio_test.h"
#include "timer.h"

#define NR_REGS (BH_RIO_MMIO_SIZE / 4)
#define LATE_US 1000000

/*
 * RIO_T_BE_POLL: a round polls 0..POLL_MAX_US, the way out lingers
 * 0..LINGER_MAX_US, or after an announcement 0..CHASE_MAX_TURNS turns of an
 * empty loop (spin_turns()), drawn anew each round so that the boundary
 * moves against the frontend's requests (RIO_T_FE_RACE: gaps of 0..40 us)
 * and, chasing, across the hypervisor's handling of one: under TCG a turn
 * is about 1.7 ns and the access is stamped (bh_rio_req.t_trap) 0.8-1.5 us
 * after its announcement is seen, so 0..1535 turns span it.
 */
#define POLL_MAX_US	64
#define LINGER_MAX_US	8
#define CHASE_MAX_TURNS 1535
#define ROUND_TURNS	16
#define STALL_S		5

/* RIO_T_BE_POLL: where each request was served (docs/protocol.md "Polling") */
struct poll_stats {
	uint32_t rounds;	 /* polling rounds begun */
	uint32_t served_polling; /* found while the flag was up */
	uint32_t served_recheck; /* found by the look after the flag went down */
	uint32_t recheck_hits;	 /* rounds whose re-check found some */
	uint32_t served_irq;	 /* found after the SPI */
	uint32_t empty_irqs;	 /* SPIs that found nothing (served meanwhile) */
	uint32_t caught;	 /* of those the re-check found, surely without SPI */
	uint32_t lost;		 /* without SPI, found by neither look (poll_account()) */
	uint64_t polled;	 /* the hypervisor's polled count after the last round */
};

struct fake_dev {
	volatile struct bh_rio_ctrl *ctrl;
	uint32_t regs[NR_REGS];
	uint32_t cursor;
	uint32_t requests, batches, max_batch;
	uint32_t isr_bits; /* InterruptStatus bits for the next NOTIFY */
	uint32_t isr_seen; /* requests for InterruptStatus/ACK: must be 0 */
	uint32_t pause_ms; /* RIO_T_BE_STALL: serve nothing for that long */
	bool notify, done;
	uint32_t storm; /* RIO_T_REG_STORM: doorbells to ring after this batch */
};

static void doorbell(uint32_t val)
{
	wr32(RIO_T_DOORBELL + BH_RIO_DB_KICK, val);
}

/* Status = 0: a device reset clears the register file (virtio v1.2 §2.4). */
static void fake_reset(struct fake_dev *d, uint16_t vcpu)
{
	unsigned int i;

	for (i = 0; i < NR_REGS; i++)
		d->regs[i] = 0;
	if (vcpu == BH_RIO_VCPU_HYP)
		bm_printf("rio_backend: reset by the hypervisor\n");
}

static uint64_t fake_access(struct fake_dev *d, const volatile struct bh_rio_req *r)
{
	uint32_t idx = (uint32_t)(r->offset / 4) % NR_REGS;

	if (r->offset == RIO_T_REG_ISR || r->offset == RIO_T_REG_ISR_ACK)
		d->isr_seen++;
	if (r->dir == BH_RIO_READ && r->offset == RIO_T_REG_PAUSE)
		d->pause_ms = d->regs[idx]; /* after this batch (pause_if_asked()) */
	if (r->dir == BH_RIO_READ)
		return r->offset == RIO_T_REG_MAGIC ? RIO_T_MAGIC_VALUE : d->regs[idx];
	d->regs[idx] = (uint32_t)r->value;
	if (r->offset == RIO_T_REG_STATUS && !r->value)
		fake_reset(d, r->vcpu);
	if (r->offset == RIO_T_REG_NOTIFY) {
		d->notify = true;
		d->isr_bits |= (uint32_t)r->value;
	}
	if (r->offset == RIO_T_REG_DONE)
		d->done = true;
	if (r->offset == RIO_T_REG_STORM)
		d->storm = (uint32_t)r->value;
	return 0;
}

/*
 * RIO_T_REG_STORM: @n NOTIFY doorbells as fast as we can trap, then the
 * last one with another InterruptStatus bit, which the frontend must
 * receive however many the hypervisor coalesced (docs/protocol.md
 * "Interrupt budget").
 */
static void storm(uint32_t n)
{
	volatile uint32_t *rung = (volatile uint32_t *)(uintptr_t)(RIO_T_WINDOW + RIO_T_WIN_STORM);
	uint64_t t0 = bm_counter(), us;
	uint32_t i;

	for (i = 0; i < n; i++)
		doorbell(BH_RIO_KICK_NOTIFY | BH_RIO_KICK_ISR(RIO_T_ISR_VRING));
	doorbell(BH_RIO_KICK_NOTIFY | BH_RIO_KICK_ISR(RIO_T_ISR_CONFIG));
	/* the doorbell trapped and returned: the hypervisor has seen it */
	*rung = RIO_T_STORM_RUNG;
	__asm__ volatile("dsb sy" : : : "memory");
	us = (bm_counter() - t0) * 1000000 / bm_counter_freq();
	bm_printf("rio_backend: storm rang %u + 1 in %llu us\n", n, (unsigned long long)us);
}

/*
 * Drain everything published; one doorbell for the whole batch.  Its trap
 * takes the device lock, so once it returns the hypervisor has published
 * the counters of every request served.  Return: requests served.
 */
static uint32_t serve(struct fake_dev *d)
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
	/*
	 * Said before the answer goes out: the frontend resets right after it,
	 * and the hypervisor's "vm rfront reset" line would share UART0 with
	 * this one character by character.
	 */
	if (d->pause_ms)
		bm_printf("rio_backend: pausing %u ms\n", d->pause_ms);
	if (bell)
		doorbell(bell);
	if (d->storm)
		storm(d->storm);
	d->storm = 0;
	return n;
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
		  "doorbells=%llu full_waits=%llu polled=%llu fe_irqs=%llu coalesced=%llu "
		  "rejected=%llu\n",
		  (unsigned long long)c->traps, (unsigned long long)c->posted_writes,
		  (unsigned long long)c->reads, (unsigned long long)c->isr_local,
		  (unsigned long long)c->backend_irqs, (unsigned long long)c->doorbells,
		  (unsigned long long)c->ring_full_waits, (unsigned long long)c->polled,
		  (unsigned long long)c->frontend_irqs, (unsigned long long)c->irqs_coalesced,
		  (unsigned long long)c->rejected);
	bm_printf("rio_backend: hyp timeouts=%llu dropped=%llu resets=%llu\n",
		  (unsigned long long)c->timeouts, (unsigned long long)c->dropped,
		  (unsigned long long)c->resets);
}

/* ---- RIO_T_BE_POLL ------------------------------------------------------- */

static bool pending(const struct fake_dev *d)
{
	return __atomic_load_n(&d->ctrl->req_prod, __ATOMIC_ACQUIRE) != d->cursor;
}

static uint64_t us_to_ticks(uint64_t us)
{
	return us * bm_counter_freq() / 1000000;
}

/* Finer than bm_delay_ticks(): a turn of an empty loop is a few ns under TCG. */
static void spin_turns(uint32_t turns)
{
	while (turns--)
		__asm__ volatile("" : : : "memory");
}

/*
 * Sleep until the backend SPI.  The virtual timer wakes us every STALL_S
 * to see whether requests wait in the ring meanwhile: with the flag down,
 * each of them should have raised the SPI, so that is a lost wake-up
 * (the frontend hangs on it); said once, for the test's message.
 */
static void wait_backend_irq(const struct fake_dev *d)
{
	bool told = false;

	for (;;) {
		uint32_t iar;

		timer_arm_in(STALL_S * bm_counter_freq());
		iar = gic_wait();
		timer_stop();
		gic_eoi(iar);
		if (BM_GIC_INTID(iar) == RIO_T_BE_INTID)
			return;
		if (!told && pending(d)) {
			bm_printf("rio_backend: no interrupt for %u s with requests pending: "
				  "req_prod=%u cursor=%u polling=0x%x\n",
				  STALL_S, d->ctrl->req_prod, d->cursor, d->ctrl->polling);
			told = true;
		}
	}
}

/*
 * Any polling word but BH_RIO_POLLING means "not polling" to the hypervisor
 * (bulkhead/rio.h): with RIO_T_HOSTILE_POLLING in it, the frontend's first
 * request, made only once the word is in memory (RIO_T_SYNC_ARMED), must
 * come with the SPI.  The frontend waits for RIO_T_SYNC_GO before its
 * next, so the counters read here hold exactly that request.
 */
static void hostile_polling(struct fake_dev *d)
{
	const volatile struct bh_rio_counters *c = &d->ctrl->counters;
	volatile uint32_t *sync = (volatile uint32_t *)(uintptr_t)(RIO_T_WINDOW + RIO_T_WIN_SYNC);
	uint64_t irqs = c->backend_irqs, polled = c->polled;
	uint32_t n;

	d->ctrl->polling = RIO_T_HOSTILE_POLLING;
	__asm__ volatile("dsb sy" : : : "memory");
	*sync = RIO_T_SYNC_ARMED;
	wait_backend_irq(d);
	n = serve(d);
	bm_printf("rio_backend: polling=0x%x requests=%u irqs=%llu polled=%llu\n",
		  RIO_T_HOSTILE_POLLING, n, (unsigned long long)(c->backend_irqs - irqs),
		  (unsigned long long)(c->polled - polled));
	d->ctrl->polling = 0;
	__asm__ volatile("dsb sy" : : : "memory");
	*sync = RIO_T_SYNC_GO;
}

static uint32_t announced(void)
{
	return *(volatile uint32_t *)(uintptr_t)(RIO_T_WINDOW + RIO_T_WIN_ANNOUNCE);
}

/*
 * One polling round of @len ticks: flag up, serve whatever comes.  With
 * @chase, it ends as soon as the frontend announces its next access.  The
 * counter is read only every ROUND_TURNS turns: it is the slow part of a
 * turn under TCG, and a turn is how late the announcement is seen.
 * Return: true if the round ended on an announcement.
 */
static bool poll_round(struct fake_dev *d, struct poll_stats *st, uint64_t len, bool chase)
{
	uint64_t end = bm_counter() + len;
	uint32_t seen = announced(), turn = 0;

	st->rounds++;
	d->ctrl->polling = BH_RIO_POLLING;
	do {
		if (pending(d))
			st->served_polling += serve(d);
		if (chase && announced() != seen)
			return true;
	} while (!d->done && (++turn % ROUND_TURNS || bm_counter() < end));
	return false;
}

/*
 * The way out of polling (docs/protocol.md "Polling"): flag down, DSB SY
 * so that the hypervisor can see it clear before we look, then one more
 * look at req_prod: the mirror image of the hypervisor's publish, barrier,
 * load of the flag (rio_frontend()).  Return: requests that look found.
 */
static uint32_t poll_end(struct fake_dev *d)
{
	d->ctrl->polling = 0;
	__asm__ volatile("dsb sy" : : : "memory");
	return pending(d) ? serve(d) : 0;
}

/*
 * After round @st->rounds: which requests went without the SPI, and who
 * found them.  The hypervisor's polled count is exact here: each request
 * it let pass during the round was served (by the polling loop or the
 * re-check: the Dekker pair), and the doorbell of that serve() waited for
 * the device lock the hypervisor held while it decided and counted.  So
 * what the polling loop (@in_loop requests) cannot account for went without
 * the SPI and was found only by the re-check (@in_recheck): the lost-wake-up
 * window, caught.  More than the re-check found were found by neither: a
 * lost wake-up (rescued, if at all, by a later request's SPI).
 */
static void poll_account(struct fake_dev *d, struct poll_stats *st, uint32_t in_loop,
			 uint32_t in_recheck)
{
	uint64_t now = d->ctrl->counters.polled;
	uint64_t nospi = now - st->polled;

	st->polled = now;
	if (nospi <= in_loop)
		return;
	nospi -= in_loop;
	if (nospi > in_recheck) {
		if (!st->lost)
			bm_printf("rio_backend: FAIL round %u: %llu requests without SPI, "
				  "%u found polling, %u by the re-check\n",
				  st->rounds, (unsigned long long)(nospi + in_loop), in_loop,
				  in_recheck);
		st->lost += (uint32_t)(nospi - in_recheck);
		nospi = in_recheck;
	}
	st->caught += (uint32_t)nospi;
}

static void serve_polling(struct fake_dev *d, struct poll_stats *st)
{
	uint64_t poll_max = us_to_ticks(POLL_MAX_US), linger_max = us_to_ticks(LINGER_MAX_US);
	uint32_t seed = 1;

	gic_enable_irq(BM_TIMER_VIRT_PPI);
	hostile_polling(d);
	st->polled = d->ctrl->counters.polled;
	while (!d->done) {
		uint32_t in_loop = st->served_polling, n, linger;
		uint64_t len;
		bool chase;

		seed = RIO_T_LCG(seed);
		chase = seed & 0x100;
		len = (seed >> 9) % (poll_max + 1);
		seed = RIO_T_LCG(seed);
		linger = seed >> 8;
		/* past the last look: what is published now gets no SPI */
		if (poll_round(d, st, len, chase))
			spin_turns(linger % (CHASE_MAX_TURNS + 1));
		else
			bm_delay_ticks(linger % (linger_max + 1));
		in_loop = st->served_polling - in_loop;
		n = poll_end(d);
		poll_account(d, st, in_loop, n);
		if (n) {
			/* as the device model: found work, so poll on */
			st->served_recheck += n;
			st->recheck_hits++;
			continue;
		}
		if (d->done)
			break;
		wait_backend_irq(d);
		n = serve(d);
		if (n)
			st->served_irq += n;
		else
			st->empty_irqs++;
	}
	bm_printf("rio_backend: poll rounds=%u served_polling=%u served_recheck=%u "
		  "recheck_hits=%u caught=%u lost=%u served_irq=%u empty_irqs=%u\n",
		  st->rounds, st->served_polling, st->served_recheck, st->recheck_hits, st->caught,
		  st->lost, st->served_irq, st->empty_irqs);
}

/* A write to RIO_T_REG_PAUSE was served (and said, serve()): stop answering that long. */
static void pause_if_asked(struct fake_dev *d)
{
	if (!d->pause_ms)
		return;
	bm_delay_us(d->pause_ms * 1000ull);
	d->pause_ms = 0;
}

/* Sleep on the SPI, drain, until the frontend is done. */
static void serve_sleeping(struct fake_dev *d)
{
	serve(d); /* the backlog, without waiting */
	pause_if_asked(d);
	while (!d->done) {
		uint32_t iar = gic_wait();

		gic_eoi(iar);
		serve(d);
		pause_if_asked(d);
	}
}

int main(uint64_t arg)
{
	static struct fake_dev dev;
	static struct poll_stats stats;
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
	if (mode & RIO_T_BE_STALL)
		bm_delay_us(RIO_T_ABSENT_MS * 1000ull);
	gic_enable_irq(RIO_T_BE_INTID);
	bm_printf("rio_backend: serving\n");
	d->cursor = d->ctrl->req_done;
	if (mode & RIO_T_BE_POLL)
		serve_polling(d, &stats);
	else
		serve_sleeping(d);
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
