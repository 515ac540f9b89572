// SPDX-License-Identifier: MIT
/*
 * Boot flow (docs/hypervisor.md): entry.S -> hyp_main() on the boot CPU:
 * console, GIC, PCI UART pages, VMs from the config, partition table,
 * remote-I/O devices, secondary CPUs through PSCI CPU_ON, then every CPU enters pcpu_loop().
 */
#include "entry.h"
#include "fdt.h"
#include "gic.h"
#include "hyp.h"
#include "log.h"
#include <plat_desc.h>
#include "platform.h"
#include "psci.h"
#include "rio_dev.h"
#include "s2_memtype.h"
#include "vm.h"

static void hyp_start_secondaries(unsigned int self)
{
	unsigned int cpu;

	for (cpu = 0; cpu < BH_MAX_CPUS; cpu++) {
		struct vcpu *v = pcpus[cpu].vcpu;
		int64_t ret;

		if (cpu == self || !v || v->vm->state != VM_RUNNING)
			continue;
		ret = psci_fw_cpu_on(plat_cpu_mpidr(cpu), (uint64_t)(uintptr_t)secondary_entry,
				     cpu);
		if (ret != PSCI_SUCCESS) {
			hyp_log("bulkhead: cpu %u does not start (psci %lld)\n", cpu,
				(long long)ret);
			vm_mark_broken(v->vm, "its CPU is missing");
		}
	}
}

/*
 * Check the VMs against the RAM QEMU's DTB describes: a config made for
 * "-m 1G" started with less memory must fail loudly, not in the guest.
 */
static void hyp_create_vms(uint64_t dtb)
{
	struct fdt_range ram[PLAT_MAX_RAM_RANGES];
	int n = fdt_memory_ranges((const void *)(uintptr_t)dtb, FDT_MAX_SIZE, ram,
				  PLAT_MAX_RAM_RANGES);

	if (n <= 0)
		hyp_log("bulkhead: no memory in the DTB at 0x%llx: RAM not checked\n",
			(unsigned long long)dtb);
	vm_create_all(&bh_config, ram, n);
}

/*
 * Say which memory type what VMs share gets, as the CPU's own translation
 * reports it for the first VM with a shared region (s2_memtype.h).
 */
static void hyp_report_memtype(void)
{
	unsigned int i, m;

	hyp_log("bulkhead: stage 2: %s\n",
		s2_fwb() ? "FEAT_S2FWB: shared regions Normal Write-Back for every agent"
			 : "no FEAT_S2FWB: each agent's stage 1 decides (docs/protocol.md)");
	for (i = 0; i < nr_vms; i++) {
		const struct bh_vm_config *c = vms[i].cfg;

		if (!vms[i].s2_root)
			continue;
		for (m = 0; m < BH_MAX_MEM_REGIONS && c->mem[m].size; m++)
			if (c->mem[m].flags & BH_MEM_SHARED) {
				s2_memtype_report(&vms[i], c->mem[0].ipa, "its RAM");
				s2_memtype_report(&vms[i], c->mem[m].ipa, "a shared region");
				return;
			}
	}
}

void hyp_main(uint64_t dtb)
{
	unsigned int self = plat_cpu_index();

	hyp_log("\nbulkhead: hypervisor at EL2, QEMU %s, dtb 0x%llx\n", PLAT_NAME,
		(unsigned long long)dtb);
	if (gic_init_boot())
		hyp_panic("no GICv%u distributor\n", PLAT_GIC_VERSION);
	plat_pci_init();
	s2_memtype_init();
	hyp_create_vms(dtb);
	vm_print_table();
	hyp_report_memtype();
	if (rio_init(&bh_config))
		hyp_panic("config: a virtio device without its VMs or shared window\n");
	if (gic_init_cpu(self))
		hyp_panic("cpu %u: GIC CPU interface missing\n", self);
	hyp_start_secondaries(self);
	vm_start_all();
	vm_check_all_off(); /* nothing could start: do not hang */
	pcpu_loop();
}

void hyp_secondary_main(unsigned int cpu)
{
	if (gic_init_cpu(cpu))
		hyp_panic("cpu %u: GIC CPU interface missing\n", cpu);
	pcpu_loop();
}
