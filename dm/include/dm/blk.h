/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk device (virtio v1.2 §5.2): one request queue on a -drive
 * (dm/drive.h).  Offered: VERSION_1, ACCESS_PLATFORM, EVENT_IDX,
 * INDIRECT_DESC, SEG_MAX, BLK_SIZE, FLUSH, CONFIG_WCE, GET_ID (no feature
 * bit), and, on a writable drive, DISCARD and WRITE_ZEROES; RO on a
 * read-only one.
 */
#ifndef DM_BLK_H
#define DM_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#include "dm/drive.h"
#include "dm/mmio.h"

#define BLK_NQUEUES	1
#define BLK_QUEUE_SIZE	256
#define BLK_SECTOR	512U
#define BLK_SECTOR_BITS 9
/* Linux's virtio_blk adds the header and the status to seg_max buffers */
#define BLK_SEG_MAX (BLK_QUEUE_SIZE - 2)
/* requests whose I/O runs at once (the rest wait in the ring) */
#define BLK_INFLIGHT 32
/* bytes of one request moved per system call, through its bounce buffer */
#define BLK_CHUNK (256U * 1024U)
/* chains popped per queue handler call before it yields (mmio_defer()) */
#define BLK_POP_BUDGET 64
/* discard / write-zeroes segments per request, sectors per segment */
#define BLK_DWZ_SEG_MAX	    32
#define BLK_DWZ_SECTORS_MAX (1U << 22)
#define BLK_SERIAL_MAX	    VIRTIO_BLK_ID_BYTES

/* §5.2.4: the config the device offers (secure erase and zoned: not offered). */
_Static_assert(offsetof(struct virtio_blk_config, capacity) == 0, "capacity (§5.2.4)");
_Static_assert(offsetof(struct virtio_blk_config, seg_max) == 12, "seg_max (§5.2.4)");
_Static_assert(offsetof(struct virtio_blk_config, blk_size) == 20, "blk_size (§5.2.4)");
_Static_assert(offsetof(struct virtio_blk_config, wce) == 32, "writeback (§5.2.4)");
_Static_assert(offsetof(struct virtio_blk_config, num_queues) == 34, "num_queues (§5.2.4)");
_Static_assert(offsetof(struct virtio_blk_config, max_discard_sectors) == 36,
	       "max_discard_sectors (§5.2.4)");
_Static_assert(offsetof(struct virtio_blk_config, max_write_zeroes_sectors) == 48,
	       "max_write_zeroes_sectors (§5.2.4)");
_Static_assert(offsetof(struct virtio_blk_config, write_zeroes_may_unmap) == 56,
	       "write_zeroes_may_unmap (§5.2.4)");
#define BLK_CONFIG_LEN offsetof(struct virtio_blk_config, max_secure_erase_sectors)
_Static_assert(BLK_CONFIG_LEN == 60, "config up to write_zeroes_may_unmap (§5.2.4)");
/* §5.2.6: the request header and a discard / write-zeroes segment */
_Static_assert(sizeof(struct virtio_blk_outhdr) == 16, "virtio_blk_req header (§5.2.6)");
_Static_assert(offsetof(struct virtio_blk_outhdr, sector) == 8, "virtio_blk_req.sector (§5.2.6)");
_Static_assert(sizeof(struct virtio_blk_discard_write_zeroes) == 16,
	       "virtio_blk_discard_write_zeroes (§5.2.6)");

/** struct blk_opts - parsed -device virtio-blk options */
struct blk_opts {
	char id[32];
	char serial[BLK_SERIAL_MAX + 1]; /* GET_ID; default: the drive's id */
	bool access_platform;		 /* iommu_platform=on */
};

/* What happened to requests, for the log, the tests and the state page. */
struct blk_counters {
	uint64_t reads, writes, flushes, discards, write_zeroes, get_ids;
	uint64_t bytes_read, bytes_written;
	uint64_t ioerr, unsupp; /* answered with VIRTIO_BLK_S_IOERR / _UNSUPP */
};

/*
 * A request as the parser leaves it (blk_parse()): what to do, checked
 * against the disk and the negotiated features.
 */
struct blk_parsed {
	uint32_t type;
	uint64_t sector;
	size_t data_len; /* IN/OUT/GET_ID: payload bytes (without header, status) */
	unsigned int n_seg;
	struct virtio_blk_discard_write_zeroes seg[BLK_DWZ_SEG_MAX]; /* host order */
};

struct virtio_blk;

/* One request in flight: popped, its I/O running or done, not yet used. */
struct blk_req {
	struct virtio_blk *b;
	struct drive_io io;
	struct vq_chain chain;
	struct blk_parsed p;
	uint64_t done;	   /* payload bytes (or segments) handled so far */
	uint32_t used_len; /* bytes written into the chain (§2.7.8) */
	unsigned int gen;  /* the device's reset generation it belongs to */
	bool finished;
	uint8_t *buf; /* bounce buffer, BLK_CHUNK bytes once needed */
};

struct virtio_blk {
	struct virtio_mmio mmio;
	struct virtio_blk_config config;
	struct drive *drive;
	char serial[BLK_SERIAL_MAX];
	uint64_t capacity; /* sectors */

	/* requests in pop order: used in that order (docs/device-model.md) */
	struct blk_req req[BLK_INFLIGHT];
	unsigned int first, n;
	unsigned int gen;     /* bumped by every reset */
	unsigned int n_stale; /* requests of an earlier generation still running */

	struct blk_counters c;
};

/**
 * blk_new() - create a virtio-blk device on drive @d
 * Return: the device, or NULL (no memory, or the drive already served).
 */
struct virtio_blk *blk_new(const struct blk_opts *o, struct drive *d);

/** blk_free() - free a device; its in-flight I/O is cancelled (the drive stays). */
void blk_free(struct virtio_blk *b);

/**
 * blk_parse() - take a request chain apart and check it (virtio v1.2 §5.2.6)
 *
 * Return: -EINVAL when the chain has no room for a status byte or no
 * complete header (the device is then marked broken: there is no status
 * to answer with); VIRTIO_BLK_S_IOERR or VIRTIO_BLK_S_UNSUPP to answer
 * at once; VIRTIO_BLK_S_OK when the request may go to the drive.
 */
int blk_parse(struct virtio_blk *b, const struct vq_chain *c, struct blk_parsed *p);

static inline struct virtio_mmio *blk_mmio(struct virtio_blk *b)
{
	return &b->mmio;
}

#endif
