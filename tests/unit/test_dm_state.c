// SPDX-License-Identifier: MIT
/*
 * The uio transport's state record (dm/transport/uio_state.c) against a
 * kill at any instruction: every save of a driver's life (probe, features,
 * queues, DRIVER_OK, batches that only move the cursor, a reset) is
 * recorded as its sequence of stores, and every prefix of it, a model
 * killed after that store, is handed to a successor.  It must resume the
 * exact record before the save or the exact record after it; nothing else.
 * Then every word of the page is corrupted in turn: the successor resumes
 * the newest record exactly or says it cannot trust the page (the uio
 * transport then sets DEVICE_NEEDS_RESET), never an older record and never
 * "nothing saved".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>

#include <linux/virtio_config.h>

#include "dm/console.h"
#include "dm/log.h"
#include "dm/mmio.h"
#include "dm/uio_state.h"

#define GUEST_BASE 0x40000000ULL
#define GUEST_SIZE (256u << 10)
#define NQ_SETUP   4 /* queues the driver sets up (max_ports=2: 6 exist) */

struct rec_copy {
	uint8_t bytes[UIO_SLOT_SIZE];
	size_t len; /* header + device state */
};

struct tctx {
	struct virtio_console *con;
	struct virtio_mmio *m;
	struct dm_window win;
	uint8_t *mem;
	uint64_t *page; /* the state page, normal memory here */
	struct uio_rec *rec;
	struct uio_state_hdr stats;
	unsigned long prefixes, old_seen, new_seen;
};

static struct virtio_console *t_console(void)
{
	struct console_opts o = { .max_ports = 2, .cols = 80, .rows = 25, .access_platform = true };

	snprintf(o.id, sizeof(o.id), "state");
	return console_new(&o);
}

static void t_init(struct tctx *t)
{
	memset(t, 0, sizeof(*t));
	t->mem = calloc(1, GUEST_SIZE);
	t->page = calloc(1, BH_RIO_STATE_SIZE);
	t->rec = malloc(sizeof(*t->rec));
	assert_non_null(t->mem);
	assert_non_null(t->page);
	assert_non_null(t->rec);
	window_init(&t->win, GUEST_BASE, GUEST_SIZE, t->mem);
	t->con = t_console();
	assert_non_null(t->con);
	t->m = console_mmio(t->con);
	mmio_attach(t->m, &t->win, NULL, NULL);
	uio_rec_init(t->rec, t->page);
}

static void t_fini(struct tctx *t)
{
	console_free(t->con);
	free(t->rec);
	free(t->page);
	free(t->mem);
}

static void wr(struct tctx *t, uint32_t off, uint32_t val)
{
	mmio_write(t->m, off, 4, val);
}

static void t_queue(struct tctx *t, unsigned int q)
{
	uint64_t base = GUEST_BASE + q * 0x1000ULL;

	wr(t, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(t, VIRTIO_MMIO_QUEUE_NUM, 16);
	wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)base);
	wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(base >> 32));
	wr(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)(base + 0x400));
	wr(t, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)((base + 0x400) >> 32));
	wr(t, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)(base + 0x800));
	wr(t, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)((base + 0x800) >> 32));
	wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_true(t->m->vqs[q].ready);
}

/* A step of the driver's life between two saves; @k picks which. */
static void t_step(struct tctx *t, unsigned int k)
{
	unsigned int q;

	switch (k % 10) {
	case 0:
		wr(t, VIRTIO_MMIO_STATUS, 0); /* reset */
		break;
	case 1:
		wr(t, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
		break;
	case 2:
		wr(t, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
		break;
	case 3:
		wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
		wr(t, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)t->m->host_features);
		wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
		wr(t, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(t->m->host_features >> 32));
		wr(t, VIRTIO_MMIO_STATUS,
		   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			   VIRTIO_CONFIG_S_FEATURES_OK);
		assert_true(t->m->status & VIRTIO_CONFIG_S_FEATURES_OK);
		break;
	case 4:
		t_queue(t, 0);
		break;
	case 5:
		/* many words at once */
		for (q = 1; q < NQ_SETUP; q++)
			t_queue(t, q);
		break;
	case 6:
		wr(t, VIRTIO_MMIO_STATUS,
		   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			   VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
		assert_true(mmio_live(t->m));
		break;
	case 7:
		break; /* a batch that only moves the cursor and the counters */
	case 8:
		wr(t, VIRTIO_MMIO_QUEUE_SEL, 1);
		wr(t, VIRTIO_MMIO_INTERRUPT_ACK, 1);
		break;
	case 9:
		t->stats.pickup.bucket[k % BH_RIO_LAT_BUCKETS]++;
		t->stats.service.bucket[(k * 7) % BH_RIO_LAT_BUCKETS]++;
		break;
	}
	t->stats.cursor += 1 + k % 5;
	t->stats.requests += 1 + k % 5;
	t->stats.batches++;
	t->stats.doorbells++;
}

/* Plan a save of the device as it is now; @c gets the record it commits. */
static unsigned int t_plan(struct tctx *t, struct rec_copy *c)
{
	size_t len = mmio_state_save(t->m, uio_rec_payload(t->rec), UIO_RECORD_MAX);
	unsigned int n;

	assert_true(len > 0);
	n = uio_rec_plan(t->rec, &t->stats, len);
	assert_true(n >= 1);
	c->len = sizeof(struct uio_state_hdr) + len;
	memcpy(c->bytes, t->rec->img, c->len);
	return n;
}

/* What a successor finds on @page; FOUND also restores it into a device. */
static enum uio_rec_found successor(uint64_t *page, struct rec_copy *got)
{
	struct uio_rec *r = malloc(sizeof(*r));
	enum uio_rec_found f;
	const char *why = NULL;

	assert_non_null(r);
	uio_rec_init(r, page);
	f = uio_rec_pick(r, &why);
	if (f == UIO_REC_UNTRUSTED)
		assert_non_null(why);
	if (f == UIO_REC_FOUND) {
		const struct uio_state_hdr *h = uio_rec_hdr(r);
		struct virtio_console *con = t_console();
		uint8_t *mem = calloc(1, GUEST_SIZE);
		struct dm_window w;

		got->len = sizeof(*h) + h->len;
		memcpy(got->bytes, h, got->len);
		/* the device takes it back (its queues lie in the window) */
		window_init(&w, GUEST_BASE, GUEST_SIZE, mem);
		mmio_attach(console_mmio(con), &w, NULL, NULL);
		assert_int_equal(mmio_state_load(console_mmio(con), uio_rec_data(r), h->len), 0);
		console_free(con);
		free(mem);
	}
	free(r);
	return f;
}

static bool rec_equal(const struct rec_copy *a, const struct rec_copy *b)
{
	return a->len == b->len && !memcmp(a->bytes, b->bytes, a->len);
}

/*
 * Every prefix of the stores of the save just planned, applied to @before
 * (the page as the previous save left it): the old record up to the commit
 * store, the new one from it on.  @had_old: a record was committed before.
 */
static void check_prefixes(struct tctx *t, const uint64_t *before, bool had_old,
			   const struct rec_copy *old, const struct rec_copy *new)
{
	uint64_t *page = malloc(BH_RIO_STATE_SIZE);
	struct rec_copy *got = malloc(sizeof(*got));
	bool committed = false;
	unsigned int p, i;

	for (p = 0; p <= t->rec->nplan; p++) {
		enum uio_rec_found f;

		memcpy(page, before, BH_RIO_STATE_SIZE);
		for (i = 0; i < p; i++)
			page[t->rec->plan[i].word] = t->rec->plan[i].val;
		if (p && t->rec->plan[p - 1].word % UIO_SLOT_WORDS == 0 && t->rec->plan[p - 1].val)
			committed = true;
		f = successor(page, got);
		t->prefixes++;
		if (!committed && !had_old) {
			/* nothing committed yet: nothing was answered from it either */
			assert_int_equal(f, UIO_REC_NONE);
			t->old_seen++;
			continue;
		}
		assert_int_equal(f, UIO_REC_FOUND);
		if (committed) {
			assert_true(rec_equal(got, new));
			t->new_seen++;
		} else {
			assert_true(rec_equal(got, old));
			t->old_seen++;
		}
	}
	assert_true(committed);
	free(got);
	free(page);
}

/* One save: plan, check every prefix, apply. */
static void t_save(struct tctx *t, struct rec_copy *old, bool *had_old)
{
	uint64_t *before = malloc(BH_RIO_STATE_SIZE);
	struct rec_copy *new = malloc(sizeof(*new));

	memcpy(before, t->page, BH_RIO_STATE_SIZE);
	t_plan(t, new);
	check_prefixes(t, before, *had_old, old, new);
	uio_rec_apply(t->rec);
	assert_memory_equal(t->page + t->rec->cur * UIO_SLOT_WORDS, new->bytes, new->len);
	*old = *new;
	*had_old = true;
	free(new);
	free(before);
}

/* 40 saves over four rounds of a driver's life, each torn at every store. */
static void test_torn_at_every_store(void **state)
{
	struct rec_copy *old = calloc(1, sizeof(*old));
	unsigned long stores = 0, saves = 0;
	bool had_old = false;
	const char *why;
	struct tctx t;
	unsigned int k;

	(void)state;
	t_init(&t);
	assert_int_equal(uio_rec_pick(t.rec, &why), UIO_REC_NONE);
	for (k = 0; k < 40; k++) {
		t_step(&t, k);
		t_save(&t, old, &had_old);
		stores += t.rec->nplan;
		saves++;
	}
	print_message("# %lu saves, %lu stores (%.1f per save), %lu prefixes: %lu resumed the "
		      "record before the save, %lu the one after\n",
		      saves, stores, (double)stores / (double)saves, t.prefixes, t.old_seen,
		      t.new_seen);
	/* a save that changes only the counters writes a handful of words */
	t_step(&t, 7);
	t_save(&t, old, &had_old);
	print_message("# a save that moves only the cursor and counters: %u stores\n",
		      t.rec->nplan);
	assert_true(t.rec->nplan <= 8);
	t_fini(&t);
	free(old);
}

/*
 * Every word of both slots corrupted in turn (a bit flipped): the newest
 * record exactly, or UNTRUSTED; never an older record, never NONE.
 */
static void test_corrupt_every_word(void **state)
{
	struct rec_copy *old = calloc(1, sizeof(*old)), *got = malloc(sizeof(*got));
	uint64_t *page = malloc(BH_RIO_STATE_SIZE);
	unsigned long found = 0, untrusted = 0;
	bool had_old = false;
	const char *why;
	struct tctx t;
	unsigned int k, w, bit;

	(void)state;
	t_init(&t);
	assert_int_equal(uio_rec_pick(t.rec, &why), UIO_REC_NONE);
	for (k = 1; k <= 7; k++) {
		t_step(&t, k);
		t_save(&t, old, &had_old);
	}
	for (w = 0; w < UIO_SLOTS * UIO_SLOT_WORDS; w++) {
		for (bit = 0; bit < 64; bit += 37) {
			enum uio_rec_found f;

			memcpy(page, t.page, BH_RIO_STATE_SIZE);
			page[w] ^= 1ULL << bit;
			f = successor(page, got);
			assert_int_not_equal(f, UIO_REC_NONE);
			if (f == UIO_REC_FOUND) {
				assert_true(rec_equal(got, old));
				found++;
			} else {
				untrusted++;
			}
		}
	}
	print_message("# %lu corrupted pages: %lu gave the newest record, %lu were not "
		      "trusted\n",
		      found + untrusted, found, untrusted);
	assert_true(untrusted > 0 && found > 0);
	t_fini(&t);
	free(page);
	free(got);
	free(old);
}

/*
 * After an untrusted page, the recovering save (a NEEDS_RESET device) torn
 * at every store: UNTRUSTED until it is committed, then that record; the
 * slot that was not trusted is emptied last.
 */
static void test_recovery_torn(void **state)
{
	struct rec_copy *old = calloc(1, sizeof(*old)), *new = malloc(sizeof(*new)),
			*got = malloc(sizeof(*got));
	uint64_t *before = malloc(BH_RIO_STATE_SIZE), *page = malloc(BH_RIO_STATE_SIZE);
	bool had_old = false, committed = false;
	unsigned int k, p, i, bad;
	struct mmio_saved ms;
	const char *why;
	struct tctx t;

	(void)state;
	t_init(&t);
	assert_int_equal(uio_rec_pick(t.rec, &why), UIO_REC_NONE);
	for (k = 1; k <= 6; k++) {
		t_step(&t, k);
		t_save(&t, old, &had_old);
	}
	/* the newest record damaged: a successor cannot trust the page */
	bad = (unsigned int)t.rec->cur;
	t.page[bad * UIO_SLOT_WORDS + UIO_SLOT_WORDS / 8] ^= 1;
	uio_rec_init(t.rec, t.page);
	assert_int_equal(uio_rec_pick(t.rec, &why), UIO_REC_UNTRUSTED);
	mmio_state_lost(t.m);
	memset(&t.stats, 0, sizeof(t.stats));
	memcpy(before, t.page, BH_RIO_STATE_SIZE);
	t_plan(&t, new);
	/* the damaged slot is emptied last, once the new record is committed */
	assert_int_equal(t.rec->plan[t.rec->nplan - 1].word, bad * UIO_SLOT_WORDS);
	assert_int_equal(t.rec->plan[t.rec->nplan - 1].val, 0);
	for (p = 0; p <= t.rec->nplan; p++) {
		enum uio_rec_found f;

		memcpy(page, before, BH_RIO_STATE_SIZE);
		for (i = 0; i < p; i++)
			page[t.rec->plan[i].word] = t.rec->plan[i].val;
		if (p && t.rec->plan[p - 1].word == (1 - bad) * UIO_SLOT_WORDS &&
		    t.rec->plan[p - 1].val)
			committed = true;
		f = successor(page, got);
		if (!committed) {
			assert_int_equal(f, UIO_REC_UNTRUSTED);
			continue;
		}
		assert_int_equal(f, UIO_REC_FOUND);
		assert_true(rec_equal(got, new));
	}
	uio_rec_apply(t.rec);
	assert_int_equal(successor(t.page, got), UIO_REC_FOUND);
	memcpy(&ms, got->bytes + sizeof(struct uio_state_hdr), sizeof(ms));
	assert_int_equal(ms.status, VIRTIO_CONFIG_S_NEEDS_RESET);
	t_fini(&t);
	free(page);
	free(before);
	free(got);
	free(new);
	free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_torn_at_every_store),
		cmocka_unit_test(test_corrupt_every_word),
		cmocka_unit_test(test_recovery_torn),
	};

	dm_log_set_quiet(1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
