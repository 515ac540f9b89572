// SPDX-License-Identifier: MIT
/*
 * QEMU-style command line: parse every option first, then create chardevs,
 * transports, devices and ports in that order so references may appear in
 * any order on the command line.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm/cli.h"

#define CLI_MAX_PROPS 16

struct cli_prop {
	char *key;
	char *val;
	bool used;
};

struct cli_opt {
	const char *option; /* "-chardev" ... */
	char *type;	    /* first token: backend/driver/type */
	struct cli_prop props[CLI_MAX_PROPS];
	unsigned int nprops;
	char *buf;
};

struct cli_ctx {
	struct dm_instance *dm;
	char *err;
	size_t errlen;
};

void dm_cli_usage(void)
{
	fputs("Usage: bulkhead-dm [options]\n"
	      "VirtIO device model of Bulkhead: serves virtio-mmio consoles and network\n"
	      "devices to frontends.\n"
	      "\n"
	      "Transports (where the frontends' register accesses come from):\n"
	      "  -transport sim,id=ID,fd=N          test frontend on inherited socket fd N\n"
	      "  -transport sim,id=ID,path=PATH     test frontend listening on unix socket\n"
	      "                                     (SOCK_SEQPACKET, see "
	      "dm/include/dm/sim_proto.h)\n"
	      "  -transport uio,id=ID[,root=DIR][,poll=US]\n"
	      "                                     hypervisor remote I/O: each device names\n"
	      "                                     its uio node (/sys/class/uio/uioN/name)\n"
	      "                                     with name=; root= prefixes /sys and /dev\n"
	      "                                     (host tests); after work, watch the rings\n"
	      "                                     for up to US microseconds (adaptive,\n"
	      "                                     default 256, 0 = never poll)\n"
	      "\n"
	      "Character devices (as QEMU's -chardev):\n"
	      "  -chardev pty,id=ID                 prints 'char device redirected to\n"
	      "                                     /dev/pts/N (label ID)' on stdout\n"
	      "  -chardev socket,id=ID,path=PATH,server=on[,wait=off]\n"
	      "                                     unix socket server, one client at a time\n"
	      "  -chardev file,id=ID,path=OUT[,input-path=IN][,append=on]\n"
	      "  -chardev stdio,id=ID[,signal=on]\n"
	      "\n"
	      "Network backends (as QEMU's -netdev; one Ethernet frame per message):\n"
	      "  -netdev tap,id=ID,ifname=NAME[,vnet_hdr=on|off]\n"
	      "                                     tap interface NAME through /dev/net/tun\n"
	      "                                     (IFF_TAP|IFF_NO_PI); bridge and link\n"
	      "                                     state are the system's business;\n"
	      "                                     vnet_hdr=on (default): IFF_VNET_HDR, the\n"
	      "                                     device offers checksum and TSO offloads\n"
	      "  -netdev socket,id=ID,path=PATH     connect to a SOCK_SEQPACKET unix socket\n"
	      "  -netdev socket,id=ID,fd=N          inherited SOCK_SEQPACKET socket\n"
	      "          [,vnet_hdr=on|off]         on: each message starts with a\n"
	      "                                     virtio_net_hdr_v1 (default off)\n"
	      "\n"
	      "Block backends (as QEMU's -drive; raw images only):\n"
	      "  -drive file=PATH,id=ID[,readonly=on][,cache=writeback|writethrough|none]\n"
	      "                                     the image file (or block device), locked\n"
	      "                                     against a second user; cache= as QEMU:\n"
	      "                                     writeback (default) and none report a\n"
	      "                                     volatile cache that FLUSH writes out,\n"
	      "                                     writethrough syncs every write, none\n"
	      "                                     uses O_DIRECT\n"
	      "\n"
	      "Devices:\n"
	      "  -device virtio-console,chardev=ID[,id=DEV][,transport=ID][,slot=N]\n"
	      "          [,name=UIO_NAME]\n"
	      "          [,max_ports=N][,cols=N][,rows=N][,iommu_platform=on|off][,fair=on|off]\n"
	      "      virtio-mmio console; port 0 (hvc0) on the chardev.  max_ports>1\n"
	      "      offers VIRTIO_CONSOLE_F_MULTIPORT (QEMU virtio-serial default: 31).\n"
	      "      slot = device number on the transport (default: next free).\n"
	      "      name = the uio device that forwards this frontend's accesses\n"
	      "      (uio transport; required there, refused by sim).\n"
	      "      iommu_platform=on (default) offers and requires ACCESS_PLATFORM.\n"
	      "      fair=on (default): a port's input is read no further while it is\n"
	      "      64 KiB ahead of the guest's output, as long as that output moves.\n"
	      "  -device virtio-serial-device,...   the same without a port 0 chardev\n"
	      "  -device virtserialport,bus=DEV,chardev=ID[,name=NAME][,nr=N]\n"
	      "  -device virtconsole,bus=DEV,chardev=ID[,name=NAME][,nr=N]\n"
	      "      extra ports of a multiport device (/dev/vportNpM, or hvcN)\n"
	      "  -device virtio-net,netdev=ID[,id=DEV][,mac=52:54:00:12:34:56][,mtu=N]\n"
	      "          [,transport=ID][,slot=N][,name=UIO_NAME][,iommu_platform=on|off]\n"
	      "      virtio-mmio network device (receiveq, transmitq; MAC, STATUS, MTU,\n"
	      "      MRG_RXBUF; on a vnet_hdr netdev also CSUM, GUEST_CSUM, HOST_ and\n"
	      "      GUEST_TSO4/6 and ECN).  mac defaults to a locally administered\n"
	      "      address derived from name= (or id=); mtu defaults to 1500.\n"
	      "  -device virtio-blk,drive=ID[,id=DEV][,serial=S][,transport=ID][,slot=N]\n"
	      "          [,name=UIO_NAME][,iommu_platform=on|off]\n"
	      "      virtio-mmio block device on a -drive (FLUSH, CONFIG_WCE, DISCARD,\n"
	      "      WRITE_ZEROES, GET_ID: serial, up to 20 bytes, default the drive's id).\n"
	      "\n"
	      "  --stats [--root DIR] [UIO_NAME...] print the remote I/O counters of each\n"
	      "                                     device (hypervisor's and the models'),\n"
	      "                                     one line each, and exit\n"
	      "  --latency [--root DIR] [UIO_NAME...] where each device's requests spend\n"
	      "                                     their time: trap -> pick-up, service\n"
	      "                                     (model), doorbell -> resume, total of\n"
	      "                                     reads (hypervisor); log2 histograms\n"
	      "  -h, --help                         this text\n"
	      "  --version                          version\n"
	      "\n"
	      "Example:\n"
	      "  bulkhead-dm -transport sim,id=t0,path=/tmp/fe.sock \\\n"
	      "      -chardev pty,id=serial1 -device virtio-console,chardev=serial1\n"
	      "  bulkhead-dm -transport uio,id=t0 \\\n"
	      "      -chardev pty,id=fe1 -device "
	      "virtio-console,chardev=fe1,transport=t0,name=console-frontend1 \\\n"
	      "      -chardev pty,id=fe2 -device "
	      "virtio-console,chardev=fe2,transport=t0,name=console-frontend2\n",
	      stdout);
}

static int cli_fail(struct cli_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int cli_fail(struct cli_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int cli_split(struct cli_ctx *c, struct cli_opt *o, const char *option, const char *arg)
{
	char *tok, *save = NULL, *eq, *next;

	o->option = option;
	o->buf = strdup(arg);
	if (!o->buf)
		return -ENOMEM;
	next = o->buf;
	/* QEMU's -drive is all properties; the others begin with a type */
	if (!strcmp(option, "-drive")) {
		o->type = (char *)"drive";
	} else {
		o->type = strtok_r(o->buf, ",", &save);
		if (!o->type || strchr(o->type, '='))
			return cli_fail(c, "%s %s: first item must be the type", option, arg);
		next = NULL;
	}
	while ((tok = strtok_r(next, ",", &save))) {
		next = NULL;
		if (o->nprops == CLI_MAX_PROPS)
			return cli_fail(c, "%s %s: too many properties", option, o->type);
		eq = strchr(tok, '=');
		o->props[o->nprops].key = tok;
		/* QEMU accepts a bare boolean ("server") as "server=on" */
		o->props[o->nprops].val = (char *)"on";
		if (eq) {
			*eq = '\0';
			o->props[o->nprops].val = eq + 1;
		}
		o->nprops++;
	}
	return 0;
}

static const char *cli_get(struct cli_opt *o, const char *key)
{
	unsigned int i;

	for (i = 0; i < o->nprops; i++) {
		if (!strcmp(o->props[i].key, key)) {
			o->props[i].used = true;
			return o->props[i].val;
		}
	}
	return NULL;
}

static int cli_check_unused(struct cli_ctx *c, struct cli_opt *o)
{
	unsigned int i;

	for (i = 0; i < o->nprops; i++)
		if (!o->props[i].used)
			return cli_fail(c, "%s %s: unknown property '%s'", o->option, o->type,
					o->props[i].key);
	return 0;
}

static int cli_bool(struct cli_ctx *c, struct cli_opt *o, const char *key, bool *out)
{
	const char *v = cli_get(o, key);

	if (!v)
		return 0;
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")) {
		*out = false;
		return 0;
	}
	return cli_fail(c, "%s %s: property '%s' expects on or off, not '%s'", o->option, o->type,
			key, v);
}

static int cli_uint(struct cli_ctx *c, struct cli_opt *o, const char *key, unsigned long min,
		    unsigned long max, unsigned long *out)
{
	const char *v = cli_get(o, key);
	unsigned long n;
	char *end;

	if (!v)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 0);
	if (errno || !*v || *end || n < min || n > max)
		return cli_fail(c, "%s %s: property '%s' must be %lu..%lu, not '%s'", o->option,
				o->type, key, min, max, v);
	*out = n;
	return 0;
}

static int cli_str(struct cli_ctx *c, struct cli_opt *o, const char *key, char *dst, size_t len)
{
	const char *v = cli_get(o, key);

	if (!v)
		return 0;
	if (strlen(v) >= len)
		return cli_fail(c, "%s %s: property '%s' is too long", o->option, o->type, key);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* ---- object creation ------------------------------------------------------ */

static int cli_chardev(struct cli_ctx *c, struct cli_opt *o)
{
	struct dm_instance *dm = c->dm;
	struct chardev_opts co = { .server = false, .wait = false, .signal = true };
	struct chardev *cd;
	int err;

	snprintf(co.backend, sizeof(co.backend), "%s", o->type);
	err = cli_str(c, o, "id", co.id, sizeof(co.id)) ?:
	      cli_str(c, o, "path", co.path, sizeof(co.path)) ?:
	      cli_str(c, o, "input-path", co.input_path,
		      sizeof(co.input_path)) ?:
	      cli_bool(c, o, "server", &co.server) ?:
	      cli_bool(c, o, "wait", &co.wait) ?:
	      cli_bool(c, o, "append", &co.append) ?:
	      cli_bool(c, o, "signal", &co.signal) ?:
	      cli_check_unused(c, o);
	if (err)
		return err;
	if (!co.id[0])
		return cli_fail(c, "-chardev %s: property 'id' is required", o->type);
	if (dm->n_chardevs == DM_MAX_OBJECTS)
		return cli_fail(c, "-chardev %s: too many chardevs", co.id);
	cd = chardev_new(&dm->loop, &co, c->err, c->errlen);
	if (!cd)
		return -EINVAL;
	dm->chardevs[dm->n_chardevs++] = cd;
	return 0;
}

static int cli_transport(struct cli_ctx *c, struct cli_opt *o)
{
	struct dm_instance *dm = c->dm;
	struct transport_opts to = { .fd = -1 };
	unsigned long fd = ULONG_MAX, poll = ULONG_MAX;
	struct dm_transport *t;
	int err;

	snprintf(to.type, sizeof(to.type), "%s", o->type);
	snprintf(to.id, sizeof(to.id), "%s", o->type);
	err = cli_str(c, o, "id", to.id, sizeof(to.id)) ?:
	      cli_uint(c, o, "fd", 0, INT_MAX, &fd) ?:
	      cli_str(c, o, "path", to.path, sizeof(to.path)) ?:
	      cli_str(c, o, "root", to.root, sizeof(to.root)) ?:
	      cli_uint(c, o, "poll", 0, TRANSPORT_POLL_MAX_US, &poll) ?:
	      cli_check_unused(c, o);
	if (err)
		return err;
	to.fd = fd == ULONG_MAX ? -1 : (int)fd;
	/* poll=0 asks for no polling; unset is the transport's default */
	to.poll_us = poll == ULONG_MAX ? 0 : poll ? (long)poll : -1;
	if (dm->n_transports == DM_MAX_OBJECTS)
		return cli_fail(c, "-transport %s: too many transports", to.id);
	t = transport_new(&dm->loop, &to, c->err, c->errlen);
	if (!t)
		return -EINVAL;
	dm->transports[dm->n_transports++] = t;
	return 0;
}

static struct chardev *cli_find_chardev(struct dm_instance *dm, const char *id)
{
	unsigned int i;

	for (i = 0; i < dm->n_chardevs; i++)
		if (!strcmp(dm->chardevs[i]->id, id))
			return dm->chardevs[i];
	return NULL;
}

static struct dm_transport *cli_find_transport(struct dm_instance *dm, const char *id)
{
	unsigned int i;

	if (!id)
		return dm->n_transports == 1 ? dm->transports[0] : NULL;
	for (i = 0; i < dm->n_transports; i++)
		if (!strcmp(dm->transports[i]->id, id))
			return dm->transports[i];
	/* transport=sim names the only transport of that type */
	for (i = 0; i < dm->n_transports; i++)
		if (!strcmp(dm->transports[i]->ops->name, id))
			return dm->transports[i];
	return NULL;
}

/*
 * The transport a -device names (@id from transport=, or NULL for the only
 * one there is), and room for one more device of its kind (@n of them now).
 */
static int cli_take_transport(struct cli_ctx *c, struct cli_opt *o, const char *id, unsigned int n,
			      struct dm_transport **out)
{
	*out = cli_find_transport(c->dm, id);
	if (!*out)
		return cli_fail(c, "-device %s: transport '%s' not found%s", o->type, id ? id : "",
				id ? "" : " (give -transport, or transport=)");
	if (n == DM_MAX_OBJECTS)
		return cli_fail(c, "-device %s: too many devices", o->type);
	return 0;
}

/* A chardev serves one port; QEMU refuses a second front end too. */
static int cli_take_chardev(struct cli_ctx *c, struct cli_opt *o, const char *id,
			    struct chardev **out)
{
	struct chardev *cd = cli_find_chardev(c->dm, id);

	if (!cd)
		return cli_fail(c, "%s %s: chardev '%s' not found", o->option, o->type, id);
	if (cd->fe.opaque)
		return cli_fail(c, "%s %s: chardev '%s' is already in use", o->option, o->type, id);
	*out = cd;
	return 0;
}

/* Size reported through VIRTIO_CONSOLE_F_SIZE unless cols=/rows= say so. */
#define CLI_CONSOLE_COLS 80
#define CLI_CONSOLE_ROWS 25

/* Put device @m on transport @t at @slot (ULONG_MAX: the next free one). */
static int cli_attach(struct cli_ctx *c, struct cli_opt *o, struct dm_transport *t,
		      struct virtio_mmio *m, unsigned long slot, const char *name)
{
	int err;

	if (slot == ULONG_MAX)
		slot = t->nslots;
	err = transport_attach_named(t, (unsigned int)slot, m, name, c->err, c->errlen);
	if (err && c->err[0])
		return err;
	if (err)
		return cli_fail(c, "-device %s: slot %lu of transport '%s': %s", o->type, slot,
				t->id, strerror(-err));
	return 0;
}

static int cli_console(struct cli_ctx *c, struct cli_opt *o)
{
	struct dm_instance *dm = c->dm;
	struct console_opts co = { .max_ports = 1, .access_platform = true, .fair = true };
	unsigned long max_ports = 1, cols = CLI_CONSOLE_COLS, rows = CLI_CONSOLE_ROWS;
	unsigned long slot = ULONG_MAX;
	const char *cd_id, *t_id, *name;
	struct chardev *cd = NULL;
	struct virtio_console *con;
	struct dm_transport *t;
	int err;

	snprintf(co.id, sizeof(co.id), "virtio-console%u", dm->n_consoles);
	cd_id = cli_get(o, "chardev");
	t_id = cli_get(o, "transport");
	name = cli_get(o, "name");
	err = cli_str(c, o, "id", co.id, sizeof(co.id)) ?:
	      cli_uint(c, o, "max_ports", 1, CONSOLE_MAX_PORTS, &max_ports) ?:
	      cli_uint(c, o, "cols", 0, UINT16_MAX, &cols) ?:
	      cli_uint(c, o, "rows", 0, UINT16_MAX, &rows) ?:
	      cli_uint(c, o, "slot", 0, TRANSPORT_MAX_SLOTS - 1, &slot) ?:
	      cli_bool(c, o, "iommu_platform", &co.access_platform) ?:
	      cli_bool(c, o, "fair", &co.fair) ?:
	      cli_check_unused(c, o);
	if (err)
		return err;
	if (!strcmp(o->type, "virtio-console") && !cd_id)
		return cli_fail(c, "-device virtio-console: property 'chardev' is required");
	if (cd_id && (err = cli_take_chardev(c, o, cd_id, &cd)))
		return err;
	err = cli_take_transport(c, o, t_id, dm->n_consoles, &t);
	if (err)
		return err;
	co.max_ports = (unsigned int)max_ports;
	co.cols = (uint16_t)cols;
	co.rows = (uint16_t)rows;
	con = console_new(&co);
	if (!con)
		return -ENOMEM;
	dm->consoles[dm->n_consoles] = con;
	snprintf(dm->console_ids[dm->n_consoles], sizeof(dm->console_ids[0]), "%s", co.id);
	dm->n_consoles++;
	if (cd)
		console_add_port(con, 0, cd, true, NULL);
	return cli_attach(c, o, t, console_mmio(con), slot, name);
}

static int cli_port(struct cli_ctx *c, struct cli_opt *o)
{
	struct dm_instance *dm = c->dm;
	const char *bus = cli_get(o, "bus"), *cd_id = cli_get(o, "chardev");
	char name[CONSOLE_NAME_MAX] = "", id[32];
	struct virtio_console *con = NULL;
	unsigned long nr = ULONG_MAX;
	struct chardev *cd;
	unsigned int i;
	int err;

	err = cli_str(c, o, "name", name, sizeof(name)) ?:
	      cli_str(c, o, "id", id, sizeof(id)) ?:
	      cli_uint(c, o, "nr", 1, CONSOLE_MAX_PORTS - 1, &nr) ?:
	      cli_check_unused(c, o);
	if (err)
		return err;
	if (!cd_id)
		return cli_fail(c, "-device %s: property 'chardev' is required", o->type);
	for (i = 0; i < dm->n_consoles; i++) {
		/* QEMU names the bus "ID.0"; accept both spellings */
		size_t l = strlen(dm->console_ids[i]);

		if (bus && (!strcmp(bus, dm->console_ids[i]) ||
			    (!strncmp(bus, dm->console_ids[i], l) && !strcmp(bus + l, ".0"))))
			con = dm->consoles[i];
	}
	if (!bus && dm->n_consoles == 1)
		con = dm->consoles[0];
	if (!con)
		return cli_fail(c, "-device %s: bus '%s' not found", o->type, bus ? bus : "");
	err = cli_take_chardev(c, o, cd_id, &cd);
	if (err)
		return err;
	if (nr == ULONG_MAX) {
		int free_nr = console_free_port_nr(con);

		if (free_nr < 0)
			return cli_fail(c, "-device %s: no free port (max_ports=%u)", o->type,
					con->max_ports);
		nr = (unsigned long)free_nr;
	}
	err = console_add_port(con, (unsigned int)nr, cd, !strcmp(o->type, "virtconsole"),
			       name[0] ? name : NULL);
	if (err == -EINVAL)
		return cli_fail(c, "-device %s: property 'nr' %lu needs max_ports > %lu", o->type,
				nr, nr);
	if (err)
		return cli_fail(c, "-device %s: port %lu is already in use", o->type, nr);
	return 0;
}

static int cli_netdev(struct cli_ctx *c, struct cli_opt *o)
{
	struct dm_instance *dm = c->dm;
	struct netdev_opts no = { .fd = -1, .vnet_hdr = -1 };
	unsigned long fd = ULONG_MAX;
	bool vnet_hdr = false;
	struct netdev *nd;
	int err;

	snprintf(no.backend, sizeof(no.backend), "%s", o->type);
	err = cli_str(c, o, "id", no.id, sizeof(no.id)) ?:
	      cli_str(c, o, "ifname", no.ifname, sizeof(no.ifname)) ?:
	      cli_str(c, o, "path", no.path, sizeof(no.path)) ?:
	      cli_uint(c, o, "fd", 0, INT_MAX, &fd) ?:
	      cli_bool(c, o, "vnet_hdr", &vnet_hdr) ?:
	      cli_check_unused(c, o);
	if (err)
		return err;
	if (cli_get(o, "vnet_hdr"))
		no.vnet_hdr = vnet_hdr;
	if (!no.id[0])
		return cli_fail(c, "-netdev %s: property 'id' is required", o->type);
	if (dm->n_netdevs == DM_MAX_OBJECTS)
		return cli_fail(c, "-netdev %s: too many netdevs", no.id);
	no.fd = fd == ULONG_MAX ? -1 : (int)fd;
	nd = netdev_new(&dm->loop, &no, c->err, c->errlen);
	if (!nd)
		return -EINVAL;
	dm->netdevs[dm->n_netdevs++] = nd;
	return 0;
}

/* A netdev serves one device, as in QEMU. */
static int cli_take_netdev(struct cli_ctx *c, struct cli_opt *o, const char *id,
			   struct netdev **out)
{
	unsigned int i;

	for (i = 0; i < c->dm->n_netdevs; i++) {
		struct netdev *nd = c->dm->netdevs[i];

		if (strcmp(nd->id, id))
			continue;
		if (nd->fe.opaque)
			return cli_fail(c, "%s %s: netdev '%s' is already in use", o->option,
					o->type, id);
		*out = nd;
		return 0;
	}
	return cli_fail(c, "%s %s: netdev '%s' not found", o->option, o->type, id);
}

static int cli_net_opts(struct cli_ctx *c, struct cli_opt *o, struct net_opts *no,
			unsigned long *slot)
{
	const char *mac = cli_get(o, "mac");
	unsigned long mtu = NET_MTU_DEFAULT;
	int err;

	err = cli_str(c, o, "id", no->id, sizeof(no->id)) ?:
	      cli_uint(c, o, "mtu", NET_MTU_MIN, NET_MTU_MAX, &mtu) ?:
	      cli_uint(c, o, "slot", 0, TRANSPORT_MAX_SLOTS - 1, slot) ?:
	      cli_bool(c, o, "iommu_platform", &no->access_platform);
	if (err)
		return err;
	no->mtu = (uint16_t)mtu;
	if (mac && net_parse_mac(mac, no->mac))
		return cli_fail(c,
				"-device virtio-net: property 'mac' must be a unicast address "
				"like 52:54:00:12:34:56, not '%s'",
				mac);
	return 0;
}

static int cli_net(struct cli_ctx *c, struct cli_opt *o)
{
	struct dm_instance *dm = c->dm;
	struct net_opts no = { .access_platform = true };
	const char *nd_id = cli_get(o, "netdev"), *t_id = cli_get(o, "transport");
	const char *name = cli_get(o, "name"), *mac = cli_get(o, "mac");
	unsigned long slot = ULONG_MAX;
	struct netdev *nd = NULL;
	struct virtio_net *n;
	struct dm_transport *t;
	int err;

	snprintf(no.id, sizeof(no.id), "virtio-net%u", dm->n_nets);
	err = cli_net_opts(c, o, &no, &slot) ?: cli_check_unused(c, o);
	if (err)
		return err;
	if (!nd_id)
		return cli_fail(c, "-device virtio-net: property 'netdev' is required");
	err = cli_take_netdev(c, o, nd_id, &nd) ?: cli_take_transport(c, o, t_id, dm->n_nets, &t);
	if (err)
		return err;
	/* the uio name is what stays the same for a frontend across configs */
	if (!mac)
		net_default_mac(name ? name : no.id, no.mac);
	n = net_new(&no, nd);
	if (!n)
		return -ENOMEM;
	dm->nets[dm->n_nets++] = n;
	return cli_attach(c, o, t, net_mmio(n), slot, name);
}

static int cli_drive(struct cli_ctx *c, struct cli_opt *o)
{
	struct dm_instance *dm = c->dm;
	struct drive_opts dopt = { .cache = DRIVE_CACHE_WRITEBACK };
	const char *cache = cli_get(o, "cache"), *format = cli_get(o, "format");
	const char *iface = cli_get(o, "if");
	struct drive *d;
	int err;

	err = cli_str(c, o, "id", dopt.id, sizeof(dopt.id)) ?:
	      cli_str(c, o, "file", dopt.file, sizeof(dopt.file)) ?:
	      cli_bool(c, o, "readonly", &dopt.readonly) ?:
	      cli_check_unused(c, o);
	if (err)
		return err;
	if (!dopt.id[0])
		return cli_fail(c, "-drive: property 'id' is required");
	if (!dopt.file[0])
		return cli_fail(c, "-drive %s: property 'file' is required", dopt.id);
	if (cache && drive_cache_parse(cache, &dopt.cache))
		return cli_fail(
			c, "-drive %s: cache must be writeback, writethrough or none, not '%s'",
			dopt.id, cache);
	if (format && strcmp(format, "raw"))
		return cli_fail(c, "-drive %s: format '%s' (only raw images)", dopt.id, format);
	if (iface && strcmp(iface, "none"))
		return cli_fail(c, "-drive %s: if='%s' (only none: give -device virtio-blk)",
				dopt.id, iface);
	if (dm->n_drives == DM_MAX_OBJECTS)
		return cli_fail(c, "-drive %s: too many drives", dopt.id);
	d = drive_new(&dm->loop, &dopt, c->err, c->errlen);
	if (!d)
		return -EINVAL;
	dm->drives[dm->n_drives++] = d;
	return 0;
}

/* A drive serves one device, as in QEMU. */
static int cli_take_drive(struct cli_ctx *c, struct cli_opt *o, const char *id, struct drive **out)
{
	unsigned int i;

	for (i = 0; i < c->dm->n_drives; i++) {
		struct drive *d = c->dm->drives[i];

		if (strcmp(d->id, id))
			continue;
		if (d->owner)
			return cli_fail(c, "%s %s: drive '%s' is already in use", o->option,
					o->type, id);
		*out = d;
		return 0;
	}
	return cli_fail(c, "%s %s: drive '%s' not found", o->option, o->type, id);
}

static int cli_blk(struct cli_ctx *c, struct cli_opt *o)
{
	struct dm_instance *dm = c->dm;
	struct blk_opts bo = { .access_platform = true };
	const char *d_id = cli_get(o, "drive"), *t_id = cli_get(o, "transport");
	const char *name = cli_get(o, "name");
	unsigned long slot = ULONG_MAX;
	struct dm_transport *t;
	struct virtio_blk *b;
	struct drive *d = NULL;
	int err;

	snprintf(bo.id, sizeof(bo.id), "virtio-blk%u", dm->n_blks);
	err = cli_str(c, o, "id", bo.id, sizeof(bo.id)) ?:
	      cli_str(c, o, "serial", bo.serial, sizeof(bo.serial)) ?:
	      cli_uint(c, o, "slot", 0, TRANSPORT_MAX_SLOTS - 1, &slot) ?:
	      cli_bool(c, o, "iommu_platform", &bo.access_platform) ?:
	      cli_check_unused(c, o);
	if (err)
		return err;
	if (!d_id)
		return cli_fail(c, "-device %s: property 'drive' is required", o->type);
	err = cli_take_drive(c, o, d_id, &d) ?: cli_take_transport(c, o, t_id, dm->n_blks, &t);
	if (err)
		return err;
	b = blk_new(&bo, d);
	if (!b)
		return -ENOMEM;
	dm->blks[dm->n_blks++] = b;
	return cli_attach(c, o, t, blk_mmio(b), slot, name);
}

static int cli_device(struct cli_ctx *c, struct cli_opt *o)
{
	/* virtio-blk-device is QEMU's name for it on virtio-mmio */
	if (!strcmp(o->type, "virtio-blk") || !strcmp(o->type, "virtio-blk-device"))
		return cli_blk(c, o);
	if (!strcmp(o->type, "virtio-net"))
		return cli_net(c, o);
	if (!strcmp(o->type, "virtio-console") || !strcmp(o->type, "virtio-serial-device"))
		return cli_console(c, o);
	if (!strcmp(o->type, "virtserialport") || !strcmp(o->type, "virtconsole"))
		return cli_port(c, o);
	return cli_fail(c, "-device: unknown driver '%s'", o->type);
}

/* ---- top level --------------------------------------------------------- */

static int cli_pass(struct cli_ctx *c, struct cli_opt *opts, unsigned int n, const char *option,
		    bool ports, int (*fn)(struct cli_ctx *, struct cli_opt *))
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		bool is_port;

		if (strcmp(opts[i].option, option))
			continue;
		is_port = !strcmp(opts[i].type, "virtserialport") ||
			  !strcmp(opts[i].type, "virtconsole");
		if (!strcmp(option, "-device") && is_port != ports)
			continue;
		err = fn(c, &opts[i]);
		if (err)
			return err;
	}
	return 0;
}

static int cli_build_all(struct cli_ctx *c, struct cli_opt *opts, unsigned int n)
{
	return cli_pass(c, opts, n, "-chardev", false, cli_chardev) ?:
	       cli_pass(c, opts, n, "-netdev", false, cli_netdev) ?:
	       cli_pass(c, opts, n, "-drive", false, cli_drive) ?:
	       cli_pass(c, opts, n, "-transport", false, cli_transport) ?:
	       cli_pass(c, opts, n, "-device", false, cli_device) ?:
	       cli_pass(c, opts, n, "-device", true, cli_device);
}

static int cli_parse(struct cli_ctx *c, int argc, char **argv, struct cli_opt *opts,
		     unsigned int *n)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int err;

		if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-help")) {
			dm_cli_usage();
			return DM_CLI_EXIT_OK;
		}
		if (!strcmp(a, "--version") || !strcmp(a, "-version")) {
			puts("bulkhead-dm 0.1");
			return DM_CLI_EXIT_OK;
		}
		if (strcmp(a, "-chardev") && strcmp(a, "-device") && strcmp(a, "-transport") &&
		    strcmp(a, "-netdev") && strcmp(a, "-drive"))
			return cli_fail(c, "unknown option '%s' (try --help)", a);
		if (i + 1 >= argc)
			return cli_fail(c, "option '%s' needs an argument", a);
		if (*n == DM_MAX_OBJECTS * 3)
			return cli_fail(c, "too many options");
		err = cli_split(c, &opts[*n], a, argv[++i]);
		(*n)++;
		if (err)
			return err;
	}
	return DM_CLI_RUN;
}

int dm_cli_build(struct dm_instance *dm, int argc, char **argv, char *err, size_t errlen)
{
	struct cli_ctx c = { .dm = dm, .err = err, .errlen = errlen };
	struct cli_opt *opts;
	unsigned int n = 0, i;
	int ret;

	memset(dm, 0, sizeof(*dm));
	err[0] = '\0';
	opts = calloc(DM_MAX_OBJECTS * 3, sizeof(*opts));
	if (!opts)
		return -ENOMEM;
	ret = cli_parse(&c, argc, argv, opts, &n);
	if (ret)
		goto out;
	if (!n) {
		ret = cli_fail(&c,
			       "nothing to do: give -transport, -chardev and -device (try --help)");
		goto out;
	}
	ret = el_init(&dm->loop);
	if (ret) {
		cli_fail(&c, "epoll: %s", strerror(-ret));
		goto out;
	}
	dm->loop_ok = true;
	ret = cli_build_all(&c, opts, n);
out:
	for (i = 0; i < n; i++)
		free(opts[i].buf);
	free(opts);
	return ret;
}

void dm_instance_destroy(struct dm_instance *dm)
{
	unsigned int i;

	for (i = 0; i < dm->n_transports; i++)
		transport_free(dm->transports[i]);
	for (i = 0; i < dm->n_consoles; i++)
		console_free(dm->consoles[i]);
	for (i = 0; i < dm->n_nets; i++)
		net_free(dm->nets[i]);
	for (i = 0; i < dm->n_blks; i++)
		blk_free(dm->blks[i]);
	for (i = 0; i < dm->n_chardevs; i++)
		chardev_free(dm->chardevs[i]);
	for (i = 0; i < dm->n_netdevs; i++)
		netdev_free(dm->netdevs[i]);
	for (i = 0; i < dm->n_drives; i++)
		drive_free(dm->drives[i]);
	if (dm->loop_ok)
		el_fini(&dm->loop);
	memset(dm, 0, sizeof(*dm));
}
