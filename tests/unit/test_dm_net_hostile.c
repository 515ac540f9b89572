// SPDX-License-Identifier: MIT
/*
 * Hostile virtio-net driver (and backend) table: every case must end in
 * DEVICE_NEEDS_RESET, in a frame dropped and counted, or in an ignored
 * request with a log line; never in a crash, a hang or an access outside
 * the guest window (PROT_NONE guard pages on both sides, ASan+UBSan).  A
 * frame the device may send as it is goes out unchanged.  After each case
 * the device must recover through a reset and carry frames both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <linux/virtio_config.h>

#include "dm/net.h"
#include "dm/netdev.h"
#include "dm_test_frontend.h"

#define WIN_BASE 0x20000000ULL
#define WIN_SIZE (256ULL << 10)
#define GUARD	 (64ULL << 10)
#define QSIZE	 16
#define HDR	 12
#define FEATURES                                                                                   \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM) |                       \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |               \
	 (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_MTU) | \
	 (1ULL << VIRTIO_NET_F_MRG_RXBUF))
#define NO_MRG (FEATURES & ~(1ULL << VIRTIO_NET_F_MRG_RXBUF))
/* a tap's offer: every offload (the socket backend with vnet_hdr=on) */
#define OFFL	(FEATURES | NET_F_OFFLOADS)
#define NO_HECN (OFFL & ~(1ULL << VIRTIO_NET_F_HOST_ECN))
/*
 * RX cases post one 4 KiB buffer: with MRG_RXBUF and GUEST_TSO the device
 * waits for room for a 64 KiB frame before it reads one, so they go without.
 */
#define OFFL_RX	 (OFFL & ~(1ULL << VIRTIO_NET_F_MRG_RXBUF))
#define NO_GTSO4 (OFFL_RX & ~((1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_ECN)))

enum expect {
	RESET,	 /* DEVICE_NEEDS_RESET + configuration interrupt */
	DROPPED, /* the frame is dropped and counted, the device goes on */
	IGNORED, /* a log line, nothing else changes */
	SENT,	 /* legal after all: the frame goes out unchanged */
};

struct hctx {
	struct event_loop loop;
	struct netdev *nd;
	int peer;
	struct virtio_net *n;
	struct virtio_mmio *m;
	struct dm_window win;
	uint8_t *area;
	struct tfe_mem mem;
	struct tfe_dev dev;
	uint64_t buf, table; /* a 16 KiB data buffer, an indirect table */
	uint8_t frame[1514];
	unsigned long irqs;
	bool vnet;			   /* the backend carries a virtio_net_hdr_v1 */
	struct virtio_net_hdr_v1 wire_hdr; /* that of the last frame on the wire */
};

static void irq_cb(void *opaque)
{
	(*(unsigned long *)opaque)++;
}

static const struct mmio_host_ops h_host_ops = { .irq_raise = irq_cb };

static void h_probe(struct hctx *h, uint64_t want)
{
	h->mem.brk = 0;
	tfe_dev_init(&h->dev, NULL, 0, h->m, &h->mem);
	assert_int_equal(tfe_probe(&h->dev, want), 0);
	assert_int_equal(tfe_vq_setup(&h->dev, 0, QSIZE), 0);
	assert_int_equal(tfe_vq_setup(&h->dev, 1, QSIZE), 0);
	h->buf = tfe_alloc(&h->mem, 16384, 64);
	h->table = tfe_alloc(&h->mem, 16 * QSIZE, 16);
	tfe_driver_ok(&h->dev);
	assert_int_equal(tfe_status(&h->dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
}

static void h_setup(struct hctx *h, bool vnet)
{
	struct netdev_opts no = { .backend = "socket", .id = "hnd" };
	struct net_opts o = { .id = "hostile", .mtu = 1500, .access_platform = true };
	char err[128];
	int sv[2];

	memset(h, 0, sizeof(*h));
	h->vnet = vnet;
	no.vnet_hdr = vnet;
	assert_int_equal(el_init(&h->loop), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	no.fd = sv[0];
	h->peer = sv[1];
	h->nd = netdev_new(&h->loop, &no, err, sizeof(err));
	assert_non_null(h->nd);
	net_default_mac("hostile", o.mac);
	h->n = net_new(&o, h->nd);
	assert_non_null(h->n);
	h->m = net_mmio(h->n);
	h->area = mmap(NULL, WIN_SIZE + 2 * GUARD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(h->area != MAP_FAILED);
	assert_int_equal(mprotect(h->area + GUARD, WIN_SIZE, PROT_READ | PROT_WRITE), 0);
	h->mem.memfd = -1;
	h->mem.map = h->area + GUARD;
	h->mem.base = WIN_BASE;
	h->mem.size = WIN_SIZE;
	window_init(&h->win, WIN_BASE, WIN_SIZE, h->mem.map);
	mmio_attach(h->m, &h->win, &h_host_ops, &h->irqs);
	tfe_random(h->frame, sizeof(h->frame), 42);
}

static void h_teardown(struct hctx *h)
{
	net_free(h->n);
	netdev_free(h->nd);
	close(h->peer);
	el_fini(&h->loop);
	munmap(h->area, WIN_SIZE + 2 * GUARD);
}

static struct vring_desc *h_desc(struct hctx *h, unsigned int q)
{
	return h->dev.vqs[q].desc;
}

/* A zeroed header at h->buf, the test frame after it; returns its header. */
static struct virtio_net_hdr_v1 *h_packet(struct hctx *h, size_t len)
{
	struct virtio_net_hdr_v1 *hdr = tfe_ptr(&h->mem, h->buf);

	memset(hdr, 0, HDR);
	memcpy((uint8_t *)hdr + HDR, h->frame, len);
	return hdr;
}

/* One TX chain of header + @len frame bytes in one buffer. */
static void h_tx(struct hctx *h, size_t len)
{
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, (uint32_t)(HDR + len), 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

/*
 * The wire sends @len bytes of the test frame (behind @hdr on a vnet
 * backend, a zero one if NULL); the loop delivers it.
 */
static void h_wire_hdr(struct hctx *h, const struct virtio_net_hdr_v1 *hdr, size_t len)
{
	uint8_t big[2048 + HDR];
	size_t off = h->vnet ? HDR : 0;

	memset(big, 0x5a, sizeof(big));
	memset(big, 0, off);
	if (hdr)
		memcpy(big, hdr, HDR);
	memcpy(big + off, h->frame, len < sizeof(h->frame) ? len : sizeof(h->frame));
	assert_int_equal(send(h->peer, big, off + len, 0), (ssize_t)(off + len));
	el_run_once(&h->loop, 0);
}

static void h_wire(struct hctx *h, size_t len)
{
	h_wire_hdr(h, NULL, len);
}

/* Frames that reached the wire since the last call. */
static unsigned int h_wire_got(struct hctx *h, uint8_t *last, size_t *last_len)
{
	uint8_t buf[70000];
	unsigned int n = 0;
	ssize_t r;

	while ((r = recv(h->peer, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		size_t off = h->vnet ? HDR : 0;

		assert_true((size_t)r >= off);
		memcpy(&h->wire_hdr, buf, off);
		if (last) {
			memcpy(last, buf + off, (size_t)r - off < 2048 ? (size_t)r - off : 2048);
			*last_len = (size_t)r - off;
		}
		n++;
	}
	return n;
}

/* ---- TX cases -------------------------------------------------------------- */

static void c_tx_short(struct hctx *h)
{
	h_packet(h, 0);
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, 5, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_tx_empty(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, 0, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_tx_header_only(struct hctx *h)
{
	h_packet(h, 0);
	h_tx(h, 0);
}

static void c_tx_runt(struct hctx *h)
{
	h_packet(h, 10);
	h_tx(h, 10);
}

static void c_tx_above_mtu(struct hctx *h)
{
	h_packet(h, 1514);
	h_tx(h, 1500 + ETH_HLEN + NET_VLAN_HLEN + 1);
}

/* A legal indirect table of 16 x 4 KiB buffers: 64 KiB, far above the MTU. */
static void c_tx_indirect_oversize(struct hctx *h)
{
	struct vring_desc *t = tfe_ptr(&h->mem, h->table);
	unsigned int i;

	h_packet(h, 100);
	for (i = 0; i < QSIZE; i++)
		tfe_desc_set(&t[i], h->buf, 4096, i + 1 < QSIZE ? VRING_DESC_F_NEXT : 0,
			     (uint16_t)(i + 1));
	tfe_desc_set(&h_desc(h, 1)[0], h->table, 16 * QSIZE, VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_tx_needs_csum(struct hctx *h)
{
	struct virtio_net_hdr_v1 *hdr = h_packet(h, 100);

	hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	hdr->csum_start = 34;
	hdr->csum_offset = 6;
	h_tx(h, 100);
}

static void c_tx_gso(struct hctx *h)
{
	struct virtio_net_hdr_v1 *hdr = h_packet(h, 1514);

	hdr->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	hdr->gso_size = 1448;
	hdr->hdr_len = 54;
	h_tx(h, 1514);
}

/* num_buffers, hdr_len, csum fields and unknown flag bits: ignored (§5.1.6.2.2) */
static void c_tx_garbage_fields(struct hctx *h)
{
	struct virtio_net_hdr_v1 *hdr = h_packet(h, 100);

	hdr->flags = 0xf0;
	hdr->num_buffers = 0xffff;
	hdr->hdr_len = 0xffff;
	hdr->gso_size = 0xffff;
	hdr->csum_start = 0xffff;
	hdr->csum_offset = 0xffff;
	h_tx(h, 100);
}

/* §5.1.6.6: the header may be split anywhere; 1 + 1 + 10 bytes, then the frame */
static void c_tx_header_split(struct hctx *h)
{
	h_packet(h, 100);
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, 1, VRING_DESC_F_NEXT, 1);
	tfe_desc_set(&h_desc(h, 1)[1], h->buf + 1, 1, VRING_DESC_F_NEXT, 2);
	tfe_desc_set(&h_desc(h, 1)[2], h->buf + 2, 10, VRING_DESC_F_NEXT, 3);
	tfe_desc_set(&h_desc(h, 1)[3], h->buf + HDR, 100, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_tx_writable(struct hctx *h)
{
	h_packet(h, 100);
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, HDR + 100, VRING_DESC_F_WRITE, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_tx_read_after_write(struct hctx *h)
{
	h_packet(h, 100);
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, HDR, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	tfe_desc_set(&h_desc(h, 1)[1], h->buf + HDR, 100, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_tx_ind_nested(struct hctx *h)
{
	struct vring_desc *t = tfe_ptr(&h->mem, h->table);

	tfe_desc_set(&t[0], h->table, 32, VRING_DESC_F_INDIRECT, 0);
	tfe_desc_set(&h_desc(h, 1)[0], h->table, 32, VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_tx_ind_bad_len(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], h->table, 24, VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_tx_ind_loop(struct hctx *h)
{
	struct vring_desc *t = tfe_ptr(&h->mem, h->table);

	tfe_desc_set(&t[0], h->buf, HDR, VRING_DESC_F_NEXT, 1);
	tfe_desc_set(&t[1], h->buf, 100, VRING_DESC_F_NEXT, 0);
	tfe_desc_set(&h_desc(h, 1)[0], h->table, 32, VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_tx_head_oob(struct hctx *h)
{
	tfe_vq_publish(&h->dev.vqs[1], QSIZE, 1);
}

static void c_tx_avail_jump(struct hctx *h)
{
	h_packet(h, 100);
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, HDR + 100, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, QSIZE + 1);
}

static void c_tx_outside(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], WIN_BASE + WIN_SIZE - 50, 112, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_tx_chain_loop(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, HDR, VRING_DESC_F_NEXT, 1);
	tfe_desc_set(&h_desc(h, 1)[1], h->buf, 100, VRING_DESC_F_NEXT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

/* ---- TX offload headers (CSUM, HOST_TSO4/6 negotiated, vnet backend) ------- */

/* A TCP/IPv4-looking frame of @len (EtherType only: the tap checks the rest). */
static struct virtio_net_hdr_v1 *h_ipv4(struct hctx *h, size_t len)
{
	h->frame[12] = ETH_P_IP >> 8;
	h->frame[13] = ETH_P_IP & 0xff;
	return h_packet(h, len);
}

/* A legal TSO header for a @len-byte IPv4 frame: NEEDS_CSUM at the TCP checksum. */
static struct virtio_net_hdr_v1 *h_tso4(struct hctx *h, size_t len)
{
	struct virtio_net_hdr_v1 *hdr = h_ipv4(h, len);

	hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	hdr->csum_start = htole16(34);
	hdr->csum_offset = htole16(16);
	hdr->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	hdr->gso_size = htole16(1448);
	hdr->hdr_len = htole16(54);
	return hdr;
}

static void c_tx_csum_ok(struct hctx *h)
{
	struct virtio_net_hdr_v1 *hdr = h_packet(h, 100);

	hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM | 0xf0; /* unknown bits: ignored */
	hdr->csum_start = htole16(34);
	hdr->csum_offset = htole16(6);
	h_tx(h, 100);
}

static void c_tx_tso_ok(struct hctx *h)
{
	h_tso4(h, 100);
	h_tx(h, 100);
}

static void c_tx_data_valid(struct hctx *h)
{
	h_packet(h, 100)->flags = VIRTIO_NET_HDR_F_DATA_VALID;
	h_tx(h, 100);
}

static void c_tx_csum_start_eth(struct hctx *h)
{
	h_tso4(h, 100)->csum_start = htole16(ETH_HLEN - 1);
	h_tx(h, 100);
}

static void c_tx_csum_start_past(struct hctx *h)
{
	h_tso4(h, 100)->csum_start = htole16(99);
	h_tx(h, 100);
}

static void c_tx_csum_offset_past(struct hctx *h)
{
	h_tso4(h, 100)->csum_offset = htole16(0xffff);
	h_tx(h, 100);
}

static void c_tx_gso_udp(struct hctx *h)
{
	h_tso4(h, 100)->gso_type = VIRTIO_NET_HDR_GSO_UDP;
	h_tx(h, 100);
}

static void c_tx_gso_ecn(struct hctx *h)
{
	h_tso4(h, 100)->gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
	h_tx(h, 100);
}

static void c_tx_gso_no_csum(struct hctx *h)
{
	h_tso4(h, 100)->flags = 0;
	h_tx(h, 100);
}

static void c_tx_gso_wrong_ethertype(struct hctx *h)
{
	h_tso4(h, 100)->gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	h_tx(h, 100);
}

static void c_tx_gso_size_zero(struct hctx *h)
{
	h_tso4(h, 100)->gso_size = 0;
	h_tx(h, 100);
}

static void c_tx_gso_size_above_mtu(struct hctx *h)
{
	h_tso4(h, 100)->gso_size = htole16(1501);
	h_tx(h, 100);
}

static void c_tx_hdr_len_past(struct hctx *h)
{
	h_tso4(h, 100)->hdr_len = htole16(101);
	h_tx(h, 100);
}

/* 9000 bytes without GSO: segmentation was negotiated, but not asked for */
static void c_tx_big_without_gso(struct hctx *h)
{
	h_ipv4(h, 100);
	h_tx(h, 9000);
}

/* ---- RX headers from the backend (hostile too) ----------------------------- */

static void h_rx_buf(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 0)[0], h->buf, 4096, VRING_DESC_F_WRITE, 0);
	tfe_vq_publish(&h->dev.vqs[0], 0, 1);
}

static void c_rx_csum_not_negotiated(struct hctx *h)
{
	struct virtio_net_hdr_v1 hdr = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
					 .csum_start = htole16(34),
					 .csum_offset = htole16(16) };

	h_rx_buf(h);
	h_wire_hdr(h, &hdr, 100);
}

static void c_rx_gso_not_negotiated(struct hctx *h)
{
	struct virtio_net_hdr_v1 hdr = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
					 .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
					 .gso_size = htole16(1448),
					 .csum_start = htole16(34),
					 .csum_offset = htole16(16) };

	h->frame[12] = ETH_P_IP >> 8;
	h->frame[13] = ETH_P_IP & 0xff;
	h_rx_buf(h);
	h_wire_hdr(h, &hdr, 100);
}

static void c_rx_csum_offset_past(struct hctx *h)
{
	struct virtio_net_hdr_v1 hdr = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
					 .csum_start = htole16(34),
					 .csum_offset = htole16(200) };

	h_rx_buf(h);
	h_wire_hdr(h, &hdr, 100);
}

static void c_rx_rsc_info(struct hctx *h)
{
	struct virtio_net_hdr_v1 hdr = { .flags = VIRTIO_NET_HDR_F_RSC_INFO };

	h_rx_buf(h);
	h_wire_hdr(h, &hdr, 100);
}

static void c_rx_shorter_than_vnet_hdr(struct hctx *h)
{
	h_rx_buf(h);
	assert_int_equal(send(h->peer, h->frame, HDR - 1, 0), HDR - 1);
	el_run_once(&h->loop, 0);
}

/* ---- RX cases: buffers are looked at when a frame is waiting ------------ */

static void c_rx_readable(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 0)[0], h->buf, 2048, 0, 0);
	tfe_vq_publish(&h->dev.vqs[0], 0, 1);
	h_wire(h, 100);
}

static void c_rx_shorter_than_header(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 0)[0], h->buf, HDR - 1, VRING_DESC_F_WRITE, 0);
	tfe_vq_publish(&h->dev.vqs[0], 0, 1);
	h_wire(h, 100);
}

static void c_rx_read_after_write(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 0)[0], h->buf, 1024, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	tfe_desc_set(&h_desc(h, 0)[1], h->buf + 1024, 1024, 0, 0);
	tfe_vq_publish(&h->dev.vqs[0], 0, 1);
	h_wire(h, 100);
}

static void c_rx_outside(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 0)[0], WIN_BASE + WIN_SIZE - 100, 2048, VRING_DESC_F_WRITE, 0);
	tfe_vq_publish(&h->dev.vqs[0], 0, 1);
	h_wire(h, 100);
}

/* Without MRG_RXBUF one buffer must hold the frame: this one is too small. */
static void c_rx_too_small_no_mrg(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 0)[0], h->buf, HDR + 50, VRING_DESC_F_WRITE, 0);
	tfe_vq_publish(&h->dev.vqs[0], 0, 1);
	h_wire(h, 100);
}

/*
 * num_buffers games: the whole ring of header-sized buffers (legal with
 * MRG_RXBUF) cannot hold a 1000-byte frame: it is dropped, not spread over
 * more buffers than the ring has, and the device does not wait for ever.
 */
static void c_rx_header_sized_buffers(struct hctx *h)
{
	struct tfe_vq *vq = &h->dev.vqs[0];
	unsigned int i;

	for (i = 0; i < QSIZE; i++) {
		tfe_desc_set(&h_desc(h, 0)[i], h->buf + 64 * i, HDR, VRING_DESC_F_WRITE, 0);
		vq->avail->ring[i] = (uint16_t)i;
	}
	vq->avail_idx = QSIZE;
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	h_wire(h, 1000);
}

/* The backend is hostile too: a frame above the MTU, and a runt. */
static void c_rx_backend_above_mtu(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 0)[0], h->buf, 4096, VRING_DESC_F_WRITE, 0);
	tfe_vq_publish(&h->dev.vqs[0], 0, 1);
	h_wire(h, 1500 + ETH_HLEN + NET_VLAN_HLEN + 1);
}

static void c_rx_backend_runt(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 0)[0], h->buf, 4096, VRING_DESC_F_WRITE, 0);
	tfe_vq_publish(&h->dev.vqs[0], 0, 1);
	h_wire(h, 5);
}

/* ---- registers and config ------------------------------------------------ */

static void c_notify_bad_queue(struct hctx *h)
{
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_NOTIFY, 2); /* no control queue */
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_NOTIFY, 99);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffffU);
}

static void c_ctrl_queue_sel(struct hctx *h)
{
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_SEL, 2);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_NUM, 16);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_QUEUE_READY), 0);
}

static void c_config_write_mac(struct hctx *h)
{
	uint8_t before = h->n->config.mac[0];

	tfe_write(&h->dev, VIRTIO_MMIO_CONFIG, 1, 0x01);
	tfe_write32(&h->dev, VIRTIO_MMIO_CONFIG + 4, 0xffffffffU);
	assert_int_equal(tfe_read(&h->dev, VIRTIO_MMIO_CONFIG, 1), before);
}

static void c_config_read_past(struct hctx *h)
{
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_CONFIG + 12), 0);
	assert_int_equal(tfe_read(&h->dev, VIRTIO_MMIO_CONFIG + 11, 2), 0);
}

struct hcase {
	const char *name;
	void (*run)(struct hctx *h);
	enum expect expect;
	uint64_t features;
	bool vnet; /* on a backend with a vnet header */
};

static const struct hcase cases[] = {
	{ "TX chain shorter than the header", c_tx_short, DROPPED, FEATURES, false },
	{ "TX chain of zero length", c_tx_empty, DROPPED, FEATURES, false },
	{ "TX header without a frame", c_tx_header_only, DROPPED, FEATURES, false },
	{ "TX runt frame (10 bytes)", c_tx_runt, DROPPED, FEATURES, false },
	{ "TX frame one byte above MTU + headers", c_tx_above_mtu, DROPPED, FEATURES, false },
	{ "TX indirect table of 64 KiB", c_tx_indirect_oversize, DROPPED, FEATURES, false },
	{ "TX NEEDS_CSUM without CSUM", c_tx_needs_csum, DROPPED, FEATURES, false },
	{ "TX GSO without HOST_TSO4", c_tx_gso, DROPPED, FEATURES, false },
	{ "TX garbage in fields it does not use", c_tx_garbage_fields, SENT, FEATURES, false },
	{ "TX header split over three buffers", c_tx_header_split, SENT, FEATURES, false },
	{ "TX buffer device-writable", c_tx_writable, RESET, FEATURES, false },
	{ "TX readable after writable", c_tx_read_after_write, RESET, FEATURES, false },
	{ "TX nested indirect table", c_tx_ind_nested, RESET, FEATURES, false },
	{ "TX indirect length not a multiple of 16", c_tx_ind_bad_len, RESET, FEATURES, false },
	{ "TX loop inside an indirect table", c_tx_ind_loop, RESET, FEATURES, false },
	{ "TX head index >= size", c_tx_head_oob, RESET, FEATURES, false },
	{ "TX avail index jumps past the size", c_tx_avail_jump, RESET, FEATURES, false },
	{ "TX buffer past the window", c_tx_outside, RESET, FEATURES, false },
	{ "TX chain loop", c_tx_chain_loop, RESET, FEATURES, false },
	{ "RX buffer device-readable", c_rx_readable, RESET, FEATURES, false },
	{ "RX buffer shorter than the header", c_rx_shorter_than_header, RESET, FEATURES, false },
	{ "RX readable after writable", c_rx_read_after_write, RESET, FEATURES, false },
	{ "RX buffer past the window", c_rx_outside, RESET, FEATURES, false },
	{ "RX buffer too small without MRG_RXBUF", c_rx_too_small_no_mrg, DROPPED, NO_MRG, false },
	{ "RX ring of header-sized buffers", c_rx_header_sized_buffers, DROPPED, FEATURES, false },
	{ "RX frame above the MTU from the backend", c_rx_backend_above_mtu, DROPPED, FEATURES,
	  false },
	{ "RX runt from the backend", c_rx_backend_runt, DROPPED, FEATURES, false },
	{ "TX NEEDS_CSUM in bounds, unknown flags", c_tx_csum_ok, SENT, OFFL, true },
	{ "TX TSO4 header in bounds", c_tx_tso_ok, SENT, OFFL, true },
	{ "TX flags DATA_VALID from the driver", c_tx_data_valid, DROPPED, OFFL, true },
	{ "TX NEEDS_CSUM without CSUM (vnet backend)", c_tx_needs_csum, DROPPED, FEATURES, true },
	{ "TX GSO without HOST_TSO4 (vnet backend)", c_tx_gso, DROPPED, FEATURES, true },
	{ "TX csum_start in the Ethernet header", c_tx_csum_start_eth, DROPPED, OFFL, true },
	{ "TX csum_start past the frame", c_tx_csum_start_past, DROPPED, OFFL, true },
	{ "TX csum_offset past the frame", c_tx_csum_offset_past, DROPPED, OFFL, true },
	{ "TX gso_type UDP (UFO not offered)", c_tx_gso_udp, DROPPED, OFFL, true },
	{ "TX gso_type ECN without HOST_ECN", c_tx_gso_ecn, DROPPED, NO_HECN, true },
	{ "TX GSO without NEEDS_CSUM", c_tx_gso_no_csum, DROPPED, OFFL, true },
	{ "TX gso_type TCPV6 on an IPv4 frame", c_tx_gso_wrong_ethertype, DROPPED, OFFL, true },
	{ "TX gso_size 0", c_tx_gso_size_zero, DROPPED, OFFL, true },
	{ "TX gso_size above the MTU", c_tx_gso_size_above_mtu, DROPPED, OFFL, true },
	{ "TX hdr_len past the frame", c_tx_hdr_len_past, DROPPED, OFFL, true },
	{ "TX 9000-byte frame without GSO", c_tx_big_without_gso, DROPPED, OFFL, true },
	{ "RX NEEDS_CSUM without GUEST_CSUM", c_rx_csum_not_negotiated, DROPPED, FEATURES, true },
	{ "RX gso_type TCPV4 without GUEST_TSO4", c_rx_gso_not_negotiated, DROPPED, NO_GTSO4,
	  true },
	{ "RX csum_offset past the frame", c_rx_csum_offset_past, DROPPED, OFFL_RX, true },
	{ "RX flags RSC_INFO from the backend", c_rx_rsc_info, DROPPED, OFFL_RX, true },
	{ "RX message shorter than the vnet header", c_rx_shorter_than_vnet_hdr, DROPPED, OFFL_RX,
	  true },
	{ "notify of queues that do not exist", c_notify_bad_queue, IGNORED, FEATURES, false },
	{ "control queue selected (not offered)", c_ctrl_queue_sel, IGNORED, FEATURES, false },
	{ "config write to the MAC", c_config_write_mac, IGNORED, FEATURES, false },
	{ "config read past the offered fields", c_config_read_past, IGNORED, FEATURES, false },
};

static uint64_t h_dropped(struct hctx *h)
{
	return h->n->c.tx_dropped + h->n->c.rx_dropped;
}

/* After any case: reset, probe again, a frame each way. */
static void h_check_recovery(struct hctx *h)
{
	uint8_t got[2048];
	size_t got_len = 0;
	struct tfe_buf b;
	unsigned int i;
	uint32_t len;
	void *c;

	tfe_write32(&h->dev, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(tfe_status(&h->dev), 0);
	h_wire_got(h, NULL, NULL);
	h_probe(h, FEATURES);
	h_packet(h, 200);
	b = (struct tfe_buf){ h->buf, HDR + 200 };
	assert_true(tfe_vq_add(&h->dev.vqs[1], &b, 1, NULL, 0, h, false) >= 0);
	tfe_vq_kick(&h->dev.vqs[1]);
	assert_ptr_equal(tfe_vq_get(&h->dev.vqs[1], &len), h);
	assert_int_equal(h_wire_got(h, got, &got_len), 1);
	assert_int_equal(got_len, 200);
	assert_memory_equal(got, h->frame, 200);
	/* a frame the case left queued in the backend may come first: it is not lost */
	for (i = 0; i < 2; i++) {
		b = (struct tfe_buf){ h->buf + 4096 * (i + 1), 2048 };
		assert_true(tfe_vq_add(&h->dev.vqs[0], NULL, 0, &b, 1, (void *)(uintptr_t)(i + 1),
				       false) >= 0);
	}
	tfe_vq_kick(&h->dev.vqs[0]);
	h_wire(h, 300);
	while ((c = tfe_vq_get(&h->dev.vqs[0], &len)) && len != HDR + 300)
		;
	assert_non_null(c);
	assert_memory_equal((uint8_t *)tfe_ptr(&h->mem, h->buf + 4096 * (uintptr_t)c) + HDR,
			    h->frame, 300);
	assert_int_equal(tfe_status(&h->dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
}

static const char *const outcome[] = { "DEVICE_NEEDS_RESET", "dropped, counted", "ignored",
				       "sent as it is" };

static void check_case(const struct hcase *c)
{
	unsigned long before, irqs;
	uint64_t dropped;
	uint8_t got[2048];
	size_t got_len = 0;
	unsigned int sent;
	struct hctx h;
	uint32_t st;

	h_setup(&h, c->vnet);
	h_probe(&h, c->features);
	before = h.m->rl.total;
	irqs = h.irqs;
	dropped = h_dropped(&h);
	c->run(&h);
	st = tfe_status(&h.dev);
	sent = h_wire_got(&h, got, &got_len);
	print_message("# %-44s -> %s\n", c->name,
		      st & VIRTIO_CONFIG_S_NEEDS_RESET ? outcome[RESET]
		      : h_dropped(&h) > dropped	       ? outcome[DROPPED]
		      : sent			       ? outcome[SENT]
						       : outcome[IGNORED]);
	switch (c->expect) {
	case RESET:
		assert_true(st & VIRTIO_CONFIG_S_NEEDS_RESET);
		/* §2.1.2: the driver learns it by a configuration interrupt */
		assert_true(h.irqs > irqs);
		assert_true(tfe_read32(&h.dev, VIRTIO_MMIO_INTERRUPT_STATUS) &
			    VIRTIO_MMIO_INT_CONFIG);
		break;
	case DROPPED:
		assert_false(st & VIRTIO_CONFIG_S_NEEDS_RESET);
		assert_int_equal(h_dropped(&h), dropped + 1);
		assert_int_equal(sent, 0);
		break;
	case IGNORED:
		assert_false(st & VIRTIO_CONFIG_S_NEEDS_RESET);
		assert_int_equal(h_dropped(&h), dropped);
		break;
	case SENT:
		assert_false(st & VIRTIO_CONFIG_S_NEEDS_RESET);
		assert_int_equal(sent, 1);
		assert_int_equal(got_len, 100);
		assert_memory_equal(got, h.frame, 100);
		break;
	}
	/* every outcome but a legal frame leaves a (rate-limited) log line */
	if (c->expect != SENT)
		assert_true(h.m->rl.total > before);
	h_check_recovery(&h);
	h_teardown(&h);
}

static void test_hostile_table(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

/* A dropped TX chain is still returned to the driver (it would leak otherwise). */
static void test_dropped_chain_returned(void **state)
{
	struct hctx h;

	(void)state;
	h_setup(&h, false);
	h_probe(&h, FEATURES);
	c_tx_runt(&h);
	assert_int_equal(h.dev.vqs[1].used->idx, 1);
	assert_int_equal(h.n->c.tx_dropped, 1);
	h_teardown(&h);
}

/*
 * Each bad header field is named in the reason that goes into the log line
 * (net_tx_drop()/net_rx_drop() print it as it is), both directions.
 */
static void test_hdr_check_names_field(void **state)
{
	static const struct net_offload all = { true, true, true, true, false, 1500 };
	static const struct net_offload none = { .mtu = 1500 };
	static const struct net_offload rx_all = { true, true, true, true, true, 1500 };
	static const struct {
		struct virtio_net_hdr_v1 h;
		size_t len;
		const struct net_offload *o;
		const char *field;
	} bad[] = {
		{ { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 34 }, 100, &none, "flags" },
		{ { .flags = VIRTIO_NET_HDR_F_DATA_VALID }, 100, &all, "flags" },
		{ { .flags = VIRTIO_NET_HDR_F_RSC_INFO }, 100, &rx_all, "flags" },
		{ { .flags = 0x80 }, 100, &rx_all, "flags" },
		{ { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 2 },
		  100,
		  &all,
		  "csum_start" },
		{ { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 99 },
		  100,
		  &all,
		  "csum_start" },
		{ { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 65 },
		  100,
		  &all,
		  "csum_offset" },
		{ { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4 }, 100, &none, "gso_type" },
		{ { .gso_type = VIRTIO_NET_HDR_GSO_UDP }, 100, &all, "gso_type" },
		{ { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4 }, 100, &all, "NEEDS_CSUM" },
		{ { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		    .csum_start = 34,
		    .csum_offset = 16,
		    .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		    .gso_size = 2000 },
		  100,
		  &rx_all,
		  "gso_size" },
		{ { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		    .csum_start = 34,
		    .csum_offset = 16,
		    .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		    .gso_size = 1448,
		    .hdr_len = 101 },
		  100,
		  &all,
		  "hdr_len" },
		{ { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		    .csum_start = 34,
		    .csum_offset = 16,
		    .gso_type = VIRTIO_NET_HDR_GSO_TCPV6,
		    .gso_size = 1448 },
		  100,
		  &all,
		  "EtherType" },
		{ { 0 }, 1519, &all, "MTU" },
		{ { 0 }, 10, &all, "runt" },
	};
	uint8_t frame[2000] = { [12] = ETH_P_IP >> 8, [13] = ETH_P_IP & 0xff };
	struct virtio_net_hdr_v1 h;
	char why[96];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h = bad[i].h;
		why[0] = '\0';
		assert_int_equal(net_hdr_check(&h, frame, bad[i].len, bad[i].o, why, sizeof(why)),
				 -EINVAL);
		print_message("# %-12s -> %s\n", bad[i].field, why);
		assert_non_null(strstr(why, bad[i].field));
	}
}

/*
 * What the driver leaves in fields that mean nothing never reaches the
 * backend: the header on the wire is the checked one.  An RX header from
 * the backend reaches the driver as it is, num_buffers set.
 */
static void test_offload_header_crosses(void **state)
{
	struct virtio_net_hdr_v1 *hdr, want = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
						.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
						.hdr_len = htole16(54),
						.gso_size = htole16(1448),
						.csum_start = htole16(34),
						.csum_offset = htole16(16) };
	uint8_t got[2048];
	size_t got_len = 0;
	struct hctx h;
	uint32_t len;

	(void)state;
	h_setup(&h, true);
	h_probe(&h, OFFL_RX);
	hdr = h_tso4(&h, 100);
	hdr->num_buffers = 0xffff;
	hdr->flags |= 0x40;
	h_tx(&h, 100);
	assert_int_equal(h_wire_got(&h, got, &got_len), 1);
	assert_memory_equal(&h.wire_hdr, &want, HDR);
	/* no NEEDS_CSUM, no GSO: the fields that go with them are zeroed */
	hdr = h_packet(&h, 100);
	memcpy(hdr, &want, HDR);
	hdr->flags = 0;
	hdr->gso_type = VIRTIO_NET_HDR_GSO_NONE;
	tfe_desc_set(&h_desc(&h, 1)[1], h.buf, HDR + 100, 0, 0);
	tfe_vq_publish(&h.dev.vqs[1], 1, 1);
	assert_int_equal(h_wire_got(&h, got, &got_len), 1);
	assert_memory_equal(&h.wire_hdr, &(struct virtio_net_hdr_v1){ 0 }, HDR);
	/* RX: a TSO frame with a partial checksum, as the tap gives it */
	h_rx_buf(&h);
	h_wire_hdr(&h, &want, 100);
	assert_int_equal(h.dev.vqs[0].used->idx, 1);
	len = h.dev.vqs[0].used->ring[0].len;
	assert_int_equal(len, HDR + 100);
	hdr = tfe_ptr(&h.mem, h.buf);
	want.num_buffers = htole16(1);
	assert_memory_equal(hdr, &want, HDR);
	assert_memory_equal((uint8_t *)hdr + HDR, h.frame, 100);
	assert_int_equal(h.n->c.rx_dropped + h.n->c.tx_dropped, 0);
	h_teardown(&h);
}

/* §5.1.3.1: an offload accepted without the one it depends on fails FEATURES_OK. */
static void test_offload_dependencies(void **state)
{
	static const uint64_t bad[] = {
		OFFL & ~(1ULL << VIRTIO_NET_F_CSUM),
		OFFL & ~(1ULL << VIRTIO_NET_F_GUEST_CSUM),
		FEATURES | (1ULL << VIRTIO_NET_F_GUEST_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_ECN),
		FEATURES | (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_HOST_ECN),
	};
	struct hctx h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h_setup(&h, true);
		h.mem.brk = 0;
		tfe_dev_init(&h.dev, NULL, 0, h.m, &h.mem);
		assert_int_equal(tfe_probe(&h.dev, bad[i]), -EIO);
		h_teardown(&h);
	}
	/* and without a vnet header none is offered */
	h_setup(&h, false);
	h_probe(&h, OFFL);
	assert_int_equal(h.dev.features & NET_F_OFFLOADS, 0);
	h_teardown(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_table),
		cmocka_unit_test(test_dropped_chain_returned),
		cmocka_unit_test(test_hdr_check_names_field),
		cmocka_unit_test(test_offload_header_crosses),
		cmocka_unit_test(test_offload_dependencies),
	};

	signal(SIGPIPE, SIG_IGN);
	dm_log_set_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
