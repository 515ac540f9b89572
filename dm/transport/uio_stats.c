// SPDX-License-Identifier: MIT
/*
 * bulkhead-dm --stats: the hypervisor's per-device remote I/O counters
 * (struct bh_rio_counters in the control region) and the device models'
 * own counters from the state page, one line per device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bulkhead/rio.h"
#include "dm/uio_dev.h"
#include "dm/uio_state.h"
#include "dm/window.h"

static void uio_stats_line(FILE *out, const char *name, const char *node,
			   const struct bh_rio_ctrl *ctl, const struct uio_state_hdr *h)
{
	const struct bh_rio_counters *c = &ctl->counters;

	fprintf(out,
		"%s (%s): traps=%llu posted_writes=%llu reads=%llu backend_irqs=%llu "
		"doorbells=%llu completions=%llu frontend_irqs=%llu rejected=%llu "
		"ring_full_waits=%llu isr_local=%llu polled=%llu resets=%llu irqs_coalesced=%llu "
		"timeouts=%llu dropped=%llu req_prod=%u "
		"req_done=%u resp_prod=%u state=%s dm_requests=%llu dm_batches=%llu "
		"dm_doorbells=%llu dm_attaches=%u dm_polls=%llu dm_poll_hits=%llu "
		"requests_per_doorbell=%.1f\n",
		name, node, (unsigned long long)c->traps, (unsigned long long)c->posted_writes,
		(unsigned long long)c->reads, (unsigned long long)c->backend_irqs,
		(unsigned long long)c->doorbells, (unsigned long long)c->completions,
		(unsigned long long)c->frontend_irqs, (unsigned long long)c->rejected,
		(unsigned long long)c->ring_full_waits, (unsigned long long)c->isr_local,
		(unsigned long long)c->polled, (unsigned long long)c->resets,
		(unsigned long long)c->irqs_coalesced, (unsigned long long)c->timeouts,
		(unsigned long long)c->dropped, ctl->req_prod, ctl->req_done, ctl->resp_prod,
		ctl->state == BH_RIO_STATE_BROKEN ? "broken" : "ok",
		(unsigned long long)h->requests, (unsigned long long)h->batches,
		(unsigned long long)h->doorbells, h->attaches, (unsigned long long)h->polls,
		(unsigned long long)h->poll_hits,
		h->doorbells ? (double)h->requests / (double)h->doorbells : 0.0);
}

/* The bucket holding the @q-th quantile (0..1) of @h; -1 if empty. */
static int uio_hist_quantile(const struct bh_rio_hist *h, double q, uint64_t *n)
{
	uint64_t total = 0, seen = 0;
	unsigned int b;

	for (b = 0; b < BH_RIO_LAT_BUCKETS; b++)
		total += h->bucket[b];
	*n = total;
	if (!total)
		return -1;
	for (b = 0; b < BH_RIO_LAT_BUCKETS; b++) {
		seen += h->bucket[b];
		if ((double)seen >= q * (double)total)
			return (int)b;
	}
	return BH_RIO_LAT_BUCKETS - 1;
}

/* A bucket as the range of microseconds it counts. */
static const char *uio_bucket_name(int b, char *buf, size_t len)
{
	if (b < 0)
		snprintf(buf, len, "-");
	else if (b == 0)
		snprintf(buf, len, "<2");
	else if (b == BH_RIO_LAT_BUCKETS - 1)
		snprintf(buf, len, ">=%u", 1u << b);
	else
		snprintf(buf, len, "%u-%u", 1u << b, 2u << b);
	return buf;
}

static void uio_hist_line(FILE *out, const char *what, const struct bh_rio_hist *h)
{
	char med[16], p99[16];
	uint64_t n;
	int m = uio_hist_quantile(h, 0.5, &n), p = uio_hist_quantile(h, 0.99, &n);
	unsigned int b;

	fprintf(out, "  %-34s %9llu %10s %10s  |", what, (unsigned long long)n,
		uio_bucket_name(m, med, sizeof(med)), uio_bucket_name(p, p99, sizeof(p99)));
	for (b = 0; b < BH_RIO_LAT_BUCKETS; b++)
		fprintf(out, " %llu", (unsigned long long)h->bucket[b]);
	fprintf(out, "\n");
}

/*
 * Where a request's time goes (bulkhead/rio.h, struct bh_rio_lat): two
 * histograms the device model keeps, two the hypervisor keeps.
 */
static void uio_latency_block(FILE *out, const char *name, const char *node,
			      const struct bh_rio_ctrl *ctl, const struct uio_state_hdr *h)
{
	fprintf(out, "%s (%s): latency in us, log2 buckets (<2 2-4 4-8 ... >=32768)\n", name, node);
	fprintf(out, "  %-34s %9s %10s %10s  | buckets\n", "stage", "count", "median", "p99");
	uio_hist_line(out, "trap -> model picks up", &h->pickup);
	uio_hist_line(out, "model: picked up -> answered", &h->service);
	uio_hist_line(out, "wait: doorbell -> vCPU resumes", &ctl->lat.read_resume);
	uio_hist_line(out, "wait: trap -> vCPU resumes (total)", &ctl->lat.read_total);
}

static int uio_stats_one(const char *root, const char *name, FILE *out, bool quiet, bool latency)
{
	struct bh_rio_ctrl ctl;
	struct uio_state_hdr h;
	struct dm_window w;
	struct uio_dev u;
	char err[256];
	int ret;

	ret = uio_dev_open(&u, root, name, err, sizeof(err));
	if (!ret) {
		u.map[BH_RIO_MAP_CTRL].size = BH_RIO_CTRL_SIZE;
		ret = uio_dev_map(&u, BH_RIO_MAP_CTRL);
		if (ret)
			snprintf(err, sizeof(err), "uio device '%s': mmap: %s", name,
				 strerror(-ret));
	}
	if (ret) {
		if (!quiet)
			fprintf(stderr, "bulkhead-dm: %s\n", err);
		uio_dev_close(&u);
		return 1;
	}
	/* Device memory: one snapshot by aligned word copies, then plain reads */
	window_init(&w, 0, BH_RIO_CTRL_SIZE, u.map[BH_RIO_MAP_CTRL].ptr);
	window_set_device(&w, true);
	window_read(&w, &ctl, w.map, sizeof(ctl));
	if (ctl.magic != BH_RIO_MAGIC) {
		if (!quiet)
			fprintf(stderr,
				"bulkhead-dm: uio device '%s': not a remote I/O control region "
				"(magic %#x)\n",
				name, ctl.magic);
		uio_dev_close(&u);
		return 1;
	}
	/* a page without a record to trust: the model's counters read 0 */
	uio_rec_peek(w.map + BH_RIO_STATE_OFFSET, &h);
	if (latency)
		uio_latency_block(out, name, u.node, &ctl, &h);
	else
		uio_stats_line(out, name, u.node, &ctl, &h);
	uio_dev_close(&u);
	return 0;
}

struct uio_stats_all {
	const char *root;
	FILE *out;
	bool latency;
	int n;
};

static void uio_stats_cb(void *ctx, const char *name)
{
	struct uio_stats_all *a = ctx;

	if (!uio_stats_one(a->root, name, a->out, true, a->latency))
		a->n++;
}

int uio_stats_print(const char *root, char *const *names, int n, bool latency, FILE *out)
{
	struct uio_stats_all a = { .root = root, .out = out, .latency = latency };

	if (n) {
		int i, ret = 0;

		for (i = 0; i < n; i++)
			ret |= uio_stats_one(root, names[i], out, false, latency);
		return ret;
	}
	if (uio_dev_list(root, uio_stats_cb, &a) < 0 || !a.n) {
		fprintf(stderr, "bulkhead-dm: no remote I/O uio devices found\n");
		return 1;
	}
	return 0;
}
