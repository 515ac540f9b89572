// SPDX-License-Identifier: MIT
/*
 * Hostile virtio-blk driver table: every case must end in the status
 * virtio v1.2 §5.2.6 asks for (IOERR for a driver error, UNSUPP for a
 * request type or flag the device does not support) or, where there is no
 * status byte to answer with or the ring itself is broken, in
 * DEVICE_NEEDS_RESET with a configuration interrupt; never in a crash, a
 * hang, a write to the image, or an access outside the guest window
 * (PROT_NONE guard pages on both sides, ASan+UBSan).  A legal request
 * however odd its layout completes with OK and the right data.  After each
 * case the device must recover through a reset and carry a write and a
 * read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <endian.h>
#include <signal.h>

#include "dm_blk_ctx.h"

#define RESET	-1 /* DEVICE_NEEDS_RESET */
#define WR	VRING_DESC_F_WRITE
#define NX	VRING_DESC_F_NEXT
#define IND	VRING_DESC_F_INDIRECT
#define AREA	(256U * 1024U) /* data area the cases use, checked unchanged */
#define PATTERN 0x6b

static struct vring_desc *d(struct bctx *t, unsigned int i)
{
	return &bc_vq(t)->desc[i];
}

static void publish(struct bctx *t)
{
	tfe_vq_publish(bc_vq(t), 0, 1);
}

/* Descriptors 0..2: header (@hlen bytes), data, status at t->status. */
static uint64_t three(struct bctx *t, uint32_t type, uint64_t sector, uint32_t hlen, uint32_t len,
		      uint16_t data_flags)
{
	tfe_desc_set(d(t, 0), bc_hdr(t, 0, type, sector), hlen, NX, 1);
	tfe_desc_set(d(t, 1), t->data, len, data_flags | NX, 2);
	tfe_desc_set(d(t, 2), t->status, 1, WR, 0);
	publish(t);
	return t->status;
}

/* Header and status only. */
static uint64_t two(struct bctx *t, uint32_t type, uint64_t sector)
{
	tfe_desc_set(d(t, 0), bc_hdr(t, 0, type, sector), 16, NX, 1);
	tfe_desc_set(d(t, 1), t->status, 1, WR, 0);
	publish(t);
	return t->status;
}

/* ---- framing ------------------------------------------------------------------- */

static uint64_t c_hdr_15(struct bctx *t)
{
	tfe_desc_set(d(t, 0), bc_hdr(t, 0, VIRTIO_BLK_T_IN, 0), 15, NX, 1);
	tfe_desc_set(d(t, 1), t->status, 1, WR, 0);
	publish(t);
	return 0;
}

static uint64_t c_hdr_split_short(struct bctx *t)
{
	uint64_t h = bc_hdr(t, 0, VIRTIO_BLK_T_IN, 0);

	tfe_desc_set(d(t, 0), h, 8, NX, 1);
	tfe_desc_set(d(t, 1), h + 8, 7, NX, 2);
	tfe_desc_set(d(t, 2), t->status, 1, WR, 0);
	publish(t);
	return 0;
}

static uint64_t c_no_header(struct bctx *t)
{
	tfe_desc_set(d(t, 0), t->data, 512, WR, 0);
	publish(t);
	return 0;
}

static uint64_t c_no_status(struct bctx *t)
{
	tfe_desc_set(d(t, 0), bc_hdr(t, 0, VIRTIO_BLK_T_OUT, 0), 16, NX, 1);
	tfe_desc_set(d(t, 1), t->data, 512, 0, 0);
	publish(t);
	return 0;
}

static uint64_t c_status_readonly(struct bctx *t)
{
	tfe_desc_set(d(t, 0), bc_hdr(t, 0, VIRTIO_BLK_T_FLUSH, 0), 16, NX, 1);
	tfe_desc_set(d(t, 1), t->status, 1, 0, 0);
	publish(t);
	return 0;
}

static uint64_t c_status_readable_after_data(struct bctx *t)
{
	tfe_desc_set(d(t, 0), bc_hdr(t, 0, VIRTIO_BLK_T_IN, 0), 16, NX, 1);
	tfe_desc_set(d(t, 1), t->data, 512, WR | NX, 2);
	tfe_desc_set(d(t, 2), t->status, 1, 0, 0);
	publish(t);
	return 0;
}

static uint64_t c_read_readable_data(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_IN, 0, 16, 512, 0);
}

static uint64_t c_write_writable_data(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_OUT, 0, 16, 512, WR);
}

/* Legal: nothing is assumed about the layout (§5.2.6.4). */
static uint64_t c_hdr_split_1_15(struct bctx *t)
{
	uint64_t h = bc_hdr(t, 0, VIRTIO_BLK_T_IN, 4);

	tfe_desc_set(d(t, 0), h, 1, NX, 1);
	tfe_desc_set(d(t, 1), h + 1, 15, NX, 2);
	tfe_desc_set(d(t, 2), t->data, 512, WR | NX, 3);
	tfe_desc_set(d(t, 3), t->status, 1, WR, 0);
	publish(t);
	return t->status;
}

static uint64_t c_status_inside_data(struct bctx *t)
{
	tfe_desc_set(d(t, 0), bc_hdr(t, 0, VIRTIO_BLK_T_IN, 4), 16, NX, 1);
	tfe_desc_set(d(t, 1), t->data, 513, WR, 0);
	publish(t);
	return t->data + 512;
}

/* ---- ranges and lengths ---------------------------------------------------------- */

static uint64_t c_read_past_end(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_IN, BC_SECTORS, 16, 512, WR);
}

static uint64_t c_read_straddles_end(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_IN, BC_SECTORS - 1, 16, 1024, WR);
}

static uint64_t c_write_past_end(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_OUT, BC_SECTORS - 1, 16, 1024, 0);
}

static uint64_t c_sector_overflow(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_IN, UINT64_MAX, 16, 512, WR);
}

static uint64_t c_sector_bytes_overflow(struct bctx *t)
{
	/* sector * 512 wraps to 0 */
	return three(t, VIRTIO_BLK_T_OUT, 1ULL << 55, 16, 512, 0);
}

static uint64_t c_read_511(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_IN, 0, 16, 511, WR);
}

static uint64_t c_write_1000(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_OUT, 0, 16, 1000, 0);
}

static uint64_t c_zero_len_read(struct bctx *t)
{
	return two(t, VIRTIO_BLK_T_IN, 17);
}

static uint64_t c_zero_len_write_at_end(struct bctx *t)
{
	return two(t, VIRTIO_BLK_T_OUT, BC_SECTORS);
}

static uint64_t c_zero_len_past_end(struct bctx *t)
{
	return two(t, VIRTIO_BLK_T_IN, BC_SECTORS + 1);
}

static uint64_t c_direct_misaligned(struct bctx *t)
{
	/* cache=none: blk_size 4096 */
	return three(t, VIRTIO_BLK_T_IN, 1, 16, 4096, WR);
}

/* ---- chains ------------------------------------------------------------------- */

/* header + BLK_SEG_MAX data buffers of 512 + status: a queue-long chain. */
static uint64_t c_max_direct_chain(struct bctx *t)
{
	unsigned int i;

	tfe_desc_set(d(t, 0), bc_hdr(t, 0, VIRTIO_BLK_T_IN, 0), 16, NX, 1);
	for (i = 1; i <= BLK_SEG_MAX; i++)
		tfe_desc_set(d(t, i), t->data + 512ULL * (i - 1), 512, WR | NX, (uint16_t)(i + 1));
	tfe_desc_set(d(t, BLK_SEG_MAX + 1), t->status, 1, WR, 0);
	publish(t);
	return t->status;
}

static struct vring_desc *table(struct bctx *t)
{
	return bc_ptr(t, t->table);
}

static uint64_t c_max_indirect(struct bctx *t)
{
	struct vring_desc *tb = table(t);
	unsigned int i;

	tfe_desc_set(&tb[0], bc_hdr(t, 0, VIRTIO_BLK_T_IN, 0), 16, NX, 1);
	for (i = 1; i <= BLK_SEG_MAX; i++)
		tfe_desc_set(&tb[i], t->data + 512ULL * (i - 1), 512, WR | NX, (uint16_t)(i + 1));
	tfe_desc_set(&tb[BLK_SEG_MAX + 1], t->status, 1, WR, 0);
	tfe_desc_set(d(t, 0), t->table, 16 * BC_QSIZE, IND, 0);
	publish(t);
	return t->status;
}

/* §2.7.5.3.1: no longer than the queue */
static uint64_t c_indirect_too_long(struct bctx *t)
{
	tfe_desc_set(d(t, 0), t->table, 16 * (BC_QSIZE + 1), IND, 0);
	publish(t);
	return 0;
}

static uint64_t c_indirect_bad_len(struct bctx *t)
{
	tfe_desc_set(d(t, 0), t->table, 40, IND, 0);
	publish(t);
	return 0;
}

static uint64_t c_indirect_nested(struct bctx *t)
{
	tfe_desc_set(&table(t)[0], t->table + 64, 48, IND, 0);
	tfe_desc_set(d(t, 0), t->table, 16, IND, 0);
	publish(t);
	return 0;
}

static uint64_t c_indirect_outside(struct bctx *t)
{
	tfe_desc_set(d(t, 0), BC_WIN_BASE + BC_WIN_SIZE - 32, 48, IND, 0);
	publish(t);
	return 0;
}

static uint64_t c_data_outside(struct bctx *t)
{
	tfe_desc_set(d(t, 0), bc_hdr(t, 0, VIRTIO_BLK_T_IN, 0), 16, NX, 1);
	tfe_desc_set(d(t, 1), BC_WIN_BASE + BC_WIN_SIZE - 512, 1024, WR | NX, 2);
	tfe_desc_set(d(t, 2), t->status, 1, WR, 0);
	publish(t);
	return 0;
}

static uint64_t c_data_below_window(struct bctx *t)
{
	tfe_desc_set(d(t, 0), bc_hdr(t, 0, VIRTIO_BLK_T_OUT, 0), 16, NX, 1);
	tfe_desc_set(d(t, 1), BC_WIN_BASE - 4096, 4096, NX, 2);
	tfe_desc_set(d(t, 2), t->status, 1, WR, 0);
	publish(t);
	return 0;
}

static uint64_t c_chain_loop(struct bctx *t)
{
	tfe_desc_set(d(t, 0), bc_hdr(t, 0, VIRTIO_BLK_T_OUT, 0), 16, NX, 1);
	tfe_desc_set(d(t, 1), t->data, 512, NX, 0);
	publish(t);
	return 0;
}

static uint64_t c_head_out_of_range(struct bctx *t)
{
	tfe_vq_publish(bc_vq(t), BC_QSIZE, 1);
	return 0;
}

static uint64_t c_avail_jump(struct bctx *t)
{
	two(t, VIRTIO_BLK_T_FLUSH, 0);
	tfe_vq_publish(bc_vq(t), 0, BC_QSIZE + 1);
	return 0;
}

/* ---- discard / write zeroes ---------------------------------------------------- */

/* The segments lie past the data area the cases check (the driver wrote them). */
static uint64_t dwz(struct bctx *t, uint32_t type, unsigned int n, uint64_t sector, uint32_t num,
		    uint32_t flags, uint32_t bytes)
{
	uint64_t gpa = t->data + AREA;
	struct virtio_blk_discard_write_zeroes *s = bc_ptr(t, gpa);
	unsigned int i;

	for (i = 0; i < n; i++) {
		s[i].sector = htole64(sector + 8ULL * i);
		s[i].num_sectors = htole32(num);
		s[i].flags = htole32(flags);
	}
	tfe_desc_set(d(t, 0), bc_hdr(t, 0, type, 0), 16, NX, 1);
	tfe_desc_set(d(t, 1), gpa, bytes ? bytes : 16 * n, NX, 2);
	tfe_desc_set(d(t, 2), t->status, 1, WR, 0);
	publish(t);
	return t->status;
}

static uint64_t c_discard_too_many(struct bctx *t)
{
	return dwz(t, VIRTIO_BLK_T_DISCARD, BLK_DWZ_SEG_MAX + 1, 0, 8, 0, 0);
}

static uint64_t c_discard_past_end(struct bctx *t)
{
	return dwz(t, VIRTIO_BLK_T_DISCARD, 1, BC_SECTORS - 4, 8, 0, 0);
}

static uint64_t c_discard_overflow(struct bctx *t)
{
	return dwz(t, VIRTIO_BLK_T_DISCARD, 1, UINT64_MAX - 3, 8, 0, 0);
}

static uint64_t c_wz_four_segments(struct bctx *t)
{
	return dwz(t, VIRTIO_BLK_T_WRITE_ZEROES, 4, 0, 8, 0, 0);
}

static uint64_t c_discard_unmap(struct bctx *t)
{
	return dwz(t, VIRTIO_BLK_T_DISCARD, 1, 0, 8, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP, 0);
}

static uint64_t c_wz_unknown_flag(struct bctx *t)
{
	return dwz(t, VIRTIO_BLK_T_WRITE_ZEROES, 1, 0, 8, 0x80, 0);
}

static uint64_t c_dwz_partial_segment(struct bctx *t)
{
	return dwz(t, VIRTIO_BLK_T_WRITE_ZEROES, 2, 0, 8, 0, 20);
}

static uint64_t c_dwz_no_segment(struct bctx *t)
{
	return two(t, VIRTIO_BLK_T_DISCARD, 0);
}

static uint64_t c_wz_above_max(struct bctx *t)
{
	return dwz(t, VIRTIO_BLK_T_WRITE_ZEROES, 1, 0, BLK_DWZ_SECTORS_MAX + 1, 0, 0);
}

/* ---- types and features ---------------------------------------------------------- */

static uint64_t c_write_ro(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_OUT, 0, 16, 4096, 0);
}

static uint64_t c_wz_ro(struct bctx *t)
{
	return dwz(t, VIRTIO_BLK_T_WRITE_ZEROES, 1, 0, 8, 0, 0);
}

static uint64_t c_type_3(struct bctx *t)
{
	return two(t, 3, 0);
}

static uint64_t c_type_scsi(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_SCSI_CMD, 0, 16, 64, WR);
}

static uint64_t c_type_lifetime(struct bctx *t)
{
	return three(t, 10 /* GET_LIFETIME, §5.2.6 */, 0, 16, 16, WR);
}

static uint64_t c_type_secure_erase(struct bctx *t)
{
	return dwz(t, VIRTIO_BLK_T_SECURE_ERASE, 1, 0, 8, 0, 0);
}

static uint64_t c_type_all_ones(struct bctx *t)
{
	return two(t, 0xffffffffU, 0);
}

static uint64_t c_discard_not_negotiated(struct bctx *t)
{
	return dwz(t, VIRTIO_BLK_T_DISCARD, 1, 0, 8, 0, 0);
}

static uint64_t c_get_id_readable(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_GET_ID, 0, 16, 20, 0);
}

static uint64_t c_get_id_short(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_GET_ID, 0, 16, 3, WR);
}

static uint64_t c_flush_with_data(struct bctx *t)
{
	return three(t, VIRTIO_BLK_T_FLUSH, 0, 16, 512, 0);
}

static uint64_t c_flush_sector(struct bctx *t)
{
	return two(t, VIRTIO_BLK_T_FLUSH, 123456789);
}

#define ALLF	   BC_FEATURES
#define NO_DISCARD (BC_FEATURES & ~(1ULL << VIRTIO_BLK_F_DISCARD))
#define RO_F	   (BC_FEATURES & ~((1ULL << VIRTIO_BLK_F_DISCARD) | (1ULL << VIRTIO_BLK_F_WRITE_ZEROES)))

struct bcase {
	const char *name;
	uint64_t (*run)(struct bctx *t); /* returns where the status byte is (0: none) */
	int expect;			 /* RESET or a VIRTIO_BLK_S_* */
	uint64_t features;
	bool ro;
	enum drive_cache cache;
	bool writes; /* a legal request that changes the image */
};

static const struct bcase cases[] = {
	{ .name = "header of 15 bytes", .run = c_hdr_15, .expect = RESET, .features = ALLF },
	{ .name = "header split 8 + 7 bytes",
	  .run = c_hdr_split_short,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "no device-readable header",
	  .run = c_no_header,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "no device-writable status byte",
	  .run = c_no_status,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "status byte device-readable",
	  .run = c_status_readonly,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "readable status after writable data",
	  .run = c_status_readable_after_data,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "read with device-readable data",
	  .run = c_read_readable_data,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "write with device-writable data",
	  .run = c_write_writable_data,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "header split 1 + 15 bytes (legal)",
	  .run = c_hdr_split_1_15,
	  .expect = VIRTIO_BLK_S_OK,
	  .features = ALLF },
	{ .name = "status inside the data buffer (legal)",
	  .run = c_status_inside_data,
	  .expect = VIRTIO_BLK_S_OK,
	  .features = ALLF },
	{ .name = "read at the capacity",
	  .run = c_read_past_end,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "read straddling the end",
	  .run = c_read_straddles_end,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "write straddling the end",
	  .run = c_write_past_end,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "sector + length overflows 64 bits",
	  .run = c_sector_overflow,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "sector * 512 overflows 64 bits",
	  .run = c_sector_bytes_overflow,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "read of 511 bytes",
	  .run = c_read_511,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "write of 1000 bytes",
	  .run = c_write_1000,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "zero-length read",
	  .run = c_zero_len_read,
	  .expect = VIRTIO_BLK_S_OK,
	  .features = ALLF },
	{ .name = "zero-length write at the capacity",
	  .run = c_zero_len_write_at_end,
	  .expect = VIRTIO_BLK_S_OK,
	  .features = ALLF },
	{ .name = "zero-length read past the capacity",
	  .run = c_zero_len_past_end,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "cache=none read not aligned to blk_size",
	  .run = c_direct_misaligned,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF,
	  .ro = false,
	  .cache = DRIVE_CACHE_NONE },
	{ .name = "queue-long chain: seg_max data buffers",
	  .run = c_max_direct_chain,
	  .expect = VIRTIO_BLK_S_OK,
	  .features = ALLF },
	{ .name = "queue-long indirect table",
	  .run = c_max_indirect,
	  .expect = VIRTIO_BLK_S_OK,
	  .features = ALLF },
	{ .name = "indirect table longer than the queue",
	  .run = c_indirect_too_long,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "indirect length not a multiple of 16",
	  .run = c_indirect_bad_len,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "nested indirect table",
	  .run = c_indirect_nested,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "indirect table past the window",
	  .run = c_indirect_outside,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "data buffer past the window",
	  .run = c_data_outside,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "data buffer below the window",
	  .run = c_data_below_window,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "chain loop", .run = c_chain_loop, .expect = RESET, .features = ALLF },
	{ .name = "head index >= size",
	  .run = c_head_out_of_range,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "avail index jumps past the size",
	  .run = c_avail_jump,
	  .expect = RESET,
	  .features = ALLF },
	{ .name = "discard of max_discard_seg + 1 segments",
	  .run = c_discard_too_many,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "discard past the capacity",
	  .run = c_discard_past_end,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "discard whose sector overflows",
	  .run = c_discard_overflow,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "write zeroes of 4 segments (legal)",
	  .run = c_wz_four_segments,
	  .expect = VIRTIO_BLK_S_OK,
	  .features = ALLF,
	  .ro = false,
	  .cache = DRIVE_CACHE_WRITEBACK,
	  .writes = true },
	{ .name = "discard with the unmap flag",
	  .run = c_discard_unmap,
	  .expect = VIRTIO_BLK_S_UNSUPP,
	  .features = ALLF },
	{ .name = "write zeroes with an unknown flag",
	  .run = c_wz_unknown_flag,
	  .expect = VIRTIO_BLK_S_UNSUPP,
	  .features = ALLF },
	{ .name = "write zeroes of 20 bytes of segments",
	  .run = c_dwz_partial_segment,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "discard without a segment",
	  .run = c_dwz_no_segment,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "write zeroes above max_write_zeroes_sectors",
	  .run = c_wz_above_max,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "write to a read-only disk",
	  .run = c_write_ro,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = RO_F,
	  .ro = true },
	{ .name = "write zeroes to a read-only disk",
	  .run = c_wz_ro,
	  .expect = VIRTIO_BLK_S_UNSUPP,
	  .features = RO_F,
	  .ro = true },
	{ .name = "unknown type 3",
	  .run = c_type_3,
	  .expect = VIRTIO_BLK_S_UNSUPP,
	  .features = ALLF },
	{ .name = "SCSI_CMD (legacy)",
	  .run = c_type_scsi,
	  .expect = VIRTIO_BLK_S_UNSUPP,
	  .features = ALLF },
	{ .name = "GET_LIFETIME (not offered)",
	  .run = c_type_lifetime,
	  .expect = VIRTIO_BLK_S_UNSUPP,
	  .features = ALLF },
	{ .name = "SECURE_ERASE (not offered)",
	  .run = c_type_secure_erase,
	  .expect = VIRTIO_BLK_S_UNSUPP,
	  .features = ALLF },
	{ .name = "type 0xffffffff",
	  .run = c_type_all_ones,
	  .expect = VIRTIO_BLK_S_UNSUPP,
	  .features = ALLF },
	{ .name = "discard not negotiated",
	  .run = c_discard_not_negotiated,
	  .expect = VIRTIO_BLK_S_UNSUPP,
	  .features = NO_DISCARD },
	{ .name = "GET_ID with device-readable data",
	  .run = c_get_id_readable,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "GET_ID into 3 bytes (legal)",
	  .run = c_get_id_short,
	  .expect = VIRTIO_BLK_S_OK,
	  .features = ALLF },
	{ .name = "flush with data",
	  .run = c_flush_with_data,
	  .expect = VIRTIO_BLK_S_IOERR,
	  .features = ALLF },
	{ .name = "flush with a sector (ignored)",
	  .run = c_flush_sector,
	  .expect = VIRTIO_BLK_S_OK,
	  .features = ALLF },
};

/* Run the loop until the request came back or the device needs a reset. */
static void settle(struct bctx *t)
{
	uint64_t end = dm_now_ns() + BC_TIMEOUT_MS * 1000000ULL;

	while (dm_now_ns() < end && !(t->m->status & VIRTIO_CONFIG_S_NEEDS_RESET) &&
	       (t->b->n || bc_vq(t)->used->idx != bc_vq(t)->avail_idx))
		el_run_once(&t->loop, 20);
}

/* After any case: reset, probe again, a sector written and read back. */
static void check_recovery(struct bctx *t, uint64_t features, bool ro)
{
	/* 4 KiB at 4 KiB: also right for cache=none */
	const uint64_t sector = 800;
	uint8_t want[4096];

	tfe_write32(&t->dev, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(tfe_status(&t->dev), 0);
	bc_probe(t, features);
	if (!ro) {
		tfe_random(want, sizeof(want), 3);
		memcpy(bc_ptr(t, t->data), want, sizeof(want));
		assert_int_equal(bc_do(t, VIRTIO_BLK_T_OUT, sector, t->data, sizeof(want)),
				 VIRTIO_BLK_S_OK);
	} else {
		bc_image_read(t, sector * 512, want, sizeof(want));
	}
	memset(bc_ptr(t, t->data), 0, sizeof(want));
	assert_int_equal(bc_do(t, VIRTIO_BLK_T_IN, sector, t->data, sizeof(want)), VIRTIO_BLK_S_OK);
	assert_memory_equal(bc_ptr(t, t->data), want, sizeof(want));
	assert_int_equal(tfe_status(&t->dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
}

/* The data area holds PATTERN everywhere but where a legal read put data. */
static void check_area(struct bctx *t, uint64_t status_gpa)
{
	uint8_t *a = bc_ptr(t, t->data);
	size_t i;

	for (i = 0; i < AREA; i++)
		if (t->data + i != status_gpa && a[i] != PATTERN)
			fail_msg("byte %zu of the data area written", i);
}

static void check_case(const struct bcase *c)
{
	unsigned long before, irqs;
	uint64_t hash, st_gpa;
	struct bctx t;
	uint32_t st;

	bc_setup(&t, c->ro, c->cache);
	bc_probe(&t, c->features);
	hash = bc_image_hash(&t);
	memset(bc_ptr(&t, t.data), PATTERN, AREA);
	before = t.m->rl.total;
	irqs = t.irqs;
	st_gpa = c->run(&t);
	settle(&t);
	st = tfe_status(&t.dev);
	print_message("# %-44s -> %s\n", c->name,
		      st & VIRTIO_CONFIG_S_NEEDS_RESET			      ? "DEVICE_NEEDS_RESET"
		      : !st_gpa						      ? "no answer"
		      : *(uint8_t *)bc_ptr(&t, st_gpa) == VIRTIO_BLK_S_OK     ? "OK"
		      : *(uint8_t *)bc_ptr(&t, st_gpa) == VIRTIO_BLK_S_IOERR  ? "IOERR"
		      : *(uint8_t *)bc_ptr(&t, st_gpa) == VIRTIO_BLK_S_UNSUPP ? "UNSUPP"
									      : "bad status");
	if (c->expect == RESET) {
		assert_true(st & VIRTIO_CONFIG_S_NEEDS_RESET);
		/* §2.1.2: the driver learns it by a configuration interrupt */
		assert_true(t.irqs > irqs);
		assert_true(tfe_read32(&t.dev, VIRTIO_MMIO_INTERRUPT_STATUS) &
			    VIRTIO_MMIO_INT_CONFIG);
		assert_true(t.m->rl.total > before);
	} else {
		assert_false(st & VIRTIO_CONFIG_S_NEEDS_RESET);
		assert_int_equal(bc_vq(&t)->used->idx, bc_vq(&t)->avail_idx);
		assert_int_equal(*(uint8_t *)bc_ptr(&t, st_gpa), c->expect);
		/* a refused request writes the status and nothing else (§2.7.8 len) */
		if (c->expect != VIRTIO_BLK_S_OK) {
			assert_int_equal(bc_vq(&t)->used->ring[0].len, 1);
			assert_true(t.m->rl.total > before);
		}
	}
	if (c->expect != VIRTIO_BLK_S_OK)
		check_area(&t, st_gpa);
	if (!c->writes)
		assert_int_equal(bc_image_hash(&t), hash);
	check_recovery(&t, c->features, c->ro);
	bc_teardown(&t);
}

static void test_hostile_table(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

/* The legal odd layouts read the right data. */
static void test_legal_layouts_read_right(void **state)
{
	uint8_t *file = malloc(BLK_SEG_MAX * 512);
	struct bctx t;

	(void)state;
	bc_setup(&t, false, DRIVE_CACHE_WRITEBACK);
	bc_probe(&t, ALLF);
	bc_image_read(&t, 0, file, BLK_SEG_MAX * 512);
	c_max_direct_chain(&t);
	settle(&t);
	assert_int_equal(bc_status(&t, 0), VIRTIO_BLK_S_OK);
	assert_memory_equal(bc_ptr(&t, t.data), file, BLK_SEG_MAX * 512);
	assert_int_equal(bc_vq(&t)->used->ring[0].len, BLK_SEG_MAX * 512 + 1);
	memset(bc_ptr(&t, t.data), 0, BLK_SEG_MAX * 512);
	c_max_indirect(&t);
	settle(&t);
	assert_memory_equal(bc_ptr(&t, t.data), file, BLK_SEG_MAX * 512);
	bc_image_read(&t, 4 * 512, file, 512);
	memset(bc_ptr(&t, t.data), 0, 513);
	c_status_inside_data(&t);
	settle(&t);
	assert_memory_equal(bc_ptr(&t, t.data), file, 512);
	assert_int_equal(*(uint8_t *)bc_ptr(&t, t.data + 512), VIRTIO_BLK_S_OK);
	free(file);
	bc_teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_table),
		cmocka_unit_test(test_legal_layouts_read_right),
	};

	signal(SIGPIPE, SIG_IGN);
	dm_log_set_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
