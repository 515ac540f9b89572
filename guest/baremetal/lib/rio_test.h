/* SPDX-License-Identifier: MIT */
/*
 * Layout shared by configs/test-rio*.c and the remote-I/O test guests
 * (guest/baremetal/rio_*): where the frontend's virtio-mmio window and the
 * backend's control region, doorbell and shared window are, and the fake
 * register file the bare-metal backend serves.  Plain #defines: included by
 * hosted and freestanding code alike.
 */
#ifndef BM_RIO_TEST_H
#define BM_RIO_TEST_H

#define RIO_T_MMIO	  0x0a003e00ull /* frontend IPA (docs/design.md §2.2) */
#define RIO_T_FE_INTID	  79
#define RIO_T_WINDOW	  0x20000000ull /* both sides' IPA of the window */
#define RIO_T_WINDOW_SIZE 0x00100000ull
#define RIO_T_CTRL	  0x0b000000ull /* backend IPAs */
#define RIO_T_DOORBELL	  0x0b008000ull
#define RIO_T_BE_INTID	  80

/* The fake register file (offsets in the 0x200-byte window). */
#define RIO_T_REG_MAGIC	  0x000 /* reads "virt" */
#define RIO_T_MAGIC_VALUE 0x74726976u
#define RIO_T_REG_NOTIFY                                                   \
	0x050			/* a write of bits B raises the frontend's \
				   SPI with InterruptStatus bits B */
#define RIO_T_REG_ISR	  0x060 /* virtio-mmio InterruptStatus: answered */
#define RIO_T_REG_ISR_ACK 0x064 /* and acknowledged by the hypervisor */
#define RIO_T_REG_STATUS  0x070 /* virtio-mmio Status: 0 clears the ISR */
#define RIO_T_ISR_VRING	  0x1u	/* virtio v1.2 §4.2.2 InterruptStatus bits */
#define RIO_T_ISR_CONFIG  0x2u
#define RIO_T_REG_SCRATCH 0x100 /* 0x100..0x1ef: plain storage */
#define RIO_T_REG_STORM                                                                       \
	0x1f8		      /* a write of N: N NOTIFY doorbells back to back (ISR bit       \
				 VRING), then a last one (ISR bit CONFIG): an interrupt storm \
				 (docs/protocol.md "Interrupt budget") */
#define RIO_T_REG_PAUSE 0x1f4 /* RIO_T_BE_STALL: a read of it holding N: serve nothing for N ms */
#define RIO_T_REG_DONE	0x1fc /* the frontend has finished */

/* Backend modes (BM_ARG parameter bits) */
#define RIO_T_BE_LATE  0x1 /* serve only after a delay: backlog */
#define RIO_T_BE_ROGUE 0x2 /* at the end, read past its window */
#define RIO_T_BE_POLL  0x4 /* alternate polling and sleeping (bh_rio_ctrl.polling) */
#define RIO_T_BE_STALL 0x8 /* start after RIO_T_ABSENT_MS; obey RIO_T_REG_PAUSE */

/* Frontend modes */
#define RIO_T_FE_ABANDON 0x1 /* first life: reset with a read waiting */
#define RIO_T_FE_RACE	 0x2 /* requests at random moments, for RIO_T_BE_POLL */
#define RIO_T_FE_STORM	 0x4 /* work alone, then under RIO_T_REG_STORM */
#define RIO_T_FE_STALL	 0x8 /* a model that does not answer, for RIO_T_BE_STALL */

/*
 * configs/test-rio-deadline.c: the device's timeout (bh_virtio.timeout_ms),
 * and how long its RIO_T_BE_STALL backend serves nothing after it starts
 * (a model that is not started yet): well past the timeout.
 */
#define RIO_T_TIMEOUT_MS 1000u
#define RIO_T_ABSENT_MS	 3000u

/*
 * RIO_T_BE_POLL / RIO_T_FE_RACE hand-off through the shared window: the
 * backend stores RIO_T_SYNC_ARMED once its polling word holds the hostile
 * RIO_T_HOSTILE_POLLING, the frontend then makes one read, and waits for
 * RIO_T_SYNC_GO before the race.  In the race it stores each operation's
 * number in RIO_T_WIN_ANNOUNCE just before the operation.
 */
#define RIO_T_WIN_SYNC	   0x8 /* offset in the window (0 is the frontend's) */
#define RIO_T_WIN_ANNOUNCE 0xc /* the frontend's next operation, stored before it */
/*
 * RIO_T_REG_STORM: the backend stores RIO_T_STORM_RUNG here once its last
 * doorbell has trapped, so the frontend's wait for the last event runs from
 * then, whatever the ringing took on this host.
 */
#define RIO_T_WIN_STORM	      0x10
#define RIO_T_STORM_RUNG      0x52554e47u
#define RIO_T_SYNC_ARMED      0x41524d44u
#define RIO_T_SYNC_GO	      0x474f2121u
#define RIO_T_HOSTILE_POLLING 0xdeadbeefu /* not BH_RIO_POLLING: "not polling" */

/* Both sides' pseudo-random numbers: an LCG (Numerical Recipes' constants). */
#define RIO_T_LCG(x) ((uint32_t)(x)*1664525u + 1013904223u)

#endif /* BM_RIO_TEST_H */
