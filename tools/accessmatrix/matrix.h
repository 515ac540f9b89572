/* SPDX-License-Identifier: MIT */
/*
 * The cross-VM access matrix (docs/isolation.md): for one VM of a system
 * configuration, every address it must not reach - the other VMs' RAM and
 * devices at their IPAs and at their PAs, shared windows that are not its
 * own, virtio-mmio windows, control regions and doorbells of remote-I/O
 * devices it does not serve, the physical GIC distributor and
 * redistributors, the hypervisor's memory, QEMU's DTB, the platform's devices, the
 * pristine image copies, and the words just outside its own windows.  Pure C over struct bh_config,
 * host only.
 */
#ifndef ACCESSMATRIX_MATRIX_H
#define ACCESSMATRIX_MATRIX_H

#include <stdbool.h>
#include <bulkhead/config.h>

#define AM_MAX_PROBES 256
#define AM_WHAT_MAX   96
/* A probe is one naturally aligned 32-bit access. */
#define AM_PROBE_SIZE 4u

/**
 * struct am_probe - one address a VM must not reach
 * @kind:  target kind ("ram", "shmem", "device", "virtio-mmio", "rio-ctrl",
 *         "rio-doorbell", "gicd", "gicr", "hyp", "qemu-dtb", "platform", "image",
 *         "edge")
 * @addr:  the IPA the VM touches (an IPA equal to the target's PA is how a
 *         VM would try to reach it by PA)
 * @what:  the target, e.g. `vm "backend" mem[0] at its PA, first word`
 * @also:  the other targets at the same address ("" if none)
 * @own:   "", or the VM's own window that @addr lies in: the access reaches
 *         the VM's own memory or emulated device, not the target, so it is
 *         listed but not attempted (cfgcheck keeps PAs disjoint)
 */
struct am_probe {
	const char *kind;
	uint64_t addr;
	char what[AM_WHAT_MAX];
	char also[2 * AM_WHAT_MAX];
	char own[48];
};

/**
 * struct am_list - the probes of one VM, attempts first in generation order
 * @n:       entries used in @p
 * @dropped: probes that did not fit (a config this large is an error)
 */
struct am_list {
	unsigned int n;
	unsigned int dropped;
	struct am_probe p[AM_MAX_PROBES];
};

/**
 * am_build() - every address VM @vm of @cfg must not reach
 * @cfg:  a configuration cfg_check() accepted
 * @vm:   the probing VM's index
 * @list: filled; an address appears once (the first target that named it)
 *
 * Each forbidden range is probed at its first and at its last word that
 * the VM's own windows do not cover; a range they cover entirely is listed
 * once with @own set.
 *
 * Return: 0, or -EINVAL for a VM index outside the configuration, -ENOSPC
 * when @list overflowed.
 */
int am_build(const struct bh_config *cfg, unsigned int vm, struct am_list *list);

#endif /* ACCESSMATRIX_MATRIX_H */
