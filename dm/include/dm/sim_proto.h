/* SPDX-License-Identifier: MIT */
/*
 * Wire format of the sim transport: fixed-size messages on a SOCK_SEQPACKET
 * unix socket between a test frontend and the device model.  It mirrors the
 * hypervisor's remote I/O requests: writes are posted (no answer), reads are
 * answered in order, interrupts are sent as they are raised.
 *
 *  frontend -> model  SIM_MSG_ATTACH  slot, addr = guest base, len = size,
 *                                     memfd of guest memory in SCM_RIGHTS,
 *                                     >= len bytes, sealed F_SEAL_SHRINK
 *                     SIM_MSG_READ    slot, offset, size
 *                     SIM_MSG_WRITE   slot, offset, size, value
 *  model -> frontend  SIM_MSG_REPLY   slot, offset, size, value
 *                     SIM_MSG_IRQ     slot, value = InterruptStatus
 */
#ifndef DM_SIM_PROTO_H
#define DM_SIM_PROTO_H

#include <stdint.h>
#include <stddef.h>

enum sim_msg_type {
	SIM_MSG_ATTACH = 1,
	SIM_MSG_READ = 2,
	SIM_MSG_WRITE = 3,
	SIM_MSG_REPLY = 4,
	SIM_MSG_IRQ = 5,
};

struct sim_msg {
	uint32_t type;
	uint32_t slot;
	uint32_t offset;
	uint32_t size;
	uint64_t value;
	uint64_t addr;
	uint64_t len;
};

_Static_assert(sizeof(struct sim_msg) == 40, "sim wire format");
_Static_assert(offsetof(struct sim_msg, value) == 16, "sim wire format");

#endif
