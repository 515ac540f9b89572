// SPDX-License-Identifier: MIT
/*
 * rio_frontend: a bare-metal frontend exercising its trapped virtio-mmio
 * window against guest/baremetal/rio_backend (the fake register file):
 *   1. a burst of posted writes before anything answers (backlog, ring full)
 *   2. the first read: blocks until the backend serves, and sees the magic
 *   3. round trips: write then read back each scratch register
 *   4. order: many posted writes to one register, then a read sees the last
 *   5. a write to NOTIFY raises the frontend's SPI (backend doorbell NOTIFY)
 *   6. InterruptStatus is the hypervisor's: the bits the doorbell set, ACK
 *      clears them, a reset (Status = 0) clears them, none of it reaches
 *      the backend (it counts such requests: isr_forwarded=0)
 *   7. timing of reads (median not needed: one figure per run)
 *
 * With RIO_T_FE_ABANDON (2 vCPUs, in-place image): in its first life vCPU 1
 * blocks on a read nobody answers yet and vCPU 0 resets the VM under it
 * (PSCI SYSTEM_RESET): the hypervisor must abandon that read, retire its
 * late answer into the void, and serve the second life normally.
 *
 * With RIO_T_FE_RACE, against a RIO_T_BE_POLL backend, instead of 1-7: one
 * read while the backend's polling word holds a hostile value (hand-off
 * through the shared window, rio_test.h), then RACE_OPS operations after
 * pseudo-random gaps of 0..RACE_GAP_MAX_US, so that requests land in every
 * phase of the backend's polling, on its way out of it too: round trips
 * (write, read back), lone reads, posted writes, QueueNotifies (the vCPU
 * waits for the model, then takes the SPI the model raised), each announced
 * in the shared window just before it (RIO_T_WIN_ANNOUNCE: the backend may
 * end a polling round on it).  Every read is checked against what was last
 * written.  A lost wake-up of the backend leaves this vCPU waiting in the
 * hypervisor for good: the test sees the progress lines stop.
 *
 * With RIO_T_FE_STORM, instead of 1-7: work units (a fixed busy loop) for
 * STORM_ALONE_US with nothing happening, then a write of STORM_BELLS to
 * RIO_T_REG_STORM and work units again, taking every interrupt (read
 * InterruptStatus, ACK it), until the one whose InterruptStatus has the
 * CONFIG bit of the backend's last doorbell, and STORM_QUIET_US more: how
 * many interrupts came, how long it took (up to the CONFIG one) and how
 * much work got done meanwhile, against alone.
 * With RIO_T_FE_STALL, against a RIO_T_BE_STALL backend, instead of 1-7: a
 * model that does not answer (docs/protocol.md, "A device model that does
 * not answer").  Not started yet: the first read completes after the
 * timeout with all-ones, the next at once; a write meanwhile is queued and
 * reaches the model once it serves.  Stopped: the same, and writes that do
 * not fit in the ring are lost, so the hypervisor resets the device when
 * the model is back.  Stopped while the frontend resets: the new life starts
 * after the timeout and is served once the model is back.
 *
 * Output (tests/system/test_rio_baremetal.py):
 *   rio_frontend: life <n>
 *   rio_frontend: resetting with a read pending       (ABANDON, first life)
 *   rio_frontend: start
 *   rio_frontend: magic ok / backlog ok / roundtrip ok / order ok / irq ok / isr ok
 *   rio_frontend: <n> reads in <us> us
 *   rio_frontend: race <n>/<total> in <us> us                 (RACE, every RACE_PROGRESS)
 *   rio_frontend: race reads=<n> posted=<n> notifies=<n>      (RACE)
 *   rio_frontend: race ok                                     (RACE)
 *   rio_frontend: storm irqs=<n> final=<0|1> us_total=<t> us_storm=<t>
 *                 units_storm=<n> us_alone=<t> units_alone=<n>    (STORM)
 *   rio_frontend: <what> read 0x<v> after <n> us      (STALL: absent, stalled, paused)
 *   rio_frontend: served again after <n> tries        (STALL)
 *   rio_frontend: queued ok / reset ok / life 2 ok     (STALL)
 *   rio_frontend: done errors=<n>
 */
#include "bm.h"
#include "bm_gic.h"
#include "rio_test.h"

#define BACKLOG	      100 /* more than the ring (64): waits for space */
#define ORDER_WRITES  300
#define TIMED_READS   200
#define IRQ_WAIT_US   2000000
#define FINAL_WAIT_US 5000000
#define NR_SCRATCH    ((0x1f0 - RIO_T_REG_SCRATCH) / 4)

#define ABANDON_WAIT_US 300000
#define CPU1_MPIDR	1ull

#define RACE_OPS	150000 /* about 10 s under TCG on a quiet machine */
#define RACE_PROGRESS	10000
#define RACE_GAP_MAX_US 40
#define FAIL_PRINTS	10 /* then only counted */

#define STORM_BELLS    20000
#define STORM_ALONE_US 300000
#define STORM_WAIT_US  20000000 /* the last interrupt, at the latest, after the last doorbell */
#define STORM_QUIET_US 20000	/* then 20 budget windows of taking stragglers */
#define STORM_UNIT     256	/* loop turns per work unit */

static unsigned int errors;
/* in .data, not .bss: an in-place image keeps it across SYSTEM_RESET */
static volatile uint32_t lives = 1;

static uint32_t rd(uint64_t off)
{
	return rd32(RIO_T_MMIO + off);
}

static void wr(uint64_t off, uint32_t v)
{
	wr32(RIO_T_MMIO + off, v);
}

static void expect(const char *what, uint32_t got, uint32_t want)
{
	if (got == want)
		return;
	if (errors++ < FAIL_PRINTS)
		bm_printf("rio_frontend: FAIL %s: 0x%x, want 0x%x\n", what, got, want);
}

/* "<what> ok" only if no check failed since @errs (the count before it). */
static void passed(const char *what, unsigned int errs)
{
	if (errors == errs)
		bm_printf("rio_frontend: %s ok\n", what);
}

static void test_backlog_and_magic(void)
{
	unsigned int i, errs = errors;

	/* the backend is late: these queue up and then wait for ring space */
	for (i = 0; i < BACKLOG; i++)
		wr(RIO_T_REG_SCRATCH, i);
	expect("magic", rd(RIO_T_REG_MAGIC), RIO_T_MAGIC_VALUE);
	expect("backlog", rd(RIO_T_REG_SCRATCH), BACKLOG - 1);
	passed("magic", errs);
}

static void test_roundtrip(void)
{
	unsigned int i, errs = errors;

	for (i = 0; i < NR_SCRATCH; i++) {
		wr(RIO_T_REG_SCRATCH + 4 * i, 0x1000u * i + 7);
		expect("roundtrip", rd(RIO_T_REG_SCRATCH + 4 * i), 0x1000u * i + 7);
	}
	/* 8- and 16-bit reads of a 32-bit register: the hypervisor masks */
	wr(RIO_T_REG_SCRATCH, 0xa1b2c3d4u);
	expect("8-bit read", rd8(RIO_T_MMIO + RIO_T_REG_SCRATCH), 0xd4);
	passed("roundtrip", errs);
}

static void test_order(void)
{
	unsigned int i, errs = errors;

	for (i = 1; i <= ORDER_WRITES; i++)
		wr(RIO_T_REG_SCRATCH + 4, i);
	expect("order", rd(RIO_T_REG_SCRATCH + 4), ORDER_WRITES);
	passed("order", errs);
}

/* Write @bits to NOTIFY and take the SPI.  Return: 0 or -1. */
static int notify_and_wait(uint32_t bits)
{
	uint64_t deadline;
	uint32_t iar;

	wr(RIO_T_REG_NOTIFY, bits);
	deadline = bm_counter() + bm_counter_freq() * IRQ_WAIT_US / 1000000;
	iar = gic_wait_until(deadline);
	if (BM_GIC_INTID(iar) != RIO_T_FE_INTID) {
		errors++;
		bm_printf("rio_frontend: FAIL irq: got %u\n", BM_GIC_INTID(iar));
		return -1;
	}
	gic_eoi(iar);
	return 0;
}

static void test_irq(void)
{
	gic_set_edge(RIO_T_FE_INTID, 1);
	gic_enable_irq(RIO_T_FE_INTID);
	if (!notify_and_wait(0))
		bm_printf("rio_frontend: irq ok\n");
}

static void test_isr(void)
{
	unsigned int errs = errors;

	expect("isr before", rd(RIO_T_REG_ISR), 0);
	if (notify_and_wait(RIO_T_ISR_VRING))
		return;
	expect("isr vring", rd(RIO_T_REG_ISR), RIO_T_ISR_VRING);
	wr(RIO_T_REG_ISR_ACK, RIO_T_ISR_VRING);
	expect("isr after ack", rd(RIO_T_REG_ISR), 0);
	if (notify_and_wait(RIO_T_ISR_VRING | RIO_T_ISR_CONFIG))
		return;
	wr(RIO_T_REG_ISR_ACK, RIO_T_ISR_VRING);
	expect("isr partial ack", rd(RIO_T_REG_ISR), RIO_T_ISR_CONFIG);
	wr(RIO_T_REG_STATUS, 0);
	expect("isr after reset", rd(RIO_T_REG_ISR), 0);
	passed("isr", errs);
}

/*
 * The backend's last NOTIFY says it has printed everything on UART0, which
 * the hypervisor's "powered off" line for us would share.
 */
static void wait_final_irq(void)
{
	uint64_t deadline = bm_counter() + bm_counter_freq() * FINAL_WAIT_US / 1000000;
	uint32_t iar = gic_wait_until(deadline);

	if (BM_GIC_INTID(iar) < BM_GIC_SPURIOUS)
		gic_eoi(iar);
}

static void time_reads(void)
{
	uint64_t t0 = bm_counter(), us;
	unsigned int i;

	for (i = 0; i < TIMED_READS; i++)
		(void)rd(RIO_T_REG_SCRATCH);
	us = (bm_counter() - t0) * 1000000 / bm_counter_freq();
	bm_printf("rio_frontend: %u reads in %llu us\n", TIMED_READS, (unsigned long long)us);
}

/* ---- RIO_T_FE_RACE --------------------------------------------------------- */

struct race {
	uint32_t seed;
	uint32_t regs[NR_SCRATCH]; /* what each scratch register was last written */
	uint32_t reads, posted, notifies;
};

/* The backend's hand-off word in the shared window (rio_test.h). */
static void race_wait_sync(uint32_t want)
{
	while (rd32(RIO_T_WINDOW + RIO_T_WIN_SYNC) != want)
		;
}

static uint32_t race_rand(struct race *r)
{
	r->seed = RIO_T_LCG(r->seed);
	return r->seed >> 8; /* the low bits of an LCG cycle short */
}

/* 0..RACE_GAP_MAX_US of busy waiting, none at all one time in four. */
static void race_gap(struct race *r)
{
	uint32_t x = race_rand(r);
	uint64_t end;

	if (!(x & 3))
		return;
	end = bm_counter() + (x >> 2) % (RACE_GAP_MAX_US * bm_counter_freq() / 1000000 + 1);
	while (bm_counter() < end)
		;
}

static void race_write(struct race *r, unsigned int k, uint32_t v)
{
	r->regs[k] = v;
	wr(RIO_T_REG_SCRATCH + 4 * k, v);
	r->posted++;
}

static void race_read(struct race *r, unsigned int k)
{
	expect("race read", rd(RIO_T_REG_SCRATCH + 4 * k), r->regs[k]);
	r->reads++;
}

static void race_op(struct race *r, uint32_t i)
{
	uint32_t x = race_rand(r);
	unsigned int k = (x >> 4) % NR_SCRATCH;

	/* a chasing backend ends its polling round on this (rio_test.h) */
	wr32(RIO_T_WINDOW + RIO_T_WIN_ANNOUNCE, i);

	switch (x & 3) {
	case 0: /* round trip: the read also orders after the write */
		race_write(r, k, x ^ i);
		race_gap(r);
		race_read(r, k);
		break;
	case 1: /* a read alone */
		race_read(r, k);
		break;
	case 2: /* a posted write alone */
		race_write(r, k, x + i);
		break;
	default: /* QueueNotify: waits for the model, which raises our SPI */
		if (!notify_and_wait(0))
			r->notifies++;
		break;
	}
}

static void test_race(void)
{
	static struct race r = { .seed = 7 };
	uint64_t t0 = bm_counter();
	unsigned int k, errs = errors;
	uint32_t i;

	gic_set_edge(RIO_T_FE_INTID, 1);
	gic_enable_irq(RIO_T_FE_INTID);
	race_wait_sync(RIO_T_SYNC_ARMED);
	expect("magic", rd(RIO_T_REG_MAGIC), RIO_T_MAGIC_VALUE);
	race_wait_sync(RIO_T_SYNC_GO);
	for (k = 0; k < NR_SCRATCH; k++)
		race_write(&r, k, ~k);
	for (i = 1; i <= RACE_OPS; i++) {
		race_gap(&r);
		race_op(&r, i);
		if (i % RACE_PROGRESS == 0)
			bm_printf("rio_frontend: race %u/%u in %llu us\n", i, RACE_OPS,
				  (unsigned long long)((bm_counter() - t0) * 1000000 /
						       bm_counter_freq()));
	}
	bm_printf("rio_frontend: race reads=%u posted=%u notifies=%u\n", r.reads, r.posted,
		  r.notifies);
	passed("race", errs);
}

/* ---- RIO_T_FE_STORM -------------------------------------------------------- */

static void work_unit(void)
{
	unsigned int i;

	for (i = 0; i < STORM_UNIT; i++)
		__asm__ volatile("" : : : "memory");
}

static uint64_t ticks_to_us(uint64_t t)
{
	return t * 1000000 / bm_counter_freq();
}

/* Take the SPI if it is pending.  Return: its InterruptStatus, 0 if none. */
static uint32_t storm_irq(unsigned int *irqs)
{
	uint32_t iar = gic_ack(), isr;

	if (BM_GIC_INTID(iar) >= BM_GIC_SPURIOUS)
		return 0;
	if (BM_GIC_INTID(iar) != RIO_T_FE_INTID) {
		gic_eoi(iar);
		return 0;
	}
	isr = rd(RIO_T_REG_ISR);
	wr(RIO_T_REG_ISR_ACK, isr);
	gic_eoi(iar);
	(*irqs)++;
	return isr;
}

static void test_storm(void)
{
	const volatile uint32_t *rung =
		(const volatile uint32_t *)(uintptr_t)(RIO_T_WINDOW + RIO_T_WIN_STORM);
	uint64_t freq = bm_counter_freq(), t0, alone, end, storm_t;
	unsigned int irqs = 0, final = 0;
	uint64_t units_alone = 0, units = 0;

	gic_set_edge(RIO_T_FE_INTID, 1);
	gic_enable_irq(RIO_T_FE_INTID);
	expect("magic", rd(RIO_T_REG_MAGIC), RIO_T_MAGIC_VALUE);
	t0 = bm_counter();
	while (bm_counter() - t0 < freq * STORM_ALONE_US / 1000000) {
		work_unit();
		units_alone++;
	}
	alone = bm_counter() - t0;
	wr(RIO_T_REG_STORM, STORM_BELLS);
	t0 = bm_counter();
	/*
	 * The deadline runs from the backend's last doorbell: how long 20001
	 * trapped doorbells take is the host's speed (85 ms on a quiet one,
	 * over 20 s under TCG with a busy host), the delivery after the last
	 * is the hypervisor's promise (docs/protocol.md "Interrupt budget").
	 */
	end = 0;
	while (!final && (!end || bm_counter() < end)) {
		work_unit();
		units++;
		if (storm_irq(&irqs) & RIO_T_ISR_CONFIG)
			final = 1;
		if (!end && *rung == RIO_T_STORM_RUNG)
			end = bm_counter() + freq * STORM_WAIT_US / 1000000;
	}
	storm_t = bm_counter() - t0;
	/* one held back may still come: take it here, not as the backend's last */
	end = bm_counter() + freq * STORM_QUIET_US / 1000000;
	while (bm_counter() < end)
		storm_irq(&irqs);
	bm_printf("rio_frontend: storm irqs=%u final=%u us_total=%llu us_storm=%llu "
		  "units_storm=%llu us_alone=%llu units_alone=%llu\n",
		  irqs, final, (unsigned long long)ticks_to_us(bm_counter() - t0),
		  (unsigned long long)ticks_to_us(storm_t), (unsigned long long)units,
		  (unsigned long long)ticks_to_us(alone), (unsigned long long)units_alone);
	if (!final)
		errors++;
}

/* ---- RIO_T_FE_STALL --------------------------------------------------------- */

#define STALL_POLL_US	 20000
#define STALL_SERVED_MAX 1000 /* tries: 20 s */
#define STALL_OVERFLOW	 100  /* writes while stalled: more than the ring holds */
#define ALL_ONES	 0xffffffffu

static uint64_t us_since(uint64_t t0)
{
	return (bm_counter() - t0) * 1000000 / bm_counter_freq();
}

/*
 * Read @off of a device whose model does not answer: all-ones, and after
 * at least the timeout if @waits (else at once: less than it).
 */
static void stall_read(const char *what, uint64_t off, bool waits)
{
	uint64_t t0 = bm_counter(), us;
	uint32_t v = rd(off);

	us = us_since(t0);
	bm_printf("rio_frontend: %s read 0x%x after %llu us\n", what, v, (unsigned long long)us);
	expect(what, v, ALL_ONES);
	if (waits && us < RIO_T_TIMEOUT_MS * 1000ull)
		expect("waited the timeout", 0, 1);
	if (!waits && us >= RIO_T_TIMEOUT_MS * 1000ull)
		expect("a stalled device answers at once", 0, 1);
}

/* Poll MagicValue until the model answers it again. */
static void stall_wait_served(void)
{
	unsigned int tries;

	for (tries = 1; tries <= STALL_SERVED_MAX; tries++) {
		if (rd(RIO_T_REG_MAGIC) == RIO_T_MAGIC_VALUE) {
			bm_printf("rio_frontend: served again after %u tries\n", tries);
			return;
		}
		bm_delay_us(STALL_POLL_US);
	}
	expect("served again", 0, 1);
}

/* Let the backend stop answering for @ms once it has answered this read. */
static void stall_pause_backend(uint32_t ms)
{
	wr(RIO_T_REG_PAUSE, ms);
	expect("pause", rd(RIO_T_REG_PAUSE), ms);
}

static void test_stall(void)
{
	unsigned int i, errs = errors;

	/* the model is not started yet */
	stall_read("absent", RIO_T_REG_MAGIC, true);
	stall_read("stalled", RIO_T_REG_SCRATCH, false);
	wr(RIO_T_REG_SCRATCH + 4, 0x5157a11u); /* queued for the model */
	stall_wait_served();
	expect("queued write", rd(RIO_T_REG_SCRATCH + 4), 0x5157a11u);
	passed("queued", errs);

	/* it stops, and more writes come than the ring holds */
	errs = errors;
	wr(RIO_T_REG_STATUS, 0xf);
	wr(RIO_T_REG_SCRATCH, 0x600du);
	stall_pause_backend(3 * RIO_T_TIMEOUT_MS);
	stall_read("paused", RIO_T_REG_SCRATCH, true);
	for (i = 0; i < STALL_OVERFLOW; i++)
		wr(RIO_T_REG_SCRATCH + 8, i);
	stall_wait_served();
	/* some were lost: the hypervisor reset the device after the rest */
	expect("status after lost writes", rd(RIO_T_REG_STATUS), 0);
	expect("scratch after lost writes", rd(RIO_T_REG_SCRATCH), 0);
	passed("reset", errs);

	/* it stops while this VM resets: the new life does not wait for it */
	stall_pause_backend(3 * RIO_T_TIMEOUT_MS);
	bm_printf("rio_frontend: resetting with the model stopped\n");
	bm_psci(BM_PSCI_SYSTEM_RESET, 0, 0, 0);
	bm_printf("rio_frontend: FAIL SYSTEM_RESET returned\n");
}

/* The second life of test_stall(): served once the model is back. */
static void test_stall_life2(void)
{
	unsigned int errs = errors;

	/* the backend's last NOTIFY ends wait_final_irq() */
	gic_set_edge(RIO_T_FE_INTID, 1);
	gic_enable_irq(RIO_T_FE_INTID);
	stall_wait_served();
	expect("status after the VM's reset", rd(RIO_T_REG_STATUS), 0);
	passed("life 2", errs);
}

/* vCPU 1 of the first life: a read that waits until the VM is reset */
void bm_secondary_main(uint64_t context)
{
	(void)context;
	bm_printf("rio_frontend: cpu1 reading\n");
	(void)rd(RIO_T_REG_MAGIC);
	bm_printf("rio_frontend: FAIL cpu1 read returned in the first life\n");
}

static void abandon_first_life(void)
{
	if (bm_cpu_on(CPU1_MPIDR, 0)) {
		bm_printf("rio_frontend: FAIL cpu_on\n");
		return;
	}
	bm_delay_us(ABANDON_WAIT_US);
	bm_printf("rio_frontend: resetting with a read pending\n");
	bm_psci(BM_PSCI_SYSTEM_RESET, 0, 0, 0);
	bm_printf("rio_frontend: FAIL SYSTEM_RESET returned\n");
}

int main(uint64_t arg)
{
	uint32_t life = lives++;

	bm_printf("rio_frontend: life %u\n", life);
	if ((BM_ARG_PARAM(arg) & RIO_T_FE_ABANDON) && life == 1) {
		abandon_first_life();
		return 1;
	}
	bm_printf("rio_frontend: start\n");
	if (gic_init_dist() || gic_init_cpu()) {
		bm_printf("rio_frontend: FAIL gic\n");
		return 1;
	}
	/* something the backend can only see through the shared window */
	*(volatile uint64_t *)(uintptr_t)RIO_T_WINDOW = 0x5a5aa5a5c0ffee00ull;
	if ((BM_ARG_PARAM(arg) & RIO_T_FE_STALL) && life == 1) {
		test_stall();
		return 1;
	}
	if (BM_ARG_PARAM(arg) & RIO_T_FE_STALL) {
		test_stall_life2();
	} else if (BM_ARG_PARAM(arg) & RIO_T_FE_RACE) {
		test_race();
	} else if (BM_ARG_PARAM(arg) & RIO_T_FE_STORM) {
		test_storm();
	} else {
		test_backlog_and_magic();
		test_roundtrip();
		test_order();
		test_irq();
		test_isr();
		time_reads();
	}
	wr(RIO_T_REG_DONE, 1);
	bm_printf("rio_frontend: done errors=%u\n", errors);
	wait_final_irq();
	return 0;
}
