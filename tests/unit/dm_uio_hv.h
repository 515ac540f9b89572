/* SPDX-License-Identifier: MIT */
/*
 * A small model of the Bulkhead hypervisor's remote I/O side for host tests
 * of the uio transport.  It builds a fake uio environment under a temporary
 * root (sys/class/uio/uioN/{name,maps/mapK/{addr,size}} and
 * dev/uioN/{map0,map1,map2,irq,db}, see dm/uio_dev.h) and, on a thread,
 * turns the test frontend's register accesses (the sim wire format on a
 * socketpair, so dm_test_frontend.c drives it unchanged) into requests per
 * include/bulkhead/rio.h:
 *
 *   write  -> req[], req_prod++, backend interrupt; the frontend goes on
 *   read   -> the same, then the frontend waits until a doorbell retires it
 *   doorbell COMPLETE -> validate resp_prod, retire; NOTIFY -> frontend IRQ
 *   re-arm -> the interrupt is enabled again; a pending one fires (as
 *             Linux's edge-interrupt resend does after enable_irq())
 *
 * Guest memory (map 2) is a file the frontend maps as its tfe_mem.
 */
#ifndef DM_UIO_HV_H
#define DM_UIO_HV_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "bulkhead/rio.h"
#include "dm/uio_dev.h"
#include "dm/uio_state.h"
#include "dm_test_frontend.h"

#define HVM_MAX_DEV 4

struct hvm;

struct hvm_dev {
	struct hvm *hv;
	unsigned int idx;
	char name[32];
	char dir[256];
	struct bh_rio_ctrl *ctrl;
	int irq_fd, db_fd;
	struct tfe_mem mem;
	bool armed, pending;
	uint32_t req_prod, req_done;
	uint32_t isr;		     /* the frontend's InterruptStatus */
	unsigned long isr_forwarded; /* ISR/ACK requests that reached the model: 0 */
	struct bh_rio_counters cnt;
};

struct hvm {
	char root[64];
	int sock, fe_sock, stop_fd;
	pthread_t thread;
	bool running;
	unsigned int n;
	struct hvm_dev dev[HVM_MAX_DEV];
};

static inline int hvm_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	fclose(f);
	return 0;
}

static inline int hvm_init(struct hvm *hv)
{
	char p[256];
	int sv[2];

	memset(hv, 0, sizeof(*hv));
	snprintf(hv->root, sizeof(hv->root), "/tmp/dm-uio-XXXXXX");
	if (!mkdtemp(hv->root))
		return -errno;
	snprintf(p, sizeof(p), "%s/sys", hv->root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/class", hv->root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/class/uio", hv->root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/dev", hv->root);
	mkdir(p, 0755);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	hv->sock = sv[0];
	hv->fe_sock = sv[1];
	hv->stop_fd = eventfd(0, EFD_CLOEXEC);
	return hv->stop_fd < 0 ? -errno : 0;
}

static inline int hvm_mkfile(const char *path, size_t size, void **map)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || ftruncate(fd, (off_t)size))
		return -1;
	if (map) {
		*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (*map == MAP_FAILED)
			return -1;
	}
	return fd;
}

/* Add device uioN named @name with a shared window at @base. */
static inline struct hvm_dev *hvm_add(struct hvm *hv, const char *name, uint64_t base,
				      uint64_t size)
{
	static const uint64_t sizes[3] = { BH_RIO_CTRL_SIZE, BH_RIO_DOORBELL_SIZE, 0 };
	struct hvm_dev *d = &hv->dev[hv->n];
	char p[400], v[64];
	void *ctrl;
	unsigned int k;
	int fd;

	memset(d, 0, sizeof(*d));
	d->hv = hv;
	d->idx = hv->n;
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(p, sizeof(p), "%s/sys/class/uio/uio%u", hv->root, d->idx);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/class/uio/uio%u/name", hv->root, d->idx);
	hvm_write_file(p, name);
	snprintf(p, sizeof(p), "%s/sys/class/uio/uio%u/maps", hv->root, d->idx);
	mkdir(p, 0755);
	for (k = 0; k < 3; k++) {
		snprintf(p, sizeof(p), "%s/sys/class/uio/uio%u/maps/map%u", hv->root, d->idx, k);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/sys/class/uio/uio%u/maps/map%u/size", hv->root, d->idx,
			 k);
		snprintf(v, sizeof(v), "0x%llx\n", (unsigned long long)(k == 2 ? size : sizes[k]));
		hvm_write_file(p, v);
		snprintf(p, sizeof(p), "%s/sys/class/uio/uio%u/maps/map%u/addr", hv->root, d->idx,
			 k);
		hvm_write_file(p, "0x0000000000000000\n");
	}
	snprintf(p, sizeof(p), "%s/dev/uio%u", hv->root, d->idx);
	memcpy(d->dir, p, strlen(p) + 1);
	mkdir(d->dir, 0755);
	snprintf(p, sizeof(p), "%s/map0", d->dir);
	fd = hvm_mkfile(p, BH_RIO_CTRL_SIZE, &ctrl);
	if (fd < 0)
		return NULL;
	close(fd);
	d->ctrl = ctrl;
	snprintf(p, sizeof(p), "%s/map1", d->dir);
	fd = hvm_mkfile(p, BH_RIO_DOORBELL_SIZE, NULL);
	close(fd);
	snprintf(p, sizeof(p), "%s/map2", d->dir);
	fd = hvm_mkfile(p, size, (void **)&d->mem.map);
	if (fd < 0)
		return NULL;
	d->mem.memfd = fd;
	d->mem.base = base;
	d->mem.size = size;
	d->mem.brk = 0;
	snprintf(p, sizeof(p), "%s/irq", d->dir);
	mkfifo(p, 0600);
	d->irq_fd = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	snprintf(p, sizeof(p), "%s/db", d->dir);
	mkfifo(p, 0600);
	d->db_fd = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	d->ctrl->magic = BH_RIO_MAGIC;
	d->ctrl->version = BH_RIO_VERSION;
	d->ctrl->device_id = 3; /* VIRTIO_ID_CONSOLE */
	d->ctrl->ring_size = BH_RIO_RING_SIZE;
	d->ctrl->shm_guest_base = base;
	d->ctrl->shm_size = size;
	d->armed = true; /* uio_pdrv_genirq probes enabled */
	hv->n++;
	return d;
}

static inline void hvm_mirror(struct hvm_dev *d)
{
	memcpy(&d->ctrl->counters, &d->cnt, sizeof(d->cnt));
}

static inline void hvm_fire(struct hvm_dev *d)
{
	uint8_t one = 1;

	if (!d->armed) {
		d->pending = true;
		return;
	}
	d->armed = false; /* the genirq handler masks it */
	d->pending = false;
	d->cnt.backend_irqs++;
	if (write(d->irq_fd, &one, 1) != 1)
		abort();
}

/*
 * The trap path of the hypervisor in two halves, so that a test can put
 * the device model between them: hvm_push() writes the request and stores
 * req_prod (store-release), hvm_signal() makes the full barrier, loads
 * polling and raises the backend interrupt unless the model polls
 * (hyp/core/rio.c rio_publish_request()).  Return: the request's seq; true
 * if the model was polling.
 */
static inline uint32_t hvm_push(struct hvm_dev *d, uint64_t off, uint64_t val, uint8_t dir,
				uint8_t size)
{
	uint32_t seq = d->req_prod;
	struct bh_rio_req *r = &d->ctrl->req[seq % BH_RIO_RING_SIZE];

	if (size == 4 && (off == VIRTIO_MMIO_INTERRUPT_STATUS || off == VIRTIO_MMIO_INTERRUPT_ACK))
		d->isr_forwarded++;
	r->offset = off;
	r->value = val;
	r->seq = seq;
	r->dir = dir;
	r->size = size;
	r->vcpu = 0;
	r->t_trap = uio_counter();
	d->req_prod++;
	__atomic_store_n(&d->ctrl->req_prod, d->req_prod, __ATOMIC_RELEASE);
	d->cnt.traps++;
	if (dir == BH_RIO_WRITE)
		d->cnt.posted_writes++;
	else
		d->cnt.reads++;
	return seq;
}

static inline bool hvm_signal(struct hvm_dev *d)
{
	bool polled;

	/* hyp/core/rio.c: store req_prod, full barrier, then load polling */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	polled = __atomic_load_n(&d->ctrl->polling, __ATOMIC_RELAXED) == BH_RIO_POLLING;
	if (polled)
		d->cnt.polled++;
	else
		hvm_fire(d);
	hvm_mirror(d);
	return polled;
}

/* Publish one request (the trap path of the hypervisor, whole). */
static inline uint32_t hvm_publish(struct hvm_dev *d, uint64_t off, uint64_t val, uint8_t dir,
				   uint8_t size)
{
	uint32_t seq = hvm_push(d, off, val, dir, size);

	hvm_signal(d);
	return seq;
}

static inline void hvm_kick(struct hvm_dev *d, uint32_t v)
{
	struct hvm *hv = d->hv;

	d->cnt.doorbells++;
	if (v & ~BH_RIO_KICK_VALID) {
		d->cnt.rejected++;
		return;
	}
	if (v & BH_RIO_KICK_COMPLETE) {
		uint32_t rp = __atomic_load_n(&d->ctrl->resp_prod, __ATOMIC_ACQUIRE);

		if (rp - d->req_done <= d->req_prod - d->req_done) {
			d->cnt.completions += rp - d->req_done;
			d->req_done = rp;
			d->ctrl->req_done = rp;
		} else {
			d->cnt.rejected++;
		}
	}
	d->isr |= (v & BH_RIO_KICK_ISR_MASK) >> BH_RIO_KICK_ISR_SHIFT;
	if (v & BH_RIO_KICK_NOTIFY) {
		struct sim_msg m = { .type = SIM_MSG_IRQ, .slot = d->idx, .value = d->isr };

		d->cnt.frontend_irqs++;
		if (send(hv->sock, &m, sizeof(m), MSG_NOSIGNAL) != sizeof(m))
			return;
	}
}

/* Handle every queued doorbell / re-arm of @d. */
static inline void hvm_db(struct hvm_dev *d)
{
	uint32_t v;

	while (read(d->db_fd, &v, sizeof(v)) == sizeof(v)) {
		if (v == UIO_FAKE_ARM) {
			d->armed = true;
			if (d->pending)
				hvm_fire(d);
		} else {
			hvm_kick(d, v);
		}
	}
	hvm_mirror(d);
}

/* Wait for doorbells of any device. Return: false when told to stop. */
static inline bool hvm_wait(struct hvm *hv, bool with_sock)
{
	struct pollfd p[HVM_MAX_DEV + 2];
	unsigned int i;

	for (i = 0; i < hv->n; i++) {
		p[i].fd = hv->dev[i].db_fd;
		p[i].events = POLLIN;
	}
	p[hv->n].fd = hv->stop_fd;
	p[hv->n].events = POLLIN;
	p[hv->n + 1].fd = hv->sock;
	p[hv->n + 1].events = POLLIN;
	if (poll(p, hv->n + 1 + with_sock, -1) < 0)
		return errno == EINTR;
	if (p[hv->n].revents)
		return false;
	for (i = 0; i < hv->n; i++)
		if (p[i].revents)
			hvm_db(&hv->dev[i]);
	return true;
}

/* InterruptStatus / InterruptACK are the hypervisor's (bulkhead/rio.h). */
static inline bool hvm_isr_local(struct hvm_dev *d, const struct sim_msg *m, struct sim_msg *r)
{
	if (m->size != 4)
		return false;
	if (m->type == SIM_MSG_WRITE && m->offset == VIRTIO_MMIO_STATUS && !m->value)
		d->isr = 0;
	if (m->type == SIM_MSG_READ && m->offset == VIRTIO_MMIO_INTERRUPT_STATUS) {
		r->type = SIM_MSG_REPLY;
		r->value = d->isr;
		send(d->hv->sock, r, sizeof(*r), MSG_NOSIGNAL);
	} else if (m->type == SIM_MSG_WRITE && m->offset == VIRTIO_MMIO_INTERRUPT_ACK) {
		d->isr &= ~(uint32_t)m->value;
	} else {
		return false;
	}
	d->cnt.isr_local++;
	hvm_mirror(d);
	return true;
}

static inline bool hvm_request(struct hvm *hv, const struct sim_msg *m)
{
	struct sim_msg r = *m;
	struct hvm_dev *d;
	uint32_t seq;

	if (m->slot >= hv->n) {
		if (m->type == SIM_MSG_READ) {
			r.type = SIM_MSG_REPLY;
			r.value = 0;
			send(hv->sock, &r, sizeof(r), MSG_NOSIGNAL);
		}
		return true;
	}
	d = &hv->dev[m->slot];
	if (m->type != SIM_MSG_READ && m->type != SIM_MSG_WRITE)
		return true;
	if (hvm_isr_local(d, m, &r))
		return true;
	/* a full ring makes the access wait for space */
	while (d->req_prod - d->req_done >= BH_RIO_RING_SIZE) {
		d->cnt.ring_full_waits++;
		if (!hvm_wait(hv, false))
			return false;
	}
	seq = hvm_publish(d, m->offset, m->value,
			  m->type == SIM_MSG_WRITE ? BH_RIO_WRITE : BH_RIO_READ, (uint8_t)m->size);
	if (m->type == SIM_MSG_WRITE)
		return true;
	/* the reading vCPU waits until its request is retired */
	while ((int32_t)(d->req_done - (seq + 1)) < 0)
		if (!hvm_wait(hv, false))
			return false;
	r.type = SIM_MSG_REPLY;
	r.value = d->ctrl->resp[seq % BH_RIO_RING_SIZE];
	if (m->size < 8)
		r.value &= (1ULL << (8 * m->size)) - 1;
	send(hv->sock, &r, sizeof(r), MSG_NOSIGNAL);
	return true;
}

static inline void *hvm_thread(void *arg)
{
	struct hvm *hv = arg;
	struct sim_msg m;

	for (;;) {
		if (!hvm_wait(hv, true))
			return NULL;
		while (recv(hv->sock, &m, sizeof(m), MSG_DONTWAIT) == sizeof(m))
			if (!hvm_request(hv, &m))
				return NULL;
	}
}

static inline int hvm_start(struct hvm *hv)
{
	hv->running = true;
	return pthread_create(&hv->thread, NULL, hvm_thread, hv);
}

static inline int hvm_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void hvm_fini(struct hvm *hv)
{
	uint64_t one = 1;
	unsigned int i;

	if (hv->running) {
		if (write(hv->stop_fd, &one, sizeof(one)) != sizeof(one))
			abort();
		pthread_join(hv->thread, NULL);
	}
	for (i = 0; i < hv->n; i++) {
		struct hvm_dev *d = &hv->dev[i];

		munmap(d->ctrl, BH_RIO_CTRL_SIZE);
		tfe_mem_fini(&d->mem);
		close(d->irq_fd);
		close(d->db_fd);
	}
	close(hv->sock);
	close(hv->fe_sock);
	close(hv->stop_fd);
	/* depth first, without a shell (tests make hundreds of these) */
	if (nftw(hv->root, hvm_rm, 8, FTW_DEPTH | FTW_PHYS))
		fprintf(stderr, "cannot remove %s\n", hv->root);
}

#endif
