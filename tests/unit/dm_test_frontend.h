/* SPDX-License-Identifier: MIT */
/*
 * Test frontend for the device model: a small virtio-mmio driver that probes
 * like Linux drivers/virtio/virtio_mmio.c and drives split rings like
 * virtio_ring.c, over the sim transport (a socket) or directly against a
 * struct virtio_mmio in the same process.
 */
#ifndef DM_TEST_FRONTEND_H
#define DM_TEST_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_ring.h>

#include "dm/mmio.h"
#include "dm/sim_proto.h"

#define TFE_MAX_SLOTS 16
#define TFE_MAX_VQS   64
#define TFE_IND_MAX   8 /* entries of each head's indirect table */

struct tfe_mem {
	int memfd;
	uint8_t *map;
	uint64_t base, size, brk;
};

struct tfe_link {
	int sock;			   /* sim socket, -1 in direct mode */
	unsigned long irqs[TFE_MAX_SLOTS]; /* interrupts seen per slot */
};

struct tfe_dev;

struct tfe_vq {
	struct tfe_dev *dev;
	unsigned int idx;
	uint16_t num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_gpa, avail_gpa, used_gpa, ind_gpa;
	uint16_t free_head, num_free;
	uint16_t avail_idx, kicked, last_used;
	bool event_idx, ready;
	void *cookie[1024];
	uint16_t chain_len[1024];
};

struct tfe_dev {
	struct tfe_link *link;
	unsigned int slot;
	struct virtio_mmio *direct; /* direct mode */
	struct tfe_mem *mem;
	uint64_t dev_features, features;
	uint32_t device_id;
	struct tfe_vq vqs[TFE_MAX_VQS];
	unsigned long kicks;
};

struct tfe_buf {
	uint64_t gpa;
	uint32_t len;
};

int tfe_mem_init(struct tfe_mem *m, uint64_t base, uint64_t size);
void tfe_mem_fini(struct tfe_mem *m);
uint64_t tfe_alloc(struct tfe_mem *m, uint64_t size, uint64_t align);
void *tfe_ptr(struct tfe_mem *m, uint64_t gpa);

void tfe_link_init(struct tfe_link *l, int sock);
int tfe_link_attach(struct tfe_link *l, unsigned int slot, struct tfe_mem *m);
/* Wait up to @timeout_ms for socket input, drain interrupt messages. */
int tfe_link_poll(struct tfe_link *l, int timeout_ms);
int tfe_link_drain(struct tfe_link *l);

void tfe_dev_init(struct tfe_dev *d, struct tfe_link *l, unsigned int slot,
		  struct virtio_mmio *direct, struct tfe_mem *mem);
uint32_t tfe_read(struct tfe_dev *d, uint32_t off, uint32_t size);
void tfe_write(struct tfe_dev *d, uint32_t off, uint32_t size, uint32_t val);
static inline uint32_t tfe_read32(struct tfe_dev *d, uint32_t off)
{
	return tfe_read(d, off, 4);
}
static inline void tfe_write32(struct tfe_dev *d, uint32_t off, uint32_t v)
{
	tfe_write(d, off, 4, v);
}
/* A 64-bit queue address as the LOW/HIGH register pair at @lo. */
void tfe_write_addr(struct tfe_dev *d, uint32_t lo, uint64_t a);

/*
 * Probe as Linux does: magic, version 2, device id, reset, ACK, DRIVER,
 * features (VERSION_1 required), FEATURES_OK read back.  Does not set up
 * queues or DRIVER_OK: use tfe_vq_setup() and tfe_driver_ok().
 */
int tfe_probe(struct tfe_dev *d, uint64_t want);
int tfe_vq_setup(struct tfe_dev *d, unsigned int idx, uint16_t num);
void tfe_driver_ok(struct tfe_dev *d);
uint32_t tfe_status(struct tfe_dev *d);
/* Read and acknowledge InterruptStatus (what vm_interrupt does). */
uint32_t tfe_ack_irq(struct tfe_dev *d);

/* Add a chain; returns head or -ENOSPC. */
int tfe_vq_add(struct tfe_vq *vq, const struct tfe_buf *out, unsigned int n_out,
	       const struct tfe_buf *in, unsigned int n_in, void *cookie, bool indirect);
/* The device's avail_event word in the used ring (EVENT_IDX, little-endian). */
uint16_t *tfe_vq_avail_event(struct tfe_vq *vq);
/* Kick if the device asked for it (EVENT_IDX / NO_NOTIFY). */
bool tfe_vq_kick(struct tfe_vq *vq);
/* Next used buffer's cookie, or NULL (re-arming callbacks race-free). */
void *tfe_vq_get(struct tfe_vq *vq, uint32_t *len);

/*
 * Hostile-driver helpers, bypassing the free list: write descriptor @d as
 * given; publish @head and move avail->idx by @delta (more than one: an
 * index jump), then notify unconditionally; make the whole avail ring name
 * @head (one chain offered over and over), without a notify.
 */
void tfe_desc_set(struct vring_desc *d, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
void tfe_vq_publish(struct tfe_vq *vq, uint16_t head, uint16_t delta);
void tfe_vq_fill_avail(struct tfe_vq *vq, uint16_t head);

/* ---- a console port driven as a byte stream ---------------------------- */

#define TFE_PORT_BUFS 64

struct tfe_port {
	struct tfe_dev *dev;
	struct tfe_vq *rx, *tx;
	uint32_t buf_size;
	uint64_t rx_gpa[TFE_PORT_BUFS], tx_gpa[TFE_PORT_BUFS];
	uint8_t tx_free[TFE_PORT_BUFS];
	unsigned int n_tx_free;
	bool indirect;
};

int tfe_port_init(struct tfe_port *p, struct tfe_dev *d, unsigned int rxq, unsigned int txq,
		  uint32_t buf_size);
/* Queue up to one buffer of @data; returns bytes queued (0 = ring full). */
size_t tfe_port_send(struct tfe_port *p, const void *data, size_t len);
/* Reclaim used TX buffers. */
unsigned int tfe_port_reap_tx(struct tfe_port *p);
/* Deliver every used RX buffer to @sink, re-post them; returns bytes. */
size_t tfe_port_poll_rx(struct tfe_port *p, void (*sink)(void *ctx, const uint8_t *d, size_t n),
			void *ctx);

/* ---- a virtio-net queue pair driven frame by frame (Linux virtio_net) --- */

#define TFE_NET_BUFS 64

struct tfe_net {
	struct tfe_dev *dev;
	struct tfe_vq *rx, *tx;
	uint32_t rx_buf_size, tx_buf_size;
	bool mrg, indirect;
	uint64_t rx_gpa[TFE_NET_BUFS], tx_gpa[TFE_NET_BUFS];
	uint8_t rx_free[TFE_NET_BUFS], tx_free[TFE_NET_BUFS];
	unsigned int n_rx_free, n_tx_free;
	unsigned int sent; /* picks the next TX chain layout */
};

/* Queues 0 (receiveq) and 1 (transmitq) must be set up; posts @rx_bufs. */
int tfe_net_init(struct tfe_net *n, struct tfe_dev *d, uint32_t rx_buf_size, unsigned int rx_bufs,
		 uint32_t tx_buf_size);
/* Post up to @count more receive buffers and kick; returns how many. */
unsigned int tfe_net_post_rx(struct tfe_net *n, unsigned int count);
/*
 * Queue one frame behind a zeroed virtio_net_hdr_v1, in one of four chain
 * layouts in turn (one buffer; header apart; header split in two; indirect).
 * Returns 0 or -ENOSPC.
 */
int tfe_net_send(struct tfe_net *n, const void *frame, size_t len);
unsigned int tfe_net_reap_tx(struct tfe_net *n);
/*
 * Take one received frame into @buf (reposting its buffers): its length,
 * -EAGAIN when none is there, -EIO when the device broke §5.1.6.4 (bad
 * num_buffers, a missing or short buffer, more than @len).
 */
long tfe_net_recv(struct tfe_net *n, void *buf, size_t len, unsigned int *nbufs);

/* ---- 2-way stream harness: frontend port <-> chardev socket client ---- */

struct tfe_stream {
	struct tfe_port *port;
	int client;		/* connected to the chardev socket */
	const uint8_t *to_host; /* frontend -> client */
	size_t to_host_len, queued, client_got;
	const uint8_t *to_guest; /* client -> frontend */
	size_t to_guest_len, client_put, guest_got;
	size_t mismatches;
};

/* Run all streams to completion; 0, or -ETIMEDOUT / -EIO. */
int tfe_streams_run(struct tfe_link *l, struct tfe_stream *s, unsigned int n, int timeout_ms);
/* @bytes of random data each way (seeds @seed and @seed + 1000) through @port. */
void tfe_stream_init(struct tfe_stream *s, struct tfe_port *port, size_t bytes, uint32_t seed);
/* Free what tfe_stream_init() allocated and close the client. */
void tfe_stream_fini(struct tfe_stream *s);

int tfe_unix_connect(const char *path, int timeout_ms);
void tfe_random(uint8_t *buf, size_t len, uint32_t seed);

#endif
