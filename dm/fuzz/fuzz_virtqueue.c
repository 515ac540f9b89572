// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the ring parser (and the register file in front of
 * it).  The input is a hostile ring state: the guest window (allocated with
 * exactly its size, so ASan flags any byte read or written outside it) is
 * filled from the input, and the parser must survive whatever it finds.
 *
 * Input: [0] log2 queue size, [1] features (bit0 EVENT_IDX, bit1 INDIRECT,
 *        bit2 window in device mode), [2] mode (bit7: ring addresses from
 *        [3..14]; bit6: register sequence instead of ring image; bit5: a
 *        saved device state (uio state page) of 4*[3] bytes from [4], then
 *        the window image), then the window image or ops.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "dm/log.h"
#include "dm/mmio.h"
#include "dm/virtqueue.h"

#include "fuzz_mmio.h"

#define FUZZ_BASE      0x40000000ULL
#define FUZZ_WIN       (64U << 10)
#define FUZZ_ROUNDS    64
#define FUZZ_NQUEUES   4 /* a multiport console's first four */
#define FUZZ_QUEUE_MAX 64

static struct vq_chain chain;

static uint64_t fuzz_touch(struct vq_chain *c)
{
	uint64_t sum = 0;
	unsigned int i;
	size_t j;

	for (i = 0; i < c->n_out; i++)
		for (j = 0; j < c->iov[i].iov_len; j += 64)
			sum += ((const uint8_t *)c->iov[i].iov_base)[j];
	for (i = c->n_out; i < c->n_out + c->n_in; i++)
		if (c->iov[i].iov_len)
			memset(c->iov[i].iov_base, 0xa5, c->iov[i].iov_len);
	return sum;
}

static void fuzz_drain(struct virtqueue *vq)
{
	unsigned int round;

	for (round = 0; round < FUZZ_ROUNDS; round++) {
		int r = vq_pop(vq, &chain);
		if (r < 0)
			return;
		if (!r) {
			if (!vq_notify_enable(vq))
				return;
			continue;
		}
		fuzz_touch(&chain);
		vq_push(vq, chain.head, (uint32_t)chain.in_len);
		vq_need_notify(vq);
	}
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void fuzz_ring(const uint8_t *data, size_t size, uint8_t *win_mem)
{
	struct dm_ratelimit rl;
	struct dm_window win;
	struct virtqueue vq;
	uint16_t num = (uint16_t)(1U << (data[0] % 9));
	uint64_t feat = 0;

	dm_ratelimit_init(&rl);
	window_init(&win, FUZZ_BASE, FUZZ_WIN, win_mem);
	window_set_device(&win, data[1] & 4);
	vq_init(&vq, 0, 256, &rl, "fuzz");
	if (data[1] & 1)
		feat |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
	if (data[1] & 2)
		feat |= 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	vq.num = num;
	vq.desc_addr = FUZZ_BASE;
	vq.avail_addr = FUZZ_BASE + 0x1000;
	vq.used_addr = FUZZ_BASE + 0x2000;
	if ((data[2] & 0x80) && size >= 3 + 24) {
		vq.desc_addr = rd64(data + 3);
		vq.avail_addr = rd64(data + 11);
		vq.used_addr = rd64(data + 19);
		data += 24;
		size -= 24;
	}
	size -= 3;
	data += 3;
	memcpy(win_mem, data, size < FUZZ_WIN ? size : FUZZ_WIN);
	if (vq_enable(&vq, &win, feat))
		return;
	/* vq_enable() snapshots the indices; start from the image's. */
	vq.last_avail = (uint16_t)(win_mem[0] | win_mem[1] << 8);
	fuzz_drain(&vq);
}

/* ---- register sequences against a device that echoes every chain ------- */

struct fuzz_dev {
	struct virtio_mmio m;
};

static void fdev_notify(void *dev, unsigned int q)
{
	struct fuzz_dev *d = dev;
	struct virtqueue *vq = mmio_vq(&d->m, q);
	int r;

	if (!vq)
		return;
	while ((r = vq_pop(vq, &chain)) > 0) {
		fuzz_touch(&chain);
		vq_push(vq, chain.head, 0);
	}
	if (r < 0)
		mmio_needs_reset(&d->m, "fuzz", r);
	mmio_used_notify(&d->m, vq);
}

static const struct virtio_dev_ops fdev_ops = {
	.notify = fdev_notify,
};

/* A 4-queue device of type 3 (console) on @win, with the ring features. */
static int fuzz_dev_init(struct fuzz_dev *d, const struct dm_window *win)
{
	static const uint8_t cfg[sizeof(struct virtio_console_config)];
	const uint64_t features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_EVENT_IDX) |
				  (1ULL << VIRTIO_RING_F_INDIRECT_DESC);

	if (mmio_init(&d->m, "fuzz", VIRTIO_ID_CONSOLE, &fdev_ops, d, FUZZ_NQUEUES, FUZZ_QUEUE_MAX,
		      features, cfg, sizeof(cfg)))
		return -1;
	mmio_attach(&d->m, win, NULL, NULL);
	return 0;
}

/* register ops (fuzz_mmio.h) from [3] */
static void fuzz_regs(const uint8_t *data, size_t size, uint8_t *win_mem)
{
	struct dm_window win;
	struct fuzz_dev d;
	uint32_t val;
	size_t i;

	window_init(&win, FUZZ_BASE, FUZZ_WIN, win_mem);
	if (fuzz_dev_init(&d, &win))
		return;
	for (i = 3; i + FUZZ_OP_BYTES <= size; i += FUZZ_OP_BYTES)
		(void)fuzz_mmio_op(&d.m, data + i, win_mem, FUZZ_WIN, FUZZ_BASE, &val);
	mmio_fini(&d.m);
}

/*
 * A hostile saved state (the uio transport's state page): restored like a
 * restarted device model does, then every restored queue is drained.
 */
static void fuzz_state(const uint8_t *data, size_t size, uint8_t *win_mem)
{
	struct dm_window win;
	struct fuzz_dev d;

	window_init(&win, FUZZ_BASE, FUZZ_WIN, win_mem);
	window_set_device(&win, data[1] & 4);
	if (fuzz_dev_init(&d, &win))
		return;
	if (fuzz_mmio_restore(&d.m, data + 4, size - 4, 4U * data[3], win_mem, FUZZ_WIN)) {
		unsigned int q;

		for (q = 0; q < FUZZ_NQUEUES; q++)
			fdev_notify(&d, q);
	}
	mmio_fini(&d.m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *win_mem;

	if (size < 5)
		return 0;
	dm_log_set_quiet(1);
	win_mem = calloc(1, FUZZ_WIN);
	if (!win_mem)
		return 0;
	if (data[2] & 0x40)
		fuzz_regs(data, size, win_mem);
	else if (data[2] & 0x20)
		fuzz_state(data, size, win_mem);
	else
		fuzz_ring(data, size, win_mem);
	free(win_mem);
	return 0;
}
