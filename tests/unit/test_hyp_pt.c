// SPDX-License-Identifier: MIT
/*
 * Stage-2 page-table builder (hyp/arch/aarch64/pt.c): build tables into a
 * host buffer whose "physical addresses" are offsets, then walk them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hyp.h"
#include "pt.h"

#define POOL_PAGES   64
#define FAKE_PA_BASE 0x100000000ull /* tables "live" at 4 GiB */

struct pool {
	uint64_t (*pages)[PT_ENTRIES];
	unsigned int used;
	unsigned int limit;
};

static void *pool_alloc(void *ctx)
{
	struct pool *p = ctx;

	if (p->used >= p->limit)
		return NULL;
	return p->pages[p->used++];
}

static uint64_t pool_to_pa(void *ctx, void *va)
{
	struct pool *p = ctx;

	return FAKE_PA_BASE + (uint64_t)((uint8_t *)va - (uint8_t *)p->pages);
}

static void *pool_to_va(void *ctx, uint64_t pa)
{
	struct pool *p = ctx;

	assert_true(pa >= FAKE_PA_BASE);
	assert_true(pa - FAKE_PA_BASE < POOL_PAGES * PT_PAGE_SIZE);
	return (uint8_t *)p->pages + (pa - FAKE_PA_BASE);
}

struct fixture {
	struct pool pool;
	struct pt_ops ops;
	uint64_t *root;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->pool.pages = aligned_alloc(PT_PAGE_SIZE, POOL_PAGES * PT_PAGE_SIZE);
	memset(f->pool.pages, 0, POOL_PAGES * PT_PAGE_SIZE);
	f->pool.limit = POOL_PAGES;
	f->ops = (struct pt_ops){
		.alloc = pool_alloc, .to_pa = pool_to_pa, .to_va = pool_to_va, .ctx = &f->pool
	};
	f->root = pool_alloc(&f->pool);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->pool.pages);
	free(f);
	return 0;
}

static void expect_map(struct fixture *f, uint64_t ipa, uint64_t pa, int level, uint64_t attrs)
{
	uint64_t got_pa = 0, got_attrs = 0;
	int got_level = 0;

	assert_int_equal(pt_lookup(&f->ops, f->root, ipa, &got_pa, &got_attrs, &got_level), 0);
	assert_int_equal(got_pa, pa);
	assert_int_equal(got_level, level);
	assert_int_equal(got_attrs, attrs);
}

static void test_gib_block(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pt_map(&f->ops, f->root, 0x40000000, 0x80000000, GiB, S2_NORMAL_RWX), 0);
	expect_map(f, 0x40000000, 0x80000000, 1, S2_NORMAL_RWX);
	expect_map(f, 0x7fffffff, 0xbfffffff, 1, S2_NORMAL_RWX);
	assert_int_equal(f->pool.used, 1); /* no table below the root */
	assert_int_equal(f->root[1] & PT_TYPE_MASK, PT_BLOCK);
}

static void test_2mib_blocks_when_aligned(void **state)
{
	struct fixture *f = *state;

	/* 16 MiB at IPA 0x40000000 -> PA 0x50000000: eight 2 MiB blocks */
	assert_int_equal(pt_map(&f->ops, f->root, 0x40000000, 0x50000000, 16 * MiB, S2_NORMAL_RWX),
			 0);
	expect_map(f, 0x40000000, 0x50000000, 2, S2_NORMAL_RWX);
	expect_map(f, 0x40ffffff, 0x50ffffff, 2, S2_NORMAL_RWX);
	assert_int_equal(f->pool.used, 2); /* root + one level-2 table */
	assert_int_equal(pt_lookup(&f->ops, f->root, 0x41000000, &(uint64_t){ 0 }, NULL, NULL),
			 -ENOENT);
	assert_int_equal(pt_lookup(&f->ops, f->root, 0x3ffff000, &(uint64_t){ 0 }, NULL, NULL),
			 -ENOENT);
}

static void test_pages_when_misaligned(void **state)
{
	struct fixture *f = *state;

	/* PA only 4 KiB aligned: pages throughout */
	assert_int_equal(pt_map(&f->ops, f->root, 0x40000000, 0x50001000, 4 * MiB, S2_NORMAL_RWX),
			 0);
	expect_map(f, 0x40000000, 0x50001000, 3, S2_NORMAL_RWX);
	expect_map(f, 0x403ff123, 0x50400123, 3, S2_NORMAL_RWX);
	assert_int_equal(f->pool.used, 1 + 1 + 2); /* root, L2, 2 x L3 */
}

static void test_mixed_head_blocks_tail(void **state)
{
	struct fixture *f = *state;

	/* 4 KiB head, 2 MiB blocks in the middle, 4 KiB tail */
	assert_int_equal(pt_map(&f->ops, f->root, 0x441ff000, 0x601ff000,
				4 * MiB + 2 * PT_PAGE_SIZE, S2_DEVICE_RW),
			 0);
	expect_map(f, 0x441ff000, 0x601ff000, 3, S2_DEVICE_RW);
	expect_map(f, 0x44200000, 0x60200000, 2, S2_DEVICE_RW);
	expect_map(f, 0x44400000, 0x60400000, 2, S2_DEVICE_RW);
	expect_map(f, 0x44600000, 0x60600000, 3, S2_DEVICE_RW);
	assert_int_equal(pt_lookup(&f->ops, f->root, 0x44601000, &(uint64_t){ 0 }, NULL, NULL),
			 -ENOENT);
}

static void test_single_page_device(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(
		pt_map(&f->ops, f->root, 0x1c090000, 0x1c090000, PT_PAGE_SIZE, S2_DEVICE_RW), 0);
	expect_map(f, 0x1c090018, 0x1c090018, 3, S2_DEVICE_RW);
	assert_int_equal(pt_lookup(&f->ops, f->root, 0x1c091000, &(uint64_t){ 0 }, NULL, NULL),
			 -ENOENT);
}

static void test_overlap_rejected(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pt_map(&f->ops, f->root, 0x40000000, 0x50000000, 2 * MiB, S2_NORMAL_RWX),
			 0);
	/* page inside an existing block */
	assert_int_equal(
		pt_map(&f->ops, f->root, 0x40100000, 0x60000000, PT_PAGE_SIZE, S2_NORMAL_RWX),
		-EEXIST);
	/* block over existing pages */
	assert_int_equal(
		pt_map(&f->ops, f->root, 0x40400000, 0x60400000, PT_PAGE_SIZE, S2_NORMAL_RWX), 0);
	assert_int_equal(pt_map(&f->ops, f->root, 0x40400000, 0x60400000, 2 * MiB, S2_NORMAL_RWX),
			 -EEXIST);
}

static void test_bad_arguments(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pt_map(&f->ops, f->root, 0x40000800, 0, PT_PAGE_SIZE, S2_NORMAL_RWX),
			 -EINVAL);
	assert_int_equal(pt_map(&f->ops, f->root, 0, 0x800, PT_PAGE_SIZE, S2_NORMAL_RWX), -EINVAL);
	assert_int_equal(pt_map(&f->ops, f->root, 0, 0, 0x1800, S2_NORMAL_RWX), -EINVAL);
	assert_int_equal(pt_map(&f->ops, f->root, 0, 0, 0, S2_NORMAL_RWX), -EINVAL);
	/* beyond the 39-bit IPA space */
	assert_int_equal(pt_map(&f->ops, f->root, (1ull << 39) - PT_PAGE_SIZE, 0, 2 * PT_PAGE_SIZE,
				S2_NORMAL_RWX),
			 -EINVAL);
	/* wrap-around */
	assert_int_equal(pt_map(&f->ops, f->root, 0x1000, 0, 0ull - PT_PAGE_SIZE, S2_NORMAL_RWX),
			 -EINVAL);
	assert_int_equal(pt_lookup(&f->ops, f->root, 1ull << 39, &(uint64_t){ 0 }, NULL, NULL),
			 -ENOENT);
}

static void test_out_of_tables(void **state)
{
	struct fixture *f = *state;

	f->pool.limit = f->pool.used + 1; /* L2 fits, L3 does not */
	assert_int_equal(
		pt_map(&f->ops, f->root, 0x40000000, 0x50000000, PT_PAGE_SIZE, S2_NORMAL_RWX),
		-ENOMEM);
}

static void test_attrs_kept_apart(void **state)
{
	struct fixture *f = *state;
	uint64_t ro = S2_MEMATTR_NORMAL_WB | S2_AP_R | S2_SH_IS | S2_AF | S2_XN;

	assert_int_equal(pt_map(&f->ops, f->root, 0x44000000, 0x50000000, 2 * MiB, ro), 0);
	assert_int_equal(pt_map(&f->ops, f->root, 0x44200000, 0x50200000, 2 * MiB, S2_NORMAL_RWX),
			 0);
	expect_map(f, 0x44000000, 0x50000000, 2, ro);
	expect_map(f, 0x44200000, 0x50200000, 2, S2_NORMAL_RWX);
	/* stray bits outside S2_ATTR_MASK never reach a descriptor */
	assert_int_equal(pt_map(&f->ops, f->root, 0x44400000, 0x50400000, PT_PAGE_SIZE,
				S2_NORMAL_RWX | 0x3 | (1ull << 12)),
			 0);
	expect_map(f, 0x44400000, 0x50400000, 3, S2_NORMAL_RWX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gib_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_2mib_blocks_when_aligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages_when_misaligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_head_blocks_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_page_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attrs_kept_apart, setup, teardown),
	};

	return cmocka_run_group_tests_name("hyp_pt", tests, NULL, NULL);
}
