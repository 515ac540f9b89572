// SPDX-License-Identifier: MIT
/*
 * Stage 2 of the VMs: the page pool every VM's translation tables come
 * from, and the mappings of a VM's memory regions, passed-through devices
 * and remote-I/O control regions (docs/hypervisor.md, "Source map").
 */
#include "hyp.h"
#include "log.h"
#include <plat_desc.h>
#include "pt.h"
#include "rio_dev.h"
#include "s2.h"
#include "s2_memtype.h"
#include "spinlock.h"
#include "vm.h"

/* Stage-2 tables for all VMs: 1 MiB, 256 tables (one VM with a few
 * regions needs 3-6). */
#define S2_POOL_PAGES 256

static uint8_t s2_pool[S2_POOL_PAGES][PT_PAGE_SIZE] __attribute__((aligned(PT_PAGE_SIZE)));
static unsigned int s2_pool_used;
static spinlock_t s2_pool_lock;

void *s2_alloc(void *ctx)
{
	void *p = NULL;

	UNUSED(ctx);
	spin_lock(&s2_pool_lock);
	if (s2_pool_used < S2_POOL_PAGES)
		p = s2_pool[s2_pool_used++];
	spin_unlock(&s2_pool_lock);
	return p; /* .bss: already zero */
}

static uint64_t s2_to_pa(void *ctx, void *va)
{
	UNUSED(ctx);
	return (uint64_t)(uintptr_t)va; /* EL2 maps RAM 1:1 */
}

static void *s2_to_va(void *ctx, uint64_t pa)
{
	UNUSED(ctx);
	return (void *)(uintptr_t)pa;
}

static const struct pt_ops s2_ops = {
	.alloc = s2_alloc,
	.to_pa = s2_to_pa,
	.to_va = s2_to_va,
};

int vm_ipa_to_pa(const struct vm *vm, uint64_t ipa, uint64_t *pa)
{
	return pt_lookup(&s2_ops, vm->s2_root, ipa, pa, NULL, NULL);
}

uint64_t vm_region_pa(const struct bh_config *cfg, const struct bh_mem_region *m)
{
	if (m->flags & BH_MEM_SHARED)
		return cfg->shmem[m->shmem].pa;
	if (m->flags & BH_MEM_FIXED_PA)
		return m->pa;
	return m->ipa;
}

static uint64_t vm_region_attrs(uint32_t flags)
{
	uint64_t a = S2_SH_IS | S2_AF;

	/* one memory type for every agent of a shared region (s2_memtype.h) */
	a |= (flags & BH_MEM_SHARED) ? s2_memattr_shared() : s2_memattr_private();

	if (flags & BH_MEM_READ)
		a |= S2_AP_R;
	if (flags & BH_MEM_WRITE)
		a |= S2_AP_W;
	if (!(flags & BH_MEM_EXEC))
		a |= S2_XN;
	return a;
}

/*
 * A backend sees the control region of every device it serves (read/write,
 * never executable); its doorbell pages and the frontends' virtio-mmio
 * windows stay unmapped so that every access traps (hyp/core/rio.c).
 */
static int vm_map_rio(struct vm *vm, const struct bh_config *cfg)
{
	unsigned int i;
	int ret;

	for (i = 0; i < BH_MAX_VIRTIO && cfg->virtio[i].device_id; i++) {
		if (cfg->virtio[i].backend != vm->id)
			continue;
		ret = pt_map(&s2_ops, vm->s2_root, cfg->virtio[i].ctrl_ipa, rio_ctrl_pa(i),
			     BH_RIO_CTRL_SIZE, vm_region_attrs(BH_MEM_RW | BH_MEM_SHARED));
		if (ret) {
			hyp_log("bulkhead: vm %s: virtio[%u].ctrl_ipa cannot be mapped (%d)\n",
				vm->cfg->name, i, ret);
			return ret;
		}
	}
	return 0;
}

int vm_map_all(struct vm *vm, const struct bh_config *cfg)
{
	const struct bh_vm_config *c = vm->cfg;
	unsigned int i;
	int ret;

	for (i = 0; i < BH_MAX_MEM_REGIONS && c->mem[i].size; i++) {
		const struct bh_mem_region *m = &c->mem[i];

		ret = pt_map(&s2_ops, vm->s2_root, m->ipa, vm_region_pa(cfg, m), m->size,
			     vm_region_attrs(m->flags));
		if (ret) {
			hyp_log("bulkhead: vm %s: mem[%u] cannot be mapped (%d)\n", c->name, i,
				ret);
			return ret;
		}
	}
	for (i = 0; i < BH_MAX_DEVICES && c->devices[i].size; i++) {
		const struct bh_device *d = &c->devices[i];

		ret = pt_map(&s2_ops, vm->s2_root, d->ipa, d->pa, d->size, S2_DEVICE_RW);
		if (ret) {
			hyp_log("bulkhead: vm %s: devices[%u] cannot be mapped (%d)\n", c->name, i,
				ret);
			return ret;
		}
	}
#if PLAT_GIC_VERSION == 2
	/* GICv2: the guest's GICC is the hardware GICV frame (docs/vgic.md) */
	ret = pt_map(&s2_ops, vm->s2_root, BH_GICC_IPA_DEFAULT, PLAT_GICV_BASE, PLAT_GICV_SIZE,
		     S2_DEVICE_RW);
	if (ret) {
		hyp_log("bulkhead: vm %s: GICC cannot be mapped (%d)\n", c->name, ret);
		return ret;
	}
#endif
	return vm_map_rio(vm, cfg);
}

bool vm_ipa_is_exec(const struct vm *vm, uint64_t ipa)
{
	uint64_t pa, attrs;

	if (pt_lookup(&s2_ops, vm->s2_root, ipa, &pa, &attrs, NULL))
		return false;
	return !(attrs & S2_XN);
}
