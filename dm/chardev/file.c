// SPDX-License-Identifier: MIT
/*
 * File backend (-chardev file,path=OUT[,input-path=IN][,append=on]).
 * Always "connected": output is appended to the file, input (optional) is
 * read until end of file.  With append=on and regular files, a restarted
 * device model resumes both exactly where its predecessor stopped
 * (chardev_in_pos(), chardev_out_pos(); docs/device-model.md "Restart").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "dm/chardev.h"

static const struct chardev_ops file_ops = {
	.name = "file",
};

/* Regular files only: a pipe or FIFO cannot be re-read or inspected. */
static void chardev_file_positions(struct chardev *cd, bool append)
{
	struct stat st;

	if (cd->in_fd >= 0 && !fstat(cd->in_fd, &st) && S_ISREG(st.st_mode))
		cd->in_file = true;
	if (append && !fstat(cd->out_fd, &st) && S_ISREG(st.st_mode)) {
		cd->out_file = true;
		cd->out_pos = (uint64_t)st.st_size;
	}
}

struct chardev *chardev_file_new(struct event_loop *loop, const struct chardev_opts *o, char *err,
				 size_t errlen)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK;
	struct chardev *cd;
	int in = -1, out;

	if (!o->path[0]) {
		snprintf(err, errlen, "-chardev file,id=%s: 'path' is required", o->id);
		return NULL;
	}
	flags |= o->append ? O_APPEND : O_TRUNC;
	out = open(o->path, flags, 0644);
	if (out < 0) {
		snprintf(err, errlen, "-chardev file,id=%s: path=%s: %s", o->id, o->path,
			 strerror(errno));
		return NULL;
	}
	if (o->input_path[0]) {
		in = open(o->input_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (in < 0) {
			snprintf(err, errlen, "-chardev file,id=%s: input-path=%s: %s", o->id,
				 o->input_path, strerror(errno));
			close(out);
			return NULL;
		}
	}
	cd = calloc(1, sizeof(*cd));
	if (!cd) {
		if (in >= 0)
			close(in);
		close(out);
		goto err;
	}
	chardev_init(cd, &file_ops, loop, o->id);
	if (chardev_attach_fds(cd, in, out)) {
		/* also the eventfd attach may have made for a regular input file */
		chardev_detach_fds(cd, true);
		free(cd);
		goto err;
	}
	chardev_file_positions(cd, o->append);
	chardev_set_connected(cd, true);
	return cd;
err:
	snprintf(err, errlen, "-chardev file,id=%s: setup failed", o->id);
	return NULL;
}
