// SPDX-License-Identifier: MIT
/* Unit tests for the initramfs builder's cpio newc writer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "../../tools/mkinitramfs/newc.h"

struct archive {
	char *buf;
	size_t len;
	FILE *f;
};

static void archive_open(struct archive *a, struct newc_writer *w)
{
	a->buf = NULL;
	a->len = 0;
	a->f = open_memstream(&a->buf, &a->len);
	assert_non_null(a->f);
	newc_init(w, a->f);
}

static void archive_close(struct archive *a)
{
	fclose(a->f);
	free(a->buf);
}

static uint32_t field(const char *p)
{
	char tmp[9];

	memcpy(tmp, p, 8);
	tmp[8] = '\0';
	return (uint32_t)strtoul(tmp, NULL, 16);
}

static void test_header_fields(void **state)
{
	struct newc_header h;

	(void)state;
	assert_int_equal(newc_header_format(&h, 7, S_IFREG | 0755, 0x1234, 5), 0);
	assert_memory_equal(h.magic, "070701", 6);
	assert_int_equal(field(h.ino), 7);
	assert_int_equal(field(h.mode), S_IFREG | 0755);
	assert_int_equal(field(h.uid), 0);
	assert_int_equal(field(h.nlink), 1);
	assert_int_equal(field(h.filesize), 0x1234);
	assert_int_equal(field(h.namesize), 5);
	assert_memory_equal(h.filesize, "00001234", 8);
}

static void test_empty_name_rejected(void **state)
{
	struct newc_header h;

	(void)state;
	assert_int_equal(newc_header_format(&h, 1, S_IFREG, 0, 1), -EINVAL);
}

static void test_entry_alignment(void **state)
{
	struct newc_writer w;
	struct archive a;
	const struct newc_header *h;

	(void)state;
	archive_open(&a, &w);
	/* 110 + 4 ("abc\0") = 114 -> padded to 116; data 5 -> padded to 8 */
	assert_int_equal(newc_add(&w, "abc", S_IFREG | 0644, "hello", 5), 0);
	assert_int_equal(w.offset, 116 + 8);
	fflush(a.f);
	assert_int_equal(a.len, 124);
	h = (const struct newc_header *)a.buf;
	assert_int_equal(field(h->namesize), 4);
	assert_string_equal(a.buf + 110, "abc");
	assert_memory_equal(a.buf + 116, "hello\0\0\0", 8);
	archive_close(&a);
}

static void test_inodes_unique_and_trailer(void **state)
{
	struct newc_writer w;
	struct archive a;
	size_t second;

	(void)state;
	archive_open(&a, &w);
	assert_int_equal(newc_add(&w, "bin", S_IFDIR | 0755, NULL, 0), 0);
	second = (size_t)w.offset;
	assert_int_equal(newc_add(&w, "bin/sh", S_IFLNK | 0777, "busybox", 7), 0);
	assert_int_equal(newc_finish(&w), 0);
	assert_int_equal(field(a.buf + 6), 1);
	assert_int_equal(field(a.buf + second + 6), 2);
	assert_non_null(memmem(a.buf, a.len, NEWC_TRAILER, strlen(NEWC_TRAILER)));
	assert_int_equal(a.len % NEWC_ALIGN, 0);
	archive_close(&a);
}

static void test_absolute_name_rejected(void **state)
{
	struct newc_writer w;
	struct archive a;

	(void)state;
	archive_open(&a, &w);
	assert_int_equal(newc_add(&w, "/init", S_IFREG | 0755, "x", 1), -EINVAL);
	archive_close(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_empty_name_rejected),
		cmocka_unit_test(test_entry_alignment),
		cmocka_unit_test(test_inodes_unique_and_trailer),
		cmocka_unit_test(test_absolute_name_rejected),
	};

	return cmocka_run_group_tests_name("newc", tests, NULL, NULL);
}
