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
	assert_int_equal(d.fsc & 3, 2); /* level 2 */
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
	uint64_t esr = ((uint64_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT) | ESR_IL | ESR_DABT_ISV |
		       ESR_DABT_SSE | (5u << ESR_DABT_SRT_SHIFT) | ESR_FSC_TRANSLATION;

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
	uint64_t esr = ((uint64_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT) | (3u << ESR_DABT_SAS_SHIFT) |
		       (7u << ESR_DABT_SRT_SHIFT) | ESR_DABT_WNR | ESR_FSC_TRANSLATION;

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
		       /* Op1 = 0 */ (12u << ESR_SYS_CRN_SHIFT) | (3u << ESR_SYS_RT_SHIFT) |
		       (11u << ESR_SYS_CRM_SHIFT);
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
	assert_int_equal(esr_hpfar_to_ipa(0x4010000000ull >> 8, 0xfff), 0x4010000fffull);
}

static struct esr_dabt dabt(uint8_t size, bool sse, bool sf)
{
	return (struct esr_dabt){ .isv = true, .size = size, .sse = sse, .sf = sf };
}

static void test_store_value_truncated(void **state)
{
	struct esr_dabt d;

	(void)state;
	d = dabt(1, false, false);
	assert_int_equal(esr_dabt_store_value(&d, 0x123456789abcdef0ull), 0xf0);
	d = dabt(2, false, false);
	assert_int_equal(esr_dabt_store_value(&d, 0x123456789abcdef0ull), 0xdef0);
	d = dabt(4, false, false);
	assert_int_equal(esr_dabt_store_value(&d, 0x123456789abcdef0ull), 0x9abcdef0);
	d = dabt(8, false, true);
	assert_int_equal(esr_dabt_store_value(&d, 0x123456789abcdef0ull), 0x123456789abcdef0ull);
}

static void test_load_value_extension(void **state)
{
	struct esr_dabt d;

	(void)state;
	/* ldrb w: zero-extend, garbage above the byte dropped */
	d = dabt(1, false, false);
	assert_int_equal(esr_dabt_load_value(&d, 0xffffff80), 0x80);
	/* ldrsb x: sign-extend to 64 bits */
	d = dabt(1, true, true);
	assert_int_equal(esr_dabt_load_value(&d, 0x80), 0xffffffffffffff80ull);
	/* ldrsb w: sign-extend to 32 bits only */
	d = dabt(1, true, false);
	assert_int_equal(esr_dabt_load_value(&d, 0x80), 0xffffff80ull);
	/* ldrsh x, positive value: unchanged */
	d = dabt(2, true, true);
	assert_int_equal(esr_dabt_load_value(&d, 0x7fff), 0x7fff);
	/* ldrsw x */
	d = dabt(4, true, true);
	assert_int_equal(esr_dabt_load_value(&d, 0x80000000), 0xffffffff80000000ull);
	/* ldr w */
	d = dabt(4, false, false);
	assert_int_equal(esr_dabt_load_value(&d, 0x1234567880000000ull), 0x80000000);
	/* ldr x */
	d = dabt(8, false, true);
	assert_int_equal(esr_dabt_load_value(&d, 0x8000000000000001ull), 0x8000000000000001ull);
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
		cmocka_unit_test(test_store_value_truncated),
		cmocka_unit_test(test_load_value_extension),
	};

	return cmocka_run_group_tests_name("hyp_esr", tests, NULL, NULL);
}
