/* SPDX-License-Identifier: MIT */
/*
 * newc.h - writer for the cpio "newc" format the Linux initramfs unpacker reads
 * (Documentation/driver-api/early-userspace/buffer-format.rst).
 */
#ifndef NEWC_H
#define NEWC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One header: magic and 13 fields of 8 ASCII hex digits, no terminator. */
struct newc_header {
	char magic[6];
	char ino[8];
	char mode[8];
	char uid[8];
	char gid[8];
	char nlink[8];
	char mtime[8];
	char filesize[8];
	char devmajor[8];
	char devminor[8];
	char rdevmajor[8];
	char rdevminor[8];
	char namesize[8];
	char check[8];
};

_Static_assert(sizeof(struct newc_header) == 110, "newc header is 110 bytes");
_Static_assert(offsetof(struct newc_header, filesize) == 54, "newc filesize offset");
_Static_assert(offsetof(struct newc_header, namesize) == 94, "newc namesize offset");

#define NEWC_MAGIC   "070701"
#define NEWC_ALIGN   4
#define NEWC_TRAILER "TRAILER!!!"

/**
 * struct newc_writer - state of one archive being written
 * @out: stream the archive goes to
 * @offset: bytes written so far (alignment is relative to the archive start)
 * @next_ino: inode number for the next entry; every entry gets its own
 */
struct newc_writer {
	FILE *out;
	uint64_t offset;
	uint32_t next_ino;
};

void newc_init(struct newc_writer *w, FILE *out);
int newc_header_format(struct newc_header *h, uint32_t ino, uint32_t mode, uint32_t filesize,
		       uint32_t namesize);
int newc_add(struct newc_writer *w, const char *name, uint32_t mode, const void *data, size_t len);
int newc_finish(struct newc_writer *w);

#endif
