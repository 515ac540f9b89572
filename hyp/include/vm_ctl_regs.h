/* SPDX-License-Identifier: MIT */
/*
 * The management page's rules (include/bulkhead/ctl.h) as pure functions,
 * host-tested (tests/unit/test_hyp_ctl.c): which accesses it allows, what a
 * read returns, which commands a VM may give and in which state of the
 * target.  The hypervisor's side, with its locks and VMs, is
 * hyp/core/vm_ctl.c.
 */
#ifndef HYP_VM_CTL_REGS_H
#define HYP_VM_CTL_REGS_H

#include <bulkhead/config.h>
#include <bulkhead/ctl.h>
#include "hyp.h"

/**
 * struct ctl_vm_info - one VM as a management read shows it
 * @name:       its name
 * @state:      enum bh_ctl_state
 * @nr_cpus:    vCPUs
 * @cpus:       physical CPU mask
 * @uptime_ms:  of its current life
 * @resets:     since boot
 * @faults:     since boot
 * @last_fault: reason of the last one, NULL if none
 */
struct ctl_vm_info {
	const char *name;
	uint32_t state;
	uint32_t nr_cpus;
	uint64_t cpus;
	uint64_t uptime_ms;
	uint32_t resets;
	uint32_t faults;
	const char *last_fault;
};

/**
 * struct ctl_cmd - a decoded command
 * @op:  enum bh_ctl_op
 * @vm:  target VM index
 * @tag: the caller's, echoed in the result
 */
struct ctl_cmd {
	unsigned int op;
	unsigned int vm;
	uint32_t tag;
};

/**
 * ctl_access_check() - is this trapped access one the page allows?
 * @off:   offset in the page (anything: the trap gives it)
 * @size:  bytes
 * @write: a store
 *
 * Return: 0 for an aligned 32-bit read anywhere in the page, an aligned
 * 64-bit read of a 64-bit field (struct bh_ctl_vm cpus, uptime_ms) and a
 * 32-bit write of bh_ctl_regs.cmd; -EINVAL for anything else.
 */
int ctl_access_check(uint64_t off, unsigned int size, bool write);

/**
 * ctl_read_block() - the value a read of @size bytes at @off returns from
 * a block of the page (its header or one VM's slot) laid out in @block
 * @len: bytes of @block; @off + @size must be within (ctl_access_check())
 */
uint64_t ctl_read_block(const void *block, size_t len, uint64_t off, unsigned int size);

/**
 * ctl_fill_vm() - lay out one VM's slot
 * @out:     the slot, zeroed here first
 * @in:      what the hypervisor knows of it
 * @flags:   BH_CTL_VM_* for the caller
 * @visible: may the caller see more than its name (else BH_CTL_STATE_HIDDEN)
 */
void ctl_fill_vm(struct bh_ctl_vm *out, const struct ctl_vm_info *in, uint32_t flags, bool visible);

/**
 * ctl_cmd_decode() - decode and vet a value written to bh_ctl_header.cmd
 * @val:     the value (hostile)
 * @caller:  the writer's VM index
 * @nr_vms:  VMs of the configuration
 * @manages: the writer's rights (ctl_manages_mask())
 * @cmd:     filled in, the tag even on error
 *
 * Return: 0, -EINVAL (unknown op), -ENOENT (no such VM), -EPERM (the caller
 * itself, or a VM it may not manage).
 */
int ctl_cmd_decode(uint32_t val, unsigned int caller, unsigned int nr_vms, uint32_t manages,
		   struct ctl_cmd *cmd);

/**
 * ctl_cmd_state_check() - may @op be done to a VM in @state (enum bh_ctl_state)?
 * Return: 0, -ENODEV (broken at boot), -EBUSY (being reset) or -EALREADY
 * (stop of a VM that is not running, start of one that is).
 */
int ctl_cmd_state_check(unsigned int op, uint32_t state);

/**
 * ctl_manages_mask() - the VMs VM @v of @cfg may manage, as a bit mask
 *
 * Names that match no VM and @v itself are left out (tools/cfgcheck
 * rejects both).
 */
uint32_t ctl_manages_mask(const struct bh_config *cfg, unsigned int v);

/** ctl_op_name() - "restart", "stop", "start" or "?" */
const char *ctl_op_name(unsigned int op);

/** ctl_err_name() - what an errno of a command means, for log lines */
const char *ctl_err_name(int err);

#endif /* HYP_VM_CTL_REGS_H */
