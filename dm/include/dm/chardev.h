/* SPDX-License-Identifier: MIT */
/*
 * Character device backends (QEMU's -chardev): pty, unix socket server,
 * file, stdio.  A backend moves bytes between a front end (a console port)
 * and file descriptors, with readv/writev straight from/to guest memory.
 *
 * Flow control:
 *  - read:  the front end enables reading only while it has guest buffers;
 *           otherwise the fd is left unread (back-pressure, nothing dropped).
 *  - write: while no peer is connected, bytes are accepted and dropped (as
 *           QEMU does) so the guest's TX never stalls; with a peer that is
 *           slow, chardev_writev() accepts less and calls write_ready later.
 */
#ifndef DM_CHARDEV_H
#define DM_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "dm/event_loop.h"
#include "dm/log.h"

#define CHARDEV_ID_MAX	 32
#define CHARDEV_PATH_MAX 108 /* sun_path */

struct chardev;

/** struct chardev_fe - the front end's callbacks (all optional) */
struct chardev_fe {
	void (*read_ready)(void *opaque);	  /* input pending */
	void (*write_ready)(void *opaque);	  /* output possible again */
	void (*event)(void *opaque, bool opened); /* peer came or went */
	void *opaque;
};

struct chardev_ops {
	const char *name;
	/* a peer disconnected (EOF, EPIPE, HUP): drop the connection */
	void (*disconnect)(struct chardev *cd);
	void (*destroy)(struct chardev *cd);
};

/** struct chardev_opts - parsed -chardev options */
struct chardev_opts {
	char backend[16];
	char id[CHARDEV_ID_MAX];
	char path[CHARDEV_PATH_MAX];
	char input_path[CHARDEV_PATH_MAX];
	bool server, wait, append;
	bool signal; /* stdio: a tty keeps ISIG (^C, ^Z), as QEMU's signal=on */
};

struct chardev {
	const struct chardev_ops *ops;
	char id[CHARDEV_ID_MAX];
	struct event_loop *loop;
	struct chardev_fe fe;

	int in_fd, out_fd;	       /* -1 when not connected */
	struct el_handler in_h, out_h; /* out_h unused when in_fd == out_fd */
	bool in_pollable;	       /* epoll refuses regular files */
	int ready_fd;		       /* eventfd standing in for !in_pollable */
	bool in_eof;
	bool out_not_sock; /* out_fd refused sendmsg: use writev */
	bool borrowed_fds; /* stdio: never close 0/1 */
	bool connected;
	bool hup_seen; /* the peer hung up with input still queued for the guest */
	bool want_read, want_write;
	/*
	 * Regular files (file backend): how far input was consumed and how long
	 * the output file is, so a restarted model resumes exactly there
	 * (chardev_in_pos() and friends).
	 */
	bool in_file, out_file;
	uint64_t in_pos, out_pos;
	char pty_name[64];     /* pty only */
	unsigned long dropped; /* bytes written while unconnected */
	struct dm_ratelimit rl;
};

/**
 * chardev_new() - create a backend from options
 * @err: on failure, a message naming the offending option
 * Return: the chardev or NULL.
 */
struct chardev *chardev_new(struct event_loop *loop, const struct chardev_opts *o, char *err,
			    size_t errlen);
/** chardev_free() - close the backend's fds and free it (NULL is a no-op). */
void chardev_free(struct chardev *cd);

/**
 * chardev_set_fe() - bind a front end (console port)
 *
 * A peer that is already connected is reported through @fe->event at once,
 * so the front end never misses the open that happened before it existed.
 */
void chardev_set_fe(struct chardev *cd, const struct chardev_fe *fe);

/** chardev_read_enable() - (stop) watching for input. */
void chardev_read_enable(struct chardev *cd, bool on);

/**
 * chardev_readv() - read input into @iov
 * Return: bytes read; 0 when nothing is available now (or the peer left).
 */
size_t chardev_readv(struct chardev *cd, const struct iovec *iov, int cnt);

/**
 * chardev_in_ready() - may a read take bytes without waiting in the kernel?
 *
 * FIONREAD: bytes a read returns at once.  A read that finds none is not
 * always cheap: on a pty (Linux n_tty) even a non-blocking read first waits
 * for the tty's flip-buffer work, a kworker that must get a CPU.
 * Return: false only when the fd says it holds no byte now; true when it
 * does, or cannot say (the read then finds out).
 */
bool chardev_in_ready(const struct chardev *cd);

/**
 * chardev_writev() - write output
 * Return: bytes consumed (written or, with no peer, dropped).  Fewer than
 * offered means the peer is slow; write_ready follows when it drains.
 */
size_t chardev_writev(struct chardev *cd, const struct iovec *iov, int cnt);

/**
 * chardev_in_pos() - bytes consumed so far of a regular input file
 * Return: false for input that cannot be re-read (pty, socket, pipe).
 */
bool chardev_in_pos(const struct chardev *cd, uint64_t *pos);

/**
 * chardev_out_pos() - length of a regular output file opened with append=on
 * Return: false for output whose past cannot be inspected (pty, socket).
 */
bool chardev_out_pos(const struct chardev *cd, uint64_t *pos);

/**
 * chardev_in_seek() - go on reading a regular input file at @pos
 * Return: 0, -ESPIPE for input that is not a regular file, -EINVAL if @pos
 * lies beyond its end.
 */
int chardev_in_seek(struct chardev *cd, uint64_t pos);

/*
 * Helpers for the backends: chardev_init() fills the generic part,
 * chardev_attach_fds()/chardev_detach_fds() hand the connection's fds in and
 * out (detach closes them once, unless @close_fds is false),
 * chardev_set_connected() reports a peer to the front end, and
 * chardev_update() re-computes the epoll interest.
 */
void chardev_init(struct chardev *cd, const struct chardev_ops *ops, struct event_loop *loop,
		  const char *id);
int chardev_attach_fds(struct chardev *cd, int in_fd, int out_fd);
void chardev_detach_fds(struct chardev *cd, bool close_fds);
void chardev_set_connected(struct chardev *cd, bool connected);
void chardev_update(struct chardev *cd);

struct chardev *chardev_pty_new(struct event_loop *loop, const struct chardev_opts *o, char *err,
				size_t errlen);
struct chardev *chardev_socket_new(struct event_loop *loop, const struct chardev_opts *o, char *err,
				   size_t errlen);
struct chardev *chardev_file_new(struct event_loop *loop, const struct chardev_opts *o, char *err,
				 size_t errlen);
struct chardev *chardev_stdio_new(struct event_loop *loop, const struct chardev_opts *o, char *err,
				  size_t errlen);

#endif
