// SPDX-License-Identifier: MIT
/*
 * What a guest is shown of the CPU (Arm ARM D19.2 ID registers): reads the
 * AArch64 feature registers, reports the fields the hypervisor hides, then
 * executes an SVE instruction anyway (CPACR_EL1.ZEN enabled, as a guest
 * that ignores the ID registers would).  On a CPU without SVE that is an
 * UNDEF taken by the guest itself; on one with SVE (-cpu max) the
 * hypervisor's CPTR_EL2.TZ trap stops the VM with one log line.
 *
 * Output (parsed by tests/system/test_hyp_idregs.py):
 *   idregs: pfr0=<hex> pfr1=<hex> zfr0=<hex> smfr0=<hex> isar1=<hex> mmfr1=<hex>
 *   idregs: sve=<n> sme=<n> el2=<n> mte=<n> apa=<n> api=<n> vh=<n>
 *   idregs: trying sve
 */
#include "bm.h"

#define CPACR_ZEN  (3ull << 16)
#define CPACR_FPEN (3ull << 20)
#define RDVL_X0_1  0x04bf5020u /* RDVL X0, #1 */

static unsigned int field(uint64_t v, unsigned int shift)
{
	return (unsigned int)((v >> shift) & 0xf);
}

int main(uint64_t arg)
{
	/* by encoding: S3_0_C0_C<CRm>_<op2>, any assembler accepts them */
	uint64_t pfr0 = bm_read_sysreg(S3_0_C0_C4_0);
	uint64_t pfr1 = bm_read_sysreg(S3_0_C0_C4_1);
	uint64_t zfr0 = bm_read_sysreg(S3_0_C0_C4_4);
	uint64_t smfr0 = bm_read_sysreg(S3_0_C0_C4_5);
	uint64_t isar1 = bm_read_sysreg(S3_0_C0_C6_1);
	uint64_t mmfr1 = bm_read_sysreg(S3_0_C0_C7_1);

	(void)arg;
	bm_printf("idregs: pfr0=0x%llx pfr1=0x%llx zfr0=0x%llx smfr0=0x%llx isar1=0x%llx "
		  "mmfr1=0x%llx\n",
		  (unsigned long long)pfr0, (unsigned long long)pfr1, (unsigned long long)zfr0,
		  (unsigned long long)smfr0, (unsigned long long)isar1, (unsigned long long)mmfr1);
	bm_printf("idregs: sve=%u sme=%u el2=%u mte=%u apa=%u api=%u vh=%u\n", field(pfr0, 32),
		  field(pfr1, 24), field(pfr0, 8), field(pfr1, 8), field(isar1, 4), field(isar1, 8),
		  field(mmfr1, 8));
	bm_printf("idregs: trying sve\n");
	bm_write_sysreg(cpacr_el1, bm_read_sysreg(cpacr_el1) | CPACR_ZEN | CPACR_FPEN);
	__asm__ volatile("isb\n\t.inst %0" : : "i"(RDVL_X0_1) : "x0", "memory");
	bm_printf("idregs: FAIL sve instruction ran\n");
	return 0;
}
