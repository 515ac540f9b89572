// SPDX-License-Identifier: MIT
/*
 * virtio-blk served by the real bulkhead-dm binary over the uio transport
 * (the fake uio tree and hypervisor model of dm_uio_hv.h), killed with
 * SIGKILL at random instants (20 times) and started again while a frontend
 * keeps up to 32 reads, writes and flushes in flight.  The frontend never resets
 * its device; every request must come back exactly once with status OK,
 * every read must return what the last completed write to its block put
 * there, and afterwards the image file must hold every write the frontend
 * saw complete (docs/device-model.md "virtio-blk", "Restart").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#include "dm_uio_hv.h"

#define GUEST_BASE 0x20000000ULL
#define GUEST_SIZE (4ULL << 20)
#define FEATURES                                                                     \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM) |         \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
	 (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_BLK_SIZE) |          \
	 (1ULL << VIRTIO_BLK_F_FLUSH) | (1ULL << VIRTIO_BLK_F_CONFIG_WCE) |          \
	 (1ULL << VIRTIO_BLK_F_DISCARD) | (1ULL << VIRTIO_BLK_F_WRITE_ZEROES))
#define BLOCK	 4096U
#define NBLOCKS	 1024U /* a 4 MiB image */
#define QUEUE	 128
#define DEPTH	 32 /* requests in flight */
#define REQUESTS 6000
#define KILLS	 20
#define NOT_DONE 0xee
#define LOST_NS	 (10ULL * 1000 * 1000 * 1000)

struct kreq {
	uint32_t type, block, version;
	bool outstanding;
};

struct kfe {
	struct tfe_link *link;
	struct tfe_dev dev;
	struct hvm_dev *hd;
	uint64_t hdr, status, data; /* DEPTH of each */
	struct kreq req[DEPTH];
	uint32_t done_ver[NBLOCKS]; /* version of the last completed write */
	bool busy[NBLOCKS];
	unsigned int issued, completed, writes, reads, flushes, errors;
	unsigned int lost;
	bool stop; /* set by the test after its kills: __atomic */
};

/* The content of version @v of @block: version 0 is the image's zeroes. */
static void pattern(uint32_t block, uint32_t v, uint32_t *w)
{
	unsigned int i;

	for (i = 0; i < BLOCK / 4; i++)
		w[i] = v ? (block * 0x10001U) ^ (v * 0x9e3779b1U) ^ i : 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void *gp(struct kfe *k, uint64_t gpa)
{
	return tfe_ptr(&k->hd->mem, gpa);
}

static void kfe_issue(struct kfe *k, unsigned int s)
{
	struct kreq *r = &k->req[s];
	unsigned int pick = (unsigned int)rand() % 10;
	struct virtio_blk_outhdr h = { 0 };
	struct tfe_buf out[2], in[2];
	unsigned int n_out = 1, n_in = 1;

	r->type = pick < 5 ? VIRTIO_BLK_T_OUT : pick < 9 ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_FLUSH;
	r->block = (unsigned int)rand() % NBLOCKS;
	while (r->type != VIRTIO_BLK_T_FLUSH && k->busy[r->block])
		r->block = (r->block + 1) % NBLOCKS;
	h.type = r->type;
	h.sector = (uint64_t)r->block * (BLOCK / 512);
	memcpy(gp(k, k->hdr + 16ULL * s), &h, sizeof(h));
	*(uint8_t *)gp(k, k->status + s) = NOT_DONE;
	out[0] = (struct tfe_buf){ k->hdr + 16ULL * s, 16 };
	if (r->type == VIRTIO_BLK_T_OUT) {
		r->version = k->done_ver[r->block] + 1;
		pattern(r->block, r->version, gp(k, k->data + (uint64_t)BLOCK * s));
		out[n_out++] = (struct tfe_buf){ k->data + (uint64_t)BLOCK * s, BLOCK };
	} else if (r->type == VIRTIO_BLK_T_IN) {
		r->version = k->done_ver[r->block];
		memset(gp(k, k->data + (uint64_t)BLOCK * s), 0xa5, BLOCK);
		in[0] = (struct tfe_buf){ k->data + (uint64_t)BLOCK * s, BLOCK };
		n_in++;
	}
	in[n_in - 1] = (struct tfe_buf){ k->status + s, 1 };
	if (r->type != VIRTIO_BLK_T_FLUSH)
		k->busy[r->block] = true;
	r->outstanding = true;
	if (tfe_vq_add(&k->dev.vqs[0], out, n_out, in, n_in, r, true) < 0)
		abort();
	k->issued++;
}

static void kfe_complete(struct kfe *k, struct kreq *r)
{
	unsigned int s = (unsigned int)(r - k->req);
	uint32_t want[BLOCK / 4];

	/* a request used twice, or used before the device wrote its status */
	if (!r->outstanding || *(uint8_t *)gp(k, k->status + s) != VIRTIO_BLK_S_OK) {
		k->errors++;
		return;
	}
	r->outstanding = false;
	__atomic_store_n(&k->completed, k->completed + 1, __ATOMIC_RELEASE);
	if (r->type == VIRTIO_BLK_T_OUT) {
		k->done_ver[r->block] = r->version;
		k->writes++;
	} else if (r->type == VIRTIO_BLK_T_IN) {
		pattern(r->block, r->version, want);
		if (memcmp(gp(k, k->data + (uint64_t)BLOCK * s), want, BLOCK))
			k->errors++;
		k->reads++;
	} else {
		k->flushes++;
	}
	if (r->type != VIRTIO_BLK_T_FLUSH)
		k->busy[r->block] = false;
}

/* The frontend: Linux's virtio_blk, as far as queueing and completion go. */
static void *kfe_thread(void *arg)
{
	struct kfe *k = arg;
	uint64_t progress = now_ns();
	unsigned long seen = 0;
	unsigned int s;
	uint32_t len;
	void *c;

	while (!k->errors &&
	       (k->completed < k->issued || !__atomic_load_n(&k->stop, __ATOMIC_ACQUIRE))) {
		bool added = false;
		bool stop = __atomic_load_n(&k->stop, __ATOMIC_ACQUIRE);

		for (s = 0; s < DEPTH && !stop; s++) {
			if (k->req[s].outstanding)
				continue;
			kfe_issue(k, s);
			added = true;
		}
		if (added)
			tfe_vq_kick(&k->dev.vqs[0]);
		if (k->link->irqs[0] != seen) {
			seen = k->link->irqs[0];
			tfe_ack_irq(&k->dev);
		}
		while ((c = tfe_vq_get(&k->dev.vqs[0], &len))) {
			kfe_complete(k, c);
			progress = now_ns();
		}
		/* a request that never comes back was lost */
		if (now_ns() - progress > LOST_NS) {
			k->lost = k->issued - k->completed;
			break;
		}
		tfe_link_poll(k->link, 1);
	}
	return NULL;
}

static pid_t blk_spawn(const char *root, const char *image)
{
	char targ[256], darg[512];
	pid_t pid;

	snprintf(targ, sizeof(targ), "uio,id=t0,root=%s", root);
	snprintf(darg, sizeof(darg), "file=%s,id=d0", image);
	pid = fork();
	if (pid == 0) {
		execl(DM_HOST_BIN, DM_HOST_BIN, "-transport", targ, "-drive", darg, "-device",
		      "virtio-blk,drive=d0,transport=t0,name=fe1-blk", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void kfe_up(struct kfe *k, struct hvm *hv, struct tfe_link *l)
{
	memset(k, 0, sizeof(*k));
	k->link = l;
	k->hd = &hv->dev[0];
	tfe_dev_init(&k->dev, l, 0, NULL, &k->hd->mem);
	assert_int_equal(tfe_probe(&k->dev, FEATURES), 0);
	assert_int_equal(k->dev.device_id, VIRTIO_ID_BLOCK);
	assert_int_equal(tfe_vq_setup(&k->dev, 0, QUEUE), 0);
	k->hdr = tfe_alloc(&k->hd->mem, 16ULL * DEPTH, 16);
	k->status = tfe_alloc(&k->hd->mem, DEPTH, 1);
	k->data = tfe_alloc(&k->hd->mem, (uint64_t)BLOCK * DEPTH, BLOCK);
	tfe_driver_ok(&k->dev);
	assert_int_equal(tfe_status(&k->dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
}

/* Every block of the image is the last version the frontend saw written. */
static unsigned int image_mismatches(const char *image, const struct kfe *k)
{
	uint32_t want[BLOCK / 4], got[BLOCK / 4];
	unsigned int b, bad = 0;
	int fd = open(image, O_RDONLY);

	assert_true(fd >= 0);
	for (b = 0; b < NBLOCKS; b++) {
		assert_int_equal(pread(fd, got, BLOCK, (off_t)b * BLOCK), (ssize_t)BLOCK);
		pattern(b, k->done_ver[b], want);
		bad += !!memcmp(got, want, BLOCK);
	}
	close(fd);
	return bad;
}

static void test_binary_killed_at_random_blk_exact(void **state)
{
	static struct kfe k;
	struct tfe_link link;
	char image[128];
	unsigned int kills;
	struct hvm hv;
	pthread_t th;
	pid_t pid;
	int fd;

	(void)state;
	snprintf(image, sizeof(image), "/tmp/dm-blk-uio-%d.img", (int)getpid());
	fd = open(image, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)NBLOCKS * BLOCK), 0);
	close(fd);
	assert_int_equal(hvm_init(&hv), 0);
	assert_non_null(hvm_add(&hv, "fe1-blk", GUEST_BASE, GUEST_SIZE));
	hv.dev[0].ctrl->device_id = VIRTIO_ID_BLOCK;
	assert_int_equal(hvm_start(&hv), 0);
	pid = blk_spawn(hv.root, image);
	tfe_link_init(&link, hv.fe_sock);
	kfe_up(&k, &hv, &link);
	srand(17);
	assert_int_equal(pthread_create(&th, NULL, kfe_thread, &k), 0);
	for (kills = 0; kills < KILLS; kills++) {
		unsigned int before = __atomic_load_n(&k.completed, __ATOMIC_ACQUIRE);
		int status, waited;

		/* this model serves: then anywhere, inside a batch, with I/O running, ... */
		for (waited = 0;
		     waited < 5000 && __atomic_load_n(&k.completed, __ATOMIC_ACQUIRE) == before;
		     waited++)
			usleep(1000);
		usleep((useconds_t)(rand() % 20000));
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		pid = blk_spawn(hv.root, image);
	}
	__atomic_store_n(&k.stop, true, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	assert_int_equal(tfe_status(&k.dev) & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	print_message("# %u kills: %u requests used once each (%u writes, %u reads, %u flushes), "
		      "%u errors, %u lost\n",
		      kills, k.completed, k.writes, k.reads, k.flushes, k.errors, k.lost);
	assert_int_equal(k.errors, 0);
	assert_int_equal(k.lost, 0);
	assert_int_equal(k.completed, k.issued);
	/* nothing more came back: no request was used twice */
	assert_int_equal(k.dev.vqs[0].used->idx, (uint16_t)k.issued);
	assert_int_equal(image_mismatches(image, &k), 0);
	unlink(image);
	hvm_fini(&hv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binary_killed_at_random_blk_exact),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
