// SPDX-License-Identifier: MIT
/*
 * The management page (docs/hypervisor.md, "Managing VMs";
 * include/bulkhead/ctl.h): a trapped page through which a VM the
 * configuration names a manager lists every VM and stops, starts or
 * restarts those it may manage.  The rules are the pure functions of
 * hyp/core/vm_ctl_regs.c; the state changes are vm_request()'s, the same
 * stop and reset the policy and PSCI use (hyp/core/vm.c).
 *
 * Why a trapped page and not a hypercall: HVC is undefined at EL0, so a
 * hypercall would need kernel code in the guest; a page stock
 * uio_pdrv_genirq exposes is reached from user space with plain loads and
 * stores, each of which traps here with its syndrome (ESR_EL2.ISV).
 */
#include "hstring.h"
#include "log.h"
#include "vm.h"
#include "vm_ctl.h"
#include "vm_ctl_regs.h"

#define VM_CTL_LOG_BUDGET 16

void vm_ctl_init(struct vm *vm, const struct bh_config *cfg)
{
	vm->ctl.manages = ctl_manages_mask(cfg, vm->id);
	vm->ctl.result = BH_CTL_RESULT_NONE;
	vm->ctl.errors = 0;
	vm->ctl.log_budget = VM_CTL_LOG_BUDGET;
}

bool vm_ctl_is_emulated(const struct vm *vm, uint64_t ipa)
{
	uint64_t base = vm->cfg->ctl.ipa;

	return base && ipa >= base && ipa - base < BH_CTL_SIZE;
}

/* The header as @caller reads it. */
static void vm_ctl_header(const struct vm *caller, struct bh_ctl_header *h)
{
	memset(h, 0, sizeof(*h));
	h->magic = BH_CTL_MAGIC;
	h->version = BH_CTL_VERSION;
	h->self = caller->id;
	h->nr_vms = nr_vms;
	h->manages = caller->ctl.manages;
	h->errors = __atomic_load_n(&caller->ctl.errors, __ATOMIC_RELAXED);
	h->result = __atomic_load_n(&caller->ctl.result, __ATOMIC_RELAXED);
}

/* A read @ctl_access_check() allowed: one field of the header or of a slot. */
static uint64_t vm_ctl_read(struct vm *caller, uint64_t off, unsigned int size)
{
	unsigned int i = (unsigned int)((off - BH_CTL_HEADER_SIZE) / BH_CTL_VM_SIZE);
	struct ctl_vm_info info;
	struct bh_ctl_header h;
	struct bh_ctl_vm slot;
	uint32_t flags;

	if (off < BH_CTL_HEADER_SIZE) {
		vm_ctl_header(caller, &h);
		return ctl_read_block(&h, sizeof(h), off, size);
	}
	if (i >= nr_vms)
		return 0;
	vm_info(&vms[i], &info);
	flags = (i == caller->id ? BH_CTL_VM_SELF : 0) |
		((caller->ctl.manages & (1u << i)) ? BH_CTL_VM_MANAGED : 0);
	/* a VM that manages none sees the others' names only */
	ctl_fill_vm(&slot, &info, flags, i == caller->id || caller->ctl.manages);
	return ctl_read_block(&slot, sizeof(slot), (off - BH_CTL_HEADER_SIZE) % BH_CTL_VM_SIZE,
			      size);
}

static const char *vm_ctl_target_name(const struct ctl_cmd *cmd)
{
	return cmd->vm < nr_vms ? vms[cmd->vm].cfg->name : "(none)";
}

/* Why a command was not permitted, for the log line. */
static const char *vm_ctl_why_not(const struct vm *caller, const struct ctl_cmd *cmd, int err)
{
	if (err != -EPERM)
		return "";
	if (cmd->vm == caller->id)
		return " (itself)";
	return caller->ctl.manages ? " (not in its ctl.manages)" : " (it may manage no VM)";
}

/* One write of bh_ctl_header.cmd by @caller: vetted, done, answered. */
static void vm_ctl_command(struct vm *caller, uint32_t val)
{
	struct ctl_cmd cmd;
	int err;

	err = ctl_cmd_decode(val, caller->id, nr_vms, caller->ctl.manages, &cmd);
	if (!err)
		err = vm_request(&vms[cmd.vm], cmd.op);
	__atomic_store_n(&caller->ctl.result, BH_CTL_RESULT(cmd.tag, -err), __ATOMIC_RELEASE);
	if (!err) {
		hyp_log("bulkhead: vm %s: %s by vm %s\n", vms[cmd.vm].cfg->name,
			cmd.op == BH_CTL_OP_STOP ? "stopped" : ctl_op_name(cmd.op),
			caller->cfg->name);
		return;
	}
	hyp_log_ratelimited(&caller->ctl.log_budget,
			    "bulkhead: vm %s: management command refused: %s %s (cmd 0x%x): %s%s\n",
			    caller->cfg->name, ctl_op_name(cmd.op), vm_ctl_target_name(&cmd), val,
			    ctl_err_name(err), vm_ctl_why_not(caller, &cmd, err));
}

int vm_ctl_mmio(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val)
{
	struct vm *vm = v->vm;
	uint64_t off = ipa - vm->cfg->ctl.ipa;

	if (!vm_ctl_is_emulated(vm, ipa))
		return -ENOENT;
	if (ctl_access_check(off, size, write)) {
		__atomic_add_fetch(&vm->ctl.errors, 1, __ATOMIC_RELAXED);
		hyp_log_ratelimited(&vm->ctl.log_budget,
				    "bulkhead: vm %s: management page: bad %u-byte %s at 0x%llx "
				    "ignored\n",
				    vm->cfg->name, size, write ? "write" : "read",
				    (unsigned long long)off);
		if (!write)
			*val = 0;
		return 0;
	}
	if (write)
		vm_ctl_command(vm, (uint32_t)*val);
	else
		*val = vm_ctl_read(vm, off, size);
	return 0;
}
