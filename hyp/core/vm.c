// SPDX-License-Identifier: MIT
/*
 * VMs built from the configuration (vCPUs, stage 2, images, vGIC) and
 * their life cycle: start, stop after a fault, and PSCI SYSTEM_OFF and
 * SYSTEM_RESET, which end or restart the whole VM (what a fault or
 * SYSTEM_OFF leads to is the VM's policy, hyp/core/vm_policy.c).
 */
#include "gic.h"
#include "hyp.h"
#include "hyp_timer.h"
#include "image.h"
#include "log.h"
#include "pcpu.h"
#include "psci.h"
#include "rio_dev.h"
#include "s2.h"
#include "sysreg.h"
#include "vgic.h"
#include "vm.h"
#include "vm_ctl_regs.h"
#include "vm_policy.h"

struct vm vms[BH_MAX_VMS];
unsigned int nr_vms;

static int vm_setup_vgic(struct vm *vm)
{
	const struct bh_vm_config *c = vm->cfg;
	unsigned int i;
	int ret;

	uint64_t gicd = c->gicd_ipa ? c->gicd_ipa : BH_GICD_IPA_DEFAULT;

	/* the guest's GIC is of the platform's version (docs/vgic.md) */
	if (gic_version() == 2)
		ret = vgic_v2_dist_init(&vm->vgic, vm->nr_vcpus, gicd, BH_GICC_IPA_DEFAULT);
	else
		ret = vgic_dist_init(&vm->vgic, vm->nr_vcpus, gicd,
				     c->gicr_ipa ? c->gicr_ipa : BH_GICR_IPA_DEFAULT);
	for (i = 0; !ret && i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		ret = vgic_cpu_init(&vm->vgic, &v->vgic, i, v->pcpu, v->mpidr);
		/* both EL1 timers of the pCPU belong to its vCPU */
		if (!ret)
			ret = gic_assign_irq(GIC_PPI_VTIMER, &vm->vgic, &v->vgic);
		if (!ret)
			ret = gic_assign_irq(GIC_PPI_PTIMER, &vm->vgic, &v->vgic);
	}
	for (i = 0; !ret && i < BH_MAX_IRQS && c->irqs[i]; i++) {
		ret = gic_assign_irq(c->irqs[i], &vm->vgic, &vm->vcpus[0].vgic);
		if (ret)
			hyp_log("bulkhead: vm %s: irqs[%u] = %u cannot be assigned (%d)\n", c->name,
				i, c->irqs[i], ret);
	}
	return ret;
}

static int vm_create_vcpus(struct vm *vm)
{
	const struct bh_vm_config *c = vm->cfg;
	unsigned int cpu;

	vm->nr_vcpus = 0;
	for (cpu = 0; cpu < 64; cpu++) {
		struct vcpu *v;

		if (!(c->cpus & BIT(cpu)))
			continue;
		if (cpu >= BH_MAX_CPUS || pcpus[cpu].vcpu) {
			hyp_log("bulkhead: vm %s: cpus: CPU %u unusable\n", c->name, cpu);
			return -EINVAL;
		}
		v = &vm->vcpus[vm->nr_vcpus];
		v->vm = vm;
		v->id = vm->nr_vcpus++;
		v->pcpu = cpu;
		v->mpidr = v->id; /* Aff0 = vCPU index */
		v->state = VCPU_OFF;
		pcpus[cpu].vcpu = v;
	}
	if (!vm->nr_vcpus) {
		hyp_log("bulkhead: vm %s: cpus: no CPU\n", c->name);
		return -EINVAL;
	}
	return 0;
}

static int vm_create(struct vm *vm, const struct bh_config *cfg)
{
	int ret;

	vm->s2_root = s2_alloc(NULL);
	if (!vm->s2_root)
		return -ENOMEM;
	vm->vttbr = ((uint64_t)(vm->id + 1) << VTTBR_VMID_SHIFT) | (uint64_t)(uintptr_t)vm->s2_root;
	ret = vm_create_vcpus(vm);
	if (!ret)
		ret = vm_map_all(vm, cfg);
	if (!ret)
		ret = vm_load_images(vm);
	if (!ret)
		ret = vm_setup_vgic(vm);
	vm_wdt_reset(vm);
	return ret;
}

int vm_create_all(const struct bh_config *cfg, const struct fdt_range *ram, int n)
{
	unsigned int i;
	int broken = 0;
	char buf[80];

	if (cfg->magic != BH_CONFIG_MAGIC)
		hyp_panic("config built against another config.h\n");
	for (i = 0; i < BH_MAX_VMS && cfg->vms[i].name; i++) {
		struct vm *vm = &vms[i];
		const char *why;

		vm->cfg = &cfg->vms[i];
		vm->id = i;
		vm_ctl_init(vm, cfg);
		/* before the image copy reads from beyond RAM */
		why = n > 0 ? vm_ram_problem(vm, ram, n, buf, sizeof(buf)) : NULL;
		if (why) {
			vm_mark_broken(vm, why);
			broken++;
			continue;
		}
		if (vm_create(vm, cfg)) {
			vm_mark_broken(vm, "set-up failed");
			broken++;
		}
	}
	nr_vms = i;
	return broken ? -EINVAL : 0;
}

static const char *vm_perm(uint32_t f)
{
	static const char *const p[] = {
		"---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx",
	};

	return p[f & BH_MEM_RWX];
}

void vm_print_table(void)
{
	unsigned int i, j;

	hyp_log("bulkhead: config \"%s\": %u VMs\n", bh_config.name, nr_vms);
	for (i = 0; i < nr_vms; i++) {
		const struct vm *vm = &vms[i];
		const struct bh_vm_config *c = vm->cfg;

		hyp_log("  vm%u %-10s cpus 0x%llx entry 0x%llx x0 0x%llx%s%s\n", i, c->name,
			(unsigned long long)c->cpus, (unsigned long long)c->entry,
			(unsigned long long)c->x0,
			(c->flags & BH_VM_DMA_TRUSTED) ? " trusted-for-DMA" : "",
			vm->state == VM_BROKEN ? " BROKEN" : "");
		for (j = 0; j < BH_MAX_MEM_REGIONS && c->mem[j].size; j++)
			hyp_log("    mem  ipa 0x%010llx size 0x%08llx pa 0x%010llx %s\n",
				(unsigned long long)c->mem[j].ipa,
				(unsigned long long)c->mem[j].size,
				(unsigned long long)vm_region_pa(&bh_config, &c->mem[j]),
				vm_perm(c->mem[j].flags));
		for (j = 0; j < BH_MAX_DEVICES && c->devices[j].size; j++)
			hyp_log("    dev  ipa 0x%010llx size 0x%08llx pa 0x%010llx %s intid %u%s\n",
				(unsigned long long)c->devices[j].ipa,
				(unsigned long long)c->devices[j].size,
				(unsigned long long)c->devices[j].pa, c->devices[j].name,
				c->devices[j].intid,
				/* no IOMMU: it reaches all memory (BH_DEV_DMA) */
				(c->devices[j].flags & BH_DEV_DMA) ? " DMA-without-IOMMU" : "");
	}
}

void vm_start_all(void)
{
	unsigned int i;

	for (i = 0; i < nr_vms; i++) {
		struct vm *vm = &vms[i];
		struct vcpu *v = &vm->vcpus[0];

		if (vm->state != VM_RUNNING)
			continue;
		spin_lock(&vm->lock);
		v->entry = vm->cfg->entry;
		v->context = vm->cfg->x0;
		__atomic_store_n(&v->state, VCPU_ON_PENDING, __ATOMIC_RELEASE);
		vm->started_at = hyp_counter();
		spin_unlock(&vm->lock);
		gic_send_sgi(v->pcpu, GIC_SGI_KICK);
	}
}

void vm_check_all_off(void)
{
	unsigned int i;

	/*
	 * Sequentially consistent with the store of @ending in vm_end_said():
	 * of two VMs ending at once, at least one sees the other's line out
	 * (a store-release then a load-acquire are not reordered, Arm ARM
	 * B2.3), so the machine does go off, and only after both lines.
	 */
	for (i = 0; i < nr_vms; i++)
		if (__atomic_load_n(&vms[i].state, __ATOMIC_SEQ_CST) == VM_RUNNING ||
		    __atomic_load_n(&vms[i].ending, __ATOMIC_SEQ_CST))
			return;
	psci_fw_system_off();
}

/* Stop every vCPU of @vm; caller holds vm->lock. */
static void vm_stop_vcpus_locked(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		__atomic_store_n(&vm->vcpus[i].state, VCPU_OFF, __ATOMIC_RELEASE);
		vcpu_kick(&vm->vcpus[i]);
	}
}

static bool vm_is_current(const struct vm *vm)
{
	const struct vcpu *cur = this_pcpu()->vcpu;

	return cur && cur->vm == vm;
}

/*
 * End @vm in @state (VM_OFF or VM_STOPPED).  Only the first caller wins and
 * gets true back; every vCPU is turned off and kicked out of the guest.
 */
static bool vm_end(struct vm *vm, uint32_t state)
{
	bool first;

	spin_lock(&vm->lock);
	first = vm->state == VM_RUNNING;
	if (first) {
		/* before the state: whoever sees it not running sees this too */
		__atomic_store_n(&vm->ending, true, __ATOMIC_RELAXED);
		__atomic_store_n(&vm->state, state, __ATOMIC_RELEASE);
	}
	vm_stop_vcpus_locked(vm);
	spin_unlock(&vm->lock);
	return first;
}

/* The first caller of vm_end() has logged why @vm ended (vm_check_all_off()). */
static void vm_end_said(struct vm *vm)
{
	__atomic_store_n(&vm->ending, false, __ATOMIC_SEQ_CST);
}

static void vm_end_finish(struct vm *vm)
{
	/* the frontends it served lose their devices, not their vCPUs */
	rio_backend_ended(vm);
	gic_release_irqs(&vm->vgic);
	vm_check_all_off();
	if (vm_is_current(vm))
		pcpu_park();
}

void vm_stop(struct vm *vm, const char *reason, uint64_t esr, uint64_t far, uint64_t ipa,
	     uint64_t pc)
{
	if (vm_end(vm, VM_STOPPED)) {
		hyp_log("bulkhead: vm %s stopped: %s esr=0x%llx far=0x%llx ipa=0x%llx pc=0x%llx\n",
			vm->cfg->name, reason, (unsigned long long)esr, (unsigned long long)far,
			(unsigned long long)ipa, (unsigned long long)pc);
		vm_end_said(vm);
	}
	vm_end_finish(vm);
}

void vm_mark_broken(struct vm *vm, const char *reason)
{
	spin_lock(&vm->lock);
	__atomic_store_n(&vm->state, VM_BROKEN, __ATOMIC_RELEASE);
	spin_unlock(&vm->lock);
	hyp_log("bulkhead: vm %s not started: %s\n", vm->cfg->name, reason);
	rio_backend_ended(vm);
}

void vm_system_off(struct vcpu *self)
{
	vm_policy_off(self);
	if (vm_end(self->vm, VM_OFF)) {
		hyp_log("bulkhead: vm %s powered off\n", self->vm->cfg->name);
		vm_end_said(self->vm);
	}
	vm_end_finish(self->vm);
	pcpu_park();
}

/*
 * Wait until every other vCPU of @vm is back in pcpu_loop(): they were
 * kicked, and the vGIC must not be re-initialised under their feet.  Each
 * parks within one exit; the wait is bounded by that, and sleeps in WFE
 * (pcpu_loop() signals with SEV).
 */
static void vm_wait_parked(struct vm *vm, const struct vcpu *self)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *v = &vm->vcpus[i];

		if (v == self)
			continue;
		while (__atomic_load_n(&v->in_guest, __ATOMIC_ACQUIRE))
			wfe();
	}
}

/*
 * Run the reset @self claimed (vm->resetting is set, every vCPU is off):
 * its remote-I/O devices are reset (rio_frontend_reset(): the device model
 * is done with the old life before the new one runs), images that have a
 * pristine copy outside the VM are copied again, the vGIC is reset and
 * vCPU 0 enters at the configured entry.  In-place images are not reloaded
 * (QEMU put them there once): such a guest must cope with its own leftovers.
 */
static void __attribute__((noreturn)) vm_reset_run(struct vm *vm, struct vcpu *self)
{
	struct vcpu *boot = &vm->vcpus[0];

	hyp_log("bulkhead: vm %s reset\n", vm->cfg->name);
	vm_wait_parked(vm, self);
	gic_release_irqs(&vm->vgic);
	vm_wdt_reset(vm);
	/* the model must stop writing into the old life's chains first */
	rio_frontend_reset(vm, self);
	if (vm_load_images(vm) || vm_setup_vgic(vm)) {
		vm_stop(vm, "reset failed", 0, 0, 0, 0);
		pcpu_park();
	}
	spin_lock(&vm->lock);
	boot->entry = vm->cfg->entry;
	boot->context = vm->cfg->x0;
	__atomic_store_n(&boot->state, VCPU_ON_PENDING, __ATOMIC_RELEASE);
	vm->resetting = false;
	vm->resets++;
	vm->started_at = hyp_counter();
	spin_unlock(&vm->lock);
	vcpu_kick(boot);
	pcpu_park();
}

/* Restart the VM (PSCI SYSTEM_RESET, or its policy): vm_reset_run(). */
void vm_system_reset(struct vcpu *self)
{
	struct vm *vm = self->vm;
	bool busy;

	spin_lock(&vm->lock);
	/* two vCPUs resetting at once: the first one does it */
	busy = vm->resetting || vm->state != VM_RUNNING;
	vm->resetting = true;
	vm_stop_vcpus_locked(vm);
	spin_unlock(&vm->lock);
	if (busy)
		pcpu_park();
	vm_reset_run(vm, self);
}

/* The state a management read shows (include/bulkhead/ctl.h); under vm->lock. */
static uint32_t vm_ctl_state_locked(const struct vm *vm)
{
	switch (vm->state) {
	case VM_RUNNING:
		return vm->resetting ? BH_CTL_STATE_RESTARTING : BH_CTL_STATE_RUNNING;
	case VM_OFF:
		return BH_CTL_STATE_OFF;
	case VM_STOPPED:
		return BH_CTL_STATE_STOPPED;
	default:
		return BH_CTL_STATE_BROKEN;
	}
}

void vm_info(struct vm *vm, struct ctl_vm_info *info)
{
	uint64_t now = hyp_counter();

	spin_lock(&vm->lock);
	info->name = vm->cfg->name;
	info->state = vm_ctl_state_locked(vm);
	info->nr_cpus = vm->nr_vcpus;
	info->cpus = vm->cfg->cpus;
	info->uptime_ms = 0;
	if (info->state == BH_CTL_STATE_RUNNING && now > vm->started_at)
		info->uptime_ms = (now - vm->started_at) / (hyp_counter_freq() / 1000);
	info->resets = vm->resets;
	info->faults = vm->faults;
	info->last_fault = vm->last_fault;
	spin_unlock(&vm->lock);
}

void vm_note_fault(struct vm *vm, const char *why)
{
	spin_lock(&vm->lock);
	vm->faults++;
	vm->last_fault = why;
	spin_unlock(&vm->lock);
}

/*
 * Claim a reset of @vm for its vCPU 0's pCPU (vm_reset_poll()), under
 * vm->lock: every vCPU stops and is kicked out of the guest or of a
 * remote-I/O wait, so the reset never waits behind the old life.
 */
static void vm_request_reset_locked(struct vm *vm)
{
	vm->resetting = true;
	vm->reset_requested = true;
	vm->vcpus[0].not_before = 0;
	__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
	vm_stop_vcpus_locked(vm);
}

int vm_request(struct vm *vm, unsigned int op)
{
	int ret;

	spin_lock(&vm->lock);
	ret = ctl_cmd_state_check(op, vm_ctl_state_locked(vm));
	if (!ret && op == BH_CTL_OP_STOP) {
		__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
		vm_stop_vcpus_locked(vm);
	} else if (!ret) {
		vm_request_reset_locked(vm);
	}
	spin_unlock(&vm->lock);
	if (!ret && op == BH_CTL_OP_STOP)
		vm_end_finish(vm);
	return ret;
}

void vm_reset_poll(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool claimed;

	if (v->id || !__atomic_load_n(&vm->reset_requested, __ATOMIC_ACQUIRE))
		return;
	spin_lock(&vm->lock);
	claimed = vm->reset_requested;
	vm->reset_requested = false;
	spin_unlock(&vm->lock);
	if (claimed)
		vm_reset_run(vm, v);
}
