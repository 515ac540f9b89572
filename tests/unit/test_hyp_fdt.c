// SPDX-License-Identifier: MIT
/* Minimal FDT reader (hyp/core/fdt.c): blobs built here, token by token. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fdt.h"
#include "hyp.h"

struct builder {
	uint8_t structs[1024];
	uint32_t slen;
	char strings[256];
	uint32_t strlen_;
	uint8_t blob[2048];
	uint32_t size;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void tok(struct builder *b, uint32_t t)
{
	put32(b->structs + b->slen, t);
	b->slen += 4;
}

static void begin(struct builder *b, const char *name)
{
	tok(b, FDT_BEGIN_NODE);
	strcpy((char *)b->structs + b->slen, name);
	b->slen += (uint32_t)(strlen(name) + 1 + 3) & ~3u;
}

static void prop(struct builder *b, const char *name, const uint32_t *cells, unsigned int n)
{
	unsigned int i;

	tok(b, FDT_PROP);
	tok(b, n * 4);
	tok(b, b->strlen_);
	strcpy(b->strings + b->strlen_, name);
	b->strlen_ += (uint32_t)strlen(name) + 1;
	for (i = 0; i < n; i++)
		tok(b, cells[i]);
}

static void finish(struct builder *b)
{
	uint32_t off_struct = 40, off_strings;

	tok(b, FDT_END);
	off_strings = 40 + b->slen;
	memset(b->blob, 0, sizeof(b->blob));
	put32(b->blob, FDT_MAGIC);
	b->size = off_strings + b->strlen_;
	put32(b->blob + 4, b->size);
	put32(b->blob + 8, off_struct);
	put32(b->blob + 12, off_strings);
	put32(b->blob + 32, b->strlen_);
	put32(b->blob + 36, b->slen);
	memcpy(b->blob + off_struct, b->structs, b->slen);
	memcpy(b->blob + off_strings, b->strings, b->strlen_);
}

/* What QEMU virt -m 1G gives (2 address cells, 2 size cells). */
static void qemu_like(struct builder *b)
{
	static const uint32_t two[] = { 2 };
	static const uint32_t reg[] = { 0, 0x40000000, 0, 0x40000000 };
	static const uint32_t uart[] = { 0, 0x1c090000, 0, 0x1000 };

	memset(b, 0, sizeof(*b));
	begin(b, "");
	prop(b, "#address-cells", two, 1);
	prop(b, "#size-cells", two, 1);
	begin(b, "pl011@9000000");
	prop(b, "reg", uart, 4);
	tok(b, FDT_END_NODE);
	tok(b, FDT_NOP);
	begin(b, "memory@40000000");
	prop(b, "reg", reg, 4);
	tok(b, FDT_END_NODE);
	tok(b, FDT_END_NODE);
	finish(b);
}

static void test_qemu_memory(void **state)
{
	struct builder b;
	struct fdt_range r[4];

	(void)state;
	qemu_like(&b);
	assert_int_equal(fdt_memory_ranges(b.blob, b.size, r, 4), 1);
	assert_int_equal(r[0].base, 0x40000000);
	assert_int_equal(r[0].size, 0x40000000);
}

static void test_one_cell_and_two_ranges(void **state)
{
	static const uint32_t one[] = { 1 };
	static const uint32_t reg[] = { 0x40000000, 0x1000000, 0x60000000, 0x2000000 };
	struct builder b;
	struct fdt_range r[4];

	(void)state;
	memset(&b, 0, sizeof(b));
	begin(&b, "");
	prop(&b, "#address-cells", one, 1);
	prop(&b, "#size-cells", one, 1);
	begin(&b, "memory");
	prop(&b, "reg", reg, 4);
	tok(&b, FDT_END_NODE);
	tok(&b, FDT_END_NODE);
	finish(&b);
	assert_int_equal(fdt_memory_ranges(b.blob, b.size, r, 4), 2);
	assert_int_equal(r[1].base, 0x60000000);
	assert_int_equal(r[1].size, 0x2000000);
	/* capacity respected */
	assert_int_equal(fdt_memory_ranges(b.blob, b.size, r, 1), 1);
}

static void test_memory_like_names_ignored(void **state)
{
	static const uint32_t reg[] = { 0, 0x1000, 0, 0x1000 };
	struct builder b;
	struct fdt_range r[4];

	(void)state;
	memset(&b, 0, sizeof(b));
	begin(&b, "");
	begin(&b, "memoryx@1000");
	prop(&b, "reg", reg, 4);
	tok(&b, FDT_END_NODE);
	begin(&b, "soc");
	begin(&b, "memory@2000"); /* not at the root level */
	prop(&b, "reg", reg, 4);
	tok(&b, FDT_END_NODE);
	tok(&b, FDT_END_NODE);
	tok(&b, FDT_END_NODE);
	finish(&b);
	assert_int_equal(fdt_memory_ranges(b.blob, b.size, r, 4), 0);
}

static void test_malformed_rejected(void **state)
{
	struct builder b;
	struct fdt_range r[4];
	uint8_t copy[2048];

	(void)state;
	qemu_like(&b);
	/* bad magic */
	memcpy(copy, b.blob, sizeof(copy));
	copy[0] ^= 1;
	assert_int_equal(fdt_memory_ranges(copy, b.size, r, 4), -EINVAL);
	/* blob larger than what is readable */
	assert_int_equal(fdt_memory_ranges(b.blob, b.size - 1, r, 4), -EINVAL);
	assert_int_equal(fdt_memory_ranges(b.blob, 8, r, 4), -EINVAL);
	/* property length running past the structure block */
	memcpy(copy, b.blob, sizeof(copy));
	put32(copy + 40 + 4 + 4 + 4, 0x7fffffff); /* first prop's len */
	assert_int_equal(fdt_memory_ranges(copy, b.size, r, 4), -EINVAL);
	/* unknown token */
	memcpy(copy, b.blob, sizeof(copy));
	put32(copy + 40, 0x77);
	assert_int_equal(fdt_memory_ranges(copy, b.size, r, 4), -EINVAL);
	/* string offset outside the strings block */
	memcpy(copy, b.blob, sizeof(copy));
	put32(copy + 40 + 4 + 4 + 4 + 4, 0xffff);
	assert_int_equal(fdt_memory_ranges(copy, b.size, r, 4), -EINVAL);
}

static void test_truncated_everywhere(void **state)
{
	struct builder b;
	struct fdt_range r[4];
	uint32_t cut;

	(void)state;
	qemu_like(&b);
	/* shrinking the structure block at every point never reads beyond it */
	for (cut = 0; cut < b.size - 40; cut += 4) {
		uint8_t copy[2048];

		memcpy(copy, b.blob, sizeof(copy));
		put32(copy + 36, cut);
		(void)fdt_memory_ranges(copy, b.size, r, 4);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_memory),
		cmocka_unit_test(test_one_cell_and_two_ranges),
		cmocka_unit_test(test_memory_like_names_ignored),
		cmocka_unit_test(test_malformed_rejected),
		cmocka_unit_test(test_truncated_everywhere),
	};

	return cmocka_run_group_tests_name("hyp_fdt", tests, NULL, NULL);
}
