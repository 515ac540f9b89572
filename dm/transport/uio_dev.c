// SPDX-License-Identifier: MIT
/* uio device nodes, real (Linux uio) and fake (host tests): dm/uio_dev.h */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "bulkhead/rio.h"
#include "dm/uio_dev.h"

static int uio_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static const char *uio_root(const char *root)
{
	return root ? root : "";
}

int uio_dev_list(const char *root, void (*fn)(void *ctx, const char *name), void *ctx)
{
	char path[2 * UIO_DEV_PATH_MAX], name[UIO_DEV_NAME_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/sys/class/uio", uio_root(root));
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "uio", 3))
			continue;
		snprintf(path, sizeof(path), "%s/sys/class/uio/%.32s/name", uio_root(root),
			 de->d_name);
		if (uio_read_file(path, name, sizeof(name)))
			continue;
		n++;
		if (fn)
			fn(ctx, name);
	}
	closedir(d);
	return n;
}

/* Find uioN whose name is @name; fills u->node. */
static int uio_find(struct uio_dev *u, const char *root, const char *name)
{
	char path[2 * UIO_DEV_PATH_MAX], buf[UIO_DEV_NAME_MAX];
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d;

	snprintf(path, sizeof(path), "%s/sys/class/uio", root);
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "uio", 3) || strlen(de->d_name) >= sizeof(u->node))
			continue;
		snprintf(path, sizeof(path), "%s/sys/class/uio/%s/name", root, de->d_name);
		if (uio_read_file(path, buf, sizeof(buf)) || strcmp(buf, name))
			continue;
		snprintf(u->node, sizeof(u->node), "%.31s", de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

static int uio_map_sizes(struct uio_dev *u, const char *root)
{
	char path[2 * UIO_DEV_PATH_MAX], buf[64];
	unsigned int k;

	for (k = 0; k < UIO_DEV_MAPS; k++) {
		unsigned long long v;
		char *end;

		snprintf(path, sizeof(path), "%s/sys/class/uio/%s/maps/map%u/size", root, u->node,
			 k);
		/* a node may have fewer maps (bulkhead-ctl has one): those stay size 0 */
		if (uio_read_file(path, buf, sizeof(buf)))
			return k ? 0 : -ENXIO;
		errno = 0;
		v = strtoull(buf, &end, 0);
		if (errno || end == buf || !v || v > (1ULL << 40))
			return -EINVAL;
		u->map[k].size = v;
	}
	return 0;
}

/* ---- real: Linux uio ------------------------------------------------------ */

static int real_map(struct uio_dev *u, unsigned int k)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)u->map[k].size;
	void *p;

	/* uio_mmap(): the page offset selects the map (drivers/uio/uio.c). */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, u->fd, (off_t)k * page);
	if (p == MAP_FAILED)
		return -errno;
	u->map[k].ptr = p;
	u->map[k].len = len;
	return 0;
}

static int real_irq_ack(struct uio_dev *u)
{
	uint32_t count;
	ssize_t n = read(u->fd, &count, sizeof(count));

	if (n == (ssize_t)sizeof(count))
		return 1;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return n < 0 ? -errno : -EIO;
}

static int real_irq_arm(struct uio_dev *u)
{
	uint32_t one = 1; /* uio_pdrv_genirq irqcontrol: enable */

	if (write(u->fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		return -errno;
	return 0;
}

static void real_doorbell(struct uio_dev *u, uint32_t val)
{
	/* One 32-bit store: it traps to the hypervisor (rio.h, map 1). */
	*(volatile uint32_t *)((uint8_t *)u->map[1].ptr + BH_RIO_DB_KICK) = val;
}

static const struct uio_dev_ops real_ops = {
	.kind = "uio",
	.map = real_map,
	.irq_ack = real_irq_ack,
	.irq_arm = real_irq_arm,
	.doorbell = real_doorbell,
};

/* ---- fake: host tests -------------------------------------------------- */

static int fake_map(struct uio_dev *u, unsigned int k)
{
	char path[UIO_DEV_PATH_MAX + 8];
	size_t len = (size_t)u->map[k].size;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/map%u", u->dev_path, k);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -errno;
	u->map[k].ptr = p;
	u->map[k].len = len;
	return 0;
}

static int fake_irq_ack(struct uio_dev *u)
{
	uint8_t buf[64];
	ssize_t n = read(u->fd, buf, sizeof(buf));

	if (n > 0)
		return (int)n;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return n < 0 ? -errno : 0;
}

static void fake_send(struct uio_dev *u, uint32_t v)
{
	/* A FIFO write of 4 bytes is atomic (PIPE_BUF). */
	if (write(u->db_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return;
}

static int fake_irq_arm(struct uio_dev *u)
{
	fake_send(u, UIO_FAKE_ARM);
	return 0;
}

static const struct uio_dev_ops fake_ops = {
	.kind = "fake-uio",
	.map = fake_map,
	.irq_ack = fake_irq_ack,
	.irq_arm = fake_irq_arm,
	.doorbell = fake_send,
};

static int fake_open(struct uio_dev *u)
{
	char path[UIO_DEV_PATH_MAX + 8];

	snprintf(path, sizeof(path), "%s/irq", u->dev_path);
	/* O_RDWR: a FIFO open that neither blocks nor sees EOF (fifo(7)). */
	u->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (u->fd < 0)
		return -errno;
	/*
	 * Like a real uio open (uio_open() snapshots the event count), events
	 * from before the open are not reported to this opener.
	 */
	while (fake_irq_ack(u) > 0)
		;
	snprintf(path, sizeof(path), "%s/db", u->dev_path);
	u->db_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	return u->db_fd < 0 ? -errno : 0;
}

/* ---- common ------------------------------------------------------------ */

int uio_dev_open(struct uio_dev *u, const char *root, const char *name, char *err, size_t errlen)
{
	struct stat st;
	int ret;

	memset(u, 0, sizeof(*u));
	u->fd = u->db_fd = u->lock_fd = -1;
	root = uio_root(root);
	snprintf(u->name, sizeof(u->name), "%s", name);
	ret = uio_find(u, root, name);
	if (ret) {
		snprintf(err, errlen,
			 "uio device '%s' not found (no %s/sys/class/uio/uio*/name says so; is "
			 "uio_pdrv_genirq bound?)",
			 name, root);
		return ret;
	}
	ret = uio_map_sizes(u, root);
	if (ret) {
		snprintf(err, errlen, "uio device '%s' (%s): bad or missing maps", name, u->node);
		return ret;
	}
	snprintf(u->dev_path, sizeof(u->dev_path), "%s/dev/%s", root, u->node);
	if (stat(u->dev_path, &st)) {
		ret = -errno;
		snprintf(err, errlen, "uio device '%s': %s: %s", name, u->dev_path, strerror(-ret));
		return ret;
	}
	if (S_ISDIR(st.st_mode)) {
		u->ops = &fake_ops;
		ret = fake_open(u);
	} else {
		u->ops = &real_ops;
		u->fd = open(u->dev_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		ret = u->fd < 0 ? -errno : 0;
	}
	if (ret) {
		snprintf(err, errlen, "uio device '%s': open %s: %s", name, u->dev_path,
			 strerror(-ret));
		uio_dev_close(u);
	}
	return ret;
}

int uio_dev_lock(struct uio_dev *u, char *err, size_t errlen)
{
	/* real: the node itself; fake: its directory */
	u->lock_fd = open(u->dev_path, O_RDONLY | O_CLOEXEC);
	if (u->lock_fd < 0 || flock(u->lock_fd, LOCK_EX | LOCK_NB)) {
		int ret = errno == EWOULDBLOCK ? -EBUSY : -errno;

		snprintf(err, errlen,
			 "uio device '%s' (%s) is already served by another device model", u->name,
			 u->node);
		return ret;
	}
	return 0;
}

int uio_dev_map(struct uio_dev *u, unsigned int k)
{
	if (k >= UIO_DEV_MAPS)
		return -EINVAL;
	if (u->map[k].ptr)
		return 0;
	if (!u->map[k].size)
		return -ENXIO; /* the node has no such map */
	return u->ops->map(u, k);
}

void uio_dev_close(struct uio_dev *u)
{
	unsigned int k;

	for (k = 0; k < UIO_DEV_MAPS; k++) {
		if (u->map[k].ptr)
			munmap(u->map[k].ptr, u->map[k].len);
		u->map[k].ptr = NULL;
	}
	if (u->fd >= 0)
		close(u->fd);
	if (u->db_fd >= 0)
		close(u->db_fd);
	if (u->lock_fd >= 0)
		close(u->lock_fd);
	u->fd = u->db_fd = u->lock_fd = -1;
}
