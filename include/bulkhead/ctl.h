/* SPDX-License-Identifier: MIT */
/*
 * Bulkhead VM management: the ABI between the hypervisor and bulkhead-ctl
 * (guest/tools/bulkhead-ctl.c) in a VM the configuration lets manage others
 * (struct bh_vm_ctl; docs/hypervisor.md "Managing VMs", docs/config.md).
 *
 * A VM with .ctl.ipa set sees one 4 KiB page there, never mapped in its
 * stage 2: every access traps and the hypervisor answers it from its own
 * state.  The guest reaches it with no kernel code of ours: its device tree
 * has a "generic-uio" node named BH_CTL_UIO_NAME (stock uio_pdrv_genirq, no
 * interrupt), whose one map user space mmaps from /dev/uioN.
 *
 *   0x000  header (struct bh_ctl_regs): who the caller is, what it may
 *          manage, the command register and the result of its last command
 *   0x100  one struct bh_ctl_vm per VM of the configuration, by index
 *
 * Accesses: aligned 32-bit reads anywhere, aligned 64-bit reads of the
 * 64-bit fields, one 32-bit write: @cmd.  Anything else is rejected: a read
 * returns 0, a write is ignored, @errors counts it and the hypervisor logs
 * it (rate-limited).  Every value written is validated before use.
 *
 * A command is one write of BH_CTL_CMD(op, vm, tag) to @cmd; the hypervisor
 * checks it at once and latches BH_CTL_RESULT(tag, errno) in @result.  The
 * tag is the caller's: two processes of one VM that race see whose result
 * it is.  Restart and start are then carried out on the target's own
 * CPU; @state shows BH_CTL_STATE_RESTARTING until its vCPU 0 runs again.
 *
 * This header is shared by freestanding and hosted code: <stdint.h> only.
 */
#ifndef BULKHEAD_CTL_H
#define BULKHEAD_CTL_H

#include <stddef.h>
#include <stdint.h>

#define BH_CTL_MAGIC	0x54434842u /* "BHCT" little-endian */
#define BH_CTL_VERSION	1u
#define BH_CTL_SIZE	0x1000u
#define BH_CTL_UIO_NAME "bulkhead-ctl"
#define BH_CTL_MAX_VMS	15u /* struct bh_ctl_vm slots in the page */
#define BH_CTL_NAME_MAX 32u /* bytes of a name, NUL included */
#define BH_CTL_WHY_MAX	64u /* bytes of a fault reason, NUL included */

/* struct bh_ctl_vm.state */
enum bh_ctl_state {
	BH_CTL_STATE_NONE = 0,	 /* no VM in this slot */
	BH_CTL_STATE_HIDDEN,	 /* a VM, but the caller may see only its name */
	BH_CTL_STATE_RUNNING,	 /* running */
	BH_CTL_STATE_RESTARTING, /* being reset (by itself, its policy or a manager) */
	BH_CTL_STATE_OFF,	 /* PSCI SYSTEM_OFF */
	BH_CTL_STATE_STOPPED,	 /* stopped after a fault or by a manager */
	BH_CTL_STATE_BROKEN,	 /* could not be set up at boot */
};

/* The operation of a command (BH_CTL_CMD). */
enum bh_ctl_op {
	BH_CTL_OP_RESTART = 1, /* a running VM resets, a stopped one starts afresh */
	BH_CTL_OP_STOP = 2,    /* a running VM stops (as after a fault) */
	BH_CTL_OP_START = 3,   /* a stopped or powered-off VM starts afresh */
};

/*
 * @cmd: bits 7:0 the op, 15:8 the target's VM index, 31:16 the caller's tag.
 * @result: bits 31:16 the tag of the command it answers, 15:0 its errno
 * (0: accepted; else a positive Linux errno: EINVAL a malformed command,
 * ENOENT no such VM, EPERM not the caller's to manage, EBUSY a reset in
 * progress, EALREADY nothing to do, ENODEV a VM broken at boot).
 */
#define BH_CTL_CMD(op, vm, tag) ((uint32_t)(op) | (uint32_t)(vm) << 8 | (uint32_t)(tag) << 16)
#define BH_CTL_CMD_OP(v)	((v)&0xffu)
#define BH_CTL_CMD_VM(v)	((v) >> 8 & 0xffu)
#define BH_CTL_CMD_TAG(v)	((v) >> 16 & 0xffffu)
#define BH_CTL_RESULT(tag, err) ((uint32_t)(tag) << 16 | ((uint32_t)(err)&0xffffu))
#define BH_CTL_RESULT_TAG(v)	((v) >> 16 & 0xffffu)
#define BH_CTL_RESULT_ERR(v)	((v)&0xffffu)
#define BH_CTL_RESULT_NONE	0u /* no command yet */

/* struct bh_ctl_vm.flags */
#define BH_CTL_VM_SELF	  (1u << 0) /* the caller itself */
#define BH_CTL_VM_MANAGED (1u << 1) /* the caller may manage it */

/**
 * struct bh_ctl_vm - one VM as the hypervisor sees it (read-only)
 * @state:      enum bh_ctl_state
 * @nr_cpus:    its vCPUs
 * @cpus:       the physical CPUs they are pinned to (bit n: CPU n)
 * @uptime_ms:  since its current life began (0 unless running)
 * @resets:     resets since boot: its own PSCI SYSTEM_RESET, its policy's
 *              and a manager's restarts and starts
 * @faults:     faults since boot (each one its policy acted on, watchdog
 *              expiries included)
 * @flags:      BH_CTL_VM_*
 * @name:       NUL-terminated
 * @last_fault: NUL-terminated reason of the last fault, "" if none
 *
 * A VM the caller may not see (BH_CTL_STATE_HIDDEN) shows only @state,
 * @flags and @name; the rest reads as zero.
 */
struct bh_ctl_vm {
	uint32_t state;
	uint32_t nr_cpus;
	uint64_t cpus;
	uint64_t uptime_ms;
	uint32_t resets;
	uint32_t faults;
	uint32_t flags;
	uint32_t reserved0[7];
	char name[BH_CTL_NAME_MAX];
	char last_fault[BH_CTL_WHY_MAX];
	uint8_t reserved1[0x60];
};

/**
 * struct bh_ctl_header - the first 0x100 bytes of the management page
 * @magic:   BH_CTL_MAGIC
 * @version: BH_CTL_VERSION
 * @self:    the caller's VM index
 * @nr_vms:  VMs in the configuration (slots of bh_ctl_regs.vm in use)
 * @manages: bit n set: the caller may manage VM n
 * @errors:  accesses of the caller the page rejected since boot
 * @cmd:     write-only: a command (BH_CTL_CMD); reads as 0
 * @result:  the result of the caller's last command (BH_CTL_RESULT)
 */
struct bh_ctl_header {
	uint32_t magic;
	uint32_t version;
	uint32_t self;
	uint32_t nr_vms;
	uint32_t manages;
	uint32_t errors;
	uint32_t cmd;
	uint32_t result;
	uint8_t reserved[0xe0];
};

/**
 * struct bh_ctl_regs - the management page
 * @hdr: who is asking, the command and its result
 * @vm:  one slot per VM, by VM index
 */
struct bh_ctl_regs {
	struct bh_ctl_header hdr;
	struct bh_ctl_vm vm[BH_CTL_MAX_VMS];
};

#define BH_CTL_HEADER_SIZE 0x100u
#define BH_CTL_VM_SIZE	   0x100u

_Static_assert(offsetof(struct bh_ctl_header, magic) == 0x00, "bh_ctl_header layout");
_Static_assert(offsetof(struct bh_ctl_header, self) == 0x08, "bh_ctl_header layout");
_Static_assert(offsetof(struct bh_ctl_header, manages) == 0x10, "bh_ctl_header layout");
_Static_assert(offsetof(struct bh_ctl_header, errors) == 0x14, "bh_ctl_header layout");
_Static_assert(offsetof(struct bh_ctl_header, cmd) == 0x18, "bh_ctl_header layout");
_Static_assert(offsetof(struct bh_ctl_header, result) == 0x1c, "bh_ctl_header layout");
_Static_assert(sizeof(struct bh_ctl_header) == BH_CTL_HEADER_SIZE, "bh_ctl_header layout");
_Static_assert(offsetof(struct bh_ctl_regs, vm) == BH_CTL_HEADER_SIZE, "bh_ctl_regs layout");
_Static_assert(sizeof(struct bh_ctl_regs) == BH_CTL_SIZE, "bh_ctl_regs is one page");
_Static_assert(offsetof(struct bh_ctl_vm, cpus) == 0x08, "bh_ctl_vm layout");
_Static_assert(offsetof(struct bh_ctl_vm, uptime_ms) == 0x10, "bh_ctl_vm layout");
_Static_assert(offsetof(struct bh_ctl_vm, resets) == 0x18, "bh_ctl_vm layout");
_Static_assert(offsetof(struct bh_ctl_vm, flags) == 0x20, "bh_ctl_vm layout");
_Static_assert(offsetof(struct bh_ctl_vm, name) == 0x40, "bh_ctl_vm layout");
_Static_assert(offsetof(struct bh_ctl_vm, last_fault) == 0x60, "bh_ctl_vm layout");
_Static_assert(sizeof(struct bh_ctl_vm) == BH_CTL_VM_SIZE, "bh_ctl_vm layout");

#endif /* BULKHEAD_CTL_H */
