// SPDX-License-Identifier: MIT
/*
 * rio_hostile: a bare-metal frontend that sets up its virtio-mmio console
 * like a real driver (virtio v1.2 §3.1.1, §4.2.3) and then lies to the
 * device model: a transmit descriptor pointing outside its shared window
 * (into its own RAM) and an avail index far beyond the queue size.  The
 * device model must mark the device DEVICE_NEEDS_RESET (§2.1.2) and never
 * touch anything outside the window; the hypervisor must keep serving.
 *
 * Output (tests/system/test_rio_hostile.py):
 *   rio_hostile: device 3 version 2 features_hi 0x...
 *   rio_hostile: driver ok
 *   rio_hostile: status 0x<s> needs_reset=<0|1>
 *   rio_hostile: done
 */
#include "bm.h"
#include "gic.h"
#include "rio_test.h"

/* virtio v1.2 §4.2.2 MMIO device register layout */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW	0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH	0x0a4

/* §2.1 device status bits */
#define S_ACKNOWLEDGE	1u
#define S_DRIVER	2u
#define S_DRIVER_OK	4u
#define S_FEATURES_OK	8u
#define S_NEEDS_RESET	0x40u

/* feature bits 32 (VERSION_1) and 33 (ACCESS_PLATFORM), in the high word */
#define F_HI_VERSION_1		(1u << 0)
#define F_HI_ACCESS_PLATFORM	(1u << 1)

#define QSIZE		8u
#define RX_QUEUE	0u	/* §5.3.2: port 0 receiveq, transmitq */
#define TX_QUEUE	1u
#define QUEUE_BYTES	0x3000ull	/* desc, avail, used: one page each */

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

static uint32_t rd(uint64_t off)
{
	return rd32(RIO_T_MMIO + off);
}

static void wr(uint64_t off, uint32_t v)
{
	wr32(RIO_T_MMIO + off, v);
}

static void wr64_pair(uint64_t lo, uint64_t v)
{
	wr(lo, (uint32_t)v);
	wr(lo + 4, (uint32_t)(v >> 32));
}

static uint64_t queue_base(unsigned int q)
{
	return RIO_T_WINDOW + q * QUEUE_BYTES;
}

static void setup_queue(unsigned int q)
{
	uint64_t base = queue_base(q);
	uint32_t max;

	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	max = rd(VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max < QSIZE)
		bm_printf("rio_hostile: queue %u max %u\n", q, max);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr64_pair(VIRTIO_MMIO_QUEUE_DESC_LOW, base);
	wr64_pair(VIRTIO_MMIO_QUEUE_AVAIL_LOW, base + 0x1000);
	wr64_pair(VIRTIO_MMIO_QUEUE_USED_LOW, base + 0x2000);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static int handshake(void)
{
	uint32_t hi, st;

	if (rd(VIRTIO_MMIO_MAGIC_VALUE) != RIO_T_MAGIC_VALUE)
		return -1;
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, S_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	hi = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	bm_printf("rio_hostile: device %u version %u features_hi 0x%x\n",
		  rd(VIRTIO_MMIO_DEVICE_ID), rd(VIRTIO_MMIO_VERSION), hi);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, hi & (F_HI_VERSION_1 | F_HI_ACCESS_PLATFORM));
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	wr(VIRTIO_MMIO_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	st = rd(VIRTIO_MMIO_STATUS);
	if (!(st & S_FEATURES_OK))
		return -2;
	setup_queue(RX_QUEUE);
	setup_queue(TX_QUEUE);
	wr(VIRTIO_MMIO_STATUS, st | S_DRIVER_OK);
	bm_printf("rio_hostile: driver ok\n");
	return 0;
}

/* A TX descriptor into our own RAM, and an avail index 1000 ahead. */
static void misbehave(void)
{
	uint64_t base = queue_base(TX_QUEUE);
	volatile struct vring_desc *desc = (volatile struct vring_desc *)(uintptr_t)base;
	volatile uint16_t *avail = (volatile uint16_t *)(uintptr_t)(base + 0x1000);

	desc[0].addr = BM_LINK_IPA;	/* outside the window */
	desc[0].len = 0x1000;
	desc[0].flags = 0;
	desc[0].next = 0;
	avail[2] = 0;			/* ring[0] = descriptor 0 */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	avail[1] = 1000;		/* idx: far more than QSIZE */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, TX_QUEUE);
}

int main(uint64_t arg)
{
	uint32_t st;
	int ret;

	(void)arg;
	bm_printf("rio_hostile: start\n");
	ret = handshake();
	if (ret) {
		bm_printf("rio_hostile: FAIL handshake %d\n", ret);
		return 1;
	}
	misbehave();
	st = rd(VIRTIO_MMIO_STATUS);	/* ordered after the notify */
	bm_printf("rio_hostile: status 0x%x needs_reset=%u\n", st,
		  (st & S_NEEDS_RESET) ? 1u : 0u);
	bm_printf("rio_hostile: done\n");
	/*
	 * Stay (asleep): powering off would put a hypervisor line on UART0
	 * in the middle of the backend's boot messages.
	 */
	for (;;)
		__asm__ volatile("wfi" : : : "memory");
}
