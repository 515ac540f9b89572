// SPDX-License-Identifier: MIT
/*
 * fdb-pin PORT MAC: tell the bridge that PORT is where MAC lives, for good: a
 * static forwarding entry marked sticky (NTF_STICKY), which the bridge never
 * moves to the port a frame with MAC as its source comes in on.  The backend
 * pins QEMU's gateway MAC on its NIC (guest/rio/rc.local), so a frontend that
 * sends frames from that MAC cannot draw the backend's frames for QEMU to its
 * own tap (docs/running.md, "Who may log in").  busybox's brctl has no such
 * command; this is the one netlink request (RTM_NEWNEIGH, family AF_BRIDGE,
 * NTF_MASTER) that iproute2's `bridge fdb replace MAC dev PORT master static
 * sticky` sends.
 */
#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct fdb_req {
	struct nlmsghdr nh;
	struct ndmsg ndm;
	struct rtattr lladdr_attr;
	unsigned char lladdr[ETH_ALEN];
};
/* the netlink message layout: header, family header, then the attribute, each aligned */
_Static_assert(offsetof(struct fdb_req, ndm) == NLMSG_HDRLEN, "ndmsg after the header");
_Static_assert(offsetof(struct fdb_req, lladdr_attr) == NLMSG_LENGTH(sizeof(struct ndmsg)),
	       "NDA_LLADDR after the ndmsg");
_Static_assert(offsetof(struct fdb_req, lladdr) ==
		       NLMSG_LENGTH(sizeof(struct ndmsg)) + RTA_LENGTH(0),
	       "the address is the attribute's payload");

/**
 * fdb_parse_mac() - read "aa:bb:cc:dd:ee:ff" into @mac.
 * @s: the text
 * @mac: ETH_ALEN bytes
 *
 * Return: 0, or -EINVAL if @s is not six colon-separated hex bytes.
 */
static int fdb_parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[ETH_ALEN];
	char end;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != ETH_ALEN)
		return -EINVAL;
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = (unsigned char)b[i];
	return 0;
}

/**
 * fdb_ack() - wait for the kernel's answer to the request on @fd.
 * @fd: the NETLINK_ROUTE socket
 *
 * Return: 0 if the kernel acknowledged it, else the negative errno it gave.
 */
static int fdb_ack(int fd)
{
	char buf[512] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;
	const struct nlmsgerr *err;
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n < 0)
		return -errno;
	if ((size_t)n < NLMSG_LENGTH(sizeof(*err)) || nh->nlmsg_type != NLMSG_ERROR)
		return -EPROTO;
	err = NLMSG_DATA(nh);
	return err->error;
}

/**
 * fdb_pin() - add or replace the static, sticky entry @mac on bridge port @port.
 * @port: the bridge port's interface name
 * @mac: ETH_ALEN bytes
 *
 * Return: 0, or a negative errno.
 */
static int fdb_pin(const char *port, const unsigned char *mac)
{
	struct fdb_req req;
	unsigned int ifindex = if_nametoindex(port);
	int fd, ret;

	if (!ifindex)
		return -ENODEV;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ndm) + RTA_LENGTH(ETH_ALEN));
	req.nh.nlmsg_type = RTM_NEWNEIGH;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	req.ndm.ndm_family = AF_BRIDGE;
	req.ndm.ndm_ifindex = (int)ifindex;
	req.ndm.ndm_state = NUD_NOARP; /* "static": never aged out */
	req.ndm.ndm_flags = NTF_MASTER | NTF_STICKY;
	req.lladdr_attr.rta_type = NDA_LLADDR;
	req.lladdr_attr.rta_len = RTA_LENGTH(ETH_ALEN);
	memcpy(req.lladdr, mac, ETH_ALEN);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		ret = -errno;
	else
		ret = fdb_ack(fd);
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned char mac[ETH_ALEN];
	int ret;

	if (argc != 3 || fdb_parse_mac(argv[2], mac)) {
		fprintf(stderr, "usage: fdb-pin PORT MAC\n"
				"  MAC lives on bridge port PORT: a static entry no frame moves\n");
		return 2;
	}
	ret = fdb_pin(argv[1], mac);
	if (ret) {
		fprintf(stderr, "fdb-pin: %s %s: %s\n", argv[1], argv[2], strerror(-ret));
		return 1;
	}
	return 0;
}
