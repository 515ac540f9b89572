// SPDX-License-Identifier: MIT
/*
 * -drive: a raw image file and its worker-thread I/O engine (dm/drive.h).
 *
 * Submission and completion are two lists under one mutex; the workers
 * wake the loop thread with an eventfd.  Each worker runs one request's
 * system calls from start to end, so a stalled disk holds at most the
 * workers, never the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <linux/falloc.h>
#include <linux/fs.h>

#include "dm/drive.h"
#include "dm/log.h"

#define DRIVE_SECTOR	   512U
#define DRIVE_DIRECT_ALIGN 4096U /* covers 512e and 4Kn host disks */
#define DRIVE_ZERO_CHUNK   (64U * 1024U)

int drive_cache_parse(const char *s, enum drive_cache *out)
{
	if (!strcmp(s, "writeback"))
		*out = DRIVE_CACHE_WRITEBACK;
	else if (!strcmp(s, "writethrough"))
		*out = DRIVE_CACHE_WRITETHROUGH;
	else if (!strcmp(s, "none"))
		*out = DRIVE_CACHE_NONE;
	else
		return -EINVAL;
	return 0;
}

/* ---- the system calls (worker threads) ------------------------------------ */

static int drive_rw(struct drive *d, struct drive_io *io)
{
	uint64_t done = 0;

	while (done < io->len) {
		uint8_t *p = (uint8_t *)io->buf + done;
		size_t n = (size_t)(io->len - done);
		off_t off = (off_t)(io->off + done);
		ssize_t r =
			io->op == DRIVE_READ ? pread(d->fd, p, n, off) : pwrite(d->fd, p, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return -EIO; /* the image shrank under us */
		done += (uint64_t)r;
	}
	return 0;
}

/* Zeroes written out, where the file system cannot zero a range itself. */
static int drive_write_zeroes(struct drive *d, struct drive_io *io)
{
	struct drive_io w = { .op = DRIVE_WRITE };
	uint64_t done = 0;
	void *zero;
	int err = 0;

	if (posix_memalign(&zero, DRIVE_DIRECT_ALIGN, DRIVE_ZERO_CHUNK))
		return -ENOMEM;
	memset(zero, 0, DRIVE_ZERO_CHUNK);
	while (!err && done < io->len) {
		w.off = io->off + done;
		w.len = io->len - done < DRIVE_ZERO_CHUNK ? io->len - done : DRIVE_ZERO_CHUNK;
		w.buf = zero;
		err = drive_rw(d, &w);
		done += w.len;
	}
	free(zero);
	return err;
}

static int drive_fallocate(struct drive *d, int mode, struct drive_io *io)
{
	if (!fallocate(d->fd, mode | FALLOC_FL_KEEP_SIZE, (off_t)io->off, (off_t)io->len))
		return 0;
	return -errno;
}

static int drive_do(struct drive *d, struct drive_io *io)
{
	int err;

	switch (io->op) {
	case DRIVE_READ:
		return drive_rw(d, io);
	case DRIVE_WRITE:
		err = drive_rw(d, io);
		break;
	case DRIVE_FLUSH:
		return fdatasync(d->fd) ? -errno : 0;
	case DRIVE_DISCARD:
		err = drive_fallocate(d, FALLOC_FL_PUNCH_HOLE, io);
		/* a discard is a hint (virtio v1.2 §5.2.6): without holes, nothing */
		return err == -EOPNOTSUPP ? 0 : err;
	case DRIVE_ZERO_UNMAP:
		err = drive_fallocate(d, FALLOC_FL_PUNCH_HOLE, io);
		if (err != -EOPNOTSUPP)
			break;
		/* fall through */
	case DRIVE_ZERO:
		err = drive_fallocate(d, FALLOC_FL_ZERO_RANGE, io);
		if (err == -EOPNOTSUPP)
			err = drive_write_zeroes(d, io);
		break;
	default:
		return -EINVAL;
	}
	if (!err && io->sync && fdatasync(d->fd))
		err = -errno;
	return err;
}

static void drive_signal(struct drive *d)
{
	uint64_t one = 1;

	/* an eventfd write fails only when the count would overflow: it is set */
	if (write(d->done_h.fd, &one, sizeof(one)) < 0)
		return;
}

static void *drive_worker(void *arg)
{
	struct drive *d = arg;
	struct drive_io *io;

	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		io = d->queue;
		if (!io) {
			pthread_cond_wait(&d->work_cv, &d->lock);
			continue;
		}
		d->queue = io->next;
		if (!d->queue)
			d->queue_tail = &d->queue;
		d->busy++;
		pthread_mutex_unlock(&d->lock);
		io->ret = drive_do(d, io);
		io->next = NULL;
		pthread_mutex_lock(&d->lock);
		d->busy--;
		*d->done_tail = io;
		d->done_tail = &io->next;
		drive_signal(d);
		if (!d->busy)
			pthread_cond_broadcast(&d->idle_cv);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* ---- the loop thread --------------------------------------------------------- */

void drive_submit(struct drive *d, struct drive_io *io)
{
	io->next = NULL;
	io->ret = 0;
	pthread_mutex_lock(&d->lock);
	*d->queue_tail = io;
	d->queue_tail = &io->next;
	pthread_cond_signal(&d->work_cv);
	pthread_mutex_unlock(&d->lock);
}

/* Completions: at most DRIVE_DONE_BUDGET per turn, the rest on the next. */
static void drive_done_cb(struct el_handler *h, uint32_t events)
{
	struct drive *d = (struct drive *)((char *)h - offsetof(struct drive, done_h));
	struct drive_io *list, *io, **tail;
	unsigned int n = 0;
	uint64_t cnt;

	(void)events;
	if (read(h->fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		dm_log("-drive %s: eventfd: errno %d", d->id, errno);
	pthread_mutex_lock(&d->lock);
	list = d->done;
	for (tail = &d->done; *tail && n < DRIVE_DONE_BUDGET; n++)
		tail = &(*tail)->next;
	d->done = *tail;
	*tail = NULL;
	if (!d->done)
		d->done_tail = &d->done;
	else
		drive_signal(d);
	pthread_mutex_unlock(&d->lock);
	while ((io = list)) {
		list = io->next;
		io->done(io);
	}
	if (n && d->drained)
		d->drained(d->owner);
}

void drive_cancel(struct drive *d)
{
	uint64_t cnt;

	pthread_mutex_lock(&d->lock);
	d->queue = NULL;
	d->queue_tail = &d->queue;
	while (d->busy)
		pthread_cond_wait(&d->idle_cv, &d->lock);
	d->done = NULL;
	d->done_tail = &d->done;
	pthread_mutex_unlock(&d->lock);
	if (d->done_h.fd >= 0 && read(d->done_h.fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		dm_log("-drive %s: eventfd: errno %d", d->id, errno);
}

/* ---- setup ------------------------------------------------------------------- */

static int drive_fail(char *err, size_t errlen, const struct drive_opts *o, const char *what, int e)
{
	snprintf(err, errlen, "-drive %s: '%s': %s%s%s", o->id, o->file, what, e ? ": " : "",
		 e ? strerror(e) : "");
	return -1;
}

static int drive_open(struct drive *d, const struct drive_opts *o, char *err, size_t errlen)
{
	int flags = (o->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	struct stat st;
	uint64_t size;

	if (o->cache == DRIVE_CACHE_NONE)
		flags |= O_DIRECT;
	d->fd = open(o->file, flags);
	if (d->fd < 0)
		return drive_fail(err, errlen, o,
				  o->cache == DRIVE_CACHE_NONE
					  ? "cannot open with O_DIRECT (cache=none)"
					  : "cannot open",
				  errno);
	/* one model per image: also keeps out a killed one's threads still exiting */
	if (flock(d->fd, (o->readonly ? LOCK_SH : LOCK_EX) | LOCK_NB))
		return drive_fail(err, errlen, o, "in use by another process (flock)", errno);
	if (fstat(d->fd, &st))
		return drive_fail(err, errlen, o, "fstat", errno);
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(d->fd, BLKGETSIZE64, &size))
			return drive_fail(err, errlen, o, "BLKGETSIZE64", errno);
	} else if (S_ISREG(st.st_mode)) {
		size = (uint64_t)st.st_size;
	} else {
		return drive_fail(err, errlen, o, "not a regular file or block device", 0);
	}
	d->size = size / DRIVE_SECTOR * DRIVE_SECTOR;
	if (!d->size)
		return drive_fail(err, errlen, o, "smaller than one 512-byte sector", 0);
	d->align = o->cache == DRIVE_CACHE_NONE ? DRIVE_DIRECT_ALIGN : 1;
	return 0;
}

static int drive_start(struct drive *d)
{
	sigset_t all, old;
	int err = 0;

	/* signals go to the loop thread (signalfd), never to a worker */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (; d->n_threads < DRIVE_THREADS && !err; d->n_threads++) {
		err = pthread_create(&d->threads[d->n_threads], NULL, drive_worker, d);
		if (err)
			break;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -err;
}

struct drive *drive_new(struct event_loop *loop, const struct drive_opts *o, char *err,
			size_t errlen)
{
	struct drive *d = calloc(1, sizeof(*d));
	int efd;

	if (!d) {
		snprintf(err, errlen, "-drive %s: out of memory", o->id);
		return NULL;
	}
	d->fd = -1;
	snprintf(d->id, sizeof(d->id), "%s", o->id);
	snprintf(d->path, sizeof(d->path), "%s", o->file);
	d->readonly = o->readonly;
	d->cache = o->cache;
	d->loop = loop;
	d->queue_tail = &d->queue;
	d->done_tail = &d->done;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->work_cv, NULL);
	pthread_cond_init(&d->idle_cv, NULL);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	el_handler_init(&d->done_h, efd, drive_done_cb);
	if (efd < 0) {
		drive_fail(err, errlen, o, "eventfd", errno);
		goto fail;
	}
	if (drive_open(d, o, err, errlen))
		goto fail;
	if (el_set(loop, &d->done_h, EPOLLIN) || drive_start(d)) {
		drive_fail(err, errlen, o, "cannot start its I/O threads", errno);
		goto fail;
	}
	return d;
fail:
	drive_free(d);
	return NULL;
}

void drive_free(struct drive *d)
{
	unsigned int i;

	if (!d)
		return;
	drive_cancel(d);
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_cond_broadcast(&d->work_cv);
	pthread_mutex_unlock(&d->lock);
	for (i = 0; i < d->n_threads; i++)
		pthread_join(d->threads[i], NULL);
	if (d->done_h.fd >= 0) {
		el_set(d->loop, &d->done_h, 0);
		close(d->done_h.fd);
	}
	if (d->fd >= 0)
		close(d->fd);
	pthread_cond_destroy(&d->idle_cv);
	pthread_cond_destroy(&d->work_cv);
	pthread_mutex_destroy(&d->lock);
	free(d);
}
