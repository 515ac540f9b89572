// SPDX-License-Identifier: MIT
/*
 * stdio backend (-chardev stdio).  stdin/stdout are made non-blocking (the
 * loop must never block on a slow terminal) and a terminal on stdin is put
 * in raw mode with signals kept, as QEMU's default signal=on; both are
 * restored when the backend is freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "dm/chardev.h"

struct chardev_stdio {
	struct chardev cd; /* first: chardev_free() frees it */
	int in_flags, out_flags;
	bool tty;
	struct termios saved;
};

static void stdio_destroy(struct chardev *cd)
{
	struct chardev_stdio *s = (struct chardev_stdio *)cd;

	if (s->tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &s->saved);
	fcntl(STDIN_FILENO, F_SETFL, s->in_flags);
	fcntl(STDOUT_FILENO, F_SETFL, s->out_flags);
}

static const struct chardev_ops stdio_ops = {
	.name = "stdio",
	.destroy = stdio_destroy,
};

struct chardev *chardev_stdio_new(struct event_loop *loop, const struct chardev_opts *o, char *err,
				  size_t errlen)
{
	struct chardev_stdio *s = calloc(1, sizeof(*s));
	struct termios tio;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	chardev_init(&s->cd, &stdio_ops, loop, o->id);
	s->cd.borrowed_fds = true;
	s->in_flags = fcntl(STDIN_FILENO, F_GETFL);
	s->out_flags = fcntl(STDOUT_FILENO, F_GETFL);
	if (s->in_flags < 0 || s->out_flags < 0) {
		snprintf(err, errlen, "-chardev stdio,id=%s: %s", o->id, strerror(errno));
		free(s);
		return NULL;
	}
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &s->saved) == 0) {
		s->tty = true;
		tio = s->saved;
		cfmakeraw(&tio);
		if (o->signal)
			tio.c_lflag |= ISIG;
		tcsetattr(STDIN_FILENO, TCSANOW, &tio);
	}
	fcntl(STDIN_FILENO, F_SETFL, s->in_flags | O_NONBLOCK);
	fcntl(STDOUT_FILENO, F_SETFL, s->out_flags | O_NONBLOCK);
	if (chardev_attach_fds(&s->cd, STDIN_FILENO, STDOUT_FILENO)) {
		snprintf(err, errlen, "-chardev stdio,id=%s: setup failed", o->id);
		stdio_destroy(&s->cd);
		free(s);
		return NULL;
	}
	chardev_set_connected(&s->cd, true);
	return &s->cd;
}
