// SPDX-License-Identifier: MIT
/*
 * Throughput through the uio transport on the host: the fake uio tree and
 * hypervisor model of the unit tests (tests/unit/dm_uio_hv.h) on one thread,
 * the device model (unsanitized) on another, the test frontend and a socket
 * client on the main thread.  BENCH_MIB through port 0 per run, median of
 * BENCH_RUNS, for guest->host, host->guest and both at once; also frontend
 * traps per MiB and requests per doorbell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <signal.h>

#include <linux/virtio_config.h>
#include <linux/virtio_console.h>

#include "dm/chardev.h"
#include "dm/console.h"
#include "dm/transport.h"
#include "dm/uio_state.h"
#include "dm_uio_hv.h"
#include "bench.h"

struct bench_result {
	double mbs, traps_per_mib, req_per_db;
};

struct model {
	struct event_loop loop;
	pthread_t thread;
	struct dm_transport *t;
	struct chardev *cd;
	struct virtio_console *con;
};

static void *model_thread(void *arg)
{
	el_run(&((struct model *)arg)->loop);
	return NULL;
}

static int model_up(struct model *m, const char *root, const char *path)
{
	struct transport_opts to = { .type = "uio", .id = "u0", .fd = -1 };
	struct chardev_opts co = { .backend = "socket", .id = "c0", .server = true };
	struct console_opts o = {
		.max_ports = 1, .cols = 80, .rows = 25, .access_platform = true, .id = "bench"
	};
	char err[256];

	if (el_init(&m->loop))
		return -1;
	snprintf(to.root, sizeof(to.root), "%s", root);
	snprintf(co.path, sizeof(co.path), "%s", path);
	m->t = uio_transport_new(&m->loop, &to, err, sizeof(err));
	m->cd = chardev_new(&m->loop, &co, err, sizeof(err));
	m->con = console_new(&o);
	if (!m->t || !m->cd || !m->con)
		return -1;
	console_add_port(m->con, 0, m->cd, true, NULL);
	if (transport_attach_named(m->t, 0, console_mmio(m->con), "fe1-console", err,
				   sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return pthread_create(&m->thread, NULL, model_thread, m);
}

static void model_down(struct model *m)
{
	el_stop(&m->loop);
	pthread_join(m->thread, NULL);
	transport_free(m->t);
	console_free(m->con);
	chardev_free(m->cd);
	el_fini(&m->loop);
}

static int bench_once(const uint8_t *data, size_t len, bool to_host, bool to_guest,
		      struct bench_result *res)
{
	struct hvm hv;
	struct model m;
	struct tfe_link link;
	struct tfe_dev dev;
	struct tfe_port port;
	struct tfe_stream s = { 0 };
	struct uio_state_hdr h;
	char path[108];
	double t0, t;
	int rc;

	snprintf(path, sizeof(path), "/tmp/dm-bench-uio-%d.sock", (int)getpid());
	if (hvm_init(&hv) || !hvm_add(&hv, "fe1-console", 0x20000000ULL, 16ULL << 20) ||
	    hvm_start(&hv) || model_up(&m, hv.root, path))
		return -1;
	s.client = tfe_unix_connect(path, 2000);
	tfe_link_init(&link, hv.fe_sock);
	tfe_dev_init(&dev, &link, 0, NULL, &hv.dev[0].mem);
	if (bench_console_up(&dev, &port))
		return -1;
	s.port = &port;
	bench_stream_set(&s, data, len, to_host, to_guest);
	t0 = bench_now_s();
	rc = tfe_streams_run(&link, &s, 1, 120000);
	t = bench_now_s() - t0;
	close(s.client);
	model_down(&m);
	uio_rec_peek((uint8_t *)hv.dev[0].ctrl + BH_RIO_STATE_OFFSET, &h);
	res->mbs = (double)(s.client_got + s.guest_got) / t / 1e6;
	res->traps_per_mib =
		(double)hv.dev[0].cnt.traps / ((double)(s.client_got + s.guest_got) / (1 << 20));
	res->req_per_db = h.doorbells ? (double)h.requests / (double)h.doorbells : 0;
	hvm_fini(&hv);
	if (rc || s.mismatches) {
		fprintf(stderr, "rc %d mismatches %zu\n", rc, s.mismatches);
		return -1;
	}
	return 0;
}

int main(void)
{
	static const char *const names[] = { "guest->host", "host->guest", "both ways  " };
	size_t len = (size_t)BENCH_MIB << 20;
	uint8_t *data = malloc(len);
	double r[BENCH_RUNS], tp[BENCH_RUNS], rd[BENCH_RUNS];
	int mode, i;

	signal(SIGPIPE, SIG_IGN);
	dm_log_set_quiet(1);
	if (!data)
		return 1;
	tfe_random(data, len, 42);
	printf("bulkhead-dm uio transport (fake uio + hypervisor model), port 0, 4 KiB buffers, "
	       "device-mode copies, %d MiB per run, median of %d\n",
	       BENCH_MIB, BENCH_RUNS);
	for (mode = 0; mode < 3; mode++) {
		for (i = 0; i < BENCH_RUNS; i++) {
			struct bench_result res;

			if (bench_once(data, len, mode != 1, mode != 0, &res)) {
				fprintf(stderr, "run failed\n");
				return 1;
			}
			r[i] = res.mbs;
			tp[i] = res.traps_per_mib;
			rd[i] = res.req_per_db;
		}
		bench_sort(r);
		bench_sort(tp);
		bench_sort(rd);
		printf("%s  %8.1f MB/s  (min %.1f, max %.1f)  %.2f traps/MiB  %.2f "
		       "requests/doorbell\n",
		       names[mode], r[BENCH_RUNS / 2], r[0], r[BENCH_RUNS - 1], tp[BENCH_RUNS / 2],
		       rd[BENCH_RUNS / 2]);
	}
	free(data);
	return 0;
}
