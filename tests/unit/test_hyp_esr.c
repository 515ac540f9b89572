// SPDX-License-Identifier: MIT
/* ESR_EL2 / HPFAR decoding (hyp/arch/aarch64/esr.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "esr.h"
#include "hyp.h"

static void test_ec_iss(void **state)
{
	(void)state;
	assert_int_equal(esr_ec(0x93c08046), ESR_EC_DABT_LOW);
	assert_int_equal(esr_iss(0x93c08046), 0x1c08046);
	assert_int_equal(esr_ec(0x5a000000), ESR_EC_HVC64);
	assert_int_equal(esr_ec(0x5e000000), ESR_EC_SMC64);
	assert_int_equal(esr_ec(0x04000000), ESR_EC_WFX);
	assert_string_equal(esr_ec_name(ESR_EC_DABT_LOW), "data-abort");
	assert_string_equal(esr_ec_name(0x3f), "unhandled");
}

/* str x0, [x1] to unmapped IPA, seen under QEMU: ESR 0x93c08046 */
static void test_dabt_store_64(void **state)
{
	struct esr_dabt d;

	(void)state;
	assert_int_equal(esr_decode_dabt(0x93c08046, &d), 0);
	assert_true(d.isv);
	assert_int_equal(d.size, 8);
	assert_int_equal(d.srt, 0);
	assert_true(d.sf);
	assert_true(d.write);
	assert_false(d.sse);
	assert_false(d.s1ptw);
	assert_int_equal(d.fsc & ESR_FSC_TYPE_MASK, ESR_FSC_TRANSLATION);
	assert_int_equal(d.fsc & 3, 2);	/* level 2 */
}

/* ldr x?, load: ESR 0x93c18006 (SRT=1, read) */
static void test_dabt_load(void **state)
{
	struct esr_dabt d;

	(void)state;
	assert_int_equal(esr_decode_dabt(0x93c18006, &d), 0);
	assert_false(d.write);
	assert_int_equal(d.srt, 1);
	assert_int_equal(d.size, 8);
}

static void test_dabt_byte_sign_extended(void **state)
{
	struct esr_dabt d;
	/* ISV, SAS=0 (byte), SSE, SRT=5, SF=0, WnR=0, DFSC=0x04 */
	uint64_t esr = ((uint64_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT) | ESR_IL |
		       ESR_DABT_ISV | ESR_DABT_SSE | (5u << ESR_DABT_SRT_SHIFT) |
		       ESR_FSC_TRANSLATION;

	(void)state;
	assert_int_equal(esr_decode_dabt(esr, &d), 0);
	assert_int_equal(d.size, 1);
	assert_true(d.sse);
	assert_int_equal(d.srt, 5);
	assert_false(d.sf);
}

static void test_dabt_no_isv_zeroes_fields(void **state)
{
	struct esr_dabt d;
	/* ldp: ISV=0, but garbage in the SAS/SRT bits must not leak through */
	uint64_t esr = ((uint64_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT) |
		       (3u << ESR_DABT_SAS_SHIFT) | (7u << ESR_DABT_SRT_SHIFT) |
		       ESR_DABT_WNR | ESR_FSC_TRANSLATION;

	(void)state;
	assert_int_equal(esr_decode_dabt(esr, &d), 0);
	assert_false(d.isv);
	assert_int_equal(d.size, 0);
	assert_int_equal(d.srt, 0);
	assert_true(d.write);
}

static void test_dabt_wrong_class(void **state)
{
	struct esr_dabt d;
	struct esr_sysreg s;

	(void)state;
	assert_int_equal(esr_decode_dabt(0x5a000000, &d), -EINVAL);
	assert_int_equal(esr_decode_sysreg(0x93c08046, &s), -EINVAL);
}

/* msr ICC_SGI1R_EL1, x3 */
static void test_sysreg_sgi1r(void **state)
{
	struct esr_sysreg s;
	uint32_t iss = (3u << ESR_SYS_OP0_SHIFT) | (5u << ESR_SYS_OP2_SHIFT) |
		       /* Op1 = 0 */ (12u << ESR_SYS_CRN_SHIFT) |
		       (3u << ESR_SYS_RT_SHIFT) | (11u << ESR_SYS_CRM_SHIFT);
	uint64_t esr = ((uint64_t)ESR_EC_SYSREG << ESR_EC_SHIFT) | ESR_IL | iss;

	(void)state;
	assert_int_equal(esr_decode_sysreg(esr, &s), 0);
	assert_false(s.read);
	assert_int_equal(s.rt, 3);
	assert_int_equal(esr_sysreg_enc(&s), SYSREG_ICC_SGI1R_EL1);
	assert_int_equal(esr_decode_sysreg(esr | ESR_SYS_READ, &s), 0);
	assert_true(s.read);
}

static void test_hpfar_ipa(void **state)
{
	(void)state;
	/* HPFAR.FIPA holds IPA[51:12] at bits [43:4] */
	assert_int_equal(esr_hpfar_to_ipa(0x600000, 0x60000000), 0x60000000);
	assert_int_equal(esr_hpfar_to_ipa(0x501000, 0xdead0123), 0x50100123);
	assert_int_equal(esr_hpfar_to_ipa(0x4010000000ull >> 8, 0xfff),
			 0x4010000fffull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ec_iss),
		cmocka_unit_test(test_dabt_store_64),
		cmocka_unit_test(test_dabt_load),
		cmocka_unit_test(test_dabt_byte_sign_extended),
		cmocka_unit_test(test_dabt_no_isv_zeroes_fields),
		cmocka_unit_test(test_dabt_wrong_class),
		cmocka_unit_test(test_sysreg_sgi1r),
		cmocka_unit_test(test_hpfar_ipa),
	};

	return cmocka_run_group_tests_name("hyp_esr", tests, NULL, NULL);
}
