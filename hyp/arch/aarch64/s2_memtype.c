// SPDX-License-Identifier: MIT
/*
 * The memory type of what VMs share: FEAT_S2FWB when the CPU has it
 * (s2_memtype.h; docs/hypervisor.md, "Memory types").
 */
#include "hyp.h"
#include "log.h"
#include "pt.h"
#include "s2_memtype.h"
#include "sysreg.h"
#include "vm.h"

#define MMFR2_FWB_SHIFT 40 /* ID_AA64MMFR2_EL1.FWB [43:40] (D19.2.66) */
#define PAR_F		(1ull << 0)
#define PAR_ATTR_SHIFT	56 /* PAR_EL1.ATTR [63:56]: a MAIR encoding */

static bool fwb;

void s2_memtype_init(void)
{
	uint64_t mmfr2 = sysreg_read(id_aa64mmfr2_el1);

	fwb = ((mmfr2 >> MMFR2_FWB_SHIFT) & 0xf) != 0;
}

bool s2_fwb(void)
{
	return fwb;
}

uint64_t s2_memattr_private(void)
{
	return fwb ? S2_MEMATTR_FWB_AS_S1 : S2_MEMATTR_NORMAL_WB;
}

uint64_t s2_memattr_shared(void)
{
	return fwb ? S2_MEMATTR_FWB_NORMAL_WB : S2_MEMATTR_NORMAL_WB;
}

uint64_t s2_hcr_bits(void)
{
	return fwb ? HCR_FWB : 0;
}

/* A MAIR attribute's name (D19.2.97): what a user reads in the boot log. */
static const char *s2_mair_name(uint8_t attr)
{
	unsigned int outer = attr >> 4, inner = attr & 0xf;

	if (!outer)
		return (attr & 0x3) ? "Device" : "Device-nGnRnE";
	if (outer == 0x4 && inner == 0x4)
		return "Normal Non-cacheable";
	if ((outer & 0x4) && (inner & 0x4) && (outer & 0x3) && (inner & 0x3))
		return "Normal Write-Back";
	return "Normal (mixed or Write-Through)";
}

uint8_t s2_memtype_report(const struct vm *vm, uint64_t ipa, const char *what)
{
	uint64_t par;
	uint8_t attr;

	/* the VM's regime as it will run, its EL1 MMU off (Linux booting.rst §4) */
	sysreg_write(sctlr_el1, SCTLR_EL1_RESET);
	sysreg_write(vtcr_el2, VTCR_GUEST);
	sysreg_write(vttbr_el2, vm->vttbr);
	sysreg_write(hcr_el2, HCR_GUEST | s2_hcr_bits());
	isb();
	__asm__ volatile("at s12e1r, %0" : : "r"(ipa) : "memory");
	isb();
	par = sysreg_read(par_el1);
	if (par & PAR_F) {
		hyp_log("bulkhead: stage 2: vm %s: %s at 0x%llx does not translate\n",
			vm->cfg->name, what, (unsigned long long)ipa);
		return 0;
	}
	attr = (uint8_t)(par >> PAR_ATTR_SHIFT);
	hyp_log("bulkhead: stage 2: vm %s: a Device access to %s becomes attr 0x%02x, %s\n",
		vm->cfg->name, what, attr, s2_mair_name(attr));
	return attr;
}
