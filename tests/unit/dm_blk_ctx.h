/* SPDX-License-Identifier: MIT */
/*
 * A virtio-blk device on a temporary image, driven in the test's own thread
 * (the test frontend in direct mode, the event loop run by the test): the
 * drive's worker threads are the only others.  The window has PROT_NONE
 * guard pages on both sides, so an access outside it is a crash under any
 * build, and an ASan report in the sanitized one.
 */
#ifndef DM_BLK_CTX_H
#define DM_BLK_CTX_H

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <linux/virtio_config.h>

#include "dm/blk.h"
#include "dm_test_frontend.h"

#define BC_WIN_BASE 0x20000000ULL
#define BC_WIN_SIZE (8ULL << 20)
#define BC_GUARD    (64ULL << 10)
#define BC_QSIZE    BLK_QUEUE_SIZE
#define BC_DISK	    (4ULL << 20)
#define BC_SECTORS  (BC_DISK / 512)
#define BC_FEATURES                                                                  \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM) |         \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
	 (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_BLK_SIZE) |          \
	 (1ULL << VIRTIO_BLK_F_FLUSH) | (1ULL << VIRTIO_BLK_F_CONFIG_WCE) |          \
	 (1ULL << VIRTIO_BLK_F_DISCARD) | (1ULL << VIRTIO_BLK_F_WRITE_ZEROES))
#define BC_TIMEOUT_MS 10000

struct bctx {
	struct event_loop loop;
	char path[64];
	struct drive *d;
	struct virtio_blk *b;
	struct virtio_mmio *m;
	struct dm_window win;
	uint8_t *area;
	struct tfe_mem mem;
	struct tfe_dev dev;
	uint64_t hdr, status, table, data; /* guest addresses */
	uint64_t data_size;
	unsigned long irqs;
};

static void bc_irq(void *opaque)
{
	(*(unsigned long *)opaque)++;
}

static const struct mmio_host_ops bc_host_ops = { .irq_raise = bc_irq };

/*
 * One BC_DISK buffer for the whole test: fresh pages for every image would
 * cost more than the tests (page faults under nested virtualisation).
 */
static uint8_t bc_disk_buf[BC_DISK];

/* The image: BC_DISK bytes of random data (seed @seed). */
static inline void bc_image(struct bctx *t, uint32_t seed)
{
	int fd;

	snprintf(t->path, sizeof(t->path), "/tmp/dm-blk-%d-XXXXXX", (int)getpid());
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	tfe_random(bc_disk_buf, BC_DISK, seed);
	assert_int_equal(pwrite(fd, bc_disk_buf, BC_DISK, 0), (ssize_t)BC_DISK);
	close(fd);
}

/* A drive on a fresh image and a device on it, not yet probed. */
static inline void bc_setup(struct bctx *t, bool ro, enum drive_cache cache)
{
	struct drive_opts o = { .id = "disk0", .readonly = ro, .cache = cache };
	struct blk_opts bo = { .id = "vblk", .serial = "BH-TEST-SERIAL", .access_platform = true };
	char err[256];

	memset(t, 0, sizeof(*t));
	assert_int_equal(el_init(&t->loop), 0);
	bc_image(t, 7);
	snprintf(o.file, sizeof(o.file), "%s", t->path);
	t->d = drive_new(&t->loop, &o, err, sizeof(err));
	if (!t->d)
		fprintf(stderr, "%s\n", err);
	assert_non_null(t->d);
	t->b = blk_new(&bo, t->d);
	assert_non_null(t->b);
	t->m = blk_mmio(t->b);
	t->area = mmap(NULL, BC_WIN_SIZE + 2 * BC_GUARD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	assert_true(t->area != MAP_FAILED);
	assert_int_equal(mprotect(t->area + BC_GUARD, BC_WIN_SIZE, PROT_READ | PROT_WRITE), 0);
	t->mem.memfd = -1;
	t->mem.map = t->area + BC_GUARD;
	t->mem.base = BC_WIN_BASE;
	t->mem.size = BC_WIN_SIZE;
	window_init(&t->win, BC_WIN_BASE, BC_WIN_SIZE, t->mem.map);
	mmio_attach(t->m, &t->win, &bc_host_ops, &t->irqs);
}

static inline void bc_teardown(struct bctx *t)
{
	blk_free(t->b);
	drive_free(t->d);
	el_fini(&t->loop);
	munmap(t->area, BC_WIN_SIZE + 2 * BC_GUARD);
	unlink(t->path);
}

/* Probe like Linux's virtio_blk with @want, queue 0 of BC_QSIZE, DRIVER_OK. */
static inline void bc_probe(struct bctx *t, uint64_t want)
{
	t->mem.brk = 0;
	tfe_dev_init(&t->dev, NULL, 0, t->m, &t->mem);
	assert_int_equal(tfe_probe(&t->dev, want), 0);
	assert_int_equal(tfe_vq_setup(&t->dev, 0, BC_QSIZE), 0);
	t->hdr = tfe_alloc(&t->mem, 16ULL * BC_QSIZE, 16);
	t->status = tfe_alloc(&t->mem, BC_QSIZE, 1);
	t->table = tfe_alloc(&t->mem, 16ULL * BC_QSIZE, 16);
	t->data = tfe_alloc(&t->mem, 4096, 4096);
	t->data_size = BC_WIN_SIZE - (t->data - BC_WIN_BASE);
	tfe_driver_ok(&t->dev);
	assert_int_equal(tfe_status(&t->dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
}

static inline struct tfe_vq *bc_vq(struct bctx *t)
{
	return &t->dev.vqs[0];
}

static inline void *bc_ptr(struct bctx *t, uint64_t gpa)
{
	return tfe_ptr(&t->mem, gpa);
}

/* Header @slot (of BC_QSIZE) for a request of @type at @sector. */
static inline uint64_t bc_hdr(struct bctx *t, unsigned int slot, uint32_t type, uint64_t sector)
{
	struct virtio_blk_outhdr h = { .type = htole32(type), .sector = htole64(sector) };
	uint64_t gpa = t->hdr + 16ULL * slot;

	memcpy(bc_ptr(t, gpa), &h, sizeof(h));
	*(uint8_t *)bc_ptr(t, t->status + slot) = 0xee; /* not a status */
	return gpa;
}

static inline uint8_t bc_status(struct bctx *t, unsigned int slot)
{
	return *(volatile uint8_t *)bc_ptr(t, t->status + slot);
}

/*
 * Queue a well-formed request: header, @len data bytes at @data (readable
 * for OUT/DISCARD/WRITE_ZEROES, writable otherwise; none if @len is 0),
 * status.  Cookie: @slot + 1.  Return: the head, or -ENOSPC.
 */
static inline int bc_add(struct bctx *t, unsigned int slot, uint32_t type, uint64_t sector,
			 uint64_t data, uint32_t len, bool indirect)
{
	bool out = type == VIRTIO_BLK_T_OUT || type == VIRTIO_BLK_T_DISCARD ||
		   type == VIRTIO_BLK_T_WRITE_ZEROES;
	struct tfe_buf ob[2] = { { bc_hdr(t, slot, type, sector), 16 }, { data, len } };
	struct tfe_buf ib[2] = { { data, len }, { t->status + slot, 1 } };

	if (!len)
		return tfe_vq_add(bc_vq(t), ob, 1, ib + 1, 1, (void *)(uintptr_t)(slot + 1),
				  indirect);
	if (out)
		return tfe_vq_add(bc_vq(t), ob, 2, ib + 1, 1, (void *)(uintptr_t)(slot + 1),
				  indirect);
	return tfe_vq_add(bc_vq(t), ob, 1, ib, 2, (void *)(uintptr_t)(slot + 1), indirect);
}

/*
 * Run the loop until @n requests came back (their slots in @slots, in used
 * order, when not NULL) or the device needs a reset.  Return: how many.
 */
static inline unsigned int bc_wait(struct bctx *t, unsigned int n, unsigned int *slots,
				   uint32_t *lens)
{
	uint64_t end = dm_now_ns() + BC_TIMEOUT_MS * 1000000ULL;
	unsigned int got = 0;
	uint32_t len;
	void *c;

	while (got < n && dm_now_ns() < end) {
		while (got < n && (c = tfe_vq_get(bc_vq(t), &len))) {
			if (slots)
				slots[got] = (unsigned int)((uintptr_t)c - 1);
			if (lens)
				lens[got] = len;
			got++;
		}
		if (got == n || (t->m->status & VIRTIO_CONFIG_S_NEEDS_RESET))
			break;
		el_run_once(&t->loop, 20);
	}
	return got;
}

/* One request, start to end: its status (0xee: none came). */
static inline uint8_t bc_do(struct bctx *t, uint32_t type, uint64_t sector, uint64_t data,
			    uint32_t len)
{
	assert_true(bc_add(t, 0, type, sector, data, len, false) >= 0);
	tfe_vq_kick(bc_vq(t));
	assert_int_equal(bc_wait(t, 1, NULL, NULL), 1);
	return bc_status(t, 0);
}

/* FNV-1a of the whole image: "nothing was written". */
static inline uint64_t bc_image_hash(struct bctx *t)
{
	uint64_t w, h = 14695981039346656037ULL;
	size_t i;
	int fd = open(t->path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, bc_disk_buf, BC_DISK, 0), (ssize_t)BC_DISK);
	close(fd);
	for (i = 0; i < BC_DISK; i += 8) {
		memcpy(&w, bc_disk_buf + i, sizeof(w));
		h = (h ^ w) * 1099511628211ULL;
	}
	return h;
}

/* @len bytes of the image at byte @off. */
static inline void bc_image_read(struct bctx *t, uint64_t off, void *buf, size_t len)
{
	int fd = open(t->path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

#endif
