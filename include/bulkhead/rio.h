/* SPDX-License-Identifier: MIT */
/*
 * Bulkhead remote I/O: the ABI between the hypervisor and a device model in a
 * backend VM.  docs/protocol.md explains it with sequence diagrams.
 *
 * For every virtio device in bh_config.virtio[] the backend VM sees one
 * `generic-uio` node (driven by stock uio_pdrv_genirq) with three maps:
 *
 *   map 0  control region, BH_RIO_CTRL_SIZE bytes of hypervisor memory mapped
 *          read/write: struct bh_rio_ctrl (request ring, responses, counters)
 *          and, in its second page, the device model's own state area
 *   map 1  doorbell page, BH_RIO_DOORBELL_SIZE bytes, not mapped in stage 2:
 *          a write traps and the hypervisor acts on it
 *   map 2  the frontend's shared window (its restricted DMA pool)
 *
 * and one interrupt, "requests pending".  Nothing here is kernel code: the
 * device model mmaps /dev/uioN and re-arms the interrupt by writing 1 to it.
 *
 * Every value the device model writes (resp_prod, resp[], doorbell values)
 * is read once by the hypervisor and validated before use.
 *
 * This header is shared by freestanding and hosted code: <stdint.h> only.
 */
#ifndef BULKHEAD_RIO_H
#define BULKHEAD_RIO_H

#include <stddef.h>
#include <stdint.h>

#define BH_RIO_MAGIC	     0x4f495242u /* "BRIO" little-endian */
#define BH_RIO_VERSION	     2u
#define BH_RIO_RING_SIZE     64u /* power of two */
#define BH_RIO_CTRL_SIZE     0x2000u
#define BH_RIO_STATE_OFFSET  0x1000u /* device model state area in map 0 */
#define BH_RIO_STATE_SIZE    0x1000u
#define BH_RIO_DOORBELL_SIZE 0x1000u
#define BH_RIO_MMIO_SIZE     0x200u /* a virtio-mmio register window (virtio v1.2 §4.2.2) */
/*
 * Fields written by different agents (hypervisor, device model) never share
 * a cache line of this size: the largest data cache line of the Armv8-A
 * cores this runs on (CTR_EL0.DminLine = 4, 16 words), so that neither
 * side's write-back can overwrite the other's data on real hardware.
 */
#define BH_RIO_CACHE_LINE 64u

/* uio map indices, in the order of the backend node's `reg` */
enum bh_rio_map {
	BH_RIO_MAP_CTRL = 0,
	BH_RIO_MAP_DOORBELL = 1,
	BH_RIO_MAP_WINDOW = 2,
};

enum bh_rio_dir {
	BH_RIO_READ = 0,
	BH_RIO_WRITE = 1,
};

/*
 * @vcpu of a request the hypervisor queued itself: the Status = 0 write that
 * resets a device when its frontend VM resets (docs/protocol.md, "A frontend
 * that resets").
 */
#define BH_RIO_VCPU_HYP 0xffffu

/**
 * struct bh_rio_req - one trapped frontend access (written by the hypervisor)
 * @offset: from the base of the virtio-mmio window, < BH_RIO_MMIO_SIZE
 * @value:  the data of a write (zero-extended); 0 for a read
 * @seq:    free-running request number; slot = seq % BH_RIO_RING_SIZE
 * @dir:    enum bh_rio_dir
 * @size:   access size in bytes: 1, 2, 4 or 8
 * @vcpu:   frontend vCPU that made the access (for logs), or BH_RIO_VCPU_HYP
 * @t_trap: the counter when the frontend's access trapped (CNTPCT at EL2;
 *          every VM reads the same value as CNTVCT, CNTVOFF_EL2 = 0), for
 *          the latency breakdown (struct bh_rio_lat)
 */
struct bh_rio_req {
	uint64_t offset;
	uint64_t value;
	uint32_t seq;
	uint8_t dir;
	uint8_t size;
	uint16_t vcpu;
	uint64_t t_trap;
};

_Static_assert(sizeof(struct bh_rio_req) == 32, "bh_rio_req is 32 bytes");
_Static_assert(offsetof(struct bh_rio_req, t_trap) == 24, "t_trap at 24");

/**
 * struct bh_rio_counters - per-device counters kept by the hypervisor
 *
 * The hypervisor owns the real values and mirrors them here after each change;
 * it never reads them back.
 */
struct bh_rio_counters {
	uint64_t traps;		  /* frontend accesses to the window */
	uint64_t posted_writes;	  /* writes queued, vCPU resumed at once */
	uint64_t reads;		  /* reads that blocked their vCPU until answered */
	uint64_t backend_irqs;	  /* "requests pending" injections into the backend */
	uint64_t doorbells;	  /* doorbell traps from the backend */
	uint64_t completions;	  /* requests retired */
	uint64_t frontend_irqs;	  /* frontend interrupts raised by the device model */
	uint64_t rejected;	  /* hostile or malformed backend writes refused */
	uint64_t ring_full_waits; /* frontend accesses that waited for ring space */
	uint64_t isr_local;	  /* InterruptStatus/ACK answered by the hypervisor */
	uint64_t polled;	  /* requests a polling device model took: no interrupt */
	uint64_t resets;	  /* device resets queued for a frontend that reset */
	uint64_t irqs_coalesced;  /* frontend interrupts over budget, merged into a later one */
	uint64_t timeouts; /* accesses no model answered in time: done as for a dead device */
	uint64_t dropped;  /* of those, writes the model will never see */
	uint64_t reserved[1];
};

_Static_assert(sizeof(struct bh_rio_counters) == 128, "counters are 128 bytes");

/*
 * Latency breakdown: log2 histograms of counter intervals in microseconds.
 * Bucket 0 counts intervals below 2 us, bucket k (1..14) [2^k, 2^(k+1)) us,
 * bucket 15 everything from 32768 us on.
 */
#define BH_RIO_LAT_BUCKETS 16u

struct bh_rio_hist {
	uint64_t bucket[BH_RIO_LAT_BUCKETS];
};

/**
 * struct bh_rio_lat - where a request's time goes, by whom it is measured
 * @read_total:  hypervisor: an access the vCPU waits for (a read, a
 *               QueueNotify), trap to the vCPU's resume (what the frontend
 *               feels)
 * @read_resume: hypervisor: the same, the doorbell that answered it to the
 *               vCPU's resume (the wake-up of a sleeping pCPU)
 * @pickup:      device model: trap to the model taking the request from the
 *               ring (backend interrupt, uio wake-up, earlier requests)
 * @service:     device model: taking it to answering it (the device's work,
 *               a QueueNotify's TX to the chardev included)
 *
 * The first two live in the control region (hypervisor lines), the other
 * two in the device model's state page (struct uio_state_hdr); `bulkhead-dm
 * --latency` prints all four.
 */
struct bh_rio_lat_hyp {
	struct bh_rio_hist read_total;
	struct bh_rio_hist read_resume;
	uint64_t freq; /* CNTFRQ: counter ticks per second */
	uint64_t reserved[7];
};

_Static_assert(sizeof(struct bh_rio_lat_hyp) == 320, "bh_rio_lat_hyp is whole lines");

/* The bucket of an interval of @ticks at @freq ticks per second. */
static inline unsigned int bh_rio_lat_bucket(uint64_t ticks, uint64_t freq)
{
	uint64_t per_us = freq / 1000000u, us;
	unsigned int b = 0;

	us = ticks / (per_us ? per_us : 1);
	while (us >= 2 && b < BH_RIO_LAT_BUCKETS - 1) {
		us >>= 1;
		b++;
	}
	return b;
}

/*
 * bh_rio_ctrl.polling: the device model is watching req_prod, so the
 * hypervisor publishes new requests without the backend interrupt.  The
 * lost wake-up is closed by the same order on both sides (a Dekker pair,
 * docs/protocol.md "Polling"): the hypervisor stores req_prod, barrier,
 * then loads polling; the model stores polling = 0, barrier, then loads
 * req_prod once more.  Any other value than BH_RIO_POLLING means "not
 * polling": a hostile or torn value costs an interrupt, never a request.
 */
#define BH_RIO_POLLING 1u

/* bh_rio_ctrl.state */
#define BH_RIO_STATE_OK	    0u
#define BH_RIO_STATE_BROKEN 1u /* the hypervisor stopped serving this device */

/**
 * struct bh_rio_ctrl - map 0, page 0
 * @magic, @version:  BH_RIO_MAGIC, BH_RIO_VERSION
 * @device_id:        virtio device ID the device model must provide
 * @ring_size:        BH_RIO_RING_SIZE
 * @shm_guest_base:   the frontend's address of the shared window: ring and
 *                    buffer addresses the frontend writes are in this space
 * @shm_size:         bytes of the shared window (map 2)
 * @req_prod:         requests published so far (hypervisor)
 * @req_done:         requests retired so far (hypervisor); a device model that
 *                    (re)attaches starts at max(req_done, resp_prod) when valid
 * @state:            BH_RIO_STATE_*
 * @resp_prod:        requests answered so far, strictly in order (device model)
 * @polling:          BH_RIO_POLLING while the device model polls (device model)
 * @counters:         see struct bh_rio_counters
 * @req:              the request ring
 * @resp:             read results, by slot (device model)
 *
 * Each cache line (BH_RIO_CACHE_LINE) has one writer: 0x00 identity and
 * 0x20 indices (hypervisor), 0x40 resp_prod (device model), 0x80 counters
 * and the request ring (hypervisor), the responses (device model), the
 * latency histograms (hypervisor).
 */
struct bh_rio_ctrl {
	uint32_t magic;
	uint32_t version;
	uint32_t device_id;
	uint32_t ring_size;
	uint64_t shm_guest_base;
	uint64_t shm_size;
	/* hypervisor-written */
	uint32_t req_prod;
	uint32_t req_done;
	uint32_t state;
	uint32_t reserved0[5];
	/* device-model-written: a cache line of its own */
	uint32_t resp_prod;
	uint32_t polling;
	uint32_t reserved1[14];
	/* hypervisor-written */
	struct bh_rio_counters counters;
	struct bh_rio_req req[BH_RIO_RING_SIZE];
	/* device-model-written */
	uint64_t resp[BH_RIO_RING_SIZE];
	/* hypervisor-written */
	struct bh_rio_lat_hyp lat;
};

#define BH_RIO_LINE_OF(field) (offsetof(struct bh_rio_ctrl, field) / BH_RIO_CACHE_LINE)

_Static_assert(offsetof(struct bh_rio_ctrl, req_prod) == 0x20, "req_prod at 0x20");
_Static_assert(offsetof(struct bh_rio_ctrl, resp_prod) == 0x40, "resp_prod at 0x40");
_Static_assert(offsetof(struct bh_rio_ctrl, polling) == 0x44, "polling at 0x44");
_Static_assert(offsetof(struct bh_rio_ctrl, counters) == 0x80, "counters at 0x80");
_Static_assert(offsetof(struct bh_rio_ctrl, req) == 0x100, "ring at 0x100");
_Static_assert(offsetof(struct bh_rio_ctrl, resp) == 0x900, "responses at 0x900");
_Static_assert(offsetof(struct bh_rio_ctrl, lat) == 0xb00, "latency histograms at 0xb00");
_Static_assert(sizeof(struct bh_rio_ctrl) <= BH_RIO_STATE_OFFSET, "ctrl fits page 0");
/* one writer per cache line */
_Static_assert(BH_RIO_LINE_OF(resp_prod) != BH_RIO_LINE_OF(req_prod) &&
		       BH_RIO_LINE_OF(resp_prod) != BH_RIO_LINE_OF(state) &&
		       BH_RIO_LINE_OF(resp_prod) != BH_RIO_LINE_OF(counters) &&
		       BH_RIO_LINE_OF(resp_prod) != BH_RIO_LINE_OF(reserved0[4]),
	       "resp_prod shares no cache line with hypervisor-written fields");
_Static_assert(BH_RIO_LINE_OF(polling) == BH_RIO_LINE_OF(resp_prod),
	       "polling lies in the device model's line");
_Static_assert(offsetof(struct bh_rio_ctrl, resp) % BH_RIO_CACHE_LINE == 0 &&
		       sizeof(((struct bh_rio_ctrl *)0)->req) % BH_RIO_CACHE_LINE == 0,
	       "the responses start on a cache line after the request ring");
_Static_assert(BH_RIO_STATE_OFFSET % BH_RIO_CACHE_LINE == 0,
	       "the device model's state page shares no line with page 0");

/*
 * Doorbell page (map 1): 32-bit writes only; anything else is rejected.
 *
 * The frontend's InterruptStatus register is the hypervisor's, not the
 * device model's: the device model ORs bits into it with the doorbell that
 * raises the interrupt (BH_RIO_KICK_ISR(bits), bits of virtio v1.2 §4.2.2
 * InterruptStatus: VIRTIO_MMIO_INT_VRING, VIRTIO_MMIO_INT_CONFIG), and the
 * hypervisor answers the driver's InterruptStatus reads and absorbs its
 * InterruptACK writes itself; a Status write of 0 (reset) clears it.  So
 * the driver's interrupt handler costs no backend round trip.
 */
#define BH_RIO_DB_KICK	      0x00u
#define BH_RIO_KICK_COMPLETE  (1u << 0) /* retire requests up to resp_prod */
#define BH_RIO_KICK_NOTIFY    (1u << 1) /* raise the frontend's interrupt */
#define BH_RIO_KICK_ISR_SHIFT 2u
#define BH_RIO_KICK_ISR_MASK  (3u << BH_RIO_KICK_ISR_SHIFT)
#define BH_RIO_KICK_ISR(bits) (((uint32_t)(bits) << BH_RIO_KICK_ISR_SHIFT) & BH_RIO_KICK_ISR_MASK)
#define BH_RIO_KICK_VALID     (BH_RIO_KICK_COMPLETE | BH_RIO_KICK_NOTIFY | BH_RIO_KICK_ISR_MASK)

#endif /* BULKHEAD_RIO_H */
