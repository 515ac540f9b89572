// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the virtio-blk device: its request parser
 * (blk_parse(): header, data direction, status byte, ranges, discard and
 * write-zeroes segments), the chunked I/O through the bounce buffers and
 * the in-order use of requests, behind the real register file, on a drive
 * whose image is a 1 MiB memfd (hole punching works there, zeroing a range
 * falls back to writing zeroes: both paths run).  The guest window is
 * allocated with exactly its size, so ASan reports any byte touched
 * outside it.
 *
 * Input: [0] mode (0: ring image, 1: register sequence, 2: saved device
 * state), [1] bit0 EVENT_IDX, bit1 INDIRECT_DESC, bit2 window in device
 * mode, bit3 the read-only drive, bit4 FLUSH, bit5 DISCARD, bit6
 * WRITE_ZEROES, bit7 CONFIG_WCE, [2] log2 queue size, [3] reserved, then
 * the window image (ring mode), 8-byte register ops (register mode) or
 * 4*[3] bytes of state then the image (state mode).  Ring mode: the queue
 * is at 0x0 / 0x1000 / 0x2000 (desc / avail / used); the first half of the
 * rest is the image, the second half is then XORed over it (the guest
 * rewrites its rings and requests) and the queue notified again.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <linux/virtio_config.h>

#include "dm/blk.h"
#include "dm/log.h"
#include "dm/mmio.h"

#include "fuzz_mmio.h"

#define FUZZ_BASE  0x40000000ULL
#define FUZZ_WIN   (64U << 10)
#define FUZZ_HEAD  4 /* bytes before the image */
#define FUZZ_IMAGE (1U << 20)
#define FUZZ_TURNS 64

struct fuzz_blk {
	struct event_loop loop;
	struct drive *d[2];
	struct virtio_blk *b[2]; /* read-write, read-only */
};

static struct drive *fuzz_drive(struct event_loop *loop, const char *id, bool ro)
{
	struct drive_opts o = { .readonly = ro };
	char err[256];
	struct drive *d;
	int fd = memfd_create(id, MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, FUZZ_IMAGE))
		abort();
	snprintf(o.id, sizeof(o.id), "%s", id);
	snprintf(o.file, sizeof(o.file), "/proc/self/fd/%d", fd);
	d = drive_new(loop, &o, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	close(fd); /* the drive has its own */
	return d;
}

/* Two devices for the whole run; each input starts with a reset. */
static struct fuzz_blk *fuzz_blk_get(void)
{
	static struct fuzz_blk f;
	struct blk_opts o = { .id = "fuzz-blk", .serial = "fuzz" };
	unsigned int i;

	if (f.b[0])
		return &f;
	if (el_init(&f.loop))
		abort();
	f.d[0] = fuzz_drive(&f.loop, "fuzz-rw", false);
	f.d[1] = fuzz_drive(&f.loop, "fuzz-ro", true);
	for (i = 0; i < 2; i++) {
		f.b[i] = blk_new(&o, f.d[i]);
		if (!f.b[i])
			abort();
	}
	return &f;
}

/* Requests whose I/O has not ended yet. */
static unsigned int fuzz_running(const struct virtio_blk *b)
{
	unsigned int i, n = 0;

	for (i = 0; i < b->n; i++)
		n += !b->req[(b->first + i) % BLK_INFLIGHT].finished;
	return n;
}

/* Until the I/O of every request the device took has ended (or the turns run out). */
static void fuzz_turns(struct fuzz_blk *f, struct virtio_blk *b)
{
	unsigned int turn;

	for (turn = 0; turn < FUZZ_TURNS; turn++) {
		bool more = mmio_resume(blk_mmio(b));

		if (!fuzz_running(b) && !more)
			break;
		el_run_once(&f->loop, fuzz_running(b) ? 100 : 0);
	}
}

static uint64_t fuzz_features(uint8_t bits)
{
	uint64_t feat = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
			(1ULL << VIRTIO_BLK_F_BLK_SIZE);

	if (bits & 1)
		feat |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
	if (bits & 2)
		feat |= 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	if (bits & 0x10)
		feat |= 1ULL << VIRTIO_BLK_F_FLUSH;
	if (bits & 0x20)
		feat |= 1ULL << VIRTIO_BLK_F_DISCARD;
	if (bits & 0x40)
		feat |= 1ULL << VIRTIO_BLK_F_WRITE_ZEROES;
	if (bits & 0x80)
		feat |= 1ULL << VIRTIO_BLK_F_CONFIG_WCE;
	if (bits & 8)
		feat |= 1ULL << VIRTIO_BLK_F_RO;
	return feat;
}

/* Linux's probe, written straight into the register file. */
static void fuzz_probe(struct virtio_mmio *m, const uint8_t *data)
{
	fuzz_mmio_features(m, fuzz_features(data[1]));
	fuzz_mmio_queue(m, 0, 1U << (data[2] % 9), FUZZ_BASE, 0x1000);
	mmio_write(m, VIRTIO_MMIO_STATUS, 4, 0xf); /* + DRIVER_OK */
}

static void fuzz_ring(struct fuzz_blk *f, struct virtio_blk *b, const uint8_t *data, size_t size,
		      uint8_t *win)
{
	struct virtio_mmio *m = blk_mmio(b);
	size_t img = size - FUZZ_HEAD, half = img / 2;

	memcpy(win, data + FUZZ_HEAD, half < FUZZ_WIN ? half : FUZZ_WIN);
	fuzz_probe(m, data);
	mmio_write(m, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0);
	fuzz_turns(f, b);
	fuzz_window_rewrite(win, FUZZ_WIN, data + FUZZ_HEAD + half, img - half);
	mmio_write(m, VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0);
	fuzz_turns(f, b);
}

/* register ops (fuzz_mmio.h); flags bit6: the device runs its turns */
static void fuzz_regs(struct fuzz_blk *f, struct virtio_blk *b, const uint8_t *data, size_t size,
		      uint8_t *win)
{
	size_t i;
	uint32_t val;

	for (i = FUZZ_HEAD; i + FUZZ_OP_BYTES <= size; i += FUZZ_OP_BYTES)
		if (fuzz_mmio_op(blk_mmio(b), data + i, win, FUZZ_WIN, FUZZ_BASE, &val) & 0x40)
			fuzz_turns(f, b);
	fuzz_turns(f, b);
}

/* A hostile saved state, restored as a restarted model does, then run. */
static void fuzz_state(struct fuzz_blk *f, struct virtio_blk *b, const uint8_t *data, size_t size,
		       uint8_t *win)
{
	if (!fuzz_mmio_restore(blk_mmio(b), data + FUZZ_HEAD, size - FUZZ_HEAD, 4U * data[3], win,
			       FUZZ_WIN))
		return;
	mmio_write(blk_mmio(b), VIRTIO_MMIO_QUEUE_NOTIFY, 4, 0);
	fuzz_turns(f, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_blk *f;
	struct virtio_blk *b;
	struct dm_window w;
	unsigned int turn;
	uint8_t *win;

	if (size < FUZZ_HEAD)
		return 0;
	dm_log_set_quiet(1);
	f = fuzz_blk_get();
	b = f->b[(data[1] >> 3) & 1];
	win = calloc(1, FUZZ_WIN);
	if (!win)
		return 0;
	window_init(&w, FUZZ_BASE, FUZZ_WIN, win);
	window_set_device(&w, data[1] & 4);
	mmio_write(blk_mmio(b), VIRTIO_MMIO_STATUS, 4, 0);
	mmio_attach(blk_mmio(b), &w, NULL, NULL);
	switch (data[0] % 3) {
	case 0:
		fuzz_ring(f, b, data, size, win);
		break;
	case 1:
		fuzz_regs(f, b, data, size, win);
		break;
	default:
		fuzz_state(f, b, data, size, win);
		break;
	}
	/*
	 * Nothing may point into this window after it is gone: a reset, and
	 * the requests it left running end (they touch no guest memory now).
	 */
	mmio_write(blk_mmio(b), VIRTIO_MMIO_STATUS, 4, 0);
	for (turn = 0; turn < FUZZ_TURNS && b->n; turn++)
		el_run_once(&f->loop, 100);
	if (b->n)
		abort(); /* a request that never ends: a hang in the making */
	mmio_attach(blk_mmio(b), NULL, NULL, NULL);
	free(win);
	return 0;
}
