// SPDX-License-Identifier: MIT
/*
 * rio_hostile: a bare-metal frontend that sets up its virtio-mmio console
 * like a real driver (virtio v1.2 §3.1.1, §4.2.3) and then attacks the
 * device model that also serves the other frontend:
 *
 * 1. It lies: a transmit descriptor pointing outside its shared window
 *    (into its own RAM) and an avail index far beyond the queue size.  The
 *    device model must mark the device DEVICE_NEEDS_RESET (§2.1.2) and never
 *    touch anything outside the window; the hypervisor must keep serving.
 * 2. It resets the device and floods it with legal work for ever: the
 *    transmit ring kept full of chains (refilled as fast as the model uses
 *    them), in turn zero-length chains, one descriptor offered over and
 *    over, maximal indirect chains, and bursts of QueueNotify writes that
 *    keep its request ring full.  None of it is an error, so the model must
 *    bound the work it does for this device per turn of its event loop and
 *    keep serving the other frontend (docs/device-model.md, fairness).
 *    After each round of those, for FLIP_SECONDS, its transmit ring empty,
 *    it flips its receive avail->idx back and forth without pause: legal
 *    values, no chain for the model to take, so a polling model must not
 *    count it as work (docs/device-model.md "Polling") and must not spend
 *    the backend's CPU on it.
 *
 * 3. Between two flood rounds it reads its UART: a 'p' from the test
 *    pauses the attack (it sleeps in WFI, woken every PAUSE_TICK_US by its
 *    timer to look for an 'r'), so that the test can measure what the other
 *    frontend gets alone and attacked in the same run.
 *
 * Output (tests/system/test_rio_hostile.py):
 *   rio_hostile: device 3 version 2 features_hi 0x...
 *   rio_hostile: driver ok
 *   rio_hostile: status 0x<s> needs_reset=<0|1>
 *   rio_hostile: done
 *   rio_hostile: flood <variant> used <n>   (after each variant's quota of chains)
 *   rio_hostile: rx-flip start / rio_hostile: rx-flip end flips <n>
 *   rio_hostile: paused / rio_hostile: resumed
 */
#include "bm.h"
#include "bm_gic.h"
#include "rio_test.h"
#include "timer.h"

/* virtio v1.2 §4.2.2 MMIO device register layout */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
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
#define S_ACKNOWLEDGE 1u
#define S_DRIVER      2u
#define S_DRIVER_OK   4u
#define S_FEATURES_OK 8u
#define S_NEEDS_RESET 0x40u

/* feature bits 32 (VERSION_1) and 33 (ACCESS_PLATFORM), in the high word */
#define F_HI_VERSION_1	     (1u << 0)
#define F_HI_ACCESS_PLATFORM (1u << 1)
/* feature bit 28 (VIRTIO_RING_F_INDIRECT_DESC), low word */
#define F_LO_INDIRECT_DESC (1u << 28)

/* §2.7.5 descriptor flags */
#define DESC_F_NEXT	1u
#define DESC_F_WRITE	2u
#define DESC_F_INDIRECT 4u

#define QSIZE		   8u
#define FLOOD_QSIZE	   256u	 /* the console's QueueNumMax */
#define FLOOD_BURST	   64u	 /* QueueNotify writes per burst */
#define FLOOD_STATUS_EVERY 1024u /* rounds between two Status reads */
#define RX_QUEUE	   0u	 /* §5.3.2: port 0 receiveq, transmitq */
#define TX_QUEUE	   1u
#define QUEUE_BYTES	   0x3000ull /* desc, avail, used: one page each */
#define FLIP_SECONDS	   10u
#define FLIP_BUFS	   16u /* receive buffers posted before flipping */

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

static void setup_queue(unsigned int q, uint32_t size)
{
	uint64_t base = queue_base(q);
	volatile uint64_t *ring = (volatile uint64_t *)(uintptr_t)base;
	unsigned int i;
	uint32_t max;

	/* a driver starts from zeroed rings (§2.7: indices begin at 0) */
	for (i = 0; i < QUEUE_BYTES / sizeof(*ring); i++)
		ring[i] = 0;
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	max = rd(VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max < size)
		bm_printf("rio_hostile: queue %u max %u\n", q, max);
	wr(VIRTIO_MMIO_QUEUE_NUM, size);
	wr64_pair(VIRTIO_MMIO_QUEUE_DESC_LOW, base);
	wr64_pair(VIRTIO_MMIO_QUEUE_AVAIL_LOW, base + 0x1000);
	wr64_pair(VIRTIO_MMIO_QUEUE_USED_LOW, base + 0x2000);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static int handshake(uint32_t qsize, uint32_t lo_features)
{
	uint32_t hi, lo, st;

	if (rd(VIRTIO_MMIO_MAGIC_VALUE) != RIO_T_MAGIC_VALUE)
		return -1;
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, S_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	hi = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	bm_printf("rio_hostile: device %u version %u features_hi 0x%x\n", rd(VIRTIO_MMIO_DEVICE_ID),
		  rd(VIRTIO_MMIO_VERSION), hi);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, hi & (F_HI_VERSION_1 | F_HI_ACCESS_PLATFORM));
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	lo = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, lo & lo_features);
	wr(VIRTIO_MMIO_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	st = rd(VIRTIO_MMIO_STATUS);
	if (!(st & S_FEATURES_OK))
		return -2;
	setup_queue(RX_QUEUE, qsize);
	setup_queue(TX_QUEUE, qsize);
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

	desc[0].addr = BM_LINK_IPA; /* outside the window */
	desc[0].len = 0x1000;
	desc[0].flags = 0;
	desc[0].next = 0;
	avail[2] = 0; /* ring[0] = descriptor 0 */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	avail[1] = 1000; /* idx: far more than QSIZE */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, TX_QUEUE);
}

/* ---- 2: legal work without end ------------------------------------------ */

enum flood_variant { ZERO_LEN, SAME_DESC, MAX_INDIRECT, NOTIFY_BURST, VARIANTS };

static const char *const variant_name[VARIANTS] = {
	[ZERO_LEN] = "zero-length",
	[SAME_DESC] = "same-descriptor",
	[MAX_INDIRECT] = "max-indirect",
	[NOTIFY_BURST] = "notify-burst",
};

/*
 * Where the chains point: after the three queue pages of both queues, an
 * indirect table of FLOOD_QSIZE entries (§2.7.5.3.1: no longer than the
 * queue) and a data area they all name.
 */
#define FLOOD_TABLE    (RIO_T_WINDOW + 2 * QUEUE_BYTES)
#define FLOOD_DATA     (FLOOD_TABLE + 16ull * FLOOD_QSIZE)
#define FLOOD_DATA_LEN 0x100u

/* chains of each variant before the next (a line each) */
static const uint32_t variant_quota[VARIANTS] = {
	[ZERO_LEN] = 20000,
	[SAME_DESC] = 20000,
	[MAX_INDIRECT] = 512, /* 64 KiB in 256 buffers each */
	[NOTIFY_BURST] = 20000,
};

static void flood_descs(enum flood_variant v)
{
	volatile struct vring_desc *desc =
		(volatile struct vring_desc *)(uintptr_t)queue_base(TX_QUEUE);
	volatile struct vring_desc *tab = (volatile struct vring_desc *)(uintptr_t)FLOOD_TABLE;
	unsigned int i;

	for (i = 0; i < FLOOD_QSIZE; i++) {
		desc[i].addr = FLOOD_DATA;
		desc[i].len = 0;
		desc[i].flags = 0;
		desc[i].next = 0;
		tab[i].addr = FLOOD_DATA;
		tab[i].len = FLOOD_DATA_LEN;
		tab[i].flags = i + 1 < FLOOD_QSIZE ? DESC_F_NEXT : 0;
		tab[i].next = (uint16_t)(i + 1);
	}
	if (v == SAME_DESC)
		desc[0].len = 1;
	if (v == MAX_INDIRECT) {
		desc[0].addr = FLOOD_TABLE;
		desc[0].len = 16u * FLOOD_QSIZE;
		desc[0].flags = DESC_F_INDIRECT;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/*
 * Keep the avail ring full: every entry names descriptor 0 (for ZERO_LEN
 * each its own zero-length descriptor), avail->idx = used->idx + size.
 */
static uint16_t flood_refill(enum flood_variant v, uint16_t avail_idx)
{
	uint64_t base = queue_base(TX_QUEUE);
	volatile uint16_t *avail = (volatile uint16_t *)(uintptr_t)(base + 0x1000);
	const volatile uint16_t *used_idx =
		(const volatile uint16_t *)(uintptr_t)(base + 0x2000 + 2);
	uint16_t target = (uint16_t)(*used_idx + FLOOD_QSIZE);

	while (avail_idx != target) {
		avail[2 + avail_idx % FLOOD_QSIZE] =
			v == ZERO_LEN ? (uint16_t)(avail_idx % FLOOD_QSIZE) : 0;
		avail_idx++;
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	avail[1] = avail_idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return avail_idx;
}

/*
 * Receive buffers posted once (no data ever comes for them), then the
 * index flipped between its value and one below for FLIP_SECONDS: both
 * legal, as no buffer was taken.
 */
static void rx_flip(void)
{
	uint64_t base = queue_base(RX_QUEUE), end, flips = 0;
	volatile struct vring_desc *desc = (volatile struct vring_desc *)(uintptr_t)base;
	volatile uint16_t *avail = (volatile uint16_t *)(uintptr_t)(base + 0x1000);
	static uint16_t idx;

	if (!idx) {
		for (unsigned int i = 0; i < FLIP_BUFS; i++) {
			desc[i].addr = FLOOD_DATA;
			desc[i].len = FLOOD_DATA_LEN;
			desc[i].flags = DESC_F_WRITE;
			desc[i].next = 0;
			avail[2 + i] = (uint16_t)i;
		}
		__atomic_thread_fence(__ATOMIC_RELEASE);
		idx = FLIP_BUFS;
		avail[1] = idx;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, RX_QUEUE);
	}
	bm_printf("rio_hostile: rx-flip start\n");
	end = bm_counter() + FLIP_SECONDS * bm_counter_freq();
	while (bm_counter() < end) {
		avail[1] = (uint16_t)(idx - (flips & 1));
		flips++;
	}
	avail[1] = idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	bm_printf("rio_hostile: rx-flip end flips %u\n", (uint32_t)flips);
}

/* ---- 3: pause on the test's word ------------------------------------------ */

#define PAUSE_TICK_US	 10000
#define PAUSE_LOOK_EVERY 16u /* flood rounds between two looks at the UART */

static bool uart_got(char want)
{
	uint8_t c;

	while (bm_uart_rx(&c, 1))
		if (c == (uint8_t)want)
			return true;
	return false;
}

/* 'p' on our UART: sleep (WFI, the timer's tick) until an 'r'. */
static void pause_if_asked(void)
{
	if (!uart_got('p'))
		return;
	bm_printf("rio_hostile: paused\n");
	gic_enable_irq(BM_TIMER_VIRT_PPI);
	do {
		timer_arm_in(timer_freq() / (1000000 / PAUSE_TICK_US));
		gic_eoi(gic_wait());
		timer_stop();
	} while (!uart_got('r'));
	gic_disable_irq(BM_TIMER_VIRT_PPI);
	bm_printf("rio_hostile: resumed\n");
}

static void flood(void)
{
	const volatile uint16_t *used_idx =
		(const volatile uint16_t *)(uintptr_t)(queue_base(TX_QUEUE) + 0x2000 + 2);
	enum flood_variant v = ZERO_LEN;
	uint16_t avail_idx = 0, last_used = 0;
	uint32_t done = 0, next_report = variant_quota[ZERO_LEN], rounds = 0;

	flood_descs(v);
	for (;;) {
		unsigned int i, burst = v == NOTIFY_BURST ? FLOOD_BURST : 1;
		uint16_t u;

		if (!(rounds % PAUSE_LOOK_EVERY))
			pause_if_asked();
		avail_idx = flood_refill(v, avail_idx);
		for (i = 0; i < burst; i++)
			wr(VIRTIO_MMIO_QUEUE_NOTIFY, TX_QUEUE);
		u = *used_idx;
		done += (uint16_t)(u - last_used);
		last_used = u;
		/* legal work must never break the device: look now and then */
		if (!(++rounds % FLOOD_STATUS_EVERY) || done >= next_report) {
			if (rd(VIRTIO_MMIO_STATUS) & S_NEEDS_RESET) {
				bm_printf("rio_hostile: FAIL legal flood (%s) marked broken\n",
					  variant_name[v]);
				return;
			}
		}
		if (done < next_report)
			continue;
		bm_printf("rio_hostile: flood %s used %u\n", variant_name[v], done);
		/* the next variant, once the ring has drained */
		v = (enum flood_variant)((v + 1) % VARIANTS);
		while ((uint16_t)(avail_idx - *used_idx))
			wr(VIRTIO_MMIO_QUEUE_NOTIFY, TX_QUEUE);
		done += (uint16_t)(*used_idx - last_used);
		last_used = *used_idx;
		if (v == ZERO_LEN)
			rx_flip(); /* between two rounds of the variants */
		flood_descs(v);
		next_report = done + variant_quota[v];
	}
}

int main(uint64_t arg)
{
	uint32_t st;
	int ret;

	(void)arg;
	bm_printf("rio_hostile: start\n");
	if (gic_init_dist() || gic_init_cpu()) {
		bm_printf("rio_hostile: FAIL gic\n");
		return 1;
	}
	ret = handshake(QSIZE, 0);
	if (ret) {
		bm_printf("rio_hostile: FAIL handshake %d\n", ret);
		return 1;
	}
	misbehave();
	st = rd(VIRTIO_MMIO_STATUS); /* ordered after the notify */
	bm_printf("rio_hostile: status 0x%x needs_reset=%u\n", st, (st & S_NEEDS_RESET) ? 1u : 0u);
	bm_printf("rio_hostile: done\n");
	/* a reset (§4.2.3.1: Status = 0) is the way out of NEEDS_RESET */
	ret = handshake(FLOOD_QSIZE, F_LO_INDIRECT_DESC);
	if (ret) {
		bm_printf("rio_hostile: FAIL second handshake %d\n", ret);
		return 1;
	}
	/* never returns: powering off would end the attack */
	flood();
	return 0;
}
