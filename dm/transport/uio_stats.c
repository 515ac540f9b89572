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
		"ring_full_waits=%llu isr_local=%llu req_prod=%u req_done=%u resp_prod=%u state=%s "
		"dm_requests=%llu dm_batches=%llu dm_doorbells=%llu dm_attaches=%u "
		"requests_per_doorbell=%.1f\n",
		name, node, (unsigned long long)c->traps, (unsigned long long)c->posted_writes,
		(unsigned long long)c->reads, (unsigned long long)c->backend_irqs,
		(unsigned long long)c->doorbells, (unsigned long long)c->completions,
		(unsigned long long)c->frontend_irqs, (unsigned long long)c->rejected,
		(unsigned long long)c->ring_full_waits, (unsigned long long)c->isr_local,
		ctl->req_prod, ctl->req_done, ctl->resp_prod,
		ctl->state == BH_RIO_STATE_BROKEN ? "broken" : "ok",
		(unsigned long long)h->requests, (unsigned long long)h->batches,
		(unsigned long long)h->doorbells, h->attaches,
		h->doorbells ? (double)h->requests / (double)h->doorbells : 0.0);
}

static int uio_stats_one(const char *root, const char *name, FILE *out, bool quiet)
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
	window_read(&w, &h, w.map + BH_RIO_STATE_OFFSET, sizeof(h));
	if (h.magic != UIO_STATE_MAGIC)
		memset(&h, 0, sizeof(h));
	uio_stats_line(out, name, u.node, &ctl, &h);
	uio_dev_close(&u);
	return 0;
}

struct uio_stats_all {
	const char *root;
	FILE *out;
	int n;
};

static void uio_stats_cb(void *ctx, const char *name)
{
	struct uio_stats_all *a = ctx;

	if (!uio_stats_one(a->root, name, a->out, true))
		a->n++;
}

int uio_stats_print(const char *root, char *const *names, int n, FILE *out)
{
	struct uio_stats_all a = { .root = root, .out = out };

	if (n) {
		int i, ret = 0;

		for (i = 0; i < n; i++)
			ret |= uio_stats_one(root, names[i], out, false);
		return ret;
	}
	if (uio_dev_list(root, uio_stats_cb, &a) < 0 || !a.n) {
		fprintf(stderr, "bulkhead-dm: no remote I/O uio devices found\n");
		return 1;
	}
	return 0;
}
