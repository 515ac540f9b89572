// SPDX-License-Identifier: MIT
/*
 * cfgcheck: built once per config (the config .c is linked in), run by the
 * hypervisor build.  Prints "CONFIG: error: MESSAGE" per problem and exits
 * 1 if there is any.
 *
 *   cfgcheck [--layout FILE]
 *
 * With --layout, a valid config's memory map is written to FILE, one fact
 * per line, so that tests and scripts take addresses and INTIDs from the
 * config instead of retyping them (tests/lib/harness.py layout(); format in
 * docs/config.md "Layout file").
 */
#include <stdio.h>
#include <string.h>
#include "check.h"

#ifndef CFGCHECK_NAME
#define CFGCHECK_NAME "config"
#endif

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s: error: %s\n", CFGCHECK_NAME, msg);
}

/* The host-physical base of a region (cfgcheck has checked the index). */
static unsigned long long layout_region_pa(const struct bh_config *cfg,
					   const struct bh_mem_region *m)
{
	if (m->flags & BH_MEM_SHARED)
		return (unsigned long long)cfg->shmem[m->shmem].pa;
	return (unsigned long long)((m->flags & BH_MEM_FIXED_PA) ? m->pa : m->ipa);
}

/* Where the VM's first instruction is in host-physical memory (0: nowhere). */
static unsigned long long layout_entry_pa(const struct bh_config *cfg, const struct bh_vm_config *v)
{
	unsigned int i;

	for (i = 0; i < BH_MAX_MEM_REGIONS && v->mem[i].size; i++)
		if (v->entry >= v->mem[i].ipa && v->entry - v->mem[i].ipa < v->mem[i].size)
			return layout_region_pa(cfg, &v->mem[i]) + (v->entry - v->mem[i].ipa);
	return 0;
}

static void layout_vm(FILE *f, const struct bh_config *cfg, const struct bh_vm_config *v)
{
	unsigned int i;

	fprintf(f, "vm %s cpus %#llx entry_ipa %#llx entry_pa %#llx gicd_ipa %#llx\n", v->name,
		(unsigned long long)v->cpus, (unsigned long long)v->entry, layout_entry_pa(cfg, v),
		(unsigned long long)(v->gicd_ipa ? v->gicd_ipa : BH_GICD_IPA_DEFAULT));
	for (i = 0; i < BH_MAX_MEM_REGIONS && v->mem[i].size; i++)
		fprintf(f, "mem %s %u ipa %#llx pa %#llx size %#llx flags %#x\n", v->name, i,
			(unsigned long long)v->mem[i].ipa, layout_region_pa(cfg, &v->mem[i]),
			(unsigned long long)v->mem[i].size, v->mem[i].flags);
	for (i = 0; i < BH_MAX_IMAGES && v->images[i].size; i++)
		fprintf(f, "image %s %u kind %u load_pa %#llx ipa %#llx size %#llx\n", v->name, i,
			v->images[i].kind, (unsigned long long)v->images[i].load_pa,
			(unsigned long long)v->images[i].ipa,
			(unsigned long long)v->images[i].size);
	for (i = 0; i < BH_MAX_DEVICES && v->devices[i].name; i++)
		fprintf(f, "device %s %s ipa %#llx pa %#llx size %#llx intid %u\n", v->name,
			v->devices[i].name, (unsigned long long)v->devices[i].ipa,
			(unsigned long long)v->devices[i].pa,
			(unsigned long long)v->devices[i].size, v->devices[i].intid);
}

static int layout_write(const struct bh_config *cfg, const char *path)
{
	FILE *f = fopen(path, "w");
	unsigned int i;

	if (!f) {
		perror(path);
		return 1;
	}
	fprintf(f, "config %s\n", cfg->name);
	for (i = 0; i < BH_MAX_VMS && cfg->vms[i].name; i++)
		layout_vm(f, cfg, &cfg->vms[i]);
	for (i = 0; i < BH_MAX_SHMEM && cfg->shmem[i].size; i++)
		fprintf(f, "shmem %u %s pa %#llx size %#llx\n", i, cfg->shmem[i].name,
			(unsigned long long)cfg->shmem[i].pa,
			(unsigned long long)cfg->shmem[i].size);
	for (i = 0; i < BH_MAX_VIRTIO && cfg->virtio[i].name; i++) {
		const struct bh_virtio *d = &cfg->virtio[i];

		fprintf(f,
			"virtio %s frontend %s mmio_ipa %#llx intid %u backend %s ctrl_ipa %#llx "
			"doorbell_ipa %#llx backend_intid %u\n",
			d->name, cfg->vms[d->frontend].name, (unsigned long long)d->mmio_ipa,
			d->intid, cfg->vms[d->backend].name, (unsigned long long)d->ctrl_ipa,
			(unsigned long long)d->doorbell_ipa, d->backend_intid);
	}
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	int errors;

	if (argc != 1 && (argc != 3 || strcmp(argv[1], "--layout"))) {
		fprintf(stderr, "usage: cfgcheck [--layout FILE]\n");
		return 2;
	}
	errors = cfg_check(&bh_config, report, NULL);
	if (errors) {
		fprintf(stderr, "%s: %d error%s\n", CFGCHECK_NAME, errors, errors == 1 ? "" : "s");
		return 1;
	}
	return argc == 3 ? layout_write(&bh_config, argv[2]) : 0;
}
