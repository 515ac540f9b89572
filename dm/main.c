// SPDX-License-Identifier: MIT
/* bulkhead-dm: parse the command line, then run the one event loop. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "dm/cli.h"

int main(int argc, char **argv)
{
	static struct dm_instance dm;
	char err[256];
	int ret;

	/* Peers vanish; every send uses MSG_NOSIGNAL, writev to a pty too. */
	signal(SIGPIPE, SIG_IGN);
	ret = dm_cli_build(&dm, argc, argv, err, sizeof(err));
	if (ret == DM_CLI_EXIT_OK) {
		dm_instance_destroy(&dm);
		return 0;
	}
	if (ret < 0) {
		fprintf(stderr, "bulkhead-dm: %s\n",
			err[0] ? err : strerror(-ret));
		dm_instance_destroy(&dm);
		return 1;
	}
	ret = el_run(&dm.loop);
	dm_instance_destroy(&dm);
	return ret ? 1 : 0;
}
