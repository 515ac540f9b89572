// SPDX-License-Identifier: MIT
/*
 * virtio-console (virtio v1.2 §5.3) with VIRTIO_CONSOLE_F_SIZE and
 * VIRTIO_CONSOLE_F_MULTIPORT, following the control protocol of QEMU's
 * virtio-serial (hw/char/virtio-serial-bus.c) as Linux's virtio_console.c
 * expects it.
 *
 * Data path: TX chains are written straight from guest memory to the
 * chardev (writev), RX data is read straight into guest buffers (readv):
 * the device model itself copies no payload byte.
 *
 * Queue layout (§5.3.2): port 0 receiveq 0 / transmitq 1, control receiveq 2
 * / transmitq 3, port N>=1 receiveq 2(N+1) / transmitq 2(N+1)+1.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm/console.h"

#define CONSOLE_CTRL_RXQ 2
#define CONSOLE_CTRL_TXQ 3

/*
 * A port queue's journal word (mmio_journal_set()) for the chain in flight.
 * transmitq: with an append=on output file, CON_JOURNAL_FILE and the file's
 * length where the chain's first byte goes, so a successor learns from the
 * file itself how much went out, even of a write it was killed in; with
 * any other chardev, the bytes of the chain written so far (a kill after a
 * write but before this store resends that write's bytes).  receiveq, input
 * file only: CON_JOURNAL_FILE and the offset the chain is filled from.
 */
#define CON_JOURNAL_FILE (1ULL << 46)
#define CON_JOURNAL_POS	 (CON_JOURNAL_FILE - 1)

static unsigned int port_rxq(unsigned int id)
{
	return id ? 2 * (id + 1) : 0;
}

static struct virtqueue *port_vq(struct console_port *p, bool tx)
{
	return mmio_vq(&p->con->mmio, port_rxq(p->id) + tx);
}

/* ---- control queue (device -> driver) ---------------------------------- */

static bool con_device_mem(const struct virtio_console *con)
{
	return con->mmio.win && con->mmio.win->device;
}

/* Bounce buffer of a port, for Device-memory windows only (lazy). */
static uint8_t *port_bounce(struct console_port *p)
{
	if (!p->bounce)
		p->bounce = malloc(CONSOLE_BOUNCE_SIZE);
	return p->bounce;
}

static void ctrl_flush(struct virtio_console *con)
{
	struct virtqueue *vq = mmio_vq(&con->mmio, CONSOLE_CTRL_RXQ);
	struct vq_chain *c = &con->ctrl_in_chain;
	bool pushed = false;

	if (!vq || !mmio_live(&con->mmio) || !con->multiport)
		return;
	while (con->ctrl_count) {
		struct console_ctrl_msg *m = &con->ctrl[con->ctrl_head];
		uint8_t buf[sizeof(m->hdr) + CONSOLE_NAME_MAX];
		size_t len = sizeof(m->hdr) + m->name_len;
		int r = mmio_vq_pop(&con->mmio, vq, c, "control receiveq");

		if (r < 0)
			return;
		if (!r)
			break;
		if (c->n_out || c->in_len < sizeof(m->hdr)) {
			mmio_needs_reset(&con->mmio, "control buffer too small", -EINVAL);
			return;
		}
		memcpy(buf, &m->hdr, sizeof(m->hdr));
		memcpy(buf + sizeof(m->hdr), m->name, m->name_len);
		len = window_iov_write(con->mmio.win, c->iov, c->n_in, 0, buf, len);
		vq_push(vq, c->head, (uint32_t)len);
		pushed = true;
		con->ctrl_head = (con->ctrl_head + 1) % CONSOLE_CTRL_PENDING;
		con->ctrl_count--;
	}
	if (pushed)
		mmio_used_notify(&con->mmio, vq);
}

static void ctrl_send(struct virtio_console *con, unsigned int id, uint16_t event, uint16_t value,
		      const char *name)
{
	struct console_ctrl_msg *m;

	if (con->ctrl_count == CONSOLE_CTRL_PENDING) {
		dm_log_rl(&con->mmio.rl, "%s: control queue full, event %u dropped", con->mmio.name,
			  event);
		return;
	}
	m = &con->ctrl[(con->ctrl_head + con->ctrl_count) % CONSOLE_CTRL_PENDING];
	m->hdr.id = htole32(id);
	m->hdr.event = htole16(event);
	m->hdr.value = htole16(value);
	m->name_len = 0;
	if (name) {
		size_t n = strlen(name);

		m->name_len = (uint8_t)(n < CONSOLE_NAME_MAX ? n : CONSOLE_NAME_MAX);
		memcpy(m->name, name, m->name_len);
	}
	con->ctrl_count++;
	ctrl_flush(con);
}

/* ---- RX: chardev -> guest ------------------------------------------------ */

/*
 * The receive side a quantum ahead of a transmit side that is moving: read
 * no more for now (dm/fair.h).  The frontend's one vCPU runs its reader and
 * its writer, and each transmit chunk is a round trip through this loop, so
 * a receive stream fed as fast as the chardev fills leaves transmit next to
 * nothing (docs/device-model.md "Both directions of a console").  Transmit
 * is never the one held: Linux's virtio_console spins with interrupts off
 * until its buffer is used, which would stop its receive side as well.
 * Without a timer to look again (mmio_recheck_later()), nothing is held.
 */
static bool port_rx_fair(struct console_port *p)
{
	if (!p->con->fair || fair_may(&p->fair, FAIR_RX, dm_now_ns()) ||
	    !mmio_recheck_later(&p->con->mmio)) {
		p->rx_held = false;
		return true;
	}
	p->rx_held = true;
	return false;
}

static bool port_can_rx(struct console_port *p)
{
	struct virtio_console *con = p->con;

	if (!p->present || !p->cd || p->rx_starved || !mmio_live(&con->mmio))
		return false;
	if (!port_vq(p, false))
		return false;
	if (con->multiport && !p->guest_open)
		return false; /* QEMU keeps host data until the guest opens */
	if (!con->multiport && p->id)
		return false;
	return port_rx_fair(p);
}

static void port_rx_update(struct console_port *p)
{
	if (p->cd)
		chardev_read_enable(p->cd, port_can_rx(p));
}

/* readv straight into guest buffers, or through the bounce buffer. */
static size_t port_rx_read(struct console_port *p, const struct vq_chain *c)
{
	struct iovec b;
	size_t n;

	if (!con_device_mem(p->con))
		return chardev_readv(p->cd, c->iov, (int)c->n_in);
	b.iov_base = port_bounce(p);
	if (!b.iov_base)
		return 0;
	b.iov_len = c->in_len < CONSOLE_BOUNCE_SIZE ? c->in_len : CONSOLE_BOUNCE_SIZE;
	n = chardev_readv(p->cd, &b, 1);
	return window_iov_write(p->con->mmio.win, c->iov + c->n_out, c->n_in, 0, b.iov_base, n);
}

/* Fill one guest RX buffer from the chardev.  Return: true if one was used. */
static bool port_rx_one(struct console_port *p, struct virtqueue *vq)
{
	struct vq_chain *c = &p->rx_chain;
	int r = mmio_vq_pop(&p->con->mmio, vq, c, "receiveq");
	uint64_t pos;
	size_t n;

	if (r <= 0) {
		/* empty: back-pressure, leave the bytes in the chardev */
		p->rx_starved = !r;
		return false;
	}
	if (c->n_out || !c->in_len) {
		mmio_needs_reset(&p->con->mmio, "receiveq buffer not writable", -EINVAL);
		return false;
	}
	if (chardev_in_pos(p->cd, &pos))
		mmio_journal_set(&p->con->mmio, vq->index, CON_JOURNAL_FILE | pos);
	n = port_rx_read(p, c);
	if (!n) {
		vq_unpop(vq);
		return false;
	}
	vq_push(vq, c->head, (uint32_t)n);
	p->rx_bytes += n;
	fair_account(&p->fair, FAIR_RX, n, dm_now_ns());
	return true;
}

static void port_rx_pump(void *opaque)
{
	struct console_port *p = opaque;
	struct virtqueue *vq;
	bool pushed = false;
	unsigned int budget;

	/*
	 * A bounded batch: other ports and devices get their turn (fairness).
	 * And only what is there now: a pty's reader that finds its buffer
	 * empty waits in the kernel for the tty's kworker (chardev_in_ready()),
	 * once per 4 KiB the other side writes, while the frontend's
	 * QueueNotify (this port's transmitq among them) waits for this loop
	 * at EL2 (docs/performance.md "Both directions at once").
	 */
	for (budget = CONSOLE_RX_BUDGET; budget && port_can_rx(p); budget--) {
		if (budget < CONSOLE_RX_BUDGET && !chardev_in_ready(p->cd))
			break;
		if (!port_rx_one(p, port_vq(p, false)))
			break;
		pushed = true;
	}
	vq = port_vq(p, false);
	if (pushed && vq)
		mmio_used_notify(&p->con->mmio, vq);
	port_rx_update(p);
}

/* ---- TX: guest -> chardev ------------------------------------------------ */

/* What is left of one handler call's work (CONSOLE_TX_BUDGET_*). */
struct tx_budget {
	unsigned int bufs;
	size_t bytes;
};

enum tx_result {
	TX_DONE,   /* the whole chain is out */
	TX_SLOW,   /* the chardev took less than offered: write_ready comes */
	TX_BUDGET, /* we stopped at the budget: resume on a later turn */
};

/* Record the chain in flight before a write whose effect is irrevocable. */
static void port_tx_journal(struct console_port *p, bool popped)
{
	unsigned int q = port_rxq(p->id) + 1;
	uint64_t pos;

	if (p->cd && chardev_out_pos(p->cd, &pos)) {
		if (popped)
			mmio_journal_set(&p->con->mmio, q, CON_JOURNAL_FILE | (pos - p->tx_off));
		return;
	}
	mmio_journal_set(&p->con->mmio, q, p->tx_off);
}

static enum tx_result tx_account(struct console_port *p, struct tx_budget *b, size_t offered,
				 size_t n)
{
	p->tx_off += n;
	if (n) {
		port_tx_journal(p, false);
		fair_account(&p->fair, FAIR_TX, n, dm_now_ns());
		if (p->rx_held)
			port_rx_update(p); /* transmit caught up: receive may go on */
	}
	p->tx_bytes += n;
	b->bytes -= n < b->bytes ? n : b->bytes;
	if (p->tx_off >= p->tx_chain.out_len)
		return TX_DONE;
	return n < offered ? TX_SLOW : TX_BUDGET;
}

/*
 * Device-memory window: copy the chain out in bounce-buffer pieces.  Go on
 * while the chardev takes whole pieces (also when it drops them for want of
 * a peer: no write_ready would ever come) and the budget lasts.
 */
static enum tx_result port_tx_bounce(struct console_port *p, struct tx_budget *b)
{
	struct vq_chain *c = &p->tx_chain;
	struct iovec v = { .iov_base = port_bounce(p) };

	if (!v.iov_base)
		return TX_BUDGET;
	while (p->tx_off < c->out_len && b->bytes) {
		size_t max = b->bytes < CONSOLE_BOUNCE_SIZE ? b->bytes : CONSOLE_BOUNCE_SIZE;

		v.iov_len = window_iov_read(p->con->mmio.win, c->iov, c->n_out, p->tx_off,
					    v.iov_base, max);
		if (!v.iov_len)
			break;
		enum tx_result r = tx_account(p, b, v.iov_len, chardev_writev(p->cd, &v, 1));

		if (r != TX_BUDGET)
			return r;
	}
	return p->tx_off >= c->out_len ? TX_DONE : TX_BUDGET;
}

/* Write the held chain from tx_off, at most the budget's bytes. */
static enum tx_result port_tx_write(struct console_port *p, struct tx_budget *b)
{
	struct vq_chain *c = &p->tx_chain;
	struct iovec iov[VQ_MAX_IOV];
	size_t skip = p->tx_off, want = 0;
	unsigned int i, cnt = 0;

	if (!p->cd) {
		p->tx_off = c->out_len; /* no backend: drop */
		return TX_DONE;
	}
	if (p->tx_off >= c->out_len)
		return TX_DONE;
	if (con_device_mem(p->con))
		return port_tx_bounce(p, b);
	for (i = 0; i < c->n_out && want < b->bytes; i++) {
		if (skip >= c->iov[i].iov_len) {
			skip -= c->iov[i].iov_len;
			continue;
		}
		iov[cnt].iov_base = (uint8_t *)c->iov[i].iov_base + skip;
		iov[cnt].iov_len = c->iov[i].iov_len - skip;
		if (iov[cnt].iov_len > b->bytes - want)
			iov[cnt].iov_len = b->bytes - want;
		want += iov[cnt].iov_len;
		skip = 0;
		cnt++;
	}
	if (!cnt)
		return TX_BUDGET;
	return tx_account(p, b, want, chardev_writev(p->cd, iov, (int)cnt));
}

/* Pop the next TX chain into tx_chain.  Return: true if one is held now. */
static bool port_tx_pop(struct console_port *p, struct virtqueue *vq, struct tx_budget *b)
{
	struct vq_chain *c = &p->tx_chain;
	unsigned int cost;

	if (mmio_vq_pop(&p->con->mmio, vq, c, "transmitq") <= 0)
		return false;
	if (c->n_in) {
		mmio_needs_reset(&p->con->mmio, "transmitq buffer writable", -EINVAL);
		return false;
	}
	/* a restored device model resumes a partly written chain */
	p->tx_off = 0;
	if (p->tx_skip > c->out_len)
		dm_log_rl(&p->con->mmio.rl,
			  "%s: port %u: journal says %llu bytes of a %zu-byte chain went out: "
			  "sending it whole",
			  p->con->mmio.name, p->id, (unsigned long long)p->tx_skip, c->out_len);
	else
		p->tx_off = (size_t)p->tx_skip;
	p->tx_skip = 0;
	p->tx_held = true;
	port_tx_journal(p, true);
	/* every chain costs one buffer at least: zero-length ones are bounded too */
	cost = c->n_out ? c->n_out : 1;
	b->bufs -= cost < b->bufs ? cost : b->bufs;
	return true;
}

/* A chardev that held a chain this long is a slow reader (port_tx_resume()). */
#define CONSOLE_SLOW_PEER_US 1000

/*
 * Move TX chains to the chardev until the ring is empty, the chardev is
 * full or the budget is spent; in the last case the rest is deferred to a
 * later loop turn, so that a frontend that refills its ring as fast as we
 * drain it gets its share and no more.
 */
static void port_tx(struct console_port *p)
{
	struct virtio_mmio *m = &p->con->mmio;
	struct virtqueue *vq = port_vq(p, true);
	struct tx_budget b = { CONSOLE_TX_BUDGET_BUFS, CONSOLE_TX_BUDGET_BYTES };
	bool pushed = false;

	if (!vq || !mmio_live(m) || p->tx_blocked)
		return;
	while (!m->broken) {
		enum tx_result r;

		if (!p->tx_held && (!b.bufs || !port_tx_pop(p, vq, &b))) {
			if (!b.bufs)
				mmio_defer(m, vq->index);
			break;
		}
		r = port_tx_write(p, &b);
		if (r == TX_SLOW) {
			p->tx_blocked = true;
			p->tx_blocked_ns = dm_now_ns();
		}
		if (r == TX_BUDGET)
			mmio_defer(m, vq->index);
		if (r != TX_DONE)
			break;
		p->tx_held = false;
		/* §2.7.8: len counts bytes written into the buffer: none. */
		vq_push(vq, p->tx_chain.head, 0);
		pushed = true;
	}
	/* the hvc driver spins for its buffer: its interrupt is mostly moot */
	if (pushed)
		mmio_used_notify_lazy(m, vq);
}

/* The chardev can take more (or dropped its peer: writes now succeed). */
static void port_tx_resume(void *opaque)
{
	struct console_port *p = opaque;

	if (!p->tx_blocked)
		return;
	p->tx_blocked = false;
	if (!port_vq(p, true) || !mmio_live(&p->con->mmio)) {
		p->tx_held = false;
		return;
	}
	/*
	 * Its driver spun for the held buffer all this while: a reader this
	 * slow is better served with the driver sleeping in its kick
	 * (dm/mmio.h).  A short push-back (a burst of lines) is not.
	 */
	if (dm_now_ns() - p->tx_blocked_ns >= CONSOLE_SLOW_PEER_US * 1000ull)
		mmio_backpressure(&p->con->mmio, port_vq(p, true));
	port_tx(p);
}

static void port_event(void *opaque, bool opened)
{
	struct console_port *p = opaque;
	struct virtio_console *con = p->con;

	if (con->multiport && p->guest_ready && mmio_live(&con->mmio))
		ctrl_send(con, p->id, VIRTIO_CONSOLE_PORT_OPEN, opened, NULL);
	if (!opened)
		port_tx_resume(p); /* now dropped: release the held chain */
	port_rx_update(p);
}

/* ---- control queue (driver -> device) ---------------------------------- */

static void ctrl_port_ready(struct virtio_console *con, struct console_port *p, uint16_t value)
{
	if (!value) {
		dm_log_rl(&con->mmio.rl, "%s: driver failed to add port %u", con->mmio.name, p->id);
		return;
	}
	p->guest_ready = true;
	if (p->is_console)
		ctrl_send(con, p->id, VIRTIO_CONSOLE_CONSOLE_PORT, 1, NULL);
	if (p->name[0])
		ctrl_send(con, p->id, VIRTIO_CONSOLE_PORT_NAME, 1, p->name);
	if (p->cd && p->cd->connected)
		ctrl_send(con, p->id, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL);
}

static void ctrl_handle(struct virtio_console *con, const struct virtio_console_control *msg)
{
	uint32_t id = le32toh(msg->id);
	uint16_t event = le16toh(msg->event);
	uint16_t value = le16toh(msg->value);
	struct console_port *p = NULL;

	if (event == VIRTIO_CONSOLE_DEVICE_READY) {
		unsigned int i;

		if (!value) {
			dm_log_rl(&con->mmio.rl, "%s: driver failed to init", con->mmio.name);
			return;
		}
		for (i = 0; i < con->max_ports; i++)
			if (con->ports[i].present)
				ctrl_send(con, i, VIRTIO_CONSOLE_PORT_ADD, 1, NULL);
		return;
	}
	if (id < con->max_ports && con->ports[id].present)
		p = &con->ports[id];
	if (!p) {
		dm_log_rl(&con->mmio.rl, "%s: control event %u for bad port %u", con->mmio.name,
			  event, id);
		return;
	}
	switch (event) {
	case VIRTIO_CONSOLE_PORT_READY:
		ctrl_port_ready(con, p, value);
		break;
	case VIRTIO_CONSOLE_PORT_OPEN:
		p->guest_open = value;
		p->rx_starved = false;
		port_rx_update(p);
		break;
	default:
		dm_log_rl(&con->mmio.rl, "%s: unexpected control event %u", con->mmio.name, event);
		break;
	}
}

static void ctrl_receive(struct virtio_console *con)
{
	struct virtqueue *vq = mmio_vq(&con->mmio, CONSOLE_CTRL_TXQ);
	struct vq_chain *c = &con->ctrl_out_chain;
	struct virtio_console_control msg;
	unsigned int budget;
	bool pushed = false;

	if (!vq || !mmio_live(&con->mmio) || !con->multiport)
		return;
	for (budget = CONSOLE_CTRL_BUDGET; !con->mmio.broken; budget--) {
		if (!budget) {
			mmio_defer(&con->mmio, CONSOLE_CTRL_TXQ);
			break;
		}
		if (mmio_vq_pop(&con->mmio, vq, c, "control transmitq") <= 0)
			break;
		if (c->n_in) {
			mmio_needs_reset(&con->mmio, "control buffer writable", -EINVAL);
			break;
		}
		/* Copy first: the guest may change the buffer under us. */
		if (window_iov_read(con->mmio.win, c->iov, c->n_out, 0, &msg, sizeof(msg)) ==
		    sizeof(msg))
			ctrl_handle(con, &msg);
		else
			dm_log_rl(&con->mmio.rl, "%s: short control message", con->mmio.name);
		vq_push(vq, c->head, 0);
		pushed = true;
	}
	if (pushed)
		mmio_used_notify(&con->mmio, vq);
}

/* ---- virtio_dev_ops -------------------------------------------------------- */

static int console_features_ok(void *dev, uint64_t features)
{
	struct virtio_console *con = dev;

	con->multiport = features & (1ULL << VIRTIO_CONSOLE_F_MULTIPORT);
	return 0;
}

static void console_driver_ok(void *dev)
{
	struct virtio_console *con = dev;
	unsigned int i;

	for (i = 0; i < con->max_ports; i++) {
		struct console_port *p = &con->ports[i];

		if (!con->multiport)
			p->guest_open = (i == 0); /* hvc0 */
		p->rx_starved = false;
		port_tx(p);
		port_rx_update(p);
	}
	ctrl_flush(con);
}

static void console_notify(void *dev, unsigned int q)
{
	struct virtio_console *con = dev;
	struct console_port *p;
	unsigned int id;

	if (q == CONSOLE_CTRL_RXQ) {
		ctrl_flush(con);
		return;
	}
	if (q == CONSOLE_CTRL_TXQ) {
		ctrl_receive(con);
		return;
	}
	id = q < 2 ? 0 : q / 2 - 1;
	if (id >= con->max_ports)
		return;
	p = &con->ports[id];
	if (q & 1) {
		port_tx(p);
	} else {
		p->rx_starved = false;
		port_rx_update(p);
	}
}

/* The look port_rx_fair() asked for: a held receive side may go on now. */
static void console_recheck(void *dev)
{
	struct virtio_console *con = dev;
	unsigned int i;

	for (i = 0; i < con->max_ports; i++)
		if (con->ports[i].rx_held)
			port_rx_update(&con->ports[i]);
}

/* Queue @q was reset: a chain of it the port held belongs to a ring that is gone. */
static void console_queue_reset(void *dev, unsigned int q)
{
	struct virtio_console *con = dev;
	struct console_port *p;
	unsigned int id;

	if (q == CONSOLE_CTRL_RXQ || q == CONSOLE_CTRL_TXQ)
		return; /* no chain is held across calls there */
	id = q < 2 ? 0 : q / 2 - 1;
	if (id >= con->max_ports)
		return;
	p = &con->ports[id];
	if (q & 1) {
		p->tx_held = p->tx_blocked = false;
		p->tx_skip = 0;
		return;
	}
	p->rx_starved = false;
	port_rx_update(p);
}

static void console_reset(void *dev)
{
	struct virtio_console *con = dev;
	unsigned int i;

	for (i = 0; i < con->max_ports; i++) {
		struct console_port *p = &con->ports[i];

		p->guest_ready = p->guest_open = false;
		p->tx_held = p->tx_blocked = false;
		p->tx_skip = 0;
		p->rx_starved = p->rx_held = false;
		fair_init(&p->fair, CONSOLE_FAIR_QUANTUM, CONSOLE_FAIR_IDLE_US * 1000ull);
		if (p->cd)
			chardev_read_enable(p->cd, false);
	}
	con->ctrl_head = con->ctrl_count = 0;
	con->multiport = false;
}

/*
 * Restorable state (dm/mmio.h "state"): what the rings do not say.  A chain
 * in flight is the journal's (port_tx_recover(), port_rx_recover()).
 */
struct console_saved_port {
	uint8_t guest_ready, guest_open, flags, pad;
};

struct console_saved {
	uint8_t multiport, nports;
	uint16_t pad;
	struct console_saved_port port[CONSOLE_MAX_PORTS + 1];
};

_Static_assert(sizeof(struct console_saved) == 4 + 4 * (CONSOLE_MAX_PORTS + 1),
	       "console_saved has no holes");

static size_t console_save(void *dev, void *buf, size_t len)
{
	struct virtio_console *con = dev;
	struct console_saved st;
	unsigned int i;

	if (len < sizeof(st))
		return 0;
	memset(&st, 0, sizeof(st));
	st.multiport = con->multiport;
	st.nports = (uint8_t)con->max_ports;
	for (i = 0; i < con->max_ports; i++) {
		st.port[i].guest_ready = con->ports[i].guest_ready;
		st.port[i].guest_open = con->ports[i].guest_open;
	}
	memcpy(buf, &st, sizeof(st));
	return sizeof(st);
}

/*
 * The chain the previous model was writing when it stopped: skip what the
 * journal (or, for an output file, the file's length) says went out.
 */
static void port_tx_recover(struct console_port *p)
{
	struct virtio_mmio *m = &p->con->mmio;
	struct virtqueue *vq = port_vq(p, true);
	uint64_t v, pos;
	uint16_t seq;

	if (!vq || !mmio_journal_get(m, vq->index, &seq, &v) || seq != vq->used_idx)
		return; /* that chain was completed, or none was begun */
	if (!(v & CON_JOURNAL_FILE)) {
		p->tx_skip = v;
		return;
	}
	if (!p->cd || !chardev_out_pos(p->cd, &pos) || pos < (v & CON_JOURNAL_POS)) {
		dm_log("%s: port %u: output is not the append=on file the journal names: "
		       "the chain in flight is sent whole",
		       m->name, p->id);
		return;
	}
	p->tx_skip = pos - (v & CON_JOURNAL_POS);
}

/*
 * An input file goes on after the last byte a completed chain carried: the
 * journal names the offset of the chain in flight; if that chain reached
 * the used ring, its len says how much it took.
 */
static void port_rx_recover(struct console_port *p)
{
	struct virtio_mmio *m = &p->con->mmio;
	struct virtqueue *vq = port_vq(p, false);
	uint64_t v, pos;
	uint16_t seq;
	int err;

	if (!vq || !p->cd || !mmio_journal_get(m, vq->index, &seq, &v) || !(v & CON_JOURNAL_FILE))
		return;
	pos = v & CON_JOURNAL_POS;
	if ((uint16_t)(seq + 1) == vq->used_idx)
		pos += vq_used_len(vq, seq);
	else if (seq != vq->used_idx)
		return; /* an older word: the guest reclaimed past it */
	err = chardev_in_seek(p->cd, pos);
	if (err)
		dm_log("%s: port %u: cannot resume the input file at byte %llu (errno %d): "
		       "reading on from where it is",
		       m->name, p->id, (unsigned long long)pos, -err);
}

static int console_load(void *dev, const void *buf, size_t len)
{
	struct virtio_console *con = dev;
	struct console_saved st;
	unsigned int i;

	if (len != sizeof(st))
		return -EINVAL;
	memcpy(&st, buf, sizeof(st));
	for (i = 0; i < con->max_ports; i++)
		if (st.port[i].flags || st.port[i].pad)
			return -EINVAL;
	if (st.nports != con->max_ports || st.multiport > 1 || (st.multiport && con->max_ports < 2))
		return -EINVAL;
	con->multiport = st.multiport;
	for (i = 0; i < con->max_ports; i++) {
		struct console_port *p = &con->ports[i];

		p->guest_ready = st.port[i].guest_ready & 1;
		p->guest_open = st.port[i].guest_open & 1;
		p->tx_held = p->tx_blocked = false;
		p->tx_skip = 0;
		if (p->present) {
			port_tx_recover(p);
			port_rx_recover(p);
		}
	}
	return 0;
}

static const struct virtio_dev_ops console_ops = {
	.features_ok = console_features_ok,
	.driver_ok = console_driver_ok,
	.notify = console_notify,
	.reset = console_reset,
	.queue_reset = console_queue_reset,
	.save = console_save,
	.load = console_load,
	.recheck = console_recheck,
};

struct virtio_console *console_new(const struct console_opts *o)
{
	struct virtio_console *con;
	uint64_t features;
	unsigned int i, nq;

	if (!o->max_ports || o->max_ports > CONSOLE_MAX_PORTS)
		return NULL;
	con = calloc(1, sizeof(*con));
	if (!con)
		return NULL;
	con->max_ports = o->max_ports;
	con->fair = o->fair;
	con->config.cols = htole16(o->cols);
	con->config.rows = htole16(o->rows);
	con->config.max_nr_ports = htole32(o->max_ports);
	features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_EVENT_IDX) |
		   (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_CONSOLE_F_SIZE);
	if (o->access_platform)
		features |= 1ULL << VIRTIO_F_ACCESS_PLATFORM;
	if (o->max_ports > 1)
		features |= 1ULL << VIRTIO_CONSOLE_F_MULTIPORT;
	nq = o->max_ports > 1 ? 2 * (o->max_ports + 1) : 2;
	if (mmio_init(&con->mmio, o->id[0] ? o->id : "virtio-console", VIRTIO_ID_CONSOLE,
		      &console_ops, con, nq, CONSOLE_QUEUE_SIZE, features,
		      (const uint8_t *)&con->config, sizeof(con->config))) {
		free(con);
		return NULL;
	}
	/* Under a restricted DMA pool the window is all the device sees. */
	if (o->access_platform)
		con->mmio.required_features |= 1ULL << VIRTIO_F_ACCESS_PLATFORM;
	for (i = 0; i <= CONSOLE_MAX_PORTS; i++) {
		con->ports[i].con = con;
		con->ports[i].id = i;
		fair_init(&con->ports[i].fair, CONSOLE_FAIR_QUANTUM,
			  CONSOLE_FAIR_IDLE_US * 1000ull);
	}
	return con;
}

void console_free(struct virtio_console *con)
{
	unsigned int i;

	if (!con)
		return;
	mmio_fini(&con->mmio);
	for (i = 0; i <= CONSOLE_MAX_PORTS; i++)
		free(con->ports[i].bounce);
	free(con);
}

int console_add_port(struct virtio_console *con, unsigned int nr, struct chardev *cd,
		     bool is_console, const char *name)
{
	struct console_port *p;
	struct chardev_fe fe = {
		.read_ready = port_rx_pump,
		.write_ready = port_tx_resume,
		.event = port_event,
	};

	if (nr >= con->max_ports)
		return -EINVAL;
	p = &con->ports[nr];
	if (p->present)
		return -EBUSY;
	p->present = true;
	p->is_console = is_console || nr == 0;
	snprintf(p->name, sizeof(p->name), "%s", name ? name : "");
	p->cd = cd;
	if (cd) {
		fe.opaque = p;
		chardev_set_fe(cd, &fe);
	}
	return 0;
}

int console_free_port_nr(const struct virtio_console *con)
{
	unsigned int i;

	for (i = 1; i < con->max_ports; i++)
		if (!con->ports[i].present)
			return (int)i;
	return -ENOSPC;
}
