// SPDX-License-Identifier: MIT
/*
 * Remote I/O (docs/design.md §5): frontend virtio-mmio traps become requests in a
 * per-device ring that a device model in the backend VM serves through a
 * stock uio_pdrv_genirq node; docs/protocol.md has the sequence diagrams.
 *
 *   frontend write  queued, backend SPI injected, the vCPU resumes at once
 *                   (a QueueNotify waits like a read: rio_waits())
 *   frontend read   queued, then the vCPU's pCPU sleeps in WFI until the
 *                   doorbell that retires the request kicks it (SGI)
 *   ring full       the frontend vCPU sleeps the same way until a slot frees
 *   no answer       each of those waits ends at the device's timeout: the
 *                   access completes as for a dead device, and so do the
 *                   next ones until the model answers again (rio_stall())
 *   doorbell        (backend write trap) retire up to resp_prod, wake the
 *                   readers, and/or inject the frontend's SPI
 *
 * Locking: dev->lock guards the ring and the waiter table; interrupts are
 * injected and pCPUs kicked after it is dropped (vgic_inject takes the
 * VM's distributor lock).  The only state here is the per-config device
 * array and the control regions it owns.
 */
#include <linux/virtio_mmio.h> /* register offsets of virtio v1.2 §4.2.2 */

#include "cache.h"
#include "gic.h"
#include "hyp.h"
#include "log.h"
#include "pcpu.h"
#include "rio_dev.h"
#include "sysreg.h"
#include "vgic.h"
#include "vm.h"

#define RIO_LOG_BUDGET	     16
#define RIO_STALL_LOG_BUDGET 32 /* 2 lines per time a model stops answering */
/* "coalescing" lines per device: one per storm (rio_irq_raise()) */
#define RIO_IRQ_LOG_BUDGET 4

#define RIO_SPIN_US 40

static struct rio_dev rio_devs[BH_MAX_VIRTIO];
static unsigned int nr_rio_devs;
static uint64_t rio_spin_ticks; /* RIO_SPIN_US in counter ticks */
static uint64_t rio_irq_window; /* RIO_IRQ_WINDOW_US in counter ticks */
static uint64_t rio_irq_gap;	/* RIO_IRQ_STORM_GAP_US in counter ticks */

/* The control regions: hypervisor memory mapped into each backend. */
static union {
	struct bh_rio_ctrl ctrl;
	uint8_t bytes[BH_RIO_CTRL_SIZE];
} rio_ctrl_mem[BH_MAX_VIRTIO] __attribute__((aligned(BH_PAGE_SIZE)));

_Static_assert(sizeof(rio_ctrl_mem[0]) == BH_RIO_CTRL_SIZE,
	       "control regions are BH_RIO_CTRL_SIZE apart");
_Static_assert(BH_RIO_CTRL_SIZE % BH_PAGE_SIZE == 0, "control region is whole pages");

uint64_t rio_ctrl_pa(unsigned int i)
{
	return (uint64_t)(uintptr_t)&rio_ctrl_mem[i]; /* EL2 maps RAM 1:1 */
}

/*
 * The control region is Normal write-back here (EL2 maps all RAM so) but
 * Device-nGnRnE in the backend (uio_pdrv_genirq maps it pgprot_noncached):
 * mismatched attributes, so EL2 keeps memory coherent by hand (Arm ARM
 * B2.8, "Mismatched memory attributes"; docs/protocol.md).  Each line has
 * one writer (bulkhead/rio.h): lines EL2 writes are cleaned to the Point
 * of Coherency after the write, lines the device model writes are
 * invalidated before EL2 reads them (EL2 never writes them, so they are
 * never dirty here and nothing of the model's is overwritten).
 */
static void rio_ctrl_clean(const void *p, uint64_t size)
{
	dcache_clean_range((uint64_t)(uintptr_t)p, size);
}

static void rio_ctrl_fetch(const void *p, uint64_t size)
{
	dcache_clean_inval_range((uint64_t)(uintptr_t)p, size);
}

/* The counter every VM reads as CNTVCT (CNTVOFF_EL2 = 0). */
static uint64_t rio_now(void)
{
	isb();
	return sysreg_read(cntpct_el0);
}

/*
 * Put the ring out to memory: request @seq's slot (if >= 0), then the
 * indices; the clean ends with DSB SY.  Called with @d->lock held.
 */
static void rio_ctrl_publish_ring(struct rio_dev *d, int64_t seq)
{
	struct bh_rio_ctrl *c = d->ring.ctrl;

	if (seq >= 0)
		rio_ctrl_clean(&c->req[(uint32_t)seq % BH_RIO_RING_SIZE], sizeof(c->req[0]));
	rio_ctrl_clean(&c->req_prod, BH_RIO_CACHE_LINE);
}

/* Mirror the counters into the control region and out to memory (lock held). */
static void rio_ctrl_publish_counters(struct rio_dev *d)
{
	rio_ring_sync_counters(&d->ring);
	rio_ctrl_clean(&d->ring.ctrl->counters, sizeof(d->ring.ctrl->counters));
}

/* Everything EL2 wrote: rio_ctrl_publish_ring(), then the counters. */
static void rio_ctrl_publish(struct rio_dev *d, int64_t seq)
{
	rio_ctrl_publish_ring(d, seq);
	rio_ctrl_publish_counters(d);
}

/* The region of @vm that maps shmem @idx, or NULL. */
static const struct bh_mem_region *rio_shared_region(const struct vm *vm, uint32_t idx)
{
	const struct bh_vm_config *c = vm->cfg;
	unsigned int i;

	for (i = 0; i < BH_MAX_MEM_REGIONS && c->mem[i].size; i++)
		if ((c->mem[i].flags & BH_MEM_SHARED) && c->mem[i].shmem == idx)
			return &c->mem[i];
	return NULL;
}

/* bh_virtio.timeout_ms (0: the default) in counter ticks. */
static uint64_t rio_timeout_ticks(const struct bh_virtio *c)
{
	uint64_t ms = c->timeout_ms ? c->timeout_ms : BH_RIO_TIMEOUT_MS_DEFAULT;

	return ms * (sysreg_read(cntfrq_el0) / 1000u);
}

int rio_init(const struct bh_config *cfg)
{
	unsigned int i;

	rio_spin_ticks = sysreg_read(cntfrq_el0) / 1000000u * RIO_SPIN_US;
	rio_irq_window = sysreg_read(cntfrq_el0) / 1000000u * RIO_IRQ_WINDOW_US;
	rio_irq_gap = sysreg_read(cntfrq_el0) / 1000000u * RIO_IRQ_STORM_GAP_US;
	for (i = 0; i < BH_MAX_VIRTIO && cfg->virtio[i].device_id; i++) {
		const struct bh_virtio *c = &cfg->virtio[i];
		struct rio_dev *d = &rio_devs[i];
		const struct bh_mem_region *win;

		if (c->frontend >= nr_vms || c->backend >= nr_vms)
			return -EINVAL;
		d->cfg = c;
		d->frontend = &vms[c->frontend];
		d->backend = &vms[c->backend];
		d->log_budget = RIO_LOG_BUDGET;
		d->irq_log_budget = RIO_IRQ_LOG_BUDGET;
		d->stall_log_budget = RIO_STALL_LOG_BUDGET;
		d->timeout = rio_timeout_ticks(c);
		spin_lock_init(&d->lock);
		win = rio_shared_region(d->frontend, c->shmem);
		if (!win)
			return -EINVAL;
		rio_ring_init(&d->ring, &rio_ctrl_mem[i].ctrl, c->device_id, win->ipa, win->size);
		/* a backend that will never start serves nothing (rio_backend_ended()) */
		if (__atomic_load_n(&d->backend->state, __ATOMIC_ACQUIRE) == VM_BROKEN) {
			d->dead = true;
			rio_ctrl_mem[i].ctrl.state = BH_RIO_STATE_BROKEN;
		}
		d->lat.freq = sysreg_read(cntfrq_el0);
		rio_ctrl_mem[i].ctrl.lat = d->lat;
		/* the zeroed region, state page included, out to memory */
		dcache_clean_inval_range(rio_ctrl_pa(i), BH_RIO_CTRL_SIZE);
		hyp_log("  rio%u %-10s %s mmio 0x%llx intid %u -> %s ctrl 0x%llx doorbell 0x%llx "
			"intid %u\n",
			i, c->name ? c->name : "?", d->frontend->cfg->name,
			(unsigned long long)c->mmio_ipa, c->intid, d->backend->cfg->name,
			(unsigned long long)c->ctrl_ipa, (unsigned long long)c->doorbell_ipa,
			c->backend_intid);
		nr_rio_devs = i + 1;
	}
	return 0;
}

static bool rio_in(uint64_t ipa, uint64_t base, uint64_t size)
{
	return ipa >= base && ipa - base < size;
}

/* The device whose frontend window (or, for a backend, doorbell) is @ipa. */
static struct rio_dev *rio_find(const struct vm *vm, uint64_t ipa, bool *doorbell)
{
	unsigned int i;

	for (i = 0; i < nr_rio_devs; i++) {
		struct rio_dev *d = &rio_devs[i];

		if (d->frontend == vm && rio_in(ipa, d->cfg->mmio_ipa, BH_RIO_MMIO_SIZE)) {
			*doorbell = false;
			return d;
		}
		if (d->backend == vm && rio_in(ipa, d->cfg->doorbell_ipa, BH_RIO_DOORBELL_SIZE)) {
			*doorbell = true;
			return d;
		}
	}
	return NULL;
}

bool rio_is_emulated(const struct vm *vm, uint64_t ipa)
{
	bool db;

	return rio_find(vm, ipa, &db) != NULL;
}

static void rio_kick_mask(uint32_t mask)
{
	unsigned int cpu;

	for (cpu = 0; mask; cpu++, mask >>= 1)
		if ((mask & 1) && cpu != this_pcpu()->id)
			gic_send_sgi(cpu, GIC_SGI_KICK);
}

/* "requests pending" to the backend (edge: the vGIC coalesces). */
static void rio_raise_backend(struct rio_dev *d)
{
	if (__atomic_load_n(&d->backend->state, __ATOMIC_ACQUIRE) == VM_RUNNING)
		vgic_inject(&d->backend->vgic, d->cfg->backend_intid, 0);
}

/*
 * Is the device model polling req_prod (bulkhead/rio.h BH_RIO_POLLING)?
 * Called after rio_ctrl_publish_ring() put the new req_prod out to memory: its
 * clean ends with DSB SY, so the store is visible to the model before the
 * load below is made, and the model does the mirror image (store polling =
 * 0, DSB SY, load req_prod).  Either it still sees polling set and will
 * find the request in its next look at req_prod, or we see it clear and
 * raise the interrupt: never neither (docs/protocol.md "Polling").  The
 * line is the model's: invalidated first, never written here.
 */
static bool rio_backend_polls(struct rio_dev *d)
{
	struct bh_rio_ctrl *c = d->ring.ctrl;

	rio_ctrl_fetch(&c->polling, sizeof(c->polling));
	return __atomic_load_n(&c->polling, __ATOMIC_RELAXED) == BH_RIO_POLLING;
}

/*
 * Request @seq out to memory, with @d->lock held: in memory before the
 * backend's interrupt (or its poll), as it reads uncached; the counters
 * follow once we know which it was.  Return: true if the model polls
 * (no interrupt needed), else the caller raises it after the unlock.
 */
static bool rio_publish_request(struct rio_dev *d, int64_t seq)
{
	bool polled;

	rio_ctrl_publish_ring(d, seq);
	polled = rio_backend_polls(d);
	if (polled)
		d->ring.cnt.polled++;
	else
		d->ring.cnt.backend_irqs++;
	rio_ctrl_publish_counters(d);
	return polled;
}

static bool rio_vcpu_running(const struct vcpu *v)
{
	return __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_ON;
}

/*
 * Sleep until the next interrupt.  A physical interrupt wakes WFI even
 * with IRQs masked at EL2 (Arm ARM D1.16.2); it is acknowledged here (a
 * kick, or an interrupt for this vCPU that the vGIC keeps pending).  A kick
 * sent between the caller's check and the WFI stays pending and ends the
 * WFI at once: no wake-up is lost, nothing spins.
 */
static void rio_sleep(struct vcpu *v)
{
	dsb(sy);
	wfi();
	gic_handle_irq(&v->vgic);
}

/*
 * ---- A device model that does not answer (docs/protocol.md) ----------------
 *
 * Every wait for the model ends at the device's timeout, measured on the
 * counter: the EL2 timer ends the WFI then (pcpu_timer_wake_by()).  The
 * access completes as a dead device's does (rio_dead_value()), and the
 * device is stalled: reads complete at once with all-ones and are not
 * queued, writes are queued while the ring has room (in order, for the
 * model to find when it is back) and never waited for.  So a model that is
 * stopped, killed or never started costs a frontend vCPU one timeout, not
 * one per access.  The first request the model retires afterwards ends the
 * stall (rio_unstall()).
 */

/* rio_sleep(), but woken by the EL2 timer at @deadline at the latest. */
static void rio_sleep_until(struct vcpu *v, uint64_t deadline)
{
	pcpu_timer_wake_by(deadline);
	rio_sleep(v);
	pcpu_timer_wake_done();
}

static const char *rio_name(const struct rio_dev *d)
{
	return d->cfg->name ? d->cfg->name : "?";
}

/* The line a stall is told with; @v NULL: the frontend's reset waited. */
static void rio_log_stall(struct rio_dev *d, const struct vcpu *v)
{
	unsigned long long ms = d->timeout / (sysreg_read(cntfrq_el0) / 1000u);

	if (v)
		hyp_log_ratelimited(
			&d->stall_log_budget,
			"bulkhead: rio %s: no answer from the device model in %s for "
			"%llu ms (%s vcpu %u): served as a dead device until it answers\n",
			rio_name(d), d->backend->cfg->name, ms, d->frontend->cfg->name, v->id);
	else
		hyp_log_ratelimited(
			&d->stall_log_budget,
			"bulkhead: rio %s: no answer from the device model in %s for "
			"%llu ms (%s reset): served as a dead device until it answers\n",
			rio_name(d), d->backend->cfg->name, ms, d->frontend->cfg->name);
}

/*
 * An access of @v (NULL: the frontend's reset) that no model answered in
 * time: counted, and the device stalled (@d->lock held).
 * Return: -ETIMEDOUT.
 */
static int rio_stall(struct rio_dev *d, const struct vcpu *v)
{
	d->ring.cnt.timeouts++;
	if (!d->stalled) {
		d->stalled = true;
		rio_log_stall(d, v);
	}
	return -ETIMEDOUT;
}

/*
 * A write of a stalled device that does not fit in the ring is lost: the
 * model's device would no longer be the driver's, so it is reset when the
 * model answers again (@d->lock held).
 */
static void rio_drop_write(struct rio_dev *d)
{
	d->ring.cnt.dropped++;
	d->reset_owed = true;
}

/*
 * Queue Status = 0 (virtio v1.2 §4.2.3.1: a device reset) on behalf of
 * the hypervisor, with @d->lock held; it is counted in `resets`.
 * Return: 0, or -ENOSPC if the ring is full; *@raise: the backend needs
 * its interrupt (after the unlock).
 */
static int rio_queue_reset(struct rio_dev *d, bool *raise)
{
	int64_t seq = rio_ring_push(&d->ring, VIRTIO_MMIO_STATUS, sizeof(uint32_t), true, 0,
				    BH_RIO_VCPU_HYP, rio_now());

	if (seq < 0)
		return -ENOSPC;
	d->reset_seq = (uint32_t)seq;
	d->ring.cnt.resets++;
	*raise = !rio_publish_request(d, seq);
	return 0;
}

/*
 * The model retired a request (a doorbell, @d->lock held): a stalled
 * device is served again.  One whose writes were lost is reset first, so
 * that the driver finds Status = 0 rather than a device that missed some
 * of its writes.  *@raise: as rio_queue_reset().
 */
static void rio_unstall(struct rio_dev *d, bool *raise)
{
	*raise = false;
	if (!d->stalled)
		return;
	d->stalled = false;
	if (d->reset_owed && !rio_queue_reset(d, raise)) {
		d->reset_owed = false;
		d->isr = 0;
		hyp_log_ratelimited(&d->stall_log_budget,
				    "bulkhead: rio %s: the device model answers again; writes of "
				    "%s were lost meanwhile: device reset (Status 0)\n",
				    rio_name(d), d->frontend->cfg->name);
		return;
	}
	hyp_log_ratelimited(&d->stall_log_budget,
			    "bulkhead: rio %s: the device model answers again\n", rio_name(d));
}

/*
 * The ring has no room for @v's access and nothing will make some in time
 * (the deadline passed, or the device is stalled): a read completes as a
 * dead device's, a write is lost (@d->lock held).  Return: -ETIMEDOUT.
 */
static int rio_no_space(struct rio_dev *d, const struct vcpu *v, bool write)
{
	if (write)
		rio_drop_write(d);
	return rio_stall(d, v);
}

/*
 * Wait, with @d->lock held, until the ring has a free slot, but not past
 * @deadline.  A read of a stalled device is not queued at all: nothing
 * would answer it.
 */
static int rio_wait_space(struct rio_dev *d, struct vcpu *v, uint64_t deadline, bool write)
{
	uint32_t bit = 1u << v->pcpu;
	bool counted = false;

	if (d->stalled && !write && !d->dead)
		return rio_stall(d, v);
	while (rio_ring_full(&d->ring)) {
		if (d->dead)
			return -ENODEV;
		if (d->stalled || rio_now() >= deadline)
			return rio_no_space(d, v, write);
		if (!counted) {
			d->ring.cnt.ring_full_waits++;
			counted = true;
		}
		d->space_waiters |= bit;
		spin_unlock(&d->lock);
		if (!rio_vcpu_running(v)) {
			spin_lock(&d->lock);
			return -EINTR;
		}
		rio_sleep_until(v, deadline);
		spin_lock(&d->lock);
	}
	return 0;
}

/* A read resumes: where its time went, into the histograms. */
static void rio_lat_read(struct rio_dev *d, const struct vcpu *v)
{
	struct bh_rio_ctrl *c = d->ring.ctrl;
	uint64_t now = rio_now();

	d->lat.read_total.bucket[bh_rio_lat_bucket(now - v->rio_t_trap, d->lat.freq)]++;
	d->lat.read_resume.bucket[bh_rio_lat_bucket(now - v->rio_t_answer, d->lat.freq)]++;
	c->lat = d->lat;
	rio_ctrl_clean(&c->lat, sizeof(c->lat));
}

/*
 * A polling model answers within microseconds: look for the answer that
 * long before going to sleep, because waking from WFI (a kick SGI) costs
 * more than that, under emulation tens of microseconds.  Bounded, and only
 * when the model said it polls (rio_backend_polls()).
 */
static void rio_spin_for_answer(const struct vcpu *v)
{
	uint64_t t0 = rio_now(), budget = rio_spin_ticks;

	while (!__atomic_load_n(&v->rio_done, __ATOMIC_ACQUIRE) && rio_now() - t0 < budget)
		__asm__ volatile("yield" : : : "memory");
}

/*
 * Wait for read @seq, at most the device's timeout from its trap; the
 * doorbell fills in v->rio_value.  Return: 0, -EINTR (the vCPU was stopped)
 * or -ETIMEDOUT (rio_stall()).
 */
static int rio_wait_read(struct rio_dev *d, struct vcpu *v, uint32_t seq, uint64_t *val,
			 bool polled)
{
	uint64_t deadline = v->rio_t_trap + d->timeout;
	int ret;

	if (polled)
		rio_spin_for_answer(v);
	for (;;) {
		spin_lock(&d->lock);
		if (__atomic_load_n(&v->rio_done, __ATOMIC_ACQUIRE)) {
			*val = v->rio_value;
			rio_lat_read(d, v);
			spin_unlock(&d->lock);
			return 0;
		}
		if (!rio_vcpu_running(v) || rio_now() >= deadline) {
			ret = rio_vcpu_running(v) ? rio_stall(d, v) : -EINTR;
			/* abandoned: a later answer is retired and ignored */
			if (d->waiter[seq % BH_RIO_RING_SIZE] == v)
				d->waiter[seq % BH_RIO_RING_SIZE] = NULL;
			spin_unlock(&d->lock);
			return ret;
		}
		spin_unlock(&d->lock);
		rio_sleep_until(v, deadline);
	}
}

/*
 * InterruptStatus and InterruptACK are ours (include/bulkhead/rio.h): the
 * driver's interrupt handler reads and acknowledges without a backend round
 * trip.  A reset (Status = 0, virtio v1.2 §4.2.3.1) clears the bits and
 * still goes to the device model.  Called with @d->lock held.
 * Return: true if the access is done.
 */
static bool rio_isr_local(struct rio_dev *d, uint64_t off, unsigned int size, bool write,
			  uint64_t *val)
{
	if (size != sizeof(uint32_t))
		return false;
	if (off == VIRTIO_MMIO_STATUS && write && !*val)
		d->isr = 0;
	if (off == VIRTIO_MMIO_INTERRUPT_STATUS && !write)
		*val = d->isr;
	else if (off == VIRTIO_MMIO_INTERRUPT_ACK && write)
		d->isr &= ~(uint32_t)*val;
	else
		return false;
	d->ring.cnt.isr_local++;
	return true;
}

/*
 * Does the vCPU wait for this access to be answered?  Reads, for their
 * value.  And QueueNotify: it is queued and handled in order like any
 * posted write, but the vCPU sleeps here until the model has handled it,
 * because the driver would otherwise spin for its buffer in the guest
 * (Linux's virtio_console does, with interrupts off): sleeping in WFI
 * gives the pCPU up (under emulation, the host core the backend needs),
 * and the driver finds the buffer used at once (docs/protocol.md).
 */
static bool rio_waits(uint64_t off, bool write)
{
	return !write || off == VIRTIO_MMIO_QUEUE_NOTIFY;
}

/*
 * A dead device (rio_backend_ended()) or one whose model does not answer
 * (rio_stall()) reads as all-ones, like a missing one: MagicValue is then
 * not "virt", so a probing driver ignores the device (virtio v1.2
 * §4.2.3.1.1), and Status has DEVICE_NEEDS_RESET and FAILED set (§2.1.2)
 * for a driver that looks.
 */
static uint64_t rio_dead_value(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* An access that waited in vain (@ret): done as a dead device's, else @ret. */
static int rio_unserved(int ret, bool write, unsigned int size, uint64_t *val)
{
	if (ret != -ENODEV && ret != -ETIMEDOUT)
		return ret;
	if (!write)
		*val = rio_dead_value(size);
	return 0;
}

static int rio_frontend(struct rio_dev *d, struct vcpu *v, uint64_t off, unsigned int size,
			bool write, uint64_t *val)
{
	uint64_t now = rio_now();
	uint64_t discard = 0;
	bool polled, wait;
	int64_t seq;
	int ret;

	if (!rio_access_valid(off, size))
		return -EINVAL;
	spin_lock(&d->lock);
	d->ring.cnt.traps++;
	if (d->dead) {
		spin_unlock(&d->lock);
		if (!write)
			*val = rio_dead_value(size);
		return 0;
	}
	if (rio_isr_local(d, off, size, write, val)) {
		rio_ctrl_publish(d, -1);
		spin_unlock(&d->lock);
		return 0;
	}
	ret = rio_wait_space(d, v, now + d->timeout, write);
	d->space_waiters &= ~(1u << v->pcpu);
	if (ret) {
		rio_ctrl_publish(d, -1);
		spin_unlock(&d->lock);
		return rio_unserved(ret, write, size, val);
	}
	seq = rio_ring_push(&d->ring, off, size, write, *val, (uint16_t)v->id, now);
	if (write)
		d->ring.cnt.posted_writes++;
	else
		d->ring.cnt.reads++;
	/* a stalled device's QueueNotify is queued, not waited for */
	wait = rio_waits(off, write) && !d->stalled;
	if (wait) {
		v->rio_t_trap = now;
		__atomic_store_n(&v->rio_done, 0, __ATOMIC_RELAXED);
		d->waiter[(uint32_t)seq % BH_RIO_RING_SIZE] = v;
	}
	polled = rio_publish_request(d, seq);
	spin_unlock(&d->lock);
	if (!polled)
		rio_raise_backend(d);
	if (!wait)
		return 0;
	if (write)
		val = &discard; /* a waited-for write's answer carries no value */
	ret = rio_wait_read(d, v, (uint32_t)seq, val, polled);
	return rio_unserved(ret, write, size, val);
}

struct rio_retire_ctx {
	struct rio_dev *dev;
	uint32_t kick;
	uint64_t now;
};

static void rio_retire_one(void *opaque, uint32_t seq, bool is_read, uint64_t value)
{
	struct rio_retire_ctx *c = opaque;
	struct vcpu **w = &c->dev->waiter[seq % BH_RIO_RING_SIZE];

	if (!*w)
		return;
	/* a waiting QueueNotify (rio_waits()) has no value */
	(*w)->rio_value = is_read ? value : 0;
	(*w)->rio_t_answer = c->now;
	__atomic_store_n(&(*w)->rio_done, 1, __ATOMIC_RELEASE);
	c->kick |= 1u << (*w)->pcpu;
	*w = NULL;
}

static void rio_reject(struct rio_dev *d, const char *what, uint64_t a, uint64_t b)
{
	d->ring.cnt.rejected++;
	hyp_log_ratelimited(&d->log_budget,
			    "bulkhead: rio %s: backend %s rejected: %s (0x%llx, 0x%llx)\n",
			    d->cfg->name ? d->cfg->name : "?", d->backend->cfg->name, what,
			    (unsigned long long)a, (unsigned long long)b);
}

static void rio_irq_inject(struct rio_dev *d)
{
	if (__atomic_load_n(&d->frontend->state, __ATOMIC_ACQUIRE) == VM_RUNNING)
		vgic_inject(&d->frontend->vgic, d->cfg->intid, 0);
}

/*
 * The frontend's interrupt a doorbell asked for, under the device's budget
 * (docs/protocol.md "Interrupt budget"): injected now, or held for the end
 * of the window by this pCPU's EL2 timer (rio_irq_work()), or merged into
 * the one held.  Never dropped: its InterruptStatus bits are already in
 * @d->isr, and the held interrupt reports them all.  Called without the lock.
 */
static void rio_irq_raise(struct rio_dev *d, uint64_t now)
{
	enum rio_irq_verdict v;

	spin_lock(&d->lock);
	v = rio_irq_admit(&d->irq, now, rio_irq_window, rio_irq_gap, this_pcpu()->id);
	if (v != RIO_IRQ_INJECT) {
		d->ring.cnt.irqs_coalesced++;
		rio_ctrl_publish_counters(d);
	}
	spin_unlock(&d->lock);
	switch (v) {
	case RIO_IRQ_INJECT:
		rio_irq_inject(d);
		break;
	case RIO_IRQ_HELD_STORM:
		hyp_log_ratelimited(&d->irq_log_budget,
				    "bulkhead: rio %s: backend %s raises the frontend's interrupt "
				    "more than %u times in %u us: coalescing\n",
				    d->cfg->name ? d->cfg->name : "?", d->backend->cfg->name,
				    RIO_IRQ_BUDGET, RIO_IRQ_WINDOW_US);
		pcpu_timer_update();
		break;
	case RIO_IRQ_HELD:
		pcpu_timer_update();
		break;
	case RIO_IRQ_MERGED:
		break;
	}
}

uint64_t rio_irq_work(uint32_t cpu, uint64_t now)
{
	uint64_t next = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < nr_rio_devs; i++) {
		struct rio_dev *d = &rio_devs[i];
		bool inject;

		spin_lock(&d->lock);
		inject = d->irq.cpu == cpu && rio_irq_due(&d->irq, now, rio_irq_window);
		if (d->irq.held && d->irq.cpu == cpu && d->irq.window_end < next)
			next = d->irq.window_end;
		spin_unlock(&d->lock);
		if (inject)
			rio_irq_inject(d);
	}
	return next;
}

static int rio_doorbell(struct rio_dev *d, uint64_t off, unsigned int size, bool write,
			uint64_t *val)
{
	struct rio_retire_ctx c = { .dev = d, .now = rio_now() };
	bool notify = false, raise = false;
	uint64_t kick;

	spin_lock(&d->lock);
	d->ring.cnt.doorbells++;
	if (!rio_doorbell_valid(off, size, write, *val)) {
		rio_reject(d, "doorbell access", off, write ? *val : size);
		if (!write)
			*val = 0; /* reads see nothing */
		goto out;
	}
	kick = *val;
	if (kick & BH_RIO_KICK_COMPLETE) {
		struct bh_rio_ctrl *ctl = d->ring.ctrl;
		uint32_t done = d->ring.done, resp;

		/* what the device model wrote uncached, not a stale line */
		rio_ctrl_fetch(&ctl->resp_prod, BH_RIO_CACHE_LINE);
		rio_ctrl_fetch(ctl->resp, sizeof(ctl->resp));
		resp = __atomic_load_n(&ctl->resp_prod, __ATOMIC_RELAXED);

		if (rio_ring_complete(&d->ring, resp, rio_retire_one, &c) < 0)
			rio_reject(d, "resp_prod out of range", resp, done);
		else if (d->ring.done != done) {
			c.kick |= d->space_waiters | d->reset_waiters;
			rio_unstall(d, &raise);
		}
	}
	/* the bits first: the handler the interrupt runs reads them */
	d->isr |= (uint32_t)(kick & BH_RIO_KICK_ISR_MASK) >> BH_RIO_KICK_ISR_SHIFT;
	if (kick & BH_RIO_KICK_NOTIFY) {
		d->ring.cnt.frontend_irqs++;
		notify = true;
	}
out:
	rio_ctrl_publish(d, -1);
	spin_unlock(&d->lock);
	if (notify)
		rio_irq_raise(d, c.now);
	if (raise)
		rio_raise_backend(d);
	rio_kick_mask(c.kick);
	return 0;
}

void rio_backend_ended(const struct vm *vm)
{
	unsigned int i, slot;

	for (i = 0; i < nr_rio_devs; i++) {
		struct rio_retire_ctx c = { .dev = &rio_devs[i], .now = rio_now() };
		struct rio_dev *d = c.dev;

		if (d->backend != vm)
			continue;
		spin_lock(&d->lock);
		d->dead = true;
		d->ring.ctrl->state = BH_RIO_STATE_BROKEN;
		rio_ctrl_clean(&d->ring.ctrl->state, sizeof(d->ring.ctrl->state));
		/* every waiting read gets all-ones, every waiting notify returns */
		for (slot = 0; slot < BH_RIO_RING_SIZE; slot++)
			rio_retire_one(&c, slot, true, ~0ull);
		c.kick |= d->space_waiters | d->reset_waiters;
		spin_unlock(&d->lock);
		rio_kick_mask(c.kick);
	}
}

/*
 * One step of @d's reset for the frontend's pCPU @bit, with @d->lock held:
 * queue Status = 0 once there is room, then watch for its retirement.
 * Return: true while the reset is pending; *@raise says whether the
 * backend needs its interrupt (after the unlock).
 */
static bool rio_reset_step(struct rio_dev *d, uint32_t bit, bool *raise)
{
	*raise = false;
	if (!d->reset_pending)
		return false;
	if (!d->dead && !d->reset_queued) {
		if (rio_queue_reset(d, raise)) {
			if (d->stalled) {
				/* nothing drains the ring: reset when a model does */
				d->reset_owed = true;
				goto done;
			}
			/* the old life filled the ring: its requests go first */
			d->space_waiters |= bit;
			return true;
		}
		d->space_waiters &= ~bit;
		d->reset_queued = true;
	}
	/* a stalled device's reset waits in the ring for the next model */
	if (!d->dead && !d->stalled && !rio_seq_retired(&d->ring, d->reset_seq)) {
		d->reset_waiters |= bit;
		return true;
	}
done:
	/* done (or dead: nothing will answer); no InterruptStatus of the old life */
	d->isr = 0;
	d->reset_pending = d->reset_queued = false;
	d->space_waiters &= ~bit;
	d->reset_waiters &= ~bit;
	return false;
}

/*
 * A device of @vm whose reset the model has not answered by @deadline is
 * stalled (rio_stall()): its reset stays queued, or is owed, for the next
 * model, and the new life does not wait for it.  Return: the earliest
 * deadline of those that were waiting (a past one ends the next sleep at
 * once), UINT64_MAX if none.
 */
static uint64_t rio_reset_deadlines(const struct vm *vm, uint64_t start)
{
	uint64_t next = UINT64_MAX, now = rio_now();
	unsigned int i;

	for (i = 0; i < nr_rio_devs; i++) {
		struct rio_dev *d = &rio_devs[i];
		uint64_t deadline = start + d->timeout;

		if (d->frontend != vm)
			continue;
		spin_lock(&d->lock);
		if (d->reset_pending && !d->dead && !d->stalled) {
			if (now >= deadline)
				rio_stall(d, NULL);
			next = deadline < next ? deadline : next;
		}
		spin_unlock(&d->lock);
	}
	return next;
}

void rio_frontend_reset(const struct vm *vm, struct vcpu *self)
{
	uint32_t bit = 1u << self->pcpu;
	uint64_t start = rio_now();
	unsigned int i;
	bool raise;

	for (i = 0; i < nr_rio_devs; i++) {
		struct rio_dev *d = &rio_devs[i];

		if (d->frontend != vm)
			continue;
		spin_lock(&d->lock);
		d->reset_pending = true;
		spin_unlock(&d->lock);
	}
	for (;;) {
		unsigned int left = 0;

		for (i = 0; i < nr_rio_devs; i++) {
			struct rio_dev *d = &rio_devs[i];

			if (d->frontend != vm)
				continue; /* another VM's reset is its own */
			spin_lock(&d->lock);
			left += rio_reset_step(d, bit, &raise);
			spin_unlock(&d->lock);
			if (raise)
				rio_raise_backend(d);
		}
		if (!left)
			return;
		/*
		 * A doorbell that retires requests kicks us (reset_waiters);
		 * devices past their deadline are stalled, the next turn
		 * finishes them.
		 */
		rio_sleep_until(self, rio_reset_deadlines(vm, start));
	}
}

int rio_mmio(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val)
{
	bool doorbell;
	struct rio_dev *d = rio_find(v->vm, ipa, &doorbell);

	if (!d)
		return -ENOENT;
	if (doorbell)
		return rio_doorbell(d, ipa - d->cfg->doorbell_ipa, size, write, val);
	return rio_frontend(d, v, ipa - d->cfg->mmio_ipa, size, write, val);
}
