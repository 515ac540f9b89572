/* SPDX-License-Identifier: MIT */
/* The MMIO windows of a VM that trap to the hypervisor (hyp/core/vm_mmio.c). */
#ifndef HYP_VM_MMIO_H
#define HYP_VM_MMIO_H

#include "hyp.h"

struct vcpu;
struct vm;

/**
 * vm_mmio_is_emulated() / vm_mmio_emulate() - trapped MMIO windows of a VM
 *
 * The emulated GICD and GICR frames, and remote I/O (hyp/core/rio.c): a
 * frontend's virtio-mmio windows and a backend's doorbell pages.
 * vm_mmio_emulate() returns 0, -ENOENT (not an emulated window), -EINVAL
 * (an access the device does not allow) or -EINTR (the vCPU was stopped
 * while the access waited: abandon it).
 */
bool vm_mmio_is_emulated(struct vm *vm, uint64_t ipa);
int vm_mmio_emulate(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val);

#endif /* HYP_VM_MMIO_H */
