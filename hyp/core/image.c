// SPDX-License-Identifier: MIT
/*
 * A VM's images: checked against the RAM QEMU reports before anything is
 * copied, and copied from where QEMU's loader put them into the VM's
 * memory, at boot and again at SYSTEM_RESET (struct bh_image,
 * docs/devicetree.md).
 */
#include "cache.h"
#include "fdt.h"
#include "hstring.h"
#include "hyp.h"
#include "image.h"
#include "log.h"
#include "s2.h"
#include "vm.h"

/*
 * Copy images whose loader address is not where the VM's memory puts them
 * (see struct bh_image).  In-place images are left alone.
 */
int vm_load_images(struct vm *vm)
{
	const struct bh_vm_config *c = vm->cfg;
	unsigned int i;

	for (i = 0; i < BH_MAX_IMAGES && c->images[i].size; i++) {
		const struct bh_image *img = &c->images[i];
		uint64_t first, last;

		if (vm_ipa_to_pa(vm, img->ipa, &first) ||
		    vm_ipa_to_pa(vm, img->ipa + img->size - 1, &last) ||
		    last - first != img->size - 1) {
			hyp_log("bulkhead: vm %s: images[%u] outside its memory\n", c->name, i);
			return -EINVAL;
		}
		if (first == img->load_pa)
			continue;
		memcpy((void *)(uintptr_t)first, (const void *)(uintptr_t)img->load_pa, img->size);
		/* the guest starts with caches off: make the copy visible */
		dcache_clean_range(first, img->size);
	}
	return 0;
}

static bool ram_contains(const struct fdt_range *ram, int n, uint64_t pa, uint64_t size)
{
	int i;

	for (i = 0; i < n; i++)
		if (pa >= ram[i].base && size <= ram[i].size &&
		    pa - ram[i].base <= ram[i].size - size)
			return true;
	return false;
}

/* One VM against the RAM QEMU reports: its memory and image sources. */
const char *vm_ram_problem(const struct vm *vm, const struct fdt_range *ram, int n, char *buf,
			   size_t len)
{
	const struct bh_vm_config *c = vm->cfg;
	unsigned int i;

	for (i = 0; i < BH_MAX_MEM_REGIONS && c->mem[i].size; i++)
		if (!ram_contains(ram, n, vm_region_pa(&bh_config, &c->mem[i]), c->mem[i].size)) {
			hyp_snprintf(buf, len, "mem[%u] is not in RAM (QEMU -m too small?)", i);
			return buf;
		}
	for (i = 0; i < BH_MAX_IMAGES && c->images[i].size; i++)
		if (!ram_contains(ram, n, c->images[i].load_pa, c->images[i].size)) {
			hyp_snprintf(buf, len,
				     "images[%u] load_pa is not in RAM (QEMU -m too small?)", i);
			return buf;
		}
	return NULL;
}
