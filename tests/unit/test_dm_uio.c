// SPDX-License-Identifier: MIT
/*
 * The uio transport against a fake uio environment and a small model of the
 * hypervisor (dm_uio_hv.h): the test frontend probes like Linux and moves
 * data; the requests travel through the rio.h ring, the doorbell and the
 * interrupt exactly as they do in the backend VM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/virtio_config.h>
#include <linux/virtio_console.h>

#include "dm/chardev.h"
#include "dm/console.h"
#include "dm/net.h"
#include "dm/netdev.h"
#include "dm/transport.h"
#include "dm/uio_state.h"
#include "dm_uio_hv.h"

#define GUEST_BASE 0x20000000ULL
#define GUEST_SIZE (16ULL << 20)
#define FEATURES                                                                     \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM) |         \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
	 (1ULL << VIRTIO_CONSOLE_F_SIZE))

/* ---- an in-process device model on the uio transport --------------------- */

#define UDM_MAX 8 /* devices, counting refused attaches */

struct udm {
	struct event_loop loop;
	pthread_t thread;
	bool running;
	struct dm_transport *t;
	struct chardev *cd[UDM_MAX];
	struct virtio_console *con[UDM_MAX];
	unsigned int n;
	struct netdev *nd; /* a virtio-net device, if any */
	struct virtio_net *net;
};

static void *udm_thread(void *arg)
{
	struct udm *u = arg;

	el_run(&u->loop);
	return NULL;
}

static void sock_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "/tmp/dm-uio-%d-%s.sock", (int)getpid(), name);
}

static void udm_init(struct udm *u, const char *root)
{
	struct transport_opts to = { .type = "uio", .id = "u0", .fd = -1 };
	char err[256];

	memset(u, 0, sizeof(*u));
	assert_int_equal(el_init(&u->loop), 0);
	snprintf(to.root, sizeof(to.root), "%s", root);
	u->t = uio_transport_new(&u->loop, &to, err, sizeof(err));
	assert_non_null(u->t);
}

/* A socket chardev for uio device @name (not attached yet). */
static void udm_chardev(struct udm *u, const char *name)
{
	struct chardev_opts o = { .backend = "socket", .server = true };
	char err[256];

	assert_true(u->n < UDM_MAX);
	snprintf(o.id, sizeof(o.id), "c%u", u->n);
	sock_path(o.path, sizeof(o.path), name);
	u->cd[u->n] = chardev_new(&u->loop, &o, err, sizeof(err));
	assert_non_null(u->cd[u->n]);
}

static int udm_device(struct udm *u, const char *name, char *err, size_t errlen)
{
	/* fair=on as the command line has it: the streams both ways run under its rule */
	struct console_opts o = {
		.max_ports = 1, .cols = 80, .rows = 25, .access_platform = true, .fair = true
	};
	struct virtio_console *con;
	int ret;

	snprintf(o.id, sizeof(o.id), "%s", name);
	con = console_new(&o);
	assert_non_null(con);
	console_add_port(con, 0, u->cd[u->n], true, NULL);
	u->con[u->n++] = con;
	ret = transport_attach_named(u->t, u->n - 1, console_mmio(con), name, err, errlen);
	return ret;
}

static void udm_add(struct udm *u, const char *name)
{
	char err[256];

	udm_chardev(u, name);
	if (udm_device(u, name, err, sizeof(err)))
		fail_msg("attach %s: %s", name, err);
}

static void udm_start(struct udm *u)
{
	u->running = true;
	assert_int_equal(pthread_create(&u->thread, NULL, udm_thread, u), 0);
}

/* "kill" the model: stop its loop, free every object */
static void udm_fini(struct udm *u)
{
	unsigned int i;

	if (u->running) {
		el_stop(&u->loop);
		pthread_join(u->thread, NULL);
	}
	transport_free(u->t);
	for (i = 0; i < u->n; i++) {
		console_free(u->con[i]);
		chardev_free(u->cd[i]);
	}
	net_free(u->net);
	netdev_free(u->nd);
	el_fini(&u->loop);
}

static int client_connect(const char *name)
{
	char p[108];
	int fd;

	sock_path(p, sizeof(p), name);
	fd = tfe_unix_connect(p, 2000);
	assert_true(fd >= 0);
	return fd;
}

/* ---- frontends -------------------------------------------------------- */

struct fe {
	struct tfe_dev dev;
	struct tfe_port port;
};

static void fe_up(struct hvm *hv, struct tfe_link *l, struct fe *f, unsigned int idx)
{
	tfe_dev_init(&f->dev, l, idx, NULL, &hv->dev[idx].mem);
	assert_int_equal(tfe_probe(&f->dev, FEATURES), 0);
	assert_int_equal(f->dev.device_id, 3);
	assert_int_equal(tfe_vq_setup(&f->dev, 0, 128), 0);
	assert_int_equal(tfe_vq_setup(&f->dev, 1, 128), 0);
	tfe_driver_ok(&f->dev);
	assert_int_equal(tfe_status(&f->dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	assert_int_equal(tfe_port_init(&f->port, &f->dev, 0, 1, 4096), 0);
	f->port.indirect = true;
}

static void state_hdr(struct hvm_dev *d, struct uio_state_hdr *h)
{
	assert_int_equal(uio_rec_peek((uint8_t *)d->ctrl + BH_RIO_STATE_OFFSET, h), 0);
}

static uint64_t hist_total(const struct bh_rio_hist *h)
{
	uint64_t n = 0;
	unsigned int b;

	for (b = 0; b < BH_RIO_LAT_BUCKETS; b++)
		n += h->bucket[b];
	return n;
}

static void report(struct hvm_dev *d, const char *what)
{
	struct uio_state_hdr h;

	state_hdr(d, &h);
	print_message("# %s: %s: %llu traps, %llu reads, %llu backend irqs, "
		      "%llu doorbells (hv), dm: %llu requests in %llu batches, "
		      "%llu doorbells = %.2f requests per doorbell\n",
		      what, d->name, (unsigned long long)d->cnt.traps,
		      (unsigned long long)d->cnt.reads, (unsigned long long)d->cnt.backend_irqs,
		      (unsigned long long)d->cnt.doorbells, (unsigned long long)h.requests,
		      (unsigned long long)h.batches, (unsigned long long)h.doorbells,
		      h.doorbells ? (double)h.requests / (double)h.doorbells : 0);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * @ndev frontends, each with its own uio device; @procs models (1 = one
 * serves all, ndev = one each); @bytes each way per device.
 */
static void run_streams(unsigned int ndev, unsigned int procs, size_t bytes)
{
	struct hvm hv;
	struct udm u[HVM_MAX_DEV];
	struct tfe_link link;
	struct fe f[HVM_MAX_DEV];
	struct tfe_stream s[HVM_MAX_DEV] = { 0 };
	struct uio_state_hdr h;
	unsigned int i;
	uint64_t t0;

	assert_int_equal(hvm_init(&hv), 0);
	for (i = 0; i < ndev; i++) {
		char name[32];

		snprintf(name, sizeof(name), "fe%u-console", i + 1);
		assert_non_null(hvm_add(&hv, name, GUEST_BASE, GUEST_SIZE));
	}
	assert_int_equal(hvm_start(&hv), 0);
	for (i = 0; i < procs; i++)
		udm_init(&u[i], hv.root);
	for (i = 0; i < ndev; i++)
		udm_add(&u[procs == 1 ? 0 : i], hv.dev[i].name);
	for (i = 0; i < procs; i++)
		udm_start(&u[i]);
	tfe_link_init(&link, hv.fe_sock);
	for (i = 0; i < ndev; i++) {
		s[i].client = client_connect(hv.dev[i].name);
		fe_up(&hv, &link, &f[i], i);
		tfe_stream_init(&s[i], &f[i].port, bytes, 7 + i);
	}
	t0 = now_ns();
	assert_int_equal(tfe_streams_run(&link, s, ndev, 60000), 0);
	print_message("# %u device(s), %u model(s): %zu bytes each way each in %.1f ms\n", ndev,
		      procs, bytes, (double)(now_ns() - t0) / 1e6);
	for (i = 0; i < ndev; i++) {
		assert_int_equal(s[i].client_got, bytes);
		assert_int_equal(s[i].guest_got, bytes);
		assert_int_equal(s[i].mismatches, 0);
		assert_int_equal(tfe_status(&f[i].dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
		assert_int_equal(hv.dev[i].cnt.rejected, 0);
		/* the interrupt path never waits for the model (bulkhead/rio.h) */
		assert_true(hv.dev[i].cnt.isr_local > 0);
		assert_int_equal(hv.dev[i].isr_forwarded, 0);
		/* the latency breakdown counted every request at both stages */
		state_hdr(&hv.dev[i], &h);
		assert_true(h.requests > 0);
		assert_int_equal(hist_total(&h.pickup), h.requests);
		assert_int_equal(hist_total(&h.service), h.requests);
		report(&hv.dev[i], "streams");
		tfe_stream_fini(&s[i]);
	}
	for (i = 0; i < procs; i++)
		udm_fini(&u[i]);
	hvm_fini(&hv);
}

struct flipper {
	struct tfe_vq *vq;
	bool stop; /* __atomic */
	unsigned long flips;
};

/* A hostile driver: flips its receive avail->idx back and forth for ever. */
static void *flipper_thread(void *arg)
{
	struct flipper *fl = arg;

	while (!__atomic_load_n(&fl->stop, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&fl->vq->avail->idx,
				 (uint16_t)(fl->vq->avail_idx - (fl->flips & 1)), __ATOMIC_RELEASE);
		fl->flips++;
	}
	__atomic_store_n(&fl->vq->avail->idx, fl->vq->avail_idx, __ATOMIC_RELEASE);
	return NULL;
}

static double thread_cpu_s(pthread_t th)
{
	struct timespec ts;
	clockid_t cid;

	assert_int_equal(pthread_getcpuclockid(th, &cid), 0);
	assert_int_equal(clock_gettime(cid, &ts), 0);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Frontend 2 flips its receive index for ever beside frontend 1's stream
 * through the same model.  Polling counts chains taken, so once frontend 1
 * is done the model goes back to sleep: the flipping costs it (almost) no
 * CPU, where counting index movement as work kept it spinning for good.
 */
static void test_flipped_index_costs_model_nothing(void **state)
{
	struct flipper fl = { 0 };
	struct tfe_stream s = { 0 };
	struct tfe_link link;
	struct fe f[2];
	pthread_t th;
	struct hvm hv;
	struct udm u;
	struct uio_state_hdr h0, h1;
	double cpu0, cpu;
	unsigned int i;
	uint32_t st;

	(void)state;
	assert_int_equal(hvm_init(&hv), 0);
	assert_non_null(hvm_add(&hv, "fe1-console", GUEST_BASE, GUEST_SIZE));
	assert_non_null(hvm_add(&hv, "fe2-console", GUEST_BASE, GUEST_SIZE));
	assert_int_equal(hvm_start(&hv), 0);
	udm_init(&u, hv.root);
	udm_add(&u, "fe1-console");
	udm_add(&u, "fe2-console");
	udm_start(&u);
	tfe_link_init(&link, hv.fe_sock);
	s.client = client_connect("fe1-console");
	fe_up(&hv, &link, &f[0], 0);
	fe_up(&hv, &link, &f[1], 1);
	fl.vq = f[1].port.rx;
	assert_int_equal(pthread_create(&th, NULL, flipper_thread, &fl), 0);
	tfe_stream_init(&s, &f[0].port, 1U << 20, 41);
	assert_int_equal(tfe_streams_run(&link, &s, 1, 60000), 0);
	assert_int_equal(s.mismatches, 0);
	/* register reads in a row: the model is woken soon after it slept, so it polls */
	for (i = 0; i < 500; i++)
		assert_int_equal(tfe_status(&f[0].dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	/* frontend 1 is done; only the flipping goes on */
	usleep(50 * 1000);
	cpu0 = thread_cpu_s(u.thread);
	usleep(1000 * 1000);
	cpu = thread_cpu_s(u.thread) - cpu0;
	__atomic_store_n(&fl.stop, true, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	state_hdr(&hv.dev[0], &h0);
	state_hdr(&hv.dev[1], &h1);
	print_message("# frontend 2 flipped its receive index %lu times during %llu polling "
		      "rounds: %llu chains found; the model used %.1f ms of CPU in the 1 s after "
		      "frontend 1 stopped\n",
		      fl.flips, (unsigned long long)h0.polls, (unsigned long long)h1.poll_hits,
		      cpu * 1e3);
	assert_true(h0.polls >= 5);
	assert_int_equal(h1.poll_hits, 0);
	assert_true(cpu < 0.1);
	/* flipping between two legal values is no ring misuse */
	st = tfe_status(&f[1].dev);
	assert_int_equal(st & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	tfe_stream_fini(&s);
	udm_fini(&u);
	hvm_fini(&hv);
}

/* Frontend 1's console served by one model, the frontend up on @link. */
static void fe1_served(struct hvm *hv, struct udm *u, struct tfe_link *link, struct fe *f)
{
	assert_int_equal(hvm_init(hv), 0);
	assert_non_null(hvm_add(hv, "fe1-console", GUEST_BASE, GUEST_SIZE));
	assert_int_equal(hvm_start(hv), 0);
	udm_init(u, hv->root);
	udm_add(u, "fe1-console");
	udm_start(u);
	tfe_link_init(link, hv->fe_sock);
	fe_up(hv, link, f, 0);
}

/* Both-ways run of test_input_waits_for_output(): what each side has seen. */
struct bw_run {
	const uint8_t *in, *out; /* client -> guest, guest -> client */
	size_t in_len, out_len;
	size_t client_put, guest_got, queued, client_got;
	size_t mismatches;
};

static void bw_sink(void *ctx, const uint8_t *d, size_t n)
{
	struct bw_run *r = ctx;

	if (r->guest_got + n > r->in_len || memcmp(d, r->in + r->guest_got, n))
		r->mismatches++;
	r->guest_got += n;
}

/* The client's side: write input while the socket takes it (@feed), check output. */
static void bw_client(struct bw_run *r, int fd, bool feed)
{
	uint8_t buf[65536];
	ssize_t n;

	if (feed && r->client_put < r->in_len) {
		size_t want = r->in_len - r->client_put;

		n = send(fd, r->in + r->client_put, want < sizeof(buf) ? want : sizeof(buf),
			 MSG_DONTWAIT);
		if (n > 0)
			r->client_put += (size_t)n;
	}
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n > 0) {
		if (r->client_got + (size_t)n > r->out_len ||
		    memcmp(buf, r->out + r->client_got, (size_t)n))
			r->mismatches++;
		r->client_got += (size_t)n;
	}
}

/* One turn of the frontend: interrupts acked, used buffers taken. */
static void bw_guest(struct tfe_link *l, struct fe *f, struct bw_run *r, unsigned long *seen)
{
	tfe_link_poll(l, 0);
	if (l->irqs[0] != *seen) {
		*seen = l->irqs[0];
		tfe_ack_irq(&f->dev);
	}
	tfe_port_reap_tx(&f->port);
	tfe_port_poll_rx(&f->port, bw_sink, r);
}

/*
 * Both directions of a console at once (docs/device-model.md "Both
 * directions of a console"): the guest's output is slow, a 2 KiB chunk every
 * 2 ms (a tty writer sharing its vCPU with the reader), the client's input as
 * fast as the model takes it.  While the output moves, the input moves about
 * as much: the model keeps it within a quantum of the output, and only a
 * stall of the model beyond the idle time (on a busy host) lets one receive
 * batch through at once; the bound allows two of those.  Without the rule
 * the input runs at the model's full speed, 16 MiB.  When the output stops,
 * the input goes on by itself (the idle time, then the timer's look).  Every
 * byte of both arrives, in order.
 */
static void test_input_waits_for_output(void **state)
{
	const size_t burst = CONSOLE_RX_BUDGET * 4096; /* one receive batch */
	struct bw_run r = { .in_len = 16U << 20, .out_len = 512U << 10 };
	uint8_t *in = malloc(r.in_len), *out = malloc(r.out_len);
	struct tfe_link link;
	unsigned long seen = 0;
	uint64_t next, end;
	struct hvm hv;
	struct udm u;
	struct fe f;
	int client;

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	tfe_random(in, r.in_len, 71);
	tfe_random(out, r.out_len, 72);
	r.in = in;
	r.out = out;
	fe1_served(&hv, &u, &link, &f);
	client = client_connect("fe1-console");
	/*
	 * The model accepts the client on its own thread, and drops output
	 * while it has no peer (as QEMU): one byte of input reaching the
	 * guest says it has accepted.
	 */
	end = now_ns() + 60000000000ULL;
	assert_int_equal(send(client, in, 1, 0), 1);
	r.client_put = 1;
	while (!r.guest_got && now_ns() < end)
		bw_guest(&link, &f, &r, &seen);
	assert_int_equal(r.guest_got, 1);
	next = now_ns();
	end = next + 60000000000ULL;
	while (r.client_got < r.out_len && now_ns() < end) {
		if (r.queued < r.out_len && now_ns() >= next) {
			size_t n = tfe_port_send(&f.port, r.out + r.queued, 2048);

			r.queued += n;
			if (n)
				tfe_vq_kick(f.port.tx);
			next += 2000000;
		}
		/* the input begins once the output has: no head start while it is idle */
		bw_client(&r, client, r.client_got > 0);
		bw_guest(&link, &f, &r, &seen);
	}
	print_message("# output %zu bytes in 2 KiB steps every 2 ms: input %zu bytes meanwhile\n",
		      r.client_got, r.guest_got);
	assert_int_equal(r.client_got, r.out_len);
	assert_true(r.guest_got <= r.out_len + CONSOLE_FAIR_QUANTUM + 2 * burst);
	/* not starved either: it went along with the output */
	assert_true(r.guest_got >= r.out_len / 2);
	/* the output went quiet: the input goes on alone, all of it */
	end = now_ns() + 60000000000ULL;
	while (r.guest_got < r.in_len && now_ns() < end) {
		bw_client(&r, client, true);
		bw_guest(&link, &f, &r, &seen);
	}
	assert_int_equal(r.guest_got, r.in_len);
	assert_int_equal(r.mismatches, 0);
	assert_int_equal(tfe_status(&f.dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	close(client);
	udm_fini(&u);
	hvm_fini(&hv);
	free(in);
	free(out);
}

static void test_port0_both_ways(void **state)
{
	(void)state;
	run_streams(1, 1, 4U << 20);
}

static void test_two_devices_one_model(void **state)
{
	(void)state;
	run_streams(2, 1, 1U << 20);
}

static void test_two_devices_two_models(void **state)
{
	(void)state;
	run_streams(2, 2, 1U << 20);
}

static bool client_read(int fd, const uint8_t *want, size_t len, size_t *got, size_t *bad,
			int timeout_ms);

/* One TX chain larger than the bounce buffer; true when it came back used. */
static bool send_big_chain(struct tfe_link *l, struct fe *f, uint64_t gpa, uint32_t len)
{
	struct tfe_buf b = { gpa, len };
	uint32_t used;
	int i;

	assert_true(tfe_vq_add(f->port.tx, &b, 1, NULL, 0, (void *)1, false) >= 0);
	tfe_vq_kick(f->port.tx);
	for (i = 0; i < 200; i++) {
		if (tfe_vq_get(f->port.tx, &used))
			return true;
		tfe_link_poll(l, 10);
		tfe_ack_irq(&f->dev);
	}
	return false;
}

/*
 * Device mode copies through a 64 KiB bounce buffer: a 1 MiB chain must be
 * consumed whole, dropped without a peer and delivered with one.
 */
static void test_tx_chain_larger_than_bounce(void **state)
{
	const uint32_t len = 1U << 20;
	struct hvm hv;
	struct udm u;
	struct tfe_link link;
	struct fe f;
	uint64_t gpa;
	size_t got = 0, bad = 0;
	int client;

	(void)state;
	fe1_served(&hv, &u, &link, &f);
	gpa = tfe_alloc(&hv.dev[0].mem, len, 4096) + 3; /* misaligned too */
	tfe_random(tfe_ptr(&hv.dev[0].mem, gpa), len - 3, 9);
	/* nobody connected: dropped, but consumed (Linux spins otherwise) */
	assert_true(send_big_chain(&link, &f, gpa, len - 3));
	client = client_connect("fe1-console");
	usleep(100 * 1000);
	{
		struct tfe_buf b = { gpa, len - 3 };
		bool used = false;
		uint32_t ulen;
		int i;

		assert_true(tfe_vq_add(f.port.tx, &b, 1, NULL, 0, (void *)1, false) >= 0);
		tfe_vq_kick(f.port.tx);
		/* the peer reads while the model feeds it piece by piece */
		for (i = 0; i < 2000 && (got < len - 3 || !used); i++) {
			client_read(client, tfe_ptr(&hv.dev[0].mem, gpa), len - 3, &got, &bad, 5);
			if (tfe_vq_get(f.port.tx, &ulen))
				used = true;
			tfe_link_poll(&link, 0);
			tfe_ack_irq(&f.dev);
		}
		assert_true(used);
	}
	assert_int_equal(got, len - 3);
	assert_int_equal(bad, 0);
	close(client);
	udm_fini(&u);
	hvm_fini(&hv);
}

/* ---- attach late: the frontend probes before any model exists ------------ */

struct probe_arg {
	struct hvm *hv;
	struct tfe_link *link;
	struct fe *f;
};

static void *probe_thread(void *arg)
{
	struct probe_arg *a = arg;

	fe_up(a->hv, a->link, a->f, 0);
	return NULL;
}

static void test_late_attach_serves_backlog(void **state)
{
	struct hvm hv;
	struct udm u;
	struct tfe_link link;
	struct fe f;
	struct tfe_stream s = { 0 };
	struct probe_arg a = { &hv, &link, &f };
	uint8_t *data = malloc(256 << 10);
	pthread_t th;

	(void)state;
	assert_int_equal(hvm_init(&hv), 0);
	assert_non_null(hvm_add(&hv, "fe1-console", GUEST_BASE, GUEST_SIZE));
	assert_int_equal(hvm_start(&hv), 0);
	tfe_link_init(&link, hv.fe_sock);
	assert_int_equal(pthread_create(&th, NULL, probe_thread, &a), 0);
	usleep(200 * 1000);
	/* the probe's first read waits in the ring: nobody serves it */
	assert_int_equal(__atomic_load_n(&hv.dev[0].ctrl->req_prod, __ATOMIC_ACQUIRE), 1);
	assert_int_equal(__atomic_load_n(&hv.dev[0].ctrl->req_done, __ATOMIC_ACQUIRE), 0);
	udm_init(&u, hv.root);
	udm_add(&u, "fe1-console");
	s.client = client_connect("fe1-console");
	udm_start(&u);
	pthread_join(th, NULL);
	tfe_random(data, 256 << 10, 5);
	s.port = &f.port;
	s.to_host = data;
	s.to_host_len = 256 << 10;
	s.to_guest = data;
	s.to_guest_len = 256 << 10;
	assert_int_equal(tfe_streams_run(&link, &s, 1, 30000), 0);
	assert_int_equal(s.mismatches, 0);
	report(&hv.dev[0], "late attach");
	close(s.client);
	udm_fini(&u);
	hvm_fini(&hv);
	free(data);
}

/* ---- restart mid-stream -------------------------------------------------- */

struct tx_arg {
	struct tfe_link *link;
	struct fe *f;
	const uint8_t *data;
	size_t len, queued;
	bool done; /* set by the frontend thread, read by the test: __atomic */
};

/* Frontend: send @len bytes guest->host, taking interrupts like Linux. */
static void *tx_thread(void *arg)
{
	struct tx_arg *a = arg;
	struct tfe_port *p = &a->f->port;
	unsigned long seen = 0;

	while (a->queued < a->len || p->n_tx_free < TFE_PORT_BUFS) {
		bool queued = false;

		if (a->link->irqs[0] != seen) {
			seen = a->link->irqs[0];
			tfe_ack_irq(&a->f->dev);
		}
		tfe_port_reap_tx(p);
		while (a->queued < a->len) {
			size_t n = tfe_port_send(p, a->data + a->queued, a->len - a->queued);
			if (!n)
				break;
			a->queued += n;
			queued = true;
		}
		if (queued)
			tfe_vq_kick(p->tx);
		tfe_link_poll(a->link, 20);
	}
	__atomic_store_n(&a->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Read what a client socket delivers; true at EOF. */
static bool client_read(int fd, const uint8_t *want, size_t len, size_t *got, size_t *bad,
			int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t buf[65536];
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0)
		return true;
	if (*got + (size_t)n > len || memcmp(buf, want + *got, (size_t)n))
		(*bad)++;
	*got += (size_t)n;
	return false;
}

/* A new model whose chardev has its client before the backlog is served. */
static int udm_restart(struct udm *u, struct hvm *hv)
{
	char err[256];
	int fd;

	udm_init(u, hv->root);
	udm_chardev(u, "fe1-console");
	fd = client_connect("fe1-console");
	el_run_once(&u->loop, 1000); /* accept it */
	assert_int_equal(udm_device(u, "fe1-console", err, sizeof(err)), 0);
	udm_start(u);
	return fd;
}

/*
 * One frontend streaming @len bytes guest -> host through console "fe1-console"
 * served by a model the test stops and restarts under it.
 */
struct restart_run {
	struct hvm hv;
	struct udm u;
	struct tfe_link link;
	struct fe f;
	struct tx_arg a;
	uint8_t *data;
	size_t len, got, bad;
	pthread_t th;
	int client;
};

static void restart_run_start(struct restart_run *r, size_t len, unsigned int seed)
{
	memset(r, 0, sizeof(*r));
	r->len = len;
	r->data = malloc(len);
	assert_non_null(r->data);
	tfe_random(r->data, len, seed);
	assert_int_equal(hvm_init(&r->hv), 0);
	assert_non_null(hvm_add(&r->hv, "fe1-console", GUEST_BASE, GUEST_SIZE));
	assert_int_equal(hvm_start(&r->hv), 0);
	r->client = udm_restart(&r->u, &r->hv);
	tfe_link_init(&r->link, r->hv.fe_sock);
	fe_up(&r->hv, &r->link, &r->f, 0);
	r->a.link = &r->link;
	r->a.f = &r->f;
	r->a.data = r->data;
	r->a.len = len;
	assert_int_equal(pthread_create(&r->th, NULL, tx_thread, &r->a), 0);
}

/* Read what has arrived; false if nothing did within @timeout_ms. */
static bool restart_run_read(struct restart_run *r, int timeout_ms)
{
	return client_read(r->client, r->data, r->len, &r->got, &r->bad, timeout_ms);
}

/* Stop the model and take what it had written; the frontend waits meanwhile. */
static void restart_run_stop_model(struct restart_run *r)
{
	udm_fini(&r->u);
	/* what the old model wrote is still in the socket */
	while (!restart_run_read(r, 2000))
		;
	close(r->client);
}

/* The stream is over: the frontend's sender returns. */
static void restart_run_join(struct restart_run *r)
{
	pthread_join(r->th, NULL);
	assert_true(r->a.done);
}

static void restart_run_finish(struct restart_run *r, const char *what)
{
	assert_int_equal(r->got, r->len);
	assert_int_equal(r->bad, 0);
	assert_int_equal(r->hv.dev[0].cnt.rejected, 0);
	report(&r->hv.dev[0], what);
	close(r->client);
	udm_fini(&r->u);
	hvm_fini(&r->hv);
	free(r->data);
}

static void test_restart_mid_stream(void **state)
{
	struct restart_run r;
	unsigned int restarts = 0;

	(void)state;
	restart_run_start(&r, 4U << 20, 11);
	while (r.got < r.len) {
		restart_run_read(&r, 100);
		/* kill the model three times in the middle of the stream */
		if (restarts < 3 && r.got > (restarts + 1) * (r.len / 4)) {
			restart_run_stop_model(&r);
			restarts++;
			usleep(50 * 1000); /* the frontend waits meanwhile */
			r.client = udm_restart(&r.u, &r.hv);
		}
		assert_int_equal(r.bad, 0);
	}
	restart_run_join(&r);
	assert_int_equal(restarts, 3);
	assert_int_equal(tfe_status(&r.f.dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	restart_run_finish(&r, "restart");
}

/*
 * A model killed while it polled leaves notifications suppressed in guest
 * memory (avail_event one behind, vq_notify_disable()) and the polling flag
 * set in the control region.  The next model must undo both, or the driver
 * never notifies it and the hypervisor never interrupts it: the stream
 * stalls.  The first model is stopped cleanly; the test then writes what a
 * SIGKILL in the middle of a polling round would have left.
 */
static void test_restart_after_killed_poller(void **state)
{
	struct restart_run r;
	bool restarted = false;
	uint64_t deadline;

	(void)state;
	restart_run_start(&r, 2U << 20, 13);
	deadline = now_ns() + 60ULL * 1000000000ULL;
	while (r.got < r.len) {
		restart_run_read(&r, 100);
		if (!restarted && r.got > r.len / 3) {
			struct tfe_vq *tx = r.f.port.tx;

			restart_run_stop_model(&r);
			restarted = true;
			/* what vq_notify_disable() writes (§2.7.10: avail_event) */
			__atomic_store_n(tfe_vq_avail_event(tx),
					 (uint16_t)(le16toh(tx->used->idx) - 1), __ATOMIC_RELEASE);
			__atomic_store_n(&r.hv.dev[0].ctrl->polling, BH_RIO_POLLING,
					 __ATOMIC_RELEASE);
			r.client = udm_restart(&r.u, &r.hv);
		}
		assert_int_equal(r.bad, 0);
		if (now_ns() > deadline)
			fail_msg("stream stalled at %zu of %zu bytes after the restart", r.got,
				 r.len);
	}
	restart_run_join(&r);
	assert_true(restarted);
	restart_run_finish(&r, "restart after a killed poller");
}

/* ---- virtio-net restarted mid-stream --------------------------------------- */

#define NET_FEATURES                                                                               \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM) |                       \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |               \
	 (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_MTU) | \
	 (1ULL << VIRTIO_NET_F_MRG_RXBUF))

/*
 * A model serving virtio-net "fe1-net" on a -netdev socket connected to
 * the test's listener @ls; returns the test's end of the wire.
 */
static int unet_start(struct udm *u, struct hvm *hv, int ls, const char *path)
{
	struct netdev_opts no = { .backend = "socket", .id = "n0", .fd = -1 };
	struct net_opts o = { .id = "fe1-net", .mtu = 1500, .access_platform = true };
	char err[256];
	int wire;

	udm_init(u, hv->root);
	snprintf(no.path, sizeof(no.path), "%s", path);
	u->nd = netdev_new(&u->loop, &no, err, sizeof(err));
	assert_non_null(u->nd);
	wire = accept4(ls, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	assert_true(wire >= 0);
	net_default_mac(o.id, o.mac);
	u->net = net_new(&o, u->nd);
	assert_non_null(u->net);
	if (transport_attach_named(u->t, 0, net_mmio(u->net), "fe1-net", err, sizeof(err)))
		fail_msg("attach: %s", err);
	udm_start(u);
	return wire;
}

/* Frame @seq: 60..1514 bytes, the sequence number first. */
static size_t unet_frame(uint8_t *f, uint32_t seq, uint32_t salt)
{
	size_t len = 60 + (seq * 2654435761U) % (1514 - 60 + 1);

	tfe_random(f, len, seq * 31 + salt);
	memcpy(f, &seq, sizeof(seq));
	return len;
}

/* Check the frames waiting on the wire, from sequence @seq on; returns how many. */
static unsigned int wire_take(int wire, unsigned int seq)
{
	uint8_t want[2048], buf[2048];
	unsigned int n = 0;
	ssize_t r;

	while ((r = recv(wire, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		size_t len = unet_frame(want, seq + n, 1);

		assert_int_equal(r, (ssize_t)len);
		assert_memory_equal(buf, want, len);
		n++;
	}
	return n;
}

/*
 * The model is stopped (its state goes to the state page) and a new one
 * attaches, three times, while frames flow both ways over a Device-memory
 * window; each direction's frames arrive once and in order.  The wire
 * sends its next frame only when the guest has the last one, so none sits
 * in a connection that dies with a model (frames queued in a backend while
 * no model runs are the backend's to lose, like a tap's).
 */
static void test_net_restart_mid_stream(void **state)
{
	const unsigned int frames = 2000;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint8_t want[2048], buf[2048];
	unsigned int tx_sent = 0, tx_got = 0, rx_sent = 0, rx_got = 0, restarts = 0, nbufs;
	unsigned long seen = 0;
	struct tfe_link link;
	struct tfe_dev dev;
	struct tfe_net n;
	struct hvm hv;
	struct udm u;
	int ls, wire;
	long r;

	(void)state;
	assert_int_equal(hvm_init(&hv), 0);
	assert_non_null(hvm_add(&hv, "fe1-net", GUEST_BASE, GUEST_SIZE));
	hv.dev[0].ctrl->device_id = VIRTIO_ID_NET;
	assert_int_equal(hvm_start(&hv), 0);
	sock_path(sa.sun_path, sizeof(sa.sun_path), "wire");
	unlink(sa.sun_path);
	ls = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(ls >= 0);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 1), 0);
	wire = unet_start(&u, &hv, ls, sa.sun_path);
	tfe_link_init(&link, hv.fe_sock);
	tfe_dev_init(&dev, &link, 0, NULL, &hv.dev[0].mem);
	assert_int_equal(tfe_probe(&dev, NET_FEATURES), 0);
	assert_int_equal(dev.device_id, VIRTIO_ID_NET);
	assert_int_equal(tfe_vq_setup(&dev, 0, 128), 0);
	assert_int_equal(tfe_vq_setup(&dev, 1, 128), 0);
	tfe_driver_ok(&dev);
	assert_int_equal(tfe_net_init(&n, &dev, 1536, TFE_NET_BUFS, 1536), 0);
	while (tx_got < frames || rx_got < frames) {
		struct pollfd p[2] = { { .fd = wire, .events = POLLIN },
				       { .fd = link.sock, .events = POLLIN } };
		bool queued = false;

		if (link.irqs[0] != seen) {
			seen = link.irqs[0];
			tfe_ack_irq(&dev);
		}
		tfe_net_reap_tx(&n);
		while (tx_sent < frames) {
			size_t len = unet_frame(want, tx_sent, 1);

			if (tfe_net_send(&n, want, len))
				break;
			tx_sent++;
			queued = true;
		}
		if (queued)
			tfe_vq_kick(n.tx);
		while ((r = tfe_net_recv(&n, buf, sizeof(buf), &nbufs)) != -EAGAIN) {
			size_t len = unet_frame(want, rx_got, 2);

			assert_int_equal(r, (long)len);
			assert_memory_equal(buf, want, len);
			rx_got++;
		}
		tx_got += wire_take(wire, tx_got);
		if (restarts < 3 && tx_got > (restarts + 1) * frames / 4 && rx_sent == rx_got) {
			udm_fini(&u);
			restarts++;
			/* what the old model sent is still in the connection */
			tx_got += wire_take(wire, tx_got);
			close(wire);
			wire = unet_start(&u, &hv, ls, sa.sun_path);
			continue;
		}
		if (rx_sent == rx_got && rx_sent < frames) {
			size_t len = unet_frame(want, rx_sent, 2);

			assert_int_equal(send(wire, want, len, 0), (ssize_t)len);
			rx_sent++;
		}
		poll(p, 2, 20);
		if (p[1].revents & POLLIN)
			tfe_link_drain(&link);
	}
	assert_int_equal(restarts, 3);
	assert_int_equal(tfe_status(&dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	assert_int_equal(hv.dev[0].cnt.rejected, 0);
	/* the last model's counters include its predecessors' (read once it stopped) */
	el_stop(&u.loop);
	pthread_join(u.thread, NULL);
	u.running = false;
	assert_int_equal(u.net->c.tx_packets, frames);
	assert_int_equal(u.net->c.rx_packets, frames);
	report(&hv.dev[0], "net restart");
	udm_fini(&u);
	close(wire);
	close(ls);
	unlink(sa.sun_path);
	hvm_fini(&hv);
}

/* ---- hostile control region ---------------------------------------------- */

static void test_bad_magic_at_attach(void **state)
{
	struct hvm hv;
	struct udm u;
	char err[256];

	(void)state;
	assert_int_equal(hvm_init(&hv), 0);
	assert_non_null(hvm_add(&hv, "fe1-console", GUEST_BASE, GUEST_SIZE));
	hv.dev[0].ctrl->magic = 0xdeadbeef;
	udm_init(&u, hv.root);
	udm_chardev(&u, "fe1-console");
	assert_int_not_equal(udm_device(&u, "fe1-console", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "magic"));
	/* wrong device id, window larger than map 2 */
	hv.dev[0].ctrl->magic = BH_RIO_MAGIC;
	hv.dev[0].ctrl->device_id = 2;
	udm_chardev(&u, "fe1-console");
	assert_int_not_equal(udm_device(&u, "fe1-console", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "device id"));
	hv.dev[0].ctrl->device_id = 3;
	hv.dev[0].ctrl->shm_size = GUEST_SIZE * 2;
	udm_chardev(&u, "fe1-console");
	assert_int_not_equal(udm_device(&u, "fe1-console", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "window"));
	/* a second model for a served device is refused */
	hv.dev[0].ctrl->shm_size = GUEST_SIZE;
	/* a device whose state would not fit the state page's slot */
	{
		struct console_opts o = { .max_ports = 20, .access_platform = true };
		struct virtio_console *big = console_new(&o);

		assert_int_equal(transport_attach_named(u.t, 7, console_mmio(big), "fe1-console",
							err, sizeof(err)),
				 -EINVAL);
		assert_non_null(strstr(err, "'fe1-console': the device's state does not fit"));
		console_free(big);
	}
	udm_chardev(&u, "fe1-console");
	assert_int_equal(udm_device(&u, "fe1-console", err, sizeof(err)), 0);
	{
		struct udm u2;

		udm_init(&u2, hv.root);
		udm_chardev(&u2, "fe1-console-2");
		assert_int_equal(udm_device(&u2, "fe1-console", err, sizeof(err)), -EBUSY);
		assert_non_null(strstr(err, "already served"));
		udm_fini(&u2);
	}
	/* a missing device is named */
	udm_chardev(&u, "nosuch");
	assert_int_not_equal(udm_device(&u, "nosuch", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "'nosuch' not found"));
	udm_fini(&u);
	hvm_fini(&hv);
}

/* Serve with the test thread as both hypervisor and loop driver. */
static void pump(struct udm *u, struct hvm_dev *d)
{
	int i;

	for (i = 0; i < 5; i++) {
		el_run_once(&u->loop, 20);
		hvm_db(d);
	}
}

static void test_hostile_requests(void **state)
{
	struct hvm hv;
	struct udm u;
	struct hvm_dev *d, *d2;
	unsigned long before;
	uint32_t seq;

	(void)state;
	dm_log_set_quiet(1);
	assert_int_equal(hvm_init(&hv), 0);
	d = hvm_add(&hv, "fe1-console", GUEST_BASE, GUEST_SIZE);
	d2 = hvm_add(&hv, "fe2-console", GUEST_BASE, GUEST_SIZE);
	udm_init(&u, hv.root);
	udm_add(&u, "fe1-console");
	udm_add(&u, "fe2-console");
	pump(&u, d);
	/* garbage offset, size, direction: answered 0 or ignored, logged */
	before = u.con[0]->mmio.rl.total;
	hvm_publish(d, 0x1000, 0, BH_RIO_READ, 4);
	hvm_publish(d, 0x70, 1, BH_RIO_WRITE, 3);
	hvm_publish(d, 0x70, 1, 7, 4);
	hvm_publish(d, ~0ULL, 1, BH_RIO_WRITE, 4);
	d->ctrl->req[d->req_prod % BH_RIO_RING_SIZE].seq = 12345;
	seq = hvm_publish(d, 0, 0, BH_RIO_READ, 4);
	d->ctrl->req[seq % BH_RIO_RING_SIZE].seq = 999;
	pump(&u, d);
	assert_int_equal(d->req_done, d->req_prod);
	assert_int_equal(d->ctrl->resp[0], 0);
	/* the good read behind them (seq mismatch only logged) */
	assert_int_equal(d->ctrl->resp[seq % BH_RIO_RING_SIZE], 0x74726976);
	assert_int_equal(u.con[0]->mmio.status, 0);
	(void)before;
	/* req_prod running away: that device is stopped, the other served */
	d->ctrl->req_prod = d->req_prod + 1000;
	hvm_fire(d);
	pump(&u, d);
	seq = hvm_publish(d2, 0, 0, BH_RIO_READ, 4);
	pump(&u, d2);
	assert_int_equal(d2->req_done, d2->req_prod);
	assert_int_equal(d2->ctrl->resp[seq % BH_RIO_RING_SIZE], 0x74726976);
	/* magic lost at run time: stopped, never a crash */
	d2->ctrl->magic = 0;
	hvm_publish(d2, 0, 0, BH_RIO_READ, 4);
	pump(&u, d2);
	assert_int_not_equal(d2->req_done, d2->req_prod);
	udm_fini(&u);
	hvm_fini(&hv);
	dm_log_set_quiet(0);
}

/*
 * Batching: a backlog of posted writes and a read, published before the
 * model attaches, is drained in one batch and completed by one doorbell.
 */
static void test_backlog_one_doorbell(void **state)
{
	struct hvm hv;
	struct udm u;
	struct hvm_dev *d;
	struct uio_state_hdr h;
	uint32_t seq = 0;
	unsigned int i;

	(void)state;
	assert_int_equal(hvm_init(&hv), 0);
	d = hvm_add(&hv, "fe1-console", GUEST_BASE, GUEST_SIZE);
	for (i = 0; i + 1 < BH_RIO_RING_SIZE; i++)
		hvm_publish(d, VIRTIO_MMIO_QUEUE_SEL, 0, BH_RIO_WRITE, 4);
	seq = hvm_publish(d, VIRTIO_MMIO_DEVICE_ID, 0, BH_RIO_READ, 4);
	udm_init(&u, hv.root);
	udm_add(&u, "fe1-console");
	pump(&u, d);
	assert_int_equal(d->req_done, BH_RIO_RING_SIZE);
	assert_int_equal(d->ctrl->resp[seq % BH_RIO_RING_SIZE], 3);
	assert_int_equal(d->cnt.doorbells, 1);
	assert_int_equal(d->cnt.completions, BH_RIO_RING_SIZE);
	state_hdr(d, &h);
	assert_int_equal(h.requests, BH_RIO_RING_SIZE);
	assert_int_equal(h.batches, 1);
	print_message("# backlog: %u requests, %llu doorbell(s)\n", BH_RIO_RING_SIZE,
		      (unsigned long long)d->cnt.doorbells);
	udm_fini(&u);
	hvm_fini(&hv);
}

/* The slot of the newest record on @page (struct uio_rec). */
static uint8_t *newest_slot(uint8_t *page)
{
	struct uio_rec *r = malloc(sizeof(*r));
	const char *why;
	int cur;

	uio_rec_init(r, page);
	assert_int_equal(uio_rec_pick(r, &why), UIO_REC_FOUND);
	cur = r->cur;
	free(r);
	return page + (size_t)cur * UIO_SLOT_SIZE;
}

/* A new model on @d; return its device's Status. */
static uint32_t attach_status(struct hvm *hv, struct hvm_dev *d, struct udm *u)
{
	udm_init(u, hv->root);
	udm_add(u, "fe1-console");
	pump(u, d);
	return u->con[0]->mmio.status;
}

/*
 * The successor told DEVICE_NEEDS_RESET: Status bit 64 and a configuration
 * interrupt; after the driver's reset the device works again.
 */
static void expect_needs_reset(struct hvm *hv, struct hvm_dev *d, const char *what)
{
	struct udm u;

	d->isr = 0;
	assert_int_equal(attach_status(hv, d, &u), VIRTIO_CONFIG_S_NEEDS_RESET);
	assert_true(d->isr & VIRTIO_MMIO_INT_CONFIG);
	print_message("# %s: DEVICE_NEEDS_RESET and a configuration interrupt\n", what);
	hvm_publish(d, VIRTIO_MMIO_STATUS, 0, BH_RIO_WRITE, 4);
	hvm_publish(d, VIRTIO_MMIO_STATUS, 3, BH_RIO_WRITE, 4);
	pump(&u, d);
	assert_int_equal(u.con[0]->mmio.status, 3);
	udm_fini(&u);
}

/*
 * A valid state page is restored.  One the successor cannot trust (a
 * flipped byte, a well-checksummed record with bad fields, a record older
 * than the requests already answered) gives DEVICE_NEEDS_RESET, never a
 * fresh device posing as the one the driver set up.
 */
static void test_state_page(void **state)
{
	uint8_t *page, *old = malloc(BH_RIO_STATE_SIZE);
	struct hvm hv;
	struct udm u;
	struct hvm_dev *d;

	(void)state;
	dm_log_set_quiet(1);
	assert_int_equal(hvm_init(&hv), 0);
	d = hvm_add(&hv, "fe1-console", GUEST_BASE, GUEST_SIZE);
	page = (uint8_t *)d->ctrl + BH_RIO_STATE_OFFSET;
	udm_init(&u, hv.root);
	udm_add(&u, "fe1-console");
	pump(&u, d);
	/* ACKNOWLEDGE | DRIVER */
	hvm_publish(d, VIRTIO_MMIO_STATUS, 3, BH_RIO_WRITE, 4);
	pump(&u, d);
	assert_int_equal(u.con[0]->mmio.status, 3);
	udm_fini(&u);
	/* restored */
	assert_int_equal(attach_status(&hv, d, &u), 3);
	udm_fini(&u);
	/* one flipped byte in the newest record */
	newest_slot(page)[sizeof(struct uio_state_hdr) + 16] ^= 0x40;
	expect_needs_reset(&hv, d, "a flipped byte");
	/* garbage with a valid checksum: still validated */
	{
		uint8_t *slot = newest_slot(page);
		struct uio_state_hdr *h = (struct uio_state_hdr *)slot;
		struct mmio_saved *m = (struct mmio_saved *)(slot + sizeof(*h));

		m->status = VIRTIO_CONFIG_S_DRIVER_OK; /* no FEATURES_OK */
		m->nqueues = 1000;
		h->csum = 0;
		h->csum = uio_state_csum(slot, sizeof(*h) + h->len);
		expect_needs_reset(&hv, d, "a whole record the device rejects");
	}
	/* a record older than what was answered since (a save that was lost) */
	memcpy(old, page, BH_RIO_STATE_SIZE);
	assert_int_equal(attach_status(&hv, d, &u), 3);
	hvm_publish(d, VIRTIO_MMIO_QUEUE_SEL, 0, BH_RIO_WRITE, 4);
	pump(&u, d);
	udm_fini(&u);
	memcpy(page, old, BH_RIO_STATE_SIZE);
	expect_needs_reset(&hv, d, "a record behind resp_prod");
	/* the recovered device's record is trusted again */
	assert_int_equal(attach_status(&hv, d, &u), 3);
	udm_fini(&u);
	free(old);
	hvm_fini(&hv);
	dm_log_set_quiet(0);
}

/* ---- the real binary: killed (TERM, then KILL) and started again --------- */

/* The model binary on the fake tree with chardev c0 as @chardev says. */
static pid_t dm_spawn_with(const char *root, const char *chardev)
{
	char targ[256], carg[512];
	pid_t pid;

	snprintf(targ, sizeof(targ), "uio,id=t0,root=%s", root);
	snprintf(carg, sizeof(carg), "%s,id=c0", chardev);
	pid = fork();
	if (pid == 0) {
		/* a failed test must not leave the model holding the runner's pipe */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(DM_HOST_BIN, DM_HOST_BIN, "-transport", targ, "-chardev", carg, "-device",
		      "virtio-console,chardev=c0,transport=t0,name=fe1-console", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static pid_t dm_spawn(const char *root, const char *sock)
{
	char carg[256];

	snprintf(carg, sizeof(carg), "socket,path=%s,server=on", sock);
	return dm_spawn_with(root, carg);
}

static void count_sink(void *ctx, const uint8_t *d, size_t n)
{
	(void)d;
	*(size_t *)ctx += n;
}

/*
 * Until the model has accepted @client, it drops what the guest sends (no
 * peer, docs/device-model.md "Flow control"): one byte from the client,
 * received by the guest, says it has.
 */
static void wait_accepted(struct tfe_link *l, struct fe *f, int client)
{
	unsigned long seen = l->irqs[f->dev.slot];
	size_t got = 0;
	int waited;

	assert_int_equal(write(client, "s", 1), 1);
	for (waited = 0; !got && waited < 20000; waited += 10) {
		if (l->irqs[f->dev.slot] != seen) {
			seen = l->irqs[f->dev.slot];
			tfe_ack_irq(&f->dev);
		}
		tfe_port_poll_rx(&f->port, count_sink, &got);
		tfe_link_poll(l, 10);
	}
	assert_int_equal(got, 1);
}

static void stream_phase(struct tfe_link *l, struct fe *f, const char *sock, size_t len,
			 uint32_t seed)
{
	struct tfe_stream s = { 0 };
	uint8_t *a = malloc(len), *b = malloc(len);

	tfe_random(a, len, seed);
	tfe_random(b, len, seed + 1);
	s.client = tfe_unix_connect(sock, 5000);
	assert_true(s.client >= 0);
	wait_accepted(l, f, s.client);
	s.port = &f->port;
	s.to_host = a;
	s.to_host_len = len;
	s.to_guest = b;
	s.to_guest_len = len;
	assert_int_equal(tfe_streams_run(l, &s, 1, 30000), 0);
	assert_int_equal(s.mismatches, 0);
	close(s.client);
	free(a);
	free(b);
}

static void test_binary_killed_and_restarted(void **state)
{
	struct hvm hv;
	struct tfe_link link;
	struct fe f;
	char sock[108];
	int status;
	pid_t pid;

	(void)state;
	sock_path(sock, sizeof(sock), "bin");
	assert_int_equal(hvm_init(&hv), 0);
	assert_non_null(hvm_add(&hv, "fe1-console", GUEST_BASE, GUEST_SIZE));
	assert_int_equal(hvm_start(&hv), 0);
	pid = dm_spawn(hv.root, sock);
	tfe_link_init(&link, hv.fe_sock);
	fe_up(&hv, &link, &f, 0);
	stream_phase(&link, &f, sock, 256 << 10, 1);
	/* SIGTERM: a clean exit (state saved), exit code 0 */
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	pid = dm_spawn(hv.root, sock);
	stream_phase(&link, &f, sock, 256 << 10, 3);
	/* SIGKILL: the state page of the last batch carries on */
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	pid = dm_spawn(hv.root, sock);
	stream_phase(&link, &f, sock, 256 << 10, 5);
	assert_int_equal(tfe_status(&f.dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	report(&hv.dev[0], "binary restarts");
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	hvm_fini(&hv);
}

/* ---- the real binary: SIGKILL at random moments, files on the host side -- */

#define KILLS 20

struct kill_fe {
	struct tfe_link *link;
	struct fe *f;
	const uint8_t *to_host;
	size_t len, queued;
	uint8_t *got; /* what the guest received */
	size_t got_len;
	bool done; /* set by the frontend thread, read by the test: __atomic */
};

static void kill_sink(void *ctx, const uint8_t *d, size_t n)
{
	struct kill_fe *k = ctx;

	if (k->got_len < k->len)
		memcpy(k->got + k->got_len, d, n < k->len - k->got_len ? n : k->len - k->got_len);
	k->got_len += n;
}

/* The frontend streams both ways as Linux would, whoever serves it. */
static void *kill_fe_thread(void *arg)
{
	struct kill_fe *k = arg;
	struct tfe_port *p = &k->f->port;
	unsigned long seen = 0;

	while (k->queued < k->len || p->n_tx_free < TFE_PORT_BUFS || k->got_len < k->len) {
		bool queued = false;

		if (k->link->irqs[0] != seen) {
			seen = k->link->irqs[0];
			tfe_ack_irq(&k->f->dev);
		}
		tfe_port_reap_tx(p);
		/* one buffer a turn: the stream outlasts the kills */
		if (k->queued < k->len) {
			size_t n = tfe_port_send(p, k->to_host + k->queued, k->len - k->queued);

			k->queued += n;
			queued = n;
		}
		if (queued)
			tfe_vq_kick(p->tx);
		tfe_port_poll_rx(p, kill_sink, k);
		tfe_link_poll(k->link, 1);
	}
	__atomic_store_n(&k->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static uint8_t *file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Is @pid running or runnable (in the middle of its work, not asleep)? */
static bool proc_running(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')'); /* "pid (comm) S ..." */
	return p && p[1] == ' ' && p[2] == 'R';
}

/*
 * Wait up to @max_us for @pid to be running.  Return: true if it was when
 * this returned (a kill now lands in the middle of its work).
 */
static bool wait_running(pid_t pid, unsigned int max_us)
{
	unsigned int waited;

	for (waited = 0; waited < max_us; waited += 50) {
		if (proc_running(pid))
			return true;
		usleep(50);
	}
	return proc_running(pid);
}

/* BH_KILL_SEED, or one from the clock; printed so that a failure can be replayed. */
static unsigned int kill_seed(void)
{
	const char *e = getenv("BH_KILL_SEED");
	struct timespec ts;
	unsigned int seed;

	clock_gettime(CLOCK_REALTIME, &ts);
	seed = e ? (unsigned int)strtoul(e, NULL, 0)
		 : (unsigned int)(ts.tv_nsec ^ ts.tv_sec ^ getpid());
	print_message("# kill seed %u (BH_KILL_SEED=%u replays it)\n", seed, seed);
	return seed;
}

/*
 * With an append=on output file and an input file, a model killed at any
 * instant loses and repeats nothing: the journal and the files' lengths say
 * how far each chain in flight got (docs/device-model.md "Restart").
 */
static void test_binary_killed_at_random_files_exact(void **state)
{
	/* enough to last 10 kills: both ways at once, fair (dm/fair.h), go faster */
	const size_t len = 4U << 20;
	char out[128], in[128], carg[512];
	uint8_t *to_guest = malloc(len), *written;
	struct kill_fe k = { 0 };
	struct tfe_link link;
	struct hvm hv;
	struct fe f;
	size_t out_len;
	unsigned int kills, busy = 0, seed = kill_seed();
	pthread_t th;
	FILE *fin;
	pid_t pid;

	(void)state;
	snprintf(out, sizeof(out), "/tmp/dm-uio-%d-out", (int)getpid());
	snprintf(in, sizeof(in), "/tmp/dm-uio-%d-in", (int)getpid());
	unlink(out);
	tfe_random(to_guest, len, 21);
	fin = fopen(in, "wb");
	assert_non_null(fin);
	assert_int_equal(fwrite(to_guest, 1, len, fin), len);
	fclose(fin);
	k.to_host = malloc(len);
	tfe_random((uint8_t *)k.to_host, len, 22);
	k.got = malloc(len);
	k.len = len;
	snprintf(carg, sizeof(carg), "file,path=%s,append=on,input-path=%s", out, in);
	assert_int_equal(hvm_init(&hv), 0);
	assert_non_null(hvm_add(&hv, "fe1-console", GUEST_BASE, GUEST_SIZE));
	assert_int_equal(hvm_start(&hv), 0);
	pid = dm_spawn_with(hv.root, carg);
	tfe_link_init(&link, hv.fe_sock);
	fe_up(&hv, &link, &f, 0);
	k.link = &link;
	k.f = &f;
	assert_int_equal(pthread_create(&th, NULL, kill_fe_thread, &k), 0);
	srand(seed);
	for (kills = 0; kills < KILLS && !__atomic_load_n(&k.done, __ATOMIC_ACQUIRE); kills++) {
		int status;

		/*
		 * At a random instant, once the model is at work (a batch, a
		 * save, a write, between them), not asleep in epoll_wait().
		 */
		usleep((useconds_t)(rand() % 20000));
		busy += wait_running(pid, 20000);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		pid = dm_spawn_with(hv.root, carg);
	}
	pthread_join(th, NULL);
	assert_int_equal(tfe_status(&f.dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	written = file_read(out, &out_len);
	print_message("# %u kills (%u while the model ran): %zu of %zu bytes to the host file, "
		      "%zu of %zu to the guest\n",
		      kills, busy, out_len, len, k.got_len, len);
	assert_true(kills >= KILLS / 2);
	assert_true(busy >= kills / 2);
	assert_int_equal(out_len, len);
	assert_memory_equal(written, k.to_host, len);
	assert_int_equal(k.got_len, len);
	assert_memory_equal(k.got, to_guest, len);
	unlink(out);
	unlink(in);
	free(written);
	free(k.got);
	free((void *)k.to_host);
	free(to_guest);
	hvm_fini(&hv);
}

/*
 * A journal the previous model (or anyone with the backend's rights) filled
 * with garbage: valid-looking words naming the chains in flight with
 * offsets beyond the files or the chains.  The new model logs, goes on
 * serving and sends the chain in flight whole.
 */
static void test_hostile_journal(void **state)
{
	const size_t len = 64U << 10;
	char out[128], in[128], carg[512];
	volatile uint64_t *journal;
	struct kill_fe k = { 0 };
	struct tfe_link link;
	struct hvm hv;
	struct fe f;
	uint8_t *written;
	size_t out_len;
	unsigned int q;
	pthread_t th;
	FILE *fin;
	pid_t pid;

	(void)state;
	snprintf(out, sizeof(out), "/tmp/dm-uio-%d-hj-out", (int)getpid());
	snprintf(in, sizeof(in), "/tmp/dm-uio-%d-hj-in", (int)getpid());
	unlink(out);
	fin = fopen(in, "wb");
	assert_non_null(fin);
	fclose(fin); /* empty input: only the guest transmits */
	k.to_host = malloc(2 * len);
	tfe_random((uint8_t *)k.to_host, 2 * len, 31);
	k.got = malloc(len);
	snprintf(carg, sizeof(carg), "file,path=%s,append=on,input-path=%s", out, in);
	assert_int_equal(hvm_init(&hv), 0);
	assert_non_null(hvm_add(&hv, "fe1-console", GUEST_BASE, GUEST_SIZE));
	assert_int_equal(hvm_start(&hv), 0);
	journal = (volatile uint64_t *)((uint8_t *)hv.dev[0].ctrl + BH_RIO_STATE_OFFSET +
					UIO_JOURNAL_OFFSET);
	pid = dm_spawn_with(hv.root, carg);
	tfe_link_init(&link, hv.fe_sock);
	fe_up(&hv, &link, &f, 0);
	k.link = &link;
	k.f = &f;
	k.len = len;
	k.got_len = len; /* nothing to receive */
	assert_int_equal(pthread_create(&th, NULL, kill_fe_thread, &k), 0);
	pthread_join(th, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	srand(5);
	for (q = 0; q < UIO_JOURNAL_SIZE / 8; q++) {
		uint64_t seq = q < 2 ? f.dev.vqs[q].avail_idx : (uint64_t)rand() & 0xffff;
		uint64_t v = ((uint64_t)rand() << 31 ^ (uint64_t)rand()) & MMIO_JOURNAL_VALUE_MAX;

		journal[q] = MMIO_JOURNAL_VALID | seq << MMIO_JOURNAL_SEQ_SHIFT | v;
	}
	pid = dm_spawn_with(hv.root, carg);
	k.len = 2 * len;
	k.got_len = 2 * len;
	assert_int_equal(pthread_create(&th, NULL, kill_fe_thread, &k), 0);
	pthread_join(th, NULL);
	assert_int_equal(tfe_status(&f.dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), 0);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	written = file_read(out, &out_len);
	assert_int_equal(out_len, 2 * len);
	assert_memory_equal(written, k.to_host, 2 * len);
	unlink(out);
	unlink(in);
	free(written);
	free(k.got);
	free((void *)k.to_host);
	hvm_fini(&hv);
}

/* bulkhead-dm --stats on the fake tree */
static void test_stats_option(void **state)
{
	struct hvm hv;
	char cmd[512], line[1024] = "";
	FILE *p;

	(void)state;
	assert_int_equal(hvm_init(&hv), 0);
	assert_non_null(hvm_add(&hv, "fe1-console", GUEST_BASE, GUEST_SIZE));
	hv.dev[0].cnt.traps = 42;
	hvm_mirror(&hv.dev[0]);
	snprintf(cmd, sizeof(cmd), "%s --stats --root %s fe1-console", DM_HOST_BIN, hv.root);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	assert_non_null(strstr(line, "fe1-console (uio0): traps=42 "));
	assert_non_null(strstr(line, "doorbells="));
	snprintf(cmd, sizeof(cmd), "%s --stats --root %s nosuch 2>/dev/null", DM_HOST_BIN, hv.root);
	assert_int_not_equal(system(cmd), 0);
	hvm_fini(&hv);
}

/* --latency prints the four histograms with count, median and p99 bucket. */
static void test_latency_option(void **state)
{
	struct uio_state_hdr h = { 0 };
	struct uio_rec *r = malloc(sizeof(*r));
	const char *why;
	struct hvm hv;
	char cmd[512], out[4096];
	size_t n;
	FILE *p;

	(void)state;
	assert_int_equal(hvm_init(&hv), 0);
	assert_non_null(hvm_add(&hv, "fe1-console", GUEST_BASE, GUEST_SIZE));
	/* a record as a model commits it, with no device state */
	uio_rec_init(r, (uint8_t *)hv.dev[0].ctrl + BH_RIO_STATE_OFFSET);
	assert_int_equal(uio_rec_pick(r, &why), UIO_REC_NONE);
	h.pickup.bucket[3] = 60; /* 8-16 us */
	h.pickup.bucket[9] = 40; /* 512-1024 us */
	h.service.bucket[0] = 100;
	uio_rec_payload(r);
	assert_true(uio_rec_plan(r, &h, 0) > 0);
	uio_rec_apply(r);
	free(r);
	hv.dev[0].ctrl->lat.read_total.bucket[15] = 1;
	snprintf(cmd, sizeof(cmd), "%s --latency --root %s fe1-console", DM_HOST_BIN, hv.root);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	assert_int_equal(pclose(p), 0);
	print_message("%s", out);
	assert_non_null(strstr(out, "fe1-console (uio0): latency in us"));
	assert_non_null(
		strstr(out, "trap -> model picks up                   100       8-16   512-1024"));
	assert_non_null(
		strstr(out, "model: picked up -> answered             100         <2         <2"));
	assert_non_null(
		strstr(out, "wait: doorbell -> vCPU resumes             0          -          -"));
	assert_non_null(
		strstr(out, "wait: trap -> vCPU resumes (total)         1    >=32768    >=32768"));
	hvm_fini(&hv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port0_both_ways),
		cmocka_unit_test(test_input_waits_for_output),
		cmocka_unit_test(test_two_devices_one_model),
		cmocka_unit_test(test_two_devices_two_models),
		cmocka_unit_test(test_tx_chain_larger_than_bounce),
		cmocka_unit_test(test_late_attach_serves_backlog),
		cmocka_unit_test(test_restart_mid_stream),
		cmocka_unit_test(test_restart_after_killed_poller),
		cmocka_unit_test(test_net_restart_mid_stream),
		cmocka_unit_test(test_bad_magic_at_attach),
		cmocka_unit_test(test_hostile_requests),
		cmocka_unit_test(test_backlog_one_doorbell),
		cmocka_unit_test(test_flipped_index_costs_model_nothing),
		cmocka_unit_test(test_state_page),
		cmocka_unit_test(test_binary_killed_and_restarted),
		cmocka_unit_test(test_binary_killed_at_random_files_exact),
		cmocka_unit_test(test_hostile_journal),
		cmocka_unit_test(test_stats_option),
		cmocka_unit_test(test_latency_option),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
