/* SPDX-License-Identifier: MIT */
/*
 * Stage 2 of the VMs (hyp/core/s2.c): one static pool of table pages for
 * every VM, and the mappings the configuration gives each VM.
 */
#ifndef HYP_S2_H
#define HYP_S2_H

#include <bulkhead/config.h>
#include "hyp.h"

struct vm;

/**
 * s2_alloc() - a zeroed page for a stage-2 table, from the shared pool
 * @ctx: unused (the struct pt_ops signature)
 *
 * Return: the page, or NULL when the pool is used up.
 */
void *s2_alloc(void *ctx);

/**
 * vm_map_all() - map a VM's memory regions, devices and, for a backend, the
 * control region of every device it serves
 * @vm:  the VM, with its stage-2 root allocated
 * @cfg: the system configuration
 *
 * Return: 0, or the first pt_map() error (logged with the field's name).
 */
int vm_map_all(struct vm *vm, const struct bh_config *cfg);

/**
 * vm_region_pa() - the physical address backing a memory region: its shared
 * window, its fixed PA, or its IPA (identity)
 */
uint64_t vm_region_pa(const struct bh_config *cfg, const struct bh_mem_region *m);

/* Translate a VM's IPA for the hypervisor (identity-mapped EL2). */
int vm_ipa_to_pa(const struct vm *vm, uint64_t ipa, uint64_t *pa);

/** vm_ipa_is_exec() - is @ipa mapped executable in @vm's stage 2? */
bool vm_ipa_is_exec(const struct vm *vm, uint64_t ipa);

#endif /* HYP_S2_H */
