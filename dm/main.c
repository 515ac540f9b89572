// SPDX-License-Identifier: MIT
/* bulkhead-dm: parse the command line, then run the one event loop. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "dm/cli.h"
#include "dm/uio_state.h"

struct dm_signals {
	struct el_handler h;
	struct event_loop *loop;
};

/*
 * SIGTERM/SIGINT end the loop so that transports can leave their state for
 * the next device model (uio: the state page) and terminals are restored.
 */
static void dm_signal_cb(struct el_handler *h, uint32_t events)
{
	struct dm_signals *s = (struct dm_signals *)h;
	struct signalfd_siginfo si;

	(void)events;
	if (read(h->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		el_stop(s->loop);
}

static int dm_signals_init(struct dm_signals *s, struct event_loop *loop)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return -1;
	s->loop = loop;
	el_handler_init(&s->h, fd, dm_signal_cb);
	return el_set(loop, &s->h, EPOLLIN);
}

static int dm_stats(int argc, char **argv, bool latency)
{
	const char *root = "";

	if (argc >= 2 && !strcmp(argv[0], "--root")) {
		root = argv[1];
		argc -= 2;
		argv += 2;
	}
	return uio_stats_print(root, argv, argc, latency, stdout);
}

int main(int argc, char **argv)
{
	static struct dm_instance dm;
	struct dm_signals sig = { .h = { .fd = -1 } };
	char err[256];
	int ret;

	if (argc > 1 && !strcmp(argv[1], "--stats"))
		return dm_stats(argc - 2, argv + 2, false);
	if (argc > 1 && !strcmp(argv[1], "--latency"))
		return dm_stats(argc - 2, argv + 2, true);
	/* Peers vanish; every send uses MSG_NOSIGNAL, writev to a pty too. */
	signal(SIGPIPE, SIG_IGN);
	ret = dm_cli_build(&dm, argc, argv, err, sizeof(err));
	if (ret == DM_CLI_EXIT_OK) {
		dm_instance_destroy(&dm);
		return 0;
	}
	if (ret < 0) {
		fprintf(stderr, "bulkhead-dm: %s\n", err[0] ? err : strerror(-ret));
		dm_instance_destroy(&dm);
		return 1;
	}
	if (dm_signals_init(&sig, &dm.loop))
		fprintf(stderr, "bulkhead-dm: signalfd failed; SIGTERM kills\n");
	ret = el_run(&dm.loop);
	if (sig.h.fd >= 0) {
		el_set(&dm.loop, &sig.h, 0);
		close(sig.h.fd);
	}
	dm_instance_destroy(&dm);
	return ret ? 1 : 0;
}
