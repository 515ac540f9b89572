// SPDX-License-Identifier: MIT
/* CPU numbering on QEMU virt: GICv3 machines pack 16 CPUs per cluster, GICv2 ones 8 (plat_desc.h).
 */
#include <plat_desc.h>
#include "platform.h"
#include "sysreg.h"

#define MPIDR_AFF0_MASK	      0xffull
#define MPIDR_AFF1_SHIFT      8
#define VIRT_CPUS_PER_CLUSTER PLAT_CPUS_PER_CLUSTER

unsigned int plat_cpu_index(void)
{
	uint64_t mpidr = sysreg_read(mpidr_el1);

	return (unsigned int)(((mpidr >> MPIDR_AFF1_SHIFT) & MPIDR_AFF0_MASK) *
				      VIRT_CPUS_PER_CLUSTER +
			      (mpidr & MPIDR_AFF0_MASK));
}

uint64_t plat_cpu_mpidr(unsigned int cpu)
{
	return ((uint64_t)(cpu / VIRT_CPUS_PER_CLUSTER) << MPIDR_AFF1_SHIFT) |
	       (cpu % VIRT_CPUS_PER_CLUSTER);
}
