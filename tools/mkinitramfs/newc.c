// SPDX-License-Identifier: MIT
/*
 * newc.c - cpio newc archive writer. Every entry is owned by root with mtime 0,
 * so the same inputs always give the same archive.
 */
#include "newc.h"

#include <errno.h>
#include <string.h>

static void hex8(char field[8], uint32_t v)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 7; i >= 0; i--, v >>= 4)
		field[i] = digits[v & 0xf];
}

/**
 * newc_header_format() - fill a newc header for one entry owned by root
 * @h: header to fill
 * @ino: inode number
 * @mode: st_mode (file type and permission bits)
 * @filesize: bytes of data following the name
 * @namesize: length of the name including its terminating NUL
 *
 * Return: 0, or -EINVAL for an empty name.
 */
int newc_header_format(struct newc_header *h, uint32_t ino, uint32_t mode, uint32_t filesize,
		       uint32_t namesize)
{
	if (namesize < 2)
		return -EINVAL;
	memcpy(h->magic, NEWC_MAGIC, sizeof(h->magic));
	hex8(h->ino, ino);
	hex8(h->mode, mode);
	hex8(h->uid, 0);
	hex8(h->gid, 0);
	hex8(h->nlink, 1);
	hex8(h->mtime, 0);
	hex8(h->filesize, filesize);
	hex8(h->devmajor, 0);
	hex8(h->devminor, 0);
	hex8(h->rdevmajor, 0);
	hex8(h->rdevminor, 0);
	hex8(h->namesize, namesize);
	hex8(h->check, 0);
	return 0;
}

void newc_init(struct newc_writer *w, FILE *out)
{
	w->out = out;
	w->offset = 0;
	w->next_ino = 1;
}

static int newc_emit(struct newc_writer *w, const void *p, size_t len)
{
	if (len && fwrite(p, 1, len, w->out) != len)
		return -EIO;
	w->offset += len;
	return 0;
}

/* The header+name and the data each end on a 4-byte boundary of the archive. */
static int newc_pad(struct newc_writer *w)
{
	static const char zeros[NEWC_ALIGN];

	return newc_emit(w, zeros, (NEWC_ALIGN - w->offset % NEWC_ALIGN) % NEWC_ALIGN);
}

/**
 * newc_add() - append one entry
 * @w: the archive
 * @name: path inside the archive, without a leading '/'
 * @mode: st_mode of the entry (S_IFREG, S_IFDIR, S_IFLNK with permissions)
 * @data: file contents, or the link target for a symlink; NULL when @len is 0
 * @len: bytes of @data
 *
 * Return: 0, -EINVAL for a bad name or size, -EIO when the stream fails.
 */
int newc_add(struct newc_writer *w, const char *name, uint32_t mode, const void *data, size_t len)
{
	struct newc_header h;
	size_t namesize = strlen(name) + 1;
	int ret;

	if (name[0] == '/' || namesize > UINT32_MAX || len > UINT32_MAX)
		return -EINVAL;
	ret = newc_header_format(&h, w->next_ino++, mode, (uint32_t)len, (uint32_t)namesize);
	if (ret)
		return ret;
	ret = newc_emit(w, &h, sizeof(h));
	if (!ret)
		ret = newc_emit(w, name, namesize);
	if (!ret)
		ret = newc_pad(w);
	if (!ret)
		ret = newc_emit(w, data, len);
	if (!ret)
		ret = newc_pad(w);
	return ret;
}

/**
 * newc_finish() - append the trailer entry that ends the archive
 * @w: the archive
 *
 * Return: 0 or -EIO.
 */
int newc_finish(struct newc_writer *w)
{
	int ret = newc_add(w, NEWC_TRAILER, 0, NULL, 0);

	if (!ret && fflush(w->out))
		ret = -EIO;
	return ret;
}
