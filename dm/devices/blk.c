// SPDX-License-Identifier: MIT
/*
 * virtio-blk (virtio v1.2 §5.2) on a -drive.
 *
 * A request chain is a 16-byte header (device-readable), its data, and one
 * status byte: the last device-writable byte (§5.2.6).  The header may be
 * split anywhere; nothing is assumed about the descriptor layout
 * (§5.2.6.4).  Each request is taken apart and checked once, on the loop
 * thread (blk_parse()), then its I/O goes to the drive's worker threads in
 * chunks of at most BLK_CHUNK bytes through the request's bounce buffer:
 * the workers never touch guest memory (Device memory under uio, and the
 * driver's to reclaim after a reset), and the guest cannot change data
 * between the check and the write.
 *
 * Up to BLK_INFLIGHT requests run at once, but they are used in the order
 * they were popped: a restarted model resumes at used->idx (vq_restore()),
 * which is only right when everything before it is done
 * (docs/device-model.md "virtio-blk").
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dm/blk.h"

#define BLK_REQ(io) ((struct blk_req *)((char *)(io)-offsetof(struct blk_req, io)))

static const struct dm_window *blk_win(struct virtio_blk *b)
{
	return b->mmio.win;
}

static bool blk_has(const struct virtio_blk *b, unsigned int bit)
{
	return b->mmio.driver_features & (1ULL << bit);
}

/* The driver sees a volatile cache (§5.2.5: wce, only with FLUSH). */
static bool blk_writeback(const struct virtio_blk *b)
{
	return b->config.wce;
}

/* ---- parsing (§5.2.6) -------------------------------------------------------- */

static int blk_bad(struct virtio_blk *b, int status, const char *why, uint32_t type)
{
	dm_log_rl(&b->mmio.rl, "%s: request type %u answered %s: %s", b->mmio.name, type,
		  status == VIRTIO_BLK_S_UNSUPP ? "UNSUPP" : "IOERR", why);
	return status;
}

/* [sector, sector + bytes/512) inside the disk, and aligned for O_DIRECT. */
static int blk_range(struct virtio_blk *b, uint64_t sector, uint64_t bytes, uint32_t type)
{
	uint64_t n = bytes >> BLK_SECTOR_BITS;
	uint64_t align = b->drive->align;

	if (bytes % BLK_SECTOR)
		return blk_bad(b, VIRTIO_BLK_S_IOERR, "length not a multiple of 512", type);
	if (sector > b->capacity || n > b->capacity - sector)
		return blk_bad(b, VIRTIO_BLK_S_IOERR, "beyond the capacity", type);
	if (align > 1 && (((sector << BLK_SECTOR_BITS) | bytes) & (align - 1)))
		return blk_bad(b, VIRTIO_BLK_S_IOERR, "not aligned to blk_size (cache=none)", type);
	return VIRTIO_BLK_S_OK;
}

static int blk_parse_dwz(struct virtio_blk *b, const struct vq_chain *c, size_t extra_out,
			 struct blk_parsed *p)
{
	unsigned int i;

	if (!extra_out || extra_out % sizeof(p->seg[0]))
		return blk_bad(b, VIRTIO_BLK_S_IOERR, "segments not a multiple of 16 bytes",
			       p->type);
	if (extra_out / sizeof(p->seg[0]) > BLK_DWZ_SEG_MAX)
		return blk_bad(b, VIRTIO_BLK_S_IOERR, "more segments than max_*_seg", p->type);
	p->n_seg = (unsigned int)(extra_out / sizeof(p->seg[0]));
	/* copy first: the guest may change the segments under us */
	window_iov_read(blk_win(b), c->iov, c->n_out, sizeof(struct virtio_blk_outhdr), p->seg,
			extra_out);
	for (i = 0; i < p->n_seg; i++) {
		struct virtio_blk_discard_write_zeroes *s = &p->seg[i];

		s->sector = le64toh(s->sector);
		s->num_sectors = le32toh(s->num_sectors);
		s->flags = le32toh(s->flags);
		/* §5.2.6.2: unknown flags, and unmap on a discard, are UNSUPP */
		if (s->flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)
			return blk_bad(b, VIRTIO_BLK_S_UNSUPP, "unknown segment flags", p->type);
		if (p->type == VIRTIO_BLK_T_DISCARD && s->flags)
			return blk_bad(b, VIRTIO_BLK_S_UNSUPP, "unmap flag on a discard", p->type);
		if (s->num_sectors > BLK_DWZ_SECTORS_MAX)
			return blk_bad(b, VIRTIO_BLK_S_IOERR, "segment above max_*_sectors",
				       p->type);
		int st = blk_range(b, s->sector, (uint64_t)s->num_sectors << BLK_SECTOR_BITS,
				   p->type);
		if (st)
			return st;
	}
	return VIRTIO_BLK_S_OK;
}

static int blk_parse_type(struct virtio_blk *b, const struct vq_chain *c, size_t extra_out,
			  size_t extra_in, struct blk_parsed *p)
{
	bool ro = b->drive->readonly;

	switch (p->type) {
	case VIRTIO_BLK_T_IN:
		if (extra_out)
			return blk_bad(b, VIRTIO_BLK_S_IOERR, "read with device-readable data",
				       p->type);
		p->data_len = extra_in;
		return blk_range(b, p->sector, p->data_len, p->type);
	case VIRTIO_BLK_T_OUT:
		/* §5.2.6.2: a write to a read-only device is IOERR, no data written */
		if (ro)
			return blk_bad(b, VIRTIO_BLK_S_IOERR, "write to a read-only disk", p->type);
		if (extra_in)
			return blk_bad(b, VIRTIO_BLK_S_IOERR, "write with device-writable data",
				       p->type);
		p->data_len = extra_out;
		return blk_range(b, p->sector, p->data_len, p->type);
	case VIRTIO_BLK_T_FLUSH:
		if (!blk_has(b, VIRTIO_BLK_F_FLUSH))
			return blk_bad(b, VIRTIO_BLK_S_UNSUPP, "FLUSH not negotiated", p->type);
		if (extra_out || extra_in)
			return blk_bad(b, VIRTIO_BLK_S_IOERR, "flush with data", p->type);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		if (extra_out || !extra_in)
			return blk_bad(b, VIRTIO_BLK_S_IOERR, "GET_ID without a writable buffer",
				       p->type);
		p->data_len = extra_in < BLK_SERIAL_MAX ? extra_in : BLK_SERIAL_MAX;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (!blk_has(b, p->type == VIRTIO_BLK_T_DISCARD ? VIRTIO_BLK_F_DISCARD
								: VIRTIO_BLK_F_WRITE_ZEROES))
			return blk_bad(b, VIRTIO_BLK_S_UNSUPP, "feature not negotiated", p->type);
		if (ro)
			return blk_bad(b, VIRTIO_BLK_S_IOERR, "write to a read-only disk", p->type);
		if (extra_in)
			return blk_bad(b, VIRTIO_BLK_S_IOERR, "device-writable data", p->type);
		return blk_parse_dwz(b, c, extra_out, p);
	default:
		return blk_bad(b, VIRTIO_BLK_S_UNSUPP, "unknown or not offered", p->type);
	}
}

int blk_parse(struct virtio_blk *b, const struct vq_chain *c, struct blk_parsed *p)
{
	struct virtio_blk_outhdr hdr;

	memset(p, 0, offsetof(struct blk_parsed, seg));
	/* without a status byte or a header there is no way to answer */
	if (!c->in_len || c->out_len < sizeof(hdr))
		return -EINVAL;
	window_iov_read(blk_win(b), c->iov, c->n_out, 0, &hdr, sizeof(hdr));
	p->type = le32toh(hdr.type);
	p->sector = le64toh(hdr.sector);
	return blk_parse_type(b, c, c->out_len - sizeof(hdr), c->in_len - 1, p);
}

/* ---- requests ---------------------------------------------------------------- */

static void blk_count(struct virtio_blk *b, const struct blk_req *r, uint8_t status)
{
	if (status == VIRTIO_BLK_S_IOERR) {
		b->c.ioerr++;
		return;
	}
	if (status == VIRTIO_BLK_S_UNSUPP) {
		b->c.unsupp++;
		return;
	}
	switch (r->p.type) {
	case VIRTIO_BLK_T_IN:
		b->c.reads++;
		b->c.bytes_read += r->p.data_len;
		break;
	case VIRTIO_BLK_T_OUT:
		b->c.writes++;
		b->c.bytes_written += r->p.data_len;
		break;
	case VIRTIO_BLK_T_FLUSH:
		b->c.flushes++;
		break;
	case VIRTIO_BLK_T_GET_ID:
		b->c.get_ids++;
		break;
	case VIRTIO_BLK_T_DISCARD:
		b->c.discards++;
		break;
	default:
		b->c.write_zeroes++;
	}
}

/* Write the status byte, the last writable one (§5.2.6), and mark it done. */
static void blk_finish(struct virtio_blk *b, struct blk_req *r, uint8_t status)
{
	const struct vq_chain *c = &r->chain;

	window_iov_write(blk_win(b), c->iov + c->n_out, c->n_in, c->in_len - 1, &status, 1);
	/* §2.7.8: len = bytes written: the data a read put there, and the status */
	r->used_len = (uint32_t)(r->p.type == VIRTIO_BLK_T_IN || r->p.type == VIRTIO_BLK_T_GET_ID
					 ? r->done + 1
					 : 1);
	blk_count(b, r, status);
	r->finished = true;
}

static size_t blk_chunk(const struct blk_req *r)
{
	uint64_t left = r->p.data_len - r->done;

	return left < BLK_CHUNK ? (size_t)left : BLK_CHUNK;
}

/* Submit the next system call of @r.  Return: false when nothing was left. */
static bool blk_next_io(struct virtio_blk *b, struct blk_req *r)
{
	const struct vq_chain *c = &r->chain;
	struct drive_io *io = &r->io;
	const struct virtio_blk_discard_write_zeroes *s;

	io->sync = !blk_writeback(b);
	switch (r->p.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		if (r->done == r->p.data_len)
			return false;
		io->op = r->p.type == VIRTIO_BLK_T_IN ? DRIVE_READ : DRIVE_WRITE;
		io->off = (r->p.sector << BLK_SECTOR_BITS) + r->done;
		io->len = blk_chunk(r);
		io->buf = r->buf;
		if (io->op == DRIVE_WRITE)
			window_iov_read(blk_win(b), c->iov, c->n_out,
					sizeof(struct virtio_blk_outhdr) + r->done, r->buf,
					io->len);
		break;
	case VIRTIO_BLK_T_FLUSH:
		if (r->done)
			return false;
		io->op = DRIVE_FLUSH;
		io->len = 1; /* one step */
		break;
	default: /* discard, write zeroes: one segment per step */
		if (r->done == r->p.n_seg)
			return false;
		s = &r->p.seg[r->done];
		io->op = r->p.type == VIRTIO_BLK_T_DISCARD ? DRIVE_DISCARD
			 : s->flags			   ? DRIVE_ZERO_UNMAP
							   : DRIVE_ZERO;
		io->off = s->sector << BLK_SECTOR_BITS;
		io->len = (uint64_t)s->num_sectors << BLK_SECTOR_BITS;
		io->sync = io->sync && io->op != DRIVE_DISCARD;
		if (!io->len) {
			r->done++;
			return blk_next_io(b, r);
		}
		break;
	}
	drive_submit(b->drive, io);
	return true;
}

static void blk_io_done(struct drive_io *io)
{
	struct blk_req *r = BLK_REQ(io);
	struct virtio_blk *b = r->b;
	const struct vq_chain *c = &r->chain;

	if (r->gen != b->gen) {
		/* the driver reset the device meanwhile: its memory is not ours */
		r->finished = true;
		b->n_stale--;
		return;
	}
	if (io->ret < 0) {
		dm_log_rl(&b->mmio.rl, "%s: -drive %s: I/O error at byte %llu: errno %d",
			  b->mmio.name, b->drive->id, (unsigned long long)io->off, -io->ret);
		blk_finish(b, r, VIRTIO_BLK_S_IOERR);
		return;
	}
	if (r->p.type == VIRTIO_BLK_T_IN)
		window_iov_write(blk_win(b), c->iov + c->n_out, c->n_in, r->done, r->buf, io->len);
	r->done += r->p.type == VIRTIO_BLK_T_IN || r->p.type == VIRTIO_BLK_T_OUT ? io->len : 1;
	if (!blk_next_io(b, r))
		blk_finish(b, r, VIRTIO_BLK_S_OK);
}

static void blk_get_id(struct virtio_blk *b, struct blk_req *r)
{
	const struct vq_chain *c = &r->chain;
	uint8_t id[BLK_SERIAL_MAX];

	/* §5.2.6: up to 20 bytes, NUL-padded when shorter */
	memcpy(id, b->serial, sizeof(id));
	window_iov_write(blk_win(b), c->iov + c->n_out, c->n_in, 0, id, r->p.data_len);
	r->done = r->p.data_len;
	blk_finish(b, r, VIRTIO_BLK_S_OK);
}

/* Start a popped request; @st is what blk_parse() said of it. */
static void blk_start(struct virtio_blk *b, struct blk_req *r, int st)
{
	r->done = 0;
	if (st) {
		blk_finish(b, r, (uint8_t)st);
		return;
	}
	if (r->p.type == VIRTIO_BLK_T_GET_ID) {
		blk_get_id(b, r);
		return;
	}
	if (!r->buf && posix_memalign((void **)&r->buf, b->drive->align > 64 ? b->drive->align : 64,
				      BLK_CHUNK)) {
		r->buf = NULL;
		dm_log_rl(&b->mmio.rl, "%s: no memory for a bounce buffer", b->mmio.name);
		blk_finish(b, r, VIRTIO_BLK_S_IOERR);
		return;
	}
	if (!blk_next_io(b, r))
		blk_finish(b, r, VIRTIO_BLK_S_OK); /* nothing to move: a zero-length request */
}

/* Return finished requests to the driver, strictly in pop order. */
static void blk_retire(struct virtio_blk *b)
{
	struct virtio_mmio *m = &b->mmio;
	struct virtqueue *vq = mmio_vq(m, 0);
	struct vring_used_elem used[BLK_INFLIGHT];
	bool live = vq && mmio_live(m);
	unsigned int k = 0;

	while (b->n) {
		struct blk_req *r = &b->req[b->first];

		if (!r->finished)
			break;
		if (r->gen == b->gen) {
			if (!live)
				break;
			used[k].id = r->chain.head;
			used[k].len = r->used_len;
			k++;
		}
		b->first = (b->first + 1) % BLK_INFLIGHT;
		b->n--;
	}
	if (k) {
		vq_push_n(vq, used, k);
		mmio_used_notify(m, vq);
	}
}

/*
 * Pop and start requests until the ring is empty, BLK_INFLIGHT run, or the
 * budget is spent (then the rest waits for a later loop turn).  Requests of
 * a generation before the last reset must end first: their writes may still
 * land, and a new request must not race them.
 */
static void blk_process(struct virtio_blk *b)
{
	struct virtio_mmio *m = &b->mmio;
	struct virtqueue *vq = mmio_vq(m, 0);
	unsigned int budget = BLK_POP_BUDGET;

	blk_retire(b);
	if (!vq || !mmio_live(m) || b->n_stale)
		return;
	while (!m->broken) {
		struct blk_req *r;
		int ret;

		/* requests answered at once free their slots here */
		if (b->n == BLK_INFLIGHT)
			blk_retire(b);
		if (b->n == BLK_INFLIGHT)
			break;
		r = &b->req[(b->first + b->n) % BLK_INFLIGHT];
		if (!budget--) {
			mmio_defer(m, 0);
			break;
		}
		ret = mmio_vq_pop(m, vq, &r->chain, "requestq");
		if (ret <= 0)
			break;
		ret = blk_parse(b, &r->chain, &r->p);
		if (ret < 0) {
			mmio_needs_reset(m, "request without a status byte or a complete header",
					 ret);
			break;
		}
		b->n++;
		r->gen = b->gen;
		r->finished = false;
		blk_start(b, r, ret);
	}
	blk_retire(b);
}

static void blk_drained(void *owner)
{
	blk_process(owner);
}

/* ---- virtio_dev_ops ------------------------------------------------------------ */

static uint8_t blk_wce_default(const struct virtio_blk *b)
{
	return b->drive->cache != DRIVE_CACHE_WRITETHROUGH;
}

static int blk_features_ok(void *dev, uint64_t features)
{
	struct virtio_blk *b = dev;

	/* §5.2.5: without FLUSH the driver cannot flush: write through */
	if (!(features & (1ULL << VIRTIO_BLK_F_FLUSH)))
		b->config.wce = 0;
	return 0;
}

static void blk_driver_ok(void *dev)
{
	blk_process(dev);
}

static void blk_notify(void *dev, unsigned int q)
{
	(void)q;
	blk_process(dev);
}

static void blk_reset(void *dev)
{
	struct virtio_blk *b = dev;
	unsigned int i;

	/* every request still running is of an earlier generation now */
	b->gen++;
	b->n_stale = 0;
	for (i = 0; i < b->n; i++)
		if (!b->req[(b->first + i) % BLK_INFLIGHT].finished)
			b->n_stale++;
	blk_retire(b);
	b->config.wce = blk_wce_default(b);
}

/* §5.2.4: wce is the one writable field, with CONFIG_WCE (§5.2.5). */
static void blk_config_write(void *dev, uint32_t off, uint32_t size, uint32_t val)
{
	struct virtio_blk *b = dev;

	if (off != offsetof(struct virtio_blk_config, wce) || size != 1 ||
	    !blk_has(b, VIRTIO_BLK_F_CONFIG_WCE) || val > 1 ||
	    (val && !blk_has(b, VIRTIO_BLK_F_FLUSH))) {
		dm_log_rl(&b->mmio.rl, "%s: config write of %u bytes at %u (0x%x) ignored",
			  b->mmio.name, size, off, val);
		return;
	}
	b->config.wce = (uint8_t)val;
}

/*
 * Restorable state: what the rings do not say.  Requests popped and not
 * used are popped again by the next model and run again: each is
 * idempotent, and none was seen complete (docs/device-model.md).  The
 * disk's shape is kept to refuse a model started on another image size.
 */
struct blk_saved {
	uint64_t capacity;
	uint32_t blk_size;
	uint8_t wce, ro;
	uint16_t flags; /* reserved, 0 */
	struct blk_counters c;
};

_Static_assert(sizeof(struct blk_saved) == 16 + 10 * 8, "blk_saved has no holes");

static size_t blk_save(void *dev, void *buf, size_t len)
{
	struct virtio_blk *b = dev;
	struct blk_saved st;

	if (len < sizeof(st))
		return 0;
	memset(&st, 0, sizeof(st));
	st.capacity = b->capacity;
	st.blk_size = le32toh(b->config.blk_size);
	st.wce = b->config.wce;
	st.ro = b->drive->readonly;
	st.c = b->c;
	memcpy(buf, &st, sizeof(st));
	return sizeof(st);
}

static int blk_load(void *dev, const void *buf, size_t len)
{
	struct virtio_blk *b = dev;
	struct blk_saved st;

	if (len != sizeof(st))
		return -EINVAL;
	memcpy(&st, buf, sizeof(st));
	if (st.flags || st.wce > 1 || st.capacity != b->capacity ||
	    st.blk_size != le32toh(b->config.blk_size) || st.ro != b->drive->readonly) {
		dm_log("%s: saved state is for another disk (%llu sectors, blk_size %u%s)",
		       b->mmio.name, (unsigned long long)st.capacity, st.blk_size,
		       st.ro ? ", read-only" : "");
		return -EINVAL;
	}
	b->config.wce = st.wce;
	b->c = st.c;
	return 0;
}

static const struct virtio_dev_ops blk_ops = {
	.features_ok = blk_features_ok,
	.driver_ok = blk_driver_ok,
	.notify = blk_notify,
	.reset = blk_reset,
	.config_write = blk_config_write,
	.save = blk_save,
	.load = blk_load,
};

/* ---- setup ----------------------------------------------------------------------- */

static uint64_t blk_features(const struct blk_opts *o, const struct drive *d)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_EVENT_IDX) |
		     (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
		     (1ULL << VIRTIO_BLK_F_BLK_SIZE) | (1ULL << VIRTIO_BLK_F_FLUSH) |
		     (1ULL << VIRTIO_BLK_F_CONFIG_WCE);

	if (d->readonly)
		f |= 1ULL << VIRTIO_BLK_F_RO;
	else
		f |= (1ULL << VIRTIO_BLK_F_DISCARD) | (1ULL << VIRTIO_BLK_F_WRITE_ZEROES);
	if (o->access_platform)
		f |= 1ULL << VIRTIO_F_ACCESS_PLATFORM;
	return f;
}

static void blk_config_init(struct virtio_blk *b)
{
	struct virtio_blk_config *cf = &b->config;
	uint32_t bs = b->drive->align > BLK_SECTOR ? (uint32_t)b->drive->align : BLK_SECTOR;

	cf->capacity = htole64(b->capacity);
	cf->seg_max = htole32(BLK_SEG_MAX);
	cf->blk_size = htole32(bs);
	cf->wce = blk_wce_default(b);
	cf->num_queues = htole16(1);
	cf->max_discard_sectors = htole32(BLK_DWZ_SECTORS_MAX);
	cf->max_discard_seg = htole32(BLK_DWZ_SEG_MAX);
	cf->discard_sector_alignment = htole32(bs / BLK_SECTOR);
	cf->max_write_zeroes_sectors = htole32(BLK_DWZ_SECTORS_MAX);
	cf->max_write_zeroes_seg = htole32(BLK_DWZ_SEG_MAX);
	cf->write_zeroes_may_unmap = 1;
}

struct virtio_blk *blk_new(const struct blk_opts *o, struct drive *d)
{
	struct virtio_blk *b;
	const char *src;
	unsigned int i;

	if (!d || d->owner)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->drive = d;
	b->capacity = d->size >> BLK_SECTOR_BITS;
	/* NUL-padded to 20 bytes; a 20-byte serial has no NUL (§5.2.6) */
	src = o->serial[0] ? o->serial : d->id;
	memcpy(b->serial, src, strnlen(src, sizeof(b->serial)));
	for (i = 0; i < BLK_INFLIGHT; i++)
		b->req[i].b = b;
	for (i = 0; i < BLK_INFLIGHT; i++)
		b->req[i].io.done = blk_io_done;
	blk_config_init(b);
	if (mmio_init(&b->mmio, o->id[0] ? o->id : "virtio-blk", VIRTIO_ID_BLOCK, &blk_ops, b,
		      BLK_NQUEUES, BLK_QUEUE_SIZE, blk_features(o, d), (const uint8_t *)&b->config,
		      BLK_CONFIG_LEN)) {
		free(b);
		return NULL;
	}
	/* Under a restricted DMA pool the window is all the device sees. */
	if (o->access_platform)
		b->mmio.required_features |= 1ULL << VIRTIO_F_ACCESS_PLATFORM;
	d->owner = b;
	d->drained = blk_drained;
	return b;
}

void blk_free(struct virtio_blk *b)
{
	unsigned int i;

	if (!b)
		return;
	drive_cancel(b->drive);
	b->drive->owner = NULL;
	b->drive->drained = NULL;
	mmio_fini(&b->mmio);
	for (i = 0; i < BLK_INFLIGHT; i++)
		free(b->req[i].buf);
	free(b);
}
