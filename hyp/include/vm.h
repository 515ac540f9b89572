/* SPDX-License-Identifier: MIT */
/*
 * VMs and their vCPUs (hyp/core/vm.c); physical CPUs are in pcpu.h.
 *
 * Static partitioning: every vCPU is pinned to one pCPU for its whole life
 * and every pCPU runs at most one vCPU, so no EL1 state is ever switched;
 * a pCPU without a runnable vCPU waits in WFI for a kick (SGI).
 */
#ifndef HYP_VM_H
#define HYP_VM_H

#include <bulkhead/config.h>
#include "hyp.h"
#include "pcpu.h"
#include "regs.h"
#include "restart_limit.h"
#include "spinlock.h"
#include "vgic.h"
#include "vm_ctl.h"
#include "vm_wdt.h"

enum vcpu_state {
	VCPU_OFF = 0,	 /* waits for PSCI CPU_ON (or VM reset) */
	VCPU_ON_PENDING, /* CPU_ON accepted, entry not yet taken */
	VCPU_ON,	 /* running guest code */
};

enum vm_state {
	VM_RUNNING = 0,
	VM_OFF,	    /* PSCI SYSTEM_OFF */
	VM_STOPPED, /* stopped by the hypervisor after a fault */
	VM_BROKEN,  /* could not be set up at boot */
};

struct vm;

/**
 * struct vcpu_stats - exits of one vCPU by cause (for debugging and tests;
 * written only by the vCPU's own pCPU)
 */
struct vcpu_stats {
	uint64_t irq;
	uint64_t wfi;
	uint64_t psci;
	uint64_t sysreg;
	uint64_t mmio;
};

/**
 * struct vcpu - one virtual CPU
 * @vm:        owner
 * @id:        index in the VM (vCPU n = n-th CPU of the config's mask)
 * @pcpu:      physical CPU it is pinned to
 * @mpidr:     virtual MPIDR_EL1 (Aff0 = @id) given through VMPIDR_EL2
 * @state:     enum vcpu_state; written under vm->lock, read lock-free by
 *             the owning pCPU's wait loop
 * @entry:     where the next start enters (CPU_ON / reset)
 * @context:   x0 for the next start
 * @in_guest:  1 from entry until its pCPU is back in pcpu_loop()
 * @stats:     exit counters
 * @rio_done:  remote I/O: the read this vCPU waits for was answered
 * @rio_value: remote I/O: its value (written before @rio_done)
 * @rio_t_trap, @rio_t_answer: remote I/O: the counter at that read's trap
 *             and at the doorbell that answered it (latency breakdown)
 * @not_before: the counter value before which a pending start does not
 *             enter (the back-off of a restart by policy, under vm->lock)
 * @vgic:      the vCPU's redistributor and list-register state
 */
struct vcpu {
	struct vm *vm;
	unsigned int id;
	unsigned int pcpu;
	uint64_t mpidr;
	uint32_t state;
	uint64_t entry;
	uint64_t context;
	uint32_t in_guest;
	struct vcpu_stats stats;
	uint32_t rio_done;
	uint64_t rio_value;
	uint64_t rio_t_trap, rio_t_answer;
	uint64_t not_before;
	struct vgic_cpu vgic;
};

/**
 * struct vm - one static partition
 * @cfg:        its configuration
 * @id:         index in bh_config.vms (VMID = id + 1)
 * @lock:       guards @state and the vCPUs' states
 * @state:      enum vm_state
 * @resetting:  a SYSTEM_RESET is in progress (under @lock)
 * @ending:     ended (vm_end()) but its last words not yet out: the machine
 *              must not power off under them (vm_check_all_off())
 * @nr_vcpus:   vCPUs (set bits in cfg->cpus)
 * @vcpus:      the vCPUs
 * @s2_root:    level-1 stage-2 table
 * @vttbr:      VTTBR_EL2 value (VMID | table)
 * @vgic:       the emulated distributor
 * @restarts:   recent restarts by policy (the limit; under @lock)
 * @wdt:        its watchdog, if the config gives it one
 * @reset_requested: a manager asked for a reset that vCPU 0's pCPU has not
 *              begun yet (vm_request(), vm_reset_poll(); under @lock)
 * @resets, @faults, @last_fault, @started_at: what a manager reads
 *              (vm_info(); under @lock)
 * @ctl:        its management page, if the config gives it one
 */
struct vm {
	const struct bh_vm_config *cfg;
	unsigned int id;
	spinlock_t lock;
	uint32_t state;
	bool resetting;
	bool ending;
	unsigned int nr_vcpus;
	struct vcpu vcpus[BH_MAX_CPUS];
	uint64_t *s2_root;
	uint64_t vttbr;
	struct vgic_dist vgic;
	struct restart_limit restarts;
	struct vm_wdt wdt;
	bool reset_requested;
	uint32_t resets;
	uint32_t faults;
	const char *last_fault;
	uint64_t started_at;
	struct vm_ctl ctl;
};

extern struct vm vms[BH_MAX_VMS];
extern unsigned int nr_vms;

struct fdt_range;

/**
 * vm_create_all() - build every VM of @cfg: stage 2, vCPUs, images, vGIC
 * @ram: the RAM QEMU reports (@n ranges; @n <= 0: not checked)
 *
 * A VM whose memory or image sources lie outside that RAM is marked broken
 * before anything of it is touched (an image copied from beyond RAM would
 * take the hypervisor down), and so is one whose set-up fails; the others
 * are built.  Return: 0, or -EINVAL if some VM is broken.
 */
int vm_create_all(const struct bh_config *cfg, const struct fdt_range *ram, int n);
void vm_print_table(void);

/* Boot vCPU 0 of every runnable VM (marks it ON_PENDING). */
void vm_start_all(void);

/**
 * vm_stop() - stop a VM after a fault it caused; logs one line
 * @vm:     the offender
 * @reason: short text
 * Does not return when called for the current vCPU's VM.
 */
void vm_stop(struct vm *vm, const char *reason, uint64_t esr, uint64_t far, uint64_t ipa,
	     uint64_t pc);

/*
 * Power the machine off (PSCI SYSTEM_OFF) if no VM is running any more and
 * every one that ended has said so (struct vm.ending).
 */
void vm_check_all_off(void);

/* Boot-time failure (before any vCPU ran): the VM never starts. */
void vm_mark_broken(struct vm *vm, const char *reason);

/* PSCI SYSTEM_OFF and SYSTEM_RESET of @self's VM (the calls on one vCPU
 * are in vcpu_psci.h). */
void vm_system_off(struct vcpu *self) __attribute__((noreturn));
void vm_system_reset(struct vcpu *self) __attribute__((noreturn));

struct ctl_vm_info;

/** vm_info() - what a management read shows of @vm, taken under its lock */
void vm_info(struct vm *vm, struct ctl_vm_info *info);

/**
 * vm_note_fault() - count a fault its policy acts on
 * @why: its reason, a string that lives as long as the hypervisor
 */
void vm_note_fault(struct vm *vm, const char *why);

/**
 * vm_request() - stop, restart or start @vm for a manager (hyp/core/vm_ctl.c)
 * @vm: the target, never the caller's own VM
 * @op: enum bh_ctl_op
 *
 * A stop ends the VM here, as after a fault.  A restart or start stops
 * every vCPU and leaves the reset to the pCPU of vCPU 0 (vm_reset_poll()),
 * the same reset as PSCI SYSTEM_RESET's.
 *
 * Return: 0 or ctl_cmd_state_check()'s error for the VM's state.
 */
int vm_request(struct vm *vm, unsigned int op);

/**
 * vm_reset_poll() - run a reset vm_request() left for @v (vCPU 0 of its
 * VM, on its own pCPU, in pcpu_loop()); does not return if there is one
 */
void vm_reset_poll(struct vcpu *v);

#endif /* HYP_VM_H */
