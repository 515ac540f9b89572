// SPDX-License-Identifier: MIT
/*
 * ID registers as guests see them (hyp/arch/aarch64/idregs.c): the trapped
 * space, fields hidden (Arm ARM D19.2), everything else unchanged.  The
 * values are QEMU 7.2's `-cpu max` and `-cpu cortex-a53` ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "idregs.h"

static uint64_t field(uint64_t v, unsigned int shift)
{
	return (v >> shift) & 0xf;
}

static void test_trapped_space(void **state)
{
	(void)state;
	assert_true(idreg_is_trapped(SYSREG_ID_AA64PFR0_EL1));
	assert_true(idreg_is_trapped(SYSREG_ENC(3, 0, 0, 1, 0)));  /* ID_PFR0_EL1 */
	assert_true(idreg_is_trapped(SYSREG_ENC(3, 0, 0, 7, 7)));  /* reserved */
	assert_false(idreg_is_trapped(SYSREG_ENC(3, 0, 0, 0, 0))); /* MIDR_EL1: TID1 */
	assert_false(idreg_is_trapped(SYSREG_ENC(3, 0, 0, 0, 5))); /* MPIDR_EL1 */
	assert_false(idreg_is_trapped(SYSREG_ENC(3, 1, 0, 0, 1))); /* CLIDR_EL1 */
	assert_false(idreg_is_trapped(SYSREG_ICC_SGI1R_EL1));
}

/* -cpu max: SVE 1, EL2 1, SEL2 1, FP/AdvSIMD 1, GIC 1, RAS 1, DIT 1, CSV2/3 */
static void test_pfr0_hides_sve_and_el2(void **state)
{
	uint64_t hw = 0x1201111123111112ull;
	uint64_t v = idreg_sanitize(SYSREG_ID_AA64PFR0_EL1, hw);

	(void)state;
	assert_int_equal(field(v, 32), 0);	       /* SVE */
	assert_int_equal(field(v, 8), 0);	       /* EL2 */
	assert_int_equal(field(v, 36), 0);	       /* SEL2 */
	assert_int_equal(field(v, 0), field(hw, 0));   /* EL0 kept */
	assert_int_equal(field(v, 4), field(hw, 4));   /* EL1 kept */
	assert_int_equal(field(v, 16), field(hw, 16)); /* FP */
	assert_int_equal(field(v, 20), field(hw, 20)); /* AdvSIMD */
	assert_int_equal(field(v, 24), field(hw, 24)); /* GIC */
	assert_int_equal(field(v, 28), field(hw, 28)); /* RAS */
}

static void test_pfr1_hides_sme_mte(void **state)
{
	uint64_t hw = 0x0000000001000221ull; /* BT 1, SSBS 2, MTE 2, SME 1 */
	uint64_t v = idreg_sanitize(SYSREG_ID_AA64PFR1_EL1, hw);

	(void)state;
	assert_int_equal(field(v, 24), 0); /* SME */
	assert_int_equal(field(v, 8), 0);  /* MTE */
	assert_int_equal(field(v, 0), 1);  /* BT */
	assert_int_equal(field(v, 4), 2);  /* SSBS */
}

static void test_sve_sme_id_registers_zero(void **state)
{
	(void)state;
	assert_int_equal(idreg_sanitize(SYSREG_ID_AA64ZFR0_EL1, 0x0110110000100001ull), 0);
	assert_int_equal(idreg_sanitize(SYSREG_ID_AA64SMFR0_EL1, 0x8ff1000000000000ull), 0);
	assert_false(idreg_is_known(SYSREG_ID_AA64ZFR0_EL1));
}

static void test_pauth_and_el2_features_hidden(void **state)
{
	uint64_t isar1 = idreg_sanitize(SYSREG_ID_AA64ISAR1_EL1, 0x0011212110211155ull);
	uint64_t mmfr1 = idreg_sanitize(SYSREG_ID_AA64MMFR1_EL1, 0x0000000010211122ull);
	uint64_t mmfr2 = idreg_sanitize(SYSREG_ID_AA64MMFR2_EL1, 0x1221011110101011ull);
	uint64_t dfr0 = idreg_sanitize(SYSREG_ID_AA64DFR0_EL1, 0x0000000100005516ull);

	(void)state;
	assert_int_equal(field(isar1, 4), 0);  /* APA */
	assert_int_equal(field(isar1, 8), 0);  /* API */
	assert_int_equal(field(isar1, 24), 0); /* GPA */
	assert_int_equal(field(isar1, 0), 5);  /* DPB kept */
	assert_int_equal(field(mmfr1, 8), 0);  /* VH */
	assert_int_equal(field(mmfr1, 0), 2);  /* HAFDBS kept */
	assert_int_equal(field(mmfr2, 24), 0); /* NV */
	assert_int_equal(field(dfr0, 32), 0);  /* PMSVer */
	assert_int_equal(field(dfr0, 4), 0);   /* TraceVer */
	assert_int_equal(field(dfr0, 8), 5);   /* PMUVer kept */
	assert_int_equal(field(dfr0, 0), 6);   /* DebugVer kept */
}

/* cortex-a53 (CI's CPU): only EL2 changes in PFR0, AArch32 registers as is. */
static void test_cortex_a53(void **state)
{
	(void)state;
	assert_int_equal(idreg_sanitize(SYSREG_ID_AA64PFR0_EL1, 0x2222ull), 0x2022ull);
	assert_int_equal(idreg_sanitize(SYSREG_ENC(3, 0, 0, 1, 0), 0x131ull), 0x131ull);
	assert_int_equal(idreg_sanitize(SYSREG_ENC(3, 0, 0, 6, 0), 0x11120ull), 0x11120ull);
}

/* Reserved or newer registers read as zero: none of their features shown. */
static void test_unknown_read_zero(void **state)
{
	(void)state;
	assert_false(idreg_is_known(SYSREG_ENC(3, 0, 0, 7, 7)));
	assert_int_equal(idreg_sanitize(SYSREG_ENC(3, 0, 0, 7, 7), ~0ull), 0);
	assert_int_equal(idreg_sanitize(SYSREG_ENC(3, 0, 0, 4, 2), ~0ull), 0); /* PFR2 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trapped_space),
		cmocka_unit_test(test_pfr0_hides_sve_and_el2),
		cmocka_unit_test(test_pfr1_hides_sme_mte),
		cmocka_unit_test(test_sve_sme_id_registers_zero),
		cmocka_unit_test(test_pauth_and_el2_features_hidden),
		cmocka_unit_test(test_cortex_a53),
		cmocka_unit_test(test_unknown_read_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
