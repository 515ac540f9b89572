// SPDX-License-Identifier: MIT
/* Guest memory window: see dm/window.h. */
#include <string.h>

#include "dm/window.h"

/**
 * window_init() - describe a mapped guest range
 * @w:    window to fill
 * @base: guest-physical base address
 * @size: size in bytes (0 makes every translation fail)
 * @map:  host mapping of the range, or NULL
 */
void window_init(struct dm_window *w, uint64_t base, uint64_t size, void *map)
{
	w->base = base;
	w->size = map ? size : 0;
	w->map = map;
	w->device = false;
}

void window_set_device(struct dm_window *w, bool device)
{
	w->device = device;
}

#define WIN_WORD sizeof(uint64_t)

/*
 * Device-memory copies: single bytes until the window side is 8-byte
 * aligned, then aligned 64-bit words, then single bytes.  The host side is
 * normal memory, so memcpy of a local word is fine there.
 */
static void window_dev_read(uint8_t *dst, const uint8_t *src, size_t len)
{
	while (len && ((uintptr_t)src & (WIN_WORD - 1))) {
		*dst++ = *(const volatile uint8_t *)src++;
		len--;
	}
	while (len >= WIN_WORD) {
		uint64_t v = *(const volatile uint64_t *)(const void *)src;

		memcpy(dst, &v, WIN_WORD);
		dst += WIN_WORD;
		src += WIN_WORD;
		len -= WIN_WORD;
	}
	while (len--)
		*dst++ = *(const volatile uint8_t *)src++;
}

static void window_dev_write(uint8_t *dst, const uint8_t *src, size_t len)
{
	while (len && ((uintptr_t)dst & (WIN_WORD - 1))) {
		*(volatile uint8_t *)dst++ = *src++;
		len--;
	}
	while (len >= WIN_WORD) {
		uint64_t v;

		memcpy(&v, src, WIN_WORD);
		*(volatile uint64_t *)(void *)dst = v;
		dst += WIN_WORD;
		src += WIN_WORD;
		len -= WIN_WORD;
	}
	while (len--)
		*(volatile uint8_t *)dst++ = *src++;
}

void window_read(const struct dm_window *w, void *dst, const void *src, size_t len)
{
	if (w && w->device)
		window_dev_read(dst, src, len);
	else
		memcpy(dst, src, len);
}

void window_write(const struct dm_window *w, void *dst, const void *src, size_t len)
{
	if (w && w->device)
		window_dev_write(dst, src, len);
	else
		memcpy(dst, src, len);
}

/*
 * Both go through window_read()/window_write(), so a Device-memory window
 * (uio) only sees aligned accesses.
 */
/* Walk @iov after @skip bytes, copying up to @len bytes out of (or into) @buf. */
static size_t window_iov_copy(const struct dm_window *w, const struct iovec *iov, unsigned int cnt,
			      size_t skip, uint8_t *buf, size_t len, bool to_iov)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < cnt && done < len; i++) {
		uint8_t *base = iov[i].iov_base;
		size_t n;

		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		n = iov[i].iov_len - skip;
		if (n > len - done)
			n = len - done;
		if (to_iov)
			window_write(w, base + skip, buf + done, n);
		else
			window_read(w, buf + done, base + skip, n);
		skip = 0;
		done += n;
	}
	return done;
}

size_t window_iov_read(const struct dm_window *w, const struct iovec *iov, unsigned int cnt,
		       size_t skip, void *buf, size_t len)
{
	return window_iov_copy(w, iov, cnt, skip, buf, len, false);
}

size_t window_iov_write(const struct dm_window *w, const struct iovec *iov, unsigned int cnt,
			size_t skip, const void *buf, size_t len)
{
	/* window_iov_copy() only reads @buf when it writes the iov */
	return window_iov_copy(w, iov, cnt, skip, (uint8_t *)(uintptr_t)buf, len, true);
}
