// SPDX-License-Identifier: MIT
/*
 * virtio-net (virtio v1.2 §5.1) with VIRTIO_NET_F_MAC, STATUS, MTU and
 * MRG_RXBUF, one queue pair and no control queue; on a backend with a
 * vnet header also CSUM, GUEST_CSUM, HOST_/GUEST_TSO4/6 and ECN.
 *
 * Data path: a TX chain is a struct virtio_net_hdr_v1 and one frame
 * (§5.1.6.2), copied out of guest memory once, validated, and handed to
 * the backend as one message (with the checked header when the backend
 * takes one: the offloads cross as they are, and a 64 KiB TSO segment is
 * one message).  An RX frame is read from the backend only
 * when the popped guest buffers can hold the largest frame (§5.1.6.3,
 * §5.1.6.4), then copied in behind its header and all its buffers are
 * returned with one used index update.  Every payload byte is copied once
 * in user space, through the device's buffer: the same code for normal and
 * Device-memory windows, and the guest cannot change a frame after it was
 * checked.
 */
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_tun.h>

#include "dm/net.h"

/* ---- the packet header (§5.1.6), hostile both ways ------------------------ */

/* The EtherType behind the MAC addresses and at most one 802.1Q tag. */
static uint16_t net_ethertype(const uint8_t *frame, size_t len)
{
	uint16_t t = (uint16_t)(frame[12] << 8 | frame[13]);

	if (t == ETH_P_8021Q && len >= ETH_HLEN + NET_VLAN_HLEN)
		t = (uint16_t)(frame[16] << 8 | frame[17]);
	return t;
}

/* §5.1.6.2: flags.  Return: 0, or -EINVAL with @why set. */
static int net_hdr_flags(struct virtio_net_hdr_v1 *h, const struct net_offload *o, char *why,
			 size_t whylen)
{
	uint8_t known = VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID |
			VIRTIO_NET_HDR_F_RSC_INFO;
	uint8_t allowed = o->csum ? VIRTIO_NET_HDR_F_NEEDS_CSUM : 0;

	if (o->rx && o->csum)
		allowed |= VIRTIO_NET_HDR_F_DATA_VALID;
	/* §5.1.6.2.2: the device ignores flag bits it does not know; the tap must not see them */
	if (!o->rx)
		h->flags &= known;
	if (h->flags & ~allowed) {
		snprintf(why, whylen, "flags %#x not negotiated", h->flags & ~allowed);
		return -EINVAL;
	}
	return 0;
}

/* NEEDS_CSUM: the checksum field lies inside the frame, behind the Ethernet header. */
static int net_hdr_csum(struct virtio_net_hdr_v1 *h, size_t len, char *why, size_t whylen)
{
	size_t start = le16toh(h->csum_start), off = le16toh(h->csum_offset);

	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
		h->csum_start = h->csum_offset = 0;
		return 0;
	}
	if (start < ETH_HLEN || start + 2 > len) {
		snprintf(why, whylen, "csum_start %zu outside the frame of %zu bytes", start, len);
		return -EINVAL;
	}
	if (start + off + 2 > len) {
		snprintf(why, whylen,
			 "csum_offset %zu past the frame of %zu bytes (csum_start %zu)", off, len,
			 start);
		return -EINVAL;
	}
	return 0;
}

/* gso_type, gso_size, hdr_len (§5.1.6.2, §5.1.6.4). */
static int net_hdr_gso(struct virtio_net_hdr_v1 *h, const uint8_t *frame, size_t len,
		       const struct net_offload *o, char *why, size_t whylen)
{
	uint8_t type = h->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
	bool ok = (type == VIRTIO_NET_HDR_GSO_TCPV4 && o->tso4) ||
		  (type == VIRTIO_NET_HDR_GSO_TCPV6 && o->tso6);
	uint16_t want = type == VIRTIO_NET_HDR_GSO_TCPV4 ? ETH_P_IP : ETH_P_IPV6;
	size_t size = le16toh(h->gso_size), hlen = le16toh(h->hdr_len);

	if (h->gso_type == VIRTIO_NET_HDR_GSO_NONE) {
		h->hdr_len = h->gso_size = 0;
		return 0;
	}
	if (!ok || ((h->gso_type & VIRTIO_NET_HDR_GSO_ECN) && !o->ecn)) {
		snprintf(why, whylen, "gso_type %#x not negotiated", h->gso_type);
		return -EINVAL;
	}
	/* segmentation needs the TCP checksum filled in per segment */
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
		snprintf(why, whylen, "gso_type %#x without NEEDS_CSUM in flags", h->gso_type);
		return -EINVAL;
	}
	if (net_ethertype(frame, len) != want) {
		snprintf(why, whylen, "gso_type %#x on EtherType %#x", h->gso_type,
			 net_ethertype(frame, len));
		return -EINVAL;
	}
	if (!size || size > o->mtu) {
		snprintf(why, whylen, "gso_size %zu outside 1..%u (the MTU)", size, o->mtu);
		return -EINVAL;
	}
	if (hlen > len) {
		snprintf(why, whylen, "hdr_len %zu past the frame of %zu bytes", hlen, len);
		return -EINVAL;
	}
	return 0;
}

int net_hdr_check(struct virtio_net_hdr_v1 *h, const uint8_t *frame, size_t len,
		  const struct net_offload *o, char *why, size_t whylen)
{
	size_t max = (size_t)o->mtu + ETH_HLEN + NET_VLAN_HLEN;

	h->num_buffers = 0;
	if (len < ETH_HLEN) {
		snprintf(why, whylen, "runt frame");
		return -EINVAL;
	}
	if (net_hdr_flags(h, o, why, whylen) || net_hdr_csum(h, len, why, whylen) ||
	    net_hdr_gso(h, frame, len, o, why, whylen))
		return -EINVAL;
	if (h->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		max = NET_GSO_FRAME_MAX;
	if (len > max) {
		snprintf(why, whylen, "frame above the %s",
			 max == NET_GSO_FRAME_MAX ? "GSO limit" : "MTU");
		return -EINVAL;
	}
	return 0;
}

static bool net_live(struct virtio_net *n)
{
	return mmio_live(&n->mmio);
}

/* ---- TX: guest -> backend ------------------------------------------------ */

/* What is left of one handler call's work (NET_TX_BUDGET_*). */
struct net_budget {
	unsigned int bufs;
	size_t bytes;
};

static void net_tx_drop(struct virtio_net *n, const char *why, size_t len)
{
	n->c.tx_dropped++;
	dm_log_rl(&n->mmio.rl, "%s: TX frame dropped: %s (chain of %zu bytes)", n->mmio.name, why,
		  len);
}

/*
 * Copy the held chain out (the guest cannot change it after the check),
 * check its header and frame.  The checked header goes back in front of
 * the frame in n->buf.  Return: the frame's length, or 0 when it was
 * dropped (counted).
 */
static size_t net_tx_take(struct virtio_net *n)
{
	const struct vq_chain *c = &n->tx_chain;
	size_t max = n->tx_off.tso4 || n->tx_off.tso6 ? NET_GSO_FRAME_MAX : n->frame_max;
	struct virtio_net_hdr_v1 hdr;
	char why[96];
	size_t len;

	if (c->out_len < NET_HDR_LEN) {
		net_tx_drop(n, "shorter than the header", c->out_len);
		return 0;
	}
	len = c->out_len - NET_HDR_LEN;
	if (len > max) {
		net_tx_drop(n, "frame above the MTU", c->out_len);
		return 0;
	}
	window_iov_read(n->mmio.win, c->iov, c->n_out, 0, n->buf, NET_HDR_LEN + len);
	memcpy(&hdr, n->buf, sizeof(hdr));
	if (net_hdr_check(&hdr, n->buf + NET_HDR_LEN, len, &n->tx_off, why, sizeof(why))) {
		net_tx_drop(n, why, c->out_len);
		return 0;
	}
	memcpy(n->buf, &hdr, sizeof(hdr));
	return len;
}

/* Send the held chain's frame.  Return: false if the backend is full. */
static bool net_tx_send(struct virtio_net *n)
{
	size_t len = net_tx_take(n);
	int err;

	if (!len)
		return true;
	if (n->nd->vnet_hdr)
		err = netdev_send(n->nd, n->buf, NET_HDR_LEN + len);
	else
		err = netdev_send(n->nd, n->buf + NET_HDR_LEN, len);
	if (err == -EAGAIN)
		return false; /* copied again when write_ready comes */
	if (err)
		return true; /* lost: the netdev's tx_lost counts it, not tx_packets */
	n->c.tx_packets++;
	n->c.tx_bytes += len;
	return true;
}

/* Pop the next TX chain.  Return: true if one is held now. */
static bool net_tx_pop(struct virtio_net *n, struct virtqueue *vq, struct net_budget *b)
{
	struct vq_chain *c = &n->tx_chain;
	unsigned int cost;

	if (mmio_vq_pop(&n->mmio, vq, c, "transmitq") <= 0)
		return false;
	if (c->n_in) {
		mmio_needs_reset(&n->mmio, "transmitq buffer writable", -EINVAL);
		return false;
	}
	n->tx_held = true;
	/* every chain costs one buffer at least: zero-length ones are bounded too */
	cost = c->n_out ? c->n_out : 1;
	b->bufs -= cost < b->bufs ? cost : b->bufs;
	b->bytes -= c->out_len < b->bytes ? c->out_len : b->bytes;
	return true;
}

/*
 * Send TX chains until the ring is empty, the backend is full or the
 * budget is spent; in the last case the rest is deferred to a later loop
 * turn, so a frontend that refills its ring as fast as we drain it gets
 * its share and no more.  A frame goes whole or not at all.
 */
static void net_tx(struct virtio_net *n)
{
	struct virtio_mmio *m = &n->mmio;
	struct virtqueue *vq = mmio_vq(m, NET_TXQ);
	struct net_budget b = { NET_TX_BUDGET_BUFS, NET_TX_BUDGET_BYTES };
	bool pushed = false;

	if (!vq || !net_live(n) || n->tx_blocked)
		return;
	while (!m->broken) {
		if (!n->tx_held) {
			if (!b.bufs || !b.bytes) {
				mmio_defer(m, NET_TXQ);
				break;
			}
			if (!net_tx_pop(n, vq, &b))
				break;
		}
		if (!net_tx_send(n)) {
			n->tx_blocked = true;
			break;
		}
		n->tx_held = false;
		/* §2.7.8: len counts bytes written into the buffer: none. */
		vq_push(vq, n->tx_chain.head, 0);
		pushed = true;
	}
	if (pushed)
		mmio_used_notify(m, vq);
}

/* The backend can take frames again (or lost its peer: they are dropped). */
static void net_tx_resume(void *opaque)
{
	struct virtio_net *n = opaque;

	if (!n->tx_blocked)
		return;
	n->tx_blocked = false;
	net_tx(n);
}

/* ---- RX: backend -> guest ------------------------------------------------ */

static bool net_rx_can(struct virtio_net *n)
{
	return net_live(n) && !n->rx_starved && n->nd->fd >= 0 && mmio_vq(&n->mmio, NET_RXQ);
}

static void net_rx_update(struct virtio_net *n)
{
	netdev_read_enable(n->nd, net_rx_can(n));
}

static struct vq_chain *net_held(struct virtio_net *n, unsigned int i)
{
	return &n->rx_held[(n->held_first + i) % NET_RX_HELD];
}

static void net_held_forget(struct virtio_net *n)
{
	n->held_first = n->n_held = 0;
	n->held_len = 0;
}

/*
 * Pop receive chains until they can hold the largest frame (with
 * MRG_RXBUF; one chain without, §5.1.6.3) or no more may be held.
 * Return: 1 ready, 0 the ring ran dry, negative: the device is broken.
 */
static int net_rx_gather(struct virtio_net *n, struct virtqueue *vq)
{
	/* with GUEST_TSO4/6 the backend may hand over 64 KiB in one frame */
	size_t max = n->rx_off.tso4 || n->rx_off.tso6 ? NET_GSO_FRAME_MAX : n->frame_max;
	size_t need = n->mrg ? NET_HDR_LEN + max : 1;
	unsigned int cap = n->mrg ? NET_RX_HELD : 1;

	if (cap > vq->num)
		cap = vq->num;
	while (n->held_len < need && n->n_held < cap) {
		struct vq_chain *c = net_held(n, n->n_held);
		int r = mmio_vq_pop(&n->mmio, vq, c, "receiveq");

		if (r <= 0)
			return r;
		if (c->n_out) {
			mmio_needs_reset(&n->mmio, "receiveq buffer device-readable", -EINVAL);
			return -EINVAL;
		}
		/* §5.1.6.3.1: each buffer holds a header at least */
		if (c->in_len < NET_HDR_LEN) {
			mmio_needs_reset(&n->mmio, "receiveq buffer shorter than the header",
					 -EINVAL);
			return -EINVAL;
		}
		n->n_held++;
		n->held_len += c->in_len;
	}
	return 1;
}

static void net_rx_drop(struct virtio_net *n, const char *why, size_t len)
{
	n->c.rx_dropped++;
	dm_log_rl(&n->mmio.rl, "%s: RX frame of %zu bytes dropped: %s", n->mmio.name, len, why);
}

/*
 * Copy header + frame (n->buf, @total bytes; @hdr the checked header) into
 * as many held chains as it takes, filling each but the last (§5.1.6.4),
 * and return them all at once.
 * Return: false if the held chains cannot hold it.
 */
static bool net_rx_deliver(struct virtio_net *n, struct virtqueue *vq,
			   struct virtio_net_hdr_v1 *hdr, size_t total)
{
	struct vring_used_elem used[NET_RX_HELD];
	size_t room = 0, off = 0;
	unsigned int k, i;

	for (k = 0; k < n->n_held && room < total; k++)
		room += net_held(n, k)->in_len;
	if (room < total)
		return false;
	/* §5.1.6.4: num_buffers is 1 unless MRG_RXBUF spreads the frame */
	hdr->num_buffers = htole16((uint16_t)k);
	memcpy(n->buf, hdr, sizeof(*hdr));
	for (i = 0; i < k; i++) {
		const struct vq_chain *c = net_held(n, i);
		size_t len = window_iov_write(n->mmio.win, c->iov + c->n_out, c->n_in, 0,
					      n->buf + off, total - off);

		used[i].id = c->head;
		used[i].len = (uint32_t)len;
		off += len;
		n->held_len -= c->in_len;
	}
	vq_push_n(vq, used, k);
	n->held_first = (n->held_first + k) % NET_RX_HELD;
	n->n_held -= k;
	return true;
}

/*
 * Read one frame from the backend into n->buf behind its header: the
 * backend's own (checked like the driver's) or a zero one.
 * Return: the frame's length, 0 if it was dropped, negative errno.
 */
static ssize_t net_rx_read(struct virtio_net *n, struct virtio_net_hdr_v1 *hdr)
{
	char why[96];
	ssize_t len;

	memset(hdr, 0, sizeof(*hdr));
	if (!n->nd->vnet_hdr)
		return netdev_recv(n->nd, n->buf + NET_HDR_LEN, NET_FRAME_BUF);
	len = netdev_recv(n->nd, n->buf, NET_HDR_LEN + NET_FRAME_BUF);
	if (len < 0)
		return len;
	if ((size_t)len < NET_HDR_LEN) {
		net_rx_drop(n, "shorter than the header", (size_t)len);
		return 0;
	}
	len -= (ssize_t)NET_HDR_LEN;
	memcpy(hdr, n->buf, sizeof(*hdr));
	/* a frame cut by the buffer is longer than any limit: dropped there */
	if ((size_t)len <= NET_FRAME_BUF &&
	    net_hdr_check(hdr, n->buf + NET_HDR_LEN, (size_t)len, &n->rx_off, why, sizeof(why))) {
		net_rx_drop(n, why, (size_t)len);
		return 0;
	}
	return len;
}

/*
 * One frame from the backend into the guest.
 * Return: true if a frame was taken (delivered or dropped), false to stop.
 */
static bool net_rx_one(struct virtio_net *n, struct virtqueue *vq, bool *pushed)
{
	size_t max = n->frame_max;
	struct virtio_net_hdr_v1 hdr;
	int r = net_rx_gather(n, vq);
	ssize_t len;

	if (r <= 0) {
		/* no guest buffers: leave the frames in the backend */
		n->rx_starved = !r;
		return false;
	}
	len = net_rx_read(n, &hdr);
	if (len <= 0)
		return !len;
	if (hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		max = NET_GSO_FRAME_MAX;
	if ((size_t)len < ETH_HLEN || (size_t)len > max) {
		net_rx_drop(n, (size_t)len < ETH_HLEN ? "runt" : "above the MTU", (size_t)len);
		return true;
	}
	if (!net_rx_deliver(n, vq, &hdr, NET_HDR_LEN + (size_t)len)) {
		net_rx_drop(n, "guest buffers too small", (size_t)len);
		return true;
	}
	n->c.rx_packets++;
	n->c.rx_bytes += (size_t)len;
	*pushed = true;
	return true;
}

/* The backend has frames: take a bounded batch (fairness), then come back. */
static void net_rx_pump(void *opaque)
{
	struct virtio_net *n = opaque;
	unsigned int budget;
	bool pushed = false;

	for (budget = NET_RX_BUDGET; budget && net_rx_can(n); budget--)
		if (!net_rx_one(n, mmio_vq(&n->mmio, NET_RXQ), &pushed))
			break;
	if (pushed)
		mmio_used_notify(&n->mmio, mmio_vq(&n->mmio, NET_RXQ));
	net_rx_update(n);
}

static void net_link(void *opaque, bool up)
{
	struct virtio_net *n = opaque;

	n->config.status = htole16(up ? VIRTIO_NET_S_LINK_UP : 0);
	/* §5.1.4.2: a status change is a configuration change */
	mmio_config_changed(&n->mmio);
	net_rx_update(n);
}

/* ---- virtio_dev_ops -------------------------------------------------------- */

static bool net_has(uint64_t features, unsigned int bit)
{
	return features & (1ULL << bit);
}

/* §5.1.3.1: the dependencies of the offload features.  Return: 0 or -EINVAL. */
static int net_features_deps(struct virtio_net *n, uint64_t f)
{
	static const struct {
		unsigned int bit, needs_a, needs_b;
	} deps[] = {
		{ VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_CSUM },
		{ VIRTIO_NET_F_GUEST_TSO6, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_CSUM },
		{ VIRTIO_NET_F_GUEST_ECN, VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6 },
		{ VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_CSUM },
		{ VIRTIO_NET_F_HOST_TSO6, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_CSUM },
		{ VIRTIO_NET_F_HOST_ECN, VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_HOST_TSO6 },
	};
	size_t i;

	for (i = 0; i < sizeof(deps) / sizeof(deps[0]); i++) {
		if (net_has(f, deps[i].bit) && !net_has(f, deps[i].needs_a) &&
		    !net_has(f, deps[i].needs_b)) {
			dm_log_rl(&n->mmio.rl,
				  "%s: feature %u accepted without feature %u (§5.1.3.1)",
				  n->mmio.name, deps[i].bit, deps[i].needs_a);
			return -EINVAL;
		}
	}
	return 0;
}

/* The TUN_F_* the tap may use towards a driver that accepted @f. */
static unsigned int net_tun_flags(uint64_t f)
{
	unsigned int t = 0;

	if (net_has(f, VIRTIO_NET_F_GUEST_CSUM))
		t |= TUN_F_CSUM;
	if (net_has(f, VIRTIO_NET_F_GUEST_TSO4))
		t |= TUN_F_TSO4;
	if (net_has(f, VIRTIO_NET_F_GUEST_TSO6))
		t |= TUN_F_TSO6;
	if (net_has(f, VIRTIO_NET_F_GUEST_ECN))
		t |= TUN_F_TSO_ECN;
	return t;
}

static int net_features_ok(void *dev, uint64_t f)
{
	struct virtio_net *n = dev;
	uint16_t mtu = le16toh(n->config.mtu);

	if (net_features_deps(n, f))
		return -EINVAL;
	/*
	 * The backend sends the driver only what it accepted.  It fails only
	 * for a state saved by a model whose backend had the header (restart
	 * with vnet_hdr=off) or a tap that refuses: a setup error.
	 */
	if ((!n->nd->vnet_hdr && (f & NET_F_OFFLOADS)) ||
	    netdev_set_offload(n->nd, net_tun_flags(f))) {
		dm_log_rl(&n->mmio.rl, "%s: the netdev cannot carry offloads %#x", n->mmio.name,
			  net_tun_flags(f));
		return -EIO;
	}
	n->mrg = net_has(f, VIRTIO_NET_F_MRG_RXBUF);
	n->tx_off = (struct net_offload){
		.csum = net_has(f, VIRTIO_NET_F_CSUM),
		.tso4 = net_has(f, VIRTIO_NET_F_HOST_TSO4),
		.tso6 = net_has(f, VIRTIO_NET_F_HOST_TSO6),
		.ecn = net_has(f, VIRTIO_NET_F_HOST_ECN),
		.mtu = mtu,
	};
	n->rx_off = (struct net_offload){
		.csum = net_has(f, VIRTIO_NET_F_GUEST_CSUM),
		.tso4 = net_has(f, VIRTIO_NET_F_GUEST_TSO4),
		.tso6 = net_has(f, VIRTIO_NET_F_GUEST_TSO6),
		.ecn = net_has(f, VIRTIO_NET_F_GUEST_ECN),
		.rx = true,
		.mtu = mtu,
	};
	return 0;
}

/* No offloads: what a device without negotiated features may see. */
static void net_offload_clear(struct virtio_net *n)
{
	uint16_t mtu = le16toh(n->config.mtu);

	n->tx_off = (struct net_offload){ .mtu = mtu };
	n->rx_off = (struct net_offload){ .rx = true, .mtu = mtu };
}

static void net_driver_ok(void *dev)
{
	struct virtio_net *n = dev;

	n->rx_starved = false;
	net_tx(n);
	net_rx_update(n);
}

static void net_notify(void *dev, unsigned int q)
{
	struct virtio_net *n = dev;

	if (q == NET_TXQ) {
		net_tx(n);
		return;
	}
	n->rx_starved = false;
	net_rx_update(n);
}

/* Queue @q was reset: its held chains belong to a ring that is gone. */
static void net_queue_reset(void *dev, unsigned int q)
{
	struct virtio_net *n = dev;

	if (q == NET_TXQ) {
		n->tx_held = n->tx_blocked = false;
		return;
	}
	if (q == NET_RXQ) {
		n->rx_starved = false;
		net_held_forget(n);
		net_rx_update(n);
	}
}

static void net_reset(void *dev)
{
	struct virtio_net *n = dev;

	n->tx_held = n->tx_blocked = false;
	n->rx_starved = false;
	n->mrg = false;
	net_offload_clear(n);
	/* frames the tap still holds with offloads are dropped by net_rx_read() */
	netdev_set_offload(n->nd, 0);
	net_held_forget(n);
	netdev_read_enable(n->nd, false);
}

/*
 * Restorable state (dm/mmio.h "state"): what the rings do not say.  Chains
 * popped and not returned are popped again by the next model: a TX frame
 * the backend had not taken is sent then (whole), one it had taken is sent
 * once more; an RX frame is written and returned in one call, so none is
 * half delivered.  The MAC is kept to refuse a model that would change the
 * frontend's address under it.
 */
struct net_saved {
	uint8_t mac[ETH_ALEN];
	uint16_t flags; /* reserved, 0 */
	struct net_counters c;
};

_Static_assert(sizeof(struct net_saved) == 8 + 6 * 8, "net_saved has no holes");

static size_t net_save(void *dev, void *buf, size_t len)
{
	struct virtio_net *n = dev;
	struct net_saved st;

	if (len < sizeof(st))
		return 0;
	memset(&st, 0, sizeof(st));
	memcpy(st.mac, n->config.mac, ETH_ALEN);
	st.c = n->c;
	memcpy(buf, &st, sizeof(st));
	return sizeof(st);
}

static int net_load(void *dev, const void *buf, size_t len)
{
	struct virtio_net *n = dev;
	struct net_saved st;

	if (len != sizeof(st))
		return -EINVAL;
	memcpy(&st, buf, sizeof(st));
	if (st.flags || memcmp(st.mac, n->config.mac, ETH_ALEN))
		return -EINVAL;
	n->c = st.c;
	return 0;
}

static const struct virtio_dev_ops net_ops = {
	.features_ok = net_features_ok,
	.driver_ok = net_driver_ok,
	.notify = net_notify,
	.reset = net_reset,
	.queue_reset = net_queue_reset,
	.save = net_save,
	.load = net_load,
};

static uint64_t net_features(const struct net_opts *o, const struct netdev *nd)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_EVENT_IDX) |
		     (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_NET_F_MAC) |
		     (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_MTU) |
		     (1ULL << VIRTIO_NET_F_MRG_RXBUF);

	if (o->access_platform)
		f |= 1ULL << VIRTIO_F_ACCESS_PLATFORM;
	/*
	 * The offloads need the header to reach the backend; without one the
	 * device would have to checksum and segment in software, which costs
	 * more here than the guest's own stack does (docs/device-model.md).
	 */
	if (nd->vnet_hdr)
		f |= NET_F_OFFLOADS;
	return f;
}

struct virtio_net *net_new(const struct net_opts *o, struct netdev *nd)
{
	struct netdev_fe fe = {
		.read_ready = net_rx_pump,
		.write_ready = net_tx_resume,
		.link = net_link,
	};
	struct virtio_net *n;

	if (!nd || o->mtu < NET_MTU_MIN || o->mtu > NET_MTU_MAX || (o->mac[0] & 1))
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->rx_held = calloc(NET_RX_HELD, sizeof(*n->rx_held));
	n->buf = malloc(NET_HDR_LEN + NET_FRAME_BUF);
	if (!n->rx_held || !n->buf)
		goto err;
	n->nd = nd;
	n->frame_max = (size_t)o->mtu + ETH_HLEN + NET_VLAN_HLEN;
	memcpy(n->config.mac, o->mac, ETH_ALEN);
	n->config.status = htole16(nd->link_up ? VIRTIO_NET_S_LINK_UP : 0);
	n->config.max_virtqueue_pairs = htole16(1);
	n->config.mtu = htole16(o->mtu);
	net_offload_clear(n);
	if (mmio_init(&n->mmio, o->id[0] ? o->id : "virtio-net", VIRTIO_ID_NET, &net_ops, n,
		      NET_NQUEUES, NET_QUEUE_SIZE, net_features(o, nd), (const uint8_t *)&n->config,
		      NET_CONFIG_LEN))
		goto err;
	/* Under a restricted DMA pool the window is all the device sees. */
	if (o->access_platform)
		n->mmio.required_features |= 1ULL << VIRTIO_F_ACCESS_PLATFORM;
	fe.opaque = n;
	netdev_set_fe(nd, &fe);
	return n;
err:
	free(n->buf);
	free(n->rx_held);
	free(n);
	return NULL;
}

void net_free(struct virtio_net *n)
{
	if (!n)
		return;
	netdev_read_enable(n->nd, false);
	netdev_set_fe(n->nd, &(struct netdev_fe){ 0 });
	mmio_fini(&n->mmio);
	free(n->buf);
	free(n->rx_held);
	free(n);
}

/* FNV-1a of the name: stable across runs and builds. */
void net_default_mac(const char *name, uint8_t mac[ETH_ALEN])
{
	uint64_t h = 14695981039346656037ULL;
	unsigned int i;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 1099511628211ULL;
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
	/* IEEE 802: bit 0 of the first octet is group, bit 1 local */
	mac[0] = (uint8_t)((mac[0] & ~1U) | 2U);
}

int net_parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int i;

	/* exactly xx:xx:xx:xx:xx:xx, no signs, blanks or 0x that sscanf allows */
	if (strlen(s) != 3 * ETH_ALEN - 1)
		return -EINVAL;
	for (i = 0; i < 3 * ETH_ALEN - 1; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return -EINVAL;
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)strtoul(s + 3 * i, NULL, 16);
	return (mac[0] & 1) ? -EINVAL : 0;
}
