// SPDX-License-Identifier: MIT
/*
 * virtio-blk (dm/devices/blk.c) on a real image file: config and
 * features, data both ways with many requests in flight, FLUSH and the
 * cache modes, DISCARD and WRITE_ZEROES (holes in the file), GET_ID, a
 * read-only drive, requests used in the order they were popped, a reset
 * with I/O in flight, the pop budget, and a restart (saved state, freed
 * device, new device) while requests are in flight.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/userfaultfd.h>

#include "dm/chardev.h"
#include "dm/console.h"
#include "dm_blk_ctx.h"

static uint32_t cfg32(struct bctx *t, size_t off)
{
	return tfe_read32(&t->dev, VIRTIO_MMIO_CONFIG + (uint32_t)off);
}

static void test_config_and_features(void **state)
{
	struct bctx t;
	uint64_t cap;

	(void)state;
	bc_setup(&t, false, DRIVE_CACHE_WRITEBACK);
	bc_probe(&t, BC_FEATURES);
	/* every feature asked for was offered and accepted */
	assert_int_equal(t.dev.features & BC_FEATURES, BC_FEATURES);
	assert_false(t.dev.dev_features & (1ULL << VIRTIO_BLK_F_RO));
	assert_false(t.dev.dev_features & (1ULL << VIRTIO_BLK_F_MQ));
	assert_int_equal(tfe_read32(&t.dev, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	cap = cfg32(&t, offsetof(struct virtio_blk_config, capacity)) |
	      (uint64_t)cfg32(&t, offsetof(struct virtio_blk_config, capacity) + 4) << 32;
	assert_int_equal(cap, BC_SECTORS);
	assert_int_equal(cfg32(&t, offsetof(struct virtio_blk_config, seg_max)), BLK_SEG_MAX);
	assert_int_equal(cfg32(&t, offsetof(struct virtio_blk_config, blk_size)), 512);
	assert_int_equal(
		tfe_read(&t.dev, VIRTIO_MMIO_CONFIG + offsetof(struct virtio_blk_config, wce), 1),
		1);
	assert_int_equal(cfg32(&t, offsetof(struct virtio_blk_config, max_discard_seg)),
			 BLK_DWZ_SEG_MAX);
	assert_int_equal(cfg32(&t, offsetof(struct virtio_blk_config, max_write_zeroes_sectors)),
			 BLK_DWZ_SECTORS_MAX);
	assert_int_equal(tfe_read(&t.dev,
				  VIRTIO_MMIO_CONFIG + offsetof(struct virtio_blk_config,
								write_zeroes_may_unmap),
				  1),
			 1);
	/* nothing past the offered fields */
	assert_int_equal(cfg32(&t, BLK_CONFIG_LEN), 0);
	bc_teardown(&t);
}

/* 2 MiB written in 32 KiB requests, 64 in the ring at once, then read back. */
static void test_write_read_many_in_flight(void **state)
{
	const uint32_t chunk = 32 * 1024, total = 2U << 20, n = total / chunk;
	unsigned int slots[64], i, k, got, inflight_max = 0;
	uint8_t *src = malloc(total), *file = malloc(total);
	uint64_t base_sector = 1001;
	struct bctx t;

	(void)state;
	assert_true(src && file);
	tfe_random(src, total, 99);
	bc_setup(&t, false, DRIVE_CACHE_WRITEBACK);
	bc_probe(&t, BC_FEATURES);
	memcpy(bc_ptr(&t, t.data), src, total);
	for (i = 0; i < n; i++)
		assert_true(bc_add(&t, i, VIRTIO_BLK_T_OUT, base_sector + i * (chunk / 512),
				   t.data + (uint64_t)i * chunk, chunk, i % 3 == 2) >= 0);
	tfe_vq_kick(bc_vq(&t));
	/* the device takes BLK_INFLIGHT at once and the rest as they complete */
	inflight_max = t.b->n;
	assert_int_equal(inflight_max, BLK_INFLIGHT);
	got = bc_wait(&t, n, slots, NULL);
	assert_int_equal(got, n);
	/* used in the order they were made available */
	for (i = 0; i < n; i++) {
		assert_int_equal(slots[i], i);
		assert_int_equal(bc_status(&t, i), VIRTIO_BLK_S_OK);
	}
	bc_image_read(&t, base_sector * 512, file, total);
	assert_memory_equal(file, src, total);

	/* and back, into a zeroed area */
	memset(bc_ptr(&t, t.data), 0, total);
	for (k = 0; k < n; k += 32) {
		for (i = k; i < k + 32; i++)
			assert_true(bc_add(&t, i, VIRTIO_BLK_T_IN, base_sector + i * (chunk / 512),
					   t.data + (uint64_t)i * chunk, chunk, i % 2) >= 0);
		tfe_vq_kick(bc_vq(&t));
		assert_int_equal(bc_wait(&t, 32, slots, NULL), 32);
	}
	assert_memory_equal(bc_ptr(&t, t.data), src, total);
	assert_int_equal(t.b->c.writes, n);
	assert_int_equal(t.b->c.reads, n);
	assert_int_equal(t.b->c.bytes_read, total);
	free(src);
	free(file);
	bc_teardown(&t);
}

/* A request larger than BLK_CHUNK goes in several system calls, in one piece for the driver. */
static void test_large_request(void **state)
{
	const uint32_t len = 3 * BLK_CHUNK + 4096;
	uint8_t *src = malloc(len), *file = malloc(len);
	uint32_t used_len;
	struct bctx t;

	(void)state;
	tfe_random(src, len, 5);
	bc_setup(&t, false, DRIVE_CACHE_WRITETHROUGH);
	bc_probe(&t, BC_FEATURES);
	memcpy(bc_ptr(&t, t.data), src, len);
	assert_int_equal(bc_do(&t, VIRTIO_BLK_T_OUT, 8, t.data, len), VIRTIO_BLK_S_OK);
	bc_image_read(&t, 8 * 512, file, len);
	assert_memory_equal(file, src, len);
	memset(bc_ptr(&t, t.data), 0, len);
	assert_true(bc_add(&t, 1, VIRTIO_BLK_T_IN, 8, t.data, len, false) >= 0);
	tfe_vq_kick(bc_vq(&t));
	assert_int_equal(bc_wait(&t, 1, NULL, &used_len), 1);
	assert_int_equal(bc_status(&t, 1), VIRTIO_BLK_S_OK);
	/* §2.7.8: the data and the status byte were written */
	assert_int_equal(used_len, len + 1);
	assert_memory_equal(bc_ptr(&t, t.data), src, len);
	free(src);
	free(file);
	bc_teardown(&t);
}

static uint8_t wce(struct bctx *t)
{
	return (uint8_t)tfe_read(&t->dev,
				 VIRTIO_MMIO_CONFIG + offsetof(struct virtio_blk_config, wce), 1);
}

static void set_wce(struct bctx *t, uint8_t v)
{
	tfe_write(&t->dev, VIRTIO_MMIO_CONFIG + offsetof(struct virtio_blk_config, wce), 1, v);
}

/* cache= gives the initial wce; CONFIG_WCE lets the driver change it; FLUSH works in each. */
static void test_flush_and_cache_modes(void **state)
{
	static const enum drive_cache modes[] = { DRIVE_CACHE_WRITEBACK, DRIVE_CACHE_WRITETHROUGH,
						  DRIVE_CACHE_NONE };
	unsigned int i;
	struct bctx t;

	(void)state;
	for (i = 0; i < 3; i++) {
		bc_setup(&t, false, modes[i]);
		bc_probe(&t, BC_FEATURES);
		assert_int_equal(wce(&t), modes[i] != DRIVE_CACHE_WRITETHROUGH);
		/* cache=none: O_DIRECT wants 4 KiB; the driver is told so */
		assert_int_equal(cfg32(&t, offsetof(struct virtio_blk_config, blk_size)),
				 modes[i] == DRIVE_CACHE_NONE ? 4096 : 512);
		memset(bc_ptr(&t, t.data), 0x5a, 8192);
		assert_int_equal(bc_do(&t, VIRTIO_BLK_T_OUT, 16, t.data, 8192), VIRTIO_BLK_S_OK);
		assert_int_equal(bc_do(&t, VIRTIO_BLK_T_FLUSH, 0, 0, 0), VIRTIO_BLK_S_OK);
		set_wce(&t, 0);
		assert_int_equal(wce(&t), 0);
		assert_int_equal(bc_do(&t, VIRTIO_BLK_T_OUT, 32, t.data, 4096), VIRTIO_BLK_S_OK);
		set_wce(&t, 1);
		assert_int_equal(wce(&t), 1);
		set_wce(&t, 7); /* not a mode: ignored */
		assert_int_equal(wce(&t), 1);
		assert_int_equal(t.b->c.flushes, 1);
		bc_teardown(&t);
	}
	/* §5.2.5: without FLUSH the device writes through and says so */
	bc_setup(&t, false, DRIVE_CACHE_WRITEBACK);
	bc_probe(&t, BC_FEATURES & ~(1ULL << VIRTIO_BLK_F_FLUSH));
	assert_int_equal(wce(&t), 0);
	set_wce(&t, 1);
	assert_int_equal(wce(&t), 0);
	assert_int_equal(bc_do(&t, VIRTIO_BLK_T_FLUSH, 0, 0, 0), VIRTIO_BLK_S_UNSUPP);
	/* without CONFIG_WCE the field is read-only */
	bc_probe(&t, BC_FEATURES & ~(1ULL << VIRTIO_BLK_F_CONFIG_WCE));
	assert_int_equal(wce(&t), 1);
	set_wce(&t, 0);
	assert_int_equal(wce(&t), 1);
	bc_teardown(&t);
}

static uint64_t image_blocks(struct bctx *t)
{
	struct stat st;

	assert_int_equal(stat(t->path, &st), 0);
	return (uint64_t)st.st_blocks;
}

static void dwz(struct bctx *t, uint32_t type, uint64_t sector, uint32_t n, uint32_t flags,
		uint8_t expect)
{
	struct virtio_blk_discard_write_zeroes s = { .sector = htole64(sector),
						     .num_sectors = htole32(n),
						     .flags = htole32(flags) };

	memcpy(bc_ptr(t, t->data), &s, sizeof(s));
	assert_int_equal(bc_do(t, type, 0, t->data, sizeof(s)), expect);
}

/* DISCARD and WRITE_ZEROES(UNMAP) punch holes; WRITE_ZEROES reads back zero. */
static void test_discard_write_zeroes(void **state)
{
	const uint32_t len = 1 << 20;
	uint8_t *buf = malloc(len), *zero = calloc(1, len);
	uint64_t before;
	struct bctx t;

	(void)state;
	bc_setup(&t, false, DRIVE_CACHE_WRITEBACK);
	bc_probe(&t, BC_FEATURES);
	before = image_blocks(&t);
	dwz(&t, VIRTIO_BLK_T_DISCARD, 0, len / 512, 0, VIRTIO_BLK_S_OK);
	/* a hole where the data was (tmpfs and ext4 both punch holes) */
	assert_true(image_blocks(&t) + (len / 512) / 2 <= before);
	before = image_blocks(&t);
	dwz(&t, VIRTIO_BLK_T_WRITE_ZEROES, 2048, len / 512, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP,
	    VIRTIO_BLK_S_OK);
	assert_true(image_blocks(&t) + (len / 512) / 2 <= before);
	bc_image_read(&t, 2048 * 512, buf, len);
	assert_memory_equal(buf, zero, len);
	dwz(&t, VIRTIO_BLK_T_WRITE_ZEROES, 6144, 8, 0, VIRTIO_BLK_S_OK);
	bc_image_read(&t, 6144 * 512, buf, 8 * 512);
	assert_memory_equal(buf, zero, 8 * 512);
	/* and through the device */
	memset(bc_ptr(&t, t.data), 0xff, 4096);
	assert_int_equal(bc_do(&t, VIRTIO_BLK_T_IN, 6144, t.data, 4096), VIRTIO_BLK_S_OK);
	assert_memory_equal(bc_ptr(&t, t.data), zero, 4096);
	assert_int_equal(t.b->c.discards, 1);
	assert_int_equal(t.b->c.write_zeroes, 2);
	free(buf);
	free(zero);
	bc_teardown(&t);
}

static void test_get_id(void **state)
{
	uint8_t want[20] = "BH-TEST-SERIAL";
	uint32_t len;
	struct bctx t;

	(void)state;
	bc_setup(&t, false, DRIVE_CACHE_WRITEBACK);
	bc_probe(&t, BC_FEATURES);
	memset(bc_ptr(&t, t.data), 0xaa, 64);
	assert_true(bc_add(&t, 0, VIRTIO_BLK_T_GET_ID, 0, t.data, 20, false) >= 0);
	tfe_vq_kick(bc_vq(&t));
	assert_int_equal(bc_wait(&t, 1, NULL, &len), 1);
	assert_int_equal(bc_status(&t, 0), VIRTIO_BLK_S_OK);
	assert_int_equal(len, 21);
	/* NUL-padded to 20 bytes (§5.2.6), nothing beyond */
	assert_memory_equal(bc_ptr(&t, t.data), want, 20);
	assert_int_equal(*(uint8_t *)bc_ptr(&t, t.data + 20), 0xaa);
	bc_teardown(&t);
}

static void test_readonly(void **state)
{
	uint8_t file[4096];
	uint64_t h;
	struct bctx t;

	(void)state;
	bc_setup(&t, true, DRIVE_CACHE_WRITEBACK);
	bc_probe(&t, BC_FEATURES & ~((1ULL << VIRTIO_BLK_F_DISCARD) |
				     (1ULL << VIRTIO_BLK_F_WRITE_ZEROES)));
	assert_true(t.dev.dev_features & (1ULL << VIRTIO_BLK_F_RO));
	assert_false(t.dev.dev_features & (1ULL << VIRTIO_BLK_F_DISCARD));
	assert_false(t.dev.dev_features & (1ULL << VIRTIO_BLK_F_WRITE_ZEROES));
	h = bc_image_hash(&t);
	assert_int_equal(bc_do(&t, VIRTIO_BLK_T_IN, 3, t.data, 4096), VIRTIO_BLK_S_OK);
	bc_image_read(&t, 3 * 512, file, 4096);
	assert_memory_equal(bc_ptr(&t, t.data), file, 4096);
	/* §5.2.6.2: IOERR, and no data written */
	memset(bc_ptr(&t, t.data), 0, 4096);
	assert_int_equal(bc_do(&t, VIRTIO_BLK_T_OUT, 3, t.data, 4096), VIRTIO_BLK_S_IOERR);
	assert_int_equal(bc_image_hash(&t), h);
	bc_teardown(&t);
}

/*
 * A reset while requests run: the device writes nothing into guest memory
 * for them afterwards (the driver owns it again), and works at once.
 */
static void test_reset_with_io_in_flight(void **state)
{
	const uint32_t len = 256 * 1024;
	unsigned int i;
	uint8_t *after = malloc(len);
	struct bctx t;

	(void)state;
	bc_setup(&t, false, DRIVE_CACHE_WRITETHROUGH);
	bc_probe(&t, BC_FEATURES);
	for (i = 0; i < 16; i++)
		assert_true(bc_add(&t, i, VIRTIO_BLK_T_IN, (uint64_t)i * (len / 512),
				   t.data + (uint64_t)i * len, len, false) >= 0);
	tfe_vq_kick(bc_vq(&t));
	tfe_write32(&t.dev, VIRTIO_MMIO_STATUS, 0);
	memset(bc_ptr(&t, t.data), 0x33, 16ULL * len);
	memset(after, 0x33, len);
	/* let every stale read finish */
	for (i = 0; i < 100 && t.b->n_stale; i++)
		el_run_once(&t.loop, 20);
	assert_int_equal(t.b->n_stale, 0);
	for (i = 0; i < 16; i++)
		assert_memory_equal(bc_ptr(&t, t.data + (uint64_t)i * len), after, len);
	bc_probe(&t, BC_FEATURES);
	assert_int_equal(bc_do(&t, VIRTIO_BLK_T_IN, 0, t.data, 4096), VIRTIO_BLK_S_OK);
	assert_int_equal(t.dev.vqs[0].used->idx, 1);
	free(after);
	bc_teardown(&t);
}

/*
 * A ring full of requests answered at once (GET_ID): BLK_POP_BUDGET per
 * notify, the rest deferred to a later turn; more notifies add nothing.
 */
static void test_pop_budget(void **state)
{
	unsigned int i;
	struct bctx t;

	(void)state;
	bc_setup(&t, false, DRIVE_CACHE_WRITEBACK);
	bc_probe(&t, BC_FEATURES);
	for (i = 0; i < 128; i++)
		assert_true(bc_add(&t, i, VIRTIO_BLK_T_GET_ID, 0, t.data + 32ULL * i, 20, true) >=
			    0);
	tfe_write32(&t.dev, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(t.dev.vqs[0].used->idx, BLK_POP_BUDGET);
	for (i = 0; i < 100; i++)
		tfe_write32(&t.dev, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(t.dev.vqs[0].used->idx, BLK_POP_BUDGET);
	mmio_resume(t.m);
	assert_int_equal(t.dev.vqs[0].used->idx, 2 * BLK_POP_BUDGET);
	bc_teardown(&t);
}

/*
 * A restart while requests are in flight: the state is saved, the device
 * freed (its I/O cancelled) and a new one restored on the same drive and
 * ring.  Every request is used exactly once, in order, and the data is
 * right; what the old device had completed but not used is run again.
 */
static void test_restart_in_flight(void **state)
{
	const uint32_t chunk = 32 * 1024;
	const unsigned int n = 96;
	struct blk_opts bo = { .id = "vblk", .serial = "BH-TEST-SERIAL", .access_platform = true };
	uint8_t *src = malloc((size_t)n * chunk), *file = malloc((size_t)n * chunk);
	unsigned int slots[96], got = 0, round, i;
	uint8_t saved[2048];
	size_t len;
	struct bctx t;

	(void)state;
	tfe_random(src, (size_t)n * chunk, 11);
	bc_setup(&t, false, DRIVE_CACHE_WRITEBACK);
	bc_probe(&t, BC_FEATURES);
	memcpy(bc_ptr(&t, t.data), src, (size_t)n * chunk);
	for (i = 0; i < n; i++)
		assert_true(bc_add(&t, i, VIRTIO_BLK_T_OUT, (uint64_t)i * (chunk / 512),
				   t.data + (uint64_t)i * chunk, chunk, true) >= 0);
	tfe_vq_kick(bc_vq(&t));
	for (round = 0; round < 3; round++) {
		if (round)
			el_run_once(&t.loop, 1);
		/* requests are in flight, and the ring is not done */
		assert_true(t.b->n > 0);
		assert_true(t.dev.vqs[0].used->idx < n);
		len = mmio_state_save(t.m, saved, sizeof(saved));
		assert_true(len > 0);
		blk_free(t.b);
		t.b = blk_new(&bo, t.d);
		assert_non_null(t.b);
		t.m = blk_mmio(t.b);
		mmio_attach(t.m, &t.win, &bc_host_ops, &t.irqs);
		assert_int_equal(mmio_state_load(t.m, saved, len), 0);
		t.dev.direct = t.m;
	}
	got = bc_wait(&t, n, slots, NULL);
	assert_int_equal(got, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(slots[i], i);
		assert_int_equal(bc_status(&t, i), VIRTIO_BLK_S_OK);
	}
	/* nothing more comes */
	el_run_once(&t.loop, 50);
	assert_int_equal(t.dev.vqs[0].used->idx, n);
	bc_image_read(&t, 0, file, (size_t)n * chunk);
	assert_memory_equal(file, src, (size_t)n * chunk);
	free(src);
	free(file);
	bc_teardown(&t);
}

/* A restore on an image of another size is refused: a fresh device. */
static void test_restore_other_disk(void **state)
{
	struct blk_opts bo = { .id = "vblk", .access_platform = true };
	uint8_t saved[2048];
	size_t len;
	struct bctx t;

	(void)state;
	bc_setup(&t, false, DRIVE_CACHE_WRITEBACK);
	bc_probe(&t, BC_FEATURES);
	len = mmio_state_save(t.m, saved, sizeof(saved));
	blk_free(t.b);
	assert_int_equal(truncate(t.path, BC_DISK / 2), 0);
	drive_free(t.d);
	{
		struct drive_opts o = { .id = "disk0" };
		char err[256];

		snprintf(o.file, sizeof(o.file), "%s", t.path);
		t.d = drive_new(&t.loop, &o, err, sizeof(err));
		assert_non_null(t.d);
	}
	t.b = blk_new(&bo, t.d);
	t.m = blk_mmio(t.b);
	mmio_attach(t.m, &t.win, &bc_host_ops, &t.irqs);
	assert_true(mmio_state_load(t.m, saved, len) < 0);
	assert_int_equal(t.m->status, 0);
	bc_teardown(&t);
}

/* The image is locked: a second drive on it is refused, naming it. */
static void test_image_locked(void **state)
{
	struct drive_opts o = { .id = "again" };
	char err[256];
	struct bctx t;

	(void)state;
	bc_setup(&t, false, DRIVE_CACHE_WRITEBACK);
	snprintf(o.file, sizeof(o.file), "%s", t.path);
	assert_null(drive_new(&t.loop, &o, err, sizeof(err)));
	assert_non_null(strstr(err, "-drive again"));
	assert_non_null(strstr(err, "in use"));
	/* one device per drive */
	assert_null(blk_new(&(struct blk_opts){ .id = "x" }, t.d));
	bc_teardown(&t);
}

/* ---- a stalled disk ---------------------------------------------------------- */

struct text {
	char buf[64];
	size_t len;
};

static void text_sink(void *ctx, const uint8_t *d, size_t n)
{
	struct text *t = ctx;

	if (t->len + n <= sizeof(t->buf))
		memcpy(t->buf + t->len, d, n);
	t->len += n;
}

struct stall {
	int uffd;
	uint8_t *region;
	size_t len;
};

/*
 * The bounce buffers of every request slot, in memory whose first touch
 * blocks until the test says so (userfaultfd): a pread into them hangs in
 * the kernel like a read from a disk that stopped answering.  Return:
 * false where userfaultfd is not allowed (then the test is skipped).
 */
static bool stall_begin(struct stall *st, struct virtio_blk *b)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	unsigned int i;

	st->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (st->uffd < 0)
		return false;
	assert_int_equal(ioctl(st->uffd, UFFDIO_API, &api), 0);
	st->len = (size_t)BLK_INFLIGHT * BLK_CHUNK;
	st->region =
		mmap(NULL, st->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(st->region != MAP_FAILED);
	reg.range.start = (uintptr_t)st->region;
	reg.range.len = st->len;
	assert_int_equal(ioctl(st->uffd, UFFDIO_REGISTER, &reg), 0);
	for (i = 0; i < BLK_INFLIGHT; i++)
		b->req[i].buf = st->region + (size_t)i * BLK_CHUNK;
	return true;
}

/* The disk answers again: every page is mapped, the blocked reads go on. */
static void stall_end(struct stall *st)
{
	struct uffdio_zeropage zp = { .range = { (uintptr_t)st->region, st->len } };

	assert_int_equal(ioctl(st->uffd, UFFDIO_ZEROPAGE, &zp), 0);
}

static void stall_fini(struct stall *st, struct virtio_blk *b)
{
	unsigned int i;

	for (i = 0; i < BLK_INFLIGHT; i++)
		b->req[i].buf = NULL;
	munmap(st->region, st->len);
	close(st->uffd);
}

/*
 * A disk that stops answering holds only the drive's threads: a console
 * served by the same loop keeps moving bytes both ways, and the device
 * keeps taking requests (they wait); when the disk answers again every
 * request completes with the right data.
 */
static void test_stalled_disk_does_not_stall_console(void **state)
{
	struct chardev_opts co = { .backend = "socket", .id = "c0", .server = true };
	struct console_opts o = { .max_ports = 1, .access_platform = true };
	static const char ping[] = "ping from the host", pong[] = "pong from the guest";
	struct virtio_console *con;
	struct tfe_dev cdev;
	struct tfe_port port;
	struct chardev *cd;
	struct text got = { .len = 0 };
	unsigned int i, round, slots[12];
	uint8_t file[4096];
	struct stall st;
	struct bctx t;
	char buf[64], err[256];
	int client;

	(void)state;
	bc_setup(&t, false, DRIVE_CACHE_WRITEBACK);
	if (!stall_begin(&st, t.b)) {
		print_message("# skipped: userfaultfd not allowed here\n");
		bc_teardown(&t);
		return;
	}
	bc_probe(&t, BC_FEATURES);
	/* the console: same loop, same guest memory, its own register file */
	snprintf(co.path, sizeof(co.path), "/tmp/dm-blk-%d-con.sock", (int)getpid());
	unlink(co.path);
	cd = chardev_new(&t.loop, &co, err, sizeof(err));
	assert_non_null(cd);
	snprintf(o.id, sizeof(o.id), "vc0");
	con = console_new(&o);
	assert_non_null(con);
	console_add_port(con, 0, cd, true, NULL);
	mmio_attach(console_mmio(con), &t.win, &bc_host_ops, &t.irqs);
	tfe_dev_init(&cdev, NULL, 0, console_mmio(con), &t.mem);
	assert_int_equal(tfe_probe(&cdev, (1ULL << VIRTIO_F_VERSION_1) |
						  (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
						  (1ULL << VIRTIO_RING_F_EVENT_IDX)),
			 0);
	assert_int_equal(tfe_vq_setup(&cdev, 0, 64), 0);
	assert_int_equal(tfe_vq_setup(&cdev, 1, 64), 0);
	tfe_driver_ok(&cdev);
	assert_int_equal(tfe_port_init(&port, &cdev, 0, 1, 1024), 0);
	client = tfe_unix_connect(co.path, 2000);
	assert_true(client >= 0);

	/* 12 reads: 4 hang in the drive's threads, 8 wait behind them */
	for (i = 0; i < 12; i++)
		assert_true(bc_add(&t, i, VIRTIO_BLK_T_IN, 8ULL * i, t.data + 4096ULL * i, 4096,
				   true) >= 0);
	tfe_vq_kick(bc_vq(&t));
	assert_int_equal(t.b->n, 12);
	for (round = 0; round < 20; round++) {
		struct pollfd pfd = { .fd = client, .events = POLLIN };

		uint64_t end = dm_now_ns() + BC_TIMEOUT_MS * 1000000ULL;

		got.len = 0;
		assert_int_equal(write(client, ping, sizeof(ping) - 1),
				 (ssize_t)(sizeof(ping) - 1));
		while (got.len < sizeof(ping) - 1 && dm_now_ns() < end) {
			el_run_once(&t.loop, 50);
			tfe_port_poll_rx(&port, text_sink, &got);
		}
		assert_int_equal(got.len, sizeof(ping) - 1);
		assert_memory_equal(got.buf, ping, sizeof(ping) - 1);
		/* the disk still hangs */
		assert_int_equal(bc_vq(&t)->used->idx, 0);
		assert_int_equal(tfe_port_send(&port, pong, sizeof(pong) - 1), sizeof(pong) - 1);
		tfe_vq_kick(port.tx);
		el_run_once(&t.loop, 100);
		assert_int_equal(poll(&pfd, 1, 2000), 1);
		assert_int_equal(read(client, buf, sizeof(buf)), (ssize_t)(sizeof(pong) - 1));
		assert_memory_equal(buf, pong, sizeof(pong) - 1);
		tfe_port_reap_tx(&port);
	}
	assert_int_equal(bc_vq(&t)->used->idx, 0);
	stall_end(&st);
	assert_int_equal(bc_wait(&t, 12, slots, NULL), 12);
	for (i = 0; i < 12; i++) {
		assert_int_equal(slots[i], i);
		assert_int_equal(bc_status(&t, i), VIRTIO_BLK_S_OK);
		bc_image_read(&t, 4096ULL * i, file, sizeof(file));
		assert_memory_equal(bc_ptr(&t, t.data + 4096ULL * i), file, sizeof(file));
	}
	close(client);
	console_free(con);
	chardev_free(cd);
	unlink(co.path);
	stall_fini(&st, t.b);
	bc_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_and_features),
		cmocka_unit_test(test_write_read_many_in_flight),
		cmocka_unit_test(test_large_request),
		cmocka_unit_test(test_flush_and_cache_modes),
		cmocka_unit_test(test_discard_write_zeroes),
		cmocka_unit_test(test_get_id),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_reset_with_io_in_flight),
		cmocka_unit_test(test_pop_budget),
		cmocka_unit_test(test_restart_in_flight),
		cmocka_unit_test(test_restore_other_disk),
		cmocka_unit_test(test_image_locked),
		cmocka_unit_test(test_stalled_disk_does_not_stall_console),
	};

	signal(SIGPIPE, SIG_IGN);
	dm_log_set_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
