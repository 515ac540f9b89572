// SPDX-License-Identifier: MIT
/*
 * Which MMIO a VM reaches through traps rather than its stage 2, and who
 * emulates it: the vGIC (docs/vgic.md), remote I/O (docs/protocol.md) or
 * the watchdog (docs/hypervisor.md, "Watchdog") or the management page
 * (docs/hypervisor.md, "Managing VMs").
 * The decoding of the trapped access is in hyp/arch/aarch64/trap.c.
 */
#include "hyp.h"
#include "rio_dev.h"
#include "vgic.h"
#include "vm.h"
#include "vm_ctl.h"
#include "vm_mmio.h"
#include "vm_wdt.h"

bool vm_mmio_is_emulated(struct vm *vm, uint64_t ipa)
{
	return vgic_is_gicd(&vm->vgic, ipa) || vgic_is_gicr(&vm->vgic, ipa) ||
	       rio_is_emulated(vm, ipa) || vm_wdt_is_emulated(vm, ipa) ||
	       vm_ctl_is_emulated(vm, ipa);
}

int vm_mmio_emulate(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val)
{
	struct vm *vm = v->vm;

	if (vgic_is_gicd(&vm->vgic, ipa) || vgic_is_gicr(&vm->vgic, ipa))
		return vgic_mmio_access(&vm->vgic, &v->vgic, ipa, size, write, val);
	if (vm_wdt_is_emulated(vm, ipa))
		return vm_wdt_mmio(v, ipa, size, write, val);
	if (vm_ctl_is_emulated(vm, ipa))
		return vm_ctl_mmio(v, ipa, size, write, val);
	return rio_mmio(v, ipa, size, write, val);
}
