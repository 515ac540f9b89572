/* SPDX-License-Identifier: MIT */
/*
 * The uio transport's side of the lost-wake-up handshake (docs/protocol.md
 * "Polling"): it loads bh_rio_ctrl.req_prod, stores bh_rio_ctrl.polling,
 * orders the two with a full barrier, and times its polling rounds with
 * uio_counter().  dm/transport/uio.c does each of these in one place only.
 *
 * Built with UIO_TEST_HOOKS (host tests only, never the device model), those
 * places call the functions below instead, which the test provides:
 * tests/unit/test_dm_uio_wakeup.c runs the real transport against a
 * hypervisor thread, stops the model before every step and lets the
 * hypervisor act there, holds the model's stores in a store buffer until
 * its barrier, and gives it a clock that moves only when it is read.
 */
#ifndef DM_UIO_HOOKS_H
#define DM_UIO_HOOKS_H

#include <stdint.h>

#ifdef UIO_TEST_HOOKS
/* an acquire load of *@p (req_prod) */
uint32_t uio_hook_load(const uint32_t *p);
/* a relaxed store of @v into *@p (polling) */
void uio_hook_store(uint32_t *p, uint32_t v);
/* the full barrier after the store (DSB SY on the backend) */
void uio_hook_barrier(void);
/* uio_counter() */
uint64_t uio_hook_counter(void);
#endif

#endif
