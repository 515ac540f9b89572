// SPDX-License-Identifier: MIT
/*
 * uio transport: serves frontends' virtio-mmio windows forwarded by the
 * Bulkhead hypervisor (remote I/O, include/bulkhead/rio.h and
 * docs/protocol.md) from the backend VM's user space, through stock
 * uio_pdrv_genirq nodes.
 *
 * Per device (slot): map 0 = control region (request ring, responses,
 * counters, our state page), map 1 = doorbell, map 2 = the frontend's shared
 * window.  The uio fd sits in the one epoll loop.  On an interrupt: read the
 * count, re-arm FIRST (a request published after the re-arm raises a new
 * interrupt; one published before it is seen by the drain that follows),
 * then drain [cursor, req_prod) in order, store read results, save the
 * device state, publish resp_prod (store-release) and ring the doorbell once
 * for the whole batch, with the InterruptStatus bits the batch raised (the
 * hypervisor answers the driver's InterruptStatus reads itself).
 *
 * All maps are Device memory in the backend (UIO_MEM_PHYS is mapped
 * pgprot_noncached): every access here is naturally aligned and of a fixed
 * width, and the shared window is used in window device mode.
 *
 * After work the model polls for a bounded, adaptive while (uio_poll()):
 * it watches req_prod and every queue's avail idx, and tells the
 * hypervisor so (bh_rio_ctrl.polling) and the drivers too (notifications
 * suppressed), so that a frontend streaming into it costs neither a trap
 * nor a backend interrupt per chain.  docs/protocol.md "Polling".
 *
 * The control region is written by the hypervisor, which the model trusts
 * no more than a guest: bad magic, a request index running away, garbage
 * offsets or sizes are logged (rate-limited) and never crash the model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>

#include "bulkhead/rio.h"
#include "dm/transport.h"
#include "dm/uio_dev.h"
#include "dm/uio_hooks.h"
#include "dm/uio_state.h"

_Static_assert(UIO_JOURNAL_SIZE == MMIO_MAX_QUEUES * sizeof(uint64_t),
	       "one journal word per queue");
_Static_assert(UIO_JOURNAL_OFFSET % BH_RIO_CACHE_LINE == 0, "journal words are aligned");

#define UIO_BATCH 256 /* requests per wakeup and device, for fairness */
/*
 * Polling window: grows from UIO_POLL_MIN_US, doubling, while the model is
 * woken again within the largest window of going to sleep (polling would
 * have caught it), halves after a round that found nothing, and is never
 * more than the transport's poll= (UIO_POLL_DEFAULT_US; at most
 * TRANSPORT_POLL_MAX_US), so an idle model
 * costs nothing and a busy one at most that much spinning per burst.
 */
#define UIO_POLL_MIN_US	    16
#define UIO_POLL_DEFAULT_US 256
/*
 * A round that keeps finding work ends after this many times poll= all the
 * same, and the next one begins only when a backend interrupt wakes the
 * model: a frontend that keeps it busy pays a trap per round (its
 * QueueNotify, once notifications are back on) instead of nothing.
 */
#define UIO_POLL_ROUND_WINDOWS 16

struct uio_transport;

struct uio_slot {
	struct uio_transport *t;
	unsigned int idx;
	struct virtio_mmio *dev;
	struct uio_dev u;
	struct el_handler h;
	struct bh_rio_ctrl *ctrl; /* map 0: Device memory */
	struct dm_window win;	  /* map 2, frontend addresses */
	uint32_t cursor;	  /* next request to handle */
	bool started, stopped;
	bool polled; /* in the current polling round (bh_rio_ctrl.polling set) */
	bool in_batch, notify;
	bool notify_owed;	    /* raised outside a batch, not rung yet */
	bool save_owed;		    /* deferred work moved the rings */
	struct uio_state_hdr stats; /* our counters, kept across restarts */
	struct uio_rec rec;	    /* the state page's record */
	struct dm_ratelimit rl;
};

struct uio_transport {
	struct dm_transport base;
	char root[UIO_ROOT_MAX];
	uint64_t freq; /* uio_counter_freq() */
	int kick_fd;   /* eventfd: serve (again) from the loop */
	struct el_handler kick_h;
	int lazy_fd; /* timerfd: put-off used notifications are due */
	struct el_handler lazy_h;
	bool lazy_armed;
	struct uio_slot *slots[TRANSPORT_MAX_SLOTS];
	/* polling (uio_poll()); times in uio_counter() ticks */
	struct el_poller poller;
	uint64_t poll_max;    /* poll=, 0: never poll */
	uint64_t poll_window; /* now, 0 .. poll_max */
	uint64_t t_work;      /* the round's last work */
	uint64_t t_round;     /* when the round began */
	uint64_t t_sleep;     /* when the loop last went to sleep */
	bool polling, poll_hit;
	bool capped; /* the last round hit its cap: none until an interrupt */
};

static struct uio_transport *to_uio(struct dm_transport *t)
{
	return (struct uio_transport *)t;
}

/*
 * The three steps of our side of the Dekker pair (docs/protocol.md
 * "Polling"), and the clock of the polling rounds: nothing else here
 * touches req_prod or polling, so that a host test can interpose on each
 * (dm/uio_hooks.h).
 */
static void uio_barrier(void)
{
#if defined(UIO_TEST_HOOKS)
	uio_hook_barrier();
#elif defined(__aarch64__)
	__asm__ volatile("dsb sy" : : : "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

/* req_prod, load-acquire: the requests it publishes were written before it. */
static uint32_t uio_req_prod(const struct uio_slot *s)
{
#ifdef UIO_TEST_HOOKS
	return uio_hook_load(&s->ctrl->req_prod);
#else
	return __atomic_load_n(&s->ctrl->req_prod, __ATOMIC_ACQUIRE);
#endif
}

static void uio_polling_store(struct uio_slot *s, uint32_t v)
{
#ifdef UIO_TEST_HOOKS
	uio_hook_store(&s->ctrl->polling, v);
#else
	__atomic_store_n(&s->ctrl->polling, v, __ATOMIC_RELAXED);
#endif
}

static uint64_t uio_now(void)
{
#ifdef UIO_TEST_HOOKS
	return uio_hook_counter();
#else
	return uio_counter();
#endif
}

static void uio_kick(struct uio_transport *t)
{
	uint64_t one = 1;

	if (write(t->kick_fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		dm_log("uio transport %s: eventfd write failed", t->base.id);
}

/*
 * Tell the hypervisor whether we watch req_prod (bulkhead/rio.h
 * BH_RIO_POLLING).  Clearing is followed by a full barrier: the caller's
 * next look at req_prod must not be made before the hypervisor can see the
 * flag clear (the Dekker pair of docs/protocol.md "Polling").  DSB, not
 * DMB: the map is Device memory, outer shareable, and the other side
 * cleans the line by hand.
 */
static void uio_slot_set_polling(struct uio_slot *s, bool on)
{
	s->polled = on;
	uio_polling_store(s, on ? BH_RIO_POLLING : 0);
	if (!on)
		uio_barrier();
}

static void uio_slot_stop(struct uio_slot *s, const char *why)
{
	if (s->stopped)
		return;
	dm_log("uio %s (%s): %s: no longer served", s->u.name, s->u.node, why);
	s->stopped = true;
	uio_slot_set_polling(s, false);
	el_set(s->t->base.loop, &s->h, 0);
}

/* ---- state page ---------------------------------------------------------- */

/* Save the device and our counters, crash-consistently (struct uio_rec). */
static void uio_state_save(struct uio_slot *s)
{
	size_t len = mmio_state_save(s->dev, uio_rec_payload(&s->rec), UIO_RECORD_MAX);

	if (!len) {
		/* uio_attach() checked that it fits; a successor will not trust the page */
		dm_log_rl(&s->rl, "uio %s: device state does not fit", s->u.name);
		return;
	}
	s->stats.cursor = s->cursor;
	uio_rec_plan(&s->rec, &s->stats, len);
	uio_rec_apply(&s->rec);
}

/* free-running indices: is @x in [lo, hi] (modulo 2^32)? */
static bool uio_between(uint32_t lo, uint32_t x, uint32_t hi)
{
	return x - lo <= hi - lo;
}

/*
 * Take over the device from the state page.  A page where nothing was ever
 * committed means no request was answered from a saved state: a fresh
 * device is exact.  A record that is whole, fits the device and was saved
 * at a cursor in [resp_prod, req_prod] is restored, and draining goes on
 * after it.  Anything else was saved by someone, so the driver may be
 * anywhere up to DRIVER_OK: tell it (mmio_state_lost()) rather than pose
 * as a fresh device it no longer talks to.  Return: true if restored.
 */
static bool uio_state_restore(struct uio_slot *s, uint32_t prod)
{
	const struct uio_state_hdr *h;
	const char *why = "";
	int err;

	switch (uio_rec_pick(&s->rec, &why)) {
	case UIO_REC_NONE:
		return false;
	case UIO_REC_UNTRUSTED:
		break;
	case UIO_REC_FOUND:
		h = uio_rec_hdr(&s->rec);
		if (!uio_between(s->cursor, h->cursor, prod)) {
			why = "its request cursor lies outside [resp_prod, req_prod]";
			break;
		}
		err = mmio_state_load(s->dev, uio_rec_data(&s->rec), h->len);
		if (err) {
			why = "the device rejects it";
			break;
		}
		s->stats = *h;
		s->cursor = h->cursor;
		return true;
	}
	uio_rec_distrust(&s->rec);
	dm_log("uio %s: state page: %s: device needs reset", s->u.name, why);
	mmio_state_lost(s->dev);
	return false;
}

/*
 * Attach: restore the device from the state page, and start at
 * max(req_done, resp_prod, saved cursor), each validated against req_prod.
 */
static int uio_slot_start(struct uio_slot *s)
{
	struct bh_rio_ctrl *c = s->ctrl;
	uint32_t prod, done, resp;
	bool restored;

	s->started = true;
	/* a predecessor killed while it polled left the flag set */
	uio_slot_set_polling(s, false);
	/*
	 * Enable the interrupt first: an interrupt taken before this model
	 * opened the node left it masked (uio_pdrv_genirq disables it in its
	 * handler), and uio_open() does not report events from before the
	 * open.  Everything published until now is drained below.
	 */
	if (uio_dev_irq_arm(&s->u)) {
		uio_slot_stop(s, "interrupt arm failed");
		return -EIO;
	}
	prod = uio_req_prod(s);
	done = *(volatile uint32_t *)&c->req_done;
	resp = *(volatile uint32_t *)&c->resp_prod;
	if (prod - done > BH_RIO_RING_SIZE) {
		uio_slot_stop(s, "req_prod/req_done out of range at attach");
		return -EINVAL;
	}
	s->cursor = done;
	if (uio_between(done, resp, prod))
		s->cursor = resp;
	mmio_journal_attach(s->dev, (volatile uint64_t *)((uint8_t *)c + BH_RIO_STATE_OFFSET +
							  UIO_JOURNAL_OFFSET));
	restored = uio_state_restore(s, prod);
	s->stats.attaches++;
	dm_log("uio %s (%s): attached, serving from request %u (%u pending)%s", s->u.name,
	       s->u.node, s->cursor, prod - s->cursor, restored ? ", device state restored" : "");
	return 0;
}

/* ---- requests ------------------------------------------------------------ */

static bool uio_size_ok(uint8_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Count @ticks in histogram @h (an interval that runs backwards is junk). */
static void uio_lat(struct bh_rio_hist *h, uint64_t from, uint64_t to, uint64_t freq)
{
	if (to >= from)
		h->bucket[bh_rio_lat_bucket(to - from, freq)]++;
}

static void uio_handle(struct uio_slot *s, uint32_t seq)
{
	volatile struct bh_rio_req *r = &s->ctrl->req[seq % BH_RIO_RING_SIZE];
	uint64_t t_pick = uio_now(), freq = s->t->freq;
	/* each field read once, with its own aligned load */
	uint64_t off = r->offset, val = r->value, t_trap = r->t_trap;
	uint32_t rseq = r->seq;
	uint8_t dir = r->dir, size = r->size;
	uint64_t res = 0;

	if (rseq != seq)
		dm_log_rl(&s->rl, "uio %s: request %u carries seq %u", s->u.name, seq, rseq);
	if (dir > BH_RIO_WRITE || !uio_size_ok(size) || off >= BH_RIO_MMIO_SIZE || off % size) {
		dm_log_rl(&s->rl, "uio %s: bad request %u: dir %u size %u off %#llx", s->u.name,
			  seq, dir, size, (unsigned long long)off);
	} else if (dir == BH_RIO_WRITE) {
		mmio_write(s->dev, (uint32_t)off, size, (uint32_t)val);
	} else {
		res = mmio_read(s->dev, (uint32_t)off, size);
	}
	if (dir != BH_RIO_WRITE)
		*(volatile uint64_t *)&s->ctrl->resp[seq % BH_RIO_RING_SIZE] = res;
	uio_lat(&s->stats.pickup, t_trap, t_pick, freq);
	uio_lat(&s->stats.service, t_pick, uio_now(), freq);
}

static bool uio_ctrl_sane(struct uio_slot *s)
{
	volatile struct bh_rio_ctrl *c = s->ctrl;

	if (c->magic != BH_RIO_MAGIC || c->ring_size != BH_RIO_RING_SIZE) {
		uio_slot_stop(s, "control region lost its magic");
		return false;
	}
	if (c->state == BH_RIO_STATE_BROKEN) {
		uio_slot_stop(s, "the hypervisor marked the device broken");
		return false;
	}
	return true;
}

static bool uio_slot_live(const struct uio_slot *s)
{
	return s && s->started && !s->stopped;
}

/*
 * Device work, a request batch or work outside one (deferred work, a polled
 * queue, a put-off notification): the interrupts it raises go with the
 * doorbell that follows, not one each.
 */
static void uio_work_begin(struct uio_slot *s)
{
	s->in_batch = true;
	s->notify = false;
}

/* End of work outside a batch.  Return: true if it raised the interrupt. */
static bool uio_work_end(struct uio_slot *s)
{
	s->in_batch = false;
	s->notify_owed |= s->notify;
	return s->notify;
}

/* Drain up to UIO_BATCH requests.  Return: true if more are waiting. */
static bool uio_serve(struct uio_slot *s)
{
	uint32_t prod, n = 0;
	uint32_t bell = 0;

	if (s->stopped || !uio_ctrl_sane(s))
		return false;
	if (!s->started && uio_slot_start(s))
		return false;
	uio_work_begin(s);
	prod = uio_req_prod(s);
	if (prod - s->cursor > BH_RIO_RING_SIZE) {
		s->in_batch = false;
		dm_log("uio %s: req_prod %u ran away from %u", s->u.name, prod, s->cursor);
		uio_slot_stop(s, "request index out of range");
		return false;
	}
	while (s->cursor != prod && n < UIO_BATCH) {
		uio_handle(s, s->cursor);
		s->cursor++;
		n++;
		if (s->cursor == prod) {
			uint32_t p = uio_req_prod(s);

			if (p - s->cursor <= BH_RIO_RING_SIZE)
				prod = p;
		}
	}
	s->in_batch = false;
	if (s->notify || s->notify_owed) {
		/*
		 * InterruptStatus lives in the hypervisor (bulkhead/rio.h): hand
		 * it the bits raised since the last doorbell, with the interrupt.
		 */
		bell = BH_RIO_KICK_NOTIFY | BH_RIO_KICK_ISR(mmio_isr_take(s->dev));
	}
	s->notify_owed = false;
	if (n || *(volatile uint32_t *)&s->ctrl->resp_prod != s->cursor) {
		s->stats.requests += n;
		s->stats.batches++;
		bell |= BH_RIO_KICK_COMPLETE;
	}
	if (!bell) {
		/* deferred work moved the rings: a restart must know */
		if (s->save_owed)
			uio_state_save(s);
		s->save_owed = false;
		return s->cursor != prod;
	}
	s->save_owed = false; /* saved below */
	s->stats.doorbells++;
	/*
	 * State first (the batch, or chardev activity that moved the rings):
	 * a model killed after this line resumes after this batch.
	 */
	uio_state_save(s);
	if (bell & BH_RIO_KICK_COMPLETE)
		__atomic_store_n(&s->ctrl->resp_prod, s->cursor, __ATOMIC_RELEASE);
	uio_dev_doorbell(&s->u, bell);
	return s->cursor != prod;
}

/* The device raised its interrupt. */
static void uio_irq_raise(void *opaque)
{
	struct uio_slot *s = opaque;

	if (s->in_batch) {
		s->notify = true; /* one doorbell for the batch */
		return;
	}
	if (s->stopped || !s->started || s->notify_owed)
		return;
	/*
	 * Chardev activity outside a batch: ring at the end of this loop
	 * turn, together with a batch that may be waiting (one trap).
	 */
	s->notify_owed = true;
	uio_kick(s->t);
}

static void uio_defer(void *opaque)
{
	struct uio_slot *s = opaque;

	uio_kick(s->t);
}

/* A notification was put off: decide it within MMIO_LAZY_US at the latest. */
static void uio_lazy(void *opaque)
{
	struct uio_transport *t = ((struct uio_slot *)opaque)->t;
	struct itimerspec ts = { .it_value.tv_nsec = MMIO_LAZY_US * 1000L };

	if (t->lazy_armed)
		return;
	if (timerfd_settime(t->lazy_fd, 0, &ts, NULL)) {
		dm_log("uio transport %s: timerfd: errno %d", t->base.id, errno);
		uio_kick(t); /* decide at once rather than never */
		return;
	}
	t->lazy_armed = true;
}

static const struct mmio_host_ops uio_host_ops = {
	.irq_raise = uio_irq_raise,
	.defer = uio_defer,
	.lazy = uio_lazy,
};

/* One turn of the device's deferred work.  Return: true if more is left. */
static bool uio_resume(struct uio_slot *s)
{
	bool more;

	if (!uio_slot_live(s) || !s->dev->deferred)
		return false;
	s->save_owed = true;
	uio_work_begin(s);
	more = mmio_resume(s->dev);
	uio_work_end(s);
	return more;
}

/* ---- polling ------------------------------------------------------------- */

static uint64_t uio_us(const struct uio_transport *t, uint64_t us)
{
	return us * (t->freq / 1000000u ? t->freq / 1000000u : 1);
}

/*
 * Woken by a request while asleep: had we polled long enough, no interrupt
 * was needed (grow the window); woken only after the largest window, polling
 * would have been spent for nothing (shrink it).  As KVM's halt polling.
 */
static void uio_poll_window_set(struct uio_transport *t, uint64_t w)
{
	if (w > t->poll_max)
		w = t->poll_max;
	t->poll_window = w < uio_us(t, UIO_POLL_MIN_US) ? 0 : w;
}

static void uio_poll_adapt(struct uio_transport *t)
{
	if (t->polling || !t->poll_max)
		return;
	if (uio_now() - t->t_sleep <= t->poll_max)
		uio_poll_window_set(t, t->poll_window ? t->poll_window * 2
						      : uio_us(t, UIO_POLL_MIN_US));
	else
		uio_poll_window_set(t, t->poll_window / 2);
}

/* Flags up and notifications off on every live device. */
static void uio_poll_begin(struct uio_transport *t)
{
	unsigned int i;

	t->polling = true;
	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++) {
		struct uio_slot *s = t->slots[i];

		if (!uio_slot_live(s))
			continue;
		uio_slot_set_polling(s, true);
		mmio_poll_begin(s->dev);
		s->stats.polls++;
	}
}

/* One look at every device's requests and queues.  Return: found work. */
static bool uio_poll_slot(struct uio_slot *s)
{
	unsigned int n;

	if (!uio_slot_live(s) || !s->polled)
		return false;
	if (uio_req_prod(s) != s->cursor) {
		if (uio_serve(s))
			uio_kick(s->t);
		return true;
	}
	uio_work_begin(s);
	n = mmio_poll(s->dev);
	if (uio_work_end(s) && uio_serve(s))
		uio_kick(s->t);
	if (!n)
		return false;
	s->stats.poll_hits += n;
	s->save_owed = true;
	return true;
}

/*
 * Flags down, notifications on, then one more look at everything (the
 * re-check of the Dekker pair: a request published before the hypervisor
 * could see the flag clear, or a chain added before the driver could see
 * notifications on, is found here and served at once).  Return: true if it
 * found work (requests, or chains taken).
 */
static bool uio_poll_end(struct uio_transport *t)
{
	bool more = false;
	unsigned int i, n;

	t->polling = false;
	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++) {
		struct uio_slot *s = t->slots[i];

		if (!s || !s->polled)
			continue;
		uio_slot_set_polling(s, false); /* with its barrier */
		uio_work_begin(s);
		n = mmio_poll_end(s->dev) ? mmio_poll_last(s->dev) : 0;
		uio_work_end(s);
		if (n) {
			s->stats.poll_hits += n;
			s->save_owed = true; /* what polled work moved, for a successor */
			more = true;
		}
		if (uio_req_prod(s) != s->cursor)
			more = true;
		/* the requests, the interrupts raised, the state page */
		if (uio_serve(s))
			uio_kick(t);
	}
	return more;
}

/*
 * The event loop's poller (dm/event_loop.h): after work, keep looking for
 * more until poll_window has passed without any, then go back to sleeping
 * on the interrupt.  Return: true to be called again without sleeping.
 */
static bool uio_poll(struct el_poller *p, bool dispatched)
{
	struct uio_transport *t =
		(struct uio_transport *)((char *)p - offsetof(struct uio_transport, poller));
	uint64_t now = uio_now();
	bool work = dispatched, capped;
	unsigned int i;

	if (!t->polling) {
		if (!dispatched || !t->poll_window || t->capped) {
			t->t_sleep = now;
			return false;
		}
		uio_poll_begin(t);
		t->poll_hit = false;
		t->t_work = now;
		t->t_round = now;
	}
	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++) {
		if (uio_poll_slot(t->slots[i])) {
			work = true;
			t->poll_hit = true;
		}
	}
	if (work)
		t->t_work = now;
	capped = now - t->t_round >= UIO_POLL_ROUND_WINDOWS * t->poll_max;
	if (now - t->t_work < t->poll_window && !capped)
		return true;
	if (uio_poll_end(t) && !capped) {
		/* found in the re-check: poll on, it is busy */
		uio_poll_begin(t);
		t->t_work = now;
		return true;
	}
	t->capped = capped;
	if (!t->poll_hit)
		uio_poll_window_set(t, t->poll_window / 2); /* a round for nothing */
	t->t_sleep = uio_now();
	return false;
}

static void uio_slot_cb(struct el_handler *h, uint32_t events)
{
	struct uio_slot *s = (struct uio_slot *)((char *)h - offsetof(struct uio_slot, h));
	int r;

	(void)events;
	uio_poll_adapt(s->t);
	s->t->capped = false; /* a frontend trapped: polling may pay again */
	r = uio_dev_irq_ack(&s->u);
	if (r < 0) {
		uio_slot_stop(s, "interrupt read failed");
		return;
	}
	/* re-arm FIRST, then drain: no request can slip between the two */
	if (uio_dev_irq_arm(&s->u)) {
		uio_slot_stop(s, "interrupt re-arm failed");
		return;
	}
	if (uio_serve(s))
		uio_kick(s->t);
}

static void uio_kick_cb(struct el_handler *h, uint32_t events)
{
	struct uio_transport *t =
		(struct uio_transport *)((char *)h - offsetof(struct uio_transport, kick_h));
	bool again = false;
	uint64_t v;
	unsigned int i;

	(void)events;
	if (read(t->kick_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return;
	/* round robin: every device's deferred work and batch, once per turn */
	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++) {
		if (!t->slots[i])
			continue;
		if (uio_resume(t->slots[i]))
			again = true;
		if (uio_serve(t->slots[i]))
			again = true;
	}
	if (again)
		uio_kick(t);
}

/* Put-off notifications are due: every device's batch flushes them. */
static void uio_lazy_cb(struct el_handler *h, uint32_t events)
{
	struct uio_transport *t =
		(struct uio_transport *)((char *)h - offsetof(struct uio_transport, lazy_h));
	uint64_t v;
	unsigned int i;

	(void)events;
	if (read(t->lazy_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return;
	t->lazy_armed = false;
	/*
	 * Not earlier, at the frontend's next request: that may be the very
	 * QueueNotify it now sleeps in, made before it could reclaim the
	 * buffer, and the interrupt would be moot (docs/protocol.md "Polling").
	 */
	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++) {
		struct uio_slot *s = t->slots[i];

		if (!uio_slot_live(s) || !mmio_lazy_due(s->dev))
			continue;
		uio_work_begin(s);
		mmio_lazy_flush(s->dev);
		uio_work_end(s);
		if (uio_serve(s))
			uio_kick(t);
	}
}

/* ---- attach / detach ------------------------------------------------------ */

static int uio_slot_check(struct uio_slot *s, char *err, size_t errlen)
{
	volatile struct bh_rio_ctrl *c = s->ctrl;
	uint64_t base = c->shm_guest_base, size = c->shm_size;

	if (c->magic != BH_RIO_MAGIC || c->version != BH_RIO_VERSION ||
	    c->ring_size != BH_RIO_RING_SIZE) {
		snprintf(err, errlen,
			 "uio device '%s': control region has magic %#x version %u ring %u, want "
			 "%#x %u %u",
			 s->u.name, c->magic, c->version, c->ring_size, BH_RIO_MAGIC,
			 BH_RIO_VERSION, BH_RIO_RING_SIZE);
		return -EPROTO;
	}
	if (c->device_id != s->dev->device_id) {
		snprintf(err, errlen, "uio device '%s' serves virtio device id %u, not %u",
			 s->u.name, c->device_id, s->dev->device_id);
		return -EPROTO;
	}
	if (!size || size > s->u.map[BH_RIO_MAP_WINDOW].len || base + size < base) {
		snprintf(err, errlen,
			 "uio device '%s': shared window %#llx+%#llx does not fit map 2 (%#zx "
			 "bytes)",
			 s->u.name, (unsigned long long)base, (unsigned long long)size,
			 s->u.map[BH_RIO_MAP_WINDOW].len);
		return -EPROTO;
	}
	/* a record this device cannot save would leave the page stale */
	if (!mmio_state_save(s->dev, uio_rec_payload(&s->rec), UIO_RECORD_MAX)) {
		snprintf(err, errlen,
			 "uio device '%s': the device's state does not fit a state page slot "
			 "(%zu bytes): give it fewer ports",
			 s->u.name, (size_t)UIO_RECORD_MAX);
		return -EINVAL;
	}
	window_init(&s->win, base, size, s->u.map[BH_RIO_MAP_WINDOW].ptr);
	window_set_device(&s->win, true);
	return 0;
}

static int uio_slot_open(struct uio_slot *s, const char *root, const char *name, char *err,
			 size_t errlen)
{
	unsigned int k;
	int ret;

	ret = uio_dev_open(&s->u, root, name, err, errlen);
	if (!ret)
		ret = uio_dev_lock(&s->u, err, errlen);
	if (ret)
		return ret;
	if (s->u.map[BH_RIO_MAP_CTRL].size < BH_RIO_CTRL_SIZE ||
	    s->u.map[BH_RIO_MAP_DOORBELL].size < sizeof(uint32_t)) {
		snprintf(err, errlen, "uio device '%s': maps too small", name);
		return -EINVAL;
	}
	s->u.map[BH_RIO_MAP_CTRL].size = BH_RIO_CTRL_SIZE;
	for (k = 0; k < UIO_DEV_MAPS; k++) {
		ret = uio_dev_map(&s->u, k);
		if (ret) {
			snprintf(err, errlen, "uio device '%s': mmap of map %u: %s", name, k,
				 strerror(-ret));
			return ret;
		}
	}
	s->ctrl = s->u.map[BH_RIO_MAP_CTRL].ptr;
	uio_rec_init(&s->rec, (uint8_t *)s->ctrl + BH_RIO_STATE_OFFSET);
	return uio_slot_check(s, err, errlen);
}

static int uio_attach(struct dm_transport *bt, unsigned int slot, struct virtio_mmio *dev,
		      const char *name, char *err, size_t errlen)
{
	struct uio_transport *t = to_uio(bt);
	struct uio_slot *s;
	int ret;

	if (t->slots[slot])
		return -EBUSY;
	if (!name || !name[0]) {
		snprintf(err, errlen, "-device: transport '%s' (uio) needs name=<uio device name>",
			 bt->id);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->t = t;
	s->idx = slot;
	s->dev = dev;
	dm_ratelimit_init(&s->rl);
	ret = uio_slot_open(s, t->root, name, err, errlen);
	if (ret)
		goto fail;
	el_handler_init(&s->h, s->u.fd, uio_slot_cb);
	if (el_set(bt->loop, &s->h, EPOLLIN)) {
		snprintf(err, errlen, "uio device '%s': cannot poll", name);
		ret = -EIO;
		goto fail;
	}
	mmio_attach(dev, &s->win, &uio_host_ops, s);
	t->slots[slot] = s;
	/* restore and serve the backlog from the loop, once every port exists */
	uio_kick(t);
	return 0;
fail:
	uio_dev_close(&s->u);
	free(s);
	return ret;
}

static void uio_destroy(struct dm_transport *bt)
{
	struct uio_transport *t = to_uio(bt);
	unsigned int i;

	for (i = 0; i < TRANSPORT_MAX_SLOTS; i++) {
		struct uio_slot *s = t->slots[i];

		if (!s)
			continue;
		/* a clean exit leaves the freshest state for the next model */
		if (uio_slot_live(s)) {
			if (s->polled) {
				uio_slot_set_polling(s, false);
				mmio_poll_end(s->dev);
			}
			uio_state_save(s);
		}
		el_set(bt->loop, &s->h, 0);
		mmio_attach(s->dev, NULL, NULL, NULL);
		uio_dev_close(&s->u);
		free(s);
	}
	el_del_poller(bt->loop, &t->poller);
	el_set(bt->loop, &t->kick_h, 0);
	close(t->kick_fd);
	el_set(bt->loop, &t->lazy_h, 0);
	close(t->lazy_fd);
	free(t);
}

static const struct dm_transport_ops uio_ops = {
	.name = "uio",
	.attach = uio_attach,
	.destroy = uio_destroy,
};

struct dm_transport *uio_transport_new(struct event_loop *loop, const struct transport_opts *o,
				       char *err, size_t errlen)
{
	struct uio_transport *t;

	if (o->fd >= 0 || o->path[0]) {
		snprintf(err, errlen, "-transport uio: 'fd' and 'path' are for sim");
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->base.ops = &uio_ops;
	t->base.loop = loop;
	t->freq = uio_counter_freq();
	t->poll_max = o->poll_us < 0
			      ? 0
			      : uio_us(t, o->poll_us ? (uint64_t)o->poll_us : UIO_POLL_DEFAULT_US);
	t->poller.poll = uio_poll;
	snprintf(t->base.id, sizeof(t->base.id), "%s", o->id);
	snprintf(t->root, sizeof(t->root), "%s", o->root);
	t->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	el_handler_init(&t->kick_h, t->kick_fd, uio_kick_cb);
	if (t->kick_fd < 0 || el_set(loop, &t->kick_h, EPOLLIN)) {
		snprintf(err, errlen, "-transport uio: eventfd: %s", strerror(errno));
		goto err_kick;
	}
	t->lazy_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	el_handler_init(&t->lazy_h, t->lazy_fd, uio_lazy_cb);
	if (t->lazy_fd < 0 || el_set(loop, &t->lazy_h, EPOLLIN)) {
		snprintf(err, errlen, "-transport uio: timerfd: %s", strerror(errno));
		goto err_lazy;
	}
	if (el_add_poller(loop, &t->poller)) {
		snprintf(err, errlen, "-transport uio: more than %d polling transports",
			 EL_MAX_POLLERS);
		goto err_poller;
	}
	return &t->base;
err_poller:
	el_set(loop, &t->lazy_h, 0);
err_lazy:
	if (t->lazy_fd >= 0)
		close(t->lazy_fd);
	el_set(loop, &t->kick_h, 0);
err_kick:
	if (t->kick_fd >= 0)
		close(t->kick_fd);
	free(t);
	return NULL;
}
