// SPDX-License-Identifier: MIT
/*
 * virtio-console end to end through the sim transport: the test frontend
 * probes like Linux and moves data; socket clients sit on the chardevs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <endian.h>
#include <poll.h>
#include <signal.h>

#include <linux/virtio_config.h>
#include <linux/virtio_console.h>

#include "dm_fixture.h"

#define GUEST_BASE   0x20000000ULL /* as the reference scenario's window */
#define GUEST_SIZE   (16ULL << 20)
#define STREAM_BYTES (8U << 20)
#define FEATURES                                                                     \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM) |         \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
	 (1ULL << VIRTIO_CONSOLE_F_SIZE) | (1ULL << VIRTIO_CONSOLE_F_MULTIPORT))

struct guest {
	struct tfe_mem mem;
	struct tfe_dev dev;
	struct tfe_port port;
};

static void guest_up(struct dm_fixture *fx, struct guest *g, unsigned int slot, unsigned int nq)
{
	unsigned int i;

	assert_int_equal(tfe_mem_init(&g->mem, GUEST_BASE, GUEST_SIZE), 0);
	assert_int_equal(tfe_link_attach(&fx->link, slot, &g->mem), 0);
	tfe_dev_init(&g->dev, &fx->link, slot, NULL, &g->mem);
	assert_int_equal(tfe_probe(&g->dev, FEATURES), 0);
	assert_int_equal(g->dev.device_id, 3); /* VIRTIO_ID_CONSOLE */
	for (i = 0; i < nq; i++)
		assert_int_equal(tfe_vq_setup(&g->dev, i, 128), 0);
	tfe_driver_ok(&g->dev);
	assert_int_equal(tfe_status(&g->dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
}

static void run_streams(unsigned int ndev, size_t bytes)
{
	struct dm_fixture fx;
	struct guest *g = calloc(ndev, sizeof(*g));
	struct tfe_stream s[FX_MAX_DEV] = { 0 };
	unsigned int i;

	assert_non_null(g);
	assert_int_equal(fx_init(&fx), 0);
	for (i = 0; i < ndev; i++) {
		char id[16];

		snprintf(id, sizeof(id), "s%u", i);
		int cd = fx_socket(&fx, id);

		assert_true(cd >= 0);
		assert_non_null(fx_console(&fx, 1, cd));
	}
	assert_int_equal(fx_start(&fx), 0);
	for (i = 0; i < ndev; i++) {
		/*
		 * Connect before the probe: its register round trips pass
		 * through the model's loop, so the accept is done before any
		 * TX (which is dropped, as in QEMU, while nobody is there).
		 */
		s[i].client = tfe_unix_connect(fx.path[i], 2000);
		assert_true(s[i].client >= 0);
		guest_up(&fx, &g[i], i, 2);
		/* no MULTIPORT offered with max_ports=1 */
		assert_false(g[i].dev.features & (1ULL << VIRTIO_CONSOLE_F_MULTIPORT));
		assert_int_equal(tfe_port_init(&g[i].port, &g[i].dev, 0, 1, 4096), 0);
		g[i].port.indirect = true;
		tfe_stream_init(&s[i], &g[i].port, bytes, 1 + i);
	}
	assert_int_equal(tfe_streams_run(&fx.link, s, ndev, 50000), 0);
	print_message("# %u device(s): %zu bytes to host, %zu to guest each, %lu kicks\n", ndev,
		      s[0].client_got, s[0].guest_got, g[0].dev.kicks);
	for (i = 0; i < ndev; i++) {
		assert_int_equal(s[i].client_got, bytes);
		assert_int_equal(s[i].guest_got, bytes);
		assert_int_equal(s[i].mismatches, 0);
		assert_int_equal(tfe_status(&g[i].dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
		tfe_stream_fini(&s[i]);
	}
	fx_fini(&fx);
	for (i = 0; i < ndev; i++)
		tfe_mem_fini(&g[i].mem);
	free(g);
}

static void test_port0_8mib_both_ways(void **state)
{
	(void)state;
	run_streams(1, STREAM_BYTES);
}

static void test_two_devices_8mib_both_ways(void **state)
{
	(void)state;
	run_streams(2, STREAM_BYTES);
}

/* TX is consumed even with nobody connected: data is dropped, not held. */
static void test_tx_without_client_is_consumed(void **state)
{
	struct dm_fixture fx;
	struct guest g;
	uint8_t buf[4096];
	unsigned int i, sent = 0;

	(void)state;
	assert_int_equal(fx_init(&fx), 0);
	assert_non_null(fx_console(&fx, 1, fx_socket(&fx, "nobody")));
	assert_int_equal(fx_start(&fx), 0);
	guest_up(&fx, &g, 0, 2);
	assert_int_equal(tfe_port_init(&g.port, &g.dev, 0, 1, 4096), 0);
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 2000 && sent < (4U << 20); i++) {
		while (tfe_port_send(&g.port, buf, sizeof(buf)))
			sent += sizeof(buf);
		tfe_vq_kick(g.port.tx);
		tfe_link_poll(&fx.link, 100);
		tfe_ack_irq(&g.dev);
		tfe_port_reap_tx(&g.port);
	}
	assert_true(sent >= (4U << 20));
	fx_fini(&fx);
	tfe_mem_fini(&g.mem);
}

/*
 * A hostile frontend claims a window longer than the memfd it passes: the
 * missing pages would raise SIGBUS in the model at the first ring access.
 * The model must refuse that window (QueueReady then ends in NEEDS_RESET)
 * and keep serving.
 */
static void test_attach_longer_than_memfd(void **state)
{
	const uint64_t ring = GUEST_BASE + (1ULL << 20); /* past the memfd */
	struct dm_fixture fx;
	struct tfe_mem claimed;
	struct guest g;

	(void)state;
	assert_int_equal(fx_init(&fx), 0);
	assert_non_null(fx_console(&fx, 1, fx_socket(&fx, "short")));
	assert_int_equal(fx_start(&fx), 0);
	assert_int_equal(tfe_mem_init(&g.mem, GUEST_BASE, 64ULL << 10), 0);
	claimed = g.mem;
	claimed.size = GUEST_SIZE;
	assert_int_equal(tfe_link_attach(&fx.link, 0, &claimed), 0);
	tfe_dev_init(&g.dev, &fx.link, 0, NULL, &g.mem);
	assert_int_equal(tfe_probe(&g.dev, FEATURES), 0);
	tfe_write32(&g.dev, VIRTIO_MMIO_QUEUE_SEL, 0);
	tfe_write32(&g.dev, VIRTIO_MMIO_QUEUE_NUM, 16);
	tfe_write32(&g.dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)ring);
	tfe_write32(&g.dev, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)ring + 0x1000);
	tfe_write32(&g.dev, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)ring + 0x2000);
	tfe_write32(&g.dev, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(tfe_status(&g.dev) & VIRTIO_CONFIG_S_NEEDS_RESET,
			 VIRTIO_CONFIG_S_NEEDS_RESET);
	/* the model is alive and the device recovers with a real window */
	assert_int_equal(tfe_link_attach(&fx.link, 0, &g.mem), 0);
	assert_int_equal(tfe_probe(&g.dev, FEATURES), 0);
	assert_int_equal(tfe_vq_setup(&g.dev, 0, 16), 0);
	assert_int_equal(tfe_status(&g.dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	fx_fini(&fx);
	tfe_mem_fini(&g.mem);
}

/*
 * RX back-pressure: the client writes far more than the guest has buffers
 * for while the guest does not read; nothing may be dropped.
 */
static void test_rx_backpressure(void **state)
{
	struct dm_fixture fx;
	struct guest g;
	struct tfe_stream s = { 0 };
	size_t len = 4U << 20, put = 0;
	uint8_t *d = malloc(len);
	int cd, i;

	(void)state;
	tfe_random(d, len, 99);
	assert_int_equal(fx_init(&fx), 0);
	cd = fx_socket(&fx, "bp");
	assert_non_null(fx_console(&fx, 1, cd));
	assert_int_equal(fx_start(&fx), 0);
	s.client = tfe_unix_connect(fx.path[cd], 2000);
	assert_true(s.client >= 0);
	guest_up(&fx, &g, 0, 2);
	assert_int_equal(tfe_port_init(&g.port, &g.dev, 0, 1, 4096), 0);
	/* fill guest buffers and socket buffers; the guest sleeps */
	for (i = 0; i < 50; i++) {
		ssize_t n = send(s.client, d + put, len - put, MSG_DONTWAIT);

		if (n > 0)
			put += (size_t)n;
		usleep(10000);
	}
	assert_true(put > TFE_PORT_BUFS * 4096); /* more than it holds */
	assert_true(put < len);			 /* the client is held back */
	s.port = &g.port;
	s.to_guest = d;
	s.to_guest_len = len;
	s.client_put = put;
	assert_int_equal(tfe_streams_run(&fx.link, &s, 1, 30000), 0);
	assert_int_equal(s.guest_got, len);
	assert_int_equal(s.mismatches, 0);
	close(s.client);
	fx_fini(&fx);
	tfe_mem_fini(&g.mem);
	free(d);
}

/* ---- multiport ------------------------------------------------------------ */

struct ctrl_log {
	struct virtio_console_control msg[256];
	char name[256][CONSOLE_NAME_MAX + 1];
	unsigned int n;
};

static void ctrl_sink(void *ctx, const uint8_t *d, size_t n)
{
	struct ctrl_log *log = ctx;

	if (n < sizeof(struct virtio_console_control) || log->n == 256)
		return;
	memcpy(&log->msg[log->n], d, sizeof(log->msg[0]));
	n -= sizeof(log->msg[0]);
	if (n > CONSOLE_NAME_MAX)
		n = CONSOLE_NAME_MAX;
	memcpy(log->name[log->n], d + sizeof(log->msg[0]), n);
	log->name[log->n][n] = '\0';
	log->n++;
}

static int ctrl_find(struct ctrl_log *log, uint32_t id, uint16_t event, int value)
{
	unsigned int i;

	for (i = 0; i < log->n; i++)
		if (le32toh(log->msg[i].id) == id && le16toh(log->msg[i].event) == event &&
		    (value < 0 || le16toh(log->msg[i].value) == value))
			return (int)i;
	return -1;
}

static int ctrl_wait(struct dm_fixture *fx, struct guest *g, struct tfe_port *ctrl,
		     struct ctrl_log *log, uint32_t id, uint16_t event, int value)
{
	int i;

	for (i = 0; i < 50; i++) {
		int r;

		tfe_ack_irq(&g->dev);
		tfe_port_poll_rx(ctrl, ctrl_sink, log);
		r = ctrl_find(log, id, event, value);
		if (r >= 0)
			return r;
		tfe_link_poll(&fx->link, 100);
	}
	return -1;
}

static void ctrl_send(struct tfe_port *ctrl, uint32_t id, uint16_t event, uint16_t value)
{
	struct virtio_console_control m = { .id = htole32(id),
					    .event = htole16(event),
					    .value = htole16(value) };

	tfe_port_reap_tx(ctrl);
	assert_int_equal(tfe_port_send(ctrl, &m, sizeof(m)), sizeof(m));
	tfe_vq_kick(ctrl->tx);
}

static void test_multiport(void **state)
{
	struct dm_fixture fx;
	struct guest g;
	struct tfe_port ctrl, p1, p2;
	struct ctrl_log *log = calloc(1, sizeof(*log));
	struct tfe_stream s[2];
	uint8_t *d[4];
	int c0, c1, c2, cl1, cl2, r;
	unsigned int i;
	size_t len = 256 << 10;
	struct virtio_console *con;

	(void)state;
	assert_int_equal(fx_init(&fx), 0);
	c0 = fx_socket(&fx, "mp0");
	c1 = fx_socket(&fx, "mp1");
	c2 = fx_socket(&fx, "mp2");
	con = fx_console(&fx, 4, c0);
	assert_non_null(con);
	assert_int_equal(console_add_port(con, 1, fx.cd[c1], false, "org.bulkhead.one"), 0);
	assert_int_equal(console_add_port(con, 2, fx.cd[c2], false, "org.bulkhead.two"), 0);
	assert_int_equal(fx_start(&fx), 0);

	guest_up(&fx, &g, 0, 2 * (4 + 1));
	assert_true(g.dev.features & (1ULL << VIRTIO_CONSOLE_F_MULTIPORT));
	/* config: cols, rows, max_nr_ports (§5.3.4) */
	assert_int_equal(tfe_read(&g.dev, VIRTIO_MMIO_CONFIG + 4, 4), 4);
	assert_int_equal(tfe_read(&g.dev, VIRTIO_MMIO_CONFIG + 0, 2), 80);
	assert_int_equal(tfe_port_init(&ctrl, &g.dev, 2, 3, 256), 0);
	assert_int_equal(tfe_port_init(&p1, &g.dev, 4, 5, 4096), 0);
	assert_int_equal(tfe_port_init(&p2, &g.dev, 6, 7, 4096), 0);

	ctrl_send(&ctrl, 0, VIRTIO_CONSOLE_DEVICE_READY, 1);
	for (i = 0; i < 3; i++)
		assert_true(ctrl_wait(&fx, &g, &ctrl, log, i, VIRTIO_CONSOLE_PORT_ADD, -1) >= 0);
	assert_int_equal(ctrl_find(log, 3, VIRTIO_CONSOLE_PORT_ADD, -1), -1);
	for (i = 0; i < 3; i++)
		ctrl_send(&ctrl, i, VIRTIO_CONSOLE_PORT_READY, 1);
	assert_true(ctrl_wait(&fx, &g, &ctrl, log, 0, VIRTIO_CONSOLE_CONSOLE_PORT, 1) >= 0);
	r = ctrl_wait(&fx, &g, &ctrl, log, 1, VIRTIO_CONSOLE_PORT_NAME, -1);
	assert_true(r >= 0);
	assert_string_equal(log->name[r], "org.bulkhead.one");
	r = ctrl_wait(&fx, &g, &ctrl, log, 2, VIRTIO_CONSOLE_PORT_NAME, -1);
	assert_true(r >= 0);
	assert_string_equal(log->name[r], "org.bulkhead.two");
	/* no client yet: no PORT_OPEN */
	assert_int_equal(ctrl_find(log, 1, VIRTIO_CONSOLE_PORT_OPEN, -1), -1);

	/* PORT_OPEN follows the host-side connect */
	cl1 = tfe_unix_connect(fx.path[c1], 2000);
	assert_true(cl1 >= 0);
	assert_true(ctrl_wait(&fx, &g, &ctrl, log, 1, VIRTIO_CONSOLE_PORT_OPEN, 1) >= 0);
	assert_int_equal(ctrl_find(log, 2, VIRTIO_CONSOLE_PORT_OPEN, -1), -1);
	cl2 = tfe_unix_connect(fx.path[c2], 2000);
	assert_true(cl2 >= 0);
	assert_true(ctrl_wait(&fx, &g, &ctrl, log, 2, VIRTIO_CONSOLE_PORT_OPEN, 1) >= 0);
	/* the guest opens both ports (/dev/vport0p1, p2) */
	ctrl_send(&ctrl, 1, VIRTIO_CONSOLE_PORT_OPEN, 1);
	ctrl_send(&ctrl, 2, VIRTIO_CONSOLE_PORT_OPEN, 1);

	/* different data on each port, both ways at once: kept apart */
	memset(s, 0, sizeof(s));
	for (i = 0; i < 4; i++) {
		d[i] = malloc(len);
		tfe_random(d[i], len, 7 + i);
	}
	s[0] = (struct tfe_stream){ .port = &p1,
				    .client = cl1,
				    .to_host = d[0],
				    .to_host_len = len,
				    .to_guest = d[1],
				    .to_guest_len = len };
	s[1] = (struct tfe_stream){ .port = &p2,
				    .client = cl2,
				    .to_host = d[2],
				    .to_host_len = len,
				    .to_guest = d[3],
				    .to_guest_len = len };
	assert_int_equal(tfe_streams_run(&fx.link, s, 2, 30000), 0);

	/* PORT_OPEN(0) follows the host-side disconnect */
	close(cl1);
	assert_true(ctrl_wait(&fx, &g, &ctrl, log, 1, VIRTIO_CONSOLE_PORT_OPEN, 0) >= 0);
	cl1 = tfe_unix_connect(fx.path[c1], 2000);
	assert_true(cl1 >= 0);
	log->n = 0;
	assert_true(ctrl_wait(&fx, &g, &ctrl, log, 1, VIRTIO_CONSOLE_PORT_OPEN, 1) >= 0);
	assert_int_equal(tfe_status(&g.dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);

	close(cl1);
	close(cl2);
	for (i = 0; i < 4; i++)
		free(d[i]);
	free(log);
	fx_fini(&fx);
	tfe_mem_fini(&g.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port0_8mib_both_ways),
		cmocka_unit_test(test_two_devices_8mib_both_ways),
		cmocka_unit_test(test_tx_without_client_is_consumed),
		cmocka_unit_test(test_attach_longer_than_memfd),
		cmocka_unit_test(test_rx_backpressure),
		cmocka_unit_test(test_multiport),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
