// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the virtio-net device: its ring parsing, header and
 * length checks, receive buffer gathering and frame scattering, behind the
 * real register file, with frames of fuzzed sizes arriving from a socket
 * netdev.  The guest window is allocated with exactly its size, so ASan
 * reports any byte touched outside it.
 *
 * Input: [0] mode (0: ring image, 1: register sequence, 2: saved device
 * state), [1] bit0 EVENT_IDX, bit1 INDIRECT_DESC, bit2 MRG_RXBUF, bit3
 * window in device mode, bit4 a backend with a vnet header (every
 * message, both ways, starts with a struct virtio_net_hdr_v1 taken from
 * the input: the backend's headers are fuzzed too), bit5 the driver
 * accepts CSUM, HOST_TSO4/6 and HOST_ECN, bit6 GUEST_CSUM, GUEST_TSO4/6 and
 * GUEST_ECN, bit7 it drops CSUM and GUEST_CSUM again (§5.1.3.1
 * dependencies broken), [2] log2 receive queue size, [3] log2 transmit
 * queue size, [4] frames from the wire (low 3 bits), [5..20] their
 * lengths (16-bit), then the window image (ring mode), 8-byte register
 * ops (register mode) or 4*[2] bytes of state then the image (state mode).
 * Ring mode: the first half of the rest is the image, receiveq at 0x0 /
 * 0x100 / 0x200 (desc / avail / used), transmitq at 0x400 / 0x500 /
 * 0x600; the second half is then XORed over it (the guest rewrites its
 * rings) and both queues are notified again.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <linux/virtio_config.h>

#include "dm/log.h"
#include "dm/mmio.h"
#include "dm/net.h"
#include "dm/netdev.h"

#include "fuzz_mmio.h"

#define FUZZ_BASE 0x40000000ULL
#define FUZZ_WIN  (64U << 10)
#define FUZZ_HEAD 21 /* bytes before the image */

struct fuzz_net {
	struct event_loop loop;
	bool loop_ready;
	struct netdev *nd;
	struct virtio_net *n;
	int peer;
};

/*
 * One device per backend kind (plain, vnet header) for the whole run:
 * each input starts with a reset.  An input whose wire sent an empty
 * message ended the link (netdev_recv()): the next one gets a new wire
 * and device.
 */
static struct fuzz_net *fuzz_net_get(bool vnet)
{
	static struct fuzz_net fs[2];
	struct fuzz_net *f = &fs[vnet];
	struct netdev_opts no = { .backend = "socket", .id = "fuzz", .vnet_hdr = vnet };
	struct net_opts o = { .id = "fuzz-net", .mtu = 1500 };
	char err[128];
	int sv[2];

	if (f->n && f->nd->fd >= 0)
		return f;
	if (f->n) {
		net_free(f->n);
		netdev_free(f->nd);
		close(f->peer);
	}
	if (!f->loop_ready && el_init(&f->loop))
		abort();
	f->loop_ready = true;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		abort();
	no.fd = sv[0];
	f->peer = sv[1];
	f->nd = netdev_new(&f->loop, &no, err, sizeof(err));
	net_default_mac(o.id, o.mac);
	f->n = f->nd ? net_new(&o, f->nd) : NULL;
	if (!f->n)
		abort();
	return f;
}

/* Frames left over from the last input, both ways. */
static void fuzz_wire_clear(struct fuzz_net *f)
{
	uint8_t buf[2048];

	while (recv(f->peer, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) > 0)
		;
	while (recv(f->nd->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) > 0)
		;
}

/*
 * The wire sends the frames the input asks for, then the loop runs.  On a
 * vnet backend they may be TSO frames (32 KiB: the window half they come from).
 */
static void fuzz_wire_send(struct fuzz_net *f, const uint8_t *data, const uint8_t *win)
{
	unsigned int i, n = data[4] & 7;
	size_t mod = f->nd->vnet_hdr ? 0x8000 : 2048;

	for (i = 0; i < n; i++) {
		size_t len = (size_t)(data[5 + 2 * i] | data[6 + 2 * i] << 8) % mod;

		(void)send(f->peer, win, len, MSG_DONTWAIT);
	}
}

static void fuzz_turns(struct fuzz_net *f)
{
	unsigned int turn;

	for (turn = 0; turn < 4; turn++) {
		el_run_once(&f->loop, 0);
		if (!mmio_resume(net_mmio(f->n)))
			break;
	}
}

static uint64_t fuzz_features(uint8_t bits)
{
	uint64_t feat = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC) |
			(1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_MTU);

	if (bits & 1)
		feat |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
	if (bits & 2)
		feat |= 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	if (bits & 4)
		feat |= 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	if (bits & 0x20)
		feat |= (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_HOST_TSO4) |
			(1ULL << VIRTIO_NET_F_HOST_TSO6) | (1ULL << VIRTIO_NET_F_HOST_ECN);
	if (bits & 0x40)
		feat |= (1ULL << VIRTIO_NET_F_GUEST_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_TSO4) |
			(1ULL << VIRTIO_NET_F_GUEST_TSO6) | (1ULL << VIRTIO_NET_F_GUEST_ECN);
	if (bits & 0x80)
		feat &= ~((1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM));
	return feat;
}

/* Linux's probe, written straight into the register file. */
static void fuzz_probe(struct virtio_mmio *m, const uint8_t *data)
{
	fuzz_mmio_features(m, fuzz_features(data[1]));
	fuzz_mmio_queue(m, NET_RXQ, 1U << (data[2] % 5), FUZZ_BASE, 0x100);
	fuzz_mmio_queue(m, NET_TXQ, 1U << (data[3] % 5), FUZZ_BASE + 0x400, 0x100);
	mmio_write(m, VIRTIO_MMIO_STATUS, 4, 0xf); /* + DRIVER_OK */
}

static void fuzz_ring(struct fuzz_net *f, const uint8_t *data, size_t size, uint8_t *win)
{
	struct virtio_mmio *m = net_mmio(f->n);
	size_t img = size - FUZZ_HEAD, half = img / 2;

	memcpy(win, data + FUZZ_HEAD, half < FUZZ_WIN ? half : FUZZ_WIN);
	fuzz_probe(m, data);
	mmio_write(m, VIRTIO_MMIO_QUEUE_NOTIFY, 4, NET_TXQ);
	fuzz_wire_send(f, data, win);
	fuzz_turns(f);
	fuzz_window_rewrite(win, FUZZ_WIN, data + FUZZ_HEAD + half, img - half);
	mmio_write(m, VIRTIO_MMIO_QUEUE_NOTIFY, 4, NET_RXQ);
	mmio_write(m, VIRTIO_MMIO_QUEUE_NOTIFY, 4, NET_TXQ);
	fuzz_wire_send(f, data, win + 0x8000);
	fuzz_turns(f);
}

/* register ops (fuzz_mmio.h); flags bit6: a frame of value % 2048 bytes arrives */
static void fuzz_regs(struct fuzz_net *f, const uint8_t *data, size_t size, uint8_t *win)
{
	size_t i;
	uint32_t val;

	for (i = FUZZ_HEAD; i + FUZZ_OP_BYTES <= size; i += FUZZ_OP_BYTES) {
		if (!(fuzz_mmio_op(net_mmio(f->n), data + i, win, FUZZ_WIN, FUZZ_BASE, &val) &
		      0x40))
			continue;
		(void)send(f->peer, win, val % 2048, MSG_DONTWAIT);
		fuzz_turns(f);
	}
}

/* A hostile saved state, restored as a restarted model does, then run. */
static void fuzz_state(struct fuzz_net *f, const uint8_t *data, size_t size, uint8_t *win)
{
	if (!fuzz_mmio_restore(net_mmio(f->n), data + FUZZ_HEAD, size - FUZZ_HEAD, 4U * data[2],
			       win, FUZZ_WIN))
		return;
	mmio_write(net_mmio(f->n), VIRTIO_MMIO_QUEUE_NOTIFY, 4, NET_TXQ);
	fuzz_wire_send(f, data, win);
	fuzz_turns(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_net *f;
	struct dm_window w;
	uint8_t *win;

	if (size < FUZZ_HEAD)
		return 0;
	dm_log_set_quiet(1);
	f = fuzz_net_get(data[1] & 0x10);
	win = calloc(1, FUZZ_WIN);
	if (!win)
		return 0;
	fuzz_wire_clear(f);
	window_init(&w, FUZZ_BASE, FUZZ_WIN, win);
	window_set_device(&w, data[1] & 8);
	mmio_write(net_mmio(f->n), VIRTIO_MMIO_STATUS, 4, 0);
	mmio_attach(net_mmio(f->n), &w, NULL, NULL);
	switch (data[0] % 3) {
	case 0:
		fuzz_ring(f, data, size, win);
		break;
	case 1:
		fuzz_regs(f, data, size, win);
		break;
	default:
		fuzz_state(f, data, size, win);
		break;
	}
	/* nothing may point into this window after it is gone */
	mmio_write(net_mmio(f->n), VIRTIO_MMIO_STATUS, 4, 0);
	mmio_attach(net_mmio(f->n), NULL, NULL, NULL);
	free(win);
	return 0;
}
