/* SPDX-License-Identifier: MIT */
/*
 * A uio device node as the uio transport uses it: found by name, its maps
 * mmapped, its interrupt counted and re-armed, its doorbell rung.
 *
 * Two implementations behind one interface, so the transport logic is the
 * same in the backend VM and in host tests:
 *
 *  real  ROOT/dev/uioN is a character device (Linux uio, uio_pdrv_genirq):
 *        map K is mmapped at offset K * pagesize of /dev/uioN, read() of 4
 *        bytes returns the interrupt count, write() of a 32-bit 1 re-enables
 *        the interrupt, the doorbell is a 32-bit store into map 1.
 *  fake  ROOT/dev/uioN is a directory (host tests): files map0..map2, a FIFO
 *        "irq" (one byte per interrupt) and a FIFO "db" carrying 32-bit
 *        doorbell values and UIO_FAKE_ARM for a re-arm.
 *
 * Both find the node by ROOT/sys/class/uio/uio*\/name and read the map sizes
 * from ROOT/sys/class/uio/uioN/maps/mapK/size (ROOT is "" in the backend).
 */
#ifndef DM_UIO_DEV_H
#define DM_UIO_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UIO_DEV_MAPS	 3
#define UIO_DEV_NAME_MAX 64
#define UIO_DEV_PATH_MAX 256
/* fake only: the value a re-arm sends down the "db" FIFO */
#define UIO_FAKE_ARM 0x80000000u

struct uio_dev;

struct uio_dev_ops {
	const char *kind;
	int (*map)(struct uio_dev *u, unsigned int k);
	/* consume pending interrupt events: >0 events, 0 none, <0 errno */
	int (*irq_ack)(struct uio_dev *u);
	int (*irq_arm)(struct uio_dev *u);
	void (*doorbell)(struct uio_dev *u, uint32_t val);
};

struct uio_map {
	void *ptr; /* NULL until mapped */
	size_t len;
	uint64_t size; /* from sysfs */
};

struct uio_dev {
	const struct uio_dev_ops *ops;
	char name[UIO_DEV_NAME_MAX];
	char node[32]; /* "uioN" */
	char dev_path[UIO_DEV_PATH_MAX];
	int fd;	     /* real: /dev/uioN; fake: the irq FIFO.  Poll it. */
	int db_fd;   /* fake: the db FIFO */
	int lock_fd; /* flock()ed: one device model per node */
	struct uio_map map[UIO_DEV_MAPS];
};

/**
 * uio_dev_open() - find the uio node named @name under @root and open it
 * @root: prefix for /sys and /dev ("" or NULL in the backend)
 * @err:  on failure, a message naming the device
 *
 * Maps nothing yet; see uio_dev_map().
 * Return: 0, -ENOENT (no such name), or another negative errno.
 */
int uio_dev_open(struct uio_dev *u, const char *root, const char *name, char *err, size_t errlen);

/**
 * uio_dev_lock() - take the node for this process (flock, non-blocking)
 *
 * Two device models serving one device would both answer its requests.
 * Return: 0, or -EBUSY with @err naming the device.
 */
int uio_dev_lock(struct uio_dev *u, char *err, size_t errlen);
/** uio_dev_close() - unmap the maps and close every fd (also the lock). */
void uio_dev_close(struct uio_dev *u);

/**
 * uio_dev_map() - mmap map @k read/write (its size from sysfs)
 * Return: 0, -ENXIO if the node has no map @k, or another negative errno.
 */
int uio_dev_map(struct uio_dev *u, unsigned int k);

static inline int uio_dev_irq_ack(struct uio_dev *u)
{
	return u->ops->irq_ack(u);
}

static inline int uio_dev_irq_arm(struct uio_dev *u)
{
	return u->ops->irq_arm(u);
}

static inline void uio_dev_doorbell(struct uio_dev *u, uint32_t val)
{
	u->ops->doorbell(u, val);
}

/**
 * uio_dev_list() - call @fn for every uio node under @root
 * Return: number of nodes seen, or a negative errno.
 */
int uio_dev_list(const char *root, void (*fn)(void *ctx, const char *name), void *ctx);

#endif
