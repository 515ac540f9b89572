/* SPDX-License-Identifier: MIT */
/*
 * Block backends (QEMU's -drive): the raw image file a virtio-blk device
 * serves, and the I/O engine that keeps its reads, writes, flushes and
 * hole punches off the event loop.
 *
 * The engine is a small pool of worker threads (docs/device-model.md
 * "virtio-blk" says why not io_uring): the loop thread submits a struct
 * drive_io, a worker runs the one system call it names, and the loop
 * thread gets it back through an eventfd, so a slow or stalled disk never
 * holds the consoles and networks served by the same process.  Workers
 * touch nothing but the drive's fd and the buffer of the request they run:
 * never guest memory, which the device copies in and out on the loop
 * thread.
 */
#ifndef DM_DRIVE_H
#define DM_DRIVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm/event_loop.h"

#define DRIVE_ID_MAX   32
#define DRIVE_PATH_MAX 256
#define DRIVE_THREADS  4 /* workers per drive: requests served at once */
/* completions handed to the device per event-loop turn (fairness) */
#define DRIVE_DONE_BUDGET 32

/*
 * cache= as QEMU's -drive: whether the device reports a volatile write
 * cache (virtio-blk WCE) and whether the host's page cache is bypassed.
 */
enum drive_cache {
	DRIVE_CACHE_WRITEBACK,	  /* page cache; WCE=1: FLUSH = fdatasync */
	DRIVE_CACHE_WRITETHROUGH, /* page cache; every write fdatasync'ed */
	DRIVE_CACHE_NONE,	  /* O_DIRECT; WCE=1: FLUSH = fdatasync */
};

enum drive_op {
	DRIVE_READ,
	DRIVE_WRITE,
	DRIVE_FLUSH,	  /* fdatasync */
	DRIVE_DISCARD,	  /* punch a hole (a hint: unsupported = done) */
	DRIVE_ZERO,	  /* zero a range, keep it allocated */
	DRIVE_ZERO_UNMAP, /* zero a range by punching a hole */
};

/**
 * struct drive_io - one system call's worth of I/O
 * @op:   what to do
 * @sync: after a write or zeroing, fdatasync before it counts as done
 *        (write-through)
 * @off:  byte offset in the image
 * @len:  bytes
 * @buf:  data (READ/WRITE; for O_DIRECT aligned to drive->align)
 * @ret:  set by the engine: 0, or a negative errno
 * @done: called on the loop thread when the I/O is over
 */
struct drive_io {
	struct drive_io *next;
	enum drive_op op;
	bool sync;
	uint64_t off, len;
	void *buf;
	int ret;
	void (*done)(struct drive_io *io);
};

/** struct drive_opts - parsed -drive options */
struct drive_opts {
	char id[DRIVE_ID_MAX];
	char file[DRIVE_PATH_MAX];
	bool readonly;
	enum drive_cache cache;
};

struct drive {
	char id[DRIVE_ID_MAX];
	char path[DRIVE_PATH_MAX];
	int fd;
	uint64_t size; /* bytes, a multiple of 512 (a partial last sector is not served) */
	bool readonly;
	enum drive_cache cache;
	size_t align; /* buffer, offset and length alignment of O_DIRECT, else 1 */
	void *owner;  /* the device that serves it (one per drive) */
	/* after each turn's completions: the device uses them in one go */
	void (*drained)(void *owner);

	struct event_loop *loop;
	struct el_handler done_h; /* eventfd: completions are waiting */
	pthread_t threads[DRIVE_THREADS];
	unsigned int n_threads;

	/* shared with the workers, under @lock */
	pthread_mutex_t lock;
	pthread_cond_t work_cv, idle_cv;
	struct drive_io *queue, **queue_tail;
	struct drive_io *done, **done_tail;
	unsigned int busy; /* workers running an I/O */
	bool stop;
};

/**
 * drive_new() - open the image of -drive @o and start its workers
 * @err: on failure, a message naming the drive
 *
 * The image is locked (flock LOCK_EX, or LOCK_SH with readonly=on): a
 * second model, or a previous one that has not fully exited yet, cannot
 * write the same image at the same time (docs/device-model.md "Restart").
 * Return: the drive, or NULL.
 */
struct drive *drive_new(struct event_loop *loop, const struct drive_opts *o, char *err,
			size_t errlen);

/** drive_free() - cancel its I/O (drive_cancel()), stop the workers, close. */
void drive_free(struct drive *d);

/**
 * drive_submit() - start @io; @io->done runs on the loop thread when it is over
 *
 * Never blocks.  @io and its buffer belong to the engine until then.
 */
void drive_submit(struct drive *d, struct drive_io *io);

/**
 * drive_cancel() - forget every submitted I/O
 *
 * Queued ones are dropped, running ones waited for; no done callback runs
 * for any of them afterwards.  For a device that resets or goes away
 * while its I/O is in flight.
 */
void drive_cancel(struct drive *d);

/** drive_cache_parse() - "writeback" / "writethrough" / "none"; 0 or -EINVAL */
int drive_cache_parse(const char *s, enum drive_cache *out);

#endif
