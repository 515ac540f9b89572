// SPDX-License-Identifier: MIT
/* What the fuzz targets share (fuzz_mmio.h). */
#include <string.h>

#include <linux/virtio_config.h>

#include "fuzz_mmio.h"

void fuzz_mmio_features(struct virtio_mmio *m, uint64_t feat)
{
	mmio_write(m, VIRTIO_MMIO_STATUS, 4, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	mmio_write(m, VIRTIO_MMIO_STATUS, 4, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 1);
	mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES, 4, (uint32_t)(feat >> 32));
	mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 0);
	mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES, 4, (uint32_t)feat);
	mmio_write(m, VIRTIO_MMIO_STATUS, 4,
		   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			   VIRTIO_CONFIG_S_FEATURES_OK);
}

static void fuzz_mmio_addr(struct virtio_mmio *m, uint32_t low, uint64_t addr)
{
	mmio_write(m, low, 4, (uint32_t)addr);
	mmio_write(m, low + 4, 4, (uint32_t)(addr >> 32));
}

void fuzz_mmio_queue(struct virtio_mmio *m, unsigned int q, uint32_t num, uint64_t desc,
		     uint32_t stride)
{
	mmio_write(m, VIRTIO_MMIO_QUEUE_SEL, 4, q);
	mmio_write(m, VIRTIO_MMIO_QUEUE_NUM, 4, num);
	fuzz_mmio_addr(m, VIRTIO_MMIO_QUEUE_DESC_LOW, desc);
	fuzz_mmio_addr(m, VIRTIO_MMIO_QUEUE_AVAIL_LOW, desc + stride);
	fuzz_mmio_addr(m, VIRTIO_MMIO_QUEUE_USED_LOW, desc + 2ULL * stride);
	mmio_write(m, VIRTIO_MMIO_QUEUE_READY, 4, 1);
}

static bool fuzz_mmio_is_addr(uint32_t off)
{
	off &= ~0x4U;
	return off == VIRTIO_MMIO_QUEUE_DESC_LOW || off == VIRTIO_MMIO_QUEUE_AVAIL_LOW ||
	       off == VIRTIO_MMIO_QUEUE_USED_LOW;
}

uint8_t fuzz_mmio_op(struct virtio_mmio *m, const uint8_t *op, uint8_t *win, uint32_t win_size,
		     uint64_t base, uint32_t *val)
{
	uint32_t off = (uint32_t)(op[0] | op[1] << 8) % DM_MMIO_WINDOW_SIZE;
	uint32_t sz = op[2] % 5, v;

	memcpy(&v, op + 4, 4);
	if (fuzz_mmio_is_addr(off))
		v = (off & 4) ? (uint32_t)(base >> 32) : (uint32_t)base + (v % win_size);
	if (op[3] & FUZZ_OP_WRITE)
		mmio_write(m, off, sz, v);
	else
		(void)mmio_read(m, off, sz);
	if (op[3] & FUZZ_OP_POKE)
		win[v % win_size] = op[1];
	*val = v;
	return op[3];
}

bool fuzz_mmio_restore(struct virtio_mmio *m, const uint8_t *p, size_t n, size_t len, uint8_t *win,
		       uint32_t win_size)
{
	size_t rest;

	if (n < len)
		return false;
	rest = n - len;
	memcpy(win, p + len, rest < win_size ? rest : win_size);
	return !mmio_state_load(m, p, len) && mmio_live(m);
}

void fuzz_window_rewrite(uint8_t *win, uint32_t win_size, const uint8_t *x, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < win_size; i++)
		win[i] ^= x[i];
}
