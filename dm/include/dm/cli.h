/* SPDX-License-Identifier: MIT */
/*
 * Command line of bulkhead-dm (QEMU style):
 *   -transport sim,id=T,fd=N|path=P
 *   -chardev pty|socket|file|stdio,id=C,...
 *   -device virtio-console,chardev=C[,transport=T][,slot=N][,max_ports=N]...
 *   -device virtserialport|virtconsole,bus=D,chardev=C[,name=S][,nr=N]
 *   -netdev tap,id=N,ifname=I | socket,id=N,path=P|fd=F
 *   -device virtio-net,netdev=N[,mac=M][,mtu=U][,transport=T][,slot=N]...
 *   -drive file=F,id=D[,readonly=on][,cache=writeback|writethrough|none]
 *   -device virtio-blk,drive=D[,serial=S][,transport=T][,slot=N]...
 */
#ifndef DM_CLI_H
#define DM_CLI_H

#include <stddef.h>

#include "dm/blk.h"
#include "dm/chardev.h"
#include "dm/console.h"
#include "dm/drive.h"
#include "dm/event_loop.h"
#include "dm/net.h"
#include "dm/netdev.h"
#include "dm/transport.h"

#define DM_MAX_OBJECTS 32

struct dm_instance {
	struct event_loop loop;
	bool loop_ok;
	struct chardev *chardevs[DM_MAX_OBJECTS];
	unsigned int n_chardevs;
	struct dm_transport *transports[DM_MAX_OBJECTS];
	unsigned int n_transports;
	struct virtio_console *consoles[DM_MAX_OBJECTS];
	char console_ids[DM_MAX_OBJECTS][32];
	unsigned int n_consoles;
	struct netdev *netdevs[DM_MAX_OBJECTS];
	unsigned int n_netdevs;
	struct virtio_net *nets[DM_MAX_OBJECTS];
	unsigned int n_nets;
	struct drive *drives[DM_MAX_OBJECTS];
	unsigned int n_drives;
	struct virtio_blk *blks[DM_MAX_OBJECTS];
	unsigned int n_blks;
};

enum { DM_CLI_RUN = 0, DM_CLI_EXIT_OK = 1 };

/**
 * dm_cli_build() - parse @argv and create every object
 * @err: on failure, a message naming the bad option or property
 * Return: DM_CLI_RUN, DM_CLI_EXIT_OK (--help, --version printed), or a
 * negative errno with @err set.  Call dm_instance_destroy() in every case.
 */
int dm_cli_build(struct dm_instance *dm, int argc, char **argv, char *err, size_t errlen);

/**
 * dm_instance_destroy() - free what dm_cli_build() created
 *
 * Transports go first (uio saves each device's state for the next model),
 * then devices, then chardevs, netdevs and drives.
 */
void dm_instance_destroy(struct dm_instance *dm);

/** dm_cli_usage() - print the --help text on stdout. */
void dm_cli_usage(void);

#endif
