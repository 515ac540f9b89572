// SPDX-License-Identifier: MIT
/*
 * virtio-mmio version 2 register file (virtio v1.2 §4.2.2, §4.2.3).
 *
 * Every write comes from a possibly hostile driver.  Requests that make no
 * sense (read-only register, bad QueueSel, bad access size) are ignored with
 * a rate-limited log line; ring misuse marks the device DEVICE_NEEDS_RESET.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm/mmio.h"

#define MMIO_FEATURE_WORDS 2 /* we offer bits 0..63 */

static bool mmio_is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

int mmio_init(struct virtio_mmio *m, const char *name, uint32_t device_id,
	      const struct virtio_dev_ops *ops, void *dev, unsigned int nqueues, uint16_t queue_max,
	      uint64_t features, const uint8_t *config, uint32_t config_len)
{
	unsigned int i;

	if (nqueues > MMIO_MAX_QUEUES)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->device_id = device_id;
	m->ops = ops;
	m->dev = dev;
	m->host_features = features;
	m->required_features = 1ULL << VIRTIO_F_VERSION_1;
	m->config = config;
	m->config_len = config_len;
	dm_ratelimit_init(&m->rl);
	m->vqs = calloc(nqueues, sizeof(*m->vqs));
	if (!m->vqs)
		return -ENOMEM;
	m->nqueues = nqueues;
	for (i = 0; i < nqueues; i++)
		vq_init(&m->vqs[i], i, queue_max, &m->rl, m->name);
	return 0;
}

void mmio_fini(struct virtio_mmio *m)
{
	free(m->vqs);
	m->vqs = NULL;
	m->nqueues = 0;
}

void mmio_attach(struct virtio_mmio *m, const struct dm_window *win,
		 const struct mmio_host_ops *host, void *opaque)
{
	m->win = win;
	m->host = host;
	m->host_opaque = opaque;
}

void mmio_defer(struct virtio_mmio *m, unsigned int q)
{
	bool first = !m->deferred;

	if (q >= m->nqueues)
		return;
	m->deferred |= 1ULL << q;
	if (first && m->host && m->host->defer)
		m->host->defer(m->host_opaque);
}

bool mmio_resume(struct virtio_mmio *m)
{
	uint64_t todo = m->deferred;
	unsigned int q;

	/* handlers that stop at their budget again set their bit anew */
	m->deferred = 0;
	for (q = 0; todo && q < m->nqueues; q++, todo >>= 1) {
		if (!(todo & 1) || m->broken || !m->ops->notify || !m->vqs[q].ready)
			continue;
		m->ops->notify(m->dev, q);
	}
	return m->deferred != 0;
}

static void mmio_raise(struct virtio_mmio *m, uint32_t bits)
{
	m->isr |= bits;
	m->irqs_raised++;
	if (m->host && m->host->irq_raise)
		m->host->irq_raise(m->host_opaque);
}

bool mmio_live(const struct virtio_mmio *m)
{
	return !m->broken && (m->status & VIRTIO_CONFIG_S_DRIVER_OK);
}

struct virtqueue *mmio_vq(struct virtio_mmio *m, unsigned int q)
{
	if (q >= m->nqueues || !m->vqs[q].ready)
		return NULL;
	return &m->vqs[q];
}

void mmio_needs_reset(struct virtio_mmio *m, const char *why, int err)
{
	dm_log_rl(&m->rl, "%s: %s (errno %d): device needs reset", m->name, why, -err);
	if (m->broken)
		return;
	m->broken = true;
	/* §2.1.2: NEEDS_RESET with a configuration change notification. */
	m->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	if (m->status & VIRTIO_CONFIG_S_DRIVER_OK)
		mmio_raise(m, VIRTIO_MMIO_INT_CONFIG);
}

int mmio_vq_pop(struct virtio_mmio *m, struct virtqueue *vq, struct vq_chain *c, const char *what)
{
	int r = vq_pop(vq, c);

	if (r > 0 && vq->kick_credit)
		vq->kick_credit--;
	/*
	 * A polling transport finds new chains itself (mmio_poll_begin()),
	 * except on a queue it no longer looks at (mmio_poll_idle()).
	 */
	if (!r && (!m->polled || vq->kick_credit || vq->poll_off) && vq_notify_enable(vq))
		r = vq_pop(vq, c);
	if (r < 0)
		mmio_needs_reset(m, what, r);
	return r;
}

void mmio_used_notify(struct virtio_mmio *m, struct virtqueue *vq)
{
	if (vq_need_notify(vq))
		mmio_raise(m, VIRTIO_MMIO_INT_VRING);
}

void mmio_used_notify_lazy(struct virtio_mmio *m, struct virtqueue *vq)
{
	if (!vq->event_idx || !m->host || !m->host->lazy) {
		mmio_used_notify(m, vq);
		return;
	}
	/* not wanted even now: nothing to put off */
	if (vq->lazy || !vq_notify_peek(vq))
		return;
	vq->lazy = true;
	if (!m->lazy_pending) {
		if (!m->recheck_pending)
			m->host->lazy(m->host_opaque);
		m->lazy_pending = true;
	}
}

bool mmio_recheck_later(struct virtio_mmio *m)
{
	if (!m->host || !m->host->lazy || !m->ops->recheck)
		return false;
	if (!m->recheck_pending && !m->lazy_pending)
		m->host->lazy(m->host_opaque);
	m->recheck_pending = true;
	return true;
}

/* Decide every notification mmio_used_notify_lazy() put off. */
static void mmio_lazy_notify(struct virtio_mmio *m)
{
	unsigned int q;

	m->lazy_pending = false;
	for (q = 0; q < m->nqueues; q++) {
		if (!m->vqs[q].lazy)
			continue;
		m->vqs[q].lazy = false;
		/* the driver's used_event now: a polling driver moved it past */
		mmio_used_notify(m, &m->vqs[q]);
	}
}

void mmio_lazy_flush(struct virtio_mmio *m)
{
	bool recheck = m->recheck_pending;

	/* both flags down first: the recheck may ask for the timer again */
	m->recheck_pending = false;
	if (m->lazy_pending)
		mmio_lazy_notify(m);
	if (recheck && mmio_live(m))
		m->ops->recheck(m->dev);
}

void mmio_poll_begin(struct virtio_mmio *m)
{
	unsigned int q;

	m->polled = true;
	for (q = 0; q < m->nqueues; q++) {
		struct virtqueue *vq = &m->vqs[q];

		if (!vq->ready)
			continue;
		/* chains left unconsumed on purpose (RX) get one look: cheap */
		vq->poll_seen = vq->last_avail;
		vq->poll_idle = 0;
		vq->poll_off = false;
		if (!vq->kick_credit)
			vq_notify_disable(vq);
	}
}

void mmio_backpressure(struct virtio_mmio *m, struct virtqueue *vq)
{
	(void)m;
	vq->kick_credit = MMIO_KICK_CREDIT;
	/* the device resumes by itself when its backend drains: no re-check */
	vq_notify_enable(vq);
}

static void mmio_write_notify(struct virtio_mmio *m, uint32_t val);

/*
 * The index moved and the handler took nothing: receive buffers kept for
 * data that has not come, or a driver moving its index for nothing.  After
 * MMIO_POLL_IDLE_MAX such looks in a round the queue is left alone until
 * the next round, its notifications back on: a driver that wants it served
 * notifies (a trap that makes its own vCPU wait, docs/protocol.md), and a
 * driver flipping its index costs the model nothing more.
 */
static void mmio_poll_idle(struct virtqueue *vq)
{
	if (++vq->poll_idle < MMIO_POLL_IDLE_MAX)
		return;
	vq->poll_off = true;
	vq_notify_enable(vq);
}

/* One look at @vq.  Return: the chains its handler took. */
static unsigned int mmio_poll_queue(struct virtio_mmio *m, struct virtqueue *vq)
{
	uint16_t idx, before;

	/* deferred work is already scheduled; the loop counts it when it runs */
	if (!vq->ready || (m->deferred & (1ULL << vq->index)))
		return 0;
	idx = vq_avail_idx(vq);
	if (idx == vq->poll_seen)
		return 0;
	vq->poll_seen = idx;
	before = vq->last_avail;
	mmio_write_notify(m, vq->index);
	return (uint16_t)(vq->last_avail - before);
}

unsigned int mmio_poll(struct virtio_mmio *m)
{
	unsigned int q, n, chains = 0;

	if (!m->polled)
		return 0;
	for (q = 0; q < m->nqueues && !m->broken; q++) {
		struct virtqueue *vq = &m->vqs[q];
		uint16_t seen = vq->poll_seen;

		if (vq->poll_off)
			continue;
		n = mmio_poll_queue(m, vq);
		chains += n;
		if (!n && vq->ready && vq->poll_seen != seen)
			mmio_poll_idle(vq);
	}
	return chains;
}

bool mmio_poll_end(struct virtio_mmio *m)
{
	bool moved = false;
	unsigned int q;

	if (!m->polled)
		return false;
	m->polled = false;
	/* each enable publishes avail_event, then a full barrier (virtqueue.c) */
	for (q = 0; q < m->nqueues; q++)
		if (m->vqs[q].ready)
			vq_notify_enable(&m->vqs[q]);
	for (q = 0; q < m->nqueues; q++)
		if (m->vqs[q].ready && vq_avail_idx(&m->vqs[q]) != m->vqs[q].poll_seen)
			moved = true;
	return moved;
}

unsigned int mmio_poll_last(struct virtio_mmio *m)
{
	unsigned int q, chains = 0;

	for (q = 0; q < m->nqueues && !m->broken; q++)
		chains += mmio_poll_queue(m, &m->vqs[q]);
	return chains;
}

uint32_t mmio_isr_take(struct virtio_mmio *m)
{
	uint32_t bits = m->isr;

	m->isr = 0;
	return bits;
}

void mmio_config_changed(struct virtio_mmio *m)
{
	m->config_generation++;
	if (m->status & VIRTIO_CONFIG_S_DRIVER_OK)
		mmio_raise(m, VIRTIO_MMIO_INT_CONFIG);
}

static void mmio_reset(struct virtio_mmio *m)
{
	unsigned int i;

	for (i = 0; i < m->nqueues; i++)
		vq_reset(&m->vqs[i]);
	m->driver_features = 0;
	m->dev_feat_sel = m->drv_feat_sel = m->queue_sel = m->shm_sel = 0;
	m->status = 0;
	m->isr = 0;
	m->broken = false;
	m->deferred = 0;
	m->lazy_pending = m->recheck_pending = false;
	if (m->ops->reset)
		m->ops->reset(m->dev);
}

static struct virtqueue *mmio_sel_vq(struct virtio_mmio *m)
{
	if (m->queue_sel >= m->nqueues)
		return NULL;
	return &m->vqs[m->queue_sel];
}

static uint32_t mmio_read_config(struct virtio_mmio *m, uint32_t off, uint32_t size)
{
	uint32_t v = 0;

	/* §4.2.2.2: natural alignment for each config field access. */
	if ((size != 1 && size != 2 && size != 4) || (off & (size - 1)) || off > m->config_len ||
	    size > m->config_len - off) {
		dm_log_rl(&m->rl, "%s: bad config read off %#x size %u", m->name, off, size);
		return 0;
	}
	memcpy(&v, m->config + off, size); /* config is little-endian */
	return v;
}

static uint32_t mmio_read_queue(struct virtio_mmio *m, uint32_t off)
{
	struct virtqueue *vq = mmio_sel_vq(m);

	if (!vq) {
		/* §4.2.2: QueueNumMax/QueueReady of a missing queue read 0. */
		return 0;
	}
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq->num_max;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq->ready;
	case VIRTIO_MMIO_QUEUE_RESET:
		return 0; /* no reset is ever in progress */
	default:
		return 0;
	}
}

uint32_t mmio_read(struct virtio_mmio *m, uint32_t off, uint32_t size)
{
	if (off >= VIRTIO_MMIO_CONFIG)
		return mmio_read_config(m, off - VIRTIO_MMIO_CONFIG, size);
	/* §4.2.2.2: registers are accessed 32 bits wide and aligned. */
	if (size != 4 || (off & 3)) {
		dm_log_rl(&m->rl, "%s: bad register read off %#x size %u", m->name, off, size);
		return 0;
	}
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID:
		return m->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return DM_VIRTIO_VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (m->dev_feat_sel >= MMIO_FEATURE_WORDS)
			return 0;
		return (uint32_t)(m->host_features >> (32 * m->dev_feat_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_RESET:
		return mmio_read_queue(m, off);
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return m->isr;
	case VIRTIO_MMIO_STATUS:
		return m->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/* §4.2.2: no shared memory regions: length reads all ones. */
		return VIRTIO_MMIO_SHM_LEN_NONE;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return m->config_generation;
	default:
		dm_log_rl(&m->rl, "%s: read of write-only or unknown register %#x", m->name, off);
		return 0;
	}
}

static bool mmio_features_acceptable(struct virtio_mmio *m)
{
	uint64_t f = m->driver_features;

	if (f & ~m->host_features) {
		dm_log_rl(&m->rl, "%s: driver accepted unoffered features %#llx", m->name,
			  (unsigned long long)(f & ~m->host_features));
		return false;
	}
	if ((f & m->required_features) != m->required_features) {
		dm_log_rl(&m->rl, "%s: driver refused required features %#llx", m->name,
			  (unsigned long long)(m->required_features & ~f));
		return false;
	}
	return !m->ops->features_ok || !m->ops->features_ok(m->dev, f);
}

static void mmio_write_status(struct virtio_mmio *m, uint32_t val)
{
	uint32_t old = m->status;
	uint32_t set = val & ~old;

	if (!val) {
		mmio_reset(m);
		return;
	}
	/* §2.1.2: the driver never clears a bit (other than by reset). */
	if ((val & old) != old || (val & ~VIRTIO_MMIO_STATUS_MASK)) {
		dm_log_rl(&m->rl, "%s: status %#x -> %#x ignored", m->name, old, val);
		return;
	}
	if (set & VIRTIO_CONFIG_S_FEATURES_OK) {
		/* §3.1.1: FEATURES_OK stays clear if we cannot accept. */
		if (!mmio_features_acceptable(m))
			val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	}
	if ((set & VIRTIO_CONFIG_S_DRIVER_OK) && !(val & VIRTIO_CONFIG_S_FEATURES_OK)) {
		m->status = val;
		mmio_needs_reset(m, "DRIVER_OK without FEATURES_OK", -EPROTO);
		return;
	}
	m->status = val;
	if ((set & VIRTIO_CONFIG_S_DRIVER_OK) && !m->broken) {
		if (m->ops->driver_ok)
			m->ops->driver_ok(m->dev);
	}
}

/*
 * §4.2.2: writing 0 to QueueReady stops the queue; we forget its state, and
 * so does the device: a chain it held (popped, not yet used) belongs to the
 * old ring, and pushing it later would write a stale head into whatever
 * ring the driver sets up next (the per-queue reset of §2.6.1 retires
 * them the same way).  Work deferred for it goes too.
 */
static void mmio_queue_reset(struct virtio_mmio *m, struct virtqueue *vq)
{
	bool was_ready = vq->ready;

	m->deferred &= ~(1ULL << vq->index);
	vq_reset(vq);
	if (was_ready && m->ops->queue_reset)
		m->ops->queue_reset(m->dev, vq->index);
}

static void mmio_write_queue_ready(struct virtio_mmio *m, struct virtqueue *vq, uint32_t val)
{
	int err;

	if (!val) {
		mmio_queue_reset(m, vq);
		return;
	}
	if (vq->ready)
		return;
	if (!(m->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
		dm_log_rl(&m->rl, "%s: QueueReady before FEATURES_OK", m->name);
		return;
	}
	err = vq_enable(vq, m->win, m->driver_features);
	if (err)
		mmio_needs_reset(m, "bad queue layout at QueueReady", err);
	/* a fresh ring starts at used index 0: an old word would match it */
	if (m->journal && vq->index < MMIO_MAX_QUEUES)
		m->journal[vq->index] = 0;
}

static void mmio_write_addr(uint64_t *addr, bool high, uint32_t val)
{
	if (high)
		*addr = (*addr & 0xffffffffULL) | ((uint64_t)val << 32);
	else
		*addr = (*addr & ~0xffffffffULL) | val;
}

static void mmio_write_queue(struct virtio_mmio *m, uint32_t off, uint32_t val)
{
	struct virtqueue *vq = mmio_sel_vq(m);

	if (!vq) {
		dm_log_rl(&m->rl, "%s: queue register %#x with bad QueueSel %u", m->name, off,
			  m->queue_sel);
		return;
	}
	if (off == VIRTIO_MMIO_QUEUE_READY) {
		mmio_write_queue_ready(m, vq, val);
		return;
	}
	if (off == VIRTIO_MMIO_QUEUE_RESET) {
		/* VIRTIO_F_RING_RESET is not offered (§4.2.2). */
		dm_log_rl(&m->rl, "%s: QueueReset without RING_RESET", m->name);
		return;
	}
	if (vq->ready) {
		/* §4.2.2.2: layout registers are frozen while ready. */
		dm_log_rl(&m->rl, "%s: vq %u: register %#x written while ready", m->name, vq->index,
			  off);
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->num = val > UINT16_MAX ? 0 : (uint16_t)val;
		if (!mmio_is_pow2(val) || val > vq->num_max)
			dm_log_rl(&m->rl, "%s: vq %u: bad QueueNum %u", m->name, vq->index, val);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		mmio_write_addr(&vq->desc_addr, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		mmio_write_addr(&vq->avail_addr, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		mmio_write_addr(&vq->used_addr, off == VIRTIO_MMIO_QUEUE_USED_HIGH, val);
		break;
	}
}

static void mmio_write_notify(struct virtio_mmio *m, uint32_t val)
{
	/* Without NOTIFICATION_DATA the value is the queue index (§4.2.3.3). */
	if (val >= m->nqueues || !m->vqs[val].ready) {
		dm_log_rl(&m->rl, "%s: notify of missing or not ready queue %u", m->name, val);
		return;
	}
	if (m->broken || !m->ops->notify)
		return;
	/* already scheduled: a flood of notifies costs no more than one */
	if (m->deferred & (1ULL << val))
		return;
	m->ops->notify(m->dev, val);
}

static void mmio_write_features(struct virtio_mmio *m, uint32_t val)
{
	uint64_t mask;

	if (m->status & VIRTIO_CONFIG_S_FEATURES_OK) {
		dm_log_rl(&m->rl, "%s: DriverFeatures after FEATURES_OK", m->name);
		return;
	}
	if (m->drv_feat_sel >= MMIO_FEATURE_WORDS) {
		if (val)
			dm_log_rl(&m->rl, "%s: features word %u = %#x ignored", m->name,
				  m->drv_feat_sel, val);
		return;
	}
	mask = 0xffffffffULL << (32 * m->drv_feat_sel);
	m->driver_features =
		(m->driver_features & ~mask) | ((uint64_t)val << (32 * m->drv_feat_sel));
}

static void mmio_write_config(struct virtio_mmio *m, uint32_t off, uint32_t size, uint32_t val)
{
	if ((size != 1 && size != 2 && size != 4) || (off & (size - 1)) || off > m->config_len ||
	    size > m->config_len - off || !m->ops->config_write) {
		dm_log_rl(&m->rl, "%s: config write off %#x size %u ignored", m->name, off, size);
		return;
	}
	m->ops->config_write(m->dev, off, size, val);
}

void mmio_write(struct virtio_mmio *m, uint32_t off, uint32_t size, uint32_t val)
{
	if (off >= VIRTIO_MMIO_CONFIG) {
		mmio_write_config(m, off - VIRTIO_MMIO_CONFIG, size, val);
		return;
	}
	if (size != 4 || (off & 3)) {
		dm_log_rl(&m->rl, "%s: bad register write off %#x size %u", m->name, off, size);
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		m->dev_feat_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		mmio_write_features(m, val);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		m->drv_feat_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		m->queue_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_RESET:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		mmio_write_queue(m, off, val);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		mmio_write_notify(m, val);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		m->isr &= ~val;
		break;
	case VIRTIO_MMIO_STATUS:
		mmio_write_status(m, val);
		break;
	case VIRTIO_MMIO_SHM_SEL:
		m->shm_sel = val;
		break;
	default:
		dm_log_rl(&m->rl, "%s: write %#x to read-only or unknown register %#x", m->name,
			  val, off);
		break;
	}
}

/* ---- delivery journal ---------------------------------------------------- */

void mmio_journal_attach(struct virtio_mmio *m, volatile uint64_t *words)
{
	m->journal = words;
}

void mmio_journal_set(struct virtio_mmio *m, unsigned int q, uint64_t value)
{
	if (!m->journal || q >= MMIO_MAX_QUEUES || q >= m->nqueues)
		return;
	if (value > MMIO_JOURNAL_VALUE_MAX) {
		m->journal[q] = 0;
		return;
	}
	m->journal[q] = MMIO_JOURNAL_VALID |
			((uint64_t)m->vqs[q].used_idx << MMIO_JOURNAL_SEQ_SHIFT) | value;
}

bool mmio_journal_get(const struct virtio_mmio *m, unsigned int q, uint16_t *seq, uint64_t *value)
{
	uint64_t w;

	if (!m->journal || q >= MMIO_MAX_QUEUES || q >= m->nqueues)
		return false;
	w = m->journal[q];
	if (!(w & MMIO_JOURNAL_VALID))
		return false;
	*seq = (uint16_t)(w >> MMIO_JOURNAL_SEQ_SHIFT);
	*value = w & MMIO_JOURNAL_VALUE_MAX;
	return true;
}

/* ---- restorable state ---------------------------------------------------- */

size_t mmio_state_save(const struct virtio_mmio *m, void *buf, size_t len)
{
	size_t qlen = sizeof(struct mmio_saved_vq) * m->nqueues;
	size_t head = sizeof(struct mmio_saved) + qlen, dev_len = 0;
	struct mmio_saved st;
	uint8_t *p = buf;
	unsigned int i;

	if (len < head)
		return 0;
	if (m->ops->save) {
		dev_len = m->ops->save(m->dev, p + head, len - head);
		if (!dev_len)
			return 0;
	}
	memset(&st, 0, sizeof(st));
	st.driver_features = m->driver_features;
	st.device_id = m->device_id;
	st.nqueues = m->nqueues;
	st.status = m->status;
	st.isr = m->isr;
	st.config_generation = m->config_generation;
	st.dev_feat_sel = m->dev_feat_sel;
	st.drv_feat_sel = m->drv_feat_sel;
	st.queue_sel = m->queue_sel;
	st.shm_sel = m->shm_sel;
	st.dev_len = (uint32_t)dev_len;
	memcpy(p, &st, sizeof(st));
	for (i = 0; i < m->nqueues; i++) {
		const struct virtqueue *vq = &m->vqs[i];
		struct mmio_saved_vq q = {
			.desc = vq->desc_addr,
			.avail = vq->avail_addr,
			.used = vq->used_addr,
			.num = vq->num,
			.ready = vq->ready,
		};

		memcpy(p + sizeof(st) + i * sizeof(q), &q, sizeof(q));
	}
	return head + dev_len;
}

static int mmio_state_check(const struct virtio_mmio *m, const struct mmio_saved *st, size_t len)
{
	size_t head = sizeof(*st) + sizeof(struct mmio_saved_vq) * m->nqueues;

	if (st->device_id != m->device_id || st->nqueues != m->nqueues || len < head ||
	    st->dev_len != len - head)
		return -EINVAL;
	if ((st->status & ~VIRTIO_MMIO_STATUS_MASK) || (st->driver_features & ~m->host_features))
		return -EINVAL;
	if ((st->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(st->status & (VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_NEEDS_RESET)))
		return -EINVAL;
	if (st->isr & ~(VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG))
		return -EINVAL;
	return 0;
}

static int mmio_state_queues(struct virtio_mmio *m, const uint8_t *p)
{
	unsigned int i;
	int err;

	for (i = 0; i < m->nqueues; i++) {
		struct virtqueue *vq = &m->vqs[i];
		struct mmio_saved_vq q;

		memcpy(&q, p + i * sizeof(q), sizeof(q));
		if (q.ready > 1 || q.num > vq->num_max)
			return -EINVAL;
		vq->num = q.num;
		vq->desc_addr = q.desc;
		vq->avail_addr = q.avail;
		vq->used_addr = q.used;
		if (!q.ready)
			continue;
		err = vq_restore(vq, m->win, m->driver_features);
		if (err)
			return err;
	}
	return 0;
}

void mmio_state_lost(struct virtio_mmio *m)
{
	mmio_reset(m);
	m->broken = true;
	m->status = VIRTIO_CONFIG_S_NEEDS_RESET;
	/*
	 * §2.1.2 asks for the notification when DRIVER_OK is set; whether it
	 * is, nobody knows now.  A driver still probing ignores it.
	 */
	mmio_raise(m, VIRTIO_MMIO_INT_CONFIG);
}

int mmio_state_load(struct virtio_mmio *m, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	struct mmio_saved st;
	size_t head;
	int err;

	mmio_reset(m);
	if (len < sizeof(st))
		return -EINVAL;
	memcpy(&st, p, sizeof(st));
	err = mmio_state_check(m, &st, len);
	if (err)
		return err;
	head = sizeof(st) + sizeof(struct mmio_saved_vq) * m->nqueues;
	m->driver_features = st.driver_features;
	m->status = st.status;
	m->isr = st.isr;
	m->config_generation = st.config_generation;
	m->dev_feat_sel = st.dev_feat_sel;
	m->drv_feat_sel = st.drv_feat_sel;
	m->queue_sel = st.queue_sel;
	m->shm_sel = st.shm_sel;
	m->broken = st.status & VIRTIO_CONFIG_S_NEEDS_RESET;
	err = mmio_state_queues(m, p + sizeof(st));
	if (!err && m->ops->load)
		err = m->ops->load(m->dev, p + head, st.dev_len);
	else if (!err && st.dev_len)
		err = -EINVAL;
	if (!err && m->ops->features_ok && (m->status & VIRTIO_CONFIG_S_FEATURES_OK))
		err = m->ops->features_ok(m->dev, m->driver_features);
	if (err) {
		mmio_reset(m);
		m->config_generation = 0;
		return err;
	}
	/* carry on where the previous model stopped */
	if (mmio_live(m) && m->ops->driver_ok)
		m->ops->driver_ok(m->dev);
	/*
	 * A notification the previous model had put off (lazy) died with it:
	 * raise one; a spurious used-buffer interrupt is harmless (§2.7.10).
	 */
	if (mmio_live(m))
		mmio_raise(m, VIRTIO_MMIO_INT_VRING);
	return 0;
}
