// SPDX-License-Identifier: MIT
/*
 * virtio-net end to end: the test frontend drives the device like Linux's
 * virtio_net (through the sim transport, the model on its own thread, or
 * directly for the restart and budget tests); the other end of the
 * device's socket netdev is the "wire", where the test sends and checks
 * frames.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <sched.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>

#include <linux/virtio_config.h>

#include "bulkhead/rio.h"
#include "dm_fixture.h"

#define GUEST_BASE 0x20000000ULL
#define GUEST_SIZE (16ULL << 20)
#define QSIZE	   128
#define FEATURES                                                                                   \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM) |                       \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |               \
	 (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_MTU) | \
	 (1ULL << VIRTIO_NET_F_MRG_RXBUF))
#define NO_MRG	   (FEATURES & ~(1ULL << VIRTIO_NET_F_MRG_RXBUF))
#define FRAME_MAX  (NET_MTU_MAX + ETH_HLEN + NET_VLAN_HLEN)
#define TIMEOUT_MS 60000

static const struct net_opts opts_1500 = {
	.id = "vn0",
	.mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
	.mtu = 1500,
	.access_platform = true,
};

struct nguest {
	struct tfe_mem mem;
	struct tfe_dev dev;
	struct tfe_net net;
};

/*
 * Frame @seq of a stream: Ethernet header (local experimental EtherType
 * 0x88b5), the sequence number, then bytes derived from it; @len >= 18.
 */
static void make_frame(uint8_t *f, uint32_t seq, size_t len, uint32_t salt)
{
	static const uint8_t hdr[ETH_HLEN] = { 0x52, 0x54, 0,	 0x12, 0x34, 0x56, 0x52,
					       0x54, 0,	   0xab, 0xcd, 0xef, 0x88, 0xb5 };

	memcpy(f, hdr, ETH_HLEN);
	memcpy(f + ETH_HLEN, &seq, sizeof(seq));
	tfe_random(f + ETH_HLEN + 4, len - ETH_HLEN - 4, seq * 7919 + salt);
}

/* Length of frame @seq: spread over [18, @max], reproducibly. */
static size_t frame_len(uint32_t seq, size_t max)
{
	return 18 + (seq * 2654435761U) % (max - 18 + 1);
}

static void nguest_up(struct dm_fixture *fx, struct nguest *g, unsigned int slot, uint64_t want,
		      uint32_t rx_buf, unsigned int rx_bufs)
{
	assert_int_equal(tfe_mem_init(&g->mem, GUEST_BASE, GUEST_SIZE), 0);
	assert_int_equal(tfe_link_attach(&fx->link, slot, &g->mem), 0);
	tfe_dev_init(&g->dev, &fx->link, slot, NULL, &g->mem);
	assert_int_equal(tfe_probe(&g->dev, want), 0);
	assert_int_equal(g->dev.device_id, VIRTIO_ID_NET);
	assert_int_equal(tfe_vq_setup(&g->dev, 0, QSIZE), 0);
	assert_int_equal(tfe_vq_setup(&g->dev, 1, QSIZE), 0);
	tfe_driver_ok(&g->dev);
	assert_int_equal(tfe_net_init(&g->net, &g->dev, rx_buf, rx_bufs, 12 + FRAME_MAX), 0);
	assert_int_equal(tfe_status(&g->dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A stream each way between one guest and its wire. */
struct nstream {
	struct nguest *g;
	int peer;
	unsigned int frames;
	size_t max_len;
	unsigned int guest_sent, wire_got, wire_sent, guest_got;
	unsigned int max_nbufs, mismatches;
	bool wire_reads; /* false: the wire does not read (TX back-pressure) */
	uint8_t *buf, *want;
};

static void nstream_init(struct nstream *s, struct nguest *g, int peer, unsigned int frames,
			 size_t max_len)
{
	memset(s, 0, sizeof(*s));
	s->g = g;
	s->peer = peer;
	s->frames = frames;
	s->max_len = max_len;
	s->wire_reads = true;
	s->buf = malloc(FRAME_MAX + 64);
	s->want = malloc(FRAME_MAX + 64);
	assert_non_null(s->buf);
	assert_non_null(s->want);
}

static void nstream_fini(struct nstream *s)
{
	free(s->buf);
	free(s->want);
}

/* The guest's side of one step: send, reap, receive.  Returns progress. */
static bool nstream_guest(struct nstream *s)
{
	struct tfe_net *n = &s->g->net;
	bool progress = tfe_net_reap_tx(n) > 0, queued = false;
	unsigned int nbufs;
	long r;

	while (s->guest_sent < s->frames) {
		size_t len = frame_len(s->guest_sent, s->max_len);

		make_frame(s->want, s->guest_sent, len, 1);
		if (tfe_net_send(n, s->want, len))
			break;
		s->guest_sent++;
		queued = true;
	}
	if (queued)
		tfe_vq_kick(n->tx);
	while ((r = tfe_net_recv(n, s->buf, FRAME_MAX + 64, &nbufs)) != -EAGAIN) {
		size_t len = frame_len(s->guest_got, s->max_len);

		if (r < 0) {
			s->mismatches++;
			break;
		}
		make_frame(s->want, s->guest_got, len, 2);
		if ((size_t)r != len || memcmp(s->buf, s->want, len))
			s->mismatches++;
		if (nbufs > s->max_nbufs)
			s->max_nbufs = nbufs;
		s->guest_got++;
		progress = true;
	}
	return progress || queued;
}

/* The wire's side: take what the device sent, send what it has. */
static void nstream_wire(struct nstream *s, short revents)
{
	if ((revents & POLLIN) && s->wire_reads) {
		ssize_t r = recv(s->peer, s->buf, FRAME_MAX + 64, MSG_DONTWAIT);
		size_t len = frame_len(s->wire_got, s->max_len);

		if (r >= 0) {
			make_frame(s->want, s->wire_got, len, 1);
			if ((size_t)r != len || memcmp(s->buf, s->want, len))
				s->mismatches++;
			s->wire_got++;
		}
	}
	if ((revents & POLLOUT) && s->wire_sent < s->frames) {
		size_t len = frame_len(s->wire_sent, s->max_len);

		make_frame(s->want, s->wire_sent, len, 2);
		if (send(s->peer, s->want, len, MSG_DONTWAIT) == (ssize_t)len)
			s->wire_sent++;
	}
}

static bool nstream_done(const struct nstream *s)
{
	return s->guest_got == s->frames && (s->wire_got == s->frames || !s->wire_reads) &&
	       s->wire_sent == s->frames;
}

/* Run streams through the sim link until done; 0, -EIO or -ETIMEDOUT. */
static int nstreams_run(struct tfe_link *l, struct nstream *s, unsigned int n)
{
	uint64_t end = now_ms() + TIMEOUT_MS;
	unsigned long seen[TFE_MAX_SLOTS] = { 0 };
	struct pollfd pfd[1 + FX_MAX_DEV];
	unsigned int i, done;

	for (;;) {
		for (i = 0, done = 0; i < n; i++) {
			unsigned int slot = s[i].g->dev.slot;

			if (l->irqs[slot] != seen[slot]) {
				seen[slot] = l->irqs[slot];
				tfe_ack_irq(&s[i].g->dev);
			}
			while (nstream_guest(&s[i]))
				;
			if (s[i].mismatches)
				return -EIO;
			done += nstream_done(&s[i]);
		}
		if (done == n)
			return 0;
		if (now_ms() > end)
			return -ETIMEDOUT;
		pfd[0] = (struct pollfd){ .fd = l->sock, .events = POLLIN };
		for (i = 0; i < n; i++)
			pfd[1 + i] = (struct pollfd){
				.fd = s[i].peer,
				.events = (short)((s[i].wire_reads ? POLLIN : 0) |
						  (s[i].wire_sent < s[i].frames ? POLLOUT : 0)),
			};
		if (poll(pfd, 1 + n, 100) < 0 && errno != EINTR)
			return -errno;
		if (pfd[0].revents & POLLIN)
			tfe_link_drain(l);
		for (i = 0; i < n; i++)
			nstream_wire(&s[i], pfd[1 + i].revents);
	}
}

/* ---- config space and features ------------------------------------------ */

static void test_config_and_features(void **state)
{
	struct net_opts o = opts_1500;
	struct dm_fixture fx;
	struct nguest g;
	uint8_t mac[ETH_ALEN];
	unsigned int i;

	(void)state;
	o.mtu = 9000;
	assert_int_equal(fx_init(&fx), 0);
	assert_non_null(fx_net(&fx, &o));
	assert_int_equal(fx_start(&fx), 0);
	nguest_up(&fx, &g, 0, FEATURES, 2048, 8);
	/* offered: what the device does; not: offloads, control queue, MQ */
	assert_int_equal(g.dev.dev_features & FEATURES, FEATURES);
	assert_false(g.dev.dev_features &
		     ((1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
		      (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO4) |
		      (1ULL << VIRTIO_NET_F_CTRL_VQ) | (1ULL << VIRTIO_NET_F_MQ)));
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)tfe_read(&g.dev, VIRTIO_MMIO_CONFIG + i, 1);
	assert_memory_equal(mac, o.mac, ETH_ALEN);
	assert_int_equal(tfe_read(&g.dev, VIRTIO_MMIO_CONFIG + 6, 2), VIRTIO_NET_S_LINK_UP);
	assert_int_equal(tfe_read(&g.dev, VIRTIO_MMIO_CONFIG + 10, 2), 9000);
	/* nothing past the offered fields; no third queue */
	assert_int_equal(tfe_read(&g.dev, VIRTIO_MMIO_CONFIG + 12, 4), 0);
	tfe_write32(&g.dev, VIRTIO_MMIO_QUEUE_SEL, 2);
	assert_int_equal(tfe_read32(&g.dev, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* the peer leaves: link down, told by a configuration interrupt */
	close(fx.peer[0]);
	fx.peer[0] = -1;
	for (i = 0; i < 200 && tfe_read(&g.dev, VIRTIO_MMIO_CONFIG + 6, 2); i++)
		tfe_link_poll(&fx.link, 10);
	assert_int_equal(tfe_read(&g.dev, VIRTIO_MMIO_CONFIG + 6, 2), 0);
	assert_true(tfe_read32(&g.dev, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(tfe_read32(&g.dev, VIRTIO_MMIO_CONFIG_GENERATION), 1);
	fx_fini(&fx);
	tfe_mem_fini(&g.mem);
}

static void test_mac_helpers(void **state)
{
	uint8_t a[ETH_ALEN], b[ETH_ALEN], c[ETH_ALEN];

	(void)state;
	net_default_mac("net-frontend1", a);
	net_default_mac("net-frontend1", b);
	net_default_mac("net-frontend2", c);
	assert_memory_equal(a, b, ETH_ALEN);
	assert_memory_not_equal(a, c, ETH_ALEN);
	assert_int_equal(a[0] & 3, 2); /* unicast, locally administered */
	assert_int_equal(c[0] & 3, 2);
	assert_int_equal(net_parse_mac("52:54:00:Ab:cD:ef", a), 0);
	assert_memory_equal(a, ((uint8_t[]){ 0x52, 0x54, 0, 0xab, 0xcd, 0xef }), ETH_ALEN);
	assert_int_equal(net_parse_mac("01:00:5e:00:00:01", a), -EINVAL); /* multicast */
	assert_int_equal(net_parse_mac("52:54:00:12:34", a), -EINVAL);
	assert_int_equal(net_parse_mac("52:54:00:12:34:567", a), -EINVAL);
	assert_int_equal(net_parse_mac("52-54-00-12-34-56", a), -EINVAL);
	assert_int_equal(net_parse_mac(" 2:54:00:12:34:56", a), -EINVAL);
	assert_int_equal(net_parse_mac("0x:54:00:12:34:56", a), -EINVAL);
}

/* ---- frames both ways ------------------------------------------------------ */

static void run_frames(uint64_t want, uint16_t mtu, uint32_t rx_buf, unsigned int frames,
		       unsigned int *max_nbufs)
{
	struct net_opts o = opts_1500;
	struct dm_fixture fx;
	struct nguest g;
	struct nstream s;
	uint64_t t0;

	o.mtu = mtu;
	assert_int_equal(fx_init(&fx), 0);
	assert_non_null(fx_net(&fx, &o));
	assert_int_equal(fx_start(&fx), 0);
	nguest_up(&fx, &g, 0, want, rx_buf, TFE_NET_BUFS);
	nstream_init(&s, &g, fx.peer[0], frames, (size_t)mtu + ETH_HLEN);
	t0 = now_ms();
	assert_int_equal(nstreams_run(&fx.link, &s, 1), 0);
	/* information only (ASan build, shared machine): speed is not asserted */
	print_message("# mtu %u, %u-byte RX buffers: %u frames each way, up to %u buffers a "
		      "frame, %llu ms\n",
		      mtu, rx_buf, frames, s.max_nbufs, (unsigned long long)(now_ms() - t0));
	*max_nbufs = s.max_nbufs;
	fx_stop(&fx);
	assert_int_equal(fx.net[0]->c.tx_packets, frames);
	assert_int_equal(fx.net[0]->c.rx_packets, frames);
	assert_int_equal(fx.net[0]->c.tx_dropped + fx.net[0]->c.rx_dropped, 0);
	nstream_fini(&s);
	fx_fini(&fx);
	tfe_mem_fini(&g.mem);
}

/* Linux's mergeable buffers (MTU 1500: one buffer a frame), 3000 each way. */
static void test_frames_both_ways(void **state)
{
	unsigned int nbufs;

	(void)state;
	run_frames(FEATURES, 1500, 1536, 3000, &nbufs);
	assert_int_equal(nbufs, 1);
}

/* MRG_RXBUF: 9000-byte MTU frames spread over 1 KiB buffers. */
static void test_mrg_spanning(void **state)
{
	unsigned int nbufs;
	unsigned int seq, most = 0;

	(void)state;
	for (seq = 0; seq < 500; seq++) {
		unsigned int b = (unsigned int)(12 + frame_len(seq, 9014) + 1023) / 1024;

		most = b > most ? b : most;
	}
	run_frames(FEATURES, 9000, 1024, 500, &nbufs);
	assert_int_equal(nbufs, most);
	assert_true(nbufs >= 8);
}

/* Without MRG_RXBUF every frame is in one buffer, num_buffers = 1. */
static void test_without_mrg(void **state)
{
	unsigned int nbufs;

	(void)state;
	run_frames(NO_MRG, 1500, 12 + 1518, 1000, &nbufs);
	assert_int_equal(nbufs, 1);
}

/* Two devices in one model, each with its own wire. */
static void test_two_devices(void **state)
{
	struct net_opts o[2] = { opts_1500, opts_1500 };
	struct dm_fixture fx;
	struct nguest g[2];
	struct nstream s[2];
	unsigned int i;

	(void)state;
	o[1].mac[5] = 0x57;
	assert_int_equal(fx_init(&fx), 0);
	for (i = 0; i < 2; i++)
		assert_non_null(fx_net(&fx, &o[i]));
	assert_int_equal(fx_start(&fx), 0);
	for (i = 0; i < 2; i++) {
		nguest_up(&fx, &g[i], i, FEATURES, 1536, TFE_NET_BUFS);
		nstream_init(&s[i], &g[i], fx.peer[i], 1000, 1514);
	}
	assert_int_equal(nstreams_run(&fx.link, s, 2), 0);
	fx_fini(&fx);
	for (i = 0; i < 2; i++) {
		nstream_fini(&s[i]);
		tfe_mem_fini(&g[i].mem);
	}
}

/* ---- back-pressure ------------------------------------------------------------ */

/* Bytes waiting in the model's end of the wire. */
static int queued_for_model(struct dm_fixture *fx)
{
	int n = -1;

	assert_int_equal(ioctl(fx->nd[0]->fd, SIOCINQ, &n), 0);
	return n;
}

/* No guest buffers: nothing is read from the backend, nothing is lost. */
static void test_rx_backpressure(void **state)
{
	struct dm_fixture fx;
	struct nguest g;
	struct nstream s;
	unsigned int i;

	(void)state;
	assert_int_equal(fx_init(&fx), 0);
	assert_non_null(fx_net(&fx, &opts_1500));
	assert_int_equal(fx_start(&fx), 0);
	nguest_up(&fx, &g, 0, FEATURES, 1536, 0);
	nstream_init(&s, &g, fx.peer[0], 40, 1514);
	for (i = 0; i < 40; i++)
		nstream_wire(&s, POLLOUT);
	assert_int_equal(s.wire_sent, 40);
	/* register round trips: the model's loop has run many turns since */
	for (i = 0; i < 50; i++)
		tfe_status(&g.dev);
	assert_int_equal(tfe_vq_get(g.net.rx, &(uint32_t){ 0 }), NULL);
	i = 0;
	for (unsigned int k = 0; k < 40; k++)
		i += (unsigned int)frame_len(k, 1514);
	assert_int_equal(queued_for_model(&fx), i);
	/* buffers come: every frame arrives, in order */
	tfe_net_post_rx(&g.net, TFE_NET_BUFS);
	assert_int_equal(nstreams_run(&fx.link, &s, 1), 0);
	fx_stop(&fx);
	assert_int_equal(fx.net[0]->c.rx_packets, 40);
	assert_int_equal(fx.net[0]->c.rx_dropped, 0);
	nstream_fini(&s);
	fx_fini(&fx);
	tfe_mem_fini(&g.mem);
}

/* A wire that does not read: TX stalls, nothing is dropped, all follows later. */
static void test_tx_backpressure(void **state)
{
	struct dm_fixture fx;
	struct nguest g;
	struct nstream s;
	unsigned int i, stuck = 0, last = 0;

	(void)state;
	assert_int_equal(fx_init(&fx), 0);
	assert_non_null(fx_net(&fx, &opts_1500));
	assert_int_equal(fx_start(&fx), 0);
	nguest_up(&fx, &g, 0, FEATURES, 1536, TFE_NET_BUFS);
	nstream_init(&s, &g, fx.peer[0], 2000, 1514);
	s.wire_sent = s.frames; /* this test is about one direction */
	s.guest_got = s.frames;
	s.wire_reads = false;
	/* until the guest's ring stays full: the backend took what it could */
	for (i = 0; i < 2000 && stuck < 20; i++) {
		nstream_guest(&s);
		tfe_link_poll(&fx.link, 5);
		tfe_ack_irq(&g.dev);
		stuck = s.guest_sent == last ? stuck + 1 : 0;
		last = s.guest_sent;
	}
	assert_true(stuck >= 20);
	assert_true(s.guest_sent < s.frames);
	print_message("# TX stalled after %u frames\n", s.guest_sent);
	s.wire_reads = true;
	assert_int_equal(nstreams_run(&fx.link, &s, 1), 0);
	fx_stop(&fx);
	assert_int_equal(fx.net[0]->c.tx_packets, s.frames);
	assert_int_equal(fx.net[0]->c.tx_dropped, 0);
	assert_int_equal(fx.nd[0]->tx_lost, 0);
	nstream_fini(&s);
	fx_fini(&fx);
	tfe_mem_fini(&g.mem);
}

/* ---- direct mode: restart and budgets ------------------------------------ */

struct dnet {
	struct event_loop loop;
	struct netdev *nd;
	int peer;
	struct virtio_net *n;
	struct net_opts o;
	struct tfe_mem mem;
	struct dm_window win;
	struct nguest g;
	unsigned long irqs;
};

static void d_irq(void *opaque)
{
	(*(unsigned long *)opaque)++;
}

static const struct mmio_host_ops d_ops = { .irq_raise = d_irq };

static void d_attach(struct dnet *d)
{
	d->n = net_new(&d->o, d->nd);
	assert_non_null(d->n);
	mmio_attach(net_mmio(d->n), &d->win, &d_ops, &d->irqs);
}

/* A device in direct mode on a socket netdev, or on tap @ifname. */
static void d_setup_on(struct dnet *d, const char *ifname, uint32_t rx_buf, unsigned int rx_bufs)
{
	struct netdev_opts no = { .backend = "socket", .id = "dnd", .fd = -1 };
	char err[128];
	int sv[2] = { -1, -1 };

	memset(d, 0, sizeof(*d));
	d->o = opts_1500;
	assert_int_equal(el_init(&d->loop), 0);
	if (ifname) {
		snprintf(no.backend, sizeof(no.backend), "tap");
		snprintf(no.ifname, sizeof(no.ifname), "%s", ifname);
	} else {
		assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
		no.fd = sv[0];
	}
	d->peer = sv[1];
	d->nd = netdev_new(&d->loop, &no, err, sizeof(err));
	if (!d->nd)
		fail_msg("%s", err);
	assert_int_equal(tfe_mem_init(&d->g.mem, GUEST_BASE, 4ULL << 20), 0);
	window_init(&d->win, GUEST_BASE, 4ULL << 20, d->g.mem.map);
	d_attach(d);
	tfe_dev_init(&d->g.dev, NULL, 0, net_mmio(d->n), &d->g.mem);
	assert_int_equal(tfe_probe(&d->g.dev, FEATURES), 0);
	assert_int_equal(tfe_vq_setup(&d->g.dev, 0, QSIZE), 0);
	assert_int_equal(tfe_vq_setup(&d->g.dev, 1, NET_QUEUE_SIZE), 0);
	tfe_driver_ok(&d->g.dev);
	assert_int_equal(tfe_net_init(&d->g.net, &d->g.dev, rx_buf, rx_bufs, 12 + 1518), 0);
}

static void d_setup(struct dnet *d, uint32_t rx_buf, unsigned int rx_bufs)
{
	d_setup_on(d, NULL, rx_buf, rx_bufs);
}

static void d_teardown(struct dnet *d)
{
	net_free(d->n);
	netdev_free(d->nd);
	if (d->peer >= 0)
		close(d->peer);
	el_fini(&d->loop);
	tfe_mem_fini(&d->g.mem);
}

/* The model is killed and a new one takes over from the saved state. */
static void d_restart(struct dnet *d)
{
	uint8_t st[BH_RIO_STATE_SIZE];
	size_t len = mmio_state_save(net_mmio(d->n), st, sizeof(st));

	assert_true(len > 0);
	net_free(d->n);
	d_attach(d);
	assert_int_equal(mmio_state_load(net_mmio(d->n), st, len), 0);
	d->g.dev.direct = net_mmio(d->n);
}

/*
 * Restart mid-stream, three times, while the wire is full (a TX frame is
 * held, not sent) and receive buffers are popped: every frame arrives once,
 * in order, both ways.
 */
static void test_restart_mid_stream(void **state)
{
	const unsigned int frames = 1200;
	struct dnet d;
	struct nstream s;
	unsigned int restarts = 0, turns = 0;

	(void)state;
	d_setup(&d, 1536, TFE_NET_BUFS);
	nstream_init(&s, &d.g, d.peer, frames, 1514);
	while (!nstream_done(&s) && turns++ < 100000) {
		struct pollfd p = { .fd = d.peer, .events = POLLIN | POLLOUT };

		nstream_guest(&s);
		el_run_once(&d.loop, 0);
		poll(&p, 1, 0);
		/* the wire stops reading around each restart point */
		s.wire_reads = !(restarts < 3 && s.guest_sent > (restarts + 1) * frames / 4);
		nstream_wire(&s, p.revents);
		if (!s.wire_reads && d.n->tx_blocked) {
			d_restart(&d);
			restarts++;
		}
		assert_int_equal(s.mismatches, 0);
	}
	assert_int_equal(restarts, 3);
	assert_true(nstream_done(&s));
	assert_int_equal(s.wire_got, frames);
	assert_int_equal(d.n->c.tx_dropped + d.n->c.rx_dropped, 0);
	/* the counters went on across the restarts */
	assert_int_equal(d.n->c.tx_packets, frames);
	assert_int_equal(d.n->c.rx_packets, frames);
	nstream_fini(&s);
	d_teardown(&d);
}

/* A restarted model with another MAC does not take over the device. */
static void test_restore_refuses_other_mac(void **state)
{
	uint8_t st[BH_RIO_STATE_SIZE];
	struct dnet d;
	size_t len;

	(void)state;
	d_setup(&d, 1536, 8);
	len = mmio_state_save(net_mmio(d.n), st, sizeof(st));
	net_free(d.n);
	d.o.mac[5] ^= 0x10;
	d_attach(&d);
	assert_int_equal(mmio_state_load(net_mmio(d.n), st, len), -EINVAL);
	assert_false(mmio_live(net_mmio(d.n)));
	d_teardown(&d);
}

/* Frames waiting at the wire's end (for the budget test: drain them). */
static unsigned int d_drain_wire(struct dnet *d)
{
	uint8_t buf[2048];
	unsigned int n = 0;

	while (recv(d->peer, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

/*
 * Fairness: a full transmit ring of legal frames, all the same chain
 * offered over and over.  One QueueNotify sends NET_TX_BUDGET_BUFS
 * buffers' worth and defers the rest; a flood of notifies adds nothing;
 * meanwhile another device is served; later turns finish the ring.
 */
/*
 * A queue reset (QueueReady = 0) while the device holds a transmit chain
 * (the wire full): the chain belonged to the old ring.  Once the wire
 * drains, nothing of it may go out or land in the ring set up afterwards.
 */
static void test_queue_reset_drops_held_chain(void **state)
{
	int small = 4096;
	uint8_t frame[1514], *buf;
	struct tfe_vq *vq;
	unsigned int i, sent;
	struct dnet d;
	uint64_t gpa;

	(void)state;
	d_setup(&d, 1536, 8);
	assert_int_equal(setsockopt(d.nd->fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	make_frame(frame, 0, sizeof(frame), 5);
	for (i = 0; i < 200 && !d.n->tx_blocked; i++) {
		tfe_net_reap_tx(&d.g.net);
		if (!tfe_net_send(&d.g.net, frame, sizeof(frame)))
			tfe_vq_kick(d.g.net.tx);
	}
	assert_true(d.n->tx_blocked && d.n->tx_held);
	sent = (unsigned int)d.n->c.tx_packets;
	/* the driver resets the transmit queue and sets up a new ring */
	tfe_write32(&d.g.dev, VIRTIO_MMIO_QUEUE_SEL, NET_TXQ);
	tfe_write32(&d.g.dev, VIRTIO_MMIO_QUEUE_READY, 0);
	assert_false(d.n->tx_held);
	assert_int_equal(tfe_vq_setup(&d.g.dev, NET_TXQ, NET_QUEUE_SIZE), 0);
	/* the wire drains: the old chain is not sent, nor used in the new ring */
	assert_int_equal(d_drain_wire(&d), sent);
	el_run_once(&d.loop, 0);
	vq = &d.g.dev.vqs[NET_TXQ];
	assert_int_equal(vq->used->idx, 0);
	assert_int_equal(d_drain_wire(&d), 0);
	assert_int_equal(d.n->c.tx_packets, sent);
	/* the new ring carries a frame */
	gpa = tfe_alloc(&d.g.mem, 12 + 64, 64);
	buf = tfe_ptr(&d.g.mem, gpa);
	memset(buf, 0, 12);
	make_frame(buf + 12, 1, 64, 5);
	tfe_desc_set(&vq->desc[0], gpa, 12 + 64, 0, 0);
	tfe_vq_publish(vq, 0, 1);
	assert_int_equal(vq->used->idx, 1);
	assert_int_equal(d_drain_wire(&d), 1);
	assert_false(tfe_status(&d.g.dev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	d_teardown(&d);
}

/*
 * tx_packets counts frames the netdev sent: after the wire's peer leaves,
 * frames are lost (the netdev's tx_lost), their chains still returned.
 */
static void test_tx_lost_not_counted_sent(void **state)
{
	uint8_t frame[64];
	struct dnet d;
	unsigned int i;

	(void)state;
	d_setup(&d, 1536, 8);
	make_frame(frame, 0, sizeof(frame), 3);
	assert_int_equal(tfe_net_send(&d.g.net, frame, sizeof(frame)), 0);
	tfe_vq_kick(d.g.net.tx);
	assert_int_equal(d_drain_wire(&d), 1);
	assert_int_equal(d.n->c.tx_packets, 1);
	close(d.peer);
	d.peer = -1;
	for (i = 0; i < 3; i++) {
		assert_int_equal(tfe_net_send(&d.g.net, frame, sizeof(frame)), 0);
		tfe_vq_kick(d.g.net.tx);
		el_run_once(&d.loop, 0);
	}
	assert_int_equal(d.g.net.tx->used->idx, 4);
	assert_int_equal(d.nd->tx_lost, 3);
	assert_int_equal(d.n->c.tx_packets, 1);
	assert_int_equal(d.n->c.tx_bytes, sizeof(frame));
	assert_int_equal(d.n->c.tx_dropped, 0);
	d_teardown(&d);
}

static void test_tx_budget(void **state)
{
	struct dnet d, other;
	struct tfe_vq *vq;
	uint8_t frame[64];
	unsigned int i, got, turns = 0;

	(void)state;
	d_setup(&d, 1536, 8);
	d_setup(&other, 1536, 8);
	vq = d.g.net.tx;
	make_frame(frame, 0, sizeof(frame), 1);
	memset(tfe_ptr(&d.g.mem, d.g.net.tx_gpa[0]), 0, 12);
	memcpy(tfe_ptr(&d.g.mem, d.g.net.tx_gpa[0] + 12), frame, sizeof(frame));
	tfe_desc_set(&vq->desc[0], d.g.net.tx_gpa[0], 12, VRING_DESC_F_NEXT, 1);
	tfe_desc_set(&vq->desc[1], d.g.net.tx_gpa[0] + 12, sizeof(frame), 0, 0);
	tfe_vq_fill_avail(vq, 0);
	tfe_write32(&d.g.dev, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(vq->used->idx, NET_TX_BUDGET_BUFS / 2);
	assert_true(d.n->mmio.deferred & (1U << NET_TXQ));
	for (i = 0; i < 100; i++)
		tfe_write32(&d.g.dev, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(vq->used->idx, NET_TX_BUDGET_BUFS / 2);
	/* the other device's frame goes out in between */
	assert_int_equal(tfe_net_send(&other.g.net, frame, sizeof(frame)), 0);
	tfe_vq_kick(other.g.net.tx);
	assert_int_equal(d_drain_wire(&other), 1);
	got = d_drain_wire(&d);
	while (d.n->mmio.deferred && turns++ < 64) {
		mmio_resume(net_mmio(d.n));
		el_run_once(&d.loop, 0);
		got += d_drain_wire(&d);
	}
	assert_int_equal(vq->used->idx, NET_QUEUE_SIZE);
	assert_int_equal(got, NET_QUEUE_SIZE);
	assert_false(tfe_status(&d.g.dev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	d_teardown(&d);
	d_teardown(&other);
}

/*
 * A receive flood is taken NET_RX_BUDGET frames per wakeup, and no more
 * than the guest has buffers for: the rest waits in the backend.
 */
static void test_rx_budget(void **state)
{
	const unsigned int frames = 2 * TFE_NET_BUFS;
	struct dnet d;
	uint8_t frame[64], buf[2048];
	unsigned int i, got = 0, nbufs;

	(void)state;
	d_setup(&d, 1536, TFE_NET_BUFS);
	make_frame(frame, 0, sizeof(frame), 2);
	for (i = 0; i < frames; i++)
		assert_int_equal(send(d.peer, frame, sizeof(frame), MSG_DONTWAIT),
				 (ssize_t)sizeof(frame));
	el_run_once(&d.loop, 0);
	assert_int_equal(d.n->c.rx_packets, NET_RX_BUDGET);
	for (i = 0; i < 10; i++)
		el_run_once(&d.loop, 0);
	assert_int_equal(d.n->c.rx_packets, TFE_NET_BUFS);
	for (i = 0; i < 100 && got < frames; i++) {
		while (tfe_net_recv(&d.g.net, buf, sizeof(buf), &nbufs) == sizeof(frame))
			got++;
		el_run_once(&d.loop, 0);
	}
	assert_int_equal(got, frames);
	assert_int_equal(d.n->c.rx_dropped, 0);
	d_teardown(&d);
}

/* ---- the tap backend, in a network namespace of the test's own ----------- */

#define TAP_NAME  "bhtap0"
#define TAP_ETYPE 0x88b5 /* IEEE local experimental */

/* A packet socket on the tap's kernel side, for our EtherType only. */
static int tap_kernel_side(void)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(TAP_ETYPE) };
	struct ifreq ifr = { 0 };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(TAP_ETYPE));

	assert_true(fd >= 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), TAP_NAME);
	assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	assert_int_equal(ioctl(fd, SIOCGIFINDEX, &ifr), 0);
	sll.sll_ifindex = ifr.ifr_ifindex;
	assert_int_equal(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0);
	return fd;
}

static void tap_body(void)
{
	uint8_t frame[300], buf[2048];
	unsigned int i, nbufs;
	struct dnet d;
	long r = -EAGAIN;
	int k;

	d_setup_on(&d, TAP_NAME, 1536, TFE_NET_BUFS);
	k = tap_kernel_side();
	/* guest -> tap: the kernel receives the frame on the interface */
	make_frame(frame, 1, sizeof(frame), 5);
	memset(frame, 0xff, ETH_ALEN); /* broadcast */
	frame[12] = TAP_ETYPE >> 8;
	frame[13] = TAP_ETYPE & 0xff;
	assert_int_equal(tfe_net_send(&d.g.net, frame, sizeof(frame)), 0);
	tfe_vq_kick(d.g.net.tx);
	assert_int_equal(recv(k, buf, sizeof(buf), 0), (ssize_t)sizeof(frame));
	assert_memory_equal(buf, frame, sizeof(frame));
	/* kernel -> tap -> guest (the kernel's own IPv6 chatter may come too) */
	make_frame(frame, 2, sizeof(frame), 6);
	memcpy(frame, d.o.mac, ETH_ALEN);
	frame[12] = TAP_ETYPE >> 8;
	frame[13] = TAP_ETYPE & 0xff;
	assert_int_equal(send(k, frame, sizeof(frame), 0), (ssize_t)sizeof(frame));
	for (i = 0; i < 500; i++) {
		el_run_once(&d.loop, 10);
		r = tfe_net_recv(&d.g.net, buf, sizeof(buf), &nbufs);
		if (r == (long)sizeof(frame) && !memcmp(buf, frame, sizeof(frame)))
			break;
	}
	assert_int_equal(r, (long)sizeof(frame));
	assert_int_equal(d.n->c.rx_dropped + d.n->c.tx_dropped, 0);
	close(k);
	d_teardown(&d);
}

/*
 * The real backend: a tap interface the netdev creates (TUNSETIFF) in a
 * network namespace made for this test, frames both ways between the guest
 * and the kernel.  Needs root (CAP_NET_ADMIN) and /dev/net/tun: skipped
 * without them.
 */
static void test_tap_backend(void **state)
{
	int st;
	pid_t pid;

	(void)state;
	if (access("/dev/net/tun", R_OK | W_OK))
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		if (unshare(CLONE_NEWNET))
			_exit(77);
		tap_body();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_and_features),
		cmocka_unit_test(test_mac_helpers),
		cmocka_unit_test(test_frames_both_ways),
		cmocka_unit_test(test_mrg_spanning),
		cmocka_unit_test(test_without_mrg),
		cmocka_unit_test(test_two_devices),
		cmocka_unit_test(test_rx_backpressure),
		cmocka_unit_test(test_tx_backpressure),
		cmocka_unit_test(test_restart_mid_stream),
		cmocka_unit_test(test_restore_refuses_other_mac),
		cmocka_unit_test(test_queue_reset_drops_held_chain),
		cmocka_unit_test(test_tx_lost_not_counted_sent),
		cmocka_unit_test(test_tx_budget),
		cmocka_unit_test(test_rx_budget),
		cmocka_unit_test(test_tap_backend), /* last: its child runs on after a failure */
	};

	signal(SIGPIPE, SIG_IGN);
	dm_log_set_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
