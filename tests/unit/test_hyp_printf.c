// SPDX-License-Identifier: MIT
/* The hypervisor's formatter (hyp/core/printf.c) against expected text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"

static void check(const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hyp_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
}

static void test_formats(void **state)
{
	(void)state;
	check("plain", "plain");
	check("42 -7 0 4294967295", "%d %i %u %u", 42, -7, 0u, 4294967295u);
	check("ff FF 0x1f", "%x %X 0x%x", 255u, 255u, 31u);
	check("0x0000000050100000", "0x%016llx", 0x50100000ull);
	check("esr=0x93c08046 ipa=0x60000000", "esr=0x%llx ipa=0x%llx", 0x93c08046ull,
	      0x60000000ull);
	check("[  ab] [ab  ] [00ab]", "[%4s] [%-4s] [%04x]", "ab", "ab", 0xabu);
	check("-00042", "%06d", -42);
	check("-9223372036854775808", "%lld", (long long)(-9223372036854775807LL - 1));
	check("18446744073709551615", "%llu", 18446744073709551615ull);
	check("c% (null)", "%c%% %s", 'c', (const char *)NULL);
	check("%q", "%q");
	check("12", "%zu", (size_t)12);
}

static void test_truncation(void **state)
{
	char buf[6];
	int n;

	(void)state;
	n = hyp_snprintf(buf, sizeof(buf), "hello world %d", 1);
	assert_string_equal(buf, "hello");
	assert_int_equal(n, 13);
	n = hyp_snprintf(buf, 0, "abc");
	assert_int_equal(n, 3);
	n = hyp_snprintf(buf, 1, "abc");
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests_name("hyp_printf", tests, NULL, NULL);
}
