/* SPDX-License-Identifier: MIT */
/*
 * virtio-net device (virtio v1.2 §5.1): one receiveq (0) and one
 * transmitq (1), no control queue, MAC, STATUS, MTU and MRG_RXBUF; on a
 * backend with a vnet header (dm/netdev.h) also the checksum and TCP
 * segmentation offloads both ways (CSUM, GUEST_CSUM, HOST_TSO4/6,
 * GUEST_TSO4/6, HOST_ECN, GUEST_ECN).  Frames go to and come from a
 * network backend (dm/netdev.h).
 */
#ifndef DM_NET_H
#define DM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/if_ether.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "dm/mmio.h"
#include "dm/netdev.h"

#define NET_RXQ		0
#define NET_TXQ		1
#define NET_NQUEUES	2
#define NET_QUEUE_SIZE	256
#define NET_HDR_LEN	sizeof(struct virtio_net_hdr_v1)
#define NET_VLAN_HLEN	4 /* 802.1Q tag: a frame may carry one beyond the MTU */
#define NET_MTU_DEFAULT 1500
#define NET_MTU_MIN	68 /* §5.1.4.1: the device MUST NOT set mtu below 68 */
/* largest MTU: a tagged frame still fits the 16-bit lengths of the rings */
#define NET_MTU_MAX (65535 - ETH_HLEN - NET_VLAN_HLEN)
/* receive buffer: above any tap frame (tap MTU <= 65535, plus headers) */
#define NET_FRAME_BUF (65536 + 256)
/*
 * Largest segmentation-offload frame either way: an IP packet's 16-bit
 * total length behind an Ethernet header and one VLAN tag.
 */
#define NET_GSO_FRAME_MAX (ETH_HLEN + NET_VLAN_HLEN + 65535)
_Static_assert(NET_GSO_FRAME_MAX <= NET_FRAME_BUF, "a GSO frame fits the buffer");
/* The offload features, offered only on a backend with a vnet header. */
#define NET_F_OFFLOADS                                                         \
	((1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |     \
	 (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) | \
	 (1ULL << VIRTIO_NET_F_HOST_ECN) | (1ULL << VIRTIO_NET_F_GUEST_TSO4) | \
	 (1ULL << VIRTIO_NET_F_GUEST_TSO6) | (1ULL << VIRTIO_NET_F_GUEST_ECN))
/*
 * Work per queue handler call before it yields to the event loop
 * (mmio_defer()), as the console's: buffers walked (a chain counts at
 * least one) and bytes taken; frames per receive wakeup.
 */
#define NET_TX_BUDGET_BUFS  256
#define NET_TX_BUDGET_BYTES (256 * 1024)
#define NET_RX_BUDGET	    32
/* most receive chains one frame may be spread over (MRG_RXBUF) */
#define NET_RX_HELD 64

/* §5.1.4: the config fields the device offers (speed and later: not offered). */
_Static_assert(offsetof(struct virtio_net_config, mac) == 0, "virtio_net_config.mac (§5.1.4)");
_Static_assert(offsetof(struct virtio_net_config, status) == 6,
	       "virtio_net_config.status (§5.1.4)");
_Static_assert(offsetof(struct virtio_net_config, max_virtqueue_pairs) == 8,
	       "virtio_net_config.max_virtqueue_pairs (§5.1.4)");
_Static_assert(offsetof(struct virtio_net_config, mtu) == 10, "virtio_net_config.mtu (§5.1.4)");
#define NET_CONFIG_LEN offsetof(struct virtio_net_config, speed)
/* §5.1.6: with VERSION_1 every packet starts with this 12-byte header. */
_Static_assert(sizeof(struct virtio_net_hdr_v1) == 12, "virtio_net_hdr_v1 (§5.1.6)");
_Static_assert(offsetof(struct virtio_net_hdr_v1, num_buffers) == 10,
	       "virtio_net_hdr_v1.num_buffers (§5.1.6)");

/*
 * The tap reads and writes struct virtio_net_hdr (TUNSETVNETHDRSZ makes it
 * the v1 size): the fields the device passes on must sit where both put them.
 */
_Static_assert(offsetof(struct virtio_net_hdr_v1, flags) == offsetof(struct virtio_net_hdr, flags),
	       "virtio_net_hdr_v1.flags (§5.1.6)");
_Static_assert(offsetof(struct virtio_net_hdr_v1, gso_type) == 1, "virtio_net_hdr_v1.gso_type");
_Static_assert(offsetof(struct virtio_net_hdr_v1, hdr_len) == 2, "virtio_net_hdr_v1.hdr_len");
_Static_assert(offsetof(struct virtio_net_hdr_v1, gso_size) == 4, "virtio_net_hdr_v1.gso_size");
_Static_assert(offsetof(struct virtio_net_hdr_v1, csum_start) == 6, "virtio_net_hdr_v1.csum_start");
_Static_assert(offsetof(struct virtio_net_hdr_v1, csum_offset) == 8,
	       "virtio_net_hdr_v1.csum_offset");

/**
 * struct net_offload - the offloads negotiated for one direction
 * @csum: NEEDS_CSUM allowed (CSUM for TX, GUEST_CSUM for RX)
 * @tso4: gso_type TCPV4 allowed (HOST_TSO4 / GUEST_TSO4)
 * @tso6: gso_type TCPV6 allowed (HOST_TSO6 / GUEST_TSO6)
 * @ecn: the GSO ECN bit allowed (HOST_ECN / GUEST_ECN)
 * @rx: from the backend to the driver (DATA_VALID allowed) rather than
 *	from the driver (§5.1.6.2 forbids it DATA_VALID and RSC_INFO)
 * @mtu: the device's MTU: no segment may be larger
 */
struct net_offload {
	bool csum, tso4, tso6, ecn;
	bool rx;
	uint16_t mtu;
};

/**
 * net_hdr_check() - validate a packet's virtio_net_hdr_v1 (§5.1.6)
 * @h: a private copy of the header; fields that mean nothing for it
 *	(hdr_len and gso_size without GSO, the csum fields without
 *	NEEDS_CSUM, unknown TX flag bits, num_buffers) are zeroed, so the
 *	backend never sees what the driver left in them
 * @frame: the frame after the header
 * @len: its length
 * @o: what was negotiated for this direction
 * @why: on failure, what is wrong, naming the field
 *
 * Return: 0 if the packet may go on, -EINVAL if it must be dropped.
 */
int net_hdr_check(struct virtio_net_hdr_v1 *h, const uint8_t *frame, size_t len,
		  const struct net_offload *o, char *why, size_t whylen);

/** struct net_opts - parsed -device virtio-net options */
struct net_opts {
	char id[32];
	uint8_t mac[ETH_ALEN];
	uint16_t mtu;
	bool access_platform; /* iommu_platform=on */
};

/*
 * What happened to frames, for the log and the tests.  Every frame the
 * device does not deliver is counted in one of the *_dropped counters.
 */
struct net_counters {
	uint64_t tx_packets, tx_bytes;
	uint64_t tx_dropped; /* bad header, runt, oversize */
	uint64_t rx_packets, rx_bytes;
	uint64_t rx_dropped; /* runt or oversize from the backend, no room in the guest */
};

struct virtio_net {
	struct virtio_mmio mmio;
	struct virtio_net_config config;
	struct netdev *nd;
	size_t frame_max; /* mtu + Ethernet header + one VLAN tag */
	bool mrg;	  /* MRG_RXBUF negotiated */
	/* offloads negotiated: from the driver (HOST_*), to it (GUEST_*) */
	struct net_offload tx_off, rx_off;

	/* a TX chain the backend could not take yet (write_ready resumes it) */
	bool tx_held, tx_blocked;
	struct vq_chain tx_chain;

	/*
	 * Receive chains popped for the next frame (a ring of NET_RX_HELD):
	 * a frame is read from the backend only once they can hold the
	 * largest one, so a guest without buffers leaves frames queued in
	 * the backend (back-pressure) instead of losing them.
	 */
	struct vq_chain *rx_held;
	unsigned int held_first, n_held;
	size_t held_len;
	bool rx_starved;
	uint8_t *buf; /* header + frame, both directions */

	struct net_counters c;
};

/**
 * net_new() - create a virtio-net device on backend @nd
 * Return: the device, or NULL (bad options, no memory).
 */
struct virtio_net *net_new(const struct net_opts *o, struct netdev *nd);

/** net_free() - free a device (its backend stays with its owner). */
void net_free(struct virtio_net *n);

/**
 * net_default_mac() - a stable, locally administered unicast MAC for @name
 *
 * The same name gives the same address in every run, so a frontend keeps
 * its address (and its neighbours' ARP caches stay right) across restarts.
 */
void net_default_mac(const char *name, uint8_t mac[ETH_ALEN]);

/**
 * net_parse_mac() - parse "52:54:00:12:34:56"
 * Return: 0, or -EINVAL (syntax, or a multicast address).
 */
int net_parse_mac(const char *s, uint8_t mac[ETH_ALEN]);

static inline struct virtio_mmio *net_mmio(struct virtio_net *n)
{
	return &n->mmio;
}

#endif
