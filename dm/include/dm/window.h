/* SPDX-License-Identifier: MIT */
/*
 * Guest memory window: the only way the device model touches guest memory.
 *
 * A window is a contiguous guest-physical range [base, base + size) mapped at
 * @map in this process (backend: an mmap of the UIO map of the frontend's
 * shared window; sim: memory the test owns).  Every guest-supplied
 * (address, length) pair is checked against it before use, so a hostile
 * driver can never make the model read or write outside the window.
 */
#ifndef DM_WINDOW_H
#define DM_WINDOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/uio.h>

struct dm_window {
	uint64_t base; /* guest-physical address of map[0] */
	uint64_t size; /* bytes; 0 = nothing mapped yet */
	uint8_t *map;  /* host view of the window */
	/*
	 * Device mode: the map is Device memory (uio_pdrv_genirq maps are
	 * UIO_MEM_PHYS, mapped pgprot_noncached = Device-nGnRnE).  There an
	 * unaligned access is an alignment fault and exclusives are not
	 * allowed (Arm ARM B2.5.2 "Alignment of data accesses", B2.7.2
	 * "Device memory"), so every access must be naturally aligned and of
	 * a fixed width; no memcpy, readv or writev straight on the map.
	 */
	bool device;
};

/**
 * window_init() - describe a mapped guest range [@base, @base + @size)
 * @map: host mapping of the range; NULL makes every translation fail
 */
void window_init(struct dm_window *w, uint64_t base, uint64_t size, void *map);

/** window_set_device() - switch the window to device mode (see above). */
void window_set_device(struct dm_window *w, bool device);

/**
 * window_read() - copy @len bytes out of the window
 * @src: host pointer returned by window_ptr() for the whole range
 *
 * In device mode only naturally aligned 8- and 64-bit volatile loads touch
 * the window; otherwise this is memcpy.
 */
void window_read(const struct dm_window *w, void *dst, const void *src, size_t len);

/** window_write() - copy @len bytes into the window (see window_read()). */
void window_write(const struct dm_window *w, void *dst, const void *src, size_t len);

/**
 * window_iov_read() - copy out of guest buffers, skipping their first @skip bytes
 * @iov: buffers as vq_pop() gathered them (host pointers into the window)
 *
 * Copy first, then validate: the guest may change its buffers under us.
 * Return: bytes copied (less than @len when the buffers end first).
 */
size_t window_iov_read(const struct dm_window *w, const struct iovec *iov, unsigned int cnt,
		       size_t skip, void *buf, size_t len);

/**
 * window_iov_write() - copy into guest buffers, from offset @skip in them
 * Return: bytes copied (less than @len when the buffers end first).
 */
size_t window_iov_write(const struct dm_window *w, const struct iovec *iov, unsigned int cnt,
			size_t skip, const void *buf, size_t len);

/**
 * window_ptr() - translate a guest range into a host pointer
 * @w:    window
 * @addr: guest-physical address
 * @len:  length in bytes (0 is allowed and checked like any other)
 *
 * Return: host pointer to @addr, or NULL when any byte of the range lies
 * outside the window (including arithmetic wrap-around).
 */
static inline void *window_ptr(const struct dm_window *w, uint64_t addr, uint64_t len)
{
	uint64_t off;

	if (!w || !w->map || addr < w->base)
		return NULL;
	off = addr - w->base;
	if (off > w->size || len > w->size - off)
		return NULL;
	return w->map + off;
}

#endif
