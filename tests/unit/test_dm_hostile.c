// SPDX-License-Identifier: MIT
/*
 * Hostile driver table: every case must end in DEVICE_NEEDS_RESET or in an
 * ignored request plus a log line, never in a crash or an access outside
 * the guest window.  The window is surrounded by PROT_NONE guard pages, so
 * any stray access kills the test; ASan+UBSan watch everything else.  After
 * each case the device must recover through a reset and carry data again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/virtio_config.h>
#include <linux/virtio_console.h>

#include "dm/chardev.h"
#include "dm/console.h"
#include "dm_test_frontend.h"

#define WIN_BASE 0x20000000ULL
#define WIN_SIZE (256ULL << 10)
#define GUARD	 (64ULL << 10)
#define QSIZE	 16
#define FEATURES                                                                     \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM) |         \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
	 (1ULL << VIRTIO_CONSOLE_F_MULTIPORT))

enum expect { RESET, IGNORED };

struct hctx {
	struct event_loop loop;
	struct chardev *cd;
	struct virtio_console *con;
	struct virtio_mmio *m;
	struct dm_window win;
	uint8_t *area;
	struct tfe_mem mem;
	struct tfe_dev dev;
	uint64_t buf; /* a valid data buffer */
	unsigned long irqs;
};

static void irq_cb(void *opaque)
{
	(*(unsigned long *)opaque)++;
}

static const struct mmio_host_ops h_host_ops = { .irq_raise = irq_cb };

static void h_probe_size(struct hctx *h, bool queues, uint16_t qsize)
{
	unsigned int i, nq = h->m->nqueues;

	h->mem.brk = 0;
	tfe_dev_init(&h->dev, NULL, 0, h->m, &h->mem);
	assert_int_equal(tfe_probe(&h->dev, FEATURES), 0);
	if (!queues)
		return;
	for (i = 0; i < nq; i++)
		assert_int_equal(tfe_vq_setup(&h->dev, i, qsize), 0);
	h->buf = tfe_alloc(&h->mem, 4096, 64);
	tfe_driver_ok(&h->dev);
	assert_int_equal(tfe_status(&h->dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
}

static void h_probe(struct hctx *h, bool queues)
{
	h_probe_size(h, queues, QSIZE);
}

static void h_setup(struct hctx *h, unsigned int max_ports)
{
	struct chardev_opts co = { .backend = "file", .id = "null", .path = "/dev/null" };
	struct console_opts o = { .id = "hostile",
				  .max_ports = max_ports,
				  .cols = 80,
				  .rows = 25,
				  .access_platform = true };
	char err[128];

	memset(h, 0, sizeof(*h));
	assert_int_equal(el_init(&h->loop), 0);
	h->cd = chardev_new(&h->loop, &co, err, sizeof(err));
	assert_non_null(h->cd);
	h->con = console_new(&o);
	assert_non_null(h->con);
	assert_int_equal(console_add_port(h->con, 0, h->cd, true, NULL), 0);
	h->m = console_mmio(h->con);
	h->area = mmap(NULL, WIN_SIZE + 2 * GUARD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(h->area != MAP_FAILED);
	assert_int_equal(mprotect(h->area + GUARD, WIN_SIZE, PROT_READ | PROT_WRITE), 0);
	h->mem.memfd = -1;
	h->mem.map = h->area + GUARD;
	h->mem.base = WIN_BASE;
	h->mem.size = WIN_SIZE;
	window_init(&h->win, WIN_BASE, WIN_SIZE, h->mem.map);
	mmio_attach(h->m, &h->win, &h_host_ops, &h->irqs);
}

static void h_teardown(struct hctx *h)
{
	console_free(h->con);
	chardev_free(h->cd);
	el_fini(&h->loop);
	munmap(h->area, WIN_SIZE + 2 * GUARD);
}

static struct vring_desc *h_desc(struct hctx *h, unsigned int q)
{
	return h->dev.vqs[q].desc;
}

/* Indirect table placed in the window after the data buffer. */
static struct vring_desc *h_table(struct hctx *h, uint64_t *gpa)
{
	*gpa = h->buf + 2048;
	return tfe_ptr(&h->mem, *gpa);
}

/* ---- the cases ------------------------------------------------------------ */

static void c_avail_jump(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, 4, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, QSIZE + 1);
}

static void c_head_oob(struct hctx *h)
{
	tfe_vq_publish(&h->dev.vqs[1], QSIZE, 1);
}

static void c_next_oob(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, 4, VRING_DESC_F_NEXT, QSIZE);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_chain_loop(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, 4, VRING_DESC_F_NEXT, 1);
	tfe_desc_set(&h_desc(h, 1)[1], h->buf, 4, VRING_DESC_F_NEXT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_self_loop(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[3], h->buf, 4, VRING_DESC_F_NEXT, 3);
	tfe_vq_publish(&h->dev.vqs[1], 3, 1);
}

static void c_ind_bad_len(struct hctx *h)
{
	uint64_t t;

	h_table(h, &t);
	tfe_desc_set(&h_desc(h, 1)[0], t, 24, VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_ind_zero_len(struct hctx *h)
{
	uint64_t t;

	h_table(h, &t);
	tfe_desc_set(&h_desc(h, 1)[0], t, 0, VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_ind_nested(struct hctx *h)
{
	uint64_t t;
	struct vring_desc *tab = h_table(h, &t);

	tfe_desc_set(&tab[0], t, 32, VRING_DESC_F_INDIRECT, 0);
	tfe_desc_set(&h_desc(h, 1)[0], t, 32, VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_ind_with_next(struct hctx *h)
{
	uint64_t t;
	struct vring_desc *tab = h_table(h, &t);

	tfe_desc_set(&tab[0], h->buf, 4, 0, 0);
	tfe_desc_set(&h_desc(h, 1)[0], t, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	tfe_desc_set(&h_desc(h, 1)[1], h->buf, 4, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_ind_too_long(struct hctx *h)
{
	uint64_t t;

	h_table(h, &t);
	tfe_desc_set(&h_desc(h, 1)[0], t, 16 * (QSIZE + 1), VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_ind_loop(struct hctx *h)
{
	uint64_t t;
	struct vring_desc *tab = h_table(h, &t);

	tfe_desc_set(&tab[0], h->buf, 4, VRING_DESC_F_NEXT, 1);
	tfe_desc_set(&tab[1], h->buf, 4, VRING_DESC_F_NEXT, 0);
	tfe_desc_set(&h_desc(h, 1)[0], t, 32, VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_ind_next_oob(struct hctx *h)
{
	uint64_t t;
	struct vring_desc *tab = h_table(h, &t);

	tfe_desc_set(&tab[0], h->buf, 4, VRING_DESC_F_NEXT, 2);
	tfe_desc_set(&h_desc(h, 1)[0], t, 32, VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_ind_outside(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], WIN_BASE + WIN_SIZE - 16, 32, VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_ind_buf_outside(struct hctx *h)
{
	uint64_t t;
	struct vring_desc *tab = h_table(h, &t);

	tfe_desc_set(&tab[0], WIN_BASE + WIN_SIZE, 1, 0, 0);
	tfe_desc_set(&h_desc(h, 1)[0], t, 16, VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_addr_past_end(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], WIN_BASE + WIN_SIZE, 1, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_len_past_end(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], WIN_BASE + WIN_SIZE - 2, 4, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_addr_wraps(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], 0xfffffffffffffff0ULL, 0x20, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_addr_below(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], WIN_BASE - 16, 16, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_huge_len(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, 0xffffffffU, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_tx_writable(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, 4, VRING_DESC_F_WRITE, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_rx_readable(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 0)[0], h->buf, 4, 0, 0);
	tfe_vq_publish(&h->dev.vqs[0], 0, 1);
	/* RX chains are only parsed when input is pending: port opened? */
	h->con->ports[0].rx_starved = false;
	{
		/* make input pending: the chardev reads /dev/null here, so
		 * call the pump as the loop would when the fd is readable */
		struct chardev_fe fe = h->cd->fe;

		fe.read_ready(fe.opaque);
	}
}

static void c_read_after_write(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 1)[0], h->buf, 4, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	tfe_desc_set(&h_desc(h, 1)[1], h->buf, 4, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

static void c_ctrl_bad_port(struct hctx *h)
{
	struct virtio_console_control *m = tfe_ptr(&h->mem, h->buf);

	m->id = 9;
	m->event = VIRTIO_CONSOLE_PORT_READY;
	m->value = 1;
	tfe_desc_set(&h_desc(h, 3)[0], h->buf, sizeof(*m), 0, 0);
	tfe_vq_publish(&h->dev.vqs[3], 0, 1);
}

static void c_ctrl_short(struct hctx *h)
{
	tfe_desc_set(&h_desc(h, 3)[0], h->buf, 3, 0, 0);
	tfe_vq_publish(&h->dev.vqs[3], 0, 1);
}

static void c_ctrl_unknown_event(struct hctx *h)
{
	struct virtio_console_control *m = tfe_ptr(&h->mem, h->buf);

	m->id = 0;
	m->event = 77;
	m->value = 1;
	tfe_desc_set(&h_desc(h, 3)[0], h->buf, sizeof(*m), 0, 0);
	tfe_vq_publish(&h->dev.vqs[3], 0, 1);
}

static void c_notify_bad_queue(struct hctx *h)
{
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_NOTIFY, 99);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffffU);
}

static void c_readonly_regs(struct hctx *h)
{
	static const uint32_t regs[] = {
		VIRTIO_MMIO_MAGIC_VALUE,
		VIRTIO_MMIO_VERSION,
		VIRTIO_MMIO_DEVICE_ID,
		VIRTIO_MMIO_VENDOR_ID,
		VIRTIO_MMIO_DEVICE_FEATURES,
		VIRTIO_MMIO_QUEUE_NUM_MAX,
		VIRTIO_MMIO_INTERRUPT_STATUS,
		VIRTIO_MMIO_CONFIG_GENERATION,
		VIRTIO_MMIO_SHM_LEN_LOW,
		VIRTIO_MMIO_SHM_BASE_HIGH,
		0x1fc,
	};
	unsigned int i;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		tfe_write32(&h->dev, regs[i], 0x12345678);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_DEVICE_ID), 3);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_QUEUE_NUM_MAX), CONSOLE_QUEUE_SIZE);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_CONFIG_GENERATION), 0);
}

static void c_bad_queue_sel(struct hctx *h)
{
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_SEL, 50);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_QUEUE_READY), 0);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_NUM, 16);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_DESC_LOW, 0);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_QUEUE_READY), 0);
}

static void c_bad_access_size(struct hctx *h)
{
	assert_int_equal(tfe_read(&h->dev, VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
	assert_int_equal(tfe_read(&h->dev, VIRTIO_MMIO_MAGIC_VALUE + 1, 4), 0);
	tfe_write(&h->dev, VIRTIO_MMIO_STATUS, 1, 0); /* not a reset */
	tfe_write(&h->dev, VIRTIO_MMIO_CONFIG + 1, 2, 0);
	assert_int_equal(tfe_read(&h->dev, VIRTIO_MMIO_CONFIG + 12, 4), 0);
	assert_int_equal(tfe_read(&h->dev, VIRTIO_MMIO_CONFIG + 3, 2), 0);
	assert_true(tfe_status(&h->dev) & VIRTIO_CONFIG_S_DRIVER_OK);
}

static void c_layout_while_ready(struct hctx *h)
{
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_SEL, 1);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_DESC_LOW, 0xdead0000);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_NUM, 2);
	assert_int_equal(h->m->vqs[1].desc_addr, h->dev.vqs[1].desc_gpa);
}

static void c_features_after_ok(struct hctx *h)
{
	tfe_write32(&h->dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	tfe_write32(&h->dev, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	assert_int_equal(h->m->driver_features, h->dev.features);
}

static void c_status_clears_bits(struct hctx *h)
{
	tfe_write32(&h->dev, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	assert_true(tfe_status(&h->dev) & VIRTIO_CONFIG_S_DRIVER_OK);
}

static void c_config_write(struct hctx *h)
{
	tfe_write32(&h->dev, VIRTIO_MMIO_CONFIG + 4, 1000);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_CONFIG + 4), h->con->max_ports);
}

static void c_queue_reset_unoffered(struct hctx *h)
{
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_SEL, 1);
	tfe_write32(&h->dev, VIRTIO_MMIO_QUEUE_RESET, 1);
	assert_int_equal(tfe_read32(&h->dev, VIRTIO_MMIO_QUEUE_READY), 1);
}

struct hcase {
	const char *name;
	void (*run)(struct hctx *h);
	enum expect expect;
	unsigned int max_ports;
};

static const struct hcase cases[] = {
	{ "avail index jumps more than the queue size", c_avail_jump, RESET, 1 },
	{ "head descriptor index >= size", c_head_oob, RESET, 1 },
	{ "next descriptor index >= size", c_next_oob, RESET, 1 },
	{ "chain loop", c_chain_loop, RESET, 1 },
	{ "descriptor pointing at itself", c_self_loop, RESET, 1 },
	{ "indirect table length not a multiple of 16", c_ind_bad_len, RESET, 1 },
	{ "indirect table of length 0", c_ind_zero_len, RESET, 1 },
	{ "nested indirect table", c_ind_nested, RESET, 1 },
	{ "indirect with NEXT", c_ind_with_next, RESET, 1 },
	{ "indirect table longer than the queue", c_ind_too_long, RESET, 1 },
	{ "loop inside an indirect table", c_ind_loop, RESET, 1 },
	{ "indirect next index out of table", c_ind_next_oob, RESET, 1 },
	{ "indirect table outside the window", c_ind_outside, RESET, 1 },
	{ "indirect buffer outside the window", c_ind_buf_outside, RESET, 1 },
	{ "buffer address past the window", c_addr_past_end, RESET, 1 },
	{ "buffer length past the window", c_len_past_end, RESET, 1 },
	{ "buffer address + length wraps", c_addr_wraps, RESET, 1 },
	{ "buffer below the window", c_addr_below, RESET, 1 },
	{ "buffer of 4 GiB", c_huge_len, RESET, 1 },
	{ "transmit buffer device-writable", c_tx_writable, RESET, 1 },
	{ "receive buffer device-readable", c_rx_readable, RESET, 1 },
	{ "readable after writable", c_read_after_write, RESET, 1 },
	{ "control message for a bad port", c_ctrl_bad_port, IGNORED, 2 },
	{ "short control message", c_ctrl_short, IGNORED, 2 },
	{ "unknown control event", c_ctrl_unknown_event, IGNORED, 2 },
	{ "notify of a missing queue", c_notify_bad_queue, IGNORED, 1 },
	{ "writes to read-only registers", c_readonly_regs, IGNORED, 1 },
	{ "bad QueueSel", c_bad_queue_sel, IGNORED, 1 },
	{ "bad access sizes", c_bad_access_size, IGNORED, 1 },
	{ "queue layout written while ready", c_layout_while_ready, IGNORED, 1 },
	{ "DriverFeatures after FEATURES_OK", c_features_after_ok, IGNORED, 1 },
	{ "status write clearing bits", c_status_clears_bits, IGNORED, 1 },
	{ "write to the read-only config", c_config_write, IGNORED, 1 },
	{ "QueueReset without RING_RESET", c_queue_reset_unoffered, IGNORED, 1 },
};

/* After any case: reset, probe again, and a TX buffer must come back. */
static void h_check_recovery(struct hctx *h)
{
	struct tfe_buf b;
	uint32_t len;

	tfe_write32(&h->dev, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(tfe_status(&h->dev), 0);
	h_probe(h, true);
	b.gpa = h->buf;
	b.len = 5;
	memcpy(tfe_ptr(&h->mem, h->buf), "hello", 5);
	assert_true(tfe_vq_add(&h->dev.vqs[1], &b, 1, NULL, 0, h, false) >= 0);
	tfe_vq_kick(&h->dev.vqs[1]);
	assert_ptr_equal(tfe_vq_get(&h->dev.vqs[1], &len), h);
	assert_int_equal(tfe_status(&h->dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
}

static void test_hostile_table(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hctx h;
		unsigned long before, irqs;
		uint32_t st;

		h_setup(&h, cases[i].max_ports);
		h_probe(&h, true);
		before = h.m->rl.total;
		irqs = h.irqs;
		cases[i].run(&h);
		st = tfe_status(&h.dev);
		print_message("# %-45s -> %s\n", cases[i].name,
			      st & VIRTIO_CONFIG_S_NEEDS_RESET ? "DEVICE_NEEDS_RESET" : "ignored");
		if (cases[i].expect == RESET) {
			assert_true(st & VIRTIO_CONFIG_S_NEEDS_RESET);
			/* §2.1.2: the driver learns it by a config interrupt */
			assert_true(h.irqs > irqs);
			assert_true(tfe_read32(&h.dev, VIRTIO_MMIO_INTERRUPT_STATUS) &
				    VIRTIO_MMIO_INT_CONFIG);
		} else {
			assert_false(st & VIRTIO_CONFIG_S_NEEDS_RESET);
		}
		assert_true(h.m->rl.total > before);
		h_check_recovery(&h);
		h_teardown(&h);
	}
}

/* A broken device ignores further notifies until reset. */
static void test_broken_device_stays_quiet(void **state)
{
	struct hctx h;
	unsigned long irqs;

	(void)state;
	h_setup(&h, 1);
	h_probe(&h, true);
	c_head_oob(&h);
	assert_true(tfe_status(&h.dev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	irqs = h.irqs;
	tfe_desc_set(&h_desc(&h, 1)[1], h.buf, 4, 0, 0);
	tfe_vq_publish(&h.dev.vqs[1], 1, 1);
	assert_int_equal(h.irqs, irqs);
	h_teardown(&h);
}

/* Ring layout problems found at QueueReady. */
static void ready_case(uint64_t desc, uint16_t num, bool want_reset)
{
	struct hctx h;

	h_setup(&h, 1);
	h_probe(&h, false);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_SEL, 0);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_NUM, num);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)WIN_BASE + 0x1000);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)WIN_BASE + 0x2000);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(tfe_read32(&h.dev, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(!!(tfe_status(&h.dev) & VIRTIO_CONFIG_S_NEEDS_RESET), want_reset);
	/* queue used before ready: ignored and logged */
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	h_check_recovery(&h);
	h_teardown(&h);
}

static void test_ring_layout_checked_at_ready(void **state)
{
	(void)state;
	ready_case(WIN_BASE + WIN_SIZE - 64, 16, true); /* outside */
	ready_case(WIN_BASE + 8, 16, true);		/* misaligned */
	ready_case(WIN_BASE, 12, true);			/* not a power of 2 */
	ready_case(WIN_BASE, 512, true);		/* > QueueNumMax */
	ready_case(0, 16, true);			/* below the window */
}

static void test_queue_before_ready_ignored(void **state)
{
	struct hctx h;
	unsigned long before;

	(void)state;
	h_setup(&h, 1);
	h_probe(&h, false);
	before = h.m->rl.total;
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_true(h.m->rl.total > before);
	assert_false(tfe_status(&h.dev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	h_teardown(&h);
}

static void test_features_refused(void **state)
{
	struct hctx h;

	(void)state;
	h_setup(&h, 1);
	tfe_dev_init(&h.dev, NULL, 0, h.m, &h.mem);
	/* unoffered bit 50: FEATURES_OK must stay clear */
	assert_int_equal(tfe_probe(&h.dev, FEATURES), 0);
	tfe_write32(&h.dev, VIRTIO_MMIO_STATUS, 0);
	tfe_write32(&h.dev, VIRTIO_MMIO_STATUS, 3);
	tfe_write32(&h.dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	tfe_write32(&h.dev, VIRTIO_MMIO_DRIVER_FEATURES, (1U << 18) | 3);
	tfe_write32(&h.dev, VIRTIO_MMIO_STATUS, 3 | VIRTIO_CONFIG_S_FEATURES_OK);
	assert_false(tfe_status(&h.dev) & VIRTIO_CONFIG_S_FEATURES_OK);
	/* without VERSION_1 */
	tfe_write32(&h.dev, VIRTIO_MMIO_STATUS, 0);
	tfe_write32(&h.dev, VIRTIO_MMIO_STATUS, 3);
	tfe_write32(&h.dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	tfe_write32(&h.dev, VIRTIO_MMIO_DRIVER_FEATURES, 2); /* ACCESS_PLATFORM */
	tfe_write32(&h.dev, VIRTIO_MMIO_STATUS, 3 | VIRTIO_CONFIG_S_FEATURES_OK);
	assert_false(tfe_status(&h.dev) & VIRTIO_CONFIG_S_FEATURES_OK);
	/* without ACCESS_PLATFORM (required: restricted DMA pool) */
	tfe_write32(&h.dev, VIRTIO_MMIO_STATUS, 0);
	tfe_write32(&h.dev, VIRTIO_MMIO_STATUS, 3);
	tfe_write32(&h.dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	tfe_write32(&h.dev, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	tfe_write32(&h.dev, VIRTIO_MMIO_STATUS, 3 | VIRTIO_CONFIG_S_FEATURES_OK);
	assert_false(tfe_status(&h.dev) & VIRTIO_CONFIG_S_FEATURES_OK);
	/* DRIVER_OK without FEATURES_OK */
	tfe_write32(&h.dev, VIRTIO_MMIO_STATUS, 3 | VIRTIO_CONFIG_S_DRIVER_OK);
	assert_true(tfe_status(&h.dev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	h_teardown(&h);
}

/* Without a window (transport not attached yet) nothing is touched. */
static void test_no_window(void **state)
{
	struct hctx h;

	(void)state;
	h_setup(&h, 1);
	mmio_attach(h.m, NULL, NULL, NULL);
	tfe_dev_init(&h.dev, NULL, 0, h.m, &h.mem);
	assert_int_equal(tfe_probe(&h.dev, FEATURES), 0);
	assert_int_equal(tfe_vq_setup(&h.dev, 0, QSIZE), -EIO);
	assert_true(tfe_status(&h.dev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	h_teardown(&h);
}

/* ---- fairness: every queue handler runs under a budget ------------------ */

static uint16_t h_used_idx(struct hctx *h, unsigned int q)
{
	return __atomic_load_n(&h->dev.vqs[q].used->idx, __ATOMIC_ACQUIRE);
}

/*
 * A full ring of legal chains, all the same two zero-length descriptors (a
 * driver offering one chain over and over): one QueueNotify must return
 * after CONSOLE_TX_BUDGET_BUFS buffers with the rest deferred, a flood of
 * further notifies must add no work, and mmio_resume() finishes the ring.
 */
static void test_tx_chain_budget(void **state)
{
	const uint16_t qsize = CONSOLE_QUEUE_SIZE;
	struct hctx h;
	struct tfe_vq *vq;
	unsigned int i, turns = 0;

	(void)state;
	h_setup(&h, 1);
	h_probe_size(&h, true, qsize);
	vq = &h.dev.vqs[1];
	tfe_desc_set(&vq->desc[0], h.buf, 0, VRING_DESC_F_NEXT, 1);
	tfe_desc_set(&vq->desc[1], h.buf, 0, 0, 0);
	tfe_vq_fill_avail(vq, 0);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(h_used_idx(&h, 1), CONSOLE_TX_BUDGET_BUFS / 2);
	assert_true(h.m->deferred & (1ULL << 1));
	for (i = 0; i < 100; i++)
		tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(h_used_idx(&h, 1), CONSOLE_TX_BUDGET_BUFS / 2);
	while (h.m->deferred && turns++ < 8)
		mmio_resume(h.m);
	assert_int_equal(h.m->deferred, 0);
	assert_int_equal(h_used_idx(&h, 1), qsize);
	assert_false(tfe_status(&h.dev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	h_teardown(&h);
}

/*
 * One legal transmit chain of maximal size: an indirect table of QSIZE
 * entries that all name the same 64 KiB piece.
 */
#define H_MAX_PIECE (64U << 10)
static void h_publish_max_chain(struct hctx *h)
{
	uint64_t data = tfe_alloc(&h->mem, H_MAX_PIECE, 64);
	uint64_t t = tfe_alloc(&h->mem, QSIZE * sizeof(struct vring_desc), 16);
	struct vring_desc *tab = tfe_ptr(&h->mem, t);
	unsigned int i;

	for (i = 0; i < QSIZE; i++)
		tfe_desc_set(&tab[i], data, H_MAX_PIECE, i + 1 < QSIZE ? VRING_DESC_F_NEXT : 0,
			     (uint16_t)(i + 1));
	tfe_desc_set(&h_desc(h, 1)[0], t, QSIZE * sizeof(*tab), VRING_DESC_F_INDIRECT, 0);
	tfe_vq_publish(&h->dev.vqs[1], 0, 1);
}

/*
 * One legal chain of maximal size (h_publish_max_chain()): it is written CONSOLE_TX_BUDGET_BYTES
 * per turn, in order, and completed only when all of it is out.
 */
static void test_tx_byte_budget(void **state)
{
	const uint32_t piece = H_MAX_PIECE, n = QSIZE;
	unsigned int turns = 0;
	struct hctx h;

	(void)state;
	h_setup(&h, 1);
	h_probe(&h, true);
	h_publish_max_chain(&h);
	assert_int_equal(h.con->ports[0].tx_bytes, CONSOLE_TX_BUDGET_BYTES);
	assert_int_equal(h_used_idx(&h, 1), 0);
	assert_true(h.m->deferred);
	while (h.m->deferred && turns++ < 2 * n)
		mmio_resume(h.m);
	assert_int_equal(h.con->ports[0].tx_bytes, (size_t)n * piece);
	assert_int_equal(h_used_idx(&h, 1), 1);
	assert_int_equal(turns, (size_t)n * piece / CONSOLE_TX_BUDGET_BYTES - 1);
	h_teardown(&h);
}

/*
 * A queue reset (QueueReady = 0) while the port holds a partly written
 * transmit chain (stopped at its byte budget): the chain and its deferred
 * work go with the old ring; the ring set up afterwards gets no stale
 * used entry and its own chain is written from its first byte.
 */
static void test_queue_reset_drops_held_chain(void **state)
{
	struct tfe_vq *vq;
	struct hctx h;

	(void)state;
	h_setup(&h, 1);
	h_probe(&h, true);
	h_publish_max_chain(&h);
	assert_true(h.con->ports[0].tx_held);
	assert_true(h.m->deferred);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_SEL, 1);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_READY, 0);
	assert_false(h.con->ports[0].tx_held);
	assert_false(h.m->deferred);
	assert_int_equal(tfe_vq_setup(&h.dev, 1, QSIZE), 0);
	vq = &h.dev.vqs[1];
	mmio_resume(h.m);
	assert_int_equal(vq->used->idx, 0);
	/* a 4-byte chain on the new ring: written whole, used once */
	h.con->ports[0].tx_bytes = 0;
	tfe_desc_set(&vq->desc[0], h.buf, 4, 0, 0);
	tfe_vq_publish(vq, 0, 1);
	assert_int_equal(vq->used->idx, 1);
	assert_int_equal(h.con->ports[0].tx_bytes, 4);
	assert_int_equal(tfe_status(&h.dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	h_teardown(&h);
}

/* The control transmitq too: a flood of PORT_OPEN messages is budgeted. */
static void test_ctrl_budget(void **state)
{
	const uint16_t qsize = 2 * CONSOLE_CTRL_BUDGET; /* 6 queues fit the window */
	struct virtio_console_control *msg;
	struct hctx h;
	struct tfe_vq *vq;
	unsigned int turns = 0;

	(void)state;
	h_setup(&h, 2);
	h_probe_size(&h, true, qsize);
	vq = &h.dev.vqs[3];
	msg = tfe_ptr(&h.mem, h.buf);
	msg->id = 0;
	msg->event = VIRTIO_CONSOLE_PORT_OPEN;
	msg->value = 1;
	tfe_desc_set(&vq->desc[0], h.buf, sizeof(*msg), 0, 0);
	tfe_vq_fill_avail(vq, 0);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_NOTIFY, 3);
	assert_int_equal(h_used_idx(&h, 3), CONSOLE_CTRL_BUDGET);
	while (h.m->deferred && turns++ < qsize)
		mmio_resume(h.m);
	assert_int_equal(h_used_idx(&h, 3), qsize);
	assert_false(tfe_status(&h.dev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	h_teardown(&h);
}

/*
 * QueueReady is a posted write under remote I/O: a driver may make buffers
 * available before the device has handled it.  The queue must start at
 * index 0 (§2.7.6), not at whatever avail->idx says by then.
 */
static void test_buffers_before_queue_ready(void **state)
{
	struct hctx h;
	struct tfe_vq *vq;

	(void)state;
	h_setup(&h, 1);
	h_probe(&h, true);
	vq = &h.dev.vqs[1];
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_SEL, 1);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_READY, 0);
	tfe_desc_set(&vq->desc[0], h.buf, 4, 0, 0);
	vq->avail->ring[0] = 0;
	vq->avail_idx = 1;
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_NUM, vq->num);
	tfe_write_addr(&h.dev, VIRTIO_MMIO_QUEUE_DESC_LOW, vq->desc_gpa);
	tfe_write_addr(&h.dev, VIRTIO_MMIO_QUEUE_AVAIL_LOW, vq->avail_gpa);
	tfe_write_addr(&h.dev, VIRTIO_MMIO_QUEUE_USED_LOW, vq->used_gpa);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_READY, 1);
	tfe_write32(&h.dev, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(h_used_idx(&h, 1), 1);
	assert_int_equal(h.con->ports[0].tx_bytes, 4);
	h_teardown(&h);
}

/* ---- lazy used-buffer notifications on transmit queues ------------------ */

static unsigned int lazy_calls;

static void lazy_cb(void *opaque)
{
	(void)opaque;
	lazy_calls++;
}

static const struct mmio_host_ops h_lazy_ops = { .irq_raise = irq_cb, .lazy = lazy_cb };

/* Publish one 4-byte TX chain at descriptor @d and notify. */
static void h_tx_one(struct hctx *h, uint16_t d)
{
	tfe_desc_set(&h_desc(h, 1)[d], h->buf, 4, 0, 0);
	tfe_vq_publish(&h->dev.vqs[1], d, 1);
}

/*
 * With EVENT_IDX a TX notification is put off until mmio_lazy_flush(): a
 * driver that polled its buffer back (used_event moved past it, as Linux's
 * virtio_console does while it spins) gets none, one that did not gets it
 * then (virtio v1.2 §2.7.10).
 */
static void test_tx_notify_lazy(void **state)
{
	struct hctx h;
	struct tfe_vq *vq;
	unsigned long irqs;

	(void)state;
	h_setup(&h, 1);
	mmio_attach(h.m, &h.win, &h_lazy_ops, &h.irqs);
	h_probe(&h, true);
	vq = &h.dev.vqs[1];
	lazy_calls = 0;
	/* the first notification after QueueReady is always sent */
	h_tx_one(&h, 0);
	mmio_lazy_flush(h.m);
	lazy_calls = 0;
	irqs = h.irqs;
	/* used_event 1: the driver wants to hear of the next buffer */
	vq->avail->ring[vq->num] = 1; /* used_event (§2.7.6) */
	h_tx_one(&h, 1);
	assert_int_equal(h_used_idx(&h, 1), 2);
	assert_int_equal(lazy_calls, 1);
	assert_int_equal(h.irqs, irqs);
	/* the driver polls it back and asks for the one after: moot */
	vq->avail->ring[vq->num] = 2;
	mmio_lazy_flush(h.m);
	assert_int_equal(h.irqs, irqs);
	/* the next buffer it does not reclaim: the flush interrupts */
	h_tx_one(&h, 2);
	assert_int_equal(lazy_calls, 2);
	assert_int_equal(h.irqs, irqs);
	mmio_lazy_flush(h.m);
	assert_int_equal(h.irqs, irqs + 1);
	assert_true(tfe_read32(&h.dev, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING);
	/* nothing put off: a flush does nothing */
	mmio_lazy_flush(h.m);
	assert_int_equal(h.irqs, irqs + 1);
	h_teardown(&h);
}

/* Add @n chains of one @len-byte buffer at @addr to @vq without a kick. */
static void h_publish_quiet(struct tfe_vq *vq, uint64_t addr, uint32_t len, uint16_t flags,
			    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint16_t head = (uint16_t)(vq->avail_idx % vq->num);

		tfe_desc_set(&vq->desc[head], addr, len, flags, 0);
		vq->avail->ring[vq->avail_idx % vq->num] = head;
		vq->avail_idx++;
	}
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
}

/*
 * Polling counts chains taken, not index movement: receive buffers waiting
 * for data are no work, a driver flipping its receive index gets at most
 * MMIO_POLL_IDLE_MAX looks a round and then its notifications back, and
 * transmit chains count one each, also those the final re-check finds.
 */
static void test_poll_counts_chains(void **state)
{
	struct tfe_vq *rx, *tx;
	unsigned int i, work = 0;
	struct hctx h;

	(void)state;
	h_setup(&h, 1);
	h_probe(&h, true);
	rx = &h.dev.vqs[0];
	tx = &h.dev.vqs[1];
	mmio_poll_begin(h.m);
	assert_int_equal(*tfe_vq_avail_event(rx), 0xffff); /* notifications off */
	/* receive buffers, no data from the chardev: looked at, not work */
	h_publish_quiet(rx, h.buf, 64, VRING_DESC_F_WRITE, 8);
	assert_int_equal(mmio_poll(h.m), 0);
	/* a driver flipping its index: 1000 looks, none is work */
	for (i = 0; i < 1000; i++) {
		__atomic_store_n(&rx->avail->idx, (uint16_t)(rx->avail_idx - (i & 1)),
				 __ATOMIC_RELEASE);
		work += mmio_poll(h.m);
	}
	print_message("# a flipped receive index: %u of 1000 looks counted as work\n", work);
	assert_int_equal(work, 0);
	/* left alone after MMIO_POLL_IDLE_MAX looks: notifications back on */
	assert_int_equal(*tfe_vq_avail_event(rx), 0);
	assert_int_equal(tfe_status(&h.dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	__atomic_store_n(&rx->avail->idx, rx->avail_idx, __ATOMIC_RELEASE);
	/* transmit chains: one each */
	h_publish_quiet(tx, h.buf, 4, 0, 3);
	assert_int_equal(mmio_poll(h.m), 3);
	assert_int_equal(mmio_poll(h.m), 0);
	/* added just before the round ends: found by the re-check, taken */
	h_publish_quiet(tx, h.buf, 4, 0, 2);
	assert_true(mmio_poll_end(h.m));
	assert_int_equal(mmio_poll_last(h.m), 2);
	assert_int_equal(h_used_idx(&h, 1), 5);
	assert_false(mmio_poll_end(h.m));
	/* the next round looks at the receive queue again */
	mmio_poll_begin(h.m);
	assert_int_equal(*tfe_vq_avail_event(rx), 0xffff);
	assert_int_equal(mmio_poll(h.m), 0);
	mmio_poll_end(h.m);
	h_teardown(&h);
}

/* A reset forgets deferred work. */
static void test_reset_drops_deferred(void **state)
{
	struct hctx h;

	(void)state;
	h_setup(&h, 1);
	h_probe(&h, true);
	mmio_defer(h.m, 1);
	assert_true(h.m->deferred);
	tfe_write32(&h.dev, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(h.m->deferred, 0);
	assert_false(mmio_resume(h.m));
	h_teardown(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_table),
		cmocka_unit_test(test_broken_device_stays_quiet),
		cmocka_unit_test(test_ring_layout_checked_at_ready),
		cmocka_unit_test(test_queue_before_ready_ignored),
		cmocka_unit_test(test_features_refused),
		cmocka_unit_test(test_no_window),
		cmocka_unit_test(test_tx_chain_budget),
		cmocka_unit_test(test_tx_byte_budget),
		cmocka_unit_test(test_ctrl_budget),
		cmocka_unit_test(test_reset_drops_deferred),
		cmocka_unit_test(test_buffers_before_queue_ready),
		cmocka_unit_test(test_tx_notify_lazy),
		cmocka_unit_test(test_poll_counts_chains),
		cmocka_unit_test(test_queue_reset_drops_held_chain),
	};

	dm_log_set_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
