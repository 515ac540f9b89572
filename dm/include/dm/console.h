/* SPDX-License-Identifier: MIT */
/*
 * virtio-console device (virtio v1.2 §5.3), multiport like QEMU's
 * virtio-serial (hw/char/virtio-serial-bus.c).
 */
#ifndef DM_CONSOLE_H
#define DM_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "dm/chardev.h"
#include "dm/fair.h"
#include "dm/mmio.h"

#define CONSOLE_MAX_PORTS    31 /* QEMU virtio-serial's default max */
#define CONSOLE_NAME_MAX     64
#define CONSOLE_QUEUE_SIZE   256
#define CONSOLE_CTRL_PENDING 128 /* queued device->driver messages */
#define CONSOLE_RX_BUDGET    64	 /* chains per wakeup, for fairness */
/*
 * Work per queue handler call before it yields to the event loop
 * (mmio_defer()): buffers walked (a chain counts at least one, so
 * zero-length chains are bounded too) and payload bytes written.
 */
#define CONSOLE_TX_BUDGET_BUFS	256
#define CONSOLE_TX_BUDGET_BYTES (256 * 1024)
#define CONSOLE_CTRL_BUDGET	64    /* control messages per call */
#define CONSOLE_BOUNCE_SIZE	65536 /* per port, Device-memory windows only */
/*
 * Both directions of a port at once (dm/fair.h): the receive side reads no
 * more from the chardev while it is CONSOLE_FAIR_QUANTUM bytes ahead of a
 * transmit side that moved within CONSOLE_FAIR_IDLE_US
 * (docs/device-model.md "Both directions of a console").
 */
#define CONSOLE_FAIR_QUANTUM (64 * 1024)
#define CONSOLE_FAIR_IDLE_US 50000

/* virtio_console_config (§5.3.4) as the driver sees it. */
_Static_assert(sizeof(struct virtio_console_config) == 12, "virtio_console_config layout (§5.3.4)");
/* virtio_console_control (§5.3.6.2). */
_Static_assert(sizeof(struct virtio_console_control) == 8,
	       "virtio_console_control layout (§5.3.6.2)");

struct virtio_console;

struct console_port {
	struct virtio_console *con;
	unsigned int id;
	bool present;
	bool is_console; /* CONSOLE_PORT is sent for it */
	char name[CONSOLE_NAME_MAX];
	struct chardev *cd;

	bool guest_ready; /* PORT_READY received */
	bool guest_open;  /* PORT_OPEN(1) from the driver */
	bool rx_starved;  /* no guest buffers: chardev not read */
	bool rx_held;	  /* a quantum ahead of transmit: chardev not read */
	struct dm_fair fair;

	/*
	 * A TX chain popped and written up to tx_off: the chardev could not
	 * take all of it (tx_blocked: write_ready resumes it) or the budget
	 * ran out (a deferred turn resumes it).
	 */
	bool tx_held;
	bool tx_blocked;
	uint64_t tx_blocked_ns; /* CLOCK_MONOTONIC when the chardev pushed back */
	size_t tx_off;
	uint64_t tx_skip; /* restored: bytes of the next chain already sent (journal) */
	uint8_t *bounce;  /* device-mode copies (window_read/write) */
	struct vq_chain tx_chain;
	struct vq_chain rx_chain;

	unsigned long tx_bytes, rx_bytes;
};

struct console_ctrl_msg {
	struct virtio_console_control hdr;
	uint8_t name_len;
	char name[CONSOLE_NAME_MAX];
};

/** struct console_opts - parsed -device virtio-console options */
struct console_opts {
	char id[32];
	unsigned int max_ports; /* 1 = no MULTIPORT */
	uint16_t cols, rows;
	bool access_platform; /* iommu_platform=on */
	bool emerg_write;
	bool fair; /* fair=on: receive held a quantum ahead of transmit (dm/fair.h) */
};

struct virtio_console {
	struct virtio_mmio mmio;
	unsigned int max_ports;
	struct console_port ports[CONSOLE_MAX_PORTS + 1];
	struct virtio_console_config config;
	bool multiport; /* negotiated */
	bool fair;	/* console_opts.fair */

	struct console_ctrl_msg ctrl[CONSOLE_CTRL_PENDING];
	unsigned int ctrl_head, ctrl_count;
	/* separate: handling a driver message may send one (re-entrant) */
	struct vq_chain ctrl_in_chain, ctrl_out_chain;
};

/** console_new() - create a device; add ports with console_add_port(). */
struct virtio_console *console_new(const struct console_opts *o);
/** console_free() - free a device (its chardevs stay with their owner). */
void console_free(struct virtio_console *con);

/**
 * console_add_port() - bind chardev @cd to port @nr
 * @is_console: a virtconsole port (hvc); port 0 always is
 * @name:       PORT_NAME sent to the driver, or NULL
 * Return: 0, -EINVAL (nr out of range), -EBUSY (port taken).
 */
int console_add_port(struct virtio_console *con, unsigned int nr, struct chardev *cd,
		     bool is_console, const char *name);

/** console_free_port_nr() - lowest unused port number >= 1, or -ENOSPC */
int console_free_port_nr(const struct virtio_console *con);

static inline struct virtio_mmio *console_mmio(struct virtio_console *con)
{
	return &con->mmio;
}

#endif
